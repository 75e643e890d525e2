#include "dbus/nm/ipsecd_errors.hpp"

namespace nm {

Failure failure_for_ipsecd_error(std::string_view error_name) {
    constexpr std::string_view prefix = "org.ipsecd1.Error.";
    if (error_name.starts_with(prefix) && error_name.substr(prefix.size()).starts_with("Auth"))
        return Failure::login_failed;
    return Failure::connect_failed;
}

}  // namespace nm
