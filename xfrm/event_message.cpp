#include "xfrm/event_message.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <netinet/in.h>

#include "xfrm/wire.hpp"

namespace xfrm {

static base::Result<Proto> proto(std::uint8_t p) {
    if (p == IPPROTO_ESP || p == IPPROTO_AH) return static_cast<Proto>(p);
    return base::fail("protocol " + std::to_string(p) + " is neither ESP nor AH");
}

static base::Result<std::vector<Event>> acquire(const nlmsghdr& nlh) {
    auto attrs = parse_attrs(nlh, sizeof(xfrm_user_acquire));
    if (!attrs) return base::Unexpected{attrs.error()};
    auto a = *fixed_header<xfrm_user_acquire>(nlh);  // length checked by parse_attrs
    auto sel = wire::selector(a.sel);
    if (!sel) return base::Unexpected{sel.error()};
    if (!*sel) return base::fail("acquire without a selector");
    auto p = proto(a.id.proto);
    if (!p) return base::Unexpected{p.error()};
    Acquire ev;
    ev.selector = **sel;
    // Endpoints are in the (first) template's family: tunnel endpoints may differ from the
    // packet's family (IPv6 in IPv4).
    auto endpoints = (*sel)->src.address.family;
    const auto* tmpl = (*attrs)[XFRMA_TMPL];
    if (tmpl && mnl_attr_get_payload_len(tmpl) >= sizeof(xfrm_user_tmpl)) {
        auto t = attr_value<xfrm_user_tmpl>(tmpl);
        ev.reqid = t.reqid;
        if (auto tf = wire::family(t.family)) endpoints = *tf;
    }
    ev.src = wire::address(a.saddr, endpoints);
    ev.dst = wire::address(a.id.daddr, endpoints);
    ev.proto = *p;
    return std::vector<Event>{ev};
}

static base::Result<std::vector<Event>> expire(const nlmsghdr& nlh) {
    auto attrs = parse_attrs(nlh, sizeof(xfrm_user_expire));
    if (!attrs) return base::Unexpected{attrs.error()};
    auto e = *fixed_header<xfrm_user_expire>(nlh);  // length checked by parse_attrs
    auto f = wire::family(e.state.family);
    if (!f) return base::Unexpected{f.error()};
    auto p = proto(e.state.id.proto);
    if (!p) return base::Unexpected{p.error()};
    Expire ev;
    ev.sa = {wire::address(e.state.id.daddr, *f), ntohl(e.state.id.spi), *p, std::nullopt};
    if (const auto* attr = (*attrs)[XFRMA_MARK])
        ev.sa.mark = wire::mark(attr_value<xfrm_mark>(attr));
    ev.src = wire::address(e.state.saddr, *f);
    ev.reqid = e.state.reqid;
    ev.hard = e.hard != 0;
    return std::vector<Event>{ev};
}

static base::Result<Migrate> migrate_entry(const xfrm_user_migrate& m, const Selector& sel, Dir dir) {
    auto of = wire::family(m.old_family);
    if (!of) return base::Unexpected{of.error()};
    auto nf = wire::family(m.new_family);
    if (!nf) return base::Unexpected{nf.error()};
    auto p = proto(m.proto);
    if (!p) return base::Unexpected{p.error()};
    Migrate ev;
    ev.selector = sel;
    ev.dir = dir;
    ev.old_src = wire::address(m.old_saddr, *of);
    ev.old_dst = wire::address(m.old_daddr, *of);
    ev.new_src = wire::address(m.new_saddr, *nf);
    ev.new_dst = wire::address(m.new_daddr, *nf);
    ev.proto = *p;
    ev.mode = m.mode == XFRM_MODE_TUNNEL ? Mode::tunnel : Mode::transport;
    ev.reqid = m.reqid;
    return ev;
}

static base::Result<std::vector<Event>> migrate(const nlmsghdr& nlh) {
    auto attrs = parse_attrs(nlh, sizeof(xfrm_userpolicy_id));
    if (!attrs) return base::Unexpected{attrs.error()};
    auto id = *fixed_header<xfrm_userpolicy_id>(nlh);  // length checked by parse_attrs
    auto sel = wire::selector(id.sel);
    if (!sel) return base::Unexpected{sel.error()};
    if (!*sel) return base::fail("migrate without a selector");
    if (id.dir > XFRM_POLICY_FWD) return base::fail("migrate of a per-socket policy");
    const auto* attr = (*attrs)[XFRMA_MIGRATE];
    if (!attr) return base::fail("migrate without XFRMA_MIGRATE");
    auto len = mnl_attr_get_payload_len(attr);
    if (len == 0 || len % sizeof(xfrm_user_migrate) != 0) return base::fail("migrate entries truncated");
    std::vector<Event> events;
    for (std::size_t i = 0; i < len / sizeof(xfrm_user_migrate); ++i) {
        auto ev = migrate_entry(attr_value<xfrm_user_migrate>(attr, i), **sel, static_cast<Dir>(id.dir));
        if (!ev) return base::Unexpected{ev.error()};
        events.push_back(*ev);
    }
    return events;
}

base::Result<std::vector<Event>> decode_event(const nlmsghdr& nlh) {
    switch (nlh.nlmsg_type) {
    case XFRM_MSG_ACQUIRE: return acquire(nlh);
    case XFRM_MSG_EXPIRE: return expire(nlh);
    case XFRM_MSG_MIGRATE: return migrate(nlh);
    default: return std::vector<Event>{};
    }
}

}  // namespace xfrm
