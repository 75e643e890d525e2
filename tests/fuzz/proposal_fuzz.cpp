// libFuzzer target: the proposal parser and SA negotiation. The first byte picks the protocol;
// the rest is proposal text and, read as bytes, a peer's SA offer.
// Invariants: a parsed proposal prints to text that parses back to it; it always matches an
// offer of itself; selection never picks a transform the offer did not hold.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ike/policy/negotiation.hpp"

using namespace ike;
using namespace ike::policy;

namespace {

// A peer offer built from raw bytes: 4 bytes per transform (type, id, key length, flags).
std::vector<OfferedProposal> offer_from(const std::uint8_t* data, std::size_t size, ProtocolId protocol) {
    std::vector<OfferedProposal> out;
    OfferedProposal p{1, protocol, {}, {}};
    for (std::size_t i = 0; i + 4 <= size && out.size() < 8; i += 4) {
        p.transforms.push_back({static_cast<std::uint8_t>(data[i] % 7), static_cast<std::uint16_t>(data[i + 1] % 40),
                                static_cast<std::uint16_t>(data[i + 2] & 0x80 ? 256 : data[i + 2] & 0x40 ? 128 : 0),
                                (data[i + 3] & 0x01) != 0});
        if (data[i + 3] & 0x80) {
            out.push_back(p);
            p = {static_cast<std::uint8_t>(out.size() + 1), protocol, {}, {}};
        }
    }
    out.push_back(p);
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const ProtocolId protocol = static_cast<ProtocolId>(1 + data[0] % 3);
    std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    auto parsed = parse_proposal(text, protocol);
    if (parsed) {
        auto again = parse_proposal(to_string(*parsed), protocol);
        if (!again || !(*again == *parsed)) __builtin_trap();
        std::vector<Proposal> ours{*parsed};
        auto offered = make_offer(ours, base::Bytes{});
        auto chosen = select(offered, ours);
        if (!std::holds_alternative<Chosen>(chosen)) __builtin_trap();
        if (!check_choice(std::get<Chosen>(chosen).reply, offered)) __builtin_trap();
    }
    auto offered = offer_from(data + 1, size - 1, protocol);
    auto ours = default_proposals(protocol);
    auto s = select(offered, ours, {.ke_sent = static_cast<KeGroup>(data[0] % 32)});
    if (auto* c = std::get_if<Chosen>(&s))
        if (!check_choice(c->reply, offered)) __builtin_trap();
    return 0;
}
