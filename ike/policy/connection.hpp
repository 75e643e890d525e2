// The immutable connection model the daemon/config loader produces and the engine consumes.
// Everything is plain data with value equality, so a reload can diff old and new connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/secret.hpp"
#include "ike/iana.hpp"
#include "ike/policy/identity.hpp"
#include "ike/policy/key_pads.hpp"
#include "ike/policy/proposal.hpp"
#include "net/address.hpp"

namespace ike::policy {

using Seconds = std::chrono::seconds;

// eap_mschapv2: EAP-MSCHAPv2 inside IKE_AUTH (RFC 7296 2.16); the other end authenticates
// with a certificate (the method does not authenticate the gateway on its own).
enum class Auth : std::uint8_t { psk, pubkey, eap_mschapv2 };
enum class Mode : std::uint8_t { tunnel, transport };
// up: initiate when loaded; trap: install policies, initiate on the kernel's acquire;
// none: wait for the peer.
enum class Start : std::uint8_t { none, up, trap };
// What happens to a CHILD SA's traffic when the peer closes it (its Delete, the IKE SA's,
// DPD, a failed rekey; strongSwan's close_action/dpd_action): restart = policies kept,
// re-initiated with back-off; trap = policies kept, the next packet initiates; clear =
// policies removed. An operator's down always removes them.
enum class CloseAction : std::uint8_t { clear, restart, trap };

struct LocalEnd {
    std::optional<net::Address> address;  // nullopt: any local address
    std::optional<Identity> id;           // nullopt: the IKE address in use
    Auth auth = Auth::psk;
    std::string cert;  // absolute path of our certificate (PEM), pubkey only; else empty
    std::string key;   // absolute path of our private key (PEM), pubkey only; else empty
    std::string eap_id;  // our EAP identity, eap_mschapv2 only; its password is an EapSecret
    // Default: address/32 or /128; empty when no address is configured: dynamic, the
    // engine uses the IKE SA's address (ike/v2/traffic_selectors.hpp or_dynamic).
    std::vector<net::Prefix> subnets;

    bool operator==(const LocalEnd&) const = default;
};

struct RemoteEnd {
    std::string host;                     // as written: address, hostname, or "%any"
    std::optional<net::Address> address;  // set when host is an address literal
    std::optional<std::uint16_t> port;    // the peer's IKE port; nullopt: ours (--ike-port)
    Identity id;                          // default: the address, else %any
    Auth auth = Auth::psk;
    std::vector<std::string> ca;          // absolute paths of trust anchors (PEM), pubkey only
    std::vector<std::string> crls;        // absolute paths of CRLs (PEM or DER), pubkey only
    std::vector<net::Prefix> subnets;     // default as for LocalEnd

    bool is_any() const { return host == "%any"; }
    bool operator==(const RemoteEnd&) const = default;
};

struct IkeSettings {
    std::vector<Proposal> proposals;  // default_proposals(ProtocolId::ike) when not configured
    Seconds lifetime{std::chrono::hours(4)};   // rekey time of the IKE SA
    Seconds dpd{std::chrono::seconds(30)};     // liveness check interval; 0 = off

    bool operator==(const IkeSettings&) const = default;
};

struct Child {
    std::string name;
    Mode mode = Mode::tunnel;
    ProtocolId protocol = ProtocolId::esp;
    std::vector<Proposal> proposals;  // default_proposals(protocol) when not configured
    Seconds lifetime{std::chrono::hours(1)};
    Start start = Start::none;
    // Effective selectors: the child's own override, else the connection's subnets; empty:
    // dynamic, as LocalEnd::subnets.
    std::vector<net::Prefix> local_subnets;
    std::vector<net::Prefix> remote_subnets;
    std::optional<CloseAction> close_action;  // nullopt: the default of `start`

    // close_action, defaulting to restart for start: up, trap for start: trap, clear for none.
    CloseAction on_close() const {
        if (close_action) return *close_action;
        return start == Start::up ? CloseAction::restart : start == Start::trap ? CloseAction::trap : CloseAction::clear;
    }
    bool operator==(const Child&) const = default;
};

// One direction of a manually keyed SA (FreeS/WAN's manual connections). `encryption` is an
// ENCR transform (AEAD or not; absent for AH), `integrity` an INTEG transform (absent with
// AEAD). AEAD keys include the 4-byte salt at the end (RFC 4106 8.1, RFC 7634 2).
struct ManualSa {
    std::uint32_t spi = 0;
    std::optional<Transform> encryption;
    base::SecretBytes encryption_key;
    std::optional<Transform> integrity;
    base::SecretBytes integrity_key;

    bool operator==(const ManualSa&) const = default;
};

// A manually keyed SA pair between local.address and remote.address, protecting
// local.subnets <-> remote.subnets; used instead of IKE.
//
//   manual:
//     mode: tunnel                 # tunnel (default) | transport
//     protocol: esp                # esp (default) | ah
//     out:                         # the SA we send with
//       spi: 0x00001001            # 0x100..0xffffffff (hex or decimal)
//       encryption: aes256gcm16    # aes128 aes256 aes128gcm16 aes256gcm16 chacha20poly1305
//       encryption_key: 0x…        # hex; AEAD: key + 4-byte salt (aes256gcm16: 36 bytes)
//       integrity: sha256          # sha256 sha384 sha512 (not with AEAD; required for AH)
//       integrity_key: 0x…         # hex, the hash size (sha256: 32 bytes)
//     in: { … }                    # the SA we receive with, same keys
struct Manual {
    Mode mode = Mode::tunnel;
    ProtocolId protocol = ProtocolId::esp;
    ManualSa in;
    ManualSa out;

    bool operator==(const Manual&) const = default;
};

// Addresses a remote-access gateway hands out (top-level `pools:`), with the DNS
// configuration that goes with them (RFC 7296 3.15.1, RFC 8598).
struct Pool {
    std::string name;
    net::Address first, last;  // inclusive, one family; a prefix without its network and
                               // (IPv4) broadcast address
    std::vector<net::Address> dns;
    std::vector<std::string> domains;

    bool operator==(const Pool&) const = default;
};

struct Connection {
    std::string name;
    int version = 2;  // 2, or 1 for IKEv1 Main + Quick Mode
    LocalEnd local;
    RemoteEnd remote;
    IkeSettings ike;              // unused when manual is set
    std::vector<Child> children;  // empty when manual is set
    std::optional<Manual> manual;
    // Gateway: the pools (by name, in order) a virtual IP is leased from (RFC 7296 3.15).
    std::vector<std::string> pools;
    // Road warrior: the families of the virtual IPs it asks for (`vips: [0.0.0.0, "::"]`).
    std::vector<net::Family> vips;
    // The host's side of the tunnel (`host_config`): the virtual IPs received, the routes in
    // table 220 and the DNS received are put on the host by the daemon (true), or left to
    // another program that applies them itself (false: NetworkManager's plugin).
    bool host_config = true;

    const Child* find_child(std::string_view child_name) const {
        for (const auto& c : children)
            if (c.name == child_name) return &c;
        return nullptr;
    }

    bool operator==(const Connection&) const = default;
};

// A pre-shared key and the identities it is for.
struct Secret {
    std::vector<Identity> ids;
    base::SecretBytes psk;
    KeyPads key_pads{};  // derived from psk by the engine (IKEv2 AUTH), not configured

    bool operator==(const Secret&) const = default;
};

// The password of an EAP identity (`secrets: - eap_id: …, password: …`): ours as a road
// warrior, a user's as the gateway.
struct EapSecret {
    std::string id;
    base::SecretBytes password;

    bool operator==(const EapSecret&) const = default;
};

// The passphrase of an encrypted private key (PKCS#8 PEM): `secrets: - key: …, password: …`.
struct KeyPassword {
    std::string key;  // absolute path, as LocalEnd::key
    base::SecretBytes password;

    bool operator==(const KeyPassword&) const = default;
};

}  // namespace ike::policy
