// The daemon's heap allocator (docs/DESIGN.md Part 1, "The heap").
#pragma once

#include <string>

namespace ipsecd {

// "mimalloc X.Y.Z" when the daemon's malloc is mimalloc's, else "the C library's malloc" (a
// sanitizer build, whose runtime owns the heap).
std::string heap_name();

}  // namespace ipsecd
