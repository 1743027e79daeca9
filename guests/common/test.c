/*
 * test.c — TAP-style reporting for mmulab test kernels.  Each check prints
 * "ok N - what" or "not ok N - what" (with "#   got ... want ..." after a
 * failed CHECK_EQ); test_done() prints the plan "1..N" and a summary line and
 * ends the run through isa-debug-exit: EXIT_PASS when every check passed,
 * else EXIT_FAIL.
 */
#include "guest.h"

static int tests_run, tests_failed;

static void report(int ok, const char *fmt, va_list ap)
{
	tests_run++;
	if (!ok)
		tests_failed++;
	printf("%sok %d - ", ok ? "" : "not ", tests_run);
	vprintf(fmt, ap);
	printf("\n");
}

void test_vcheck(int ok, const char *fmt, va_list ap)
{
	report(ok, fmt, ap);
}

void test_check(int ok, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(ok, fmt, ap);
	va_end(ap);
}

void test_check_eq(uint64_t got, uint64_t want, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(got == want, fmt, ap);
	va_end(ap);
	if (got != want)
		printf("#   got %#lx want %#lx\n", got, want);
}

void test_skip(const char *why, const char *fmt, ...)
{
	va_list ap;

	tests_run++;
	printf("ok %d - ", tests_run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" # SKIP %s\n", why);
}

void test_diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void test_done(void)
{
	printf("1..%d\n", tests_run);
	printf("# %d passed, %d failed\n", tests_run - tests_failed, tests_failed);
	guest_exit(tests_failed ? EXIT_FAIL : EXIT_PASS);
}
