/*
 * What the memory workloads in guests/os/user/ share: reading the fault and
 * RSS counters, and running a step in a forked child to see how it ends.
 * Static inline, so that each workload stays one self-contained program.
 */
#ifndef USER_WORKLOAD_H
#define USER_WORKLOAD_H

#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE 4096UL

/* minflt: this process's minor faults so far (getrusage ru_minflt). */
static inline long minflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) < 0 ? -1 : ru.ru_minflt;
}

/* majflt: this process's major faults so far (getrusage ru_majflt). */
static inline long majflt(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) < 0 ? -1 : ru.ru_majflt;
}

/*
 * in_child: run FN(ARG) in a forked child, which exits 0 if FN returns;
 * wait for it and return its wait status, or -1 if fork or wait4 failed.
 */
static inline int in_child(void (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	if (wait4(pid, &status, 0, 0) != pid)
		return -1;
	return status;
}

/* describe_status: "killed by signal 11 (SIGSEGV)" or "exited with status N". */
static inline const char *describe_status(int status, char *buf, unsigned long size)
{
	if (status < 0)
		snprintf(buf, size, "could not be run");
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
	return buf;
}

#endif
