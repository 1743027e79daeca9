/*
 * sched: the kernel's own test of preemption and process control, run as
 * init from an initrd of its own (tests/integration/os.sh, case "sched").
 * It is not a workload: it checks the kernel, not the memory demonstrations.
 *
 *   - a child spins in user mode and never makes a system call; the parent
 *     sleeps 50 ms in nanosleep.  With one CPU the parent can only wake if
 *     the timer preempts the spinner (round robin on the APIC timer);
 *   - a second child sleeps 20 ms three times and exits 7;
 *   - the parent kills the spinner (SIGKILL) and reaps both with wait4,
 *     printing the Linux-encoded statuses (0x700: exit 7; 0x9: SIGKILL).
 * The output does not depend on timing as long as the timer ticks, so it is
 * the same on mmulab and on QEMU.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { 0, ms * 1000000 };

	nanosleep(&ts, 0);
}

int main(void)
{
	volatile unsigned long spins = 0;
	pid_t spinner, sleeper, pid;
	int status;

	spinner = fork();
	if (spinner == 0)
		for (;;)
			spins++;
	sleeper = fork();
	if (sleeper == 0) {
		for (int i = 0; i < 3; i++)
			sleep_ms(20);
		_exit(7);
	}
	sleep_ms(50);
	printf("sched: parent woke while child %d spun in user mode\n", spinner);
	if (kill(spinner, SIGKILL) < 0)
		perror("sched: kill");
	pid = wait4(sleeper, &status, 0, 0);
	printf("sched: sleeper %s, status %#x\n", pid == sleeper ? "reaped" : "NOT reaped", status);
	pid = wait4(-1, &status, 0, 0);
	printf("sched: spinner %s, status %#x\n", pid == spinner ? "reaped" : "NOT reaped", status);
	pid = wait4(-1, &status, 0, 0);
	printf("sched: no more children: %s\n", pid < 0 ? "yes" : "no");
	return 0;
}
