// The shard steering program (daemon/shard_steering.hpp) run by the kernel: two UDP sockets
// on 127.0.0.1 share a port with SO_REUSEPORT, steered for two shards, and receive crafted IKE
// headers; the socket a datagram arrives on is the shard the program chose.
#include "daemon/new_sa_spreader.hpp"
#include "daemon/shard_steering.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <set>
#include <thread>
#include <vector>

#include "daemon/ike_socket.hpp"
#include "tests/unit/v2/configs.hpp"
#include "tests/unit/v2/harness.hpp"

namespace {

constexpr std::uint8_t kInitiator = 0x08, kResponse = 0x20;  // RFC 7296 3.1 flags
constexpr std::uint8_t kIkev2 = 0x20, kIkev1 = 0x10;

// An IKE header (RFC 7296 3.1) with these SPIs, flags and version, and nothing after it.
base::Bytes header(std::uint64_t spi_i, std::uint64_t spi_r, std::uint8_t flags, std::uint8_t version = kIkev2) {
    base::Bytes h(28);
    for (int i = 0; i < 8; ++i) {
        h[i] = static_cast<std::uint8_t>(spi_i >> (56 - 8 * i));
        h[8 + i] = static_cast<std::uint8_t>(spi_r >> (56 - 8 * i));
    }
    h[16] = 33, h[17] = version, h[18] = 34, h[19] = flags, h[27] = 28;
    return h;
}

// On the NAT-T port: behind the non-ESP marker (RFC 3948 2.2).
base::Bytes with_marker(base::Bytes ike) {
    ike.insert(ike.begin(), 4, 0);
    return ike;
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return a;
}

// Two sockets on one ephemeral port of 127.0.0.1, the program for two shards attached to the
// first before its bind, as IkeSocket::open_group does. No UDP_ENCAP: datagrams the kernel
// would take for ESP or eat as keepalives reach the sockets, to show where they are steered.
class Group {
public:
    explicit Group(bool natt) : natt_(natt) {
        for (std::size_t i = 0; i < fds_.size(); ++i) {
            fds_[i] = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            const int on = 1;
            EXPECT_EQ(setsockopt(fds_[i], SOL_SOCKET, SO_REUSEPORT, &on, sizeof on), 0);
            if (i == 0) {
                EXPECT_TRUE(ipsecd::attach_shard_steering(fds_[i], natt, 2, true));
            }
            sockaddr_in a = loopback(port_);
            EXPECT_EQ(bind(fds_[i], reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
            socklen_t len = sizeof a;
            getsockname(fds_[i], reinterpret_cast<sockaddr*>(&a), &len);
            port_ = ntohs(a.sin_port);
        }
    }
    ~Group() {
        for (int fd : fds_) close(fd);
    }
    // Replaces the bound group's program, as NewSaSpreader does when it changes its mind.
    void spread_new(bool spread) { EXPECT_TRUE(ipsecd::attach_shard_steering(fds_[0], natt_, 2, spread)); }
    // The socket `datagram` sent to the group arrives on; -1 if none.
    int steers(const base::Bytes& datagram) {
        int sender = socket(AF_INET, SOCK_DGRAM, 0);
        const sockaddr_in to = loopback(port_);
        sendto(sender, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
        close(sender);
        std::array<pollfd, 2> p{{{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}}};
        if (poll(p.data(), p.size(), 1000) != 1) return -1;
        const int on = p[0].revents & POLLIN ? 0 : 1;
        std::uint8_t buffer[64];
        recv(fds_[on], buffer, sizeof buffer, 0);
        return on;
    }

private:
    bool natt_;
    std::array<int, 2> fds_{};
    std::uint16_t port_ = 0;
};

}  // namespace

TEST(ShardSteering, AnIkeSaInitRequestGoesByTheNextToLastByteOfThePeersSpii) {
    Group g(false);
    EXPECT_EQ(g.steers(header(0x1111111111110311, 0, kInitiator)), 1);
    EXPECT_EQ(g.steers(header(0x1111111111110211, 0, kInitiator)), 0);
}

// An ipsecd of two shards initiates from its first: every SPIi it sends ends in an even byte.
TEST(ShardSteering, IkeSaInitsFromAPeerWhoseSpiisEndInOneClassSpreadOverEveryShard) {
    Group g(false);
    std::set<int> shards;
    for (std::uint64_t spi : {0x5a5a5a5a5a5a0100ull, 0x5a5a5a5a5a5a0202ull, 0x5a5a5a5a5a5a0304ull, 0x5a5a5a5a5a5a0406ull})
        shards.insert(g.steers(header(spi, 0, kInitiator)));
    EXPECT_EQ(shards, (std::set<int>{0, 1}));
}

TEST(ShardSteering, WhileNewIkeSasAreGatheredEveryIkeSaInitGoesToTheFirstSocketAndTheRestByOurSpi) {
    Group plain(false), natt(true);
    for (Group* g : {&plain, &natt}) g->spread_new(false);
    for (std::uint64_t spi : {0x5a5a5a5a5a5a0100ull, 0x5a5a5a5a5a5a0301ull}) {
        EXPECT_EQ(plain.steers(header(spi, 0, kInitiator)), 0);
        EXPECT_EQ(natt.steers(with_marker(header(spi, 0, kInitiator))), 0);
    }
    EXPECT_EQ(plain.steers(header(0x2222222222222202, 0x3333333333333305, kInitiator)), 1);
    EXPECT_EQ(natt.steers(with_marker(header(0x4444444444444403, 0x5555555555555504, kResponse))), 1);
    plain.spread_new(true);
    EXPECT_EQ(plain.steers(header(0x1111111111110311, 0, kInitiator)), 1);
}

TEST(ShardSteering, AMessageFromTheOriginalInitiatorGoesByOurSpir) {
    Group g(false);
    EXPECT_EQ(g.steers(header(0x2222222222222202, 0x3333333333333305, kInitiator)), 1);
    EXPECT_EQ(g.steers(header(0x2222222222222203, 0x3333333333333304, kInitiator | kResponse)), 0);
}

TEST(ShardSteering, AnSpirZeroInOneHalfOnlyIsNoIkeSaInit) {
    Group g(false);
    EXPECT_EQ(g.steers(header(0x2222222222222202, 0x0000000000000001, kInitiator)), 1);
    EXPECT_EQ(g.steers(header(0x2222222222222203, 0x0100000000000000, kInitiator)), 0);
}

TEST(ShardSteering, AMessageFromTheOriginalResponderGoesByOurSpii) {
    Group g(false);
    EXPECT_EQ(g.steers(header(0x4444444444444403, 0x5555555555555504, kResponse)), 1);
    EXPECT_EQ(g.steers(header(0x4444444444444402, 0x5555555555555505, 0)), 0);
}

TEST(ShardSteering, OnTheNattPortTheHeaderFollowsTheNonEspMarker) {
    Group g(true);
    EXPECT_EQ(g.steers(with_marker(header(0x1111111111110311, 0, kInitiator))), 1);
    EXPECT_EQ(g.steers(with_marker(header(0x2222222222222202, 0x3333333333333305, kInitiator))), 1);
    EXPECT_EQ(g.steers(with_marker(header(0x4444444444444403, 0x5555555555555504, kResponse))), 1);
    EXPECT_EQ(g.steers(with_marker(header(0x4444444444444402, 0x5555555555555505, kResponse))), 0);
}

TEST(ShardSteering, Ikev1GoesToTheFirstSocket) {
    Group plain(false), natt(true);
    EXPECT_EQ(plain.steers(header(0x1111111111111103, 0x3333333333333305, 0, kIkev1)), 0);
    EXPECT_EQ(plain.steers(header(0x1111111111111103, 0x3333333333333305, kInitiator, kIkev1)), 0);
    EXPECT_EQ(natt.steers(with_marker(header(0x1111111111111103, 0x3333333333333305, 0, kIkev1))), 0);
}

TEST(ShardSteering, ANatKeepaliveGoesToTheFirstSocket) {
    Group g(true);
    EXPECT_EQ(g.steers(base::Bytes{0xff}), 0);
}

TEST(ShardSteering, EspInUdpGoesToTheFirstSocket) {
    Group g(true);
    base::Bytes esp = header(0x1111111111111103, 0, kInitiator);  // SPI and sequence number not zero
    EXPECT_EQ(g.steers(esp), 0);
}

TEST(ShardSteering, AHeaderCutShortGoesToTheFirstSocket) {
    Group plain(false), natt(true);
    base::Bytes cut = header(0x1111111111111103, 0, kInitiator);
    cut.pop_back();
    EXPECT_EQ(plain.steers(cut), 0);
    EXPECT_EQ(natt.steers(with_marker(cut)), 0);
    EXPECT_EQ(plain.steers(base::Bytes{}), 0);
}

// ---- the daemon's sockets: IkeSocket::open_group ----

namespace {
std::uint16_t test_port(int n) { return static_cast<std::uint16_t>(20000 + (getpid() % 20000) + 40 + n); }
}  // namespace

TEST(ShardSteering, TheDaemonsNattPortGroupSteersIkeBehindTheMarker) {
    const std::uint16_t port = test_port(0);
    auto group = ipsecd::IkeSocket::open_group(net::Family::v4, port, true, 2);
    auto sender = ipsecd::IkeSocket::open(net::Family::v4, test_port(1), true);
    ASSERT_TRUE(group) << group.error().message;
    ASSERT_TRUE(sender) << sender.error().message;
    const net::Endpoint from{*net::Address::parse("127.0.0.1"), test_port(1)}, to{from.address, port};
    for (unsigned shard : {1u, 0u}) {
        const auto ike = header(0x2222222222222202, 0x3333333333333304 + shard, kInitiator);
        ASSERT_TRUE(sender->send(from, to, ike));  // with the marker
        auto& on = (*group)[shard];
        pollfd p{on.fd(), POLLIN, 0};
        ASSERT_EQ(poll(&p, 1, 1000), 1) << shard;
        auto burst = on.receive();
        ASSERT_TRUE(burst);
        ASSERT_EQ(burst->datagrams.size(), 1u);
        EXPECT_EQ(burst->datagrams[0].data, ike);
    }
}

TEST(ShardSteering, AGroupOfOneKeepsThePortOurs) {
    const std::uint16_t port = test_port(2);
    auto one = ipsecd::IkeSocket::open_group(net::Family::v4, port, false, 1);
    ASSERT_TRUE(one) << one.error().message;
    EXPECT_EQ(one->size(), 1u);
    auto second = ipsecd::IkeSocket::open_group(net::Family::v4, port, false, 2);
    ASSERT_FALSE(second);
    EXPECT_EQ(second.error().code, EADDRINUSE);
}

// ---- with the engine's SPIs (EngineOptions::shard) ----

TEST(ShardSteering, EveryDatagramAfterTheFirstBetweenTwoEnginesOfShardOneOfTwoReachesTheSecondSocket) {
    using namespace ike::v2;
    test::Pair p(test::site_config(test::kAlice, test::kBob), test::site_config(test::kBob, test::kAlice),
                 EngineOptions{.shard = {.index = 1, .count = 2}});
    std::vector<base::Bytes> wire;
    p.network().set_rule([&](const test::Datagram& d, std::uint64_t) {
        wire.push_back(d.bytes);
        return test::Fate{};
    });
    p.up(p.alice(), "site");
    p.run();
    p.down(p.alice(), "site");
    p.run();
    ASSERT_GE(wire.size(), 6u);  // IKE_SA_INIT, IKE_AUTH, INFORMATIONAL: requests and responses
    Group g(false);
    // The first, alice's IKE_SA_INIT request, by the next-to-last byte of her SPIi (the shard
    // that answers it is the one that chooses SPIr); every other by the SPIs of shard 1.
    EXPECT_EQ(g.steers(wire[0]), wire[0][6] % 2);
    for (std::size_t i = 1; i < wire.size(); ++i) EXPECT_EQ(g.steers(wire[i]), 1) << "datagram " << i;
}

// ---- which threads new IKE SAs go to (--spread-new-sas auto) ----

TEST(SpreadNewSas, NewIkeSasSpreadOnceTheDaemonUsesOverHalfACpu) {
    EXPECT_FALSE(ipsecd::spread_new_sas(false, 0.0));
    EXPECT_FALSE(ipsecd::spread_new_sas(false, 0.5));
    EXPECT_TRUE(ipsecd::spread_new_sas(false, 0.51));
    EXPECT_TRUE(ipsecd::spread_new_sas(false, 1.9));
}

TEST(SpreadNewSas, SpreadNewIkeSasGatherAgainOnlyUnderAQuarterOfACpu) {
    EXPECT_TRUE(ipsecd::spread_new_sas(true, 0.5));
    EXPECT_TRUE(ipsecd::spread_new_sas(true, 0.25));
    EXPECT_FALSE(ipsecd::spread_new_sas(true, 0.24));
    EXPECT_FALSE(ipsecd::spread_new_sas(true, 0.0));
}

// The daemon's own figure decides: two threads of the test burn CPU for a second (the
// spreader's window), and a new IKE_SA_INIT then goes by the peer's SPIi; once they stop, a
// second without gathers new IKE SAs on the first thread again.
TEST(SpreadNewSas, TheSpreaderFollowsTheDaemonsCpuUse) {
    const std::uint16_t port = test_port(3);
    auto group = ipsecd::IkeSocket::open_group(net::Family::v4, port, false, 2);
    auto sender = ipsecd::IkeSocket::open(net::Family::v4, test_port(4), false);
    ASSERT_TRUE(group) << group.error().message;
    ASSERT_TRUE(sender) << sender.error().message;
    std::vector<ipsecd::IkeSocket> firsts;
    firsts.push_back(std::move((*group)[0]));
    sd_event* event = nullptr;
    ASSERT_GE(sd_event_new(&event), 0);
    ipsecd::Logger log{ipsecd::LogLevel::error, ipsecd::LogTarget::stderr};
    auto spreader = ipsecd::NewSaSpreader::start(event, firsts, 2, log);
    ASSERT_TRUE(spreader) << spreader.error().message;
    // The shard an IKE_SA_INIT whose spread byte says 1 reaches.
    const net::Endpoint from{*net::Address::parse("127.0.0.1"), test_port(4)}, to{from.address, port};
    auto lands_on = [&] {
        EXPECT_TRUE(sender->send(from, to, header(0x1111111111110311, 0, kInitiator), false));
        std::array<pollfd, 2> p{{{firsts[0].fd(), POLLIN, 0}, {(*group)[1].fd(), POLLIN, 0}}};
        if (poll(p.data(), p.size(), 1000) != 1) return -1;
        const int on = p[0].revents & POLLIN ? 0 : 1;
        EXPECT_TRUE((on == 0 ? firsts[0] : (*group)[1]).receive());
        return on;
    };
    auto one_window = [&] {
        for (const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(1200);
             std::chrono::steady_clock::now() < until;)
            sd_event_run(event, 50'000);
    };
    EXPECT_EQ(lands_on(), 0);

    std::atomic<bool> burn{true};
    std::vector<std::thread> burners;
    for (int i = 0; i < 2; ++i)
        burners.emplace_back([&] {
            while (burn) {
            }
        });
    one_window();
    burn = false;
    for (auto& t : burners) t.join();
    EXPECT_EQ(lands_on(), 1);

    one_window();  // may still end in burnt time
    one_window();
    EXPECT_EQ(lands_on(), 0);
    spreader->reset();
    sd_event_unref(event);
}
