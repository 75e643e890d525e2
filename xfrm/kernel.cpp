// Helpers declared in kernel.hpp: names for messages and logs, the SaInfo view of an SA,
// and the structural checks every backend applies before touching the kernel.
#include "xfrm/kernel.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace xfrm {

std::string to_string(Proto p) {
    switch (p) {
    case Proto::esp: return "esp";
    case Proto::ah: return "ah";
    }
    return "proto " + std::to_string(static_cast<unsigned>(p));
}

std::string to_string(Mode m) {
    switch (m) {
    case Mode::transport: return "transport";
    case Mode::tunnel: return "tunnel";
    }
    return "mode " + std::to_string(static_cast<unsigned>(m));
}

std::string to_string(Dir d) {
    switch (d) {
    case Dir::in: return "in";
    case Dir::out: return "out";
    case Dir::fwd: return "fwd";
    }
    return "dir " + std::to_string(static_cast<unsigned>(d));
}

static std::string spi_text(Proto p, std::uint32_t spi) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s SA spi 0x%08x", p == Proto::ah ? "AH" : "ESP", spi);
    return buf;
}

std::string describe(const SaId& id) { return spi_text(id.proto, id.spi) + " to " + id.dst.str(); }

std::string describe(const Sa& sa) {
    return spi_text(sa.proto, sa.spi) + " " + sa.src.str() + "→" + sa.dst.str();
}

std::string describe(const Selector& s) {
    std::string text = s.src.str() + "→" + s.dst.str();
    if (s.proto != 0) text += " proto " + std::to_string(s.proto);
    if (s.sport != 0 || s.dport != 0)
        text += " port " + std::to_string(s.sport) + "→" + std::to_string(s.dport);
    return text;
}

std::string describe(const PolicyId& id) {
    return to_string(id.dir) + " policy " + describe(id.selector);
}

std::string describe(const Migration& m) {
    return describe(m.policy) + " " + m.old_src.str() + "→" + m.old_dst.str() + " to " + m.new_src.str() + "→" +
           m.new_dst.str() + (m.spi ? " with " + spi_text(m.proto, m.spi) : "");
}

bool migrates(const Template& t, const Migration& m) {
    return t.proto == m.proto && t.mode == m.mode && (m.reqid == 0 || t.reqid == m.reqid) &&
           (t.mode == Mode::transport || (t.src == m.old_src && t.dst == m.old_dst));
}

void migrate_templates(std::vector<Template>& templates, const Migration& m) {
    for (auto& t : templates)
        if (migrates(t, m) && t.mode == Mode::tunnel) {
            t.src = m.new_src;
            t.dst = m.new_dst;
        }
}

SaInfo make_info(const Sa& sa, const Counters& counters) {
    SaInfo info;
    info.src = sa.src;
    info.dst = sa.dst;
    info.spi = sa.spi;
    info.proto = sa.proto;
    info.mode = sa.mode;
    info.reqid = sa.reqid;
    if (sa.aead) info.algorithm = sa.aead->name;
    else if (sa.cipher) info.algorithm = sa.cipher->name;
    else if (sa.integ) info.algorithm = sa.integ->name;
    if (sa.cipher && sa.integ) info.integrity = sa.integ->name;
    info.encap = sa.encap;
    info.lifetime = sa.lifetime;
    info.counters = counters;
    info.esn = sa.esn;
    info.replay_window = sa.replay_window;
    info.selector = sa.selector;
    info.mark = sa.mark;
    info.if_id = sa.if_id;
    return info;
}

// Key sizes the kernel's algorithms accept: AES-GCM for ESP carries a 4-byte salt after the
// AES key (RFC 4106 8.1), ChaCha20-Poly1305 a 4-byte salt after its 32-byte key (RFC 7634 2).
static bool aead_key_ok(const Aead& a) {
    auto n = a.key.size();
    if (a.name == "rfc4106(gcm(aes))") return n == 20 || n == 28 || n == 36;
    if (a.name == "rfc7539esp(chacha20,poly1305)") return n == 36;
    return !a.key.empty();
}

static bool cipher_key_ok(const Cipher& c) {
    auto n = c.key.size();
    if (c.name == "cbc(aes)") return n == 16 || n == 24 || n == 32;
    return true;
}

Status check(const Sa& sa) {
    auto fail = [&](const std::string& why) { return base::fail(describe(sa) + ": " + why, EINVAL); };
    if (sa.src.family != sa.dst.family) return fail("source and destination families differ");
    if (sa.spi == 0) return fail("SPI 0 is reserved (RFC 4303 2.1)");
    if (sa.proto == Proto::esp) {
        if (sa.aead && (sa.cipher || sa.integ))
            return fail("an AEAD algorithm excludes a separate cipher or integrity");
        if (!sa.aead && !sa.cipher) return fail("ESP needs an AEAD or a cipher");
    } else {
        if (sa.aead || sa.cipher) return fail("AH takes no encryption");
        if (!sa.integ) return fail("AH needs an integrity algorithm");
    }
    if (sa.aead && !aead_key_ok(*sa.aead))
        return fail(sa.aead->name + ": wrong key size " + std::to_string(sa.aead->key.size()));
    if (sa.cipher && !cipher_key_ok(*sa.cipher))
        return fail(sa.cipher->name + ": wrong key size " + std::to_string(sa.cipher->key.size()));
    if (sa.integ && sa.integ->key.empty()) return fail(sa.integ->name + ": empty key");
    if (sa.esn && sa.replay_window == 0) return fail("ESN needs a replay window");
    if (sa.selector && sa.selector->src.address.family != sa.selector->dst.address.family)
        return fail("selector families differ");
    return {};
}

Counters Kernel::sa_counters(const SaId& id) {
    auto sa = get_sa(id);
    return sa ? sa->counters : Counters{};
}

void Kernel::queue_sa(const Sa& sa, bool update, Done done) { done(update ? update_sa(sa) : add_sa(sa)); }
void Kernel::queue_delete_sa(const SaId& id, Done done) { done(delete_sa(id)); }
void Kernel::queue_policy(const Policy& p, bool update, Done done) { done(update ? update_policy(p) : add_policy(p)); }
void Kernel::queue_delete_policy(const PolicyId& id, Done done) { done(delete_policy(id)); }

Status check(const SpdHashThresholds& t) {
    auto fits = [](const std::optional<SpdHashThreshold>& h, unsigned bits) {
        return !h || (h->local_bits <= bits && h->remote_bits <= bits);
    };
    if (!fits(t.v4, 32) || !fits(t.v6, 128))
        return base::fail("a threshold longer than its addresses (IPv4 <= 32 bits, IPv6 <= 128)", EINVAL);
    return {};
}

std::optional<SpdHashThreshold> parse_spd_hash_threshold(const std::string& text, unsigned max_bits) {
    auto bits = [max_bits](const std::string& s, std::uint8_t& out) {
        if (s.empty() || s.size() > 3 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return false;
        const unsigned v = static_cast<unsigned>(std::stoul(s));
        out = static_cast<std::uint8_t>(v);
        return v <= max_bits;
    };
    const auto slash = text.find('/');
    SpdHashThreshold h;
    if (slash == std::string::npos || !bits(text.substr(0, slash), h.local_bits) ||
        !bits(text.substr(slash + 1), h.remote_bits))
        return std::nullopt;
    return h;
}

std::string describe(const SpdHashThresholds& t) {
    auto one = [](const char* family, const SpdHashThreshold& h) {
        return std::string(family) + " " + std::to_string(h.local_bits) + "/" + std::to_string(h.remote_bits);
    };
    std::string text;
    if (t.v4) text = one("IPv4", *t.v4);
    if (t.v6) text += (text.empty() ? "" : ", ") + one("IPv6", *t.v6);
    return text.empty() ? "(none)" : text;
}

bool is_not_found(const base::Error& e) { return e.code == ESRCH || e.code == ENOENT; }

Status complete_larval(Kernel& kernel, const Sa& sa) {
    auto held = kernel.get_sa(sa.id());
    if (!held) return is_not_found(held.error()) ? kernel.add_sa(sa) : Status{base::Unexpected{held.error()}};
    // A larval SA has no algorithm yet. One with an algorithm took the SPI after ours expired:
    // XFRM_MSG_UPDSA would change that SA (its lifetimes, its encapsulation), not add ours.
    if (!held->algorithm.empty())
        return base::fail("adding " + describe(sa) + ": its larval SA expired and another SA holds the SPI now", EEXIST);
    return kernel.update_sa(sa);
}

}  // namespace xfrm
