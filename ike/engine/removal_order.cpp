#include "ike/engine/removal_order.hpp"

#include <algorithm>
#include <iterator>

namespace ike::engine {

namespace {

bool kernel_change(const Effect& e) {
    return std::holds_alternative<AddSa>(e) || std::holds_alternative<UpdateSa>(e) ||
           std::holds_alternative<AddPolicy>(e) || std::holds_alternative<UpdatePolicy>(e) ||
           std::holds_alternative<MigrateSa>(e);
}

}  // namespace

Effects removals_after_published_state(Effects effects) {
    // Most batches (a handshake's) remove nothing: they keep their order, unmoved.
    if (std::none_of(effects.begin(), effects.end(),
                     [](const Effect& e) { return std::holds_alternative<DeletePolicy>(e); }))
        return effects;
    Effects out, held;
    out.reserve(effects.size());
    auto release = [&] {
        std::move(held.begin(), held.end(), std::back_inserter(out));
        held.clear();
    };
    for (auto& e : effects) {
        if (std::holds_alternative<DeletePolicy>(e)) {
            held.push_back(std::move(e));
            continue;
        }
        const bool published = std::holds_alternative<StatePublished>(e);
        if (kernel_change(e)) release();
        out.push_back(std::move(e));
        if (published) release();
    }
    release();
    return out;
}

}  // namespace ike::engine
