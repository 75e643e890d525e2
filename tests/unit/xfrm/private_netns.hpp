// The kernel tests run in a fresh network namespace, entered once per process, so the
// host's own XFRM and routing state is never touched. The process must be root.
#pragma once

#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace xfrm::test {

inline bool write_file(const char* path, const char* text) {
    FILE* f = std::fopen(path, "w");
    bool ok = f && std::fputs(text, f) >= 0;
    return f && std::fclose(f) == 0 && ok;
}

// Enters a fresh network namespace and brings its loopback up, with XFRM enabled on it
// (Linux sets disable_xfrm/disable_policy on loopback, so local traffic would bypass
// policies). Empty on success, else what failed.
inline std::string enter_private_netns() {
    if (unshare(CLONE_NEWNET) != 0)
        return std::string("unshare(CLONE_NEWNET): ") + std::strerror(errno) +
               " (these tests need root to run against the kernel in a private namespace)";
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    ifr.ifr_flags = IFF_UP;
    bool up = fd >= 0 && ioctl(fd, SIOCSIFFLAGS, &ifr) == 0;
    std::string err = up ? "" : std::string("bringing lo up: ") + std::strerror(errno);
    if (fd >= 0) close(fd);
    if (!write_file("/proc/sys/net/ipv4/conf/lo/disable_xfrm", "0") ||
        !write_file("/proc/sys/net/ipv4/conf/lo/disable_policy", "0"))
        err += std::string("enabling XFRM on lo: ") + std::strerror(errno);
    return err;
}

// The namespace of this process, entered by the first caller (every fixture shares it).
inline const std::string& private_netns_error() {
    static const std::string error = enter_private_netns();
    return error;
}

}  // namespace xfrm::test
