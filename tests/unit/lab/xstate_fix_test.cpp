// The UML xstate wrapper's decision (tests/lab/xstate_fix.c), driven by a fake ptrace() that
// plays a host whose XSAVE area is AMX-sized; runs on any host.
#include "tests/lab/xstate_fix.h"

#include <elf.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

namespace {

constexpr size_t kAmxArea = 11008;   // XSAVE area of an AMX host (TILEDATA alone is 8 KiB)
constexpr size_t kUmlArea = 4096;    // what Debian 12's UML 6.1 passes

struct Call {
  int request;
  void* addr;
  void* data;
  size_t len;                  // iov_len for the regset requests
  std::vector<uint8_t> bytes;  // what a SETREGSET wrote
};

// The fake host: a tracee whose current area is all 0xAA; records every call.
struct FakeHost {
  size_t area = kAmxArea;
  std::vector<Call> calls;
};
FakeHost* host = nullptr;

long fake_ptrace(int request, pid_t, void* addr, void* data) {
  Call c{request, addr, data, 0, {}};
  if (request == PTRACE_GETREGSET || request == PTRACE_SETREGSET) {
    auto* iov = static_cast<iovec*>(data);
    c.len = iov->iov_len;
    if (request == PTRACE_GETREGSET) {
      iov->iov_len = std::min(iov->iov_len, host->area);   // the kernel truncates
      std::memset(iov->iov_base, 0xAA, iov->iov_len);
    } else {
      auto* p = static_cast<uint8_t*>(iov->iov_base);
      c.bytes.assign(p, p + iov->iov_len);
    }
  }
  host->calls.push_back(std::move(c));
  return 0;
}

class XstateFix : public ::testing::Test {
 protected:
  void SetUp() override { host = &fake; }
  void TearDown() override { host = nullptr; }
  long call(int request, void* addr, void* data) {
    return xstate_fix_ptrace(fix.get(), fake_ptrace, request, 1234, addr, data);
  }
  void* xstate() { return reinterpret_cast<void*>(uintptr_t{NT_X86_XSTATE}); }
  FakeHost fake;
  std::unique_ptr<xstate_fix> fix = std::make_unique<xstate_fix>();
};

TEST_F(XstateFix, ShortXstateWriteBecomesTheWholeAreaWithTheCallersBytesFirst) {
  std::vector<uint8_t> uml(kUmlArea, 0x55);
  iovec iov{uml.data(), uml.size()};
  ASSERT_EQ(call(PTRACE_SETREGSET, xstate(), &iov), 0);
  ASSERT_EQ(fake.calls.size(), 2u);
  EXPECT_EQ(fake.calls[0].request, PTRACE_GETREGSET);   // reads the tracee's current area
  EXPECT_GE(fake.calls[0].len, kAmxArea);
  const Call& set = fake.calls[1];
  EXPECT_EQ(set.request, PTRACE_SETREGSET);
  ASSERT_EQ(set.bytes.size(), kAmxArea);
  EXPECT_EQ(std::vector<uint8_t>(set.bytes.begin(), set.bytes.begin() + kUmlArea), uml);
  EXPECT_EQ(std::vector<uint8_t>(set.bytes.begin() + kUmlArea, set.bytes.end()),
            std::vector<uint8_t>(kAmxArea - kUmlArea, 0xAA));
}

TEST_F(XstateFix, FullSizeXstateWritePassesThroughUntouched) {
  fake.area = kUmlArea;   // a host without AMX: the sizes match
  std::vector<uint8_t> uml(kUmlArea, 0x55);
  iovec iov{uml.data(), uml.size()};
  ASSERT_EQ(call(PTRACE_SETREGSET, xstate(), &iov), 0);
  ASSERT_EQ(call(PTRACE_SETREGSET, xstate(), &iov), 0);
  // the first write learns the host's size; from then on one call each, the caller's own iovec
  ASSERT_EQ(fake.calls.size(), 3u);
  EXPECT_EQ(fake.calls[1].data, &iov);
  EXPECT_EQ(fake.calls[2].data, &iov);
  EXPECT_EQ(fake.calls[2].bytes, uml);
}

TEST_F(XstateFix, OtherRequestsPassThroughUntouched) {
  std::vector<uint8_t> buf(512, 0x11);
  iovec iov{buf.data(), buf.size()};
  void* fpregs = reinterpret_cast<void*>(uintptr_t{NT_PRFPREG});
  ASSERT_EQ(call(PTRACE_SETREGSET, fpregs, &iov), 0);
  ASSERT_EQ(call(PTRACE_GETREGSET, xstate(), &iov), 0);
  ASSERT_EQ(call(PTRACE_PEEKUSER, reinterpret_cast<void*>(8), nullptr), 0);
  ASSERT_EQ(fake.calls.size(), 3u);
  EXPECT_EQ(fake.calls[0].request, PTRACE_SETREGSET);
  EXPECT_EQ(fake.calls[0].data, &iov);
  EXPECT_EQ(fake.calls[0].bytes, std::vector<uint8_t>(512, 0x11));
  EXPECT_EQ(fake.calls[1].request, PTRACE_GETREGSET);
  EXPECT_EQ(fake.calls[1].data, &iov);
  EXPECT_EQ(fake.calls[2].request, PTRACE_PEEKUSER);
  EXPECT_EQ(fake.calls[2].addr, reinterpret_cast<void*>(8));
}

}  // namespace
