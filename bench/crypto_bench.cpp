// ipsecd-bench crypto: key exchanges and SK payload seal/open per second through
// ike::crypto, each next to the same operation done with Botan directly in the same run,
// so the adapter's overhead over the primitive is visible.
#include <botan/aead.h>
#include <botan/curve25519.h>
#include <botan/dh.h>
#include <botan/dl_group.h>
#include <botan/ec_group.h>
#include <botan/ecdh.h>
#include <botan/pubkey.h>
#include <botan/system_rng.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/bench.hpp"
#include "ike/crypto/fast_key_erasure_rng.hpp"
#include "ike/crypto/key_exchange.hpp"
#include "ike/crypto/sk_cipher.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kSecondsPerFigure = 0.3;

// Runs `op` until kSecondsPerFigure have passed (at least 3 times); returns operations/s.
double rate(const std::function<void()>& op) {
    const auto start = Clock::now();
    std::size_t n = 0;
    double elapsed = 0;
    do {
        op();
        ++n;
        elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    } while (elapsed < kSecondsPerFigure || n < 3);
    return static_cast<double>(n) / elapsed;
}

struct Group {
    ike::KeGroup id;
    const char* name;
    const char* botan;  // Botan's group name
};

constexpr Group kGroups[] = {
    {ike::KeGroup::modp2048, "modp2048", "modp/ietf/2048"}, {ike::KeGroup::modp3072, "modp3072", "modp/ietf/3072"},
    {ike::KeGroup::modp4096, "modp4096", "modp/ietf/4096"}, {ike::KeGroup::ecp256, "ecp256", "secp256r1"},
    {ike::KeGroup::ecp384, "ecp384", "secp384r1"},          {ike::KeGroup::ecp521, "ecp521", "secp521r1"},
    {ike::KeGroup::curve25519, "x25519", "x25519"},
};

// One side of an exchange with Botan alone: a fresh private key, then the shared secret.
std::unique_ptr<Botan::PK_Key_Agreement_Key> raw_key(const Group& g, Botan::RandomNumberGenerator& rng) {
    switch (g.id) {
        case ike::KeGroup::modp2048:
        case ike::KeGroup::modp3072:
        case ike::KeGroup::modp4096: {
            static std::map<std::string, Botan::DL_Group> groups;
            auto it = groups.try_emplace(g.botan, g.botan).first;
            return std::make_unique<Botan::DH_PrivateKey>(rng, it->second);
        }
        case ike::KeGroup::ecp256:
        case ike::KeGroup::ecp384:
        case ike::KeGroup::ecp521: return std::make_unique<Botan::ECDH_PrivateKey>(rng, Botan::EC_Group(g.botan));
        case ike::KeGroup::curve25519:
        case ike::KeGroup::none: break;
    }
    return std::make_unique<Botan::Curve25519_PrivateKey>(rng);
}

struct KeFigure {
    const Group* group;
    double ours, botan;
};

KeFigure measure_ke(const Group& g) {
    ike::crypto::SystemRng rng;
    auto peer = ike::crypto::KeyExchange::create(g.id, rng).value();
    const double ours = rate([&] {
        auto ke = ike::crypto::KeyExchange::create(g.id, rng).value();
        (void)ke->compute(peer->public_value()).value();
    });
    Botan::System_RNG botan_rng;
    const auto peer_key = raw_key(g, botan_rng);
    const auto peer_public = peer_key->public_value();
    const double botan = rate([&] {
        const auto key = raw_key(g, botan_rng);
        Botan::PK_Key_Agreement ka(*key, botan_rng, "Raw");
        (void)ka.derive_key(0, peer_public);
    });
    return {&g, ours, botan};
}

struct SkFigure {
    const char* name;
    double seal, open, botan_seal, botan_open;
};

constexpr std::size_t kInner = 512;  // a typical IKE_AUTH body
const std::vector<std::uint8_t> kAad(32, 0xa0);

SkFigure measure_sk(const char* name, ike::crypto::SkTransform t, const char* botan_mode, std::size_t key_len) {
    const std::vector<std::uint8_t> key(key_len + 4, 0x42), inner(kInner, 0x01);
    auto c = ike::crypto::SkCipher::create(t, key, {}).value();
    ike::crypto::SystemRng kernel_rng;
    ike::crypto::FastKeyErasureRng rng(kernel_rng);  // what the daemon draws IVs from
    const auto body = c->seal(kAad, inner, rng).value();
    SkFigure f{name, 0, 0, 0, 0};
    f.seal = rate([&] { (void)c->seal(kAad, inner, rng).value(); });
    f.open = rate([&] { (void)c->open(kAad, body).value(); });

    // The same work with Botan: an IV from the system RNG, padded plaintext, AAD.
    auto enc = Botan::AEAD_Mode::create_or_throw(botan_mode, Botan::ENCRYPTION);
    auto dec = Botan::AEAD_Mode::create_or_throw(botan_mode, Botan::DECRYPTION);
    enc->set_key(key.data(), key_len);
    dec->set_key(key.data(), key_len);
    const std::vector<std::uint8_t> open_nonce(12, 0x07);
    std::vector<std::uint8_t> nonce = open_nonce;
    Botan::System_RNG system_rng;
    Botan::secure_vector<std::uint8_t> sealed(inner.begin(), inner.end());
    sealed.push_back(0);
    enc->set_associated_data(kAad.data(), kAad.size());
    enc->start(open_nonce);
    enc->finish(sealed);
    f.botan_seal = rate([&] {
        Botan::secure_vector<std::uint8_t> buf(inner.begin(), inner.end());
        buf.push_back(0);
        system_rng.randomize(nonce.data() + 4, 8);
        enc->set_associated_data(kAad.data(), kAad.size());
        enc->start(nonce);
        enc->finish(buf);
    });
    f.botan_open = rate([&] {
        Botan::secure_vector<std::uint8_t> buf(sealed);
        dec->set_associated_data(kAad.data(), kAad.size());
        dec->start(open_nonce);
        dec->finish(buf);
    });
    return f;
}

void print_text(const std::vector<KeFigure>& ke, const std::vector<SkFigure>& sk, double seconds) {
    std::printf("%-10s %14s %14s %9s\n", "key exch.", "ipsecd ops/s", "botan ops/s", "overhead");
    for (const auto& f : ke)
        std::printf("%-10s %14.1f %14.1f %8.1f%%\n", f.group->name, f.ours, f.botan, 100.0 * (f.botan / f.ours - 1));
    std::printf("\n%-18s %12s %12s %12s %12s   (%zu-byte inner payloads)\n", "SK payload", "seal/s", "botan", "open/s",
                "botan", kInner);
    for (const auto& f : sk)
        std::printf("%-18s %12.0f %12.0f %12.0f %12.0f\n", f.name, f.seal, f.botan_seal, f.open, f.botan_open);
    std::printf("\nmeasured in %.1f s\n", seconds);
}

void print_json(const std::vector<KeFigure>& ke, const std::vector<SkFigure>& sk, double seconds) {
    std::printf("{\"seconds\":%.3f,\"key_exchange\":[", seconds);
    for (std::size_t i = 0; i < ke.size(); ++i)
        std::printf("%s{\"group\":%u,\"name\":\"%s\",\"ops_per_sec\":%.1f,\"botan_ops_per_sec\":%.1f,"
                    "\"overhead_ratio\":%.3f}",
                    i ? "," : "", static_cast<unsigned>(ke[i].group->id), ke[i].group->name, ke[i].ours,
                    ke[i].botan, ke[i].botan / ke[i].ours);
    std::printf("],\"sk\":[");
    for (std::size_t i = 0; i < sk.size(); ++i)
        std::printf("%s{\"cipher\":\"%s\",\"inner_bytes\":%zu,\"seal_per_sec\":%.0f,\"botan_seal_per_sec\":%.0f,"
                    "\"open_per_sec\":%.0f,\"botan_open_per_sec\":%.0f}",
                    i ? "," : "", sk[i].name, kInner, sk[i].seal, sk[i].botan_seal, sk[i].open, sk[i].botan_open);
    std::printf("]}\n");
}

}  // namespace

int bench::run_crypto(const Args& args) {
    bool json = false;
    for (const auto& a : args) {
        if (a == "--json") {
            json = true;
        } else {
            std::fprintf(stderr, "ipsecd-bench crypto: unknown argument %s\n", a.c_str());
            return 2;
        }
    }
    const auto start = Clock::now();
    std::vector<KeFigure> ke;
    for (const auto& g : kGroups) ke.push_back(measure_ke(g));
    const std::vector<SkFigure> sk = {
        measure_sk("aes256gcm16", {ike::EncrId::aes_gcm_16, 256, ike::IntegId::none}, "AES-256/GCM(16)", 32),
        measure_sk("chacha20poly1305", {ike::EncrId::chacha20_poly1305, 0, ike::IntegId::none}, "ChaCha20Poly1305", 32),
    };
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (json)
        print_json(ke, sk, seconds);
    else
        print_text(ke, sk, seconds);
    return 0;
}
