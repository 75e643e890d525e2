#include "daemon/mailbox.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <utility>

namespace ipsecd {

base::Result<std::unique_ptr<Mailbox>> Mailbox::create(sd_event* event) {
    std::unique_ptr<Mailbox> box(new Mailbox());
    box->eventfd_ = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (box->eventfd_ < 0) return base::fail(std::string("eventfd: ") + std::strerror(errno), errno);
    if (int r = sd_event_add_io(event, &box->source_, box->eventfd_, EPOLLIN, on_wake, box.get()); r < 0)
        return base::fail(std::string("watching a mailbox: ") + std::strerror(-r), -r);
    return box;
}

Mailbox::~Mailbox() {
    if (source_) sd_event_source_disable_unref(source_);
    if (eventfd_ >= 0) close(eventfd_);
}

void Mailbox::post(Work work) {
    {
        const std::lock_guard lock(mutex_);
        pending_.push_back(std::move(work));
        // Work already waiting has woken the loop, which takes all that waits when it runs.
        if (pending_.size() > 1) return;
    }
    const std::uint64_t one = 1;
    // EAGAIN only when the counter is near 2^64: the loop is woken already.
    [[maybe_unused]] auto n = write(eventfd_, &one, sizeof one);
}

void Mailbox::run_pending() {
    std::vector<Work> work;
    {
        const std::lock_guard lock(mutex_);
        work.swap(pending_);
    }
    for (auto& w : work) w();
}

int Mailbox::on_wake(sd_event_source*, int fd, uint32_t, void* p) {
    std::uint64_t count = 0;
    [[maybe_unused]] auto n = read(fd, &count, sizeof count);
    static_cast<Mailbox*>(p)->run_pending();
    return 0;
}

}  // namespace ipsecd
