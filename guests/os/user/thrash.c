/*
 * thrash [PASSES]: a working set a little larger than RAM (MemTotal * 9/8,
 * from /proc/meminfo) written one word per page, PASSES times (default 3).
 * Nothing fits: every pass faults most pages back in from swap (major
 * faults) while kswapd and direct reclaim push others out, aging them by
 * their accessed bits on the way.  Prints per pass the faults and the
 * reclaim counters of /proc/vmstat that moved.  Needs swap (swapon).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "procfs.h"
#include "workload.h"

static const char *const counters[] = {
	"pswpin", "pswpout", "pgscan_kswapd", "pgsteal_kswapd", "pgscan_direct", "pgsteal_direct",
	"pgactivate", "pgdeactivate", "kswapd_wakeups",
};
#define NR_COUNTERS (sizeof(counters) / sizeof(counters[0]))

int main(int argc, char **argv)
{
	unsigned long passes = argc > 1 ? strtoul(argv[1], 0, 10) : 3;
	long total_kb = proc_value("/proc/meminfo", "MemTotal");
	unsigned long pages = (unsigned long)total_kb / 4 * 9 / 8, bad = 0;
	unsigned long *mem;

	mem = mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (total_kb <= 0 || mem == MAP_FAILED) {
		printf("thrash: no memory to map\n");
		return 1;
	}
	printf("thrash: MemTotal %ld kB, working set %lu pages (%lu KiB), %lu passes\n", total_kb, pages, pages * 4,
	       passes);
	for (unsigned long pass = 1; pass <= passes; pass++) {
		long before[NR_COUNTERS], maj0 = majflt();

		for (unsigned long i = 0; i < NR_COUNTERS; i++)
			before[i] = proc_value("/proc/vmstat", counters[i]);
		for (unsigned long p = 0; p < pages; p++) {
			unsigned long *w = mem + p * (PAGE_SIZE / sizeof(long));

			if (pass > 1 && *w != (p << 8 | (pass - 1)))
				bad++;
			*w = p << 8 | pass;
		}
		printf("thrash: pass %lu: majflt +%ld", pass, majflt() - maj0);
		for (unsigned long i = 0; i < NR_COUNTERS; i++)
			printf(", %s +%ld", counters[i], proc_value("/proc/vmstat", counters[i]) - before[i]);
		printf("\n");
	}
	printf("thrash: %lu pages held the wrong value\n", bad);
	return bad ? 1 : 0;
}
