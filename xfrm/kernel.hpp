// xfrm::Kernel: the narrow interface between ipsecd and the kernel's IPsec engine (XFRM).
// No IKE knowledge here: SAs, policies, counters and kernel events only. Implemented by
// the netlink backend (xfrm/netlink_kernel.hpp) and by an in-memory model for tests
// (xfrm/memory_kernel.hpp). All operations are synchronous and return an error value with
// context ("adding ESP SA spi 0x… 192.0.2.1→192.0.2.2: Requested type not found").
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "base/secret.hpp"
#include "net/address.hpp"

namespace xfrm {

using base::Result;
using base::Status;

enum class Proto : std::uint8_t { esp = 50, ah = 51 };
enum class Mode : std::uint8_t { transport = 0, tunnel = 1 };
enum class Dir : std::uint8_t { in = 0, out = 1, fwd = 2 };

// Kernel algorithm names as XFRM knows them (crypto API names).
struct Aead {  // "rfc4106(gcm(aes))" (key = AES key + 4-byte salt), "rfc7539esp(chacha20,poly1305)"
    std::string name;
    base::SecretBytes key;
    unsigned icv_bits = 128;
    bool operator==(const Aead&) const = default;
};
struct Cipher {  // "cbc(aes)"
    std::string name;
    base::SecretBytes key;
    bool operator==(const Cipher&) const = default;
};
struct Integrity {  // "hmac(sha256)" truncated to 128, "hmac(sha384)" 192, "hmac(sha512)" 256 (RFC 4868)
    std::string name;
    base::SecretBytes key;
    unsigned trunc_bits = 0;
    bool operator==(const Integrity&) const = default;
};

// 0 means "no limit" for every field.
struct Lifetime {
    std::uint64_t soft_bytes = 0, hard_bytes = 0;
    std::uint64_t soft_packets = 0, hard_packets = 0;
    std::uint64_t soft_seconds = 0, hard_seconds = 0;  // since the SA was added
    bool operator==(const Lifetime&) const = default;
};

struct Mark {
    std::uint32_t value = 0, mask = 0;
    auto operator<=>(const Mark&) const = default;
};

// ESP-in-UDP for NAT traversal (RFC 3948): UDP_ENCAP_ESPINUDP.
struct UdpEncap {
    std::uint16_t sport = 4500, dport = 4500;
    auto operator<=>(const UdpEncap&) const = default;
};

// Traffic selector of a policy (and optionally of an SA). proto 0 = any; ports 0 = any.
struct Selector {
    net::Prefix src, dst;
    std::uint8_t proto = 0;
    std::uint16_t sport = 0, dport = 0;
    auto operator<=>(const Selector&) const = default;
};

struct SaId {
    net::Address dst;
    std::uint32_t spi = 0;  // host byte order
    Proto proto = Proto::esp;
    std::optional<Mark> mark;  // the kernel finds a marked SA only when given its mark
    // By SPI first: SPIs differ where destinations mostly do not (a responder's inbound SAs
    // all go to its own address), so a lookup among many SAs compares one word, not an address
    // (issue 13). The SAs of one SPI, destination and protocol stay together, unmarked first.
    std::strong_ordering operator<=>(const SaId& o) const {
        if (auto c = spi <=> o.spi; c != 0) return c;
        if (auto c = dst <=> o.dst; c != 0) return c;
        if (auto c = proto <=> o.proto; c != 0) return c;
        return mark <=> o.mark;
    }
    bool operator==(const SaId&) const = default;
};

struct Sa {
    net::Address src, dst;
    std::uint32_t spi = 0;  // host byte order
    Proto proto = Proto::esp;
    Mode mode = Mode::tunnel;
    bool esn = false;  // 64-bit sequence numbers (needs replay_window > 0); here, it fills padding
    std::uint32_t reqid = 0;
    std::optional<Aead> aead;         // ESP with AEAD, or
    std::optional<Cipher> cipher;     // ESP encr + integrity
    std::optional<Integrity> integ;   // ESP (non-AEAD) and AH
    std::uint32_t replay_window = 32; // packets; 0 = off (outbound SAs)
    std::optional<UdpEncap> encap;
    std::optional<Selector> selector; // transport mode usually pins src/dst hosts
    Lifetime lifetime;
    std::optional<Mark> mark;
    std::uint32_t if_id = 0;

    SaId id() const { return {dst, spi, proto, mark}; }
    bool operator==(const Sa&) const = default;
};

struct Counters {
    std::uint64_t bytes = 0, packets = 0;
    std::uint64_t add_time = 0, use_time = 0;  // seconds since epoch; use_time 0 = never used
    std::uint32_t replay_failures = 0, integrity_failures = 0;
    bool operator==(const Counters&) const = default;
};

// An SA as read back from the kernel: parameters without keys, plus counters.
struct SaInfo {
    net::Address src, dst;
    std::uint32_t spi = 0;
    Proto proto = Proto::esp;
    Mode mode = Mode::tunnel;
    std::uint32_t reqid = 0;
    std::string algorithm;  // aead, cipher or integrity name
    std::optional<UdpEncap> encap;
    Lifetime lifetime;
    Counters counters;
    std::string integrity;  // integrity name next to a cipher ("hmac(sha256)"), else empty
    bool esn = false;
    std::uint32_t replay_window = 0;
    std::optional<Selector> selector;
    std::optional<Mark> mark;
    std::uint32_t if_id = 0;
    bool operator==(const SaInfo&) const = default;
};

struct Template {  // one transform applied by a policy
    net::Address src, dst;  // tunnel endpoints; ignored (any) in transport mode
    Proto proto = Proto::esp;
    Mode mode = Mode::tunnel;
    std::uint32_t reqid = 0;
    std::uint32_t spi = 0;  // 0 = any SA with this reqid
    bool operator==(const Template&) const = default;
};

enum class Action : std::uint8_t { allow = 0, block = 1 };

struct PolicyId {
    Selector selector;
    Dir dir = Dir::out;
    std::optional<Mark> mark;
    std::uint32_t if_id = 0;
    auto operator<=>(const PolicyId&) const = default;
};

struct Policy {
    Selector selector;
    Dir dir = Dir::out;
    std::uint32_t priority = 0;  // lower wins
    Action action = Action::allow;
    std::vector<Template> templates;  // empty = plain allow/block
    std::optional<Mark> mark;
    std::uint32_t if_id = 0;

    PolicyId id() const { return {selector, dir, mark, if_id}; }
    bool operator==(const Policy&) const = default;
};

// ---- events the kernel sends (XFRMNLGRP_ACQUIRE / _EXPIRE / _MIGRATE) ----
struct Acquire {  // a packet matched an outbound policy with no SA
    Selector selector;
    net::Address src, dst;  // from the template (tunnel endpoints) or the packet
    Proto proto = Proto::esp;
    std::uint32_t reqid = 0;
    bool operator==(const Acquire&) const = default;
};
struct Expire {  // an SA reached its soft or hard lifetime
    SaId sa;
    net::Address src;
    std::uint32_t reqid = 0;
    bool hard = false;
    bool operator==(const Expire&) const = default;
};
struct Migrate {  // an SA/policy was moved to new endpoints (MOBIKE, XFRM_MSG_MIGRATE)
    Selector selector;
    Dir dir = Dir::out;
    net::Address old_src, old_dst, new_src, new_dst;
    Proto proto = Proto::esp;
    Mode mode = Mode::tunnel;
    std::uint32_t reqid = 0;
    bool operator==(const Migrate&) const = default;
};
using Event = std::variant<Acquire, Expire, Migrate>;

// XFRM_MSG_MIGRATE: the policy `policy` and its template of (proto, mode, reqid) between
// old_src and old_dst move to new_src→new_dst (a transport template has no endpoints: it
// matches by the rest). The kernel moves with it one SA of that reqid between those
// endpoints: spi names the one the caller expects (0: none), `encap` its new UDP
// encapsulation (nullopt: unchanged). Keys, sequence numbers and counters stay.
struct Migration {
    PolicyId policy;
    Proto proto = Proto::esp;
    Mode mode = Mode::tunnel;
    std::uint32_t reqid = 0;
    net::Address old_src, old_dst, new_src, new_dst;
    std::uint32_t spi = 0;
    std::optional<UdpEncap> encap;
    bool operator==(const Migration&) const = default;
};
// Whether `t` is a template `m` moves (as the kernel's xfrm_migrate() matches them), and
// `templates` after the move: a tunnel template gets the new endpoints.
bool migrates(const Template& t, const Migration& m);
void migrate_templates(std::vector<Template>& templates, const Migration& m);
using EventHandler = std::function<void(const Event&)>;

// The SPD's hash thresholds for one address family (XFRMA_SPD_IPV4_HTHRESH /
// _IPV6_HTHRESH): a policy whose local selector prefix is at least local_bits long and
// whose remote one is at least remote_bits goes into the kernel's policy hash table; the
// others go into its inexact lists, whose insertions slow down as they grow. Which policy
// a packet matches is the same either way. Local is an outbound policy's source.
struct SpdHashThreshold {
    std::uint8_t local_bits = 0, remote_bits = 0;
    auto operator<=>(const SpdHashThreshold&) const = default;
};
struct SpdHashThresholds {
    // The kernel's defaults (only host <-> host policies are hashed); a setting leaves a
    // family it does not name as it is.
    std::optional<SpdHashThreshold> v4 = SpdHashThreshold{32, 32};
    std::optional<SpdHashThreshold> v6 = SpdHashThreshold{128, 128};
    bool operator==(const SpdHashThresholds&) const = default;
};

class Kernel {
public:
    virtual ~Kernel() = default;

    // XFRM_MSG_ALLOCSPI: reserves an inbound SPI in [min, max] as a larval SA that a
    // later update_sa() completes (or that expires by itself).
    virtual Result<std::uint32_t> alloc_spi(const net::Address& src, const net::Address& dst,
                                            Proto proto, std::uint32_t reqid,
                                            std::uint32_t min = 0x100,
                                            std::uint32_t max = 0xffffffff) = 0;
    virtual Status add_sa(const Sa& sa) = 0;
    virtual Status update_sa(const Sa& sa) = 0;
    virtual Status delete_sa(const SaId& id) = 0;
    virtual Result<SaInfo> get_sa(const SaId& id) = 0;
    // The SA's byte and packet counters; zero for an SA that is not there (or not readable).
    // By default from get_sa(); a backend may read them without the rest of the SA.
    virtual Counters sa_counters(const SaId& id);
    // Every SA, ours and others' (XFRM_MSG_GETSA dump); records it cannot read are left out.
    virtual Result<std::vector<SaInfo>> list_sas() = 0;

    virtual Status add_policy(const Policy& p) = 0;
    virtual Status update_policy(const Policy& p) = 0;
    virtual Status delete_policy(const PolicyId& id) = 0;
    virtual Result<std::vector<Policy>> list_policies() = 0;  // ours and others', no sockets

    // Moves a policy and its SA to new endpoints (see Migration): ENOENT without the policy,
    // ENODATA without a matching template, ESRCH when the SA m.spi names did not move.
    virtual Status migrate(const Migration& m) = 0;

    // XFRM_MSG_NEWSPDINFO: sets the thresholds of the families given (the kernel then
    // rehashes every policy); EINVAL beyond 32 bits (IPv4) or 128 (IPv6). The setting
    // belongs to the network namespace, not to this object: flush_owned() leaves it.
    virtual Status set_spd_hash_thresholds(const SpdHashThresholds& t) = 0;
    // XFRM_MSG_GETSPDINFO: the thresholds in force, both families.
    virtual Result<SpdHashThresholds> spd_hash_thresholds() = 0;

    // Queued forms of add_sa/update_sa, delete_sa, add_policy/update_policy and
    // delete_policy, for many changes at once: applied in order, each answering through
    // `done` at the latest when flush() returns. The netlink backend sends them in batches
    // through its request queue (xfrm/request_queue.hpp); by default each applies at once.
    using Done = std::function<void(const Status&)>;
    virtual void queue_sa(const Sa& sa, bool update, Done done);
    virtual void queue_delete_sa(const SaId& id, Done done);
    virtual void queue_policy(const Policy& p, bool update, Done done);
    virtual void queue_delete_policy(const PolicyId& id, Done done);
    virtual void flush() {}

    // Deletes every SA and policy this object added and has not deleted since; leaves
    // other software's state alone.
    virtual Status flush_owned() = 0;

    // Acquire / expire / migrate events are delivered to handler (from the event loop).
    virtual void set_event_handler(EventHandler handler) = 0;
};

std::string to_string(Proto p);  // "esp", "ah"
std::string to_string(Mode m);   // "tunnel", "transport"
std::string to_string(Dir d);    // "in", "out", "fwd"
std::string describe(const SaId& id);  // "ESP SA spi 0x0000c1a5 to 192.0.2.2"
std::string describe(const Sa& sa);    // "ESP SA spi 0x0000c1a5 192.0.2.1→192.0.2.2"
std::string describe(const PolicyId& id);  // "out policy 10.1.0.0/24→10.2.0.0/24"
std::string describe(const Selector& s);   // "10.1.0.0/24→10.2.0.0/24 proto 6 port 0→443"
// "out policy 10.1.0.0/24→10.2.0.0/24 192.0.2.1→198.51.100.7 to 192.0.2.1→198.51.100.9 with ESP SA spi 0x0000c1a5"
std::string describe(const Migration& m);

// The SA as get_sa() reports it: parameters without keys, plus counters.
SaInfo make_info(const Sa& sa, const Counters& counters);
// Structural checks shared by every backend: one family, the algorithms the protocol
// needs (ESP: AEAD or cipher (+integrity); AH: integrity only), key sizes, ESN window.
Status check(const Sa& sa);
// EINVAL unless every threshold given fits its family (<= 32 bits IPv4, <= 128 IPv6);
// the error has no context (the caller's).
Status check(const SpdHashThresholds& t);
// "LOCAL/REMOTE" (as `ip xfrm policy set hthresh4 LOCAL REMOTE` takes them): two decimal
// prefix lengths of at most max_bits; nullopt when malformed.
std::optional<SpdHashThreshold> parse_spd_hash_threshold(const std::string& text, unsigned max_bits);
// "IPv4 24/32, IPv6 128/128" (local/remote bits), the families given only.
std::string describe(const SpdHashThresholds& t);
// True for the errno a missing SA (ESRCH) or policy (ENOENT) is reported with.
bool is_not_found(const base::Error& e);
// Completes the larval SA that alloc_spi() reserved for sa.spi with `sa` (XFRM_MSG_UPDSA).
// The kernel drops a larval SA on its own after net.core.xfrm_acq_expires (30 s by
// default): a negotiation that outlasted it adds the SA instead (adding an SA whose SPI
// another holds fails with EEXIST), and fails with EEXIST if another SA took the SPI meanwhile.
Status complete_larval(Kernel& kernel, const Sa& sa);

}  // namespace xfrm
