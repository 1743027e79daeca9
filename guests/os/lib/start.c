/*
 * Process start and end for mmulab's user programs.  __libc_start_main is
 * called by _start (crt0.S) with what the kernel left on the entry stack; it
 * records the environment and the auxiliary vector, runs main and exits with
 * its return value.  Only AT_PAGESZ is read from the auxiliary vector (a
 * missing one means 4096); the rest is kept for programs that want to look.
 */
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

char **environ;
unsigned long *__auxv;
unsigned long __page_size = 4096;

int main(int argc, char **argv, char **envp);

__attribute__((noreturn, used)) void __libc_start_main(int argc, char **argv, char **envp)
{
	char **p = envp;

	environ = envp;
	while (*p)
		p++;
	__auxv = (unsigned long *)(p + 1);
	for (unsigned long *a = __auxv; a[0] != AT_NULL; a += 2)
		if (a[0] == AT_PAGESZ && a[1])
			__page_size = a[1];
	exit(main(argc, argv, envp));
}

/* getauxval: the value of auxiliary vector entry TYPE, 0 if absent. */
unsigned long getauxval(unsigned long type)
{
	for (unsigned long *a = __auxv; a && a[0] != AT_NULL; a += 2)
		if (a[0] == type)
			return a[1];
	return 0;
}

/*
 * exit: end the whole process with STATUS.  Output is never buffered in
 * this library, so there is nothing to flush; exit_group ends every thread
 * (there is only one until threads come).
 */
void exit(int status)
{
	_exit(status);
}

void _exit(int status)
{
	for (;;)
		__syscall1(SYS_exit_group, status);
}

void abort(void)
{
	__syscall2(SYS_kill, __syscall0(SYS_getpid), 6 /* SIGABRT */);
	_exit(127);
}
