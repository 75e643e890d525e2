#include "xfrm/netlink_message.hpp"

#include <libmnl/libmnl.h>

#include <cstring>

namespace xfrm {

Message::Message(std::uint16_t type, std::uint16_t flags) {
    auto* h = mnl_nlmsg_put_header(buf_.data());
    h->nlmsg_type = type;
    h->nlmsg_flags = static_cast<std::uint16_t>(NLM_F_REQUEST | flags);
}

Message::Message(const Message& other) : buf_(other.buf_) {}

Message& Message::operator=(const Message& other) {
    buf_ = other.buf_;
    return *this;
}

Message::~Message() { explicit_bzero(buf_.data(), buf_.size()); }

void* Message::mnl_extra_header(std::size_t size) { return mnl_nlmsg_put_extra_header(&nlh(), size); }

bool Message::put(std::uint16_t type, const void* data, std::size_t len) {
    return mnl_attr_put_check(&nlh(), buf_.size(), type, len, data);
}

const void* attr_payload(const nlattr* attr) { return mnl_attr_get_payload(attr); }
std::size_t attr_payload_len(const nlattr* attr) { return mnl_attr_get_payload_len(attr); }

// Smallest payload of each attribute we read (the kernel's own nla_policy sizes).
static std::size_t min_size(unsigned type) {
    switch (type) {
    case XFRMA_ALG_AUTH:
    case XFRMA_ALG_CRYPT: return sizeof(xfrm_algo);
    case XFRMA_ALG_AEAD: return sizeof(xfrm_algo_aead);
    case XFRMA_ALG_AUTH_TRUNC: return sizeof(xfrm_algo_auth);
    case XFRMA_ENCAP: return sizeof(xfrm_encap_tmpl);
    case XFRMA_MARK: return sizeof(xfrm_mark);
    case XFRMA_IF_ID: return sizeof(std::uint32_t);
    case XFRMA_REPLAY_ESN_VAL: return sizeof(xfrm_replay_state_esn);
    default: return 0;
    }
}

struct ParseState {
    Attrs* attrs;
    std::string error;
};

static int on_attr(const nlattr* attr, void* data) {
    auto* st = static_cast<ParseState*>(data);
    auto type = mnl_attr_get_type(attr);
    if (type > XFRMA_MAX) return MNL_CB_OK;  // newer kernel: ignore what we do not know
    if (mnl_attr_get_payload_len(attr) < min_size(type)) {
        st->error = "attribute " + std::to_string(type) + " truncated";
        return MNL_CB_ERROR;
    }
    (*st->attrs)[type] = attr;
    return MNL_CB_OK;
}

base::Result<Attrs> parse_attrs(const nlmsghdr& nlh, std::size_t header_len) {
    Attrs attrs{};
    if (nlh.nlmsg_len < NLMSG_HDRLEN + header_len)
        return base::fail("netlink message type " + std::to_string(nlh.nlmsg_type) + " truncated");
    ParseState st{&attrs, {}};
    if (mnl_attr_parse(&nlh, static_cast<unsigned>(header_len), on_attr, &st) < 0)
        return base::fail(st.error.empty() ? "malformed netlink attributes" : st.error);
    return attrs;
}

std::optional<Ack> decode_ack(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != NLMSG_ERROR || nlh.nlmsg_len < NLMSG_HDRLEN + sizeof(nlmsgerr))
        return std::nullopt;
    auto err = *fixed_header<nlmsgerr>(nlh);
    Ack ack{-err.error, {}};
    if (!(nlh.nlmsg_flags & NLM_F_ACK_TLVS)) return ack;
    // Extended ack TLVs follow the echoed request, which is only its header when capped.
    std::size_t offset = sizeof(nlmsgerr);
    if (!(nlh.nlmsg_flags & NLM_F_CAPPED)) offset += err.msg.nlmsg_len - NLMSG_HDRLEN;
    if (offset > mnl_nlmsg_get_payload_len(&nlh)) return ack;
    const auto* attr = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(&nlh, offset));
    auto left = [&] {
        return static_cast<int>(static_cast<const char*>(mnl_nlmsg_get_payload_tail(&nlh)) -
                                reinterpret_cast<const char*>(attr));
    };
    for (; mnl_attr_ok(attr, left()); attr = mnl_attr_next(attr))
        if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
            ack.message = mnl_attr_get_str(attr);
    return ack;
}

}  // namespace xfrm
