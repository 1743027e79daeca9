/*
 * threads — the thread calls, checked: clone with CLONE_VM | CLONE_THREAD
 * (pthread_create), CLONE_CHILD_CLEARTID and the futex wake at exit
 * (pthread_join), futex WAIT/WAKE (mutexes, barriers, a timeout), gettid
 * against getpid, CLONE_SETTLS (pthread_self), exit of one thread against
 * exit_group, and a fatal signal ending every thread of a process.  The
 * same program runs on a Linux host (tests/integration/osuser.sh).
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 4
#define INCREMENTS 20000

static int passed, failed;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t barrier;
static long counter;
static int tids[NTHREADS], pids[NTHREADS], selves_ok[NTHREADS], phases[NTHREADS];

static void check(int ok, const char *what)
{
	printf("threads: %s %s\n", what, ok ? "ok" : "FAILED");
	if (ok)
		passed++;
	else
		failed++;
}

static void *worker(void *arg)
{
	long i = (long)arg;

	tids[i] = gettid();
	pids[i] = getpid();
	for (int n = 0; n < INCREMENTS; n++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	selves_ok[i] = pthread_self() != pthread_self() ? 0 : 1;
	for (int p = 0; p < 3; p++) {
		pthread_barrier_wait(&barrier);
		phases[i]++;
	}
	if (i == NTHREADS - 1)
		pthread_exit((void *)(i * 100));
	return (void *)(i * 10);
}

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		;
	return NULL;
}

static void *exit_group_thread(void *arg)
{
	exit((int)(long)arg);	/* exit_group: the whole process ends with 3 */
}

static int in_child(void (*fn)(void))
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		fn();
		_exit(0);
	}
	return pid < 0 || waitpid(pid, &status, 0) != pid ? -1 : status;
}

static void child_exit_group(void)
{
	pthread_t t;
	struct timespec ts = { 10, 0 };

	pthread_create(&t, NULL, exit_group_thread, (void *)3);
	nanosleep(&ts, NULL);	/* ended by the thread's exit_group long before */
	_exit(0);
}

static void child_killed(void)
{
	pthread_t t;

	pthread_create(&t, NULL, spin, NULL);
	pthread_create(&t, NULL, spin, NULL);
	kill(getpid(), SIGKILL);	/* the whole process goes, its spinning threads too */
	for (;;)
		;
}

int main(void)
{
	pthread_t t[NTHREADS];
	void *ret[NTHREADS];
	int word = 0, distinct = 1, same_pid = 1;
	struct timespec tick = { 0, 20000000 };

	pthread_barrier_init(&barrier, NULL, NTHREADS);
	for (long i = 0; i < NTHREADS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)i))
			printf("threads: pthread_create failed\n");
	for (int i = 0; i < NTHREADS; i++)
		pthread_join(t[i], &ret[i]);
	for (int i = 0; i < NTHREADS; i++) {
		same_pid &= pids[i] == getpid();
		distinct &= tids[i] != getpid() && tids[i] > 0;
		for (int j = 0; j < i; j++)
			distinct &= tids[i] != tids[j];
	}
	check(counter == (long)NTHREADS * INCREMENTS, "4 threads x 20000 increments under one mutex: 80000");
	check(same_pid && distinct, "getpid the same in every thread, gettid its own");
	check(selves_ok[0] && selves_ok[1] && selves_ok[2] && selves_ok[3], "pthread_self (FS base, CLONE_SETTLS)");
	check(phases[0] == 3 && phases[1] == 3 && phases[2] == 3 && phases[3] == 3, "3 barrier rounds");
	check(ret[0] == (void *)0 && ret[1] == (void *)10 && ret[2] == (void *)20 && ret[3] == (void *)300,
	      "pthread_join returns what each returned (or gave pthread_exit)");
	check(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 1, NULL) == -1 && errno == EAGAIN,
	      "FUTEX_WAIT on a word holding another value: EAGAIN");
	check(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, &tick) == -1 && errno == ETIMEDOUT,
	      "FUTEX_WAIT with a 20 ms timeout: ETIMEDOUT");
	check(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL) == 0, "FUTEX_WAKE with no waiter: 0 woken");
	check(in_child(child_exit_group) == 3 << 8, "exit_group from a thread ends the process (status 3)");
	check(in_child(child_killed) == SIGKILL, "SIGKILL ends a process and all its threads");
	printf("threads: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
