// The org.ipsecd1 objects as ipsecctl reads them (GetConnectionObjects' pages, laid out as
// GetManagedObjects' a{oa{sa{sv}}}), and the status views built from them.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include <systemd/sd-bus.h>

#include "cli/status_model.hpp"

namespace ipsecd::cli {

// The value types our interfaces use; others read as monostate.
using Value = std::variant<std::monostate, std::string, std::uint64_t, bool, std::vector<std::string>>;
using Properties = std::map<std::string, Value>;
using Objects = std::map<std::string, std::map<std::string, Properties>>;  // path -> interface -> ...

// Read the message's next a{sv} / a{oa{sa{sv}}} into `out`; a negative errno on failure.
int read_properties(sd_bus_message* m, Properties& out);
int read_objects(sd_bus_message* m, Objects& out);

// Typed access to one object's properties; missing or mistyped values read as empty.
class View {
public:
    View(const Objects& objects, const std::string& path, const char* interface);
    bool exists() const { return props_ != nullptr; }
    template <class T>
    T get(const char* name) const {
        if (!props_) return T{};
        auto it = props_->find(name);
        if (it == props_->end()) return T{};
        auto* v = std::get_if<T>(&it->second);
        return v ? *v : T{};
    }
    std::string str(const char* name) const { return get<std::string>(name); }
    std::uint64_t num(const char* name) const { return get<std::uint64_t>(name); }
    std::vector<std::string> list(const char* name) const { return get<std::vector<std::string>>(name); }

private:
    const Properties* props_ = nullptr;
};

ChildView child_view(const View& v);
// An IKE SA with the CHILD SAs of its Children that `objects` holds.
IkeSaView ike_sa_view(const Objects& objects, const View& v);
// A connection's own properties, without its SAs.
ConnectionView connection_view(const View& v);
// One page of Manager.GetConnectionObjects added to `c`: the connection's own properties and
// its CHILD SAs of no IKE SA when the page holds the connection object (the first page), then
// the page's IKE SAs with their CHILD SAs.
void add_page(ConnectionView& c, const Objects& page, const std::string& path);

}  // namespace ipsecd::cli
