// libFuzzer target: the configuration loader on AddConnection text (the path untrusted-ish
// input takes over D-Bus). Any YAML must give a Loaded, never a crash or an exception.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "daemon/config/loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto loaded = ipsecd::config::parse_text(text, {.source = "<fuzz>", .config_dir = "/nonexistent"});
    // A valid result and diagnostics exclude each other only through ok(); both must be sane.
    for (const auto& d : loaded.diagnostics)
        if (d.file != "<fuzz>" || d.line < 0 || d.column < 0) __builtin_trap();
    return 0;
}
