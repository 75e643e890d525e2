#include "daemon/config/diagnostic.hpp"

namespace ipsecd::config {

std::string format(const Diagnostic& d) {
    if (d.line == 0) return d.file + ": " + d.message;
    return d.file + ":" + std::to_string(d.line) + ":" + std::to_string(d.column) + ": " + d.message;
}

void print(std::ostream& out, const std::vector<Diagnostic>& diagnostics) {
    for (const auto& d : diagnostics) out << format(d) << '\n';
}

}  // namespace ipsecd::config
