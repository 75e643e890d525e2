// The integration test bed: a real private dbus-daemon configured with the project's own
// policy file (units/org.ipsecd1.conf), the test server (FakeBackend) on it, a non-root
// user for access-control checks, and small sd-bus client helpers. Started once per test
// program; a missing dbus-daemon or an uncreatable user is a test FAILURE, never a skip.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <systemd/sd-bus.h>

namespace ipsecd::bus::test {

inline constexpr const char* kTestUser = "ipsecd-test";

struct Harness {
    std::string error;    // why the bed could not be set up ("" = ready)
    std::string address;  // of the private bus
    std::string dir;      // scratch directory (bus socket, config, command output)

    static Harness& get();
    Harness() = default;
    Harness(const Harness&) = delete;
    Harness& operator=(const Harness&) = delete;
    ~Harness();

private:
    std::string start();  // returns the error text, "" when ready
    pid_t daemon_pid_ = -1, server_pid_ = -1;
};

// Runs a program (optionally as kTestUser through setpriv) and collects its output.
struct Outcome {
    int exit_code = -1;
    std::string out, err;
};
Outcome run(const std::vector<std::string>& argv, bool as_test_user = false);

struct MessageUnref {
    void operator()(sd_bus_message* m) const { sd_bus_message_unref(m); }
};
using Message = std::unique_ptr<sd_bus_message, MessageUnref>;

struct Reply {
    std::string error_name, error_message;  // empty on success
    Message message;
    bool ok() const { return error_name.empty(); }
};

// A signal seen by a Client: PropertiesChanged (target = interface, names = changed
// properties), InterfacesAdded/Removed (target = object path, names = interfaces; for
// InterfacesAdded, strings = the values of the string properties the object was added with,
// properties = the text of_value() gives of the a{sv} of its last interface).
struct Signal {
    std::string member, path, target;
    std::vector<std::string> names;
    std::map<std::string, std::string> strings;
    std::string properties;
};

// The next value of `m` as text, containers with all they hold ("a(e(s"State" v(s"up")) ...)"):
// two messages carry the same values when their texts are equal.
std::string text_of_value(sd_bus_message* m);

class Client {
public:
    explicit Client(const std::string& address);
    ~Client();
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    bool connected() const { return bus_ != nullptr; }
    sd_bus* raw() { return bus_; }

    template <class... Args>
    Reply call(const char* path, const char* interface, const char* member, const char* types,
               Args... args) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        sd_bus_message* reply = nullptr;
        sd_bus_call_method(bus_, "org.ipsecd1", path, interface, member, &error, &reply, types,
                           args...);
        return finish(error, reply);
    }
    Reply manager(const char* member, const char* name = nullptr);  // Manager method with (s)

    std::string get_string(const std::string& path, const char* interface, const char* property);
    std::uint64_t get_number(const std::string& path, const char* interface, const char* property);
    std::vector<std::string> get_array(const std::string& path, const char* interface,
                                       const char* property);
    Reply get(const std::string& path, const char* interface, const char* property);

    // Signals below /org/ipsecd1, recorded from construction on.
    std::vector<Signal> signals;
    bool has_signal(const std::string& member, const std::string& path, const std::string& target,
                    const std::string& name = "") const;
    // Processes bus traffic until `done` holds or about 3 s passed.
    bool wait_for(const std::function<bool()>& done);
    // Forgets every signal the server sent so far, dispatched or not: those sd-bus read while
    // a call waited for its reply are still queued, and a later wait_for would see them.
    // False if the server did not answer the round trip that marks "so far".
    bool forget_signals();

private:
    static Reply finish(sd_bus_error& error, sd_bus_message* reply);
    static int on_signal(sd_bus_message* m, void* userdata, sd_bus_error*);

    sd_bus* bus_ = nullptr;
    sd_bus_slot* match_ = nullptr;
};

// One method call made by a forked child as kTestUser; returns its D-Bus error name
// ("" on success).
std::string error_name_as_test_user(const std::string& address, const char* path,
                                    const char* interface, const char* member,
                                    const char* string_arg = nullptr);

}  // namespace ipsecd::bus::test
