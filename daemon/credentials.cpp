#include "daemon/credentials.hpp"

#include <botan/data_src.h>
#include <botan/pk_keys.h>
#include <botan/pkcs8.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "daemon/config/file_check.hpp"
#include "ike/crypto/ikev1_signature.hpp"

namespace ipsecd {

namespace {

using ike::policy::Auth;

// A file that failed: its path and why.
struct FileError {
    std::string path;
    std::string reason;
};

template <class T>
using FileResult = base::Result<T, FileError>;

// The file checks' text without the path it starts with.
std::string without_path(const std::string& path, std::string problem) {
    if (!problem.starts_with(path)) return problem;
    problem.erase(0, path.size());
    return problem.substr(problem.find_first_not_of(": "));
}

FileResult<base::Bytes> read_file(const std::string& path, bool holds_secret) {
    const auto problem = holds_secret ? config::check_private_file(path) : config::check_file(path);
    if (problem) return base::Unexpected{FileError{path, without_path(path, *problem)}};
    std::ifstream in(path, std::ios::binary);
    base::Bytes data{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (!in.good() && !in.eof()) return base::Unexpected{FileError{path, "read error"}};
    return data;
}

// `parse` applied to the file's bytes.
template <class Parse>
auto load(const std::string& path, bool holds_secret, Parse parse)
    -> FileResult<std::decay_t<decltype(*parse(base::ByteView{}))>> {
    auto data = read_file(path, holds_secret);
    if (!data) return base::Unexpected{data.error()};
    auto parsed = parse(*data);
    Botan::secure_scrub_memory(data->data(), data->size());
    if (!parsed) return base::Unexpected{FileError{path, parsed.error().message}};
    return std::move(*parsed);
}

// PKCS#8 PEM, decrypted with `password` when given (Botan throws; caught here).
base::Result<std::shared_ptr<const Botan::Private_Key>> parse_key(base::ByteView pem, const base::SecretBytes* password) {
    if (!password) return ike::crypto::parse_private_key(pem);
    std::string pass(password->begin(), password->end());
    base::Result<std::shared_ptr<const Botan::Private_Key>> out = base::fail("");
    try {
        Botan::DataSource_Memory src(pem.data(), pem.size());
        out = std::shared_ptr<const Botan::Private_Key>(Botan::PKCS8::load_key(src, pass));
    } catch (const std::exception& e) {
        out = base::fail(std::string("private key: cannot decrypt it with its password from secrets: (") + e.what() + ")");
    }
    Botan::secure_scrub_memory(pass.data(), pass.size());
    return out;
}

FileResult<ike::engine::ConnectionCredentials> load_own(const ike::policy::LocalEnd& local,
                                                     const std::vector<ike::policy::KeyPassword>& passwords) {
    ike::engine::ConnectionCredentials out;
    auto chain = load(local.cert, false, ike::crypto::parse_certificates);
    if (!chain) return base::Unexpected{chain.error()};
    auto kp = std::find_if(passwords.begin(), passwords.end(), [&](const auto& p) { return p.key == local.key; });
    const base::SecretBytes* password = kp == passwords.end() ? nullptr : &kp->password;
    auto key = load(local.key, true, [&](base::ByteView pem) { return parse_key(pem, password); });
    if (!key) return base::Unexpected{key.error()};
    if ((*key)->public_key_bits() != chain->front().subject_public_key_bitstring())
        return base::Unexpected{FileError{local.key, "not the private key of the certificate in " + local.cert}};
    out.chain = std::move(*chain);
    out.key = std::move(*key);
    return out;
}

base::Result<void, FileError> load_trust(const ike::policy::RemoteEnd& remote, ike::engine::ConnectionCredentials& out) {
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

FileResult<ike::engine::ConnectionCredentials> load_connection(const ike::policy::Connection& conn,
                                                            const std::vector<ike::policy::KeyPassword>& passwords) {
    ike::engine::ConnectionCredentials c;
    if (conn.local.auth == Auth::pubkey) {
        auto own = load_own(conn.local, passwords);
        if (!own) return base::Unexpected{own.error()};
        // IKEv1 signs with RSA (RFC 2409 5.1) or ECDSA on the curves of RFC 4754 only.
        if (conn.version == 1 && !ike::crypto::ikev1_signature_method(*own->key))
            return base::Unexpected{FileError{conn.local.key, "this " + own->key->algo_name() +
                                                                  " key cannot sign for IKEv1 (version: 1): use RSA "
                                                                  "or ECDSA on P-256, P-384 or P-521"}};
        c = std::move(*own);
    }
    if (conn.remote.auth == Auth::pubkey)
        if (auto st = load_trust(conn.remote, c); !st) return base::Unexpected{st.error()};
    return c;
}

bool uses_files(const ike::policy::Connection& conn) {
    return conn.local.auth == Auth::pubkey || conn.remote.auth == Auth::pubkey;
}

ike::engine::Credentials empty_credentials() {
    ike::engine::Credentials creds;
    creds.wall_clock = [] { return std::chrono::system_clock::now(); };
    return creds;
}

CredentialError credential_error(const std::string& connection, const FileError& e) {
    return {connection, e.path, e.reason, "connection " + connection + ": " + e.path + ": " + e.reason};
}

}  // namespace

base::Result<ike::engine::Credentials, CredentialError> load_credentials(const ike::policy::Config& config) {
    auto creds = empty_credentials();
    for (const auto& conn : config.connections) {
        if (!uses_files(conn)) continue;
        auto c = load_connection(conn, config.key_passwords);
        if (!c) return base::Unexpected{credential_error(conn.name, c.error())};
        creds.connections[conn.name] = std::move(*c);
    }
    return creds;
}

base::Result<ike::engine::Credentials, std::vector<config::Diagnostic>> load_credentials(const config::Loaded& loaded) {
    auto creds = empty_credentials();
    std::vector<config::Diagnostic> problems;
    for (const auto& conn : loaded.config.connections) {
        if (!uses_files(conn)) continue;
        auto c = load_connection(conn, loaded.config.key_passwords);
        if (c) {
            creds.connections[conn.name] = std::move(*c);
            continue;
        }
        const auto& e = c.error();
        auto at = loaded.named_files.find(e.path);
        config::Diagnostic d = at != loaded.named_files.end() ? at->second : config::Diagnostic{e.path, 0, 0, ""};
        d.message = "connection '" + conn.name + "': " + e.path + ": " + e.reason;
        problems.push_back(std::move(d));
    }
    if (!problems.empty()) return base::Unexpected{std::move(problems)};
    return creds;
}

}  // namespace ipsecd
