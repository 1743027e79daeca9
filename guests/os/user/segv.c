/*
 * segv: four bad accesses, each of which the kernel must answer with
 * SIGSEGV, killing only the process that made it.  With no arguments every
 * case runs in a forked child and the parent reports how each child ended
 * (wait4's status: killed by signal 11), then that it is still alive.
 * `segv CASE...` runs the named cases that way; `segv -x CASE` makes the
 * access in this process itself, so that the shell running it reports the
 * death.  The page-fault error code each should raise (x86 #PF: bit 0 P,
 * 1 W, 2 U, 4 I/D):
 *
 *   null    read from address 0, nothing mapped:            error 4 (U)
 *   text    write into this program's read-only .text:      error 7 (U|W|P)
 *           (6 if the kernel had not mapped that page yet)
 *   stack   call into a buffer on the non-executable stack: error 0x15 (U|I|P)
 *   kernel  read a higher-half kernel address (default
 *           0xffffffff80000000, or kernel=ADDR), present
 *           but supervisor-only:                            error 5 (U|P),
 *           or 4 where nothing is mapped there
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "workload.h"

/* Pointers gcc cannot see through, so it emits the accesses as written. */
static volatile uintptr_t target;

__attribute__((noinline)) static int victim(int x)
{
	return x + 1;
}

static void do_null(void)
{
	target = 0;
	printf("segv: null read %d (survived?)\n", *(volatile int *)target);
}

static void do_text(void)
{
	target = (uintptr_t)victim;
	*(volatile unsigned char *)target = 0xcc;
}

static void do_stack(void)
{
	unsigned char code[16];

	memset(code, 0xc3, sizeof(code)); /* RET */
	target = (uintptr_t)code;
	((void (*)(void))target)();
}

static void do_kernel(void)
{
	printf("segv: kernel read %d (survived?)\n", *(volatile int *)target);
}

static const struct bad_access {
	const char *name, *what;
	void (*fn)(void);
} cases[] = {
	{ "null", "NULL dereference", do_null },
	{ "text", "write to read-only .text", do_text },
	{ "stack", "execute from the NX stack", do_stack },
	{ "kernel", "read of a kernel address", do_kernel },
};

static const struct bad_access *find(const char *arg)
{
	target = 0xffffffff80000000UL;
	if (!strncmp(arg, "kernel=", 7)) {
		target = strtoul(arg + 7, 0, 0);
		arg = "kernel";
	}
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (!strcmp(arg, cases[i].name))
			return &cases[i];
	dprintf(2, "segv: unknown case %s (null, text, stack, kernel[=ADDR])\n", arg);
	return 0;
}

static void run_case(void *arg)
{
	const struct bad_access *c = arg;

	c->fn();
	printf("segv: %s did not fault\n", c->name);
}

static int report(const struct bad_access *c)
{
	char why[64];
	int status = in_child(run_case, (void *)c);

	printf("segv: %-6s %s: child %s\n", c->name, c->what,
	       describe_status(status, why, sizeof(why)));
	return status >= 0 && WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV;
}

int main(int argc, char **argv)
{
	int ok = 0, n = 0;

	if (argc == 3 && !strcmp(argv[1], "-x")) {
		const struct bad_access *c = find(argv[2]);
		if (!c)
			return 2;
		printf("segv: %s in process %d\n", c->what, getpid());
		run_case((void *)c);
		return 1;
	}
	if (argc == 1) {
		for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++, n++) {
			find(cases[i].name);
			ok += report(&cases[i]);
		}
	}
	for (int i = 1; i < argc; i++, n++) {
		const struct bad_access *c = find(argv[i]);
		if (!c)
			return 2;
		ok += report(c);
	}
	printf("segv: parent %d alive, %d of %d children killed by SIGSEGV\n", getpid(), ok, n);
	return ok == n ? 0 : 1;
}
