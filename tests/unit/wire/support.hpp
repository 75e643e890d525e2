// Test helpers: bytes from hex written with spaces for readability; parameterized test
// names taken from the case's `name` field.
#pragma once

#include <string>
#include <string_view>

#include "base/bytes.hpp"

namespace wire_test {

inline base::Bytes hex(std::string_view text) {
    std::string compact;
    for (char c : text)
        if (c != ' ') compact.push_back(c);
    auto bytes = base::from_hex(compact);
    return bytes ? *bytes : base::Bytes{};
}

struct CaseName {
    template <class Info>
    std::string operator()(const Info& test) const {
        return test.param.name;
    }
};

}  // namespace wire_test
