#include "tests/unit/v2/configs.hpp"

namespace ike::v2::test {

namespace {
net::Prefix prefix(const char* text) { return *net::Prefix::parse(text); }
}  // namespace

policy::Config site_config(const Side& local, const Side& remote, const std::string& psk) {
    policy::Connection c;
    c.name = "site";
    c.local.address = net::Address::parse(local.address);
    c.local.id = *policy::Identity::parse(local.id);
    c.local.subnets = {prefix(local.subnet)};
    c.remote.host = remote.address;
    c.remote.address = net::Address::parse(remote.address);
    c.remote.id = *policy::Identity::parse(remote.id);
    c.remote.subnets = {prefix(remote.subnet)};
    c.ike.proposals = policy::default_proposals(ProtocolId::ike);
    policy::Child child;
    child.name = "net";
    child.proposals = policy::default_proposals(ProtocolId::esp);
    child.local_subnets = c.local.subnets;
    child.remote_subnets = c.remote.subnets;
    c.children.push_back(child);
    policy::Config config;
    config.connections.push_back(c);
    config.secrets.push_back({{*c.local.id, c.remote.id}, base::SecretBytes(psk.begin(), psk.end())});
    return config;
}

policy::Config remote_access_gateway(const char* first, const char* last) {
    auto c = site_config(kAlice, kBob);
    auto& conn = c.connections[0];
    conn.remote.host = "%any";
    conn.remote.address.reset();
    conn.remote.id = policy::Identity{};
    conn.remote.subnets.clear();
    conn.children[0].remote_subnets.clear();
    conn.pools = {"office"};
    c.pools.push_back({"office", *net::Address::parse(first), *net::Address::parse(last),
                       {*net::Address::parse("10.1.0.53")}, {"corp.example"}});
    c.secrets[0].ids = {policy::Identity{}};
    return c;
}

policy::Config remote_access_road_warrior(const Side& local) {
    auto c = site_config(local, kAlice);
    auto& conn = c.connections[0];
    conn.local.subnets.clear();
    conn.children[0].local_subnets.clear();
    conn.vips = {net::Family::v4};
    return c;
}

policy::Config two_children(bool alice, policy::Start net, policy::Start lab) {
    auto c = alice ? site_config(kAlice, kBob) : site_config(kBob, kAlice);
    auto& conn = c.connections.front();
    conn.children.front().start = net;
    policy::Child second = conn.children.front();
    second.name = "lab";
    second.start = lab;
    second.local_subnets = {prefix(alice ? "10.11.0.0/24" : "10.12.0.0/24")};
    second.remote_subnets = {prefix(alice ? "10.12.0.0/24" : "10.11.0.0/24")};
    conn.children.push_back(second);
    return c;
}

void set_ike_proposal(policy::Config& c, const std::string& proposal) {
    for (auto& conn : c.connections) conn.ike.proposals = {*policy::parse_proposal(proposal, ProtocolId::ike)};
}

void set_child_proposal(policy::Config& c, const std::string& proposal) {
    for (auto& conn : c.connections)
        for (auto& child : conn.children) child.proposals = {*policy::parse_proposal(proposal, ProtocolId::esp)};
}

}  // namespace ike::v2::test
