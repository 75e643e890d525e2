#include "xfrm/sa_message.hpp"

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/udp.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

#include "xfrm/wire.hpp"

namespace xfrm {

static base::Unexpected<base::Error> too_big(const std::string& what) {
    return base::fail(what + ": netlink message too large", EMSGSIZE);
}

// RFC 4868 2.3: HMAC-SHA-256/384/512 ICVs are truncated to half the hash length.
static unsigned default_trunc_bits(const std::string& name) {
    if (name == "hmac(sha256)") return 128;
    if (name == "hmac(sha384)") return 192;
    if (name == "hmac(sha512)") return 256;
    if (name == "hmac(sha1)") return 96;  // RFC 2404
    return 0;
}

// Copies a kernel algorithm header (xfrm_algo, xfrm_algo_auth, xfrm_algo_aead) and its key
// into one secret buffer, the layout the kernel expects: struct, then key bytes.
template <class Algo>
static base::SecretBytes algo_blob(Algo algo, const std::string& name, const base::SecretBytes& key) {
    std::strncpy(algo.alg_name, name.c_str(), sizeof algo.alg_name - 1);
    algo.alg_key_len = static_cast<unsigned>(key.size() * 8);
    base::SecretBytes blob(sizeof algo + key.size());
    std::memcpy(blob.data(), &algo, sizeof algo);
    std::memcpy(blob.data() + sizeof algo, key.data(), key.size());
    return blob;
}

static bool put_algorithms(Message& m, const Sa& sa) {
    if (sa.aead) {
        xfrm_algo_aead a{};
        a.alg_icv_len = sa.aead->icv_bits;
        auto blob = algo_blob(a, sa.aead->name, sa.aead->key);
        if (!m.put(XFRMA_ALG_AEAD, blob.data(), blob.size())) return false;
    }
    if (sa.cipher) {
        auto blob = algo_blob(xfrm_algo{}, sa.cipher->name, sa.cipher->key);
        if (!m.put(XFRMA_ALG_CRYPT, blob.data(), blob.size())) return false;
    }
    if (sa.integ) {
        xfrm_algo_auth a{};
        a.alg_trunc_len = sa.integ->trunc_bits ? sa.integ->trunc_bits : default_trunc_bits(sa.integ->name);
        auto blob = algo_blob(a, sa.integ->name, sa.integ->key);
        if (!m.put(XFRMA_ALG_AUTH_TRUNC, blob.data(), blob.size())) return false;
    }
    return true;
}

// Windows beyond the legacy 32-bit bitmap, and ESN, need the xfrm_replay_state_esn form.
static bool needs_esn_state(const Sa& sa) { return sa.esn || sa.replay_window > 32; }

static bool put_replay_esn(Message& m, const Sa& sa) {
    xfrm_replay_state_esn r{};
    r.replay_window = sa.replay_window;
    r.bmp_len = (sa.replay_window + 31) / 32;
    std::vector<std::uint8_t> blob(sizeof r + r.bmp_len * sizeof(std::uint32_t));
    std::memcpy(blob.data(), &r, sizeof r);
    return m.put(XFRMA_REPLAY_ESN_VAL, blob.data(), blob.size());
}

static bool put_options(Message& m, const Sa& sa) {
    if (sa.encap) {
        xfrm_encap_tmpl e{};
        e.encap_type = UDP_ENCAP_ESPINUDP;
        e.encap_sport = htons(sa.encap->sport);
        e.encap_dport = htons(sa.encap->dport);
        if (!m.put(XFRMA_ENCAP, e)) return false;
    }
    if (needs_esn_state(sa) && !put_replay_esn(m, sa)) return false;
    if (sa.mark && !m.put(XFRMA_MARK, wire::mark(*sa.mark))) return false;
    if (sa.if_id != 0 && !m.put(XFRMA_IF_ID, sa.if_id)) return false;
    return true;
}

base::Result<Message> encode_sa(const Sa& sa, bool update) {
    if (auto ok = check(sa); !ok) return base::Unexpected{ok.error()};
    Message m(update ? XFRM_MSG_UPDSA : XFRM_MSG_NEWSA, NLM_F_ACK);
    auto& info = m.header<xfrm_usersa_info>();
    if (sa.selector) info.sel = wire::selector(*sa.selector);
    info.id.daddr = wire::address(sa.dst);
    info.id.spi = htonl(sa.spi);
    info.id.proto = static_cast<std::uint8_t>(sa.proto);
    info.saddr = wire::address(sa.src);
    info.lft = wire::lifetime(sa.lifetime);
    info.reqid = sa.reqid;
    info.family = wire::af(sa.dst.family);
    info.mode = static_cast<std::uint8_t>(sa.mode);
    info.replay_window = needs_esn_state(sa) ? 0 : static_cast<std::uint8_t>(sa.replay_window);
    if (sa.esn) info.flags |= XFRM_STATE_ESN;
    // A tunnel SA without a selector carries either inner family (IPv6 virtual IPs and
    // subnets over IPv4, and the reverse): without this flag the kernel gives its selector
    // the outer family, and the other family's packets find no SA (strongSwan sets it too).
    if (!sa.selector && sa.mode == Mode::tunnel) info.flags |= XFRM_STATE_AF_UNSPEC;
    // RFC 4302 3.3.3.2.1: over IPv4 the AH header is padded to 32 bits. Linux pads (and
    // expects) 64 bits unless told, and drops the peer's 32-bit-aligned AH.
    if (sa.proto == Proto::ah && sa.dst.family == net::Family::v4) info.flags |= XFRM_STATE_ALIGN4;
    if (!put_algorithms(m, sa) || !put_options(m, sa)) return too_big(describe(sa));
    return m;
}

base::Result<Message> encode_alloc_spi(const net::Address& src, const net::Address& dst, Proto proto,
                                       std::uint32_t reqid, std::uint32_t min, std::uint32_t max) {
    if (src.family != dst.family) return base::fail("allocating SPI: source and destination families differ", EINVAL);
    if (min > max) return base::fail("allocating SPI: empty range", EINVAL);
    Message m(XFRM_MSG_ALLOCSPI, NLM_F_ACK);
    auto& spi = m.header<xfrm_userspi_info>();
    spi.info.id.daddr = wire::address(dst);
    spi.info.id.proto = static_cast<std::uint8_t>(proto);
    spi.info.saddr = wire::address(src);
    spi.info.family = wire::af(dst.family);
    spi.info.reqid = reqid;
    spi.info.lft = wire::lifetime(Lifetime{});
    spi.min = min;
    spi.max = max;
    return m;
}

Message encode_sa_dump() {
    Message m(XFRM_MSG_GETSA, NLM_F_DUMP);
    m.header<xfrm_usersa_id>();
    return m;
}

Message encode_sa_id(const SaId& id, std::uint16_t type) {
    Message m(type, NLM_F_ACK);
    auto& sid = m.header<xfrm_usersa_id>();
    sid.daddr = wire::address(id.dst);
    sid.spi = htonl(id.spi);
    sid.family = wire::af(id.dst.family);
    sid.proto = static_cast<std::uint8_t>(id.proto);
    if (id.mark) (void)m.put(XFRMA_MARK, wire::mark(*id.mark));  // always fits the empty buffer
    return m;
}

// The key after a kernel algorithm header, bounded by the attribute's length.
template <class Algo>
static base::Result<base::SecretBytes> algo_key(const nlattr* attr, std::string& name) {
    auto a = attr_value<Algo>(attr);
    std::size_t key_len = (a.alg_key_len + 7) / 8;
    if (sizeof(Algo) + key_len > mnl_attr_get_payload_len(attr)) return base::fail("algorithm key truncated");
    name.assign(a.alg_name, strnlen(a.alg_name, sizeof a.alg_name));
    const auto* key = static_cast<const std::uint8_t*>(mnl_attr_get_payload(attr)) + sizeof(Algo);
    return base::SecretBytes(key, key + key_len);
}

static base::Status decode_algorithms(const Attrs& attrs, Sa& sa) {
    if (const auto* attr = attrs[XFRMA_ALG_AEAD]) {
        Aead aead;
        auto key = algo_key<xfrm_algo_aead>(attr, aead.name);
        if (!key) return base::Unexpected{key.error()};
        aead.key = std::move(*key);
        aead.icv_bits = attr_value<xfrm_algo_aead>(attr).alg_icv_len;
        sa.aead = std::move(aead);
    }
    if (const auto* attr = attrs[XFRMA_ALG_CRYPT]) {
        Cipher c;
        auto key = algo_key<xfrm_algo>(attr, c.name);
        if (!key) return base::Unexpected{key.error()};
        c.key = std::move(*key);
        sa.cipher = std::move(c);
    }
    if (const auto* attr = attrs[XFRMA_ALG_AUTH_TRUNC]) {
        Integrity i;
        auto key = algo_key<xfrm_algo_auth>(attr, i.name);
        if (!key) return base::Unexpected{key.error()};
        i.key = std::move(*key);
        i.trunc_bits = attr_value<xfrm_algo_auth>(attr).alg_trunc_len;
        sa.integ = std::move(i);
    }
    return {};
}

static void decode_options(const Attrs& attrs, Sa& sa) {
    if (const auto* attr = attrs[XFRMA_ENCAP]) {
        auto e = attr_value<xfrm_encap_tmpl>(attr);
        sa.encap = UdpEncap{ntohs(e.encap_sport), ntohs(e.encap_dport)};
    }
    if (const auto* attr = attrs[XFRMA_REPLAY_ESN_VAL])
        sa.replay_window = attr_value<xfrm_replay_state_esn>(attr).replay_window;
    if (const auto* attr = attrs[XFRMA_MARK])
        sa.mark = wire::mark(attr_value<xfrm_mark>(attr));
    if (const auto* attr = attrs[XFRMA_IF_ID]) sa.if_id = mnl_attr_get_u32(attr);
}

base::Result<SaRecord> decode_sa(const nlmsghdr& nlh) {
    if (nlh.nlmsg_type != XFRM_MSG_NEWSA && nlh.nlmsg_type != XFRM_MSG_UPDSA)
        return base::fail("expected an SA record, got netlink message type " + std::to_string(nlh.nlmsg_type));
    auto attrs = parse_attrs(nlh, sizeof(xfrm_usersa_info));
    if (!attrs) return base::Unexpected{attrs.error()};
    auto info = *fixed_header<xfrm_usersa_info>(nlh);  // length checked by parse_attrs
    auto f = wire::family(info.family);
    if (!f) return base::Unexpected{f.error()};
    auto sel = wire::selector(info.sel);
    if (!sel) return base::Unexpected{sel.error()};
    if (info.id.proto != IPPROTO_ESP && info.id.proto != IPPROTO_AH)
        return base::fail("SA protocol " + std::to_string(info.id.proto) + " is neither ESP nor AH");
    if (info.mode != XFRM_MODE_TUNNEL && info.mode != XFRM_MODE_TRANSPORT)
        return base::fail("SA mode " + std::to_string(info.mode) + " is neither tunnel nor transport");
    SaRecord r;
    Sa& sa = r.sa;
    sa.src = wire::address(info.saddr, *f);
    sa.dst = wire::address(info.id.daddr, *f);
    sa.spi = ntohl(info.id.spi);
    sa.proto = static_cast<Proto>(info.id.proto);
    sa.mode = static_cast<Mode>(info.mode);
    sa.reqid = info.reqid;
    sa.esn = info.flags & XFRM_STATE_ESN;
    sa.replay_window = info.replay_window;
    sa.selector = *sel;
    sa.lifetime = wire::lifetime(info.lft);
    if (auto ok = decode_algorithms(*attrs, sa); !ok) return base::Unexpected{ok.error()};
    decode_options(*attrs, sa);
    r.counters = {info.curlft.bytes, info.curlft.packets, info.curlft.add_time, info.curlft.use_time,
                  info.stats.replay, info.stats.integrity_failed};
    return r;
}

}  // namespace xfrm
