#include "cli/spi_text.hpp"

#include <cstdio>

namespace ipsecd::cli {

namespace {

std::string hex(std::uint64_t value, int digits) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "0x%0*llx", digits, static_cast<unsigned long long>(value));
    return buf;
}

}  // namespace

std::string ike_spi_text(std::uint64_t spi) { return hex(spi, 16); }
std::string child_spi_text(std::uint32_t spi) { return hex(spi, 8); }

}  // namespace ipsecd::cli
