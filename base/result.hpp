// Result<T, E>: a value or an error, the way errors cross every boundary in ipsecd
// (parse results, kernel replies, config diagnostics). A small subset of C++23
// std::expected, since the project is C++20.
#pragma once

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace base {

template <class E>
struct Unexpected {
    E error;
};
template <class E>
Unexpected(E) -> Unexpected<E>;

// A plain, human-readable error with context ("adding ESP SA spi 0x1234 ...: File exists").
struct Error {
    std::string message;
    int code = 0;  // errno or a layer-specific code; 0 when not applicable
};

inline Unexpected<Error> fail(std::string message, int code = 0) {
    return {Error{std::move(message), code}};
}

template <class T, class E = Error>
class [[nodiscard]] Result {
public:
    Result(const T& v) : v_(std::in_place_index<0>, v) {}
    Result(T&& v) : v_(std::in_place_index<0>, std::move(v)) {}
    template <class G>
        requires std::is_constructible_v<E, G>
    Result(Unexpected<G> u) : v_(std::in_place_index<1>, std::move(u.error)) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(v_); }
    const T& value() const& { assert(ok()); return std::get<0>(v_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(v_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const E& error() const { assert(!ok()); return std::get<1>(v_); }
    E& error() { assert(!ok()); return std::get<1>(v_); }

private:
    std::variant<T, E> v_;
};

// Result<void>: success or an error.
template <class E>
class [[nodiscard]] Result<void, E> {
public:
    Result() = default;
    template <class G>
        requires std::is_constructible_v<E, G>
    Result(Unexpected<G> u) : err_(std::move(u.error)), failed_(true) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const E& error() const { assert(failed_); return err_; }
    E& error() { assert(failed_); return err_; }

private:
    E err_{};
    bool failed_ = false;
};

using Status = Result<void, Error>;

}  // namespace base
