#include "daemon/manual_sas.hpp"

#include "ike/engine/child_policies.hpp"
#include "ike/engine/kernel_sa.hpp"

namespace ipsecd {

namespace {

using ike::policy::Connection;
using ike::policy::ManualSa;

xfrm::Proto proto_of(const ike::policy::Manual& m) {
    return m.protocol == ike::ProtocolId::ah ? xfrm::Proto::ah : xfrm::Proto::esp;
}

xfrm::Mode mode_of(const ike::policy::Manual& m) {
    return m.mode == ike::policy::Mode::tunnel ? xfrm::Mode::tunnel : xfrm::Mode::transport;
}

ike::policy::Proposal proposal_of(const ike::policy::Manual& m, const ManualSa& sa) {
    ike::policy::Proposal p{m.protocol, {}};
    if (sa.encryption) p.transforms.push_back(*sa.encryption);
    if (sa.integrity) p.transforms.push_back(*sa.integrity);
    return p;
}

// One direction's kernel SA: `in` is received by us (from the peer to our address).
base::Result<xfrm::Sa> kernel_sa(const Connection& c, const ManualSa& sa, bool in, std::uint32_t reqid) {
    const auto& m = *c.manual;
    auto alg = ike::engine::kernel_algorithms(proposal_of(m, sa), sa.encryption_key, sa.integrity_key);
    if (!alg) return base::fail(alg.error().message);
    xfrm::Sa k;
    k.src = in ? *c.remote.address : *c.local.address;
    k.dst = in ? *c.local.address : *c.remote.address;
    k.spi = sa.spi;
    k.proto = proto_of(m);
    k.mode = mode_of(m);
    k.reqid = reqid;
    k.aead = std::move(alg->aead);
    k.cipher = std::move(alg->cipher);
    k.integ = std::move(alg->integ);
    return k;
}

std::vector<xfrm::Policy> policies_of(const Connection& c, std::uint32_t reqid) {
    return ike::engine::policies_for({c.local.subnets, c.remote.subnets, *c.local.address, *c.remote.address,
                                  proto_of(*c.manual), mode_of(*c.manual), reqid});
}

}  // namespace

void ManualSas::apply(const ike::policy::Config& config) {
    for (auto it = installed_.begin(); it != installed_.end();) {
        const Connection* next = config.find(it->first);
        if (next && next->manual) {
            ++it;
            continue;
        }
        remove(it->second);
        log_.info("manual connection removed", {it->first, {}});
        it = installed_.erase(it);
    }
    for (const auto& c : config.connections) {
        if (!c.manual) continue;
        auto it = installed_.find(c.name);
        if (it != installed_.end()) {
            if (it->second.connection == c) continue;
            remove(it->second);  // the same SPIs may come back: the old SAs go first
            it->second.connection = c;
        } else {
            it = installed_.emplace(c.name, Installed{c, next_reqid_++, {}, {}, {}}).first;
        }
        install(it->second);
    }
}

void ManualSas::install(Installed& at) {
    const Connection& c = at.connection;
    at.error.clear();
    auto policies = policies_of(c, at.reqid);
    // Inbound first, as for IKE: the peer may already send with it.
    for (const auto* sa : {&c.manual->in, &c.manual->out}) {
        auto k = kernel_sa(c, *sa, sa == &c.manual->in, at.reqid);
        base::Status st = k ? kernel_.add_sa(*k) : base::Status(base::fail(k.error().message));
        if (!st) {
            at.error = st.error().message;
            return block(at, policies);
        }
        at.sas.push_back(k->id());
    }
    for (const auto& p : policies) {
        if (auto st = policies_.want_now(kOwner, p); !st) {
            at.error = st.error().message;
            log_.error("manual connection not installed: " + at.error, {c.name, {}});
            return remove(at);
        }
        at.policies.push_back(p.id());
    }
    log_.info("manual connection installed (" + xfrm::to_string(proto_of(*c.manual)) + " " +
                  xfrm::to_string(mode_of(*c.manual)) + ")",
              {c.name, {}});
}

// Never fail open: without its SAs the connection's selectors drop their traffic.
void ManualSas::block(Installed& at, const std::vector<xfrm::Policy>& policies) {
    log_.error("manual connection not installed, its traffic is blocked: " + at.error, {at.connection.name, {}});
    for (const auto& id : at.sas)
        if (auto st = kernel_.delete_sa(id); !st) log_.error(st.error().message, {at.connection.name, {}});
    at.sas.clear();
    for (auto p : policies) {
        p.action = xfrm::Action::block;
        p.templates.clear();
        if (auto st = policies_.want_now(kOwner, p); !st) log_.error(st.error().message, {at.connection.name, {}});
        else at.policies.push_back(p.id());
    }
}

void ManualSas::remove(Installed& at) {
    // Policies first: once they are gone nothing sends to the SAs.
    for (const auto& id : at.policies)
        if (auto st = policies_.drop_now(kOwner, id); !st && !xfrm::is_not_found(st.error()))
            log_.error(st.error().message, {at.connection.name, {}});
    for (const auto& id : at.sas)
        if (auto st = kernel_.delete_sa(id); !st && !xfrm::is_not_found(st.error()))
            log_.error(st.error().message, {at.connection.name, {}});
    at.policies.clear();
    at.sas.clear();
}

void ManualSas::remove_all() {
    for (auto& [name, at] : installed_) remove(at);
    installed_.clear();
}

std::optional<ManualStatus> ManualSas::status(const std::string& name) const {
    auto it = installed_.find(name);
    if (it == installed_.end()) return std::nullopt;
    const Installed& at = it->second;
    const Connection& c = at.connection;
    const auto& m = *c.manual;
    ManualStatus s;
    s.state = at.error.empty() ? ike::engine::ConnectionState::up : ike::engine::ConnectionState::down;
    s.error = at.error;
    s.local = *c.local.address;
    s.remote = *c.remote.address;
    s.sa.name = "manual";
    s.sa.mode = mode_of(m);
    s.sa.protocol = proto_of(m);
    s.sa.spi_in = m.in.spi;
    s.sa.spi_out = m.out.spi;
    auto out = ike::policy::to_string(proposal_of(m, m.out));
    auto in = ike::policy::to_string(proposal_of(m, m.in));
    s.sa.proposal = out == in ? out : out + " / " + in;
    s.sa.local_ts = c.local.subnets;
    s.sa.remote_ts = c.remote.subnets;
    return s;
}

}  // namespace ipsecd
