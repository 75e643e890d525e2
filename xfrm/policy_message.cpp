#include "xfrm/policy_message.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/udp.h>
#include <netinet/in.h>

#include <cerrno>
#include <vector>

#include "xfrm/wire.hpp"

namespace xfrm {

// The kernel's XFRM_MAX_DEPTH (include/net/xfrm.h, not exported to user space).
constexpr std::size_t max_templates = 6;

static base::Status check(const Policy& p) {
    auto fail = [&](const std::string& why) { return base::fail(describe(p.id()) + ": " + why, EINVAL); };
    if (p.selector.src.address.family != p.selector.dst.address.family)
        return fail("selector families differ");
    if (p.templates.size() > max_templates) return fail("more than 6 templates");
    for (const auto& t : p.templates)
        if (t.mode == Mode::tunnel && t.src.family != t.dst.family) return fail("template families differ");
    return {};
}

static xfrm_user_tmpl tmpl(const Template& t, net::Family selector_family) {
    xfrm_user_tmpl x{};
    // A transport template's endpoints are the packet's own: any address of its family.
    auto f = t.mode == Mode::tunnel ? t.dst.family : selector_family;
    x.family = wire::af(f);
    if (t.mode == Mode::tunnel) {
        x.id.daddr = wire::address(t.dst);
        x.saddr = wire::address(t.src);
    }
    x.id.spi = htonl(t.spi);
    x.id.proto = static_cast<std::uint8_t>(t.proto);
    x.reqid = t.reqid;
    x.mode = static_cast<std::uint8_t>(t.mode);
    x.aalgos = x.ealgos = x.calgos = ~0u;  // any algorithm: the SA decides
    return x;
}

static bool put_mark_if_id(Message& m, const std::optional<Mark>& mark, std::uint32_t if_id) {
    if (mark && !m.put(XFRMA_MARK, wire::mark(*mark))) return false;
    return if_id == 0 || m.put(XFRMA_IF_ID, if_id);
}

base::Result<Message> encode_policy(const Policy& p, bool update) {
    if (auto ok = check(p); !ok) return base::Unexpected{ok.error()};
    Message m(update ? XFRM_MSG_UPDPOLICY : XFRM_MSG_NEWPOLICY, NLM_F_ACK);
    auto& info = m.header<xfrm_userpolicy_info>();
    info.sel = wire::selector(p.selector);
    info.lft = wire::lifetime(Lifetime{});
    info.priority = p.priority;
    info.dir = static_cast<std::uint8_t>(p.dir);
    info.action = p.action == Action::block ? XFRM_POLICY_BLOCK : XFRM_POLICY_ALLOW;
    std::vector<xfrm_user_tmpl> tmpls;
    for (const auto& t : p.templates) tmpls.push_back(tmpl(t, p.selector.src.address.family));
    bool fits = (tmpls.empty() || m.put(XFRMA_TMPL, tmpls.data(), tmpls.size() * sizeof(xfrm_user_tmpl))) &&
                put_mark_if_id(m, p.mark, p.if_id);
    if (!fits) return base::fail(describe(p.id()) + ": netlink message too large", EMSGSIZE);
    return m;
}

Message encode_delete_policy(const PolicyId& id) {
    Message m(XFRM_MSG_DELPOLICY, NLM_F_ACK);
    auto& pid = m.header<xfrm_userpolicy_id>();
    pid.sel = wire::selector(id.selector);
    pid.dir = static_cast<std::uint8_t>(id.dir);
    (void)put_mark_if_id(m, id.mark, id.if_id);  // always fits the empty buffer
    return m;
}

base::Result<Message> encode_migrate(const Migration& m) {
    auto fail = [&](const std::string& why, int code) { return base::fail(describe(m) + ": " + why, code); };
    if (m.old_src.family != m.old_dst.family || m.new_src.family != m.new_dst.family)
        return fail("endpoint families differ", EINVAL);
    if (m.policy.mark) return fail("a marked policy cannot be migrated", EOPNOTSUPP);
    Message msg(XFRM_MSG_MIGRATE, NLM_F_ACK);
    auto& pid = msg.header<xfrm_userpolicy_id>();
    pid.sel = wire::selector(m.policy.selector);
    pid.dir = static_cast<std::uint8_t>(m.policy.dir);
    xfrm_user_migrate um{};
    um.old_daddr = wire::address(m.old_dst);
    um.old_saddr = wire::address(m.old_src);
    um.new_daddr = wire::address(m.new_dst);
    um.new_saddr = wire::address(m.new_src);
    um.proto = static_cast<std::uint8_t>(m.proto);
    um.mode = static_cast<std::uint8_t>(m.mode);
    um.reqid = m.reqid;
    um.old_family = wire::af(m.old_src.family);
    um.new_family = wire::af(m.new_src.family);
    bool fits = msg.put(XFRMA_MIGRATE, um) && put_mark_if_id(msg, std::nullopt, m.policy.if_id);
    if (m.encap) {  // the moved SA's new ESP-in-UDP ports (RFC 3948)
        xfrm_encap_tmpl e{};
        e.encap_type = UDP_ENCAP_ESPINUDP;
        e.encap_sport = htons(m.encap->sport);
        e.encap_dport = htons(m.encap->dport);
        fits = fits && msg.put(XFRMA_ENCAP, e);
    }
    if (!fits) return fail("netlink message too large", EMSGSIZE);
    return msg;
}

Message encode_policy_dump() {
    Message m(XFRM_MSG_GETPOLICY, NLM_F_DUMP);
    m.header<xfrm_userpolicy_id>();
    return m;
}

static base::Result<Template> decode_tmpl(const xfrm_user_tmpl& x) {
    auto f = wire::family(x.family);
    if (!f) return base::Unexpected{f.error()};
    if (x.id.proto != IPPROTO_ESP && x.id.proto != IPPROTO_AH)
        return base::fail("template protocol " + std::to_string(x.id.proto) + " is neither ESP nor AH");
    Template t;
    t.src = wire::address(x.saddr, *f);
    t.dst = wire::address(x.id.daddr, *f);
    t.proto = static_cast<Proto>(x.id.proto);
    t.mode = x.mode == XFRM_MODE_TUNNEL ? Mode::tunnel : Mode::transport;
    t.reqid = x.reqid;
    t.spi = ntohl(x.id.spi);
    return t;
}

base::Result<std::optional<Policy>> decode_policy(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != XFRM_MSG_NEWPOLICY && nlh.nlmsg_type != XFRM_MSG_UPDPOLICY)
        return base::fail("expected a policy record, got netlink message type " + std::to_string(nlh.nlmsg_type));
    auto attrs = parse_attrs(nlh, sizeof(xfrm_userpolicy_info));
    if (!attrs) return base::Unexpected{attrs.error()};
    auto info = *fixed_header<xfrm_userpolicy_info>(nlh);  // length checked by parse_attrs
    if (info.dir > XFRM_POLICY_FWD) return std::optional<Policy>{};
    auto sel = wire::selector(info.sel);
    if (!sel) return base::Unexpected{sel.error()};
    Policy p;
    if (*sel) p.selector = **sel;  // an AF_UNSPEC selector matches everything: leave it empty
    p.dir = static_cast<Dir>(info.dir);
    p.priority = info.priority;
    p.action = info.action == XFRM_POLICY_BLOCK ? Action::block : Action::allow;
    if (const auto* attr = (*attrs)[XFRMA_TMPL]) {
        auto len = mnl_attr_get_payload_len(attr);
        if (len % sizeof(xfrm_user_tmpl) != 0) return base::fail("policy templates truncated");
        for (std::size_t i = 0; i < len / sizeof(xfrm_user_tmpl); ++i) {
            auto t = decode_tmpl(attr_value<xfrm_user_tmpl>(attr, i));
            if (!t) return base::Unexpected{t.error()};
            p.templates.push_back(*t);
        }
    }
    if (const auto* attr = (*attrs)[XFRMA_MARK])
        p.mark = wire::mark(attr_value<xfrm_mark>(attr));
    if (const auto* attr = (*attrs)[XFRMA_IF_ID]) p.if_id = mnl_attr_get_u32(attr);
    return std::optional<Policy>{std::move(p)};
}

}  // namespace xfrm
