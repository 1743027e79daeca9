/*
 * overcommit: the three overcommit modes side by side (vm.overcommit_memory,
 * set here through /proc/sys/vm): what mmap accepts when it is asked, and
 * what fails later, when the pages are touched.
 *
 *   mode 0 (heuristic)  one request up to RAM + swap is accepted, one page
 *                       more is refused;
 *   mode 1 (always)     everything is accepted (a terabyte), and a child
 *                       touching twice the RAM meets the OOM killer;
 *   mode 2 (never)      the largest mapping accepted, found by bisection,
 *                       against what the kernel reports: CommitLimit,
 *                       Committed_AS, this process's VmSize and
 *                       user_reserve_kbytes (tests/integration/osmem.sh
 *                       works the boundary out from them with Linux's
 *                       rule); the accepted mapping can be touched in full.
 *                       Then the same with overcommit_kbytes instead of the
 *                       ratio.
 *
 * Ends with mode 0, ratio 50 and kbytes 0 again.  Run it without swap to
 * see mode 1's OOM kill quickly.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "procfs.h"
#include "workload.h"

static int set(const char *name, long value)
{
	char path[64], v[24];

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	snprintf(v, sizeof(v), "%ld", value);
	if (write_proc(path, v)) {
		printf("overcommit: cannot set %s: %s\n", name, strerror(errno));
		return -1;
	}
	return 0;
}

static long vm(const char *name)
{
	char path[64], buf[32];

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	return read_proc(path, buf, sizeof(buf)) > 0 ? strtol(buf, 0, 10) : -1;
}

/* Does mmap accept `pages` private writable pages? (Unmapped again at once.) */
static int accepts(unsigned long pages)
{
	void *p = mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return 0;
	munmap(p, pages * PAGE_SIZE);
	return 1;
}

static const char *verdict(unsigned long pages)
{
	return accepts(pages) ? "accepted" : strerror(errno);
}

static void touch_twice_ram(void *arg)
{
	unsigned long pages = *(unsigned long *)arg;
	char *p = mmap(0, pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(1);
	for (unsigned long i = 0; i < pages; i++)
		p[i * PAGE_SIZE] = 1;
}

/* Mode 2: the inputs of Linux's rule, then the largest mapping accepted. */
static void mode2(const char *how)
{
	long limit = proc_value("/proc/meminfo", "CommitLimit"), committed = proc_value("/proc/meminfo", "Committed_AS");
	long vmsize = proc_value("/proc/self/status", "VmSize"), reserve = vm("user_reserve_kbytes");
	unsigned long lo = 0, hi = (unsigned long)limit / 4 + 1;
	char *p;

	while (lo + 1 < hi) {	/* accepts(lo), not accepts(hi) */
		unsigned long mid = lo + (hi - lo) / 2;

		if (accepts(mid))
			lo = mid;
		else
			hi = mid;
	}
	printf("overcommit: mode 2 (%s): CommitLimit %ld kB, Committed_AS %ld kB, VmSize %ld kB, "
	       "user_reserve_kbytes %ld: largest mmap accepted %lu pages, %lu pages: %s\n",
	       how, limit, committed, vmsize, reserve, lo, lo + 1, verdict(lo + 1));
	p = mmap(0, lo * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p != MAP_FAILED) {
		long min0 = minflt();

		for (unsigned long i = 0; i < lo; i++)
			p[i * PAGE_SIZE] = 1;
		printf("overcommit: mode 2 (%s): touched all %lu pages of it: minflt +%ld\n", how, lo, minflt() - min0);
		munmap(p, lo * PAGE_SIZE);
	}
}

int main(void)
{
	long ram = proc_value("/proc/meminfo", "MemTotal") / 4, swap = proc_value("/proc/meminfo", "SwapTotal") / 4;
	unsigned long twice = (unsigned long)ram * 2;
	char why[64];

	printf("overcommit: MemTotal %ld pages, SwapTotal %ld pages, overcommit_ratio %ld\n", ram, swap,
	       vm("overcommit_ratio"));
	if (set("overcommit_memory", 0))
		return 1;
	printf("overcommit: mode 0 (heuristic): RAM + swap = %ld pages: %s\n", ram + swap, verdict((unsigned long)(ram + swap)));
	printf("overcommit: mode 0 (heuristic): RAM + swap + 1 = %ld pages: %s\n", ram + swap + 1,
	       verdict((unsigned long)(ram + swap + 1)));
	set("overcommit_memory", 1);
	printf("overcommit: mode 1 (always): 1 TiB = %lu pages: %s\n", 1ul << 28, verdict(1ul << 28));
	printf("overcommit: mode 1 (always): a child touching twice the RAM (%lu pages): %s\n", twice,
	       describe_status(in_child(touch_twice_ram, &twice), why, sizeof(why)));
	set("overcommit_memory", 2);
	mode2("overcommit_ratio 50");
	set("overcommit_kbytes", 16384);
	mode2("overcommit_kbytes 16384");
	set("overcommit_ratio", 50);
	set("overcommit_memory", 0);
	printf("overcommit: back to mode 0, CommitLimit %ld kB\n", proc_value("/proc/meminfo", "CommitLimit"));
	return 0;
}
