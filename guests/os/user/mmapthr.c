/*
 * mmapthr: the malloc mmap threshold.  malloc(64), malloc(4096) and
 * malloc(100000) come from the brk heap; malloc(200000) and malloc(8 MiB),
 * at or above the 128 KiB threshold (MMAP_THRESHOLD, glibc's default), get
 * mappings of their own — in the guest shell's pmap they are two separate
 * anonymous VMAs.  free() of such a block unmaps it at once: a child touching
 * the freed 200000-byte block dies of SIGSEGV, while the freed heap blocks
 * stay mapped for reuse.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "workload.h"

static volatile char *probe;

static void touch_probe(void *unused)
{
	*probe = 1;
}

int main(void)
{
	static const unsigned long sizes[] = { 64, 4096, 100000, 200000, 8UL << 20 };
	enum { N = sizeof(sizes) / sizeof(sizes[0]) };
	char *heap_start = sbrk(0), *heap_end, *p[N];
	char why[64];

	for (int i = 0; i < N; i++) {
		p[i] = malloc(sizes[i]);
		if (!p[i]) {
			perror("mmapthr: malloc");
			return 1;
		}
		p[i][0] = p[i][sizes[i] - 1] = 1;
	}
	heap_end = sbrk(0);
	printf("mmapthr: threshold %d bytes, brk heap [%p, %p)\n", MMAP_THRESHOLD,
	       (void *)heap_start, (void *)heap_end);
	for (int i = 0; i < N; i++) {
		int in_heap = p[i] >= heap_start && p[i] < heap_end;
		printf("mmapthr: malloc(%lu) = %p %s\n", sizes[i], (void *)p[i],
		       in_heap ? "in the brk heap" : "in its own mmap region");
	}
	for (int i = 0; i < N; i++)
		free(p[i]);
	probe = p[3];
	printf("mmapthr: after free(), touching the 200000-byte block: child %s\n",
	       describe_status(in_child(touch_probe, 0), why, sizeof(why)));
	probe = p[2];
	printf("mmapthr: after free(), touching the 100000-byte block: child %s\n",
	       describe_status(in_child(touch_probe, 0), why, sizeof(why)));
	return 0;
}
