/*
 * maps: where this program's memory lives, printed like /proc/self/maps —
 * one line per region, "START-END PERMS NAME", lowest address first:
 * .text (r-x), .rodata (r--), .data and .bss (rw-, from the linker script's
 * symbols), the brk heap, an anonymous mmap region ([mmap]), and the stack (from a
 * local variable up to the end of the argument and environment strings).
 * Section bounds are exact; the kernel maps them in whole pages.
 *
 * Where /proc/self/maps exists (the host Linux; not the guest OS) each
 * region is checked to lie inside mappings with the same permissions.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "workload.h"

extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __bss_start[], __bss_end[];

struct region {
	uintptr_t start, end;
	const char *perms, *name;
};

static int data_word = 1; /* make .data non-empty */
static int bss_word;	  /* and .bss */

/* covered: does /proc/self/maps text MAPS cover R with R's permissions? */
static int covered(const char *maps, const struct region *r)
{
	uintptr_t cur = r->start;

	for (const char *l = maps; *l && cur < r->end;) {
		char *e;
		uintptr_t s = strtoul(l, &e, 16), t = strtoul(e + 1, &e, 16);
		if (s <= cur && cur < t && !strncmp(e + 1, r->perms, 4))
			cur = t;
		l = strchr(l, '\n');
		if (!l)
			break;
		l++;
	}
	return cur >= r->end;
}

static void cross_check(const struct region *r, int n)
{
	static char maps[65536];
	int fd = open("/proc/self/maps", O_RDONLY), bad = 0;
	size_t len = 0;
	ssize_t got;

	if (fd < 0) {
		printf("maps: no /proc/self/maps here, cross-check skipped\n");
		return;
	}
	while (len < sizeof(maps) - 1 && (got = read(fd, maps + len, sizeof(maps) - 1 - len)) > 0)
		len += (size_t)got;
	close(fd);
	maps[len] = 0;
	for (int i = 0; i < n; i++)
		if (!covered(maps, &r[i])) {
			printf("maps: %s is NOT where /proc/self/maps says\n", r[i].name);
			bad++;
		}
	if (!bad)
		printf("maps: all %d regions agree with /proc/self/maps\n", n);
}

int main(int argc, char **argv)
{
	int local = data_word + bss_word;
	char *heap_start = sbrk(0), *top = argv[0];
	void *anon;
	struct region r[7];

	if (!malloc(64))
		return 1;
	anon = mmap(0, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED) {
		perror("maps: mmap");
		return 1;
	}
	for (int i = 0; i < argc; i++)
		if (argv[i] + strlen(argv[i]) + 1 > top)
			top = argv[i] + strlen(argv[i]) + 1;
	for (char **e = environ; *e; e++)
		if (*e + strlen(*e) + 1 > top)
			top = *e + strlen(*e) + 1;

	r[0] = (struct region){ (uintptr_t)__text_start, (uintptr_t)__text_end, "r-xp", ".text" };
	r[1] = (struct region){ (uintptr_t)__rodata_start, (uintptr_t)__rodata_end, "r--p",
				".rodata" };
	r[2] = (struct region){ (uintptr_t)__data_start, (uintptr_t)__data_end, "rw-p", ".data" };
	r[3] = (struct region){ (uintptr_t)__bss_start, (uintptr_t)__bss_end, "rw-p", ".bss" };
	r[4] = (struct region){ (uintptr_t)heap_start, (uintptr_t)sbrk(0), "rw-p", "[heap]" };
	r[5] = (struct region){ (uintptr_t)anon, (uintptr_t)anon + PAGE_SIZE, "rw-p",
				"[mmap]" };
	r[6] = (struct region){ (uintptr_t)&local & ~(PAGE_SIZE - 1), (uintptr_t)top, "rw-p",
				"[stack]" };
	for (int i = 0; i < 7; i++)
		printf("%012lx-%012lx %s %s\n", (unsigned long)r[i].start, (unsigned long)r[i].end,
		       r[i].perms, r[i].name);
	cross_check(r, 7);
	return 0;
}
