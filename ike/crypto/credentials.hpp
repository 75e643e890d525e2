// X.509 credentials with Botan, pure (bytes in, no files): PEM parsing of certificates,
// private keys and CRLs; peer chain validation against trust anchors and CRLs; matching an
// IKE identity against a certificate (RFC 4945 3.1, RFC 7296 3.5); the CA key hash a CERTREQ
// carries (RFC 7296 3.7). Loading the files is the daemon's (daemon/credentials.hpp).
#pragma once

#include <botan/x509_crl.h>
#include <botan/x509cert.h>

#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.hpp"
#include "base/result.hpp"

namespace Botan {
class Private_Key;
class Public_Key;
}

namespace ike::crypto {

using Certificate = Botan::X509_Certificate;
using Crl = Botan::X509_CRL;
using SystemTime = std::chrono::system_clock::time_point;

// Every certificate in `data` (PEM blocks "CERTIFICATE", or one DER certificate); at least one.
base::Result<std::vector<Certificate>> parse_certificates(base::ByteView data);
// One DER certificate as a CERT payload carries it (encoding 4, RFC 7296 3.6).
base::Result<Certificate> parse_der_certificate(base::ByteView der);
base::Bytes der_of(const Certificate& cert);
// An unencrypted private key (PKCS#8 or the traditional RSA/EC PEM forms).
base::Result<std::shared_ptr<const Botan::Private_Key>> parse_private_key(base::ByteView pem);
// Every CRL in `data` (PEM blocks "X509 CRL", or one DER CRL); at least one.
base::Result<std::vector<Crl>> parse_crls(base::ByteView data);

// SHA-1 of the CA's SubjectPublicKeyInfo: what CERTREQ lists per trusted CA (RFC 7296 3.7).
base::Bytes ca_key_hash(const Certificate& ca);

// Trust anchors and revocation lists for one peer.
struct TrustStore {
    std::vector<Certificate> anchors;
    std::vector<Crl> crls;
};

// Why a peer's chain was refused; the message names it for the log.
enum class ChainFailure { untrusted, expired, not_yet_valid, revoked, invalid };
struct ChainError {
    ChainFailure reason;
    std::string message;  // "untrusted chain: ...", "certificate expired: ...", ...
};

// Validates `chain` (end-entity first, then any intermediates the peer sent) against the
// anchors at `at`, checking each CRL that covers a certificate of the path.
std::optional<ChainError> verify_chain(std::span<const Certificate> chain, const TrustStore& trust, SystemTime at);

// The IKE identity kinds a certificate can vouch for, and how each is compared:
// dns and email against subjectAltName dNSName / rfc822Name (case-insensitive), ip against
// subjectAltName iPAddress (4 address bytes; Botan 2 drops IPv6 entries), dn against the
// subject DN (DER in `value`, compared as Botan X509_DN).
enum class NameKind { dns, email, ip, dn };
bool certificate_has_name(const Certificate& cert, NameKind kind, base::ByteView value);

// The key a peer authenticates with, taken from its certificate (IKEv1 and IKEv2 alike):
// `chain` (end-entity first) valid against `trust` at `at`, the end entity naming the
// peer's ID (`kind`, `name` as certificate_has_name takes them); else why not, for the log.
base::Result<std::unique_ptr<Botan::Public_Key>> certified_key(std::span<const Certificate> chain,
                                                               const TrustStore& trust, SystemTime at, NameKind kind,
                                                               base::ByteView name);

// DNs: the configuration's text form ("C=CH, O=Example, CN=gw") to DER, DER to a readable
// text, and equality of two DER DNs as X509_DN (attribute order and string types ignored).
base::Result<base::Bytes> dn_der_of_text(std::string_view text);
std::string dn_text_of_der(base::ByteView der);
bool same_dn(base::ByteView a, base::ByteView b);

}  // namespace ike::crypto
