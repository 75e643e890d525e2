#include "ike/v1/nat_oa.hpp"

#include <algorithm>

#include "ike/v1/nat_traversal.hpp"

namespace ike::v1 {

namespace {

using namespace wire::v1;

NatOa nat_oa(const net::Address& a) {
    return NatOa{.type = a.family == net::Family::v4 ? IdType::ipv4_addr : IdType::ipv6_addr,
                 .address = Bytes(a.bytes.begin(), a.bytes.begin() + static_cast<long>(a.size()))};
}

// The codec admits only ID_IPV4_ADDR with 4 bytes and ID_IPV6_ADDR with 16.
net::Address address_of(const NatOa& oa) {
    net::Address a{oa.type == IdType::ipv4_addr ? net::Family::v4 : net::Family::v6, {}};
    std::copy(oa.address.begin(), oa.address.end(), a.bytes.begin());
    return a;
}

}  // namespace

bool sends_nat_oa(const IsakmpSa& sa, policy::Mode mode) {
    return nat_between(sa) && mode == policy::Mode::transport;
}

std::vector<Payload> nat_oa_payloads(const IsakmpSa& sa, Role sender) {
    const bool initiator = sender == Role::initiator;
    return {nat_oa(initiator ? sa.local.address : sa.remote.address),
            nat_oa(initiator ? sa.remote.address : sa.local.address)};
}

base::Result<std::optional<OriginalAddresses>> original_addresses(const std::vector<Payload>& payloads) {
    std::vector<net::Address> found;
    for (const auto& p : payloads)
        if (const auto* oa = std::get_if<NatOa>(&p)) found.push_back(address_of(*oa));
    if (found.empty()) return std::optional<OriginalAddresses>{};
    if (found.size() != 2 || found[0].family != found[1].family)
        return base::fail("NAT-OA: " + std::to_string(found.size()) + " payloads, not the two of one family");
    return std::optional<OriginalAddresses>{OriginalAddresses{found[0], found[1]}};
}

net::Prefix as_we_see(const net::Prefix& id, const net::Address& theirs, const net::Address& ours) {
    return id == net::Prefix::host(theirs) && theirs.family == ours.family ? net::Prefix::host(ours) : id;
}

}  // namespace ike::v1
