// Reads the certificate, key, CA and CRL files the configuration names (auth: pubkey) and
// hands them to the engine as ike::engine::Credentials: the engine does no I/O.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "daemon/config/loader.hpp"
#include "ike/policy/config.hpp"
#include "ike/engine/credentials.hpp"

namespace ipsecd {

// The first file of a connection that could not be used.
struct CredentialError {
    std::string connection;
    std::string path;
    std::string reason;
    std::string message;  // "connection C: PATH: REASON"
};

// Every connection with local.auth pubkey gets its certificate chain and private key (the
// key file refused if group or others may read it, and if it is not the certificate's key;
// an encrypted key opened with its `secrets:` password); every connection with remote.auth
// pubkey its trust anchors and CRLs. The first problem is the error.
base::Result<ike::engine::Credentials, CredentialError> load_credentials(const ike::policy::Config& config);

// As load_credentials(loaded.config), every connection's problem reported as a diagnostic
// at the key that names the file (FILE:LINE:COLUMN, as `ipsecd --check` prints them).
base::Result<ike::engine::Credentials, std::vector<config::Diagnostic>> load_credentials(const config::Loaded& loaded);

}  // namespace ipsecd
