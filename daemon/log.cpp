#include "daemon/log.hpp"

#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace ipsecd {

std::optional<LogLevel> parse_log_level(std::string_view s) {
    if (s == "error") return LogLevel::error;
    if (s == "warning") return LogLevel::warning;
    if (s == "info") return LogLevel::info;
    if (s == "debug") return LogLevel::debug;
    return std::nullopt;
}

std::optional<LogTarget> parse_log_target(std::string_view s) {
    if (s == "stderr") return LogTarget::stderr;
    if (s == "journal") return LogTarget::journal;
    return std::nullopt;
}

static const char* level_name(LogLevel l) {
    switch (l) {
    case LogLevel::error: return "error";
    case LogLevel::warning: return "warning";
    case LogLevel::info: return "info";
    case LogLevel::debug: return "debug";
    }
    return "?";
}

void Logger::log(LogLevel l, std::string_view message, const LogContext& ctx) const {
    if (!enabled(l)) return;
    std::string prefix;
    if (!ctx.connection.empty()) prefix += "[" + ctx.connection + "] ";
    if (target_ == LogTarget::journal) {
        std::string msg = "MESSAGE=" + prefix + std::string(message);
        std::string prio = "PRIORITY=" + std::to_string(static_cast<int>(l));
        std::string conn = "IPSECD_CONNECTION=" + ctx.connection;
        std::string spi = "IPSECD_IKE_SPI=" + ctx.ike_spi;
        // journalctl -t ipsecd finds us even for lines written as the process exits
        static char ident[] = "SYSLOG_IDENTIFIER=ipsecd";
        struct iovec iov[5] = {{msg.data(), msg.size()}, {prio.data(), prio.size()},
                               {ident, sizeof ident - 1}, {conn.data(), conn.size()},
                               {spi.data(), spi.size()}};
        int n = 3 + (ctx.connection.empty() ? 0 : 1);
        if (!ctx.ike_spi.empty()) iov[n++] = iov[4];
        sd_journal_sendv(iov, n);
        return;
    }
    std::fprintf(stderr, "ipsecd %s: %s%.*s\n", level_name(l), prefix.c_str(),
                 static_cast<int>(message.size()), message.data());
}

LogTarget Logger::default_target() {
    // systemd sets JOURNAL_STREAM=<dev>:<inode> of the stream it connected (sd-journal(3)).
    const char* js = std::getenv("JOURNAL_STREAM");
    struct stat st {};
    if (js && fstat(STDERR_FILENO, &st) == 0) {
        std::string expect = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
        if (expect == js) return LogTarget::journal;
    }
    return LogTarget::stderr;
}

}  // namespace ipsecd
