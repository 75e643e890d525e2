#include "dbus/nm/file_access.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace nm {

namespace {

// Runs in the child: drops to the user, opens each path, writes "PATH: REASON" of the first
// that fails to `report` and exits 1, or exits 0.
[[noreturn]] void check_as(const passwd& pw, const std::vector<std::string>& paths, int report) {
    auto fail = [report](const std::string& what) {
        ssize_t ignored = write(report, what.data(), what.size());
        (void)ignored;
        _exit(1);
    };
    if (initgroups(pw.pw_name, pw.pw_gid) != 0 || setgid(pw.pw_gid) != 0 || setuid(pw.pw_uid) != 0)
        fail(std::string("cannot switch to the user: ") + std::strerror(errno));
    for (const auto& p : paths) {
        int fd = open(p.c_str(), O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0) fail(p + ": " + std::strerror(errno));
        close(fd);
    }
    _exit(0);
}

}  // namespace

std::vector<std::string> permitted_users(const std::vector<std::string>& permissions) {
    std::vector<std::string> users;
    for (const auto& entry : permissions) {
        if (!entry.starts_with("user:")) continue;
        const std::string rest = entry.substr(5);
        std::string name = rest.substr(0, rest.find(':'));
        if (!name.empty()) users.push_back(std::move(name));
    }
    return users;
}

base::Status check_readable_by(const std::string& user, const std::vector<std::string>& paths) {
    std::array<char, 4096> buf{};
    passwd pw{};
    passwd* found = nullptr;
    if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
        return base::fail("user '" + user + "' does not exist");
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) return base::fail(std::string("pipe: ") + std::strerror(errno));
    const pid_t child = fork();
    if (child < 0) {
        close(fds[0]), close(fds[1]);
        return base::fail(std::string("fork: ") + std::strerror(errno));
    }
    if (child == 0) {
        close(fds[0]);
        check_as(pw, paths, fds[1]);
    }
    close(fds[1]);
    std::string why;
    char chunk[256];
    for (ssize_t n; (n = read(fds[0], chunk, sizeof chunk)) != 0;) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) break;
        why.append(chunk, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
    return base::fail(why.empty() ? "the check as user '" + user + "' failed" : why);
}

base::Status check_vpn_files(const std::vector<std::string>& permissions, const VpnData& vpn) {
    std::vector<std::string> paths;
    for (const auto* p : {&vpn.cert, &vpn.key, &vpn.ca})
        if (!p->empty()) paths.push_back(*p);
    if (paths.empty()) return {};
    for (const auto& user : permitted_users(permissions))
        if (auto st = check_readable_by(user, paths); !st)
            return base::fail("connection.permissions restricts it to user '" + user +
                              "', who cannot read a file it names: " + st.error().message);
    return {};
}

}  // namespace nm
