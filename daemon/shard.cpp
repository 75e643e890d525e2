#include "daemon/shard.hpp"

#include <cstring>
#include <utility>

#include "daemon/engine_timer.hpp"

namespace ipsecd {

ike::policy::Config responder_config(ike::policy::Config config) {
    for (auto& conn : config.connections)
        for (auto& child : conn.children) {
            child.close_action = child.on_close();
            child.start = ike::policy::Start::none;
        }
    return config;
}

Shard::Shard(unsigned index, std::vector<IkeSocket> sockets, ShardKernel kernel, Deliver deliver)
    : index_(index), sockets_(std::move(sockets)), kernel_(std::move(kernel)), deliver_(std::move(deliver)) {}

base::Result<std::unique_ptr<Shard>> Shard::start(unsigned index, const ike::policy::Config& config,
                                                  ike::v2::EngineOptions options, std::vector<IkeSocket> sockets,
                                                  ShardKernel kernel, std::uint32_t spi_min, std::uint32_t spi_max,
                                                  Deliver deliver) {
    std::unique_ptr<Shard> shard(new Shard(index, std::move(sockets), std::move(kernel), std::move(deliver)));
    Shard* s = shard.get();
    options.allocate_spi = [s, spi_min, spi_max](const net::Address& src, const net::Address& dst, xfrm::Proto proto) {
        return s->kernel_.spis->alloc_spi(src, dst, proto, 0, spi_min, spi_max);
    };
    options.source_address = [s](const net::Address& remote) -> base::Result<net::Address> {
        auto path = s->kernel_.routing->path_to(remote);
        if (!path) return base::Unexpected{path.error()};
        if (!path->source) return base::fail("the route to " + remote.str() + " names no source address");
        return *path->source;
    };
    s->engine_ = std::make_unique<ike::v2::Engine>(responder_config(config), s->rng_, std::move(options));
    std::promise<base::Status> ready;
    auto started = ready.get_future();
    s->thread_ = std::thread([s, &ready] { s->run(ready); });
    if (auto st = started.get(); !st) {
        s->thread_.join();
        return base::fail("shard " + std::to_string(index) + ": " + st.error().message, st.error().code);
    }
    s->later([s] { s->take(s->engine_->start(now_monotonic())); });
    return shard;
}

Shard::~Shard() {
    if (!thread_.joinable()) return;
    mailbox_->post([this] { sd_event_exit(event_, 0); });
    thread_.join();
}

void Shard::run(std::promise<base::Status>& ready) {
    auto st = watch();
    const bool ok = bool(st);
    ready.set_value(std::move(st));
    if (ok) sd_event_loop(event_);
    mailbox_.reset();
    for (auto* src : sources_) sd_event_source_disable_unref(src);
    if (timer_) sd_event_source_disable_unref(timer_);
    if (event_) sd_event_unref(event_);
}

base::Status Shard::watch() {
    if (int r = sd_event_new(&event_); r < 0)
        return base::fail(std::string("creating the event loop: ") + std::strerror(-r), -r);
    auto box = Mailbox::create(event_);
    if (!box) return base::Unexpected{box.error()};
    mailbox_ = std::move(*box);
    for (auto& socket : sockets_) {
        sd_event_source* src = nullptr;
        if (int r = sd_event_add_io(event_, &src, socket.fd(), EPOLLIN, on_datagram, this); r < 0)
            return base::fail(std::string("watching the IKE socket: ") + std::strerror(-r), -r);
        sources_.push_back(src);
    }
    return {};
}

void Shard::later(std::function<void()> work) {
    mailbox_->post([this, work = std::move(work)] {
        work();
        deliver_turn();
        rearm_timer();
    });
}

template <class F>
auto Shard::call(F work) -> decltype(work()) {
    std::promise<decltype(work())> result;
    auto answer = result.get_future();
    later([&] {
        if constexpr (std::is_void_v<decltype(work())>) {
            work();
            result.set_value();
        } else {
            result.set_value(work());
        }
    });
    return answer.get();
}

void Shard::post(ike::engine::Event event) {
    later([this, event = std::move(event)] { take(engine_->handle(now_monotonic(), event)); });
}

void Shard::reconfigure(ike::policy::Config config) {
    later([this, config = responder_config(std::move(config))]() mutable {
        take(engine_->reconfigure(now_monotonic(), std::move(config)));
    });
}

void Shard::set_credentials(const ike::engine::Credentials* credentials) {
    call([&] { engine_->set_credentials(credentials); });
}

std::optional<ike::engine::ConnectionStatus> Shard::status(const std::string& connection) {
    return call([&] { return engine_->status(connection); });
}

std::vector<ike::engine::ConnectionStatus> Shard::status() {
    return call([&] { return engine_->status(); });
}

void Shard::settle() {
    call([] {});
}

void Shard::take(ike::engine::Effects effects) {
    if (!effects.empty()) turn_.push_back(std::move(effects));
}

void Shard::deliver_turn() {
    holds_ike_sas_.store(engine_->holds_ike_sas(), std::memory_order_relaxed);
    if (!turn_.empty()) deliver_(std::exchange(turn_, {}));
}

// As the main thread's (Daemon::on_datagram), but the answers go out on the main thread,
// after the kernel changes before them.
int Shard::on_datagram(sd_event_source*, int fd, uint32_t, void* p) {
    auto* self = static_cast<Shard*>(p);
    for (auto& s : self->sockets_) {
        if (s.fd() != fd) continue;
        for (std::size_t taken = 0; taken < kMaxDatagramsPerWakeup; taken += IkeSocket::kBurst) {
            auto burst = s.receive();
            if (!burst) {
                self->take({ike::engine::Log{ike::engine::LogLevel::warning, {}, burst.error().message, {}}});
                break;
            }
            for (auto& dg : burst->datagrams)
                self->take(self->engine_->handle(
                    now_monotonic(), ike::engine::DatagramIn{dg.local, dg.remote, std::move(dg.data)}));
            if (!burst->more) break;
        }
    }
    self->deliver_turn();
    self->rearm_timer();
    return 0;
}

int Shard::on_timer(sd_event_source*, uint64_t, void* p) {
    auto* self = static_cast<Shard*>(p);
    self->take(self->engine_->handle(now_monotonic(), ike::engine::Tick{}));
    self->deliver_turn();
    self->rearm_timer();
    return 0;
}

void Shard::rearm_timer() { rearm_engine_timer(event_, timer_, engine_->next_wakeup(), on_timer, this); }

}  // namespace ipsecd
