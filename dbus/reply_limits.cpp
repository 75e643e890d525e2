#include "dbus/reply_limits.hpp"

namespace ipsecd::bus {

namespace {

// A string or an object path: its length (4), its bytes and a NUL, padded to 4 for the next.
std::size_t string_bytes(std::size_t length) { return (4 + length + 1 + 3) / 4 * 4; }

}  // namespace

std::size_t array_bytes(const std::vector<std::string>& items) {
    std::size_t bytes = 4;
    for (const auto& item : items) bytes += string_bytes(item.size());
    return bytes;
}

std::size_t array_bytes(std::size_t count, std::size_t length) { return 4 + count * string_bytes(length); }

std::size_t leases_bytes(const std::vector<ike::v2::Lease>& leases) {
    std::size_t bytes = 4;
    for (const auto& lease : leases) {
        const std::size_t strings = string_bytes(lease.pool.size()) + string_bytes(lease.address.str().size()) +
                                    string_bytes(lease.identity.size());
        bytes += 8 + strings + 4;  // a struct starts on 8; the boolean is 4 bytes
    }
    return bytes;
}

int refuse_reply(sd_bus_error* error, const std::string& message) {
    return sd_bus_error_set(error, SD_BUS_ERROR_LIMITS_EXCEEDED, message.c_str());
}

}  // namespace ipsecd::bus
