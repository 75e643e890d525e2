// What the engine asks of the world, in the order it must happen. The daemon applies
// them one by one: sends datagrams, performs kernel changes through xfrm::Kernel,
// publishes state on D-Bus and writes log lines.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "base/bytes.hpp"
#include "net/address.hpp"
#include "xfrm/kernel.hpp"

namespace ike::v2 {

// Send over UDP from `local` to `remote`. On port 4500 the daemon prepends the non-ESP
// marker (RFC 3948 2.2).
struct SendDatagram {
    net::Endpoint local, remote;
    base::Bytes bytes;
};

// Kernel changes, carrying xfrm's own types (keys are SecretBytes inside xfrm::Sa).
struct AddSa {
    xfrm::Sa sa;
};
struct UpdateSa {
    xfrm::Sa sa;
};
struct DeleteSa {
    xfrm::SaId id;
};
struct AddPolicy {
    xfrm::Policy policy;
};
struct DeletePolicy {
    xfrm::PolicyId id;
};

// ---- state snapshot for `ipsecctl status` and the D-Bus objects (DESIGN Part 2) ----
enum class ConnectionState : std::uint8_t { down, connecting, up, closing };

struct ChildStatus {
    std::string name;
    xfrm::Mode mode = xfrm::Mode::tunnel;
    xfrm::Proto protocol = xfrm::Proto::esp;
    std::uint32_t spi_in = 0, spi_out = 0;
    std::string proposal;  // "aes256gcm16"
    std::vector<net::Prefix> local_ts, remote_ts;
    // Byte/packet counters live in the kernel: the daemon reads them with get_sa(spi).
};

struct IkeSaStatus {
    int version = 2;
    std::string state;  // "connecting", "established", "deleting", "closed" (gone)
    std::uint64_t local_spi = 0, remote_spi = 0;
    std::string proposal;  // "aes256gcm16-prfsha256-x25519"
    net::Endpoint local, remote;
    std::vector<ChildStatus> children;
};

struct ConnectionStatus {
    std::string name;
    ConnectionState state = ConnectionState::down;
    std::vector<IkeSaStatus> ike_sas;
};

// One IKE SA changed state (or its CHILD SAs changed): its new status and the state of
// its connection after the change. Per IKE SA, so a responder with thousands of peers on
// one connection publishes in constant time; Engine::status() gives the full picture.
struct StatePublished {
    std::string connection;
    ConnectionState state = ConnectionState::down;
    IkeSaStatus ike_sa;  // state "closed": the IKE SA is gone
};

enum class LogLevel : std::uint8_t { error, warning, info, debug };

// One log line with its context; never carries a secret.
struct Log {
    LogLevel level = LogLevel::info;
    std::string connection;  // empty when no connection is known yet
    std::string message;
};

using Effect = std::variant<SendDatagram, AddSa, UpdateSa, DeleteSa, AddPolicy, DeletePolicy,
                            StatePublished, Log>;
using Effects = std::vector<Effect>;

std::string to_string(ConnectionState s);  // "down", "connecting", "up", "closing"
std::string to_string(LogLevel l);         // "error", "warning", "info", "debug"

}  // namespace ike::v2
