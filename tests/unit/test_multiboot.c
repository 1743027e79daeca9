/*
 * tests/unit/test_multiboot.c — the Multiboot information builder
 * (firmware/multiboot.c, firmware/e820.c) and the kernel loader
 * (emu/loader.c) on synthetic images.  Expected addresses and values are
 * the ones qemu-system-x86_64 7.2 gives a probe kernel that prints its
 * Multiboot information (see firmware/README.md).
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu/emu.h"
#include "firmware/e820.h"
#include "firmware/multiboot.h"
#include "tests/unit/check_run.h"

static struct bus bus;
static char err[EMU_ERR];

static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, 128ull << 20), 0);
	err[0] = 0;
}

static void teardown(void)
{
	bus_free(&bus);
}

static uint32_t rd32(uint64_t pa)
{
	return (uint32_t)bus_phys_read(&bus, pa, 4);
}

static const char *str_at(uint64_t pa)
{
	return (const char *)bus.ram + pa;
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put16(uint8_t *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

/* ---- memory map ---- */

START_TEST(e820_128m)
{
	struct e820_entry map[E820_MAX];
	int n = e820_build(128ull << 20, map);
	static const struct e820_entry want[] = {
		{ 0, 0x9fc00, 1 },           { 0x9fc00, 0x400, 2 },
		{ 0xf0000, 0x10000, 2 },     { 0x100000, 0x7ee0000, 1 },
		{ 0x7fe0000, 0x20000, 2 },   { 0xfffc0000, 0x40000, 2 },
		{ 0xfd00000000ull, 0x300000000ull, 2 },
	};
	ck_assert_int_eq(n, 7);
	for (int i = 0; i < n; i++) {
		ck_assert_uint_eq(map[i].addr, want[i].addr);
		ck_assert_uint_eq(map[i].len, want[i].len);
		ck_assert_uint_eq(map[i].type, want[i].type);
	}
}
END_TEST

/* ---- information structure ---- */

START_TEST(info_no_modules)
{
	struct mb_boot boot = { .load_addr = 0x100000, .kernel_size = 0x2040,
				.kernel_path = "probe.elf", .append = "" };
	ck_assert_int_eq(mb_build_info(&bus, &boot, err, sizeof(err)), MB_INFO_ADDR);
	uint32_t i = MB_INFO_ADDR;
	ck_assert_uint_eq(rd32(i + MBI_FLAGS), 0x24f);
	ck_assert_uint_eq(rd32(i + MBI_MEM_LOWER), 0x27f);
	ck_assert_uint_eq(rd32(i + MBI_MEM_UPPER), 0x1fb80);
	ck_assert_uint_eq(rd32(i + MBI_BOOT_DEVICE), 0x8000ffff);
	ck_assert_uint_eq(rd32(i + MBI_CMDLINE), 0x103000);
	ck_assert_str_eq(str_at(0x103000), "probe.elf ");
	ck_assert_uint_eq(rd32(i + MBI_MODS_COUNT), 0);
	ck_assert_uint_eq(rd32(i + MBI_MODS_ADDR), 0x103000);
	ck_assert_uint_eq(rd32(i + MBI_MMAP_LENGTH), 0xa8);
	ck_assert_uint_eq(rd32(i + MBI_MMAP_ADDR), 0x9000);
	ck_assert_uint_eq(rd32(i + MBI_BOOT_LOADER_NAME), 0x10300b);
	ck_assert_str_eq(str_at(0x10300b), "qemu");
	/* First and fourth map entries, each preceded by its size (20). */
	ck_assert_uint_eq(rd32(0x9000), 20);
	ck_assert_uint_eq(rd32(0x9004), 0);
	ck_assert_uint_eq(rd32(0x900c), 0x9fc00);
	ck_assert_uint_eq(rd32(0x9014), 1);
	ck_assert_uint_eq(rd32(0x9000 + 3 * 24 + 4), 0x100000);
	ck_assert_uint_eq(rd32(0x9000 + 3 * 24 + 12), 0x7ee0000);
	/* The unused fields stay zero. */
	ck_assert_uint_eq(rd32(i + 28), 0);
	ck_assert_uint_eq(rd32(i + 84), 0);
}
END_TEST

START_TEST(info_modules_as_qemu)
{
	/* qemu -kernel probe.elf -append "foo bar" -initrd "m1.txt arg1 x,m2.bin" */
	const char *initrd = "m1.txt arg1 x,m2.bin";
	char **names;
	int n = mb_split_initrd(initrd, &names);
	ck_assert_int_eq(n, 2);
	struct mb_module mods[2] = {
		{ (const uint8_t *)"hello\n", 6, names[0] },
		{ (const uint8_t *)"abcdefgh", 8, names[1] },
	};
	struct mb_boot boot = { .load_addr = 0x100000, .kernel_size = 0x2040,
				.kernel_path = "probe.elf", .append = "foo bar",
				.initrd = initrd, .mods = mods, .nmods = 2 };
	ck_assert_int_eq(mb_build_info(&bus, &boot, err, sizeof(err)), MB_INFO_ADDR);
	uint32_t i = MB_INFO_ADDR;
	ck_assert_uint_eq(rd32(i + MBI_MODS_COUNT), 2);
	ck_assert_uint_eq(rd32(i + MBI_MODS_ADDR), 0x103000);
	ck_assert_uint_eq(rd32(i + MBI_CMDLINE), 0x103035);
	ck_assert_str_eq(str_at(0x103035), "probe.elf foo bar");
	ck_assert_uint_eq(rd32(i + MBI_BOOT_LOADER_NAME), 0x103047);
	ck_assert_uint_eq(rd32(0x103000), 0x104000);
	ck_assert_uint_eq(rd32(0x103004), 0x104006);
	ck_assert_uint_eq(rd32(0x103008), 0x103020);
	ck_assert_str_eq(str_at(0x103020), "m1.txt arg1 x");
	ck_assert_uint_eq(rd32(0x103010), 0x105000);
	ck_assert_uint_eq(rd32(0x103014), 0x105008);
	ck_assert_uint_eq(rd32(0x103018), 0x10302e);
	ck_assert_str_eq(str_at(0x10302e), "m2.bin");
	ck_assert_int_eq(memcmp(bus.ram + 0x104000, "hello\n", 6), 0);
	ck_assert_int_eq(memcmp(bus.ram + 0x105000, "abcdefgh", 8), 0);
	mb_free_split(names, n);
}
END_TEST

START_TEST(info_escaped_commas)
{
	/* qemu -kernel ./probe.elf -append "a,b,,c  d" -initrd "m1.txt x,,y,m2.bin" */
	const char *initrd = "m1.txt x,,y,m2.bin";
	char **names;
	int n = mb_split_initrd(initrd, &names);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(names[0], "m1.txt x,y");
	ck_assert_str_eq(names[1], "m2.bin");
	struct mb_module mods[2] = {
		{ (const uint8_t *)"hello\n", 6, names[0] },
		{ (const uint8_t *)"abcdefgh", 8, names[1] },
	};
	struct mb_boot boot = { .load_addr = 0x100000, .kernel_size = 0x2040,
				.kernel_path = "./probe.elf", .append = "a,b,,c  d",
				.initrd = initrd, .mods = mods, .nmods = 2 };
	ck_assert_int_eq(mb_build_info(&bus, &boot, err, sizeof(err)), MB_INFO_ADDR);
	ck_assert_uint_eq(rd32(MB_INFO_ADDR + MBI_CMDLINE), 0x103032);
	ck_assert_str_eq(str_at(0x103032), "./probe.elf a,b,,c  d");
	ck_assert_uint_eq(rd32(MB_INFO_ADDR + MBI_BOOT_LOADER_NAME), 0x103049);
	ck_assert_uint_eq(rd32(0x103018), 0x10302b);
	mb_free_split(names, n);
}
END_TEST

START_TEST(info_mem_upper_follows_ram)
{
	struct bus big;
	ck_assert_int_eq(bus_init(&big, 1ull << 30), 0);
	struct mb_boot boot = { .load_addr = 0x100000, .kernel_size = 0x1000,
				.kernel_path = "k", .append = "" };
	ck_assert_int_eq(mb_build_info(&big, &boot, err, sizeof(err)), MB_INFO_ADDR);
	ck_assert_uint_eq(bus_phys_read(&big, MB_INFO_ADDR + MBI_MEM_UPPER, 4), 0xffb80);
	bus_free(&big);
}
END_TEST

START_TEST(info_modules_must_fit)
{
	static uint8_t blob[1 << 20];
	struct mb_module mod = { blob, sizeof(blob), "big" };
	struct mb_boot boot = { .load_addr = 0x7f00000, .kernel_size = 0x1000,
				.kernel_path = "k", .append = "", .initrd = "big",
				.mods = &mod, .nmods = 1 };
	ck_assert_int_eq(mb_build_info(&bus, &boot, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "do not fit in RAM"));
}
END_TEST

START_TEST(split_trailing_comma)
{
	char **names;
	int n = mb_split_initrd("a,", &names);
	ck_assert_int_eq(n, 2);
	ck_assert_str_eq(names[0], "a");
	ck_assert_str_eq(names[1], "");
	mb_free_split(names, n);
}
END_TEST

/* ---- loader ---- */

/* A minimal ELF32 i386 executable: one PT_LOAD at p_paddr `paddr` holding
 * a Multiboot header and `filesz` bytes (memsz adds bss). */
static size_t make_elf(uint8_t *img, uint16_t machine, uint32_t paddr,
		       uint32_t filesz, uint32_t memsz, uint32_t entry)
{
	memset(img, 0, 0x2000);
	memcpy(img, "\177ELF", 4);
	img[4] = 1; /* ELFCLASS32 */
	img[5] = 1; /* little-endian */
	img[6] = 1;
	put16(img + 16, 2); /* ET_EXEC */
	put16(img + 18, machine);
	put32(img + 20, 1);
	put32(img + 24, entry);
	put32(img + 28, 52);      /* e_phoff */
	put16(img + 40, 52);      /* e_ehsize */
	put16(img + 42, 32);      /* e_phentsize */
	put16(img + 44, 1);       /* e_phnum */
	uint8_t *ph = img + 52;
	put32(ph, 1);             /* PT_LOAD */
	put32(ph + 4, 0x1000);    /* p_offset */
	put32(ph + 8, 0xc0000000 + paddr); /* p_vaddr: a higher-half link */
	put32(ph + 12, paddr);
	put32(ph + 16, filesz);
	put32(ph + 20, memsz);
	put32(ph + 24, 7);
	/* The Multiboot header at file offset 0x1000. */
	put32(img + 0x1000, MB_HEADER_MAGIC);
	put32(img + 0x1004, 3);
	put32(img + 0x1008, -(MB_HEADER_MAGIC + 3));
	for (uint32_t i = 12; i < filesz; i++)
		img[0x1000 + i] = (uint8_t)(i | 1);
	return 0x1000 + filesz;
}

START_TEST(load_elf32)
{
	static uint8_t img[0x2000];
	size_t len = make_elf(img, 3, 0x200000, 0x800, 0x1800, 0x20000c);
	memset(bus.ram + 0x200800, 0xaa, 0x1000); /* bss must be zeroed */
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), 0);
	ck_assert_uint_eq(k.entry, 0x20000c);
	ck_assert_uint_eq(k.load_addr, 0x200000);
	ck_assert_uint_eq(k.kernel_size, 0x1800);
	ck_assert_int_eq(k.aout_kludge, 0);
	ck_assert_int_eq(memcmp(bus.ram + 0x200000, img + 0x1000, 0x800), 0);
	ck_assert_uint_eq(bus.ram[0x200800], 0);
	ck_assert_uint_eq(bus.ram[0x2017ff], 0);
}
END_TEST

START_TEST(reject_elf64)
{
	static uint8_t img[0x2000];
	size_t len = make_elf(img, 62, 0x200000, 0x800, 0x800, 0x200000);
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "x86-64"));
}
END_TEST

START_TEST(reject_segment_outside_ram)
{
	static uint8_t img[0x2000];
	size_t len = make_elf(img, 3, 0x7fff000, 0x800, 0x2000, 0x7fff000);
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside RAM"));
}
END_TEST

START_TEST(reject_truncated_segment)
{
	static uint8_t img[0x2000];
	size_t len = make_elf(img, 3, 0x200000, 0x800, 0x800, 0x200000);
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len - 1, &k, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "past the end"));
}
END_TEST

START_TEST(reject_no_header)
{
	static uint8_t img[0x3000];
	size_t len = make_elf(img, 3, 0x200000, 0x800, 0x800, 0x200000);
	memmove(img + 0x2000, img + 0x1000, 12); /* header beyond 8 KiB */
	memset(img + 0x1000, 0, 12);
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, 0x3000, &k, err, sizeof(err)),
			 -1);
	ck_assert_ptr_nonnull(strstr(err, "no Multiboot header"));
	(void)len;
}
END_TEST

START_TEST(reject_bad_checksum)
{
	static uint8_t img[0x2000];
	size_t len = make_elf(img, 3, 0x200000, 0x800, 0x800, 0x200000);
	img[0x1008] ^= 1;
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "checksum"));
}
END_TEST

START_TEST(reject_not_elf)
{
	static uint8_t img[0x2000];
	size_t len = make_elf(img, 3, 0x200000, 0x800, 0x800, 0x200000);
	img[0] = 'X';
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "not an ELF"));
}
END_TEST

/* A flat binary with the a.out kludge: header at file offset 0x40. */
static size_t make_aout(uint8_t *img, uint32_t header_addr, uint32_t load_addr,
			uint32_t load_end, uint32_t bss_end, uint32_t entry)
{
	memset(img, 0, 0x1000);
	for (int i = 0; i < 0x1000; i++)
		img[i] = (uint8_t)(i * 7 + 1);
	uint8_t *h = img + 0x40;
	uint32_t flags = MB_HF_AOUT_KLUDGE | 2;
	put32(h, MB_HEADER_MAGIC);
	put32(h + 4, flags);
	put32(h + 8, -(MB_HEADER_MAGIC + flags));
	put32(h + 12, header_addr);
	put32(h + 16, load_addr);
	put32(h + 20, load_end);
	put32(h + 24, bss_end);
	put32(h + 28, entry);
	return 0x1000;
}

START_TEST(load_aout_kludge)
{
	static uint8_t img[0x1000];
	/* Text starts at file offset 0x40 - (0x100040 - 0x100000) = 0. */
	size_t len = make_aout(img, 0x100040, 0x100000, 0x100800, 0x102000, 0x100060);
	memset(bus.ram + 0x100800, 0xaa, 0x1800);
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), 0);
	ck_assert_uint_eq(k.entry, 0x100060);
	ck_assert_uint_eq(k.load_addr, 0x100000);
	ck_assert_uint_eq(k.kernel_size, 0x2000);
	ck_assert_int_eq(k.aout_kludge, 1);
	ck_assert_int_eq(memcmp(bus.ram + 0x100000, img, 0x800), 0);
	ck_assert_uint_eq(bus.ram[0x100800], 0);
	ck_assert_uint_eq(bus.ram[0x101fff], 0);
}
END_TEST

START_TEST(load_aout_to_end_of_file)
{
	static uint8_t img[0x1000];
	/* load_end 0: everything from the text offset (0x20) to the end. */
	size_t len = make_aout(img, 0x100020, 0x100000, 0, 0, 0x100000);
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), 0);
	ck_assert_uint_eq(k.kernel_size, 0x1000 - 0x20);
	ck_assert_int_eq(memcmp(bus.ram + 0x100000, img + 0x20, 0x1000 - 0x20), 0);
}
END_TEST

START_TEST(reject_aout_bad_addresses)
{
	static uint8_t img[0x1000];
	struct kernel_info k;
	size_t len = make_aout(img, 0x100000, 0x100040, 0, 0, 0);
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	len = make_aout(img, 0x100100, 0x100000, 0, 0, 0); /* before the file */
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	len = make_aout(img, 0x100040, 0x100000, 0x0fff00, 0, 0);
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	len = make_aout(img, 0x100040, 0x100000, 0x100800, 0x100400, 0);
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "bss_end_addr"));
	len = make_aout(img, 0x100040, 0x100000, 0x102000, 0, 0); /* past EOF */
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	len = make_aout(img, 0x8000040, 0x8000000, 0, 0, 0); /* above 128 MiB */
	ck_assert_int_eq(loader_load_kernel(&bus, img, len, &k, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "outside RAM"));
}
END_TEST

START_TEST(reject_tiny_file)
{
	static const uint8_t img[5] = { 1, 2, 3, 4, 5 };
	struct kernel_info k;
	ck_assert_int_eq(loader_load_kernel(&bus, img, 5, &k, err, sizeof(err)), -1);
	ck_assert_int_eq(loader_load_kernel(&bus, img, 0, &k, err, sizeof(err)), -1);
}
END_TEST

static Suite *multiboot_suite(void)
{
	Suite *s = suite_create("multiboot");
	TCase *t = tcase_create("info");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, e820_128m);
	tcase_add_test(t, info_no_modules);
	tcase_add_test(t, info_modules_as_qemu);
	tcase_add_test(t, info_escaped_commas);
	tcase_add_test(t, info_mem_upper_follows_ram);
	tcase_add_test(t, info_modules_must_fit);
	tcase_add_test(t, split_trailing_comma);
	suite_add_tcase(s, t);
	t = tcase_create("loader");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, load_elf32);
	tcase_add_test(t, reject_elf64);
	tcase_add_test(t, reject_segment_outside_ram);
	tcase_add_test(t, reject_truncated_segment);
	tcase_add_test(t, reject_no_header);
	tcase_add_test(t, reject_bad_checksum);
	tcase_add_test(t, reject_not_elf);
	tcase_add_test(t, load_aout_kludge);
	tcase_add_test(t, load_aout_to_end_of_file);
	tcase_add_test(t, reject_aout_bad_addresses);
	tcase_add_test(t, reject_tiny_file);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(multiboot_suite());
}
