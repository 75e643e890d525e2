// xfrm::Kernel over netlink (libmnl): one socket for requests, one for the kernel's
// acquire / expire / migrate multicasts. Every change (SAs and policies added, updated,
// deleted) goes through one request queue on the request socket, which sends them in
// batches; the synchronous calls are a queued change and a flush(). Requests with replies
// (SPI allocation, reads, dumps, migration) flush the queue first, so order is kept.
// Remembers what it added so flush_owned() can remove exactly that.
#pragma once

#include <memory>
#include <set>

#include "xfrm/kernel.hpp"
#include "xfrm/netlink_socket.hpp"
#include "xfrm/request_queue.hpp"

namespace xfrm {

class NetlinkKernel final : public Kernel {
public:
    // Request socket + event socket (XFRMNLGRP_ACQUIRE, _EXPIRE, _MIGRATE); `events` false:
    // the event socket joins no group (a shard's own requests: the main thread has the events).
    static base::Result<std::unique_ptr<NetlinkKernel>> open(bool events = true);

    int event_fd() const { return events_.fd(); }  // poll this for readability
    // Non-blocking: reads what is queued and calls the handler once per event.
    // Malformed event messages are dropped.
    void dispatch_events();

    Result<std::uint32_t> alloc_spi(const net::Address& src, const net::Address& dst, Proto proto,
                                    std::uint32_t reqid, std::uint32_t min = 0x100,
                                    std::uint32_t max = 0xffffffff) override;
    Status add_sa(const Sa& sa) override;
    Status update_sa(const Sa& sa) override;
    Status delete_sa(const SaId& id) override;
    Result<SaInfo> get_sa(const SaId& id) override;
    Result<std::vector<SaInfo>> list_sas() override;

    Status add_policy(const Policy& p) override;
    Status update_policy(const Policy& p) override;
    Status delete_policy(const PolicyId& id) override;
    Result<std::vector<Policy>> list_policies() override;
    Status migrate(const Migration& m) override;
    Status set_spd_hash_thresholds(const SpdHashThresholds& t) override;
    Result<SpdHashThresholds> spd_hash_thresholds() override;

    void queue_sa(const Sa& sa, bool update, Done done) override;
    void queue_delete_sa(const SaId& id, Done done) override;
    void queue_policy(const Policy& p, bool update, Done done) override;
    void queue_delete_policy(const PolicyId& id, Done done) override;
    void flush() override { queue_.flush(); }

    Status flush_owned() override;
    void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }

private:
    NetlinkKernel(NetlinkSocket requests, NetlinkSocket events)
        : requests_(std::move(requests)), events_(std::move(events)) {}
    Status request(const std::string& context, base::Result<Message> msg,
                   const NetlinkSocket::ReplyFn& on_reply = {});
    void queue(std::string context, base::Result<Message> msg, Done done);
    // One queued change, sent now: its result.
    template <class Queue>
    Status now(Queue&& queue_change) {
        Status result;
        queue_change([&](const Status& s) { result = s; });
        flush();
        return result;
    }

    NetlinkSocket requests_, events_;
    RequestQueue queue_{requests_};
    EventHandler handler_;
    std::set<SaId> owned_sas_;
    std::set<PolicyId> owned_policies_;
};

}  // namespace xfrm
