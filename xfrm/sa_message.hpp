// XFRM SA messages: ALLOCSPI, NEWSA/UPDSA, DELSA/GETSA requests, and the kernel's SA
// records (replies to ALLOCSPI and GETSA) decoded back. Pure functions, no sockets.
#pragma once

#include "xfrm/kernel.hpp"
#include "xfrm/netlink_message.hpp"

namespace xfrm {

base::Result<Message> encode_alloc_spi(const net::Address& src, const net::Address& dst, Proto proto,
                                       std::uint32_t reqid, std::uint32_t min, std::uint32_t max);
// XFRM_MSG_NEWSA (update = false) or XFRM_MSG_UPDSA; checks the SA first (xfrm::check).
base::Result<Message> encode_sa(const Sa& sa, bool update);
// XFRM_MSG_DELSA or XFRM_MSG_GETSA.
Message encode_sa_id(const SaId& id, std::uint16_t type);
// XFRM_MSG_GETSA with NLM_F_DUMP: every SA.
Message encode_sa_dump();

// An SA record as the kernel sends it (XFRM_MSG_NEWSA): the SA with its keys, and counters.
struct SaRecord {
    Sa sa;
    Counters counters;
};
base::Result<SaRecord> decode_sa(const nlmsghdr& nlh);

}  // namespace xfrm
