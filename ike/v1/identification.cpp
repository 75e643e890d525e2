#include "ike/v1/identification.hpp"

#include <algorithm>

namespace ike::v1 {

using wire::v1::IdType;

base::Result<wire::v1::Identification> id_payload(const policy::Identity& id) {
    wire::v1::Identification out;
    switch (id.kind) {
        case policy::IdKind::ipv4:
        case policy::IdKind::ipv6:
            out.type = id.kind == policy::IdKind::ipv4 ? IdType::ipv4_addr : IdType::ipv6_addr;
            out.data.assign(id.address->bytes.begin(), id.address->bytes.begin() + static_cast<long>(id.address->size()));
            return out;
        case policy::IdKind::fqdn:
        case policy::IdKind::rfc822:
            out.type = id.kind == policy::IdKind::fqdn ? IdType::fqdn : IdType::user_fqdn;
            out.data.assign(id.value.begin(), id.value.end());
            return out;
        case policy::IdKind::dn:
        case policy::IdKind::any: break;
    }
    return base::fail("identity '" + id.str() + "' has no IKEv1 form here (addresses, FQDNs, e-mail addresses)");
}

base::Result<policy::Identity> identity_of(const wire::v1::Identification& id) {
    const bool v4 = id.type == IdType::ipv4_addr;
    if (v4 || id.type == IdType::ipv6_addr) {
        net::Address a{v4 ? net::Family::v4 : net::Family::v6, {}};
        if (id.data.size() != a.size()) return base::fail("ID address of the wrong size");
        for (std::size_t i = 0; i < a.size(); ++i) a.bytes[i] = id.data[i];
        return policy::Identity::of_address(a);
    }
    if (id.type == IdType::fqdn || id.type == IdType::user_fqdn)
        return policy::Identity{id.type == IdType::fqdn ? policy::IdKind::fqdn : policy::IdKind::rfc822,
                                std::string(id.data.begin(), id.data.end()), std::nullopt};
    return base::fail("ID type " + std::to_string(unsigned(id.type)) + " not supported");
}

base::Bytes id_body(const wire::v1::Identification& id) {
    base::Bytes out(4 + id.data.size());
    out[0] = static_cast<std::uint8_t>(id.type);
    out[1] = id.protocol;
    out[2] = static_cast<std::uint8_t>(id.port >> 8);
    out[3] = static_cast<std::uint8_t>(id.port);
    std::copy(id.data.begin(), id.data.end(), out.begin() + 4);
    return out;
}

}  // namespace ike::v1
