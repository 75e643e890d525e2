/* xstate_preload.c - LD_PRELOAD library for linux.uml: wraps glibc's ptrace() with
 * xstate_fix_ptrace() (why: see xstate_fix.c). Built at lab setup by tests/lab/uml-xstate-preload. */
#define _GNU_SOURCE
#include "xstate_fix.h"

#include <dlfcn.h>
#include <stdarg.h>
#include <sys/ptrace.h>

static struct xstate_fix fix;   /* UML calls ptrace() from one host thread */
static long (*glibc_ptrace)(enum __ptrace_request request, ...);

/* glibc's ptrace() is variadic: call it as such */
static long real_ptrace(int request, pid_t pid, void *addr, void *data)
{
	return glibc_ptrace((enum __ptrace_request)request, pid, addr, data);
}

long ptrace(enum __ptrace_request request, ...)
{
	va_list ap;
	pid_t pid;
	void *addr, *data;

	va_start(ap, request);
	pid = va_arg(ap, pid_t);
	addr = va_arg(ap, void *);
	data = va_arg(ap, void *);
	va_end(ap);
	if (glibc_ptrace == NULL)
		glibc_ptrace = (long (*)(enum __ptrace_request, ...))dlsym(RTLD_NEXT, "ptrace");
	return xstate_fix_ptrace(&fix, real_ptrace, (int)request, pid, addr, data);
}
