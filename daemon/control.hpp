// The daemon side of the D-Bus API (dbus/backend.hpp): operator requests become engine
// events, configuration changes are validated first and applied as a diff, and Up/Down
// complete when the engine publishes the state they waited for.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "daemon/daemon.hpp"
#include "dbus/backend.hpp"
#include "ike/engine/credentials.hpp"
#include "ike/policy/config.hpp"

namespace ipsecd {

class Control final : public bus::Backend {
public:
    // `files` is the configuration loaded from the config dir at start, `credentials` the
    // files it names (the engine uses them until a reload or AddConnection reads them again).
    Control(Daemon& daemon, const Options& options, Logger& log, ike::policy::Config files,
            ike::engine::Credentials credentials = {});

    // Initiates every connection with a `start: up` child (at start-up).
    void start_connections();
    // The engine published a new state of `change.connection`: completes waiting Up/Down calls.
    void on_state(const ike::engine::StatePublished& change);
    // The whole configuration the engine runs: files + transient connections.
    ike::policy::Config merged() const;
    // The certificates and keys the engine authenticates with now.
    const ike::engine::Credentials& credentials() const { return *credentials_; }

    // ---- bus::Backend ----
    std::vector<ike::v2::Lease> leases() override { return daemon_.engines().leases(); }
    std::vector<std::string> names() override;
    std::optional<bus::ConnectionSnapshot> connection(const std::string& name) override;
    bus::SaTimes ike_sa_times(const std::string& connection, const ike::engine::IkeSaStatus& ike) override;
    bus::ChildSaLive child_sa_live(const std::string& connection, const ike::engine::IkeSaStatus& ike,
                                   const ike::engine::ChildStatus& child) override;
    void up(const std::string& name, bus::Done done) override;
    void down(const std::string& name, bus::Done done) override;
    bus::Result<std::vector<std::string>> reload() override;
    bus::Result<bus::AddedConnections> add_connection(const std::string& yaml,
                                                      const std::string& sender) override;
    bus::Status remove_connection(const std::string& name) override;
    void owner_vanished(const std::string& sender) override;

private:
    struct Transient {
        ike::policy::Connection connection;
        std::vector<ike::policy::Secret> secrets;
        std::vector<ike::policy::KeyPassword> key_passwords;
        std::vector<ike::policy::EapSecret> eap_secrets;
        std::string owner;  // unique bus name when `transient_owner: true`, else empty
    };
    const ike::policy::Connection* find(const std::string& name) const;
    bool is_transient(const std::string& name) const;
    // Reads the credentials of merged() and hands both to the engine (the configuration as a
    // diff); on a credential problem nothing changes.
    bus::Status apply();
    void use(ike::engine::Credentials credentials);
    void complete(std::map<std::string, std::vector<bus::Done>>& waiting, const std::string& name,
                  const bus::Status& result);

    Daemon& daemon_;
    const Options& options_;
    Logger& log_;
    ike::policy::Config files_;
    ike::policy::Config running_;  // what the engine runs now
    std::unique_ptr<ike::engine::Credentials> credentials_;  // what the engine authenticates with
    std::vector<Transient> transient_;
    std::map<std::string, std::vector<bus::Done>> waiting_up_, waiting_down_;
    std::map<std::string, ike::engine::ConnectionState> last_state_;
};

}  // namespace ipsecd
