// --spd-hthresh4/6 applied at start: the kernel's SPD hash thresholds set and read back.
#pragma once

#include "base/result.hpp"
#include "xfrm/kernel.hpp"

namespace ipsecd {

// Sets the families `wanted` names, then reads back what is in force; fails (with the
// kernel's reason, e.g. EPERM) unless the kernel reports what was asked. With no family
// named, touches nothing and returns nullopt: the thresholds are the namespace's, and other
// software may have set them.
base::Result<std::optional<xfrm::SpdHashThresholds>> apply_spd_hash_thresholds(xfrm::Kernel& kernel,
                                                                               const xfrm::SpdHashThresholds& wanted);

}  // namespace ipsecd
