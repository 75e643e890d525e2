#include "ike/v2/sa_payload.hpp"

namespace ike::v2 {

std::vector<policy::OfferedProposal> to_offered(const wire::SecurityAssociation& sa) {
    std::vector<policy::OfferedProposal> out;
    out.reserve(sa.proposals.size());
    for (const auto& p : sa.proposals) {
        policy::OfferedProposal o{p.number, p.protocol, p.spi, {}};
        for (const auto& t : p.transforms) {
            policy::OfferedTransform ot{static_cast<std::uint8_t>(t.type), t.id, 0, false};
            for (const auto& a : t.attributes) {
                // RFC 7296 3.3.5: Key Length is the only attribute, and it is TV.
                if (a.type == kAttrKeyLength && a.is_tv)
                    ot.key_length = a.tv_value;
                else
                    ot.unknown_attribute = true;
            }
            o.transforms.push_back(ot);
        }
        out.push_back(std::move(o));
    }
    return out;
}

wire::SecurityAssociation to_wire(const std::vector<policy::OfferedProposal>& proposals) {
    wire::SecurityAssociation sa;
    sa.proposals.reserve(proposals.size());
    for (const auto& o : proposals) {
        wire::Proposal p{o.number, o.protocol, o.spi, {}};
        for (const auto& t : o.transforms) {
            wire::Transform wt{static_cast<TransformType>(t.type), t.id, {}};
            if (t.key_length != 0) wt.attributes.push_back(wire::DataAttribute::tv(kAttrKeyLength, t.key_length));
            p.transforms.push_back(std::move(wt));
        }
        sa.proposals.push_back(std::move(p));
    }
    return sa;
}

}  // namespace ike::v2
