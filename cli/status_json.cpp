#include "cli/status_json.hpp"

#include <cstdio>

#include "cli/spi_text.hpp"

namespace ipsecd::cli {

namespace {

// Builds one object: {"a":1,"b":"x"} with commas placed by the writer.
class Object {
public:
    explicit Object(std::string& out) : out_(out) { out_ += '{'; }
    ~Object() { out_ += '}'; }
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;

    std::string& key(const char* name) {
        if (!first_) out_ += ',';
        first_ = false;
        out_ += json_string(name);
        out_ += ':';
        return out_;
    }
    void string(const char* name, const std::string& value) { key(name) += json_string(value); }
    void number(const char* name, std::uint64_t value) { key(name) += std::to_string(value); }
    void strings(const char* name, const std::vector<std::string>& values) {
        auto& out = key(name);
        out += '[';
        for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + json_string(values[i]);
        out += ']';
    }
    // An array of objects, each written by `write(out, item)`.
    template <class T, class F>
    void objects(const char* name, const std::vector<T>& items, F write) {
        auto& out = key(name);
        out += '[';
        for (std::size_t i = 0; i < items.size(); ++i) {
            if (i) out += ',';
            write(out, items[i]);
        }
        out += ']';
    }

private:
    std::string& out_;
    bool first_ = true;
};

void write_child(std::string& out, const ChildView& c) {
    Object o(out);
    o.string("name", c.name);
    o.string("mode", c.mode);
    o.string("protocol", c.protocol);
    o.string("spi_in", child_spi_text(c.spi_in));
    o.string("spi_out", child_spi_text(c.spi_out));
    o.string("proposal", c.proposal);
    o.strings("local_ts", c.local_ts);
    o.strings("remote_ts", c.remote_ts);
    o.number("bytes_in", c.bytes_in);
    o.number("bytes_out", c.bytes_out);
    o.number("packets_in", c.packets_in);
    o.number("packets_out", c.packets_out);
    o.number("established", c.established);
    o.number("rekey", c.rekey);
}

void write_ike_sa(std::string& out, const IkeSaView& sa) {
    Object o(out);
    o.number("version", sa.version);
    o.string("state", sa.state);
    o.string("local_spi", ike_spi_text(sa.local_spi));
    o.string("remote_spi", ike_spi_text(sa.remote_spi));
    o.string("proposal", sa.proposal);
    o.string("local", sa.local);
    o.string("remote", sa.remote);
    o.strings("virtual_ips", sa.virtual_ips);
    o.strings("dns", sa.dns);
    o.strings("dns_domains", sa.dns_domains);
    o.objects("children", sa.children, write_child);
    o.number("established", sa.established);
    o.number("rekey", sa.rekey);
}

void write_connection(std::string& out, const ConnectionView& c) {
    Object o(out);
    o.string("name", c.name);
    o.string("state", c.state);
    o.objects("ike_sas", c.ike_sas, write_ike_sa);
    // Only a manually keyed connection has SAs of no IKE SA; the others' output stays as it was.
    if (!c.children.empty()) o.objects("children", c.children, write_child);
}

}  // namespace

std::string json_string(const std::string& text) {
    std::string out = "\"";
    for (unsigned char ch : text) {
        switch (ch) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (ch < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", ch);
                    out += buf;
                } else {
                    out += static_cast<char>(ch);
                }
        }
    }
    return out + "\"";
}

std::string render_json(const std::vector<LeaseView>& leases) {
    std::string out;
    {
        Object root(out);
        root.objects("leases", leases, [](std::string& o, const LeaseView& l) {
            Object lease(o);
            lease.string("pool", l.pool);
            lease.string("address", l.address);
            lease.string("identity", l.identity);
            lease.key("online") += l.online ? "true" : "false";
        });
    }
    return out + "\n";
}

std::string render_json(const std::vector<ConnectionView>& connections) {
    std::string out;
    {
        Object root(out);
        root.objects("connections", connections, write_connection);
    }
    return out + "\n";
}

}  // namespace ipsecd::cli
