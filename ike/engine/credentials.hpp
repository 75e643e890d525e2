// What public-key authentication needs, handed to the engine by the daemon (which reads the
// files; the engine does no I/O): per connection our certificate chain and private key, and
// the trust anchors and CRLs the peer's chain is checked against.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ike/crypto/credentials.hpp"

namespace ike::engine {

struct ConnectionCredentials {
    // local.auth pubkey: our end-entity certificate first, then any intermediates to send.
    std::vector<crypto::Certificate> chain;
    std::shared_ptr<const Botan::Private_Key> key;
    // remote.auth pubkey: what the peer's chain must lead to.
    crypto::TrustStore trust;
};

struct Credentials {
    std::map<std::string, ConnectionCredentials> connections;  // by connection name
    // Wall-clock time for certificate and CRL validity; injected like the engine's own
    // clock so that tests fix it (the daemon passes std::chrono::system_clock::now).
    std::function<crypto::SystemTime()> wall_clock;

    const ConnectionCredentials* find(const std::string& connection) const {
        auto it = connections.find(connection);
        return it == connections.end() ? nullptr : &it->second;
    }
};

}  // namespace ike::engine
