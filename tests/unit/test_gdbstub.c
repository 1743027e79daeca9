/*
 * tests/unit/test_gdbstub.c — the gdbstub's software page walk
 * (emu/gdbwalk.c) in every paging mode, against SDM vol. 3 ch. 4: which
 * linear-address bits index which table, large pages (4 MiB with PSE-36,
 * 2 MiB, 1 GiB), not-present entries and non-canonical addresses; and that
 * it only looks: no A/D bit set, no MMU statistic changed.  Page tables are
 * written by hand into a small RAM; the CPU is only its control registers.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "emu/gdbstub.h"
#include "tests/unit/check_run.h"

static struct bus bus;
static struct cpu cpu;

static void wr8(uint64_t pa, uint64_t v) { memcpy(bus.ram + pa, &v, 8); }
static void wr4(uint64_t pa, uint32_t v) { memcpy(bus.ram + pa, &v, 4); }

static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, 16 << 20), 0);
	memset(&cpu, 0, sizeof(cpu));
	cpu.bus = &bus;
	cpu.mmu.bus = &bus;
}

static void teardown(void)
{
	bus_free(&bus);
}

static void long_mode(uint64_t cr3, int la57)
{
	cpu.cr0 = CR0_PE | CR0_PG;
	cpu.cr4 = CR4_PAE | (la57 ? CR4_LA57 : 0);
	cpu.efer = EFER_LME | EFER_LMA | EFER_NXE;
	cpu.long_mode = 1;
	cpu.cr3 = cr3;
}

START_TEST(paging_off)
{
	struct gdb_walk w;
	ck_assert_int_eq(gdb_walk(&cpu, 0x123456, &w), 0);
	ck_assert_uint_eq(w.pa, 0x123456);
	ck_assert_int_eq(w.nsteps, 0);
}
END_TEST

/* §4.5.4: bits 47:39, 38:30, 29:21, 20:12 index PML4, PDPT, PD, PT. */
START_TEST(four_level)
{
	uint64_t la = 255ull << 39 | 2ull << 30 | 3ull << 21 | 3ull << 12 | 0xabc;
	wr8(0x1000 + 255 * 8, 0x2000 | PTE_P | PTE_W);
	wr8(0x2000 + 2 * 8, 0x3000 | PTE_P | PTE_W);
	wr8(0x3000 + 3 * 8, 0x4000 | PTE_P | PTE_W);
	wr8(0x4000 + 3 * 8, 0x9000 | PTE_P | PTE_NX);
	long_mode(0x1000 | 0x5 /* PCID bits are not an address */, 0);
	uint64_t before = cpu.mmu.stats.walks;
	struct gdb_walk w;
	ck_assert_int_eq(gdb_walk(&cpu, la, &w), 0);
	ck_assert_uint_eq(w.pa, 0x9abc);
	ck_assert_uint_eq(w.page_size, 4096);
	ck_assert_int_eq(w.nsteps, 4);
	ck_assert_int_eq(w.step[0].level, 4);
	ck_assert_uint_eq(w.step[0].entry_pa, 0x1000 + 255 * 8);
	ck_assert_uint_eq(w.step[3].index, 3);
	/* It only looked: A and D stay clear, nothing was counted. */
	uint64_t pte;
	memcpy(&pte, bus.ram + 0x4000 + 3 * 8, 8);
	ck_assert_uint_eq(pte & (PTE_A | PTE_D), 0);
	ck_assert_uint_eq(cpu.mmu.stats.walks, before);
}
END_TEST

/* PS=1 in a PDE maps 2 MiB, in a PDPTE 1 GiB (§4.5.4, tables 4-17/4-18). */
START_TEST(large_pages)
{
	wr8(0x1000, 0x2000 | PTE_P);
	wr8(0x2000 + 1 * 8, 0x40000000 | PTE_P | PTE_PS);     /* 1 GiB at 1 GiB */
	wr8(0x2000 + 0 * 8, 0x3000 | PTE_P);
	wr8(0x3000 + 5 * 8, 0x00e00000 | PTE_P | PTE_PS);     /* 2 MiB at 10 MiB */
	long_mode(0x1000, 0);
	struct gdb_walk w;
	ck_assert_int_eq(gdb_walk(&cpu, 0x40123456, &w), 0);
	ck_assert_uint_eq(w.pa, 0x40123456);
	ck_assert_uint_eq(w.page_size, 1ull << 30);
	ck_assert_int_eq(w.nsteps, 2);
	ck_assert_int_eq(gdb_walk(&cpu, 0x00a12345, &w), 0);
	ck_assert_uint_eq(w.pa, 0x00e12345);
	ck_assert_uint_eq(w.page_size, 2ull << 20);
}
END_TEST

START_TEST(not_present_and_noncanonical)
{
	wr8(0x1000, 0x2000 | PTE_P);
	long_mode(0x1000, 0);
	struct gdb_walk w;
	ck_assert_int_eq(gdb_walk(&cpu, 0x1000, &w), -1); /* PDPTE[0] is 0 */
	ck_assert_int_eq(w.nsteps, 2);
	ck_assert_ptr_nonnull(strstr(w.why, "PDPTE not present"));
	ck_assert_int_eq(gdb_walk(&cpu, 0x0000800000000000ull, &w), -1);
	ck_assert_ptr_nonnull(strstr(w.why, "canonical"));
	uint8_t buf[8];
	ck_assert_uint_eq(gdb_read_virt(&cpu, 0x1000, buf, 8), 0);
}
END_TEST

/* 5-level paging: bits 56:48 index the PML5 first. */
START_TEST(five_level)
{
	uint64_t la = 0x0001000000000000ull | 0x5000; /* PML5 index 1 */
	wr8(0x1000 + 1 * 8, 0x2000 | PTE_P);
	wr8(0x2000, 0x3000 | PTE_P);
	wr8(0x3000, 0x4000 | PTE_P);
	wr8(0x4000, 0x5000 | PTE_P);
	wr8(0x5000 + 5 * 8, 0x7000 | PTE_P);
	long_mode(0x1000, 1);
	struct gdb_walk w;
	ck_assert_int_eq(gdb_walk(&cpu, la, &w), 0);
	ck_assert_int_eq(w.nsteps, 5);
	ck_assert_int_eq(w.step[0].level, 5);
	ck_assert_uint_eq(w.pa, 0x7000);
}
END_TEST

/* §4.3: 32-bit paging, 4-byte entries; a 4 MiB page with CR4.PSE takes
 * physical bits 39:32 from PDE bits 20:13 (PSE-36); without CR4.PSE the PS
 * bit is ignored and the PDE points to a page table. */
START_TEST(legacy_32bit)
{
	cpu.cr0 = CR0_PE | CR0_PG;
	cpu.cr3 = 0x1000;
	wr4(0x1000 + 1 * 4, 0x00c00000 | (0x3u << 13) | PTE_P | PTE_PS);
	wr4(0x1000 + 2 * 4, 0x2000 | PTE_P);
	wr4(0x2000 + 7 * 4, 0x8000 | PTE_P);
	struct gdb_walk w;
	cpu.cr4 = CR4_PSE;
	ck_assert_int_eq(gdb_walk(&cpu, 0x00412345, &w), 0);
	ck_assert_uint_eq(w.pa, 0x300c12345ull);
	ck_assert_uint_eq(w.page_size, 4u << 20);
	ck_assert_int_eq(gdb_walk(&cpu, 0x00807123, &w), 0);
	ck_assert_uint_eq(w.pa, 0x8123);
	ck_assert_int_eq(w.wide, 0);
	ck_assert_int_eq(gdb_walk(&cpu, 0x100000000ull, &w), -1);
}
END_TEST

/* §4.4: PAE paging, a 4-entry PDPT at CR3[31:5], bits 31:30 index it. */
START_TEST(pae)
{
	cpu.cr0 = CR0_PE | CR0_PG;
	cpu.cr4 = CR4_PAE;
	cpu.cr3 = 0x1020;
	wr8(0x1020 + 3 * 8, 0x2000 | PTE_P);
	wr8(0x2000 + 4 * 8, 0x00600000 | PTE_P | PTE_PS);
	struct gdb_walk w;
	ck_assert_int_eq(gdb_walk(&cpu, 0xc0812345u, &w), 0);
	ck_assert_uint_eq(w.pa, 0x00612345);
	ck_assert_int_eq(w.nsteps, 2);
	ck_assert_int_eq(w.step[0].level, 3);
	ck_assert_str_eq(w.mode, "PAE");
}
END_TEST

/* Reads and writes cross pages through different frames and stop at an
 * unmapped page; a write into a frame holding decoded code drops it. */
START_TEST(read_write_virt)
{
	wr8(0x1000, 0x2000 | PTE_P);
	wr8(0x2000, 0x3000 | PTE_P);
	wr8(0x3000, 0x4000 | PTE_P);
	wr8(0x4000 + 1 * 8, 0x9000 | PTE_P);
	wr8(0x4000 + 2 * 8, 0x6000 | PTE_P);
	long_mode(0x1000, 0);
	bus.ram[0x9fff] = 0xaa;
	bus.ram[0x6000] = 0xbb;
	uint8_t buf[4] = { 0 };
	ck_assert_uint_eq(gdb_read_virt(&cpu, 0x1fff, buf, 2), 2);
	ck_assert_uint_eq(buf[0], 0xaa);
	ck_assert_uint_eq(buf[1], 0xbb);
	ck_assert_uint_eq(gdb_read_virt(&cpu, 0x2ffe, buf, 4), 2);
	bus.page_code[6] = 1;
	uint32_t gen = bus.page_gen[6];
	const uint8_t two[2] = { 1, 2 };
	ck_assert_uint_eq(gdb_write_virt(&cpu, 0x1fff, two, 2), 2);
	ck_assert_uint_eq(bus.ram[0x9fff], 1);
	ck_assert_uint_eq(bus.ram[0x6000], 2);
	ck_assert_uint_eq(bus.page_gen[6], gen + 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gdbstub");
	TCase *t = tcase_create("walk");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, paging_off);
	tcase_add_test(t, four_level);
	tcase_add_test(t, large_pages);
	tcase_add_test(t, not_present_and_noncanonical);
	tcase_add_test(t, five_level);
	tcase_add_test(t, legacy_32bit);
	tcase_add_test(t, pae);
	tcase_add_test(t, read_write_virt);
	suite_add_tcase(s, t);
	return check_run(s);
}
