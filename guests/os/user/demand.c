/*
 * demand: demand paging, counted.  mmap 64 MiB of anonymous memory (or
 * `demand MIB`), then read one byte of every page, then write one byte of
 * every page, and report the minor faults (getrusage ru_minflt) and the peak
 * RSS (ru_maxrss, KiB) each phase added:
 *
 *   mmap:  no faults and no RSS: mmap only creates the VMA.
 *   read:  one fault per page (16 384 for 64 MiB); each maps the shared zero
 *          page read-only, so RSS does not grow.
 *   write: one fault per page again: the zero page is write-protected, so
 *          each write faults and gets a fresh zeroed frame; RSS grows by the
 *          whole 64 MiB.
 *
 * On the guest OS the counts are exact.  On the host Linux they agree when
 * transparent huge pages stay out (hence MADV_NOHUGEPAGE, which the guest
 * may refuse; with THP a fault maps 2 MiB at once); Linux's fault-around
 * only maps file pages, never anonymous ones.  Linux carries ru_maxrss
 * across execve (the peak of the process before), so there the write phase
 * can show a little less than the full 64 MiB.  Nothing else runs between the
 * two getrusage calls of a phase: the counters are read into variables
 * whose pages were touched before, and printed at the end.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "workload.h"

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], 0, 0) : 64;
	unsigned long len = mib << 20, pages = len / PAGE_SIZE;
	struct rusage r0, r1, r2, r3;
	volatile char *p;
	unsigned long sum = 0;

	getrusage(RUSAGE_SELF, &r0);
	p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("demand: mmap");
		return 1;
	}
	madvise((void *)p, len, MADV_NOHUGEPAGE);
	getrusage(RUSAGE_SELF, &r1);
	for (unsigned long i = 0; i < pages; i++)
		sum += p[i * PAGE_SIZE];
	getrusage(RUSAGE_SELF, &r2);
	for (unsigned long i = 0; i < pages; i++)
		p[i * PAGE_SIZE] = 1;
	getrusage(RUSAGE_SELF, &r3);

	printf("demand: mmap %lu MiB = %lu pages at %p\n", mib, pages, (void *)p);
	printf("demand: mmap:  minflt +%ld, maxrss +%ld KiB\n", r1.ru_minflt - r0.ru_minflt,
	       r1.ru_maxrss - r0.ru_maxrss);
	printf("demand: read:  minflt +%ld, maxrss +%ld KiB (sum of bytes read %lu)\n",
	       r2.ru_minflt - r1.ru_minflt, r2.ru_maxrss - r1.ru_maxrss, sum);
	printf("demand: write: minflt +%ld, maxrss +%ld KiB\n", r3.ru_minflt - r2.ru_minflt,
	       r3.ru_maxrss - r2.ru_maxrss);
	printf("demand: expected %lu faults per phase, +0 KiB then +%lu KiB\n", pages, len >> 10);
	munmap((void *)p, len);
	return 0;
}
