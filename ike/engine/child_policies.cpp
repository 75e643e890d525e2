#include "ike/engine/child_policies.hpp"

#include <utility>

namespace ike::engine {

std::vector<xfrm::Policy> policies_for(const PolicySpec& spec) {
    std::vector<xfrm::Policy> out;
    out.reserve(spec.local_ts.size() * spec.remote_ts.size() * 3);  // out, in and fwd per pair
    for (const auto& l : spec.local_ts)
        for (const auto& r : spec.remote_ts) {
            if (l.address.family != r.address.family) continue;
            auto policy = [&](const net::Prefix& src, const net::Prefix& dst, xfrm::Dir dir,
                              const net::Address& tsrc, const net::Address& tdst) {
                xfrm::Policy p;
                p.selector = {src, dst, 0, 0, 0};
                p.dir = dir;
                p.templates.push_back({tsrc, tdst, spec.proto, spec.mode, spec.reqid, 0});
                out.push_back(std::move(p));
            };
            policy(l, r, xfrm::Dir::out, spec.local, spec.remote);
            policy(r, l, xfrm::Dir::in, spec.remote, spec.local);
            if (spec.mode == xfrm::Mode::tunnel) policy(r, l, xfrm::Dir::fwd, spec.remote, spec.local);
        }
    return out;
}

}  // namespace ike::engine
