// A negotiated CHILD SA (IKEv2) or IPsec SA (IKEv1 Quick Mode) as the kernel holds it: the
// algorithms and key sizes of its ESP or AH proposal, and one direction's SAD entry (RFC 4301
// 4.4.2) from its keys. Both engines install their pairs with it.
#pragma once

#include <optional>

#include "base/bytes.hpp"
#include "base/result.hpp"
#include "ike/crypto/transform_keys.hpp"
#include "ike/policy/config.hpp"
#include "net/address.hpp"
#include "xfrm/kernel.hpp"

namespace ike::engine {

// The kernel (crypto API) algorithms of an ESP or AH proposal's transforms, with their keys.
// Shared with manually keyed SAs (daemon/manual_sas.hpp).
struct KernelAlgorithms {
    std::optional<xfrm::Aead> aead;
    std::optional<xfrm::Cipher> cipher;
    std::optional<xfrm::Integrity> integ;
};
base::Result<KernelAlgorithms> kernel_algorithms(const policy::Proposal& p, const base::SecretBytes& encr_key,
                                                 const base::SecretBytes& integ_key);

// The key sizes an ESP or AH proposal's keymat holds per direction. An AH proposal has no
// ENCR: its keymat is the integrity key alone (RFC 7296 2.17, RFC 2409 5.5).
base::Result<crypto::KeyLengths> child_key_lengths(const policy::Proposal& p);

// The kernel protocol and mode of a child's SAs.
xfrm::Proto kernel_proto(const policy::Child& child);
xfrm::Mode kernel_mode(policy::Mode mode);

// One direction of a pair: from `src` to `dst` (the IKE SA's endpoints, whose ports carry
// ESP in UDP when `udp_encap`: a NAT is between the peers, RFC 3948).
struct KernelSaSpec {
    net::Endpoint src, dst;
    std::uint32_t spi = 0;
    xfrm::Proto proto = xfrm::Proto::esp;
    xfrm::Mode mode = xfrm::Mode::tunnel;
    std::uint32_t reqid = 0;
    const policy::Proposal& proposal;  // the negotiated transforms
    const base::SecretBytes& encr;
    const base::SecretBytes& integ;
    bool udp_encap = false;
    std::uint64_t soft_seconds = 0, hard_seconds = 0;  // the rekey, and the end
};
base::Result<xfrm::Sa> kernel_sa(const KernelSaSpec& spec);

}  // namespace ike::engine
