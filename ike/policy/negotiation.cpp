#include "ike/policy/negotiation.hpp"

#include <algorithm>
#include <array>

namespace ike::policy {
namespace {

constexpr std::array kTypes{TransformType::encr, TransformType::prf, TransformType::integ,
                            TransformType::ke, TransformType::esn};

bool known_type(std::uint8_t type) {
    return type >= static_cast<std::uint8_t>(TransformType::encr) &&
           type <= static_cast<std::uint8_t>(TransformType::esn);
}

// RFC 7296 3.3.3: for these types id 0 is NONE, and leaving the type out means the same.
bool none_able(TransformType type) {
    return type == TransformType::integ || type == TransformType::ke || type == TransformType::esn;
}

OfferedTransform to_offered(const Transform& t) {
    return {static_cast<std::uint8_t>(t.type), t.id, t.key_length, false};
}

Transform to_model(const OfferedTransform& t) {
    return {static_cast<TransformType>(t.type), t.id, t.key_length};
}

// The candidates of one type, with NONE standing in for an absent none-able type.
std::vector<Transform> candidates(std::vector<Transform> list, TransformType type) {
    if (list.empty() && none_able(type)) list.push_back({type, 0, 0});
    return list;
}

std::vector<Transform> offered_of(const OfferedProposal& o, TransformType type) {
    std::vector<Transform> out;
    for (const auto& t : o.transforms)
        if (t.type == static_cast<std::uint8_t>(type) && !t.unknown_attribute)
            out.push_back(to_model(t));
    return out;
}

bool includes_type(const OfferedProposal& o, TransformType type) {
    return std::any_of(o.transforms.begin(), o.transforms.end(),
                       [&](const auto& t) { return t.type == static_cast<std::uint8_t>(type); });
}

// The suite in our model: NONE placeholders for INTEG and KE say nothing, ESN NONE does.
Proposal model_of(ProtocolId protocol, const std::vector<Transform>& chosen) {
    Proposal p{protocol, {}};
    for (const auto& t : chosen)
        if (t.id != 0 || t.type == TransformType::esn) p.transforms.push_back(t);
    return p;
}

struct PairResult {
    bool compatible = false;
    Chosen chosen;
    std::optional<KeGroup> ke;  // the real group chosen, if any
};

PairResult match(const OfferedProposal& o, const Proposal& ours, const SelectOptions& opt) {
    PairResult r;
    if (o.protocol != ours.protocol) return r;
    // RFC 7296 3.3.6: a proposal with a Transform Type we do not understand is unacceptable.
    if (!std::all_of(o.transforms.begin(), o.transforms.end(),
                     [](const auto& t) { return known_type(t.type); }))
        return r;
    std::vector<Transform> chosen;
    for (TransformType type : kTypes) {
        if (type == TransformType::ke && opt.ignore_ke) continue;
        std::vector<Transform> theirs = candidates(offered_of(o, type), type);
        std::vector<Transform> mine = candidates(ours.of(type), type);
        if (theirs.empty() && mine.empty()) continue;
        if (type == TransformType::ke && opt.ke_sent) {
            // Take the KE payload's group first when we accept it (saves a round trip).
            Transform sent{type, static_cast<std::uint16_t>(*opt.ke_sent), 0};
            auto it = std::find(mine.begin(), mine.end(), sent);
            if (it != mine.end()) std::rotate(mine.begin(), it, it + 1);
        }
        auto pick = std::find_if(mine.begin(), mine.end(), [&](const Transform& t) {
            return std::find(theirs.begin(), theirs.end(), t) != theirs.end();
        });
        if (pick == mine.end()) return r;
        chosen.push_back(*pick);
        if (type == TransformType::ke && pick->id != 0) r.ke = static_cast<KeGroup>(pick->id);
    }
    r.compatible = true;
    r.chosen.reply = {o.number, o.protocol, o.spi, {}};
    for (const auto& t : chosen)
        // RFC 7296 3.3.6: one transform of each type the offer included; a NONE we only
        // assumed for an absent type is not sent back.
        if (t.id != 0 || includes_type(o, t.type)) r.chosen.reply.transforms.push_back(to_offered(t));
    r.chosen.proposal = model_of(ours.protocol, chosen);
    return r;
}

}  // namespace

Selection select(std::span<const OfferedProposal> offered, std::span<const Proposal> ours,
                 const SelectOptions& options) {
    for (const auto& mine : ours)
        for (const auto& theirs : offered) {
            PairResult r = match(theirs, mine, options);
            if (!r.compatible) continue;
            // RFC 7296 1.2: a group other than the KE payload's (and other than NONE) means
            // INVALID_KE_PAYLOAD with the group we selected.
            if (!options.ignore_ke && options.ke_sent && r.ke && *r.ke != *options.ke_sent)
                return InvalidKe{*r.ke};
            return std::move(r.chosen);
        }
    return NoProposalChosen{};
}

std::vector<OfferedProposal> make_offer(std::span<const Proposal> ours, base::ByteView spi,
                                        bool without_ke) {
    std::vector<OfferedProposal> out;
    for (const auto& p : ours) {
        OfferedProposal o{static_cast<std::uint8_t>(out.size() + 1), p.protocol,
                          base::Bytes(spi.begin(), spi.end()), {}};
        for (const auto& t : p.transforms)
            if (!(without_ke && t.type == TransformType::ke)) o.transforms.push_back(to_offered(t));
        out.push_back(std::move(o));
    }
    return out;
}

base::Result<Proposal> check_choice(const OfferedProposal& reply,
                                    std::span<const OfferedProposal> offered) {
    auto it = std::find_if(offered.begin(), offered.end(),
                           [&](const auto& o) { return o.number == reply.number; });
    if (it == offered.end() || it->protocol != reply.protocol)
        return base::fail("peer chose proposal " + std::to_string(reply.number) +
                          ", which we did not offer");
    std::vector<Transform> chosen;
    for (const auto& t : reply.transforms) {
        if (!known_type(t.type) || t.unknown_attribute)
            return base::fail("peer chose an unknown transform (type " + std::to_string(t.type) + ")");
        Transform m = to_model(t);
        if (std::any_of(chosen.begin(), chosen.end(), [&](const auto& c) { return c.type == m.type; }))
            return base::fail("peer chose two transforms of type " + std::to_string(t.type));
        auto mine = offered_of(*it, m.type);
        if (std::find(mine.begin(), mine.end(), m) == mine.end() && !(none_able(m.type) && m.id == 0))
            return base::fail("peer chose " + keyword(m) + ", which we did not offer");
        chosen.push_back(m);
    }
    for (TransformType type : kTypes) {
        bool answered = std::any_of(chosen.begin(), chosen.end(), [&](const auto& c) { return c.type == type; });
        auto mine = offered_of(*it, type);
        // A type we offered needs an answer, unless NONE was among the choices.
        if (!answered && !mine.empty() &&
            std::none_of(mine.begin(), mine.end(), [](const auto& t) { return t.id == 0; }))
            return base::fail("peer chose no transform of type " +
                              std::to_string(static_cast<unsigned>(type)));
    }
    return model_of(reply.protocol, chosen);
}

std::optional<KeGroup> preferred_ke(std::span<const Proposal> ours) {
    for (const auto& p : ours)
        if (const Transform* ke = p.first(TransformType::ke)) return static_cast<KeGroup>(ke->id);
    return std::nullopt;
}

bool offers_ke(std::span<const Proposal> ours, KeGroup group) {
    const Transform want{TransformType::ke, static_cast<std::uint16_t>(group), 0};
    return std::any_of(ours.begin(), ours.end(), [&](const Proposal& p) {
        return std::find(p.transforms.begin(), p.transforms.end(), want) != p.transforms.end();
    });
}

std::string describe(std::span<const OfferedProposal> offered) {
    std::vector<Proposal> as_ours;
    for (const auto& o : offered) {
        Proposal p{o.protocol, {}};
        for (const auto& t : o.transforms) p.transforms.push_back({static_cast<TransformType>(t.type), t.id, t.key_length});
        as_ours.push_back(std::move(p));
    }
    return describe(as_ours);
}

std::string describe(std::span<const Proposal> ours) {
    std::string out;
    for (const auto& p : ours) out += (out.empty() ? "" : ", ") + to_string(p);
    return out.empty() ? "(none)" : out;
}

}  // namespace ike::policy
