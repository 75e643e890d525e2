// Reads the certificate, key, CA and CRL files the configuration names (auth: pubkey) and
// hands them to the engine as ike::v2::Credentials: the engine does no I/O.
#pragma once

#include "base/result.hpp"
#include "ike/policy/config.hpp"
#include "ike/v2/credentials.hpp"

namespace ipsecd {

// Every connection with local.auth pubkey gets its certificate chain and private key (the
// key file refused if group or others may read it, and if it is not the certificate's key);
// every connection with remote.auth pubkey its trust anchors and CRLs. The first problem is
// the error, naming the connection and the file.
base::Result<ike::v2::Credentials> load_credentials(const ike::policy::Config& config);

}  // namespace ipsecd
