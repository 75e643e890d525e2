// Where a process's secrets (base::SecretBytes and Botan's own key buffers) live. Botan 2
// serves every secure_vector of up to 256 bytes from one mlock'd pool of 512 KiB behind one
// process-wide mutex, taken at each allocation and each free: engines on several threads of
// one process wait on it (issue 13: 2 threads of `ipsecd-bench handshakes` waited 11 to 19
// times per pair and paid 5 to 16% more CPU per pair). Outside the pool, Botan's
// secure_allocator still zeroises each buffer before freeing it; what is lost is only that
// the pool's pages are never swapped.
#pragma once

namespace ike::crypto {

// Takes Botan's locked pool out of use for the rest of the process: secrets come from the
// heap (glibc's per-thread arenas), zeroised when freed. Botan reads the pool's size once,
// at the first secret, so this must come before it (first thing in main()); the process
// environment is left as it was. False if a secret came first and the pool stays in use.
bool secrets_from_heap();

}  // namespace ike::crypto
