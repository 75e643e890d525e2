// SPIs as people and the status JSON spell them: "0x" and fixed-width lower-case hex
// (8 bytes for IKE SPIs, RFC 7296 3.1; 4 bytes for ESP/AH SPIs, RFC 4303 2.1).
#pragma once

#include <cstdint>
#include <string>

namespace ipsecd::cli {

std::string ike_spi_text(std::uint64_t spi);    // "0x0123456789abcdef"
std::string child_spi_text(std::uint32_t spi);  // "0xc0ffee01"

}  // namespace ipsecd::cli
