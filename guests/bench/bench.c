/*
 * bench.c — the benchmark kernel behind `make bench`.  Four phases that
 * stress what an interpreter pays for: an integer mix (multiply, shifts,
 * xor, add), memory copies (a C loop over qwords and REP MOVSQ), calls and
 * returns (recursive Fibonacci), and data-dependent branches (insertion
 * sort of pseudo-random keys).  Each phase folds its results into a
 * checksum printed at the end, so a wrong result is visible; the printed
 * values depend only on `iters`.
 *
 * The kernel command line `iters=N` scales the work (default 24, about
 * 1.5e9 instructions: see guests/README.md).  The run ends through
 * isa-debug-exit with EXIT_PASS.
 */
#include "guest.h"

#define COPY_BYTES	(64 * 1024)

static uint64_t buf_a[COPY_BYTES / 8], buf_b[COPY_BYTES / 8];
static uint32_t keys[512];

static uint64_t mix(uint64_t rounds, uint64_t seed)
{
	uint64_t x = seed, acc = 0;

	for (uint64_t i = 0; i < rounds; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += (x * 0x9E3779B97F4A7C15ul) >> 3;
		acc ^= acc >> 29;
		acc += i;
	}
	return acc;
}

static uint64_t copies(uint64_t rounds)
{
	uint64_t sum = 0;
	size_t n = COPY_BYTES / 8;

	for (size_t i = 0; i < n; i++)
		buf_a[i] = i * 0x0101010101010101ul;
	for (uint64_t r = 0; r < rounds; r++) {
		for (size_t i = 0; i < n; i++)
			buf_b[i] = buf_a[i] + r;
		uint64_t *s = buf_b, *d = buf_a;
		size_t c = n;

		__asm__ volatile("rep movsq" : "+S"(s), "+D"(d), "+c"(c) : : "memory");
		sum += buf_a[r % n];
	}
	return sum;
}

static uint64_t __attribute__((noinline)) fib(uint64_t n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t sorts(uint64_t rounds)
{
	uint64_t sum = 0, x = 88172645463325252ul;

	for (uint64_t r = 0; r < rounds; r++) {
		for (int i = 0; i < 512; i++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			keys[i] = (uint32_t)x;
		}
		for (int i = 1; i < 512; i++) {
			uint32_t k = keys[i];
			int j = i - 1;

			while (j >= 0 && keys[j] > k) {
				keys[j + 1] = keys[j];
				j--;
			}
			keys[j + 1] = k;
		}
		sum += keys[r % 512] ^ keys[511 - r % 512];
	}
	return sum;
}

int kmain(struct multiboot_info *mbi)
{
	uint64_t iters = cmdline_number("iters", 24);
	uint64_t t0 = rdtsc(), c_mix, c_copy, c_call = 0, c_sort, sum;

	printf("bench: iters=%lu\n", iters);
	c_mix = mix(iters * 1000000, 0x123456789ul);
	printf("bench: mix    %016lx\n", c_mix);
	c_copy = copies(iters * 400);
	printf("bench: copy   %016lx\n", c_copy);
	for (uint64_t i = 0; i < iters * 4; i++)
		c_call += fib(24 + (i & 1));
	printf("bench: calls  %016lx\n", c_call);
	c_sort = sorts(iters * 30);
	printf("bench: branch %016lx\n", c_sort);
	sum = c_mix ^ (c_copy * 3) ^ (c_call * 5) ^ (c_sort * 7);
	printf("bench: checksum %016lx\n", sum);
	printf("bench: tsc-delta %lu\n", rdtsc() - t0);
	return EXIT_PASS;
}
