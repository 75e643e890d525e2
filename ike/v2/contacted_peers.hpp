// The peers an IKE_AUTH of ours does not send INITIAL_CONTACT to (RFC 7296 2.4): it asserts
// that the new IKE SA is the only one between the two identities, and is sent once per peer
// since start (the peer may hold IKE SAs from before our restart). A peer is remembered
// while an IKE SA with it is established, and after its last one went among the most recent
// kRemembered such peers only: to one forgotten, the next IKE_AUTH sends INITIAL_CONTACT,
// which is true then (we hold no other IKE SA with it). So the set grows with the SAs held,
// not with every peer ever seen (issue 13: some 100 bytes a peer, forever, before).
// The shards of a daemon share one (EngineOptions::contacted, daemon/shared_contacted_peers.hpp):
// a peer contacted on one is contacted for all, so another shard's IKE_AUTH to it does not
// make it drop the first's IKE SA.
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <string>
#include <unordered_map>

namespace ike::v2 {

class ContactedPeers {
public:
    virtual ~ContactedPeers() = default;
    virtual bool contains(const std::string& peer) const = 0;
    // An IKE SA with `peer` was established / closed (after it was established).
    virtual void established(const std::string& peer) = 0;
    virtual void closed(const std::string& peer) = 0;
};

// The engine's own.
class LocalContactedPeers final : public ContactedPeers {
public:
    static constexpr std::size_t kRemembered = 4096;

    bool contains(const std::string& peer) const override { return live_.contains(peer) || gone_at_.contains(peer); }
    void established(const std::string& peer) override;
    void closed(const std::string& peer) override;
    std::size_t size() const { return live_.size() + gone_at_.size(); }

private:
    std::map<std::string, std::size_t> live_;  // peer -> IKE SAs established and not closed
    std::list<std::string> gone_;              // peers with none left, the most recent first
    std::unordered_map<std::string, std::list<std::string>::iterator> gone_at_;
};

}  // namespace ike::v2
