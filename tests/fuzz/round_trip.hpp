// The property every fuzz target checks on inputs that decode: decoding the re-encoded value
// gives the same value. A mismatch is a codec bug, reported to libFuzzer as a crash.
#pragma once

#include <cstdlib>

template <class Value, class Encode, class Decode>
void require_round_trip(const Value& value, Encode&& encode, Decode&& decode) {
    auto again = decode(encode(value));
    if (!again || !(*again == value)) std::abort();
}
