/*
 * mmapstorm — TLB shootdowns under fire.  One writer thread keeps
 * replacing the pages of a shared region with fresh ones (mmap MAP_FIXED
 * over the whole region: the kernel unmaps the old pages, flushes every
 * CPU that may still translate them, frees them, maps new empty ones);
 * each new page gets the next generation number, tagged with its slot,
 * and only after the call returned and every slot is written is the
 * generation published.  Reader threads, one per other CPU, read the
 * region while a generation is published: every read must give exactly
 * that generation and that slot's tag.  An older generation, another
 * slot's tag or a 0 means a read went through a translation some CPU
 * should no longer have had — the frames of a replaced region are freed
 * and handed out again in the order they came back, so the next slot's
 * new page is often this slot's old frame.
 *
 * The two sides take turns, so that every number here is a function of
 * the sizes alone: each reader reads READS_PER_GEN times from each
 * generation (or what is left of its share of READS), says so, and spins
 * on the generation word — never touching the region — until the next
 * one is published; the writer replaces the region once all readers have
 * read the current generation.  While the writer replaces, the readers
 * spin on their CPUs with the region in their TLBs: every replacement is
 * one shootdown reaching each of them.  The counters of /proc/vmstat are
 * read after the first generation is published and after the last one was
 * read, while all readers still spin.  With more threads than CPUs the
 * spinners yield, so that all of them get to run.
 *
 *   mmapstorm [-t THREADS] [READS]    THREADS: default one per CPU (at
 *                                     least 2); READS: in all, default 200000
 */
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tlbstat.h"

#define NSLOT 4			/* pages in the region */
#define WORDS (4096 / sizeof(unsigned long))
#define MAX_THREADS 64
#define DEFAULT_READS 200000
#define READS_PER_GEN 64	/* each reader's reads of one generation */

static struct reader {
	pthread_t thread;
	int cpu;
	unsigned long reads, stale;
	unsigned long checked_gen;	/* the newest generation it has read */
	unsigned long first_stale_value, first_stale_expected;
	int done;
} readers[MAX_THREADS];

static unsigned long *region;
static unsigned long published;		/* the newest generation complete in every slot */
static int ready, stop;
static unsigned long total_reads = DEFAULT_READS;
static int nreaders;
static int shared_cpus;			/* more threads than CPUs */

/* Spin-wait step: yield when the CPU is shared. */
static void spin(void)
{
	if (shared_cpus)
		sched_yield();
}

static void *reader(void *arg)
{
	struct reader *r = arg;
	/* total_reads shared out: the first readers take one more for the remainder. */
	unsigned long left = total_reads / (unsigned long)nreaders +
			     ((unsigned long)(r - readers) < total_reads % (unsigned long)nreaders);

	r->cpu = sched_getcpu();
	__atomic_add_fetch(&ready, 1, __ATOMIC_SEQ_CST);
	for (unsigned long gen = 1; left; gen++) {
		unsigned long n = left < READS_PER_GEN ? left : READS_PER_GEN;

		while (__atomic_load_n(&published, __ATOMIC_ACQUIRE) < gen)
			spin();
		for (unsigned long i = 0; i < n; i++) {
			unsigned long slot = i % NSLOT, want = gen << 8 | slot;
			unsigned long v = __atomic_load_n(&region[slot * WORDS], __ATOMIC_ACQUIRE);

			if (v != want && !r->stale++) {
				r->first_stale_value = v;
				r->first_stale_expected = want;
			}
		}
		r->reads += n;
		left -= n;
		if (!left)	/* done first: whoever sees this generation read sees that too */
			__atomic_store_n(&r->done, 1, __ATOMIC_RELEASE);
		__atomic_store_n(&r->checked_gen, gen, __ATOMIC_RELEASE);
	}
	/* Stay on the CPU (its TLB a shootdown target) until the writer has its counters. */
	while (!__atomic_load_n(&stop, __ATOMIC_ACQUIRE))
		spin();
	return NULL;
}

/* One generation: fresh pages over the region, each written, then published. */
static int replace(unsigned long gen)
{
	void *p = mmap(region, NSLOT * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);

	if (p != region)
		return -1;
	for (unsigned long slot = 0; slot < NSLOT; slot++)
		__atomic_store_n(&region[slot * WORDS], gen << 8 | slot, __ATOMIC_RELEASE);
	__atomic_store_n(&published, gen, __ATOMIC_RELEASE);
	return 0;
}

/* Waits until every reader has read generation gen or is done; false when all are done. */
static int wait_for_readers(unsigned long gen)
{
	int reading = 0;

	for (int i = 0; i < nreaders; i++) {
		while (__atomic_load_n(&readers[i].checked_gen, __ATOMIC_ACQUIRE) < gen &&
		       !__atomic_load_n(&readers[i].done, __ATOMIC_ACQUIRE))
			spin();
		reading += !__atomic_load_n(&readers[i].done, __ATOMIC_ACQUIRE);
	}
	return reading;
}

int main(int argc, char **argv)
{
	int ncpus = online_cpus(), threads = ncpus < 2 ? 2 : ncpus, cpus_used = 0;
	unsigned long gen = 0, stale = 0, checked = 0;
	struct tlb_counters before, after;
	char seen[MAX_THREADS] = { 0 };
	int a = 1;

	if (a + 1 < argc && !strcmp(argv[a], "-t")) {
		threads = atoi(argv[a + 1]);
		a += 2;
	}
	if (a < argc)
		total_reads = strtoul(argv[a], NULL, 10);
	if (threads < 2 || threads > MAX_THREADS) {
		printf("mmapstorm: 2 to %d threads\n", MAX_THREADS);
		return 2;
	}
	nreaders = threads - 1;
	shared_cpus = threads > ncpus;
	region = mmap(NULL, NSLOT * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || replace(++gen)) {
		printf("mmapstorm: mmap failed\n");
		return 1;
	}
	read_tlb_counters(&before);
	for (int i = 0; i < nreaders; i++)
		if (pthread_create(&readers[i].thread, NULL, reader, &readers[i])) {
			printf("mmapstorm: pthread_create failed\n");
			return 1;
		}
	while (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) < nreaders)
		sched_yield();
	seen[(unsigned int)sched_getcpu() % MAX_THREADS] = 1;
	for (int i = 0; i < nreaders; i++)
		seen[(unsigned int)readers[i].cpu % MAX_THREADS] = 1;
	for (int i = 0; i < MAX_THREADS; i++)
		cpus_used += seen[i];
	printf("mmapstorm: %d threads (1 writer, %d reader%s) on %d CPU%s, %d-page region, %lu reads, %d per "
	       "generation and reader\n",
	       threads, nreaders, nreaders == 1 ? "" : "s", cpus_used, cpus_used == 1 ? "" : "s", NSLOT, total_reads,
	       READS_PER_GEN);
	while (wait_for_readers(gen))
		if (replace(++gen)) {
			printf("mmapstorm: mmap MAP_FIXED failed at generation %lu\n", gen);
			return 1;
		}
	read_tlb_counters(&after);
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	for (int i = 0; i < nreaders; i++) {
		pthread_join(readers[i].thread, NULL);
		stale += readers[i].stale;
		checked += readers[i].reads;
	}
	munmap(region, NSLOT * 4096);

	printf("mmapstorm: %lu generations, %lu reads checked, %lu stale\n", gen, checked, stale);
	for (int i = 0; i < nreaders; i++)
		if (readers[i].stale)
			printf("mmapstorm: reader %d on CPU %d: first stale read %#lx where %#lx was due\n", i + 1,
			       readers[i].cpu, readers[i].first_stale_value, readers[i].first_stale_expected);
	if (tlb_delta(before.ipi, after.ipi) < 0) {
		printf("mmapstorm: no TLB counters in /proc/vmstat\n");
	} else {
		printf("mmapstorm: shootdowns: nr_tlb_remote_flush +%ld, nr_tlb_shootdown_ipi +%ld, "
		       "nr_tlb_remote_flush_received +%ld\n",
		       after.remote_flush - before.remote_flush, after.ipi - before.ipi, after.received - before.received);
		printf("mmapstorm: local flushes: nr_tlb_local_flush_one +%ld, nr_tlb_local_flush_all +%ld\n",
		       after.flush_one - before.flush_one, after.flush_all - before.flush_all);
	}
	printf("mmapstorm: %s\n", stale ? "STALE READS" : "no stale reads");
	return stale ? 1 : 0;
}
