// A scripted ipsecd::bus::Backend for the integration tests: connections in memory,
// Up/Down completing on sd-event timers with the state changes a real engine publishes.
//   site-b, road.warrior-1  Up -> connecting -> up (one IKE SA, one CHILD SA "net")
//   stalled                 Up stays pending until complete_stalled()
//   badauth                 Up fails with AuthenticationFailed
// AddConnection reads YAML with yaml-cpp (connections:, secrets:, transient_owner:).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <systemd/sd-event.h>

#include "dbus/backend.hpp"
#include "dbus/bus.hpp"

namespace ipsecd::bus::test {

class FakeBackend : public Backend {
public:
    explicit FakeBackend(sd_event* event);
    ~FakeBackend() override;
    void attach(Bus* bus) { bus_ = bus; }

    std::vector<ike::v2::Lease> leases() override { return lease_list; }
    std::vector<ike::v2::Lease> lease_list;
    std::vector<std::string> names() override;
    std::optional<ConnectionSnapshot> connection(const std::string& name) override;
    SaTimes ike_sa_times(const std::string& connection, const ike::engine::IkeSaStatus& ike) override;
    ChildSaLive child_sa_live(const std::string& connection, const ike::engine::IkeSaStatus& ike,
                              const ike::engine::ChildStatus& child) override;
    void up(const std::string& name, Done done) override;
    void down(const std::string& name, Done done) override;
    Result<std::vector<std::string>> reload() override;
    Result<AddedConnections> add_connection(const std::string& yaml,
                                            const std::string& sender) override;
    Status remove_connection(const std::string& name) override;
    void owner_vanished(const std::string& sender) override;

    // ---- driven by the test control interface ----
    void complete_stalled();
    std::size_t stalled() const { return stalled_.size(); }
    void set_reload_error(std::string text) { reload_error_ = std::move(text); }
    void stage_file_connection(std::string name) { staged_.push_back(std::move(name)); }
    void set_counters(ChildSaLive counters) { counters_ = counters; }
    // Adds (on) or removes the manually keyed connection "hosts-ah": up, its AH SA pair
    // below the connection and no IKE SA, as daemon/control.cpp shows one.
    void set_manual(bool on);
    // Gives the up connection `name` `count` more established IKE SAs (each with a CHILD SA)
    // besides its first, the ones it had before removed: local SPIs kIkeSpi + 1.., inbound
    // CHILD SA SPIs kSpiIn + 1...
    void set_more_ike_sas(const std::string& name, std::uint32_t count);
    // Publishes, one after the other and with the connection's State unchanged, what one flush
    // of the bus merges: an IKE SA that comes and goes (local SPI kChurnedSpi) and one created
    // `connecting`, then established with a CHILD SA (kSettledSpi, inbound SPI kSettledSpiIn).
    void churn(const std::string& name);
    // Closes churn()'s established IKE SA.
    void close_churned(const std::string& name);

private:
    struct Entry {
        ConnectionSnapshot snapshot;
        std::string owner;  // unique bus name when owned (transient_owner: true)
    };
    Entry* find(const std::string& name);
    void add(const std::string& name, std::string local, std::string remote, bool transient,
             std::string owner);
    void set_state(const std::string& name, ike::engine::ConnectionState state, const char* ike_state,
                   bool with_child);
    void later(std::function<void()> action);

    sd_event* event_;
    Bus* bus_ = nullptr;
    std::vector<Entry> entries_;
    std::vector<sd_event_source*> timers_;
    std::vector<std::pair<std::string, Done>> stalled_;
    std::string reload_error_;
    std::vector<std::string> staged_;
    ChildSaLive counters_{1000, 2000, 10, 20, {1700000000, 1700003600}};
};

// Values the fake reports, for the tests to compare against.
inline constexpr std::uint64_t kIkeSpi = 0x0123456789abcdefULL;
inline constexpr std::uint64_t kPeerSpi = 0xfedcba9876543210ULL;
inline constexpr std::uint32_t kSpiIn = 0xc0ffee01, kSpiOut = 0x0badf00d;
inline constexpr std::uint64_t kChurnedSpi = 0x00000000000c0001ULL, kSettledSpi = 0x00000000000c0002ULL;
inline constexpr std::uint32_t kSettledSpiIn = 0xc0ffee02;
inline constexpr std::uint64_t kEstablished = 1700000000;
inline constexpr std::uint32_t kManualSpiIn = 0x4002, kManualSpiOut = 0x4001;

}  // namespace ipsecd::bus::test
