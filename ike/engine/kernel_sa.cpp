#include "ike/engine/kernel_sa.hpp"

#include <string>
#include <utility>

namespace ike::engine {

base::Result<KernelAlgorithms> kernel_algorithms(const policy::Proposal& p, const base::SecretBytes& encr_key,
                                                 const base::SecretBytes& integ_key) {
    KernelAlgorithms a;
    if (const auto* e = p.first(TransformType::encr)) {
        switch (static_cast<EncrId>(e->id)) {
            case EncrId::aes_gcm_16: a.aead = xfrm::Aead{"rfc4106(gcm(aes))", encr_key, 128}; break;
            case EncrId::chacha20_poly1305:
                a.aead = xfrm::Aead{"rfc7539esp(chacha20,poly1305)", encr_key, 128};
                break;
            case EncrId::aes_cbc: a.cipher = xfrm::Cipher{"cbc(aes)", encr_key}; break;
            case EncrId::aes_ctr:
            case EncrId::aes_gcm_8:
            case EncrId::aes_gcm_12:
            case EncrId::null_auth_aes_gmac:
            default: return base::fail("no kernel name for ENCR " + std::to_string(e->id));
        }
    }
    if (const auto* i = p.first(TransformType::integ); i && i->id != 0) {
        switch (static_cast<IntegId>(i->id)) {
            case IntegId::hmac_sha2_256_128: a.integ = xfrm::Integrity{"hmac(sha256)", integ_key, 128}; break;
            case IntegId::hmac_sha2_384_192: a.integ = xfrm::Integrity{"hmac(sha384)", integ_key, 192}; break;
            case IntegId::hmac_sha2_512_256: a.integ = xfrm::Integrity{"hmac(sha512)", integ_key, 256}; break;
            case IntegId::hmac_sha1_96: a.integ = xfrm::Integrity{"hmac(sha1)", integ_key, 96}; break;
            case IntegId::none:
            default: return base::fail("no kernel name for INTEG " + std::to_string(i->id));
        }
    }
    return a;
}

base::Result<crypto::KeyLengths> child_key_lengths(const policy::Proposal& p) {
    const auto* encr = p.first(TransformType::encr);
    const auto* integ = p.first(TransformType::integ);
    const auto integ_id = integ ? static_cast<IntegId>(integ->id) : IntegId::none;
    if (encr) return crypto::key_lengths(static_cast<EncrId>(encr->id), encr->key_length, integ_id);
    auto size = crypto::integ_key_size(integ_id);
    if (!size) return base::Unexpected{size.error()};
    return crypto::KeyLengths{0, *size};
}

xfrm::Proto kernel_proto(const policy::Child& child) {
    return child.protocol == ProtocolId::ah ? xfrm::Proto::ah : xfrm::Proto::esp;
}

xfrm::Mode kernel_mode(policy::Mode mode) {
    return mode == policy::Mode::transport ? xfrm::Mode::transport : xfrm::Mode::tunnel;
}

base::Result<xfrm::Sa> kernel_sa(const KernelSaSpec& spec) {
    auto alg = kernel_algorithms(spec.proposal, spec.encr, spec.integ);
    if (!alg) return base::fail(alg.error().message);
    xfrm::Sa k;
    k.src = spec.src.address;
    k.dst = spec.dst.address;
    k.spi = spec.spi;
    k.proto = spec.proto;
    k.mode = spec.mode;
    k.reqid = spec.reqid;
    k.aead = std::move(alg->aead);
    k.cipher = std::move(alg->cipher);
    k.integ = std::move(alg->integ);
    // RFC 4303 2.2.1: both ends count 64-bit sequence numbers once ESN was negotiated (RFC
    // 7296 3.3.2; IKEv1 proposals carry no ESN transform).
    const auto* esn = spec.proposal.first(TransformType::esn);
    k.esn = esn && esn->id == static_cast<std::uint16_t>(EsnId::esn);
    if (spec.udp_encap) k.encap = xfrm::UdpEncap{spec.src.port, spec.dst.port};
    k.lifetime.soft_seconds = spec.soft_seconds;
    k.lifetime.hard_seconds = spec.hard_seconds;
    return k;
}

}  // namespace ike::engine
