#include "daemon/config/file_check.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace ipsecd::config {
namespace {

std::optional<std::string> stat_file(const std::filesystem::path& path, struct stat& st) {
    if (::stat(path.c_str(), &st) != 0) return path.string() + ": " + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return path.string() + ": not a regular file";
    if (::access(path.c_str(), R_OK) != 0) return path.string() + ": " + std::strerror(errno);
    return std::nullopt;
}

}  // namespace

std::optional<std::string> check_file(const std::filesystem::path& path) {
    struct stat st {};
    return stat_file(path, st);
}

std::optional<std::string> check_private_file(const std::filesystem::path& path) {
    struct stat st {};
    if (auto problem = stat_file(path, st)) return problem;
    if ((st.st_mode & (S_IRGRP | S_IWGRP | S_IROTH | S_IWOTH)) != 0) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return path.string() + " holds secrets but is readable or writable by group or others (mode " +
               mode + "); refusing it: run chmod 600 on it";
    }
    return std::nullopt;
}

}  // namespace ipsecd::config
