/*
 * brk: the heap VMA grows and shrinks with the program break.
 *
 *   sbrk(+256 KiB)   moves the break: the heap VMA grows, nothing faults yet;
 *   first touch      one fault per page (64), each a fresh zeroed frame;
 *   second touch     no faults: the pages are mapped;
 *   sbrk(-128 KiB)   returns the upper half: a child touching the first
 *                    page above the new break dies of SIGSEGV;
 *   sbrk(+128 KiB)   the same addresses again, now fresh demand-zero pages:
 *                    they read as zero (what was written there is gone) and
 *                    fault once per page again on first touch (32).
 *
 * The heap starts right after .bss, page-aligned (on the host Linux at a
 * random offset above it).  No malloc here: the break is this program's own.
 */
#include <stdlib.h>
#include <unistd.h>

#include "workload.h"

#define GROW (256 * 1024L)

static volatile char *probe;

static void touch_probe(void *unused)
{
	*probe = 1;
}

int main(void)
{
	char why[64];
	char *start, *base, *top;
	long f0, f1, f2, f3, f4, f5;
	unsigned long pages = GROW / PAGE_SIZE, nonzero = 0;
	extern char _end[];

	start = sbrk(0);
	/* Start on a page boundary so that the page counts are exact. */
	sbrk((long)((-(unsigned long)start) & (PAGE_SIZE - 1)));
	base = sbrk(0);
	printf("brk: end of .bss %p, initial break %p\n", (void *)_end, (void *)start);

	f0 = minflt();
	if (sbrk(GROW) == (void *)-1) {
		perror("brk: sbrk");
		return 1;
	}
	top = sbrk(0);
	f1 = minflt();
	for (unsigned long i = 0; i < pages; i++)
		base[i * PAGE_SIZE] = (char)0xAA;
	f2 = minflt();
	for (unsigned long i = 0; i < pages; i++)
		base[i * PAGE_SIZE + 1] = (char)0xAA;
	f3 = minflt();
	printf("brk: sbrk(+%ld KiB): break %p -> %p, minflt +%ld\n", GROW / 1024, (void *)base,
	       (void *)top, f1 - f0);
	printf("brk: first touch of %lu pages: minflt +%ld\n", pages, f2 - f1);
	printf("brk: second touch: minflt +%ld\n", f3 - f2);

	sbrk(-GROW / 2);
	top = sbrk(0);
	probe = top;
	printf("brk: sbrk(-%ld KiB): break -> %p\n", GROW / 2 / 1024, (void *)top);
	printf("brk: a child touching %p (above the break) %s\n", (void *)top,
	       describe_status(in_child(touch_probe, 0), why, sizeof(why)));

	sbrk(GROW / 2);
	f4 = minflt();
	for (unsigned long i = pages / 2; i < pages; i++)
		nonzero += base[i * PAGE_SIZE] != 0;
	f5 = minflt();
	printf("brk: sbrk(+%ld KiB) again: %lu of %lu pages nonzero, minflt +%ld on reading them\n",
	       GROW / 2 / 1024, nonzero, pages / 2, f5 - f4);
	return 0;
}
