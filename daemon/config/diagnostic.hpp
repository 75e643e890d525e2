// One configuration problem at its place in a file (or in "<bus>" text from AddConnection).
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace ipsecd::config {

struct Diagnostic {
    std::string file;  // the path as given, or a source name such as "<bus>"
    int line = 0;      // 1-based; 0 when the problem concerns the whole file
    int column = 0;    // 1-based; 0 when the problem concerns the whole file
    std::string message;

    bool operator==(const Diagnostic&) const = default;
};

// "FILE:LINE:COLUMN: message" (just "FILE: message" without a position).
std::string format(const Diagnostic& d);
// One formatted diagnostic a line.
void print(std::ostream& out, const std::vector<Diagnostic>& diagnostics);

}  // namespace ipsecd::config
