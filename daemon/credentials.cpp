#include "daemon/credentials.hpp"

#include <botan/pk_keys.h>

#include <fstream>
#include <iterator>

#include "daemon/config/file_check.hpp"

namespace ipsecd {

namespace {

using ike::policy::Auth;

base::Result<base::Bytes> read_file(const std::string& path, bool holds_secret) {
    const auto problem = holds_secret ? config::check_private_file(path) : config::check_file(path);
    if (problem) return base::fail(*problem);
    std::ifstream in(path, std::ios::binary);
    base::Bytes data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) return base::fail(path + ": read error");
    return data;
}

// `parse` applied to the file's bytes; errors name the file.
template <class Parse>
auto load(const std::string& path, bool holds_secret, Parse parse) -> decltype(parse(base::ByteView{})) {
    auto data = read_file(path, holds_secret);
    if (!data) return base::Unexpected{data.error()};
    auto parsed = parse(*data);
    if (!parsed) return base::fail(path + ": " + parsed.error().message);
    return parsed;
}

base::Status load_own(const ike::policy::LocalEnd& local, ike::v2::ConnectionCredentials& out) {
    auto chain = load(local.cert, false, ike::crypto::parse_certificates);
    if (!chain) return base::Unexpected{chain.error()};
    auto key = load(local.key, true, ike::crypto::parse_private_key);
    if (!key) return base::Unexpected{key.error()};
    if ((*key)->public_key_bits() != chain->front().subject_public_key_bitstring())
        return base::fail(local.key + ": not the private key of the certificate in " + local.cert);
    out.chain = std::move(*chain);
    out.key = std::move(*key);
    return {};
}

base::Status load_trust(const ike::policy::RemoteEnd& remote, ike::v2::ConnectionCredentials& out) {
    for (const auto& path : remote.ca) {
        auto cas = load(path, false, ike::crypto::parse_certificates);
        if (!cas) return base::Unexpected{cas.error()};
        out.trust.anchors.insert(out.trust.anchors.end(), cas->begin(), cas->end());
    }
    for (const auto& path : remote.crls) {
        auto crls = load(path, false, ike::crypto::parse_crls);
        if (!crls) return base::Unexpected{crls.error()};
        out.trust.crls.insert(out.trust.crls.end(), crls->begin(), crls->end());
    }
    return {};
}

}  // namespace

base::Result<ike::v2::Credentials> load_credentials(const ike::policy::Config& config) {
    ike::v2::Credentials creds;
    creds.wall_clock = [] { return std::chrono::system_clock::now(); };
    for (const auto& conn : config.connections) {
        ike::v2::ConnectionCredentials c;
        auto st = conn.local.auth == Auth::pubkey ? load_own(conn.local, c) : base::Status{};
        if (st && conn.remote.auth == Auth::pubkey) st = load_trust(conn.remote, c);
        if (!st) return base::fail("connection " + conn.name + ": " + st.error().message);
        if (conn.local.auth == Auth::pubkey || conn.remote.auth == Auth::pubkey) creds.connections[conn.name] = std::move(c);
    }
    return creds;
}

}  // namespace ipsecd
