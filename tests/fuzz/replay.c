/*
 * tests/fuzz/replay.c — the fuzz tier of `make test`: run every saved input
 * in a corpus folder (default tests/fuzz/corpus) twice on a fresh machine
 * and check that both runs end in the same state.  Built with the normal
 * CFLAGS, so under `make asan` it runs with ASan and UBSan, which turn any
 * memory error or undefined behaviour an input provokes into a failure.
 *
 * Prints "PASS fuzz-replay N inputs", or a FAIL line per bad input.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/fuzz.h"

#define REPLAY_MAX_INPUT (1u << 20)

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read `path` into buf (at most REPLAY_MAX_INPUT bytes).  Returns the size or
 * -1. */
static long slurp(const char *path, uint8_t *buf)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, REPLAY_MAX_INPUT, f);
	int bad = ferror(f);
	fclose(f);
	return bad ? -1 : (long)n;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "tests/fuzz/corpus";
	DIR *d = opendir(dir);
	if (!d) {
		printf("FAIL fuzz-replay cannot open %s\n", dir);
		return 0;
	}
	char **names = NULL;
	size_t count = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (count == cap) {
			cap = cap ? 2 * cap : 256;
			char **nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				abort();
			names = nn;
		}
		names[count] = strdup(e->d_name);
		if (!names[count])
			abort();
		count++;
	}
	closedir(d);
	qsort(names, count, sizeof(*names), by_name);

	uint8_t *buf = malloc(REPLAY_MAX_INPUT);
	if (!buf)
		abort();
	int failed = 0;
	for (size_t k = 0; k < count; k++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[k]);
		long n = slurp(path, buf);
		struct fuzz_result a, b;
		if (n < 0 || fuzz_run_one(buf, (size_t)n, &a) ||
		    fuzz_run_one(buf, (size_t)n, &b)) {
			printf("FAIL fuzz-replay %s: cannot run\n", names[k]);
			failed++;
		} else if (n > 0 && memcmp(&a, &b, sizeof(a))) {
			printf("FAIL fuzz-replay %s: two runs differ\n",
			       names[k]);
			failed++;
		}
		free(names[k]);
	}
	free(names);
	free(buf);
	if (!failed)
		printf("PASS fuzz-replay %zu inputs\n", count);
	return 0;
}
