/*
 * oomtest: the OOM killer picks its victim by oom_badness, not by size
 * alone.  Four children each map and touch part of RAM (MemTotal from
 * /proc/meminfo) and wait:
 *
 *   A  RAM/8              oom_score_adj    0
 *   B  RAM/4              oom_score_adj    0
 *   C  RAM/16             oom_score_adj  300   (small, but marked to go first)
 *   D  RAM*3/8            oom_score_adj -1000  (the largest, and exempt)
 *
 * Their /proc/PID/oom_score and RSS are printed and the highest score
 * named as the expected victim.  Then a fifth child, itself exempt
 * (-1000), touches page after page until one of them is gone: the
 * kernel's report (task table, "Out of memory: Killed process ...") says
 * whom it chose and why, and oomtest prints how each child ended.  The
 * survivors are killed at the end; the system stays up.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#include "procfs.h"
#include "workload.h"

#define NCHILD 4

static const char *const names[NCHILD] = { "A", "B", "C", "D" };
static const long sixteenths[NCHILD] = { 2, 4, 1, 6 };
static const int adj[NCHILD] = { 0, 0, 300, -1000 };

static void set_adj(pid_t pid, int value)
{
	char path[48], v[16];

	snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid);
	snprintf(v, sizeof(v), "%d", value);
	if (write_proc(path, v))
		printf("oomtest: cannot write %s\n", path);
}

static void nap(void)
{
	struct timespec ts = { 0, 10000000 };	/* 10 ms */

	nanosleep(&ts, 0);
}

/* A child: adjusts itself, touches `pages` pages, then waits to be killed. */
static void hog(long pages, int my_adj, const pid_t *watch, int nwatch)
{
	char *p = mmap(0, (unsigned long)pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	set_adj(getpid(), my_adj);
	if (p == MAP_FAILED)
		_exit(1);
	for (long i = 0; i < pages; i++) {
		p[i * PAGE_SIZE] = 1;
		/* The trigger stops once a watched process is gone. */
		if (nwatch && i % 64 == 63)
			for (int k = 0; k < nwatch; k++)
				if (kill(watch[k], 0))
					_exit(0);
	}
	for (;;)
		nap();
}

int main(void)
{
	long ram = proc_value("/proc/meminfo", "MemTotal") / 4, best = -1;
	pid_t pid[NCHILD + 1], expected = 0;
	char path[48], why[64];
	int status;

	printf("oomtest: MemTotal %ld pages, SwapTotal %ld kB\n", ram, proc_value("/proc/meminfo", "SwapTotal"));
	for (int i = 0; i < NCHILD; i++) {
		long pages = ram * sixteenths[i] / 16;

		if ((pid[i] = fork()) == 0)
			hog(pages, adj[i], 0, 0);
		snprintf(path, sizeof(path), "/proc/%d/status", pid[i]);
		while (proc_value(path, "VmRSS") < pages * 4)
			nap();
	}
	for (int i = 0; i < NCHILD; i++) {
		long score;

		char buf[24];

		snprintf(path, sizeof(path), "/proc/%d/oom_score", pid[i]);
		score = read_proc(path, buf, sizeof(buf)) > 0 ? strtol(buf, 0, 10) : -1;
		snprintf(path, sizeof(path), "/proc/%d/status", pid[i]);
		printf("oomtest: child %s pid %d: VmRSS %ld kB, VmPTE %ld kB, VmSwap %ld kB, oom_score_adj %d, "
		       "oom_score %ld\n", names[i], pid[i], proc_value(path, "VmRSS"), proc_value(path, "VmPTE"),
		       proc_value(path, "VmSwap"), adj[i], score);
		if (score > best) {
			best = score;
			expected = pid[i];
		}
	}
	printf("oomtest: the highest oom_score is pid %d's: it should be the victim\n", expected);
	if ((pid[NCHILD] = fork()) == 0)
		hog(ram, -1000, pid, NCHILD);
	waitpid(pid[NCHILD], &status, 0);
	printf("oomtest: the trigger %s\n", describe_status(status, why, sizeof(why)));
	for (int i = 0; i < NCHILD; i++) {
		pid_t got = waitpid(pid[i], &status, WNOHANG);

		if (got == pid[i]) {
			printf("oomtest: child %s (pid %d) %s%s\n", names[i], pid[i], describe_status(status, why, sizeof(why)),
			       pid[i] == expected ? ": as predicted" : "");
		} else {
			kill(pid[i], SIGKILL);
			waitpid(pid[i], &status, 0);
			printf("oomtest: child %s (pid %d) survived the OOM killer\n", names[i], pid[i]);
		}
	}
	return 0;
}
