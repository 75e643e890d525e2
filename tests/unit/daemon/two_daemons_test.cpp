// Two real ipsecd processes on 127.0.0.1 (`--kernel memory`: no ESP kernel needed), each
// with its own private D-Bus bus, config and runtime directory and its own UDP ports: alice
// initiates a PSK tunnel at start, bob answers as a %any responder, and the real ipsecctl
// reads both sides' state. Needs dbus-daemon (Debian's 'dbus'); a missing one fails.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/config/temp_dir.hpp"

namespace ipsecd {
namespace {

using config::test_support::TempDir;

std::string env(const char* name) {
    const char* v = std::getenv(name);
    return v ? v : "";
}

// A UDP port free on 127.0.0.1 now (the kernel's choice of an ephemeral one).
int free_udp_port() {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) < 0)
        return -1;
    close(fd);
    return ntohs(a.sin_port);
}

// Starts argv with `extra_env` added and stdout+stderr into `log`; dies with the test.
pid_t spawn(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env,
            const std::string& log) {
    pid_t pid = fork();
    if (pid == 0) {
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        for (const auto& e : extra_env) putenv(const_cast<char*>(e.c_str()));
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    return pid;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void stop(pid_t& pid) {
    if (pid <= 0) return;
    kill(pid, SIGTERM);
    waitpid(pid, nullptr, 0);
    pid = -1;
}

// One ipsecd with its private bus, in `dir`/`name`.
struct Node {
    std::string name, dir, bus_address, log;
    std::vector<std::string> daemon_argv;
    int ike_port = -1, natt_port = -1;
    pid_t bus_pid = -1, daemon_pid = -1;

    std::string start(const TempDir& tmp, const std::string& yaml, const std::vector<std::string>& options = {}) {
        dir = (tmp.path() / name).string();
        tmp.write(name + "/conf/c.yaml", yaml);
        std::filesystem::create_directories(dir + "/run");
        bus_address = "unix:path=" + dir + "/bus";
        log = dir + "/ipsecd.log";
        bus_pid = spawn({"dbus-daemon", "--session", "--nofork", "--address=" + bus_address}, {}, dir + "/bus.log");
        if (!wait_for_file(dir + "/bus")) return "dbus-daemon did not start (install Debian's 'dbus'): " + read_file(dir + "/bus.log");
        daemon_argv = {env("IPSECD"), "--kernel", "memory", "--config-dir", dir + "/conf", "--runtime-dir", dir + "/run",
                "--ike-port", std::to_string(ike_port), "--natt-port", std::to_string(natt_port), "--log-level", "info",
                "--log-target", "stderr"};
        daemon_argv.insert(daemon_argv.end(), options.begin(), options.end());
        daemon_pid = spawn(daemon_argv, {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_address}, log);
        return "";
    }
    // SIGKILL (no clean-up, no Delete to the peer), then the same daemon again on the same bus.
    void crash_and_restart() {
        kill(daemon_pid, SIGKILL);
        waitpid(daemon_pid, nullptr, 0);
        daemon_pid = spawn(daemon_argv, {"DBUS_SYSTEM_BUS_ADDRESS=" + bus_address}, log + ".2");
    }
    void stop_all() {
        stop(daemon_pid);
        stop(bus_pid);
    }
    // ipsecctl against this node's bus: exit code and stdout.
    std::pair<int, std::string> ipsecctl(const std::vector<std::string>& args) const {
        std::vector<std::string> argv{env("IPSECCTL"), "--address", bus_address};
        argv.insert(argv.end(), args.begin(), args.end());
        const std::string out = dir + "/ipsecctl.out";
        pid_t pid = spawn(argv, {}, out);
        int status = 0;
        waitpid(pid, &status, 0);
        return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(out)};
    }
    static bool wait_for_file(const std::string& path) {
        for (int i = 0; i < 100; ++i) {
            if (std::filesystem::exists(path)) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
};

// The JSON status (each node has one connection) once connection `name` is in `state`, or
// "" after ~10 s.
std::string status_when(const Node& n, const std::string& name, const std::string& state) {
    for (int i = 0; i < 100; ++i) {
        auto [rc, out] = n.ipsecctl({"status", "--json"});
        if (rc == 0 && out.find("{\"name\":\"" + name + "\",\"state\":\"" + state + "\"") != std::string::npos)
            return out;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return "";
}

// The first string value of KEY (plain search: GCC 12's -Wmaybe-uninitialized misfires inside
// std::regex in the ASan build).
std::string field(const std::string& json, const std::string& key) {
    const std::string opening = "\"" + key + "\":\"";
    const auto start = json.find(opening);
    if (start == std::string::npos) return "";
    const auto from = start + opening.size();
    const auto end = json.find('"', from);
    return end == std::string::npos ? "" : json.substr(from, end - from);
}

class TwoDaemons : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_FALSE(env("IPSECD").empty() || env("IPSECCTL").empty()) << "IPSECD and IPSECCTL must be set (meson test does)";
        for (Node* n : {&alice, &bob}) {
            n->ike_port = free_udp_port();
            n->natt_port = free_udp_port();
            ASSERT_GT(n->ike_port, 0);
            ASSERT_GT(n->natt_port, 0);
        }
    }
    void TearDown() override {
        alice.stop_all();
        bob.stop_all();
        if (HasFailure()) std::cerr << "alice's log:\n" << read_file(alice.log) << "bob's log:\n" << read_file(bob.log);
    }
    std::string alice_yaml() const {
        return "connections:\n"
               "  site:\n"
               "    local: {address: 127.0.0.1, id: \"alice@two.test\", auth: psk, subnets: [10.1.0.0/24]}\n"
               "    remote: {address: 127.0.0.1, port: " + std::to_string(bob.ike_port) +
               ", id: \"gw@two.test\", auth: psk, subnets: [10.2.0.0/24]}\n"
               "    children:\n"
               "      net: {mode: tunnel, start: up}\n"
               "secrets:\n"
               "  - ids: [\"alice@two.test\", \"gw@two.test\"]\n"
               "    psk: \"two daemons, one secret\"\n";
    }
    static std::string bob_yaml() {
        return "connections:\n"
               "  roadwarriors:\n"
               "    local: {address: 127.0.0.1, id: \"gw@two.test\", auth: psk, subnets: [10.2.0.0/24]}\n"
               "    remote: {address: \"%any\", id: \"%any\", auth: psk, subnets: [10.1.0.0/24]}\n"
               "    children:\n"
               "      net: {mode: tunnel, start: none}\n"
               "secrets:\n"
               "  - ids: [\"gw@two.test\", \"%any\"]\n"
               "    psk: \"two daemons, one secret\"\n";
    }
    // The same tunnel over IKEv1 (Main Mode + Quick Mode): both ends name each other.
    std::string ikev1_yaml(const Node& peer, const char* local_id, const char* remote_id, const char* local_net,
                           const char* remote_net, const char* start) const {
        return std::string("connections:\n"
                           "  site:\n"
                           "    version: 1\n"
                           "    local: {address: 127.0.0.1, id: \"") + local_id + "\", subnets: [" + local_net + "]}\n"
               "    remote: {address: 127.0.0.1, port: " + std::to_string(peer.ike_port) + ", id: \"" + remote_id +
               "\", subnets: [" + remote_net + "]}\n"
               "    ike: {proposals: [aes256-sha256-modp2048]}\n"
               "    children:\n"
               "      net: {mode: tunnel, proposals: [aes256-sha256], start: " + start + "}\n"
               "secrets:\n"
               "  - ids: [\"alice@two.test\", \"gw@two.test\"]\n"
               "    psk: \"two daemons, one secret\"\n";
    }
    TempDir tmp;
    Node alice{"alice"}, bob{"bob"};
};

TEST_F(TwoDaemons, PskTunnelComesUpAndBothStatusesShowTheSamePair) {
    ASSERT_EQ(bob.start(tmp, bob_yaml()), "");
    ASSERT_EQ(alice.start(tmp, alice_yaml()), "");

    const std::string a = status_when(alice, "site", "up");
    const std::string b = status_when(bob, "roadwarriors", "up");
    ASSERT_NE(a, "") << "alice's connection never came up";
    ASSERT_NE(b, "") << "bob's connection never came up";
    EXPECT_EQ(field(a, "state"), "up");
    EXPECT_NE(a.find("\"local_ts\":[\"10.1.0.0/24\"],\"remote_ts\":[\"10.2.0.0/24\"]"), std::string::npos) << a;
    EXPECT_NE(b.find("\"local_ts\":[\"10.2.0.0/24\"],\"remote_ts\":[\"10.1.0.0/24\"]"), std::string::npos) << b;
    // One IKE SA and one CHILD SA pair, seen from both ends.
    EXPECT_EQ(field(a, "local_spi"), field(b, "remote_spi"));
    EXPECT_EQ(field(a, "remote_spi"), field(b, "local_spi"));
    EXPECT_EQ(field(a, "spi_in"), field(b, "spi_out"));
    EXPECT_EQ(field(a, "spi_out"), field(b, "spi_in"));
    EXPECT_NE(field(a, "spi_in"), "");
}

TEST_F(TwoDaemons, DownOnTheInitiatorTakesTheResponderDownToo) {
    ASSERT_EQ(bob.start(tmp, bob_yaml()), "");
    ASSERT_EQ(alice.start(tmp, alice_yaml()), "");
    ASSERT_NE(status_when(bob, "roadwarriors", "up"), "");

    auto [rc, out] = alice.ipsecctl({"down", "site"});
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(status_when(alice, "site", "down"), "");
    EXPECT_NE(status_when(bob, "roadwarriors", "down"), "") << "the responder kept the IKE SA after the Delete";
}

TEST_F(TwoDaemons, Ikev1TunnelComesUpAndDownTakesTheResponderDownToo) {
    ASSERT_EQ(bob.start(tmp, ikev1_yaml(alice, "gw@two.test", "alice@two.test", "10.2.0.0/24", "10.1.0.0/24", "none")),
              "");
    ASSERT_EQ(alice.start(tmp, ikev1_yaml(bob, "alice@two.test", "gw@two.test", "10.1.0.0/24", "10.2.0.0/24", "up")),
              "");
    const std::string a = status_when(alice, "site", "up");
    const std::string b = status_when(bob, "site", "up");
    ASSERT_NE(a, "") << "alice's connection never came up";
    ASSERT_NE(b, "") << "bob's connection never came up";
    EXPECT_NE(a.find("\"version\":1"), std::string::npos) << a;
    EXPECT_EQ(field(a, "local_spi"), field(b, "remote_spi"));
    EXPECT_EQ(field(a, "spi_in"), field(b, "spi_out"));
    EXPECT_EQ(field(a, "spi_out"), field(b, "spi_in"));
    EXPECT_NE(field(a, "spi_in"), "");

    auto [rc, out] = alice.ipsecctl({"down", "site"});
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(status_when(alice, "site", "down"), "");
    EXPECT_NE(status_when(bob, "site", "down"), "") << "the responder kept the ISAKMP SA after the Delete";
}

// dbus-daemon gone: ipsecd exits 1 as a crash would, without its SIGTERM clean-up (no Delete
// to the peer, its SAs and policies left for the next start to take over).
TEST_F(TwoDaemons, LosingTheBusEndsTheDaemonWithoutItsCleanUp) {
    ASSERT_EQ(bob.start(tmp, bob_yaml()), "");
    ASSERT_EQ(alice.start(tmp, alice_yaml()), "");
    ASSERT_NE(status_when(bob, "roadwarriors", "up"), "");

    stop(bob.bus_pid);
    int status = -1;
    for (int i = 0; i < 100 && waitpid(bob.daemon_pid, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_TRUE(WIFEXITED(status)) << "bob's ipsecd is still running without its bus";
    bob.daemon_pid = -1;
    EXPECT_EQ(WEXITSTATUS(status), 1);
    const std::string log = read_file(bob.log);
    EXPECT_NE(log.find("lost the D-Bus connection: exiting, the SAs and policies stay in the kernel"),
              std::string::npos) << log;
    EXPECT_EQ(log.find("stopped"), std::string::npos) << "the SIGTERM clean-up ran:\n" << log;
    EXPECT_EQ(alice.ipsecctl({"status", "--json"}).second.find("\"state\":\"down\""), std::string::npos)
        << "bob sent a Delete";
}

// bob on two engine threads (--threads 2, docs/DESIGN.md "Several cores: shards") answers
// alice's kSites IKE SAs, each of its own identity: the steering program hands each IKE SA to
// the shard its SPI names (IKE_SA_INIT: alice's SPIi, random), so both shards serve some
// (--spread-new-sas always; auto would keep them all on the first of an idle bob).
class ShardedResponder : public TwoDaemons {
protected:
    const std::vector<std::string> kTwoThreads{"--threads", "2", "--spread-new-sas", "always"};
    static constexpr int kSites = 16;  // all on one shard: 2 in 2^16
    // `gateway_each`: site i talks to bob's identity gwI@two.test instead of one gw@two.test.
    std::string alice_sites(bool gateway_each = false) const {
        std::string y = "connections:\n";
        for (int i = 0; i < kSites; ++i)
            y += "  site" + std::to_string(i) + ":\n"
                 "    local: {address: 127.0.0.1, id: \"alice" + std::to_string(i) +
                 "@two.test\", auth: psk, subnets: [10.1." + std::to_string(i) + ".0/24]}\n"
                 "    remote: {address: 127.0.0.1, port: " + std::to_string(bob.ike_port) + ", id: \"gw" +
                 (gateway_each ? std::to_string(i) : "") + "@two.test\", auth: psk, subnets: [10.2." + std::to_string(i) +
                 ".0/24]}\n"
                 "    children:\n"
                 "      net: {mode: tunnel, start: up}\n";
        return y + "secrets:\n  - ids: [\"%any\"]\n    psk: \"two daemons, one secret\"\n";
    }
    // bob as kSites gateways gwI@two.test on one address, each its own connection.
    static std::string bob_gateways() {
        std::string y = "connections:\n";
        for (int i = 0; i < kSites; ++i)
            y += "  gw" + std::to_string(i) + ":\n"
                 "    local: {address: 127.0.0.1, id: \"gw" + std::to_string(i) +
                 "@two.test\", auth: psk, subnets: [10.2.0.0/16]}\n"
                 "    remote: {address: \"%any\", id: \"%any\", auth: psk, subnets: [10.1.0.0/16]}\n"
                 "    children:\n"
                 "      net: {mode: tunnel, start: none}\n";
        return y + "secrets:\n  - ids: [\"%any\"]\n    psk: \"two daemons, one secret\"\n";
    }
    static std::string bob_gateway() {
        return "connections:\n"
               "  roadwarriors:\n"
               "    local: {address: 127.0.0.1, id: \"gw@two.test\", auth: psk, subnets: [10.2.0.0/16]}\n"
               "    remote: {address: \"%any\", id: \"%any\", auth: psk, subnets: [10.1.0.0/16]}\n"
               "    children:\n"
               "      net: {mode: tunnel, start: none}\n"
               "secrets:\n"
               "  - ids: [\"gw@two.test\", \"%any\"]\n"
               "    psk: \"two daemons, one secret\"\n";
    }
    // Every string value of KEY in the JSON, in order.
    static std::vector<std::string> fields(const std::string& json, const std::string& key) {
        std::vector<std::string> out;
        const std::string opening = "\"" + key + "\":\"";
        for (auto at = json.find(opening); at != std::string::npos; at = json.find(opening, at + 1)) {
            const auto from = at + opening.size();
            out.push_back(json.substr(from, json.find('"', from) - from));
        }
        return out;
    }
    // bob's status once all of alice's IKE SAs are up there, or "" after ~10 s.
    std::string bob_with_all_sites() const {
        for (int i = 0; i < 100; ++i) {
            auto [rc, out] = bob.ipsecctl({"status", "--json"});
            if (rc == 0 && fields(out, "spi_in").size() == kSites) return out;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return "";
    }
    // Which of bob's shards chose each of its IKE SPIs: the SPI's low byte modulo 2.
    static std::set<int> shards_of(const std::string& status) {
        std::set<int> shards;
        for (const auto& spi : fields(status, "local_spi")) shards.insert(static_cast<int>(std::stoull(spi, nullptr, 16) & 0xff) % 2);
        return shards;
    }
};

TEST_F(ShardedResponder, BothShardsAnswerAndTheStatusShowsEveryIkeSaOnce) {
    ASSERT_EQ(bob.start(tmp, bob_gateway(), kTwoThreads), "");
    ASSERT_EQ(alice.start(tmp, alice_sites()), "");

    const std::string b = bob_with_all_sites();
    ASSERT_NE(b, "") << "not all of alice's CHILD SAs came up at bob";
    EXPECT_EQ(field(b, "state"), "up");
    EXPECT_EQ(fields(b, "local_spi").size(), std::size_t{kSites}) << b;
    EXPECT_EQ(shards_of(b), (std::set<int>{0, 1})) << "one shard answered every IKE SA:\n" << b;
    const auto a = alice.ipsecctl({"status", "--json"}).second;
    auto ours = fields(b, "local_spi"), theirs = fields(a, "remote_spi");
    EXPECT_EQ(std::set<std::string>(ours.begin(), ours.end()), std::set<std::string>(theirs.begin(), theirs.end()));
}

TEST_F(ShardedResponder, AnIdleRespondersFirstThreadTakesEveryNewIkeSaByDefault) {
    ASSERT_EQ(bob.start(tmp, bob_gateway(), {"--threads", "2"}), "");
    ASSERT_EQ(alice.start(tmp, alice_sites()), "");

    const std::string b = bob_with_all_sites();
    ASSERT_NE(b, "") << "not all of alice's CHILD SAs came up at bob";
    EXPECT_EQ(shards_of(b), (std::set<int>{0})) << b;
}

TEST_F(ShardedResponder, TheConnectionIsDownOnlyOnceEveryShardsIkeSasAreGone) {
    ASSERT_EQ(bob.start(tmp, bob_gateway(), kTwoThreads), "");
    ASSERT_EQ(alice.start(tmp, alice_sites()), "");
    ASSERT_NE(bob_with_all_sites(), "");

    for (int i = 0; i < kSites - 1; ++i) EXPECT_EQ(alice.ipsecctl({"down", "site" + std::to_string(i)}).first, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    auto [rc, b] = bob.ipsecctl({"status", "--json"});
    EXPECT_EQ(field(b, "state"), "up") << "one IKE SA is left:\n" << b;
    EXPECT_EQ(fields(b, "local_spi").size(), 1u) << b;

    EXPECT_EQ(alice.ipsecctl({"down", "site" + std::to_string(kSites - 1)}).first, 0);
    EXPECT_NE(status_when(bob, "roadwarriors", "down"), "");
}

TEST_F(ShardedResponder, DownOnTheRespondersBusDeletesTheIkeSasOfEveryShard) {
    ASSERT_EQ(bob.start(tmp, bob_gateway(), kTwoThreads), "");
    ASSERT_EQ(alice.start(tmp, alice_sites()), "");
    ASSERT_NE(bob_with_all_sites(), "");

    auto [rc, out] = bob.ipsecctl({"down", "roadwarriors"});
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(status_when(bob, "roadwarriors", "down"), "");
    for (int i = 0; i < 50 && fields(alice.ipsecctl({"status", "--json"}).second, "spi_in").size() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(fields(alice.ipsecctl({"status", "--json"}).second, "spi_in").size(), 0u)
        << "alice kept CHILD SAs bob deleted";
}

// alice killed and started again: each new IKE_AUTH carries INITIAL_CONTACT (RFC 7296 2.4: to
// a gateway identity of its own, each site's), and bob's old IKE SA between the same
// identities goes whichever shard holds it.
TEST_F(ShardedResponder, InitialContactOnOneShardDeletesThePeersOldIkeSaOnTheOther) {
    ASSERT_EQ(bob.start(tmp, bob_gateways(), kTwoThreads), "");
    ASSERT_EQ(alice.start(tmp, alice_sites(true)), "");
    const auto before = bob_with_all_sites();
    ASSERT_NE(before, "");

    alice.crash_and_restart();
    std::string b;
    for (int i = 0; i < 100; ++i) {
        b = bob.ipsecctl({"status", "--json"}).second;
        const auto now = fields(b, "remote_spi");
        const auto old = fields(before, "remote_spi");
        if (now.size() == kSites && std::none_of(now.begin(), now.end(), [&](const auto& spi) {
                return std::find(old.begin(), old.end(), spi) != old.end();
            }))
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    const auto a = alice.ipsecctl({"status", "--json"}).second;
    auto ours = fields(b, "remote_spi"), theirs = fields(a, "local_spi");
    EXPECT_EQ(ours.size(), std::size_t{kSites}) << "old IKE SAs outlived alice's INITIAL_CONTACT:\n" << b;
    EXPECT_EQ(std::set<std::string>(ours.begin(), ours.end()), std::set<std::string>(theirs.begin(), theirs.end()));
    EXPECT_EQ(shards_of(b), (std::set<int>{0, 1})) << b;
}

TEST_F(ShardedResponder, SigtermDeletesTheIkeSasOfEveryShardAndExitsZero) {
    ASSERT_EQ(bob.start(tmp, bob_gateway(), kTwoThreads), "");
    ASSERT_EQ(alice.start(tmp, alice_sites()), "");
    ASSERT_NE(bob_with_all_sites(), "");

    kill(bob.daemon_pid, SIGTERM);
    int status = -1;
    waitpid(bob.daemon_pid, &status, 0);
    bob.daemon_pid = -1;
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    for (int i = 0; i < 50 && fields(alice.ipsecctl({"status", "--json"}).second, "spi_in").size() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(fields(alice.ipsecctl({"status", "--json"}).second, "spi_in").size(), 0u)
        << "a shard's IKE SA was not deleted at bob's SIGTERM";
}

}  // namespace
}  // namespace ipsecd
