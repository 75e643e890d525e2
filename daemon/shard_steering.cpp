#include "daemon/shard_steering.hpp"

#include <linux/filter.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

namespace ipsecd {

namespace {

constexpr std::uint32_t kHeaderSize = 28;  // RFC 7296 3.1
constexpr std::uint32_t kSpiiSpreadByte = 6, kSpiiLowByte = 7, kSpirHigh = 8, kSpirLow = 12, kSpirLowByte = 15;
constexpr std::uint32_t kVersion = 17, kFlags = 19;
constexpr std::uint32_t kIkev2 = 0x20, kInitiatorFlag = 0x08;  // major version 2; I (3.1)

sock_filter statement(std::uint16_t code, std::uint32_t k) { return BPF_STMT(code, k); }
sock_filter jump(std::uint16_t code, std::uint32_t k, std::uint8_t jt, std::uint8_t jf) {
    return BPF_JUMP(code, k, jt, jf);
}


std::vector<sock_filter> shard_steering_program(bool natt, unsigned shards, bool spread_new) {
    const std::uint32_t at = natt ? 4 : 0;  // the IKE header's offset in the UDP payload
    const std::vector<sock_filter> by_spi{
        statement(BPF_LD | BPF_B | BPF_ABS, at + kVersion),
        statement(BPF_ALU | BPF_AND | BPF_K, 0xf0),
        jump(BPF_JMP | BPF_JEQ | BPF_K, kIkev2, 0, 13),  // major version 2, else to 0
        statement(BPF_LD | BPF_B | BPF_ABS, at + kFlags),
        jump(BPF_JMP | BPF_JSET | BPF_K, kInitiatorFlag, 0, 8),  // from the responder: our SPIi
        statement(BPF_LD | BPF_W | BPF_ABS, at + kSpirHigh),
        jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 2),  // SPIr not zero: SPIr
        statement(BPF_LD | BPF_W | BPF_ABS, at + kSpirLow),
        jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 2, 0),  // SPIr zero (IKE_SA_INIT): the peer's SPIi
        statement(BPF_LD | BPF_B | BPF_ABS, at + kSpirLowByte),
        statement(BPF_JMP | BPF_JA, 3),
        spread_new ? statement(BPF_LD | BPF_B | BPF_ABS, at + kSpiiSpreadByte) : statement(BPF_LD | BPF_IMM, 0),
        statement(BPF_JMP | BPF_JA, 1),
        statement(BPF_LD | BPF_B | BPF_ABS, at + kSpiiLowByte),
        statement(BPF_ALU | BPF_MOD | BPF_K, shards),
        statement(BPF_RET | BPF_A, 0),
        statement(BPF_RET | BPF_K, 0),
    };
    const std::size_t total = (natt ? 4 : 2) + by_spi.size();
    // From the i-th instruction to the last one, returning 0.
    auto to_zero = [&](std::size_t i) { return static_cast<std::uint8_t>(total - i - 2); };
    // A load past the payload's end would end the program with 0 too; the length check says so.
    std::vector<sock_filter> p{statement(BPF_LD | BPF_W | BPF_LEN, 0),
                               jump(BPF_JMP | BPF_JGE | BPF_K, at + kHeaderSize, 0, to_zero(1))};
    if (natt) {
        p.push_back(statement(BPF_LD | BPF_W | BPF_ABS, 0));  // the non-ESP marker: zero
        p.push_back(jump(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, to_zero(3)));
    }
    p.insert(p.end(), by_spi.begin(), by_spi.end());
    return p;
}

}  // namespace

base::Status attach_shard_steering(int fd, bool natt, unsigned shards, bool spread_new) {
    auto program = shard_steering_program(natt, shards, spread_new);
    const sock_fprog fprog{static_cast<unsigned short>(program.size()), program.data()};
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &fprog, sizeof fprog) < 0)
        return base::fail(std::string("attaching the shard steering program: ") + std::strerror(errno), errno);
    return {};
}

}  // namespace ipsecd
