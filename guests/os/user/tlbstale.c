/*
 * tlbstale — why shootdowns exist, and why a CPU that was away must catch
 * up.  Two threads of one process on two CPUs; the page at X first maps
 * the first page of this program's own file (read-only: the page-cache
 * frame, which stays in memory whatever happens to the mapping; it starts
 * with "\177ELF").
 *
 * 1. The reader thread, on the second CPU, reads X, so that its TLB caches
 *    the translation, and spins.  The main thread, on the first CPU, maps a
 *    fresh anonymous page over X (mmap MAP_FIXED), writes "new!" into it
 *    and tells the reader, which reads X again.  The kernel had to shoot
 *    down the reader CPU's TLB entry inside that mmap call: the reader sees
 *    "new!".  Booted with tlb.skip_shootdown=1 the kernel leaves out that
 *    one IPI on purpose, and the reader's CPU keeps reading the old frame
 *    through its stale entry — nothing faults, the data is just wrong;
 *    mmulab's TLB panel shows the entry still there on the reader's CPU.
 * 2. The reader caches a second page Y the same way, then sleeps (futex):
 *    its CPU goes idle with the process's tables still loaded (lazy TLB).
 *    The main thread replaces Y: no IPI goes to a lazy CPU, the process's
 *    TLB generation moves on instead.  Woken, the reader's CPU sees that its
 *    generation is behind and flushes before running it (a deferred flush):
 *    the reader sees "new!" again.
 *
 * Everything the two threads share is written by the main thread before
 * the reader starts, so that no copy-on-write fault makes an earlier
 * shootdown the one skipped.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tlbstat.h"

static struct {
	volatile char *x, *y;
	int reader_cpu, reader_tid;
	int cached, replaced, cached2, wake2;
	char before[5], after[5], before2[5], after2[5];
} s;

static void show(char *out, volatile const char *p)
{
	for (int i = 0; i < 4; i++)
		out[i] = p[i] >= ' ' && p[i] < 127 ? p[i] : '.';
	out[4] = '\0';
}

static void *reader(void *arg)
{
	(void)arg;
	s.reader_tid = gettid();
	if (pin_to_cpu(s.reader_cpu))
		return NULL;
	show(s.before, s.x);	/* the TLB of this CPU now holds X -> the file's frame */
	__atomic_store_n(&s.cached, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&s.replaced, __ATOMIC_SEQ_CST))
		;
	show(s.after, s.x);
	show(s.before2, s.y);	/* and now Y */
	__atomic_store_n(&s.cached2, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&s.wake2, __ATOMIC_SEQ_CST))
		futex(&s.wake2, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, NULL);
	show(s.after2, s.y);
	return NULL;
}

/* The state letter of task tid in /proc/TID/stat ('S' asleep), or 0. */
static char task_state(int tid)
{
	char path[32], buf[256], *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", tid);
	if (read_proc(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return 0;
	return p[2];
}

/* A file page mapped read-only, its first bytes "\177ELF". */
static void *map_file_page(int fd)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* The new page over p; its first bytes "new!". */
static int replace(void *p)
{
	if (mmap(p, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != p)
		return -1;
	memcpy(p, "new!", 4);
	return 0;
}

int main(int argc, char **argv)
{
	int main_cpu = pick_cpu(-1), fd, stale;
	struct tlb_counters before, after;
	pthread_t t;

	(void)argc;
	s.reader_cpu = pick_cpu(main_cpu);
	if (main_cpu < 0 || s.reader_cpu < 0) {
		printf("tlbstale: needs 2 CPUs, has %d\n", online_cpus());
		return 0;
	}
	if ((fd = open(argv[0], O_RDONLY)) < 0)
		fd = open("/bin/tlbstale", O_RDONLY);	/* run by name through $PATH */
	if (pin_to_cpu(main_cpu) || fd < 0) {
		printf("tlbstale: cannot pin or open %s\n", argv[0]);
		return 1;
	}
	s.x = map_file_page(fd);
	s.y = map_file_page(fd);
	close(fd);
	if (!s.x || !s.y)
		return 1;
	s.cached = s.replaced = s.cached2 = s.wake2 = 0;	/* written here first: no COW fault later */
	memset(s.before, 0, sizeof(s.before));
	memset(s.after, 0, sizeof(s.after));
	memset(s.before2, 0, sizeof(s.before2));
	memset(s.after2, 0, sizeof(s.after2));
	if (pthread_create(&t, NULL, reader, NULL))
		return 1;

	/* 1. The reader spins on its CPU: the replacement must shoot its entry down. */
	while (!__atomic_load_n(&s.cached, __ATOMIC_SEQ_CST))
		sched_yield();
	read_tlb_counters(&before);
	if (replace((void *)s.x))
		return 1;
	read_tlb_counters(&after);
	__atomic_store_n(&s.replaced, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&s.cached2, __ATOMIC_SEQ_CST))
		sched_yield();
	stale = strcmp(s.after, "new!") != 0;
	printf("tlbstale: main on CPU %d replaced the page the reader on CPU %d had read (\"%s\")\n", main_cpu,
	       s.reader_cpu, s.before);
	if (tlb_delta(before.ipi, after.ipi) >= 0)
		printf("tlbstale: shootdown IPIs for the replacement: %ld (skipped on purpose: %ld)\n",
		       after.ipi - before.ipi, after.skipped - before.skipped);
	printf("tlbstale: the reader then read \"%s\": %d stale read%s\n", s.after, stale, stale ? "" : "s");
	if (stale)
		printf("tlbstale: CPU %d used a TLB entry for a page that had been unmapped: the shootdown was"
		       " skipped\n",
		       s.reader_cpu);

	/* 2. The reader asleep, its CPU lazy: no IPI, a deferred flush when it runs again. */
	while (task_state(s.reader_tid) != 'S')
		sched_yield();
	read_tlb_counters(&before);
	if (replace((void *)s.y))
		return 1;
	__atomic_store_n(&s.wake2, 1, __ATOMIC_SEQ_CST);
	futex(&s.wake2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL);
	pthread_join(t, NULL);
	read_tlb_counters(&after);
	stale = strcmp(s.after2, "new!") != 0;
	if (tlb_delta(before.deferred, after.deferred) >= 0)
		printf("tlbstale: the reader asleep (its CPU lazy): shootdown IPIs %ld, deferred flushes %ld\n",
		       after.ipi - before.ipi, after.deferred - before.deferred);
	printf("tlbstale: woken, the reader read \"%s\": %d stale read%s\n", s.after2, stale, stale ? "" : "s");
	return 0;
}
