// Object paths of the contract. A connection name is escaped with sd_bus_path_encode
// ("site-b" -> .../connection/site_2db); SAs live below their connection, named by SPI:
//   /org/ipsecd1/connection/<escaped name>
//   /org/ipsecd1/connection/<escaped name>/ike_<local IKE SPI, 16 hex digits>
//   /org/ipsecd1/connection/<escaped name>/ike_<...>/child_<inbound SPI, 8 hex digits>
//   /org/ipsecd1/connection/<escaped name>/child_<inbound SPI>  (an SA of no IKE SA: manual)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ipsecd::bus {

inline constexpr const char* kServiceName = "org.ipsecd1";
inline constexpr const char* kRootPath = "/org/ipsecd1";
inline constexpr const char* kConnectionPrefix = "/org/ipsecd1/connection";

inline constexpr const char* kManagerInterface = "org.ipsecd1.Manager";
inline constexpr const char* kConnectionInterface = "org.ipsecd1.Connection";
inline constexpr const char* kIkeSaInterface = "org.ipsecd1.IkeSa";
inline constexpr const char* kChildSaInterface = "org.ipsecd1.ChildSa";

std::string connection_path(std::string_view name);
std::string ike_sa_path(std::string_view connection, std::uint64_t local_spi);
std::string child_sa_path(std::string_view connection, std::uint64_t ike_local_spi,
                          std::uint32_t spi_in);
std::string child_sa_path(std::string_view connection, std::uint32_t spi_in);  // no IKE SA
// The same from the path of the object above: an IKE SA's, or a connection's (no IKE SA).
std::string child_sa_path_below(std::string_view parent, std::uint32_t spi_in);
// The object above the one at `path` (a path of one of the objects above).
std::string parent_path(std::string_view path);

// What a path below kConnectionPrefix names; nullopt for anything else.
struct ObjectRef {
    std::string connection;
    std::optional<std::uint64_t> ike_spi;    // set for IKE SA objects and their CHILD SAs
    std::optional<std::uint32_t> child_spi;  // set for CHILD SA objects

    bool operator==(const ObjectRef&) const = default;
};
std::optional<ObjectRef> parse_path(std::string_view path);

}  // namespace ipsecd::bus
