// libFuzzer target: the EAP packet decoder (RFC 3748, EAP-MSCHAPv2) with the property that
// whatever decodes re-encodes to bytes that decode to the same encoding; and both ends of
// EAP-MSCHAPv2 fed the input as the other end's packet at each step.
#include <cstdint>
#include <cstdlib>

#include "ike/eap/mschapv2.hpp"
#include "ike/eap/packet.hpp"

using namespace ike::eap;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const base::ByteView input(data, size);
    if (auto p = decode(input)) {
        const auto once = encode(*p);
        auto again = decode(once);
        if (!again || encode(*again) != once) std::abort();
    }
    const base::SecretBytes password{'p', 'w'};
    const PasswordLookup lookup = [&](std::string_view id) { return id == "alice" ? &password : nullptr; };
    Peer peer("alice", password, Challenge{7});
    (void)peer.receive(input);
    Authenticator fresh(Challenge{1}, "gw");
    (void)fresh.start("192.0.2.1", lookup);
    (void)fresh.receive(input, lookup);
    Authenticator challenged(Challenge{1}, "gw");
    (void)challenged.start("alice", lookup);
    (void)challenged.receive(input, lookup);
    return 0;
}
