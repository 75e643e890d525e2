/* xstate_fix.c - why this exists: on hosts whose CPU has AMX (Sapphire/Emerald Rapids,
 * `grep amx_tile /proc/cpuinfo`) Debian 12's user-mode Linux (linux.uml 6.1) panics at boot:
 *
 *     userspace - ptrace set fp regs failed, errno = 14
 *     Kernel panic - not syncing: Attempted to kill init! exitcode=0x0000000b
 *
 * The host kernel accepts PTRACE_SETREGSET with NT_X86_XSTATE only for the whole XSAVE area
 * (count == fpu_user_cfg.max_size, else EFAULT); with AMX that area is about 11 KiB (TILEDATA
 * alone is 8 KiB) and UML passes its own smaller buffer. PTRACE_GETREGSET with a small buffer
 * succeeds (the kernel truncates), which is why UML believes XSTATE works. So a short write is
 * turned into a full one: read the tracee's whole current area, lay UML's bytes over its start,
 * write the whole area. Where the sizes match (no AMX) every call passes through untouched.
 * Delete this (and xstate_preload.c, tests/lab/uml-xstate-preload) once Debian's UML passes
 * the full area itself. */
#include "xstate_fix.h"

#include <elf.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>

/* The host's area size: what PTRACE_GETREGSET fills of a buffer larger than any area. */
static int probe_host_area(struct xstate_fix *fix, xstate_ptrace_fn real, pid_t pid, void *addr)
{
	struct iovec whole = { fix->area, sizeof fix->area };

	if (real(PTRACE_GETREGSET, pid, addr, &whole) != 0)
		return -1;
	fix->host_size = whole.iov_len;
	return 0;
}

long xstate_fix_ptrace(struct xstate_fix *fix, xstate_ptrace_fn real,
		       int request, pid_t pid, void *addr, void *data)
{
	const struct iovec *in = data;
	struct iovec whole;

	if (request != PTRACE_SETREGSET || (unsigned long)addr != NT_X86_XSTATE || in == NULL ||
	    (fix->host_size != 0 && in->iov_len >= fix->host_size))
		return real(request, pid, addr, data);
	/* reads the tracee's current area into fix->area (and learns the size on first use) */
	if (probe_host_area(fix, real, pid, addr) != 0 || in->iov_len >= fix->host_size)
		return real(request, pid, addr, data);
	memcpy(fix->area, in->iov_base, in->iov_len);
	whole.iov_base = fix->area;
	whole.iov_len = fix->host_size;
	return real(request, pid, addr, &whole);
}
