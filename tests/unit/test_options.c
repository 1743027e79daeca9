/*
 * tests/unit/test_options.c — mmulab's command-line parser (emu/options.c).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"
#include "tests/unit/check_run.h"

static struct options o;
static char err[EMU_ERR];

static int parse(int argc, const char **argv)
{
	return options_parse(&o, argc, (char **)argv, err, sizeof(err));
}

START_TEST(defaults)
{
	const char *argv[] = { "mmulab", "k.elf" };
	ck_assert_int_eq(parse(2, argv), 0);
	ck_assert_str_eq(o.kernel, "k.elf");
	ck_assert_str_eq(o.append, "");
	ck_assert_ptr_null(o.initrd);
	ck_assert_str_eq(o.serial, "stdio");
	ck_assert_uint_eq(o.ram_size, 128ull << 20);
	ck_assert_uint_eq(o.quantum, 10000);
	ck_assert_uint_eq(o.max_insns, 0);
	ck_assert_uint_eq(o.debugexit_base, 0xf4);
}
END_TEST

START_TEST(qemu_command_line)
{
	const char *argv[] = { "mmulab", "-accel", "tcg", "-kernel", "k.elf",
			       "-serial", "stdio", "-display", "none", "-no-reboot",
			       "-device", "isa-debug-exit,iobase=0x501,iosize=2",
			       "-m", "1G", "-append", "a b", "-initrd", "m1,m2" };
	ck_assert_int_eq(parse(18, argv), 0);
	ck_assert_str_eq(o.kernel, "k.elf");
	ck_assert_uint_eq(o.ram_size, 1ull << 30);
	ck_assert_uint_eq(o.debugexit_base, 0x501);
	ck_assert_uint_eq(o.debugexit_size, 2);
	ck_assert_str_eq(o.append, "a b");
	ck_assert_str_eq(o.initrd, "m1,m2");
	ck_assert_int_eq(o.no_reboot, 1);
}
END_TEST

START_TEST(long_options)
{
	const char *argv[] = { "mmulab", "--max-insns", "1000", "--timeout=2.5",
			       "--quantum", "0x100", "k" };
	ck_assert_int_eq(parse(7, argv), 0);
	ck_assert_uint_eq(o.max_insns, 1000);
	ck_assert(o.timeout == 2.5);
	ck_assert_uint_eq(o.quantum, 256);
}
END_TEST

START_TEST(sizes)
{
	uint64_t b;
	ck_assert_int_eq(options_parse_size("256", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 256ull << 20);
	ck_assert_int_eq(options_parse_size("256M", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 256ull << 20);
	ck_assert_int_eq(options_parse_size("size=2G", &b, err, sizeof(err)), 0);
	ck_assert_uint_eq(b, 2ull << 30);
	ck_assert_int_eq(options_parse_size("4096k", &b, err, sizeof(err)), 0);
	ck_assert_int_eq(options_parse_size("1", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(options_parse_size("4G", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(options_parse_size("lots", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(options_parse_size("12Q", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(options_parse_size("-5", &b, err, sizeof(err)), -1);
	ck_assert_int_eq(options_parse_size("99999999999999999999", &b, err,
					    sizeof(err)), -1);
}
END_TEST

START_TEST(errors)
{
	const char *a1[] = { "mmulab", "--bogus", "k" };
	ck_assert_int_eq(parse(3, a1), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown option"));
	const char *a2[] = { "mmulab", "k", "-m" };
	ck_assert_int_eq(parse(3, a2), -1);
	ck_assert_ptr_nonnull(strstr(err, "needs an argument"));
	const char *a3[] = { "mmulab" };
	ck_assert_int_eq(parse(1, a3), -1);
	const char *a4[] = { "mmulab", "-device", "e1000", "k" };
	ck_assert_int_eq(parse(4, a4), -1);
	const char *a5[] = { "mmulab", "--quantum", "0", "k" };
	ck_assert_int_eq(parse(4, a5), -1);
	const char *a6[] = { "mmulab", "a", "b" };
	ck_assert_int_eq(parse(3, a6), -1);
	const char *a7[] = { "mmulab", "--help" };
	ck_assert_int_eq(parse(2, a7), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("options");
	TCase *t = tcase_create("parse");
	tcase_add_test(t, defaults);
	tcase_add_test(t, qemu_command_line);
	tcase_add_test(t, long_options);
	tcase_add_test(t, sizes);
	tcase_add_test(t, errors);
	suite_add_tcase(s, t);
	return check_run(s);
}
