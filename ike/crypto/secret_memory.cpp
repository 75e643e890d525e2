#include "ike/crypto/secret_memory.hpp"

// locking_allocator.h is public in Botan 2 but warns that it may become internal; the
// pool's singleton is only reachable through it.
#define BOTAN_NO_DEPRECATED_WARNINGS
#include <botan/locking_allocator.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace ike::crypto {

namespace {

constexpr const char* kPoolSize = "BOTAN_MLOCK_POOL_SIZE";  // KiB, read when the pool is made

// Sets `name` to `value` for the life of the object, then puts back what was there.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        ::setenv(name, value, 1);
    }
    ~ScopedEnv() { old_ ? (void)::setenv(name_, old_->c_str(), 1) : (void)::unsetenv(name_); }
    ScopedEnv(const ScopedEnv&) = delete;
    ScopedEnv& operator=(const ScopedEnv&) = delete;

private:
    const char* name_;
    std::optional<std::string> old_;
};

}  // namespace

bool secrets_from_heap() {
    Botan::mlock_allocator* pool = nullptr;
    {
        const ScopedEnv none(kPoolSize, "0");
        pool = &Botan::mlock_allocator::instance();  // made now, with no pages, unless made already
    }
    void* probe = pool->allocate(1, 16);
    if (probe == nullptr) return true;
    pool->deallocate(probe, 1, 16);
    return false;
}

}  // namespace ike::crypto
