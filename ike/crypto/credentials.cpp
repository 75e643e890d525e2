#include "ike/crypto/credentials.hpp"

#include <botan/ber_dec.h>
#include <botan/certstor.h>
#include <botan/data_src.h>
#include <botan/der_enc.h>
#include <botan/hash.h>
#include <botan/pem.h>
#include <botan/pk_keys.h>
#include <botan/pkcs8.h>
#include <botan/x509path.h>

#include <algorithm>
#include <exception>

namespace ike::crypto {

namespace {

std::string_view as_text(base::ByteView data) {
    return {reinterpret_cast<const char*>(data.data()), data.size()};
}

bool is_pem(base::ByteView data) { return as_text(data).find("-----BEGIN ") != std::string_view::npos; }

// The DER bodies of every PEM block labelled `label` (other blocks, e.g. a key bundled with
// a certificate, are skipped).
std::vector<Botan::secure_vector<std::uint8_t>> pem_blocks(base::ByteView data, const std::string& label) {
    const std::string begin = "-----BEGIN " + label + "-----", end = "-----END " + label + "-----";
    const auto text = as_text(data);
    std::vector<Botan::secure_vector<std::uint8_t>> out;
    for (std::size_t at = text.find(begin); at != std::string_view::npos; at = text.find(begin, at)) {
        const std::size_t stop = text.find(end, at);
        if (stop == std::string_view::npos) throw std::invalid_argument("unterminated PEM block " + label);
        out.push_back(Botan::PEM_Code::decode_check_label(std::string(text.substr(at, stop + end.size() - at)), label));
        at = stop + end.size();
    }
    return out;
}

// PEM blocks of `label`, or the whole input as one DER object.
template <class T>
base::Result<std::vector<T>> parse_objects(base::ByteView data, const std::string& label, const char* what) {
    try {
        std::vector<T> out;
        if (is_pem(data)) {
            for (const auto& der : pem_blocks(data, label)) out.emplace_back(std::vector<std::uint8_t>(der.begin(), der.end()));
        } else {
            out.emplace_back(std::vector<std::uint8_t>(data.begin(), data.end()));
        }
        if (out.empty()) return base::fail(std::string(what) + ": no " + label + " block");
        return out;
    } catch (const std::exception& e) {
        return base::fail(std::string(what) + ": " + e.what());
    }
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::optional<Botan::X509_DN> decode_dn(base::ByteView der) {
    try {
        Botan::X509_DN dn;
        Botan::BER_Decoder(der.data(), der.size()).decode(dn).verify_end();
        return dn;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

// Botan's worst status of the path, as the reasons a log names (an if chain: Botan's enum
// has some 40 values).
ChainFailure failure_of(Botan::Certificate_Status_Code code) {
    using C = Botan::Certificate_Status_Code;
    if (code == C::CERT_HAS_EXPIRED) return ChainFailure::expired;
    if (code == C::CERT_NOT_YET_VALID) return ChainFailure::not_yet_valid;
    if (code == C::CERT_IS_REVOKED) return ChainFailure::revoked;
    if (code == C::CERT_ISSUER_NOT_FOUND || code == C::CANNOT_ESTABLISH_TRUST || code == C::CHAIN_LACKS_TRUST_ROOT)
        return ChainFailure::untrusted;
    return ChainFailure::invalid;
}

const char* label_of(ChainFailure f) {
    switch (f) {
        case ChainFailure::untrusted: return "untrusted chain";
        case ChainFailure::expired: return "certificate expired";
        case ChainFailure::not_yet_valid: return "certificate not yet valid";
        case ChainFailure::revoked: return "certificate revoked";
        case ChainFailure::invalid: return "invalid chain";
    }
    return "invalid chain";
}

}  // namespace

base::Result<std::vector<Certificate>> parse_certificates(base::ByteView data) {
    return parse_objects<Certificate>(data, "CERTIFICATE", "certificate");
}

base::Result<Certificate> parse_der_certificate(base::ByteView der) {
    if (is_pem(der)) return base::fail("certificate: expected DER");
    auto certs = parse_certificates(der);
    if (!certs) return base::Unexpected{certs.error()};
    return certs->front();
}

base::Bytes der_of(const Certificate& cert) { return cert.BER_encode(); }

base::Result<std::shared_ptr<const Botan::Private_Key>> parse_private_key(base::ByteView pem) {
    try {
        Botan::DataSource_Memory src(pem.data(), pem.size());
        std::shared_ptr<const Botan::Private_Key> key = Botan::PKCS8::load_key(src);
        return key;
    } catch (const std::exception& e) {
        return base::fail(std::string("private key: ") + e.what());
    }
}

base::Result<std::vector<Crl>> parse_crls(base::ByteView data) {
    return parse_objects<Crl>(data, "X509 CRL", "CRL");
}

base::Bytes ca_key_hash(const Certificate& ca) {
    const auto hash = Botan::HashFunction::create_or_throw("SHA-1");
    const auto& spki = ca.subject_public_key_info();
    hash->update(spki.data(), spki.size());
    const auto digest = hash->final();
    return {digest.begin(), digest.end()};
}

std::optional<ChainError> verify_chain(std::span<const Certificate> chain, const TrustStore& trust, SystemTime at) {
    if (chain.empty()) return ChainError{ChainFailure::invalid, "invalid chain: no certificate"};
    try {
        Botan::Certificate_Store_In_Memory store;
        for (const auto& a : trust.anchors) store.add_certificate(a);
        for (const auto& c : trust.crls) store.add_crl(c);
        const Botan::Path_Validation_Restrictions restrictions;
        const auto result = Botan::x509_path_validate(std::vector<Certificate>(chain.begin(), chain.end()),
                                                      restrictions, store, "", Botan::Usage_Type::UNSPECIFIED, at);
        if (result.successful_validation()) return std::nullopt;
        const auto reason = failure_of(result.result());
        return ChainError{reason, std::string(label_of(reason)) + ": " + chain.front().subject_dn().to_string() +
                                      " (" + result.result_string() + ")"};
    } catch (const std::exception& e) {
        return ChainError{ChainFailure::invalid, std::string("invalid chain: ") + e.what()};
    }
}

bool certificate_has_name(const Certificate& cert, NameKind kind, base::ByteView value) {
    const auto& san = cert.subject_alt_name();
    auto any_of = [&](const char* attr, const std::string& wanted) {
        const auto names = san.get_attribute(attr);
        return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return lower(n) == wanted; });
    };
    switch (kind) {
        case NameKind::dns: return any_of("DNS", lower(std::string(as_text(value))));
        case NameKind::email: return any_of("RFC822", lower(std::string(as_text(value))));
        case NameKind::ip:
            return value.size() == 4 && any_of("IP", std::to_string(value[0]) + "." + std::to_string(value[1]) + "." +
                                                         std::to_string(value[2]) + "." + std::to_string(value[3]));
        case NameKind::dn: {
            const auto dn = decode_dn(value);
            return dn && *dn == cert.subject_dn();
        }
    }
    return false;
}

// Botan 2's own DN reader wants its quoted output form, so the configuration's
// "C=CH, O=Example, CN=gw" (RFC 4514 style, "\," escapes a comma) is split here.
base::Result<std::unique_ptr<Botan::Public_Key>> certified_key(std::span<const Certificate> chain,
                                                               const TrustStore& trust, SystemTime at, NameKind kind,
                                                               base::ByteView name) {
    if (chain.empty()) return base::fail("no certificate from the peer");
    if (auto err = verify_chain(chain, trust, at)) return base::fail(err->message);
    const auto& cert = chain.front();
    if (!certificate_has_name(cert, kind, name))
        return base::fail("ID mismatch: the certificate of " + cert.subject_dn().to_string() + " does not name it");
    try {
        return cert.load_subject_public_key();
    } catch (const std::exception& e) {
        return base::fail(std::string("unsupported certificate key: ") + e.what());
    }
}

base::Result<base::Bytes> dn_der_of_text(std::string_view text) {
    auto trim = [](std::string s) {
        const auto b = s.find_first_not_of(' '), e = s.find_last_not_of(' ');
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
    };
    try {
        Botan::X509_DN dn;
        std::string part;
        auto add = [&] {
            const auto eq = part.find('=');
            if (eq == std::string::npos) throw std::invalid_argument("'" + trim(part) + "' is not TYPE=value");
            dn.add_attribute(Botan::X509_DN::deref_info_field(trim(part.substr(0, eq))), trim(part.substr(eq + 1)));
            part.clear();
        };
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '\\' && i + 1 < text.size()) part += text[++i];
            else if (text[i] == ',') add();
            else part += text[i];
        }
        add();
        base::Bytes der;
        Botan::DER_Encoder enc(der);
        dn.encode_into(enc);
        return der;
    } catch (const std::exception& e) {
        return base::fail("DN \"" + std::string(text) + "\": " + e.what());
    }
}

std::string dn_text_of_der(base::ByteView der) {
    const auto dn = decode_dn(der);
    return dn ? dn->to_string() : "(malformed DN)";
}

bool same_dn(base::ByteView a, base::ByteView b) {
    const auto x = decode_dn(a), y = decode_dn(b);
    return x && y && *x == *y;
}

}  // namespace ike::crypto
