// The size of the replies that grow with the number of SAs, bounded below what the bus
// carries. dbus-daemon refuses a message larger than its max_message_size and drops the
// connection that sent it: 32 MiB by default, on the system bus too (dbus 1.14, Debian 12:
// /usr/share/dbus-1/system.conf leaves the default, 33554432). A reply that would be larger
// than the bound is answered with org.freedesktop.DBus.Error.LimitsExceeded instead, decided
// from counts before the reply is built (DESIGN Part 2, "D-Bus").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <systemd/sd-bus.h>

#include "ike/v2/address_pool.hpp"

namespace ipsecd::bus {

inline constexpr std::size_t kBusMessageMax = 32u << 20;
// Half of it: the estimates below are of the body; the header and the estimates' slack fit
// in the other half.
inline constexpr std::size_t kReplyBytesMax = kBusMessageMax / 2;
// GetManagedObjects lays out each object with all its properties and the standard interfaces:
// about 800 bytes for an IKE SA or a CHILD SA of the bench (bench/daemon-scale.sh: 3.3 MB for
// 2,100 of each); counted at 2 KiB, for identities, selectors and DNS lists longer than those.
inline constexpr std::size_t kManagedObjectBytes = 2048;
inline constexpr std::size_t kManagedObjectsMax = kReplyBytesMax / kManagedObjectBytes;  // 8192

// The bounds a Bus applies: these constants in ipsecd; tests set small ones to reach them.
struct ReplyLimits {
    std::size_t bytes = kReplyBytesMax;                      // one array property or ListLeases
    std::size_t managed_objects = kManagedObjectsMax;        // GetManagedObjects
};

// Wire size of an array of strings or object paths (D-Bus specification, "Marshaling": a
// 4-byte length, the bytes, a NUL, padding to 4).
std::size_t array_bytes(const std::vector<std::string>& items);
// The same for `count` items of `length` bytes each, without them.
std::size_t array_bytes(std::size_t count, std::size_t length);
// Wire size of ListLeases' a(sssb).
std::size_t leases_bytes(const std::vector<ike::v2::Lease>& leases);

// Sets `error` to LimitsExceeded with `message` and returns what a handler returns for it.
int refuse_reply(sd_bus_error* error, const std::string& message);

}  // namespace ipsecd::bus
