#include "tests/dbus/harness.hpp"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string_view>

namespace ipsecd::bus::test {

namespace {

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// The system bus defaults (deny method calls and name ownership unless a service's
// policy allows them), then the project's policy file.
std::string bus_config(const std::string& dir, const std::string& policy) {
    return R"(<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=)" + dir + R"(/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus.Introspectable"/>
  </policy>
  <!-- the test server's control object; tests drive it as root -->
  <policy user="root">
    <allow send_destination="org.ipsecd1" send_interface="org.ipsecd1.Test"/>
  </policy>
  <include>)" + policy + R"(</include>
</busconfig>
)";
}

// Starts argv with stdout on a pipe (and a parent-death signal); returns the pid and the
// first line it prints, or an error text in `line` with pid -1.
pid_t spawn_reading_line(const std::vector<std::string>& argv, std::string& line) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return line = "pipe failed", -1;
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        dup2(fds[1], STDOUT_FILENO);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    close(fds[1]);
    line.clear();
    char c;
    while (read(fds[0], &c, 1) == 1 && c != '\n') line += c;
    close(fds[0]);
    if (line.empty()) {
        int status = 0;
        waitpid(pid, &status, 0);
        line = argv[0] + " did not start (exit status " + std::to_string(WEXITSTATUS(status)) + ")";
        return -1;
    }
    return pid;
}

std::string ensure_test_user() {
    if (getpwnam(kTestUser)) return "";
    auto r = run({"useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
                  kTestUser});
    if (r.exit_code != 0 || !getpwnam(kTestUser))
        return std::string("cannot create the non-root user ") + kTestUser + " (useradd: " + r.err + ")";
    return "";
}

void stop(pid_t pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
}

}  // namespace

Harness& Harness::get() {
    static Harness bed;
    static const bool started = (bed.error = bed.start(), true);
    (void)started;
    return bed;
}

std::string Harness::start() {
    auto policy = env("IPSECD_BUS_POLICY"), server = env("IPSECD_TEST_BUS_SERVER");
    if (policy.empty() || server.empty())
        return "IPSECD_BUS_POLICY and IPSECD_TEST_BUS_SERVER must be set (meson test does)";
    char tmpl[] = "/tmp/ipsecd-dbus-XXXXXX";
    if (!mkdtemp(tmpl)) return "mkdtemp failed";
    dir = tmpl;
    chmod(tmpl, 0755);  // the non-root test user must reach the socket
    std::ofstream(dir + "/bus.conf") << bus_config(dir, policy);
    std::string line;
    daemon_pid_ = spawn_reading_line(
        {"dbus-daemon", "--config-file=" + dir + "/bus.conf", "--nofork", "--print-address=1"}, line);
    if (daemon_pid_ < 0) return "cannot run dbus-daemon (install Debian's 'dbus' package): " + line;
    address = line;
    server_pid_ = spawn_reading_line({server, "--address", address}, line);
    if (server_pid_ < 0 || line != "ready") return "test server: " + line;
    return ensure_test_user();
}

Harness::~Harness() {
    stop(server_pid_);
    stop(daemon_pid_);
    if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
}

Outcome run(const std::vector<std::string>& argv, bool as_test_user) {
    std::vector<std::string> full;
    if (as_test_user)
        full = {"setpriv", std::string("--reuid=") + kTestUser, std::string("--regid=") + kTestUser,
                "--clear-groups"};
    full.insert(full.end(), argv.begin(), argv.end());
    char out_tmpl[] = "/tmp/ipsecd-run-out-XXXXXX", err_tmpl[] = "/tmp/ipsecd-run-err-XXXXXX";
    int out = mkstemp(out_tmpl), err = mkstemp(err_tmpl);
    Outcome result;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        std::vector<char*> args;
        for (auto& a : full) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    close(out);
    close(err);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = slurp(out_tmpl);
    result.err = slurp(err_tmpl);
    unlink(out_tmpl);
    unlink(err_tmpl);
    return result;
}

Client::Client(const std::string& address) {
    if (sd_bus_new(&bus_) < 0) return;
    if (sd_bus_set_address(bus_, address.c_str()) < 0 || sd_bus_set_bus_client(bus_, 1) < 0 ||
        sd_bus_start(bus_) < 0 ||
        sd_bus_add_match(bus_, &match_, "type='signal',path_namespace='/org/ipsecd1'", on_signal,
                         this) < 0)
        bus_ = sd_bus_flush_close_unref(bus_);
}

Client::~Client() {
    sd_bus_slot_unref(match_);
    sd_bus_flush_close_unref(bus_);
}

Reply Client::finish(sd_bus_error& error, sd_bus_message* reply) {
    Reply r;
    if (sd_bus_error_is_set(&error)) {
        r.error_name = error.name;
        r.error_message = error.message ? error.message : "";
    }
    sd_bus_error_free(&error);
    r.message.reset(reply);
    return r;
}

Reply Client::manager(const char* member, const char* name) {
    if (name) return call("/org/ipsecd1", "org.ipsecd1.Manager", member, "s", name);
    return call("/org/ipsecd1", "org.ipsecd1.Manager", member, "");
}

Reply Client::get(const std::string& path, const char* interface, const char* property) {
    return call(path.c_str(), "org.freedesktop.DBus.Properties", "Get", "ss", interface, property);
}

std::string Client::get_string(const std::string& path, const char* interface, const char* property) {
    auto r = get(path, interface, property);
    const char* s = nullptr;
    char type = 0;
    const char* contents = nullptr;
    if (!r.ok() || sd_bus_message_peek_type(r.message.get(), &type, &contents) <= 0 ||
        sd_bus_message_enter_container(r.message.get(), 'v', contents) < 0 ||
        sd_bus_message_read_basic(r.message.get(), contents[0], &s) <= 0)
        return "<error " + r.error_name + ">";
    return s;
}

std::uint64_t Client::get_number(const std::string& path, const char* interface, const char* property) {
    auto r = get(path, interface, property);
    char type = 0;
    const char* contents = nullptr;
    if (!r.ok() || sd_bus_message_peek_type(r.message.get(), &type, &contents) <= 0 ||
        sd_bus_message_enter_container(r.message.get(), 'v', contents) < 0)
        return ~0ull;
    std::uint64_t t = 0;
    std::uint32_t u = 0;
    std::uint16_t q = 0;
    switch (contents[0]) {
        case 't': sd_bus_message_read_basic(r.message.get(), 't', &t); return t;
        case 'u': sd_bus_message_read_basic(r.message.get(), 'u', &u); return u;
        case 'q': sd_bus_message_read_basic(r.message.get(), 'q', &q); return q;
        default: return ~0ull;
    }
}

std::vector<std::string> Client::get_array(const std::string& path, const char* interface,
                                           const char* property) {
    auto r = get(path, interface, property);
    std::vector<std::string> out;
    char type = 0;
    const char* contents = nullptr;
    auto* m = r.message.get();
    if (!r.ok() || sd_bus_message_peek_type(m, &type, &contents) <= 0) return {"<error>"};
    std::string sig = contents;
    if (sd_bus_message_enter_container(m, 'v', sig.c_str()) < 0 ||
        sd_bus_message_enter_container(m, 'a', sig.c_str() + 1) < 0)
        return {"<error>"};
    const char* s = nullptr;
    while (sd_bus_message_read_basic(m, sig[1], &s) > 0) out.emplace_back(s);
    return out;
}

namespace {

// An a{sv} of properties: the values of type s into `strings`, the others skipped.
void read_strings(sd_bus_message* m, std::map<std::string, std::string>& strings) {
    if (sd_bus_message_enter_container(m, 'a', "{sv}") <= 0) return;
    while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
        const char* key = nullptr;
        const char* value = nullptr;
        char type = 0;
        const char* contents = nullptr;
        sd_bus_message_read_basic(m, 's', &key);
        if (sd_bus_message_peek_type(m, &type, &contents) > 0 && std::string_view(contents) == "s" &&
            sd_bus_message_read(m, "v", "s", &value) > 0)
            strings[key] = value;
        else
            sd_bus_message_skip(m, "v");
        sd_bus_message_exit_container(m);
    }
    sd_bus_message_exit_container(m);
}

}  // namespace

int Client::on_signal(sd_bus_message* m, void* userdata, sd_bus_error*) {
    Signal s{sd_bus_message_get_member(m), sd_bus_message_get_path(m), "", {}};
    const char* target = nullptr;
    const char* name = nullptr;
    if (s.member == "PropertiesChanged") {
        sd_bus_message_read_basic(m, 's', &target);
        sd_bus_message_enter_container(m, 'a', "{sv}");
        while (sd_bus_message_enter_container(m, 'e', "sv") > 0) {
            sd_bus_message_read_basic(m, 's', &name);
            s.names.emplace_back(name);
            sd_bus_message_skip(m, "v");
            sd_bus_message_exit_container(m);
        }
        sd_bus_message_exit_container(m);
        sd_bus_message_enter_container(m, 'a', "s");  // invalidated properties
        while (sd_bus_message_read_basic(m, 's', &name) > 0) s.names.emplace_back(name);
    } else if (s.member == "InterfacesAdded") {
        sd_bus_message_read_basic(m, 'o', &target);
        sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
        while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
            sd_bus_message_read_basic(m, 's', &name);
            s.names.emplace_back(name);
            read_strings(m, s.strings);
            sd_bus_message_exit_container(m);
        }
        sd_bus_message_rewind(m, true);  // again, for the text of the last interface's a{sv}
        sd_bus_message_skip(m, "o");
        sd_bus_message_enter_container(m, 'a', "{sa{sv}}");
        while (sd_bus_message_enter_container(m, 'e', "sa{sv}") > 0) {
            sd_bus_message_skip(m, "s");
            s.properties = text_of_value(m);
            sd_bus_message_exit_container(m);
        }
    } else if (s.member == "InterfacesRemoved") {
        sd_bus_message_read_basic(m, 'o', &target);
        sd_bus_message_enter_container(m, 'a', "s");
        while (sd_bus_message_read_basic(m, 's', &name) > 0) s.names.emplace_back(name);
    }
    s.target = target ? target : "";
    static_cast<Client*>(userdata)->signals.push_back(std::move(s));
    return 0;
}

std::string text_of_value(sd_bus_message* m) {
    char type = 0;
    const char* contents = nullptr;
    if (sd_bus_message_peek_type(m, &type, &contents) <= 0) return "";
    if (type == 'a' || type == 'e' || type == 'r' || type == 'v') {
        std::string out = std::string(1, type) + "(";
        if (sd_bus_message_enter_container(m, type, contents) <= 0) return out + "?)";
        while (sd_bus_message_at_end(m, false) == 0) out += text_of_value(m) + " ";
        sd_bus_message_exit_container(m);
        return out + ")";
    }
    union {
        std::uint8_t y;
        int b;
        std::int16_t n;
        std::uint16_t q;
        std::int32_t i;
        std::uint32_t u;
        std::int64_t x;
        std::uint64_t t;
        double d;
        const char* s;
    } v{};
    if (sd_bus_message_read_basic(m, type, &v) <= 0) return "?";
    const std::string t(1, type);
    switch (type) {
        case 's': case 'o': case 'g': return t + "\"" + v.s + "\"";
        case 'y': return t + std::to_string(v.y);
        case 'b': return t + std::to_string(v.b);
        case 'n': return t + std::to_string(v.n);
        case 'q': return t + std::to_string(v.q);
        case 'i': return t + std::to_string(v.i);
        case 'u': return t + std::to_string(v.u);
        case 'x': return t + std::to_string(v.x);
        case 't': return t + std::to_string(v.t);
        case 'd': return t + std::to_string(v.d);
        default: return t + "?";
    }
}

bool Client::has_signal(const std::string& member, const std::string& path,
                        const std::string& target, const std::string& name) const {
    for (auto& s : signals) {
        if (s.member != member || s.path != path || s.target != target) continue;
        if (name.empty()) return true;
        for (auto& n : s.names)
            if (n == name) return true;
    }
    return false;
}

bool Client::wait_for(const std::function<bool()>& done) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!done()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        int r = sd_bus_process(bus_, nullptr);
        if (r < 0) return false;
        if (r == 0) sd_bus_wait(bus_, 100 * 1000);
    }
    return true;
}

bool Client::forget_signals() {
    // The bus delivers what one peer sends another in order: once the server's answer to a
    // Ping is in, so is every signal it emitted before.
    if (!call("/org/ipsecd1", "org.freedesktop.DBus.Peer", "Ping", "").ok()) return false;
    int r = 0;
    while ((r = sd_bus_process(bus_, nullptr)) > 0) {
    }
    signals.clear();
    return r == 0;
}

std::string error_name_as_test_user(const std::string& address, const char* path,
                                    const char* interface, const char* member,
                                    const char* string_arg) {
    int fds[2];
    if (pipe(fds) < 0) return "pipe failed";
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        const passwd* pw = getpwnam(kTestUser);
        std::string result = "cannot become the test user";
        if (pw && setgroups(0, nullptr) == 0 && setresgid(pw->pw_gid, pw->pw_gid, pw->pw_gid) == 0 &&
            setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == 0) {
            Client client(address);
            Reply r = string_arg ? client.call(path, interface, member, "s", string_arg)
                                 : client.call(path, interface, member, "");
            result = client.connected() ? r.error_name : "cannot connect";
        }
        (void)!write(fds[1], result.data(), result.size());
        _exit(0);
    }
    close(fds[1]);
    std::string out;
    char buf[256];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    waitpid(pid, nullptr, 0);
    return out;
}

}  // namespace ipsecd::bus::test
