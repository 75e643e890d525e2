/* xstate_fix.h - the decision of the UML xstate wrapper (xstate_preload.c), kept apart from the
 * LD_PRELOAD entry point so that a unit test can drive it with a fake ptrace() on any host. */
#ifndef IPSECD_LAB_XSTATE_FIX_H
#define IPSECD_LAB_XSTATE_FIX_H

#include <stddef.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* glibc's ptrace() with its four arguments spelled out */
typedef long (*xstate_ptrace_fn)(int request, pid_t pid, void *addr, void *data);

/* 64 KiB: far above any XSAVE area known today (about 11 KiB with AMX) */
enum { XSTATE_FIX_MAX = 64 * 1024 };

struct xstate_fix {
	size_t host_size;                       /* the host's whole XSTATE area; 0 until probed */
	unsigned char area[XSTATE_FIX_MAX];     /* static storage: UML's kernel stacks are small */
};

/* Calls real(request, pid, addr, data), except for a PTRACE_SETREGSET of NT_X86_XSTATE shorter
 * than the host's area: that one becomes the tracee's whole current area with the caller's
 * bytes laid over its start. Returns what real() returned (errno as real() left it). */
long xstate_fix_ptrace(struct xstate_fix *fix, xstate_ptrace_fn real,
		       int request, pid_t pid, void *addr, void *data);

#ifdef __cplusplus
}
#endif
#endif
