// The proposals of an SA payload, laid out alike by both IKE versions (RFC 7296 3.3.1,
// RFC 2408 3.5): Proposal #, Protocol ID, SPI Size, # of Transforms, SPI, then exactly that
// many transforms. What differs (transform layout, allowed SPI sizes, numbering rule,
// substructure markers, the notify to answer with) comes in ProposalRules and callbacks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ike/wire/limits.hpp"
#include "ike/wire/substructures.hpp"

namespace ike::wire {

struct ProposalRules {
    std::uint8_t more_proposals = 0;   // the marker before another proposal
    std::uint8_t more_transforms = 0;  // the marker before another transform
    std::uint16_t notify = 0;          // answers a malformed proposal
    bool (*spi_size_ok)(std::uint8_t protocol, std::size_t size) = nullptr;
    bool (*numbers_follow)(std::uint8_t previous, std::uint8_t next) = nullptr;
    const char* disorder = "";  // the fault when numbers_follow fails
};

// The proposal list of an SA payload; read_transform(body) returns ParseResult<Transform>.
template <class Proposal, class ReadTransform>
ParseResult<std::vector<Proposal>> read_proposals(Reader& r, const ProposalRules& rules,
                                                  ReadTransform&& read_transform) {
    using Item = typename decltype(Proposal::transforms)::value_type;
    auto read_one = [&](Reader& body) -> ParseResult<Proposal> {
        Proposal p;
        p.number = body.get_u8();
        const std::uint8_t protocol = body.get_u8();
        p.protocol = static_cast<decltype(p.protocol)>(protocol);
        const std::uint8_t spi_size = body.get_u8();
        const std::uint8_t count = body.get_u8();
        if (!body.failed() && !rules.spi_size_ok(protocol, spi_size)) body.fail("SPI size invalid for protocol");
        const base::ByteView spi = body.get_bytes(spi_size);
        p.spi.assign(spi.begin(), spi.end());
        if (!body.failed() && (count == 0 || count > limits::kMaxTransforms)) body.fail("transform count out of range");
        if (body.failed()) return reject(body, "SA proposal", rules.notify);
        auto transforms = read_substructures<Item>(body, count, count, rules.more_transforms, "SA proposal",
                                                        rules.notify, [&](Reader& t, const auto&) { return read_transform(t); });
        if (!transforms) return base::Unexpected{transforms.error()};
        p.transforms = std::move(*transforms);
        return finish(body, "SA proposal", rules.notify, std::move(p));
    };
    return read_substructures<Proposal>(
        r, std::nullopt, limits::kMaxProposals, rules.more_proposals, "SA", rules.notify,
        [&](Reader& body, const std::vector<Proposal>& before) -> ParseResult<Proposal> {
            const std::size_t at = body.offset();
            auto p = read_one(body);
            if (p && !before.empty() && !rules.numbers_follow(before.back().number, p->number))
                return reject(std::string("SA: ") + rules.disorder, at, rules.notify);
            return p;
        });
}

// write_transform(transform) writes one transform's body.
template <class Proposal, class WriteTransform>
void write_proposals(Writer& w, const std::vector<Proposal>& proposals, const ProposalRules& rules,
                     WriteTransform&& write_transform) {
    write_substructures(w, proposals, rules.more_proposals, [&](const Proposal& p) {
        w.put_u8(p.number);
        w.put_u8(static_cast<std::uint8_t>(p.protocol));
        w.put_u8(static_cast<std::uint8_t>(p.spi.size()));
        w.put_u8(static_cast<std::uint8_t>(p.transforms.size()));
        w.put_bytes(p.spi);
        write_substructures(w, p.transforms, rules.more_transforms, write_transform);
    });
}

}  // namespace ike::wire
