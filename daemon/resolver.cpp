#include "daemon/resolver.hpp"

#include <netdb.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ipsecd {

namespace {

std::optional<net::Address> address_of(const addrinfo& ai) {
    net::Address a;
    if (ai.ai_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(ai.ai_addr);
        a.family = net::Family::v4;
        std::memcpy(a.bytes.data(), &sin->sin_addr, 4);
        return a;
    }
    if (ai.ai_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(ai.ai_addr);
        a.family = net::Family::v6;
        std::memcpy(a.bytes.data(), &sin6->sin6_addr, 16);
        return a;
    }
    return std::nullopt;
}

}  // namespace

ike::engine::HostResolved resolve_now(const ike::engine::ResolveHost& request) {
    ike::engine::HostResolved answer{request.name, {}, {}};
    addrinfo hints{};
    hints.ai_family = !request.family ? AF_UNSPEC : *request.family == net::Family::v4 ? AF_INET : AF_INET6;
    hints.ai_socktype = SOCK_DGRAM;  // one entry per address, not one per socket type
    addrinfo* list = nullptr;
    if (const int r = getaddrinfo(request.name.c_str(), nullptr, &hints, &list); r != 0) {
        answer.error = r == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(r);
        return answer;
    }
    for (const addrinfo* ai = list; ai; ai = ai->ai_next)
        if (auto a = address_of(*ai);
            a && std::find(answer.addresses.begin(), answer.addresses.end(), *a) == answer.addresses.end())
            answer.addresses.push_back(*a);
    freeaddrinfo(list);
    if (answer.addresses.empty()) answer.error = "no address";
    return answer;
}

Resolver::Resolver(Handler handler) : handler_(std::move(handler)) {}

base::Result<std::unique_ptr<Resolver>> Resolver::create(sd_event* event, Handler handler) {
    std::unique_ptr<Resolver> r(new Resolver(std::move(handler)));
    r->eventfd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (r->eventfd_ < 0) return base::fail(std::string("eventfd: ") + std::strerror(errno));
    if (int e = sd_event_add_io(event, &r->source_, r->eventfd_, EPOLLIN, on_answers, r.get()); e < 0)
        return base::fail(std::string("resolver event source: ") + std::strerror(-e));
    r->worker_ = std::thread([p = r.get()] { p->work(); });
    return r;
}

Resolver::~Resolver() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    if (worker_.joinable()) worker_.join();
    sd_event_source_disable_unref(source_);
    if (eventfd_ >= 0) close(eventfd_);
}

void Resolver::resolve(ike::engine::ResolveHost request) {
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(std::move(request));
    }
    wake_.notify_one();
}

void Resolver::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [&] { return stopping_ || !requests_.empty(); });
        if (stopping_) return;
        const ike::engine::ResolveHost request = std::move(requests_.front());
        requests_.pop_front();
        lock.unlock();
        auto answer = resolve_now(request);
        lock.lock();
        answers_.push_back(std::move(answer));
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = write(eventfd_, &one, sizeof one);  // cannot fail short of overflow
    }
}

int Resolver::on_answers(sd_event_source*, int fd, uint32_t, void* p) {
    auto* self = static_cast<Resolver*>(p);
    std::uint64_t count = 0;
    [[maybe_unused]] const auto n = read(fd, &count, sizeof count);
    std::deque<ike::engine::HostResolved> answers;
    {
        std::lock_guard lock(self->mutex_);
        answers.swap(self->answers_);
    }
    for (auto& a : answers) self->handler_(std::move(a));
    return 0;
}

}  // namespace ipsecd
