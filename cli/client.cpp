#include "cli/client.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <variant>

namespace ipsecd::cli {

namespace {

constexpr const char* kService = "org.ipsecd1";
constexpr const char* kRoot = "/org/ipsecd1";
constexpr const char* kManager = "org.ipsecd1.Manager";
// Up and Down reply when the operation is done, which can take an IKE retransmission
// schedule; the others reply at once.
constexpr std::uint64_t kOperationTimeout = 300ull * 1000 * 1000;

base::Unexpected<base::Error> errno_error(const std::string& what, int r) {
    return base::fail(what + ": " + std::strerror(-r), -r);
}

// ---- a{oa{sa{sv}}} from GetManagedObjects, with the value types our interfaces use ----
using Value = std::variant<std::monostate, std::string, std::uint64_t, bool, std::vector<std::string>>;
using Properties = std::map<std::string, Value>;
using Objects = std::map<std::string, std::map<std::string, Properties>>;

int read_value(sd_bus_message* m, Value& out) {
    char type = 0;
    const char* contents = nullptr;
    int r = sd_bus_message_peek_type(m, &type, &contents);
    if (r <= 0) return r < 0 ? r : -EBADMSG;
    if (r = sd_bus_message_enter_container(m, 'v', contents); r < 0) return r;
    std::string sig = contents;
    if (sig == "s" || sig == "o") {
        const char* s = nullptr;
        r = sd_bus_message_read_basic(m, sig[0], &s);
        if (r > 0) out = std::string(s);
    } else if (sig == "t" || sig == "u" || sig == "q") {
        std::uint64_t t = 0;
        std::uint32_t u = 0;
        std::uint16_t q = 0;
        void* where = sig == "t" ? static_cast<void*>(&t) : sig == "u" ? static_cast<void*>(&u) : &q;
        r = sd_bus_message_read_basic(m, sig[0], where);
        if (r > 0) out = sig == "t" ? t : sig == "u" ? std::uint64_t{u} : std::uint64_t{q};
    } else if (sig == "b") {
        int b = 0;
        r = sd_bus_message_read_basic(m, 'b', &b);
        if (r > 0) out = b != 0;
    } else if (sig == "as" || sig == "ao") {
        std::vector<std::string> items;
        r = sd_bus_message_enter_container(m, 'a', sig.c_str() + 1);
        const char* s = nullptr;
        while (r >= 0 && (r = sd_bus_message_read_basic(m, sig[1], &s)) > 0) items.emplace_back(s);
        if (r >= 0) r = sd_bus_message_exit_container(m);
        out = std::move(items);
    } else {
        r = sd_bus_message_skip(m, contents);  // a type we do not show
    }
    if (r < 0) return r;
    return sd_bus_message_exit_container(m);
}

int read_properties(sd_bus_message* m, Properties& out) {
    int r = sd_bus_message_enter_container(m, 'a', "{sv}");
    while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
        const char* name = nullptr;
        if ((r = sd_bus_message_read_basic(m, 's', &name)) < 0) break;
        if ((r = read_value(m, out[name])) < 0) break;
        r = sd_bus_message_exit_container(m);
    }
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

int read_objects(sd_bus_message* m, Objects& out) {
    int r = sd_bus_message_enter_container(m, 'a', "{oa{sa{sv}}}");
    while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "oa{sa{sv}}")) > 0) {
        const char* path = nullptr;
        if ((r = sd_bus_message_read_basic(m, 'o', &path)) < 0) break;
        auto& interfaces = out[path];
        r = sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
        while (r >= 0 && (r = sd_bus_message_enter_container(m, 'e', "sa{sv}")) > 0) {
            const char* interface = nullptr;
            if ((r = sd_bus_message_read_basic(m, 's', &interface)) < 0) break;
            if ((r = read_properties(m, interfaces[interface])) < 0) break;
            r = sd_bus_message_exit_container(m);
        }
        if (r >= 0) r = sd_bus_message_exit_container(m);
        if (r >= 0) r = sd_bus_message_exit_container(m);
    }
    return r < 0 ? r : sd_bus_message_exit_container(m);
}

// Typed access to one object's properties; missing or mistyped values read as empty.
class View {
public:
    View(const Objects& objects, const std::string& path, const char* interface) {
        auto o = objects.find(path);
        if (o == objects.end()) return;
        auto i = o->second.find(interface);
        if (i != o->second.end()) props_ = &i->second;
    }
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
    std::vector<std::string> list(const char* name) const {
        return get<std::vector<std::string>>(name);
    }

private:
    const Properties* props_ = nullptr;
};

ChildView child_view(const View& v) {
    ChildView c;
    c.name = v.str("Name");
    c.mode = v.str("Mode");
    c.protocol = v.str("Protocol");
    c.spi_in = static_cast<std::uint32_t>(v.num("SpiIn"));
    c.spi_out = static_cast<std::uint32_t>(v.num("SpiOut"));
    c.proposal = v.str("Proposal");
    c.local_ts = v.list("LocalTs");
    c.remote_ts = v.list("RemoteTs");
    c.bytes_in = v.num("BytesIn");
    c.bytes_out = v.num("BytesOut");
    c.packets_in = v.num("PacketsIn");
    c.packets_out = v.num("PacketsOut");
    c.established = v.num("EstablishedTime");
    c.rekey = v.num("RekeyTime");
    return c;
}

IkeSaView ike_sa_view(const Objects& objects, const View& v) {
    IkeSaView sa;
    sa.version = static_cast<std::uint32_t>(v.num("Version"));
    sa.state = v.str("State");
    sa.local_spi = v.num("LocalSpi");
    sa.remote_spi = v.num("RemoteSpi");
    sa.proposal = v.str("Proposal");
    sa.local = v.str("Local");
    sa.remote = v.str("Remote");
    sa.virtual_ips = v.list("VirtualIps");
    sa.dns = v.list("Dns");
    sa.dns_domains = v.list("DnsDomains");
    sa.established = v.num("EstablishedTime");
    sa.rekey = v.num("RekeyTime");
    for (auto& path : v.list("Children"))
        if (View child(objects, path, "org.ipsecd1.ChildSa"); child.exists())
            sa.children.push_back(child_view(child));
    return sa;
}

// The connection at `path` with its SAs, as far as `objects` holds them.
ConnectionView view_of(const Objects& objects, const std::string& path) {
    View v(objects, path, "org.ipsecd1.Connection");
    ConnectionView c{v.str("Name"), v.str("State"), v.str("LocalAddress"), v.str("RemoteAddress"), {}, {}};
    for (auto& ike_path : v.list("IkeSas"))
        if (View ike(objects, ike_path, "org.ipsecd1.IkeSa"); ike.exists()) c.ike_sas.push_back(ike_sa_view(objects, ike));
    for (auto& child_path : v.list("ChildSas"))
        if (View child(objects, child_path, "org.ipsecd1.ChildSa"); child.exists())
            c.children.push_back(child_view(child));
    return c;
}

}  // namespace

base::Result<Client> Client::connect(const std::string& address) {
    sd_bus* bus = nullptr;
    int r = 0;
    if (address.empty()) {
        r = sd_bus_open_system(&bus);
    } else if ((r = sd_bus_new(&bus)) >= 0) {
        Client owner(bus);  // frees the bus on the error paths below
        if ((r = sd_bus_set_address(bus, address.c_str())) >= 0 &&
            (r = sd_bus_set_bus_client(bus, 1)) >= 0 && (r = sd_bus_start(bus)) >= 0)
            return owner;
        return errno_error("cannot connect to " + address, r);
    }
    if (r < 0) return errno_error("cannot connect to the system bus", r);
    return Client(bus);
}

Client::~Client() {
    if (bus_) sd_bus_flush_close_unref(bus_);
}

base::Result<Client::Message> Client::call(const char* path, const char* interface,
                                           const char* member, const char* arg,
                                           std::uint64_t timeout_usec) {
    sd_bus_message* request = nullptr;
    int r = sd_bus_message_new_method_call(bus_, &request, kService, path, interface, member);
    if (r < 0) return errno_error(member, r);
    Message owned(request);
    if (arg && (r = sd_bus_message_append(request, "s", arg)) < 0) return errno_error(member, r);
    sd_bus_error error = SD_BUS_ERROR_NULL;
    sd_bus_message* reply = nullptr;
    r = sd_bus_call(bus_, request, timeout_usec, &error, &reply);
    if (r < 0) {
        std::string message = error.message ? error.message : error.name ? error.name : std::strerror(-r);
        sd_bus_error_free(&error);
        return base::fail(message, -r);
    }
    return Message(reply);
}

base::Status Client::invoke(const char* member, const char* arg, std::uint64_t timeout_usec) {
    auto reply = call(kRoot, kManager, member, arg, timeout_usec);
    if (!reply) return base::Unexpected{reply.error()};
    return {};
}

base::Status Client::up(const std::string& name) { return invoke("Up", name.c_str(), kOperationTimeout); }
base::Status Client::down(const std::string& name) { return invoke("Down", name.c_str(), kOperationTimeout); }
base::Status Client::reload() { return invoke("Reload", nullptr, 0); }

base::Result<std::vector<std::pair<std::string, std::string>>> Client::list() {
    auto reply = call(kRoot, kManager, "ListConnections", nullptr, 0);
    if (!reply) return base::Unexpected{reply.error()};
    sd_bus_message* m = reply->get();
    std::vector<std::pair<std::string, std::string>> out;
    int r = sd_bus_message_enter_container(m, 'a', "(so)");
    const char *name = nullptr, *path = nullptr;
    while (r >= 0 && (r = sd_bus_message_read(m, "(so)", &name, &path)) > 0)
        out.emplace_back(name, path);
    if (r < 0) return errno_error("reading ListConnections", r);
    return out;
}

base::Result<std::vector<LeaseView>> Client::leases() {
    auto reply = call(kRoot, kManager, "ListLeases", nullptr, 0);
    if (!reply) return base::Unexpected{reply.error()};
    sd_bus_message* m = reply->get();
    std::vector<LeaseView> out;
    int r = sd_bus_message_enter_container(m, 'a', "(sssb)");
    const char *pool = nullptr, *address = nullptr, *identity = nullptr;
    int online = 0;
    while (r >= 0 && (r = sd_bus_message_read(m, "(sssb)", &pool, &address, &identity, &online)) > 0)
        out.push_back({pool, address, identity, online != 0});
    if (r < 0) return errno_error("reading ListLeases", r);
    return out;
}

base::Result<std::vector<ConnectionView>> Client::status() {
    auto connections = list();
    if (!connections) return base::Unexpected{connections.error()};
    auto reply = call(kRoot, "org.freedesktop.DBus.ObjectManager", "GetManagedObjects", nullptr, 0);
    if (!reply) return base::Unexpected{reply.error()};
    Objects objects;
    if (int r = read_objects(reply->get(), objects); r < 0) return errno_error("reading GetManagedObjects", r);

    std::vector<ConnectionView> out;
    for (auto& [name, path] : *connections) {
        if (!View(objects, path, "org.ipsecd1.Connection").exists()) continue;  // removed between the two calls
        out.push_back(view_of(objects, path));
    }
    return out;
}

base::Result<Client::Message> Client::get_all(const std::string& path, const char* interface) {
    return call(path.c_str(), "org.freedesktop.DBus.Properties", "GetAll", interface, 0);
}

base::Result<ConnectionView> Client::status(const std::string& name) {
    auto connections = list();
    if (!connections) return base::Unexpected{connections.error()};
    auto it = std::find_if(connections->begin(), connections->end(), [&](const auto& c) { return c.first == name; });
    if (it == connections->end()) return base::fail("no connection named " + name);
    Objects objects;
    // Properties.GetAll of `interface` at `path`, into `objects` as GetManagedObjects lays them out.
    auto read = [&](const std::string& path, const char* interface) -> base::Status {
        auto reply = get_all(path, interface);
        if (!reply) return base::Unexpected{reply.error()};
        if (int r = read_properties(reply->get(), objects[path][interface]); r < 0)
            return errno_error("reading " + path, r);
        return {};
    };
    const std::string& path = it->second;
    if (auto st = read(path, "org.ipsecd1.Connection"); !st) return base::Unexpected{st.error()};
    const auto connection = View(objects, path, "org.ipsecd1.Connection");
    // An SA deleted between two calls is left out, as GetManagedObjects would have.
    for (auto& ike_path : connection.list("IkeSas")) {
        if (!read(ike_path, "org.ipsecd1.IkeSa")) continue;
        for (auto& child_path : View(objects, ike_path, "org.ipsecd1.IkeSa").list("Children"))
            (void)read(child_path, "org.ipsecd1.ChildSa");
    }
    for (auto& child_path : connection.list("ChildSas")) (void)read(child_path, "org.ipsecd1.ChildSa");
    return view_of(objects, path);
}

}  // namespace ipsecd::cli
