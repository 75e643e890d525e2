// Work posted from any thread to run on one sd-event loop's thread, in the order posted: the
// way between the daemon's main thread and its engine threads (shards, daemon/shard.hpp),
// each direction a mailbox watched by the receiving loop. An eventfd wakes the loop; posting
// never waits for the receiver.
#pragma once

#include <systemd/sd-event.h>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "base/result.hpp"

namespace ipsecd {

class Mailbox {
public:
    using Work = std::function<void()>;

    // Watches its eventfd on `event` (the receiving loop, from that loop's thread).
    static base::Result<std::unique_ptr<Mailbox>> create(sd_event* event);
    ~Mailbox();
    Mailbox(const Mailbox&) = delete;
    Mailbox& operator=(const Mailbox&) = delete;

    // From any thread.
    void post(Work work);
    // On the receiving loop's thread: runs what was posted until now (also what the loop's
    // wakeup would have run, for a caller that cannot wait for the loop's next turn).
    void run_pending();

private:
    Mailbox() = default;
    static int on_wake(sd_event_source*, int fd, uint32_t, void* self);

    int eventfd_ = -1;
    sd_event_source* source_ = nullptr;
    std::mutex mutex_;
    std::vector<Work> pending_;  // guarded by mutex_
};

}  // namespace ipsecd
