// IKEv2 message IDs (RFC 7296 2.2): window size 1 (the default of 2.3).
#pragma once

#include <cstdint>

namespace ike::v2 {

// Message IDs of both directions (RFC 7296 2.2): each side counts its own requests.
struct MessageIds {
    std::uint32_t next_request = 0;   // ID of the next request we send
    std::uint32_t expected_request = 0;  // ID of the next new request we accept

    // A request from the peer is new, a retransmission of the previous one, or invalid.
    enum class Incoming { fresh, retransmit, invalid };
    Incoming classify_request(std::uint32_t id) const {
        if (id == expected_request) return Incoming::fresh;
        if (expected_request > 0 && id == expected_request - 1) return Incoming::retransmit;
        return Incoming::invalid;
    }
};

}  // namespace ike::v2
