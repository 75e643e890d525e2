// The peers an IKE_AUTH of ours does not send INITIAL_CONTACT to (RFC 7296 2.4): it asserts
// that the new IKE SA is the only one between the two identities, and is sent once per peer
// since start (the peer may hold IKE SAs from before our restart). A peer is remembered
// while an IKE SA with it is established, and after its last one went among the most recent
// kRemembered such peers only: to one forgotten, the next IKE_AUTH sends INITIAL_CONTACT,
// which is true then (we hold no other IKE SA with it). So the set grows with the SAs held,
// not with every peer ever seen (issue 13: some 100 bytes a peer, forever, before).
// The shards of a daemon share one (EngineOptions::contacted): a peer contacted on one is
// contacted for all, so another shard's IKE_AUTH to it does not make it drop the first's
// IKE SA. Each call takes the set's lock.
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

namespace ike::v2 {

class ContactedPeers {
public:
    static constexpr std::size_t kRemembered = 4096;

    bool contains(const std::string& peer) const {
        const std::lock_guard lock(mutex_);
        return live_.contains(peer) || gone_at_.contains(peer);
    }
    // An IKE SA with `peer` was established / closed (after it was established).
    void established(const std::string& peer);
    void closed(const std::string& peer);
    std::size_t size() const {
        const std::lock_guard lock(mutex_);
        return live_.size() + gone_at_.size();
    }

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::size_t> live_;  // peer -> IKE SAs established and not closed
    std::list<std::string> gone_;              // peers with none left, the most recent first
    std::unordered_map<std::string, std::list<std::string>::iterator> gone_at_;
};

}  // namespace ike::v2
