#include "daemon/spd_hash.hpp"

namespace ipsecd {

base::Result<std::optional<xfrm::SpdHashThresholds>> apply_spd_hash_thresholds(xfrm::Kernel& kernel,
                                                                               const xfrm::SpdHashThresholds& wanted) {
    if (!wanted.v4 && !wanted.v6) return std::optional<xfrm::SpdHashThresholds>{};
    if (auto ok = kernel.set_spd_hash_thresholds(wanted); !ok) return base::Unexpected{ok.error()};
    auto in_force = kernel.spd_hash_thresholds();
    if (!in_force) return base::Unexpected{in_force.error()};
    const xfrm::SpdHashThresholds got = *in_force;
    if ((wanted.v4 && got.v4 != wanted.v4) || (wanted.v6 && got.v6 != wanted.v6))
        return base::fail("the kernel reports SPD hash thresholds " + xfrm::describe(got) + " after being set to " +
                          xfrm::describe(wanted));
    return std::optional{got};
}

}  // namespace ipsecd
