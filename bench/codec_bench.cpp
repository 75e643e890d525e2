// ipsecd-bench codec [--json]: IKE messages decoded and encoded per second, next to a
// parse-free baseline (memcpy of the same bytes) measured in the same run, so the codec's
// cost over merely touching the bytes is visible. Workloads: an IKE_SA_INIT request as
// received (header checks + outer chain) and the inner chain of an IKE_AUTH request as the
// protection layer hands it over after decryption.
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "bench/bench.hpp"
#include "ike/wire/decode.hpp"
#include "ike/wire/encode.hpp"
#include "ike/wire/samples.hpp"

namespace {

using namespace ike::wire;
using Clock = std::chrono::steady_clock;

constexpr double kSecondsPerFigure = 0.4;
volatile std::size_t g_sink;  // results are stored, so the measured work is not optimised away

// Runs `op` in batches until kSecondsPerFigure elapsed; returns operations per second.
double per_second(const std::function<std::size_t()>& op) {
    std::size_t sink = 0, count = 0;
    auto start = Clock::now();
    double elapsed = 0;
    while (elapsed < kSecondsPerFigure) {
        for (int i = 0; i < 256; ++i) sink += op();
        count += 256;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    }
    g_sink = sink;
    return static_cast<double>(count) / elapsed;
}

struct Figures {
    std::size_t bytes = 0;
    double decode = 0, encode = 0, memcpy = 0;
};

Figures measure(const base::Bytes& wire, const std::function<std::size_t(base::ByteView)>& decode,
                const std::function<std::size_t()>& encode) {
    Figures f;
    f.bytes = wire.size();
    base::Bytes copy(wire.size());
    f.memcpy = per_second([&] {
        std::memcpy(copy.data(), wire.data(), wire.size());
        return std::size_t{copy[wire.size() / 2]};
    });
    f.decode = per_second([&] { return decode(wire); });
    f.encode = per_second(encode);
    return f;
}

void print_human(const char* name, const Figures& f) {
    std::printf("%-22s %5zu bytes  decode %10.0f/s  encode %10.0f/s  memcpy baseline %12.0f/s  "
                "(decode costs %.0fx a copy)\n",
                name, f.bytes, f.decode, f.encode, f.memcpy, f.memcpy / f.decode);
}

void print_json_fields(const char* prefix, const Figures& f) {
    std::printf("\"%s_bytes\":%zu,\"%s_decode_per_sec\":%.0f,\"%s_encode_per_sec\":%.0f,"
                "\"%s_memcpy_per_sec\":%.0f",
                prefix, f.bytes, prefix, f.decode, prefix, f.encode, prefix, f.memcpy);
}

}  // namespace

int bench::run_codec(const Args& args) {
    bool json = false;
    for (const auto& a : args) {
        if (a == "--json") {
            json = true;
        } else {
            std::fprintf(stderr, "ipsecd-bench codec: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    const Message init = samples::ike_sa_init_request();
    const auto init_wire = encode(init);
    const auto inner = samples::ike_auth_inner();
    const auto inner_wire = encode_payloads(inner);
    const auto first = first_payload_type(inner);
    if (!decode_message(init_wire) || !decode_payloads(first, inner_wire)) {
        std::fprintf(stderr, "ipsecd-bench codec: sample messages do not decode\n");
        return 1;
    }

    auto sa_init = measure(
        init_wire, [](base::ByteView b) { return decode_message(b)->payloads.size(); },
        [&] { return encode(init).size(); });
    auto auth = measure(
        inner_wire, [first](base::ByteView b) { return decode_payloads(first, b)->size(); },
        [&] { return encode_payloads(inner).size(); });

    if (json) {
        std::printf("{");
        print_json_fields("ike_sa_init", sa_init);
        std::printf(",");
        print_json_fields("ike_auth_inner", auth);
        std::printf("}\n");
    } else {
        std::printf("codec, messages per second (one thread)\n");
        print_human("IKE_SA_INIT request", sa_init);
        print_human("IKE_AUTH inner chain", auth);
    }
    return 0;
}
