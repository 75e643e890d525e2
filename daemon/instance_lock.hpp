// One ipsecd per runtime directory: two daemons would fight over the kernel's XFRM state
// (each removes what it believes it owns at start and exit). `--runtime-dir`/ipsecd.pid holds
// the running daemon's pid under an exclusive flock(2), released by the kernel when the process
// ends, however it ends (a stale file from a SIGKILL does not block the restart).
#pragma once

#include <string>

#include "base/result.hpp"

namespace ipsecd {

class InstanceLock {
public:
    // Creates the directory (0700) if needed, locks DIR/ipsecd.pid and writes our pid into it;
    // fails naming the holder's pid when another process has it locked.
    static base::Result<InstanceLock> acquire(const std::string& runtime_dir);

    InstanceLock(InstanceLock&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
    InstanceLock& operator=(InstanceLock&&) = delete;
    InstanceLock(const InstanceLock&) = delete;
    ~InstanceLock();

private:
    explicit InstanceLock(int fd) : fd_(fd) {}
    int fd_;
};

}  // namespace ipsecd
