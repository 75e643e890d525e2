#include "daemon/instance_lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ipsecd {

namespace {

std::string read_pid(int fd) {
    char buf[32] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    std::string pid(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    return pid.empty() ? "unknown" : pid;
}

}  // namespace

base::Result<InstanceLock> InstanceLock::acquire(const std::string& runtime_dir) {
    if (mkdir(runtime_dir.c_str(), 0700) < 0 && errno != EEXIST)
        return base::fail("creating " + runtime_dir + ": " + std::strerror(errno), errno);
    const std::string path = runtime_dir + "/ipsecd.pid";
    const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return base::fail("opening " + path + ": " + std::strerror(errno), errno);
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        const int err = errno;
        std::string why = err == EWOULDBLOCK ? "another ipsecd (pid " + read_pid(fd) + ") runs with " + path
                                             : "locking " + path + ": " + std::strerror(err);
        close(fd);
        return base::fail(std::move(why), err);
    }
    const std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
        const int err = errno;
        close(fd);
        return base::fail("writing " + path + ": " + std::strerror(err), err);
    }
    return InstanceLock(fd);
}

InstanceLock::~InstanceLock() {
    if (fd_ >= 0) close(fd_);
}

}  // namespace ipsecd
