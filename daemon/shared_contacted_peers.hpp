// The one set of peers contacted every shard's IKEv2 engine is given (EngineOptions::contacted,
// DESIGN Part 1 "Several cores: shards"): the engine's own set behind a mutex, as the engine
// takes no lock.
#pragma once

#include <mutex>
#include <string>

#include "ike/v2/contacted_peers.hpp"

namespace ipsecd {

class SharedContactedPeers final : public ike::v2::ContactedPeers {
public:
    bool contains(const std::string& peer) const override {
        std::lock_guard lock(mutex_);
        return peers_.contains(peer);
    }
    void established(const std::string& peer) override {
        std::lock_guard lock(mutex_);
        peers_.established(peer);
    }
    void closed(const std::string& peer) override {
        std::lock_guard lock(mutex_);
        peers_.closed(peer);
    }

private:
    mutable std::mutex mutex_;
    ike::v2::LocalContactedPeers peers_;
};

}  // namespace ipsecd
