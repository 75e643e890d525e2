#include "ike/v2/contacted_peers.hpp"

namespace ike::v2 {

void LocalContactedPeers::established(const std::string& peer) {
    if (auto it = gone_at_.find(peer); it != gone_at_.end()) {
        gone_.erase(it->second);
        gone_at_.erase(it);
    }
    ++live_[peer];
}

void LocalContactedPeers::closed(const std::string& peer) {
    auto it = live_.find(peer);
    if (it == live_.end() || --it->second > 0) return;
    live_.erase(it);
    gone_.push_front(peer);
    gone_at_[peer] = gone_.begin();
    if (gone_.size() > kRemembered) {
        gone_at_.erase(gone_.back());
        gone_.pop_back();
    }
}

}  // namespace ike::v2
