// The daemon's one logger: stderr (with a level prefix) or the journal with structured
// fields (IPSECD_CONNECTION=, IPSECD_IKE_SPI=, PRIORITY=). Libraries and the engine never
// log; they return errors and Log effects, and the daemon writes them here once, with
// context. Nothing secret is ever passed in.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ipsecd {

enum class LogLevel { error = 3, warning = 4, info = 6, debug = 7 };  // syslog priorities
enum class LogTarget { stderr, journal };

std::optional<LogLevel> parse_log_level(std::string_view s);   // error|warning|info|debug
std::optional<LogTarget> parse_log_target(std::string_view s); // stderr|journal

struct LogContext {
    std::string connection;  // IPSECD_CONNECTION=
    std::string ike_spi;     // IPSECD_IKE_SPI= ("0x…", the local SPI)
};

class Logger {
public:
    Logger(LogLevel level, LogTarget target) : level_(level), target_(target) {}

    bool enabled(LogLevel l) const { return static_cast<int>(l) <= static_cast<int>(level_); }
    LogLevel level() const { return level_; }
    void log(LogLevel l, std::string_view message, const LogContext& ctx = {}) const;

    void error(std::string_view m, const LogContext& c = {}) const { log(LogLevel::error, m, c); }
    void warning(std::string_view m, const LogContext& c = {}) const { log(LogLevel::warning, m, c); }
    void info(std::string_view m, const LogContext& c = {}) const { log(LogLevel::info, m, c); }
    void debug(std::string_view m, const LogContext& c = {}) const { log(LogLevel::debug, m, c); }

    // Default target: the journal when systemd started us with its stream connected
    // (JOURNAL_STREAM matches stderr), stderr otherwise.
    static LogTarget default_target();

private:
    LogLevel level_;
    LogTarget target_;
};

}  // namespace ipsecd
