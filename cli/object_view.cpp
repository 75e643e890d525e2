#include "cli/object_view.hpp"

#include <cerrno>

namespace ipsecd::cli {

namespace {

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

}  // namespace

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

View::View(const Objects& objects, const std::string& path, const char* interface) {
    auto o = objects.find(path);
    if (o == objects.end()) return;
    auto i = o->second.find(interface);
    if (i != o->second.end()) props_ = &i->second;
}

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

ConnectionView connection_view(const View& v) {
    return {v.str("Name"), v.str("State"), v.str("LocalAddress"), v.str("RemoteAddress"), {}, {}};
}

void add_page(ConnectionView& c, const Objects& page, const std::string& path) {
    if (View v(page, path, "org.ipsecd1.Connection"); v.exists()) {
        c = connection_view(v);
        for (auto& child_path : v.list("ChildSas"))
            if (View child(page, child_path, "org.ipsecd1.ChildSa"); child.exists())
                c.children.push_back(child_view(child));
    }
    // Paths order IKE SAs by local SPI (ike_<16 hex digits>), as the pages do.
    for (auto& [object, interfaces] : page)
        if (View ike(page, object, "org.ipsecd1.IkeSa"); ike.exists()) c.ike_sas.push_back(ike_sa_view(page, ike));
}

}  // namespace ipsecd::cli
