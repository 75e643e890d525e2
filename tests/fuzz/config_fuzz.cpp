// libFuzzer target: the configuration loader, on AddConnection text (the path untrusted-ish
// input takes over D-Bus) and on the same text as a file (which alone may hold top-level
// `pools:`). Any YAML must give a Loaded, never a crash or an exception.
#include <fcntl.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <string_view>

#include "daemon/config/loader.hpp"

namespace {

// A private directory for the file, made once per process and removed at its exit.
const std::filesystem::path& fuzz_file() {
    static const std::filesystem::path file = [] {
        char dir[] = "/tmp/config-fuzz-XXXXXX";
        if (!mkdtemp(dir)) __builtin_trap();
        static std::filesystem::path made = dir;
        std::atexit([] { std::filesystem::remove_all(made); });
        return made / "fuzz.yaml";
    }();
    return file;
}

// Diagnostics point into their source: a sane line and column.
void check(const ipsecd::config::Loaded& loaded, std::string_view source) {
    for (const auto& d : loaded.diagnostics)
        if (d.file != source || d.line < 0 || d.column < 0) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    check(ipsecd::config::parse_text(text, {.source = "<fuzz>", .config_dir = "/nonexistent"}), "<fuzz>");
    const auto& file = fuzz_file();
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ::write(fd, data, size) != static_cast<ssize_t>(size) || ::close(fd) != 0) __builtin_trap();
    check(ipsecd::config::load_file(file), file.string());
    return 0;
}
