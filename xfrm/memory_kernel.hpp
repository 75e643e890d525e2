// xfrm::Kernel in memory, for engine tests: the kernel's observable rules without a
// kernel. SPIs from alloc_spi() are unique per (destination, protocol) and reserve a larval
// SA that update_sa() completes; adding an SA or policy that exists fails with EEXIST;
// updating, deleting or reading a missing SA fails with ESRCH and deleting a missing policy
// with ENOENT (the kernel's errnos; xfrm::is_not_found() accepts both); update_policy()
// creates or replaces, like XFRM_MSG_UPDPOLICY. Errors carry the same context as the
// netlink backend's. Each call holds a lock, as the kernel serialises requests: the daemon's
// engine threads (shards) allocate SPIs while the main thread changes SAs.
#pragma once

#include <map>
#include <mutex>
#include <set>

#include "xfrm/kernel.hpp"

namespace xfrm {

class MemoryKernel final : public Kernel {
public:
    // alloc_spi() hands out the first free SPI at or after `first_spi` (within its range).
    explicit MemoryKernel(std::uint32_t first_spi = 0) : next_spi_(first_spi) {}
    Result<std::uint32_t> alloc_spi(const net::Address& src, const net::Address& dst, Proto proto,
                                    std::uint32_t reqid, std::uint32_t min = 0x100,
                                    std::uint32_t max = 0xffffffff) override;
    Status add_sa(const Sa& sa) override;
    Status update_sa(const Sa& sa) override;
    Status delete_sa(const SaId& id) override;
    Result<SaInfo> get_sa(const SaId& id) override;
    // Without finding the SA: only SAs that exist have counters (counters_).
    Counters sa_counters(const SaId& id) override {
        const std::lock_guard lock(lock_.mutex);
        return counters_of(id);
    }
    Result<std::vector<SaInfo>> list_sas() override;

    Status add_policy(const Policy& p) override;
    Status update_policy(const Policy& p) override;
    Status delete_policy(const PolicyId& id) override;
    Result<std::vector<Policy>> list_policies() override;
    Status migrate(const Migration& m) override;
    // Kept and read back as the kernel does; the model has one policy table either way.
    Status set_spd_hash_thresholds(const SpdHashThresholds& t) override;
    Result<SpdHashThresholds> spd_hash_thresholds() override {
        const std::lock_guard lock(lock_.mutex);
        return spd_hash_;
    }

    // Everything here was added through this object, so this empties the model.
    Status flush_owned() override;
    void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }

    // ---- test accessors ----
    // SAs by id, larval ones (from alloc_spi, not yet updated) included without algorithms.
    const std::map<SaId, Sa>& sas() const { return sas_; }
    const std::map<PolicyId, Policy>& policies() const { return policies_; }
    bool is_larval(const SaId& id) const { return larval_.contains(id); }
    // What get_sa() reports as counters; ESRCH when the SA does not exist.
    Status set_counters(const SaId& id, const Counters& c);
    // Delivers ev to the handler now, as the netlink backend's dispatch_events() would.
    void emit(const Event& ev);

private:
    // Every call but the test accessors and emit() (which calls the handler) holds it. A
    // model is moved only while unshared (tests): the moved-to model keeps its own lock.
    struct Lock {
        std::mutex mutex;
        Lock() = default;
        Lock(Lock&&) noexcept {}
        Lock& operator=(Lock&&) noexcept { return *this; }
    };
    mutable Lock lock_;
    std::map<SaId, Sa> sas_;
    // Only the counters set_counters() gave: an SA absent here has seen no traffic (all zero).
    // Most SAs never get any, and one node each was ~130 bytes per SA with 100,000 held.
    std::map<SaId, Counters> counters_;
    Counters counters_of(const SaId& id) const;
    std::set<SaId> larval_;
    std::map<PolicyId, Policy> policies_;
    EventHandler handler_;
    std::uint32_t next_spi_ = 0;
    SpdHashThresholds spd_hash_;
};

}  // namespace xfrm
