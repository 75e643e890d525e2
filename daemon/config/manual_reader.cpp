// The `manual:` block: FreeS/WAN-style manually keyed SAs (keys documented in
// ike/policy/connection.hpp at ike::policy::Manual).
#include <charconv>

#include "daemon/config/connection_reader.hpp"
#include "daemon/config/values.hpp"
#include "ike/crypto/transform_keys.hpp"

namespace ipsecd::config {
namespace {

using ike::TransformType;
using ike::policy::Transform;

// RFC 4303 2.1: SPIs 1..255 are reserved by IANA, 0 is never an SA's SPI.
constexpr std::uint32_t kMinSpi = 0x100;

std::optional<std::uint32_t> read_spi(Reader& r, const Field& f) {
    auto t = r.text(f);
    if (!t) return std::nullopt;
    const bool hex = t->starts_with("0x");
    const char* begin = t->data() + (hex ? 2 : 0);
    const char* end = t->data() + t->size();
    std::uint32_t spi = 0;
    auto [p, ec] = std::from_chars(begin, end, spi, hex ? 16 : 10);
    if (ec != std::errc{} || p != end || begin == end || spi < kMinSpi) {
        r.error(f.value, "spi: '" + *t + "' is not an SPI from 0x100 to 0xffffffff");
        return std::nullopt;
    }
    return spi;
}

std::optional<Transform> read_algorithm(Reader& r, const Field& f, TransformType type) {
    auto t = r.text(f);
    if (!t) return std::nullopt;
    auto transform = ike::policy::transform_for(*t);
    if (!transform || transform->type != type) {
        r.error(f.value, f.key + ": '" + *t + "' is not " +
                             (type == TransformType::encr ? "an encryption" : "an integrity") +
                             " algorithm keyword");
        return std::nullopt;
    }
    return transform;
}

// The key for `algorithm`, whose size the crypto suite defines.
void read_key(Reader& r, const Fields& fs, const Field& algorithm, const char* key_name,
              base::Result<std::size_t> size, base::SecretBytes& out) {
    const Field* k = fs.get(key_name);
    if (!k) {
        r.error(algorithm.key_node, std::string(key_name) + " is missing");
        return;
    }
    auto key = read_secret(r, *k, true);
    if (!key || !size) return;
    if (key->size() != *size) {
        r.error(k->value, std::string(key_name) + ": " + std::to_string(key->size()) + " bytes, " +
                              algorithm.value.Scalar() + " needs " + std::to_string(*size));
        return;
    }
    out = std::move(*key);
}

std::optional<ike::policy::ManualSa> read_direction(Reader& r, const Field& f, ike::ProtocolId protocol) {
    const std::size_t errors_before = r.error_count();
    auto fs = r.fields(f.value, "manual." + f.key,
                       {"spi", "encryption", "encryption_key", "integrity", "integrity_key"});
    if (!fs) return std::nullopt;
    ike::policy::ManualSa sa;
    if (const Field* s = fs->get("spi")) sa.spi = read_spi(r, *s).value_or(0);
    else r.error(f.key_node, "manual." + f.key + ": 'spi' is missing");
    const Field* encr = fs->get("encryption");
    const Field* integ = fs->get("integrity");
    if (protocol == ike::ProtocolId::ah && encr) r.error(encr->key_node, "encryption: AH does not encrypt");
    if (protocol == ike::ProtocolId::esp && !encr) r.error(f.key_node, "manual." + f.key + ": 'encryption' is missing");
    if (encr && protocol == ike::ProtocolId::esp) {
        sa.encryption = read_algorithm(r, *encr, TransformType::encr);
        if (sa.encryption)
            read_key(r, *fs, *encr, "encryption_key",
                     ike::crypto::encr_key_size(static_cast<ike::EncrId>(sa.encryption->id), sa.encryption->key_length),
                     sa.encryption_key);
    }
    const bool aead = sa.encryption && ike::crypto::is_aead(static_cast<ike::EncrId>(sa.encryption->id));
    if (integ && aead) r.error(integ->key_node, "integrity: not used with AEAD encryption");
    if (!integ && !aead && errors_before == r.error_count())
        r.error(f.key_node, "manual." + f.key + ": 'integrity' is missing");
    if (integ && !aead) {
        sa.integrity = read_algorithm(r, *integ, TransformType::integ);
        if (sa.integrity)
            read_key(r, *fs, *integ, "integrity_key",
                     ike::crypto::integ_key_size(static_cast<ike::IntegId>(sa.integrity->id)), sa.integrity_key);
    }
    if (r.error_count() != errors_before) return std::nullopt;
    return sa;
}

}  // namespace

std::optional<ike::policy::Manual> read_manual(Reader& r, const Field& f) {
    const std::size_t errors_before = r.error_count();
    auto fs = r.fields(f.value, "manual", {"mode", "protocol", "in", "out"});
    if (!fs) return std::nullopt;
    ike::policy::Manual m;
    if (const Field* mode = fs->get("mode"))
        m.mode = read_mode(r, *mode).value_or(m.mode);
    if (const Field* p = fs->get("protocol"))
        m.protocol = read_protocol(r, *p).value_or(m.protocol);
    for (const char* direction : {"in", "out"}) {
        const Field* d = fs->get(direction);
        if (!d) {
            r.error(f.key_node, std::string("manual: '") + direction + "' is missing");
            continue;
        }
        auto sa = read_direction(r, *d, m.protocol);
        if (sa) (d->key == "in" ? m.in : m.out) = std::move(*sa);
    }
    if (r.error_count() != errors_before) return std::nullopt;
    return m;
}

}  // namespace ipsecd::config
