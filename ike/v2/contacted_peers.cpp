#include "ike/v2/contacted_peers.hpp"

namespace ike::v2 {

void ContactedPeers::established(const std::string& peer) {
    const std::lock_guard lock(mutex_);
    if (auto it = gone_at_.find(peer); it != gone_at_.end()) {
        gone_.erase(it->second);
        gone_at_.erase(it);
    }
    ++live_[peer];
}

void ContactedPeers::closed(const std::string& peer) {
    const std::lock_guard lock(mutex_);
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
