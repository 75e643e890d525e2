// Secret bytes (keys, PSKs, nonces before use): zeroised when freed. Botan's secure_vector
// is the one type used everywhere, so keys move between crypto/ and xfrm/ without copies.
#pragma once

#include <botan/secmem.h>

#include <cstdint>

namespace base {

using SecretBytes = Botan::secure_vector<std::uint8_t>;

}  // namespace base
