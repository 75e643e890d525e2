#include "ike/v2/cert_payloads.hpp"

#include "ike/v2/neutral.hpp"

namespace ike::v2 {

namespace {
constexpr HashAlgorithm kVerifiedHashes[] = {HashAlgorithm::sha256, HashAlgorithm::sha384, HashAlgorithm::sha512,
                                             HashAlgorithm::identity};
}  // namespace

wire::Notify signature_hashes_notify() {
    base::Bytes data;
    for (auto h : kVerifiedHashes) {
        const auto v = static_cast<std::uint16_t>(h);
        data.push_back(static_cast<std::uint8_t>(v >> 8));
        data.push_back(static_cast<std::uint8_t>(v));
    }
    return notify(wire::notify::signature_hash_algorithms, std::move(data));
}

std::vector<HashAlgorithm> peer_signature_hashes(const Payloads& payloads) {
    std::vector<HashAlgorithm> out;
    const auto* n = find_notify(payloads, wire::notify::signature_hash_algorithms);
    if (!n) return out;
    // RFC 7427 4: a list of 2-octet identifiers; a trailing odd octet is ignored.
    for (std::size_t i = 0; i + 1 < n->data.size(); i += 2)
        out.push_back(static_cast<HashAlgorithm>(n->data[i] << 8 | n->data[i + 1]));
    return out;
}

const ConnectionCredentials* credentials_of(const Core& core, const IkeSa& sa) {
    return core.options.credentials ? core.options.credentials->find(sa.conn->name) : nullptr;
}

std::optional<wire::CertificateRequest> certificate_request(const Core& core, const IkeSa& sa) {
    const auto* creds = credentials_of(core, sa);
    if (sa.conn->remote.auth != policy::Auth::pubkey || !creds || creds->trust.anchors.empty()) return std::nullopt;
    wire::CertificateRequest req;
    req.encoding = wire::CertEncoding::x509_signature;
    for (const auto& ca : creds->trust.anchors) {
        const auto hash = crypto::ca_key_hash(ca);
        req.data.insert(req.data.end(), hash.begin(), hash.end());
    }
    return req;
}

std::vector<wire::Certificate> certificate_payloads(const ConnectionCredentials& credentials) {
    std::vector<wire::Certificate> out;
    for (const auto& cert : credentials.chain) out.push_back({wire::CertEncoding::x509_signature, crypto::der_of(cert)});
    return out;
}

}  // namespace ike::v2
