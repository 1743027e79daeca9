/*
 * cow: copy-on-write after fork, counted.  The parent maps N pages
 * (`cow N`, default 1024) and writes a value into each; fork shares them all
 * with the child, write-protected on both sides.  The child
 *
 *   reads every page:  no faults — the shared frames are mapped already;
 *   writes half:       exactly N/2 faults, each copying one frame.
 *
 * Then the parent checks that the child's writes never reached its own
 * pages, and writes every page itself: N more faults, but no copies — after
 * the child exited the parent is each frame's last owner and reuses it.
 * (Frames are not visible in RSS, which counts mapped pages; the guest
 * shell's meminfo shows them.)  Fault counts are exact on the guest OS and on
 * the host Linux when transparent huge pages stay out (MADV_NOHUGEPAGE).
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "workload.h"

static unsigned long npages;
static volatile unsigned long *mem;

/* word: the first word of page I, where the value lives. */
static volatile unsigned long *word(unsigned long i)
{
	return mem + i * (PAGE_SIZE / sizeof(*mem));
}

static unsigned long check(unsigned long stride, unsigned long add)
{
	unsigned long bad = 0;

	for (unsigned long i = 0; i < npages; i++)
		if (*word(i) != i + ((i % stride) == 0 ? add : 0))
			bad++;
	return bad;
}

static void child(void *unused)
{
	long f0, f1, f2;
	unsigned long bad_read, bad_write;

	f0 = minflt();
	bad_read = check(1, 0);
	f1 = minflt();
	for (unsigned long i = 0; i < npages; i += 2)
		*word(i) += 1000000;
	f2 = minflt();
	bad_write = check(2, 1000000);
	printf("cow: child read %lu pages: minflt +%ld, %s\n", npages, f1 - f0,
	       bad_read ? "values WRONG" : "values ok");
	printf("cow: child wrote %lu pages: minflt +%ld (COW faults), %s\n", npages / 2 + npages % 2,
	       f2 - f1, bad_write ? "values WRONG" : "values ok");
	_exit(bad_read || bad_write ? 1 : 0);
}

int main(int argc, char **argv)
{
	char why[64];
	int status;
	long f0, f1;
	unsigned long len;

	npages = argc > 1 ? strtoul(argv[1], 0, 0) : 1024;
	len = npages * PAGE_SIZE;
	mem = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("cow: mmap");
		return 1;
	}
	madvise((void *)mem, len, MADV_NOHUGEPAGE);
	f0 = minflt();
	for (unsigned long i = 0; i < npages; i++)
		*word(i) = i;
	f1 = minflt();
	printf("cow: parent wrote %lu pages: minflt +%ld\n", npages, f1 - f0);

	status = in_child(child, 0);
	printf("cow: child %s\n", describe_status(status, why, sizeof(why)));
	printf("cow: parent's pages after the child wrote: %s\n",
	       check(1, 0) ? "CHANGED" : "unchanged");
	f0 = minflt();
	for (unsigned long i = 0; i < npages; i++)
		*word(i) += 1;
	f1 = minflt();
	printf("cow: parent wrote %lu pages again: minflt +%ld (sole owner: frames reused)\n",
	       npages, f1 - f0);
	return status == 0 ? 0 : 1;
}
