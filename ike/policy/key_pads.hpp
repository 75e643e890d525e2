// What an engine derives from a PSK once and keeps with it: prf(PSK, "Key Pad for IKEv2")
// per PRF (RFC 7296 2.15), the same for every AUTH the secret makes or checks, instead of
// one more HMAC per AUTH (issue 13). Kept inside the policy::Secret it came from and
// zeroised with it: a copy or an assignment of the secret starts empty, so a pad never
// reaches a secret (e.g. one a reload changed) it was not computed from. Filled on first use
// through a const Secret: only the engine owning that copy of the configuration may use it
// (one thread).
#pragma once

#include <utility>
#include <vector>

#include "base/secret.hpp"
#include "ike/iana.hpp"

namespace ike::policy {

class KeyPads {
public:
    KeyPads() = default;
    KeyPads(const KeyPads&) {}
    KeyPads& operator=(const KeyPads&) {
        pads_.clear();
        return *this;
    }
    // Not part of the secret's value (Config equality, reload diffs).
    bool operator==(const KeyPads&) const { return true; }

    // The pad for `prf`, nullptr if none computed yet.
    const base::SecretBytes* find(PrfId prf) const {
        for (const auto& [id, pad] : pads_)
            if (id == prf) return &pad;
        return nullptr;
    }
    const base::SecretBytes& keep(PrfId prf, base::SecretBytes pad) const {
        return pads_.emplace_back(prf, std::move(pad)).second;
    }

private:
    mutable std::vector<std::pair<PrfId, base::SecretBytes>> pads_;
};

}  // namespace ike::policy
