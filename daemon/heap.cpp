#include "daemon/heap.hpp"

#ifdef IPSECD_MIMALLOC
#include <mimalloc.h>
#endif

namespace ipsecd {

std::string heap_name() {
#ifdef IPSECD_MIMALLOC
    // Linked ahead of the C library, mimalloc's malloc and free are the process's (its
    // "dynamic override"); this call also keeps the linker's --as-needed from dropping it.
    const int v = mi_version();  // e.g. 209 for 2.0.9
    return "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) + "." + std::to_string(v % 10);
#else
    return "the C library's malloc";
#endif
}

}  // namespace ipsecd
