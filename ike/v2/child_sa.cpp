#include "ike/v2/child_sa.hpp"

#include <algorithm>
#include <set>
#include <utility>


namespace ike::v2 {

namespace {

xfrm::Proto proto_of(const ChildSa& c) { return kernel_proto(*c.config); }

// Its outbound SA is in the kernel, which sends with the newest of a reqid.
bool sends(const ChildSa& c) {
    return c.state != ChildState::deleted && !c.pending_out && !c.out_removed && c.spi_out != c.expired_spi;
}

bool another_sends(const IkeSa& sa, const ChildSa& child) {
    return std::any_of(sa.children.begin(), sa.children.end(),
                       [&](const ChildSa& c) { return &c != &child && c.reqid == child.reqid && sends(c); });
}

// The CHILD SA not deleted whose outbound SA (in the kernel, or pending) the kernel would key
// as `remote` and `spi` too (RFC 4301 4.1: the SPI and destination name an SA), if any.
const ChildSa* holding_outbound(const Core& core, const net::Address& remote, std::uint32_t spi, xfrm::Proto proto) {
    const auto [first, last] = core.by_child_spi.equal_range(spi);
    for (auto it = first; it != last; ++it) {
        const auto sa = core.sas.find(it->second);
        if (sa == core.sas.end()) continue;
        for (const auto& c : sa->second->children)
            if (c.spi_out == spi && c.remote == remote && proto_of(c) == proto && c.state != ChildState::deleted &&
                !c.out_removed && c.spi_out != c.expired_spi)
                return &c;
    }
    return nullptr;
}

struct Direction {
    net::Endpoint src, dst;
    std::uint32_t spi;
    const base::SecretBytes& encr;
    const base::SecretBytes& integ;
};

base::Result<xfrm::Sa> make_sa(const IkeSa& sa, const ChildSa& c, const Direction& d) {
    // Soft expiry tells us to rekey; the hard limit leaves 10% for that to finish.
    const auto life = static_cast<std::uint64_t>(c.config->lifetime.count());
    // UDP encapsulation of ESP when a NAT is between us (RFC 7296 2.23, RFC 3948).
    return kernel_sa({.src = d.src, .dst = d.dst, .spi = d.spi, .proto = proto_of(c), .mode = c.mode,
                      .reqid = c.reqid, .proposal = c.proposal, .encr = d.encr, .integ = d.integ,
                      .udp_encap = sa.nat_local || sa.nat_remote, .soft_seconds = life,
                      .hard_seconds = life + life / 10});
}

}  // namespace

std::vector<xfrm::Policy> policies_of(const IkeSa& sa, const ChildSa& c) {
    return policies_for({c.local_ts, c.remote_ts, sa.local.address, sa.remote.address, proto_of(c), c.mode, c.reqid});
}

base::Status install_child(Core& core, IkeSa& sa, ChildSa child, bool we_initiated, base::ByteView ni,
                           base::ByteView nr, base::ByteView pfs_secret, bool with_policies) {
    // A peer hands out an SPI of ours again only once it lost the SA it named (a Delete we
    // missed, a restart): ours stays until it goes (DPD, its lifetime), the new one is refused
    // rather than a second SA the kernel would refuse.
    if (const ChildSa* old = holding_outbound(core, sa.remote.address, child.spi_out, proto_of(child)))
        return base::fail("the peer's SPI " + hex_spi(child.spi_out) + " is that of CHILD SA " + old->config->name +
                          " still installed");
    auto lengths = child_key_lengths(child.proposal);
    if (!lengths) return base::fail(lengths.error().message);
    auto keys = crypto::derive_child_sa_keys(*sa.prf, sa.keys.sk_d, *lengths, ni, nr, pfs_secret);
    if (!keys) return base::fail(keys.error().message);
    // RFC 7296 2.17: the "_i" keys protect what the exchange's initiator sends.
    const auto& out_encr = we_initiated ? keys->encr_i : keys->encr_r;
    const auto& out_integ = we_initiated ? keys->integ_i : keys->integ_r;
    const auto& in_encr = we_initiated ? keys->encr_r : keys->encr_i;
    const auto& in_integ = we_initiated ? keys->integ_r : keys->integ_i;
    auto in = make_sa(sa, child, {sa.remote, sa.local, child.spi_in, in_encr, in_integ});
    auto out = make_sa(sa, child, {sa.local, sa.remote, child.spi_out, out_encr, out_integ});
    if (!in || !out) return base::fail((in ? out : in).error().message);
    // Inbound first: the peer may send as soon as it has our SPI. It fills the larval SA
    // that reserved the SPI.
    core.emit(AddSa{std::move(*in), core.owner(sa), take_larval(core, sa, child.spi_in)});
    // The kernel sends with the newest SA of the reqid: as the responder of a rekey
    // (policies kept), not before the peer has the new pair (RFC 7296 2.8).
    if (!we_initiated && !with_policies)
        child.pending_out = std::make_unique<ChildSa::PendingOutbound>(ChildSa::PendingOutbound{out_encr, out_integ});
    else
        core.emit(AddSa{std::move(*out), core.owner(sa)});
    // A trap policy of the same selector already sends to this reqid (trap.cpp). A policy a
    // live CHILD SA of the connection holds stays: a rekey's successor inherits it, a new CHILD
    // SA for the same selectors (the peer lost the first) updates it in place. A rekey whose
    // predecessor expired meanwhile adds it again: never a CHILD SA without its policies.
    for (auto& p : policies_of(sa, child)) {
        if (trapped(core, p.id())) continue;
        if (!used_by_child(core, *sa.conn, p.id()))
            core.emit(AddPolicy{std::move(p), core.owner(sa)});
        else if (with_policies)
            core.emit(UpdatePolicy{std::move(p), core.owner(sa)});
    }
    child.local = sa.local.address;
    child.remote = sa.remote.address;
    child.installed_at = core.now;
    if (core.logs(LogLevel::info))
        core.log(LogLevel::info, &sa, "CHILD SA " + child.config->name + " installed, spi in " + hex_spi(child.spi_in) +
                                          " out " + hex_spi(child.spi_out));
    sa.children.push_back(std::move(child));
    core.index_child(sa, sa.children.back());
    child_installed(core, sa, sa.children.back());
    return {};
}

void move_children(Core& core, IkeSa& sa) {
    std::set<std::uint32_t> moved;  // reqids
    // Newest first: the kernel moves one SA per policy and reqid, the newest it holds. An
    // older CHILD SA of the reqid (rekeyed, its Delete pending) stays where it is until removed.
    for (auto c = sa.children.rbegin(); c != sa.children.rend(); ++c) {
        if (c->state == ChildState::deleted || !moved.insert(c->reqid).second) continue;
        bool in_moved = false, out_moved = false;
        for (const auto& p : policies_for({c->local_ts, c->remote_ts, c->local, c->remote, proto_of(*c), c->mode,
                                           c->reqid})) {
            const bool out = p.dir == xfrm::Dir::out;
            const auto& [from, to] = out ? std::pair{sa.local, sa.remote} : std::pair{sa.remote, sa.local};
            xfrm::Migration m{p.id(), proto_of(*c), c->mode, c->reqid, p.templates[0].src, p.templates[0].dst,
                              from.address, to.address, 0, std::nullopt};
            // Each SA moves with the first policy of its direction (fwd policies have none).
            // An outbound SA still pending is installed where the IKE SA is by then; the
            // older one stays behind (dropping what would go to the old mapping, fail closed).
            if (bool& carried = out ? out_moved : in_moved;
                p.dir != xfrm::Dir::fwd && !carried && !(out && c->pending_out)) {
                carried = true;
                m.spi = out ? c->spi_out : c->spi_in;
                if (sa.nat_local || sa.nat_remote) m.encap = xfrm::UdpEncap{from.port, to.port};
            }
            core.emit(MigrateSa{std::move(m), core.owner(sa)});
        }
        c->local = sa.local.address;
        c->remote = sa.remote.address;
    }
}

void install_pending_outbound(Core& core, IkeSa& sa, const ChildSa& old) {
    if (another_sends(sa, old)) return;
    for (auto c = sa.children.rbegin(); c != sa.children.rend(); ++c) {
        if (!c->pending_out || c->reqid != old.reqid || c->state == ChildState::deleted) continue;
        const auto keys = std::move(c->pending_out);
        auto out = make_sa(sa, *c, {sa.local, sa.remote, c->spi_out, keys->encr, keys->integ});
        if (out) core.emit(AddSa{std::move(*out), core.owner(sa)});  // checked at install_child
        return;
    }
}

void stop_sending(Core& core, const IkeSa& sa, ChildSa& child) {
    if (!sends(child) || !another_sends(sa, child)) return;
    core.emit(DeleteSa{{child.remote, child.spi_out, proto_of(child), std::nullopt}, core.owner(sa)});
    child.out_removed = true;
}

void remove_child(Core& core, const IkeSa& sa, const ChildSa& child) {
    // Trap policies stay (fail closed, DESIGN): the next packet triggers a new acquire. So do
    // policies another CHILD SA not deleted holds (SaTable::held_policies, which no longer
    // counts `child`): a rekey's successor, a CHILD SA for the same selectors in this IKE SA
    // (even one closing: its CHILD SAs go one by one, the last one deletes the policies), or
    // one of another IKE SA of the connection.
    for (const auto& p : policies_of(sa, child))
        if (!trapped(core, p.id()) && !used_by_child(core, *sa.conn, p.id()))
            core.emit(DeletePolicy{p.id(), core.owner(sa)});
    if (child.spi_in != child.expired_spi)
        core.emit(DeleteSa{{child.local, child.spi_in, proto_of(child), std::nullopt}, core.owner(sa)});
    if (child.spi_out != child.expired_spi && !child.pending_out && !child.out_removed)
        core.emit(DeleteSa{{child.remote, child.spi_out, proto_of(child), std::nullopt}, core.owner(sa)});
}

}  // namespace ike::v2
