/*
 * pcidswitch — what PCID slots save.  Processes pinned to one CPU hand it
 * round to each other with sched_yield(), so every context switch is a
 * switch of address space and a CR3 write.  The kernel keeps 6 PCID slots
 * per CPU (arch/x86/tlb.c, as Linux's TLB_NR_DYN_ASIDS), each remembering
 * an address space, taken round-robin when a new one comes:
 *   - with at most 6 processes each keeps its slot: once all have run, no
 *     switch flushes (CR3 is written with bit 63, "keep this PCID's
 *     entries") and no slot changes hands;
 *   - with more, round-robin use evicts exactly the slot of the process
 *     that comes next: every switch takes a slot over and flushes it.
 * Without PCID (QEMU's TCG) every CR3 write flushes and there are no slots.
 *
 * One child reads the counters of /proc/vmstat after a warm-up round and
 * again after ROUNDS of its yields (each a full round of all processes);
 * the switches are the CR3 writes between the two reads.
 *
 *   pcidswitch [ROUNDS]    phases of 4 and 8 processes, ROUNDS 100
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tlbstat.h"

struct shared {
	int ready, done;
	long switches, noflush, flush, recycle, deferred;
};

/* Child `k` of nproc: yield until all are there; child 0 measures rounds. */
static void child(struct shared *sh, int k, int nproc, int rounds)
{
	struct tlb_counters a, b;

	__atomic_add_fetch(&sh->ready, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST) < nproc)
		sched_yield();
	if (k) {
		while (!__atomic_load_n(&sh->done, __ATOMIC_SEQ_CST))
			sched_yield();
		_exit(0);
	}
	read_tlb_counters(&a);	/* first touch of everything the reads use */
	sched_yield();		/* one full round: every process has run since all were there */
	read_tlb_counters(&a);
	for (int r = 0; r < rounds; r++)
		sched_yield();
	read_tlb_counters(&b);
	sh->noflush = tlb_delta(a.cr3_noflush, b.cr3_noflush);
	sh->flush = tlb_delta(a.cr3_flush, b.cr3_flush);
	sh->switches = sh->noflush < 0 ? -1 : sh->noflush + sh->flush;
	sh->recycle = tlb_delta(a.asid_recycle, b.asid_recycle);
	sh->deferred = tlb_delta(a.deferred, b.deferred);
	__atomic_store_n(&sh->done, 1, __ATOMIC_SEQ_CST);
	_exit(0);
}

static int phase(int nproc, int rounds, int cpu)
{
	struct shared *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status, failed = 0;

	if (sh == MAP_FAILED)
		return 1;
	for (int k = 0; k < nproc; k++) {
		pid_t pid = fork();

		if (pid < 0)
			return 1;
		if (pid == 0)
			child(sh, k, nproc, rounds);
	}
	for (int k = 0; k < nproc; k++)
		if (wait4(-1, &status, 0, NULL) < 0 || status)
			failed = 1;
	if (sh->switches < 0)
		printf("pcidswitch: %d processes on CPU %d, %d rounds: no TLB counters in /proc/vmstat\n", nproc, cpu,
		       rounds);
	else
		printf("pcidswitch: %d processes on CPU %d, %d rounds: %ld address-space switches, %ld without flush,"
		       " %ld flushing, %ld slot recycles, %ld deferred flushes\n",
		       nproc, cpu, rounds, sh->switches, sh->noflush, sh->flush, sh->recycle, sh->deferred);
	munmap(sh, 4096);
	return failed;
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 100, cpu = pick_cpu(-1);

	if (cpu < 0 || pin_to_cpu(cpu)) {	/* the children inherit the mask */
		printf("pcidswitch: cannot pin to one CPU\n");
		return 1;
	}
	if (phase(4, rounds, cpu) || phase(8, rounds, cpu))
		return 1;
	return 0;
}
