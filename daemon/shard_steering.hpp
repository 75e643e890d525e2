// Which shard's socket of an IKE port's SO_REUSEPORT group takes a datagram (docs/DESIGN.md
// "Several cores: shards"): a classic BPF program, run by the kernel on the UDP payload,
// returns the low byte of our IKE SPI in the header modulo the number of shards, the shard
// that chose the SPI (EngineOptions::shard). Our SPI is SPIr when the I flag says the sender
// is the original initiator, SPIi otherwise (RFC 7296 3.1). A new IKE_SA_INIT (SPIr zero) goes
// by the peer's SPIi, so that its retry with a COOKIE (2.6, same SPIi) meets the same shard:
// by its next-to-last byte, as the last may be fixed by the peer's own shards (an ipsecd of S
// shards initiates from its first, every SPIi's last byte 0 modulo S); or to shard 0 while
// the daemon keeps new IKE SAs on its first thread (daemon/new_sa_spreader.hpp).
// On the NAT-T port the header follows the non-ESP marker (RFC 3948 2.2). Everything else
// goes to socket 0: IKEv1 (no I flag tells which cookie is ours), ESP-in-UDP and
// NAT-keepalives (any socket of the group decapsulates ESP: each has UDP_ENCAP), runts.
#pragma once

#include "base/result.hpp"

namespace ipsecd {

// Attaches the program for `shards` sockets (1 to 256) to the reuseport group of `fd`
// (SO_REUSEPORT set; before its bind, the group is born with it; after, it replaces the
// group's). `natt`: the port carries the non-ESP marker. `spread_new` false: a new IKE_SA_INIT
// goes to socket 0 (NewSaSpreader), the rest as always.
base::Status attach_shard_steering(int fd, bool natt, unsigned shards, bool spread_new);

}  // namespace ipsecd
