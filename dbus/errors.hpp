// D-Bus error names of the contract: org.ipsecd1.Error.<Reason> (DESIGN Part 2, "D-Bus").
#pragma once

#include <string>

#include <systemd/sd-bus.h>

#include "dbus/backend.hpp"

namespace ipsecd::bus {

std::string error_name(Reason reason);  // "org.ipsecd1.Error.NoSuchConnection"

// Fills `e` and returns the negative errno sd-bus handlers return for it.
int set_error(sd_bus_error* e, const Error& error);

}  // namespace ipsecd::bus
