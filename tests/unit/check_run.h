/*
 * tests/unit/check_run.h — how every unit-test program runs its suite:
 * with CK_ENV, so tests/unit/run.sh's CK_VERBOSITY=verbose prints one line
 * per test, and with the exit status telling whether any failed.
 */
#ifndef MMULAB_TESTS_CHECK_RUN_H
#define MMULAB_TESTS_CHECK_RUN_H

#include <check.h>

/* Run `s` (freed afterwards); returns 0 when every test passed, else 1. */
static inline int check_run(Suite *s)
{
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_ENV);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed != 0;
}

#endif
