#include "xfrm/netlink_kernel.hpp"

#include "xfrm/event_message.hpp"
#include "xfrm/policy_message.hpp"
#include "xfrm/sa_message.hpp"
#include "xfrm/spd_message.hpp"

namespace xfrm {

base::Result<std::unique_ptr<NetlinkKernel>> NetlinkKernel::open(bool events_wanted) {
    auto requests = NetlinkSocket::open();
    if (!requests) return base::Unexpected{requests.error()};
    auto events = events_wanted ? NetlinkSocket::open({XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE, XFRMNLGRP_MIGRATE})
                                : NetlinkSocket::open();
    if (!events) return base::Unexpected{events.error()};
    return std::unique_ptr<NetlinkKernel>(new NetlinkKernel(std::move(*requests), std::move(*events)));
}

void NetlinkKernel::dispatch_events() {
    events_.drain([this](const nlmsghdr& nlh) {
        auto events = decode_event(nlh);
        if (!events || !handler_) return;
        for (const auto& ev : *events) handler_(ev);
    });
}

// Requests with replies go straight to the socket, after what is queued.
Status NetlinkKernel::request(const std::string& context, base::Result<Message> msg,
                              const NetlinkSocket::ReplyFn& on_reply) {
    flush();
    if (!msg) return base::fail(context + ": " + msg.error().message, msg.error().code);
    if (auto ok = requests_.transact(*msg, on_reply); !ok)
        return base::fail(context + ": " + ok.error().message, ok.error().code);
    return {};
}

// A message that could not be built answers at once, without reaching the queue.
void NetlinkKernel::queue(std::string context, base::Result<Message> msg, Done done) {
    if (!msg) return done(base::fail(context + ": " + msg.error().message, msg.error().code));
    queue_.push(std::move(context), *msg, std::move(done));
}

Result<std::uint32_t> NetlinkKernel::alloc_spi(const net::Address& src, const net::Address& dst, Proto proto,
                                               std::uint32_t reqid, std::uint32_t min, std::uint32_t max) {
    std::uint32_t spi = 0;
    auto ok = request("allocating " + to_string(proto) + " SPI " + src.str() + "→" + dst.str(),
                      encode_alloc_spi(src, dst, proto, reqid, min, max), [&](const nlmsghdr& nlh) -> Status {
                          auto r = decode_sa(nlh);
                          if (!r) return base::Unexpected{r.error()};
                          spi = r->sa.spi;
                          return {};
                      });
    if (!ok) return base::Unexpected{ok.error()};
    owned_sas_.insert(SaId{dst, spi, proto, std::nullopt});
    return spi;
}

void NetlinkKernel::queue_sa(const Sa& sa, bool update, Done done) {
    queue((update ? "updating " : "adding ") + describe(sa), encode_sa(sa, update),
          [this, id = sa.id(), update, done = std::move(done)](const Status& ok) {
              // An update completes the larval SA alloc_spi() recorded without a mark.
              if (ok && update) owned_sas_.erase(SaId{id.dst, id.spi, id.proto, std::nullopt});
              if (ok) owned_sas_.insert(id);
              done(ok);
          });
}

void NetlinkKernel::queue_delete_sa(const SaId& id, Done done) {
    queue("deleting " + describe(id), encode_sa_id(id, XFRM_MSG_DELSA),
          [this, id, done = std::move(done)](const Status& ok) {
              if (ok) owned_sas_.erase(id);
              done(ok);
          });
}

Status NetlinkKernel::add_sa(const Sa& sa) {
    return now([&](Done d) { queue_sa(sa, false, std::move(d)); });
}

Status NetlinkKernel::update_sa(const Sa& sa) {
    return now([&](Done d) { queue_sa(sa, true, std::move(d)); });
}

Status NetlinkKernel::delete_sa(const SaId& id) {
    return now([&](Done d) { queue_delete_sa(id, std::move(d)); });
}

Result<SaInfo> NetlinkKernel::get_sa(const SaId& id) {
    std::optional<SaInfo> info;
    auto ok = request("reading " + describe(id), encode_sa_id(id, XFRM_MSG_GETSA), [&](const nlmsghdr& nlh) -> Status {
        auto r = decode_sa(nlh);
        if (!r) return base::Unexpected{r.error()};
        info = make_info(r->sa, r->counters);
        return {};
    });
    if (!ok) return base::Unexpected{ok.error()};
    if (!info) return base::fail("reading " + describe(id) + ": no SA in the kernel's reply");
    return *info;
}

Result<std::vector<SaInfo>> NetlinkKernel::list_sas() {
    std::vector<SaInfo> sas;
    auto ok = request("listing SAs", encode_sa_dump(), [&](const nlmsghdr& nlh) -> Status {
        // Larval and acquire states, or algorithms we do not know: not ours to read.
        if (auto r = decode_sa(nlh)) sas.push_back(make_info(r->sa, r->counters));
        return {};
    });
    if (!ok) return base::Unexpected{ok.error()};
    return sas;
}

void NetlinkKernel::queue_policy(const Policy& p, bool update, Done done) {
    queue((update ? "updating " : "adding ") + describe(p.id()), encode_policy(p, update),
          [this, id = p.id(), done = std::move(done)](const Status& ok) {
              if (ok) owned_policies_.insert(id);
              done(ok);
          });
}

void NetlinkKernel::queue_delete_policy(const PolicyId& id, Done done) {
    queue("deleting " + describe(id), encode_delete_policy(id), [this, id, done = std::move(done)](const Status& ok) {
        if (ok) owned_policies_.erase(id);
        done(ok);
    });
}

Status NetlinkKernel::add_policy(const Policy& p) {
    return now([&](Done d) { queue_policy(p, false, std::move(d)); });
}

Status NetlinkKernel::update_policy(const Policy& p) {
    return now([&](Done d) { queue_policy(p, true, std::move(d)); });
}

Status NetlinkKernel::delete_policy(const PolicyId& id) {
    return now([&](Done d) { queue_delete_policy(id, std::move(d)); });
}

// The kernel finds the SA to move by reqid and addresses, not by SPI: the SA m.spi names is
// read back at its new place, so that a migration that moved no SA is an error.
Status NetlinkKernel::migrate(const Migration& m) {
    const std::string context = "migrating " + describe(m);
    if (auto ok = request(context, encode_migrate(m)); !ok) return ok;
    if (!m.spi) return {};
    const SaId old_id{m.old_dst, m.spi, m.proto, std::nullopt}, new_id{m.new_dst, m.spi, m.proto, std::nullopt};
    if (auto moved = get_sa(new_id); !moved || moved->src != m.new_src || (m.encap && moved->encap != m.encap))
        return base::fail(context + ": the kernel did not move that SA", ESRCH);
    if (owned_sas_.erase(old_id)) owned_sas_.insert(new_id);
    return {};
}

Result<std::vector<Policy>> NetlinkKernel::list_policies() {
    std::vector<Policy> policies;
    auto ok = request("listing policies", encode_policy_dump(), [&](const nlmsghdr& nlh) -> Status {
        auto p = decode_policy(nlh);
        if (!p) return base::Unexpected{p.error()};
        if (*p) policies.push_back(std::move(**p));
        return {};
    });
    if (!ok) return base::Unexpected{ok.error()};
    return policies;
}

Status NetlinkKernel::set_spd_hash_thresholds(const SpdHashThresholds& t) {
    return request("setting the SPD hash thresholds " + describe(t), encode_set_spd_hash(t));
}

Result<SpdHashThresholds> NetlinkKernel::spd_hash_thresholds() {
    std::optional<SpdHashThresholds> read;
    auto ok = request("reading the SPD hash thresholds", encode_get_spdinfo(), [&](const nlmsghdr& nlh) -> Status {
        auto t = decode_spd_hash(nlh);
        if (!t) return base::Unexpected{t.error()};
        read = *t;
        return {};
    });
    if (!ok) return base::Unexpected{ok.error()};
    if (!read) return base::fail("reading the SPD hash thresholds: no reply from the kernel");
    return *read;
}

// Deletes all it can, in batches; an SA or policy already gone (expired, removed by hand) is
// not an error.
Status NetlinkKernel::flush_owned() {
    Status first;
    auto note = [&](const Status& s) {
        if (!s && !is_not_found(s.error()) && first) first = base::Unexpected{s.error()};
    };
    for (const auto& id : std::set<SaId>(owned_sas_))
        queue_delete_sa(id, [this, &note, id](const Status& ok) {
            note(ok);
            if (!ok && is_not_found(ok.error())) owned_sas_.erase(id);
        });
    for (const auto& id : std::set<PolicyId>(owned_policies_))
        queue_delete_policy(id, [this, &note, id](const Status& ok) {
            note(ok);
            if (!ok && is_not_found(ok.error())) owned_policies_.erase(id);
        });
    flush();
    return first;
}

}  // namespace xfrm
