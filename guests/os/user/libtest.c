/*
 * libtest: a self-check of mmulab's user C library (guests/os/lib/), run on
 * the host Linux by tests/integration/osuser.sh and usable on the guest OS
 * as a smoke test of its system calls: printf conversions against literal
 * expectations, the string functions, and malloc/free/realloc/calloc under a
 * pseudo-random sequence of operations (sizes on both sides of the mmap
 * threshold, contents checked on every free) followed by the heap trim.
 * Prints a line per failed check and "libtest: P passed, F failed".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

static int passed, failed;

static void expect(int ok, const char *what)
{
	if (ok)
		passed++;
	else {
		failed++;
		printf("libtest: FAILED %s\n", what);
	}
}

static void expect_fmt(const char *want, const char *fmt, ...)
{
	char got[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(got, sizeof(got), fmt, ap);
	va_end(ap);
	if (strcmp(got, want)) {
		failed++;
		printf("libtest: FAILED format \"%s\": got \"%s\", want \"%s\"\n", fmt, got, want);
	} else {
		passed++;
	}
}

static void test_printf(void)
{
	char small[8];

	expect_fmt("42 -7 0", "%d %i %u", 42, -7, 0u);
	expect_fmt("-2147483648 4294967295", "%d %u", (int)0x80000000, 0xffffffffu);
	expect_fmt("ff FF 0xff 17", "%x %X %#x %o", 255, 255, 255, 15);
	expect_fmt("ffffffffffffffff -9223372036854775808", "%lx %ld", ~0UL, (long)INT64_MIN);
	expect_fmt("18446744073709551615 12345", "%zu %llu", (size_t)-1, 12345ULL);
	expect_fmt("[   42] [42   ] [00042] [+42] [ 42]", "[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42,
		   42, 42, 42);
	expect_fmt("[-0042] [  -42] [0x00ff]", "[%05d] [%5d] [%#06x]", -42, -42, 255);
	expect_fmt("[  abc] [abc  ] [ab]", "[%5s] [%-5s] [%.2s]", "abc", "abc", "abcdef");
	expect_fmt("[    7] [007]", "[%*d] [%.3d]", 5, 7, 7);
	expect_fmt("x% (null)", "%c%% %s", 'x', (char *)0);
	expect_fmt("0x401000 0x0", "%p %p", (void *)0x401000, (void *)0);
	expect_fmt("-1 255", "%hhd %hhu", 255, 255);
	expect(snprintf(small, sizeof(small), "%s", "0123456789") == 10 && !strcmp(small, "0123456"),
	       "snprintf truncates and returns the full length");
}

static void test_string(void)
{
	char buf[32], ov[16] = "abcdefgh";

	expect(strlen("hello") == 5 && strlen("") == 0, "strlen");
	expect(strcmp("abc", "abd") < 0 && strcmp("b", "a") > 0 && !strcmp("x", "x"), "strcmp");
	expect(strncmp("abcX", "abcY", 3) == 0 && strncmp("ab", "abc", 3) < 0, "strncmp");
	expect(!strcmp(strcpy(buf, "copy"), "copy") && !strcmp(strcat(buf, "cat"), "copycat"),
	       "strcpy strcat");
	expect(strchr("hello", 'l')[1] == 'l' && strrchr("hello", 'l')[1] == 'o' &&
		       !strchr("hello", 'z') && *strchr("hello", 0) == 0,
	       "strchr strrchr");
	expect(strstr("find the needle", "needle") && !strstr("abc", "abd"), "strstr");
	memset(buf, 'x', 10);
	expect(!memcmp(buf, "xxxxxxxxxx", 10) && memcmp("a", "b", 1) < 0, "memset memcmp");
	memmove(ov + 2, ov, 6);
	expect(!memcmp(ov, "ababcdef", 8), "memmove overlapping up");
	memmove(ov, ov + 2, 6);
	expect(!memcmp(ov, "abcdefef", 8), "memmove overlapping down");
	expect(strtoul("0x1f", 0, 0) == 31 && strtol("-12", 0, 10) == -12 && atoi("077") == 77 &&
		       strtoul("017", 0, 0) == 15,
	       "strtoul strtol atoi");
}

/* A small LCG (Knuth's MMIX constants), so the sequence is the same everywhere. */
static uint64_t seed = 1;

static unsigned long rnd(unsigned long n)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned long)(seed >> 33) % n;
}

#define SLOTS 64

static void test_malloc(void)
{
	static unsigned char *p[SLOTS];
	static size_t len[SLOTS];
	unsigned long bad = 0, mapped = 0;
	char *brk0 = sbrk(0), *brk1;

	for (int op = 0; op < 20000; op++) {
		int i = (int)rnd(SLOTS);
		if (p[i]) {
			for (size_t k = 0; k < len[i]; k += 1 + len[i] / 64)
				bad += p[i][k] != (unsigned char)(i + k);
			if (rnd(4) == 0) {
				size_t n = rnd(4) == 0 ? 100000 + rnd(200000) : 1 + rnd(2000);
				unsigned char *q = realloc(p[i], n);
				size_t keep = n < len[i] ? n : len[i];
				for (size_t k = 0; q && k < keep; k += 1 + keep / 64)
					bad += q[k] != (unsigned char)(i + k);
				p[i] = q;
				len[i] = n;
				for (size_t k = 0; q && k < n; k++)
					q[k] = (unsigned char)(i + k);
				continue;
			}
			free(p[i]);
			p[i] = 0;
			continue;
		}
		len[i] = rnd(8) == 0 ? 100000 + rnd(200000) : 1 + rnd(3000);
		p[i] = rnd(2) ? malloc(len[i]) : calloc(1, len[i]);
		if (!p[i]) {
			bad++;
			continue;
		}
		mapped += len[i] >= MMAP_THRESHOLD;
		bad += ((uintptr_t)p[i] & 15) != 0;
		for (size_t k = 0; k < len[i]; k++)
			p[i][k] = (unsigned char)(i + k);
	}
	expect(bad == 0, "20000 malloc/calloc/realloc/free keep contents and alignment");
	expect(mapped > 0, "some blocks took the mmap path");
	for (int i = 0; i < SLOTS; i++)
		free(p[i]);
	brk1 = sbrk(0);
	expect(brk1 - brk0 <= 256 * 1024, "the heap is trimmed after everything is freed");
	expect(malloc(0) != 0 && realloc(0, 10) != 0, "malloc(0) and realloc(NULL, n)");
	char *z = calloc(1000, 1000);
	int nonzero = 0;
	for (int k = 0; z && k < 1000000; k += 4096)
		nonzero |= z[k];
	expect(z && !nonzero, "calloc of a mapping is zero");
	free(z);
}

int main(void)
{
	test_printf();
	test_string();
	test_malloc();
	printf("libtest: %d passed, %d failed\n", passed, failed);
	return failed != 0;
}
