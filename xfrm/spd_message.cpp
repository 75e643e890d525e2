#include "xfrm/spd_message.hpp"

#include <libmnl/libmnl.h>

#include <array>

namespace xfrm {

// The messages' fixed header is a u32 of flags, unused (the kernel's xfrm_msg_min).
using SpdFlags = std::uint32_t;

base::Result<Message> encode_set_spd_hash(const SpdHashThresholds& t) {
    if (auto ok = check(t); !ok) return base::Unexpected{ok.error()};
    Message m(XFRM_MSG_NEWSPDINFO, NLM_F_ACK);
    m.header<SpdFlags>();
    auto put = [&](std::uint16_t type, const std::optional<SpdHashThreshold>& h) {
        return !h || m.put(type, xfrmu_spdhthresh{h->local_bits, h->remote_bits});
    };
    if (!put(XFRMA_SPD_IPV4_HTHRESH, t.v4) || !put(XFRMA_SPD_IPV6_HTHRESH, t.v6))
        return base::fail("SPD hash thresholds: message too long");
    return m;
}

Message encode_get_spdinfo() {
    Message m(XFRM_MSG_GETSPDINFO, NLM_F_ACK);
    m.header<SpdFlags>();
    return m;
}

using SpdAttrs = std::array<const nlattr*, XFRMA_SPD_MAX + 1>;

static int on_spd_attr(const nlattr* attr, void* data) {
    auto type = mnl_attr_get_type(attr);
    if (type <= XFRMA_SPD_MAX) (*static_cast<SpdAttrs*>(data))[type] = attr;
    return MNL_CB_OK;  // newer kernels' attributes are not ours to read
}

base::Result<SpdHashThresholds> decode_spd_hash(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != XFRM_MSG_NEWSPDINFO || nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(SpdFlags))
        return base::fail("SPD information reply truncated or of another type");
    SpdAttrs attrs{};
    if (mnl_attr_parse(&nlh, sizeof(SpdFlags), on_spd_attr, &attrs) < 0)
        return base::fail("SPD information reply: malformed attributes");
    auto read = [&](std::uint16_t type) -> std::optional<SpdHashThreshold> {
        const nlattr* a = attrs[type];
        if (!a || attr_payload_len(a) < sizeof(xfrmu_spdhthresh)) return std::nullopt;
        const auto h = attr_value<xfrmu_spdhthresh>(a);
        return SpdHashThreshold{h.lbits, h.rbits};
    };
    SpdHashThresholds t{read(XFRMA_SPD_IPV4_HTHRESH), read(XFRMA_SPD_IPV6_HTHRESH)};
    if (!t.v4 || !t.v6) return base::fail("SPD information reply without both hash thresholds");
    return t;
}

}  // namespace xfrm
