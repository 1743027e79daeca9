/*
 * memhog SIZE [PASSES]: maps SIZE bytes of anonymous memory (suffix k, m
 * or g) and writes every page, PASSES times (default 1).  Each pass first
 * checks that every word of every page still holds what the previous pass
 * wrote — a pattern made of the page number, the pass and the word's
 * place — then writes this pass's.  With swap, pages the previous pass
 * wrote come back from disk (major faults); without, the OOM killer ends
 * it.  Prints per pass the faults and the swap traffic (/proc/vmstat
 * pswpin, pswpout), and exits 1 if any word was wrong.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "procfs.h"
#include "workload.h"

static unsigned long pattern(unsigned long page, unsigned long pass, unsigned long word)
{
	return (page << 24 | pass << 12 | word) ^ 0x5a5aa5a5c3c33c3cul;
}

/* A size: a number with an optional k, m or g suffix. */
static unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	switch (*end) {
	case 'g': case 'G': v <<= 10; /* fall through */
	case 'm': case 'M': v <<= 10; /* fall through */
	case 'k': case 'K': v <<= 10;
	}
	return v;
}

int main(int argc, char **argv)
{
	unsigned long size = argc > 1 ? parse_size(argv[1]) : 0, passes = argc > 2 ? strtoul(argv[2], 0, 10) : 1;
	unsigned long pages = size / PAGE_SIZE, bad = 0;
	unsigned long *mem;

	if (!pages || !passes) {
		dprintf(2, "usage: memhog SIZE[k|m|g] [PASSES]\n");
		return 2;
	}
	mem = mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		printf("memhog: mmap of %lu pages failed\n", pages);
		return 1;
	}
	printf("memhog: %lu pages (%lu KiB), %lu passes\n", pages, pages * 4, passes);
	for (unsigned long pass = 1; pass <= passes; pass++) {
		long min0 = minflt(), maj0 = majflt();
		long in0 = proc_value("/proc/vmstat", "pswpin"), out0 = proc_value("/proc/vmstat", "pswpout");
		unsigned long pass_bad = 0;

		for (unsigned long p = 0; p < pages; p++) {
			unsigned long *w = mem + p * (PAGE_SIZE / sizeof(long));

			for (unsigned long i = 0; i < PAGE_SIZE / sizeof(long); i++) {
				if (pass > 1 && w[i] != pattern(p, pass - 1, i) && !pass_bad++)
					printf("memhog: pass %lu: page %lu word %lu holds %#lx, not %#lx\n", pass, p,
					       i, w[i], pattern(p, pass - 1, i));
				w[i] = pattern(p, pass, i);
			}
		}
		bad += pass_bad;
		printf("memhog: pass %lu: minflt +%ld, majflt +%ld, pswpin +%ld, pswpout +%ld, %s\n", pass,
		       minflt() - min0, majflt() - maj0, proc_value("/proc/vmstat", "pswpin") - in0,
		       proc_value("/proc/vmstat", "pswpout") - out0, pass_bad ? "WRONG WORDS" : "verified");
	}
	return bad ? 1 : 0;
}
