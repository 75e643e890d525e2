#include "ike/v1/identification.hpp"

#include <algorithm>
#include <bit>

#include "ike/crypto/credentials.hpp"

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
        case policy::IdKind::dn: {
            auto der = crypto::dn_der_of_text(id.value);  // RFC 2407 4.6.2.1: ID_DER_ASN1_DN
            if (!der) return base::Unexpected{der.error()};
            out.type = IdType::der_asn1_dn;
            out.data = std::move(*der);
            return out;
        }
        case policy::IdKind::any: break;
    }
    return base::fail("identity '" + id.str() + "' has no IKEv1 form");
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
    if (id.type == IdType::der_asn1_dn)
        return policy::Identity{policy::IdKind::dn, crypto::dn_text_of_der(id.data), std::nullopt};
    return base::fail("ID type " + std::to_string(unsigned(id.type)) + " not supported");
}

bool id_matches(const policy::Identity& expected, const wire::v1::Identification& presented,
                const policy::Identity& parsed) {
    if (expected.kind != policy::IdKind::dn || presented.type != IdType::der_asn1_dn) return expected.matches(parsed);
    const auto der = crypto::dn_der_of_text(expected.value);
    return der && crypto::same_dn(*der, presented.data);
}

namespace {

// The netmask of a prefix length, `size` octets (RFC 2407 4.6.2.3).
base::Bytes mask(std::size_t size, unsigned length) {
    base::Bytes out(size);
    for (std::size_t i = 0; i < size; ++i) {
        const unsigned bits = length > 8 * i ? std::min(8u, length - static_cast<unsigned>(8 * i)) : 0u;
        out[i] = static_cast<std::uint8_t>(0xff00u >> bits);
    }
    return out;
}

}  // namespace

wire::v1::Identification ts_payload(const net::Prefix& prefix) {
    const bool v4 = prefix.address.family == net::Family::v4;
    const auto size = prefix.address.size();
    wire::v1::Identification out;
    out.data.assign(prefix.address.bytes.begin(), prefix.address.bytes.begin() + static_cast<long>(size));
    const bool host = prefix.length == prefix.address.max_prefix();
    out.type = host ? (v4 ? IdType::ipv4_addr : IdType::ipv6_addr)
                    : (v4 ? IdType::ipv4_addr_subnet : IdType::ipv6_addr_subnet);
    if (!host) {
        const auto m = mask(size, prefix.length);
        out.data.insert(out.data.end(), m.begin(), m.end());
    }
    return out;
}

base::Result<net::Prefix> prefix_of(const wire::v1::Identification& id) {
    if (id.protocol != 0 || id.port != 0) return base::fail("client ID with a protocol or port");
    const bool v4 = id.type == IdType::ipv4_addr || id.type == IdType::ipv4_addr_subnet;
    const bool subnet = id.type == IdType::ipv4_addr_subnet || id.type == IdType::ipv6_addr_subnet;
    if (!v4 && id.type != IdType::ipv6_addr && id.type != IdType::ipv6_addr_subnet)
        return base::fail("client ID type " + std::to_string(unsigned(id.type)) + " not supported");
    net::Address a{v4 ? net::Family::v4 : net::Family::v6, {}};
    if (id.data.size() != a.size() * (subnet ? 2 : 1)) return base::fail("client ID of the wrong size");
    std::copy(id.data.begin(), id.data.begin() + static_cast<long>(a.size()), a.bytes.begin());
    unsigned length = a.max_prefix();
    if (subnet) {
        const base::Bytes got(id.data.begin() + static_cast<long>(a.size()), id.data.end());
        length = 0;
        for (auto b : got) length += static_cast<unsigned>(std::countl_one(b));
        if (mask(a.size(), length) != got) return base::fail("client ID mask is not a prefix");
    }
    auto p = net::Prefix::of(a, length);
    if (!p) return base::fail("client ID address has bits outside its mask");
    return *p;
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
