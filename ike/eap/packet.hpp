// EAP packets (RFC 3748 4) as IKEv2 carries them in its EAP payload (RFC 7296 3.16), and the
// EAP-MSCHAPv2 messages (type 26, draft-kamath-pppext-eap-mschapv2-02 2). Decoding checks
// every length against the bytes there are.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "ike/eap/mschapv2_keys.hpp"

namespace ike::eap {

enum class Code : std::uint8_t { request = 1, response = 2, success = 3, failure = 4 };

namespace type {
constexpr std::uint8_t identity = 1;
constexpr std::uint8_t nak = 3;
constexpr std::uint8_t mschapv2 = 26;
}  // namespace type

// MS-CHAPv2 operations (OpCode); a Success or Failure from the peer is an acknowledgement
// of one octet.
struct MsChallenge {  // opcode 1, authenticator -> peer
    std::uint8_t ms_id = 0;
    Challenge challenge{};
    std::string name;
};
struct MsResponse {  // opcode 2, peer -> authenticator
    std::uint8_t ms_id = 0;
    Challenge peer_challenge{};
    NtResponse nt_response{};
    std::string name;
};
struct MsSuccess {  // opcode 3: the authenticator's "S=... M=..." (empty: the peer's acknowledgement)
    std::uint8_t ms_id = 0;
    std::string message;
};
struct MsFailure {  // opcode 4: the authenticator's "E=... R=... C=..." (empty: the peer's acknowledgement)
    std::uint8_t ms_id = 0;
    std::string message;
};
using MsChapV2 = std::variant<MsChallenge, MsResponse, MsSuccess, MsFailure>;

struct Identity {
    std::string identity;
};
struct Nak {
    std::vector<std::uint8_t> desired;
};
// A method this implementation does not run: only its type is kept (answered with a Nak).
struct OtherType {
    std::uint8_t type = 0;
};
using Data = std::variant<std::monostate, Identity, Nak, MsChapV2, OtherType>;  // monostate: Success/Failure

struct Packet {
    Code code = Code::request;
    std::uint8_t identifier = 0;
    Data data;
};

base::Result<Packet> decode(base::ByteView bytes);
base::Bytes encode(const Packet& p);

}  // namespace ike::eap
