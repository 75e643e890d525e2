// Internal to ike/crypto: one row per accepted (scheme, AlgorithmIdentifier) encoding.
#pragma once

#include <string>
#include <vector>

#include "ike/crypto/signature.hpp"

namespace ike::crypto {

struct SchemeEntry {
    SignatureScheme scheme;
    HashAlgorithm hash;
    std::string key_algorithm;  // Botan's algo_name() of a matching key
    std::string padding;        // Botan's EMSA name
    base::Bytes algorithm_identifier;
};

const std::vector<SchemeEntry>& scheme_table();
const SchemeEntry& scheme_entry(SignatureScheme scheme);

}  // namespace ike::crypto
