/*
 * tests/unit/test_mmu.c — the page walker against the rules of SDM vol. 3
 * ch. 4: address composition per page size, combined permissions, A/D
 * updates and #PF error codes.  Page tables are built by hand in a small RAM.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "mmu/mmu.h"
#include "tests/unit/check_run.h"

static struct bus bus;
static struct mmu mmu;

#define PML4 0x1000ull
#define PDPT 0x2000ull
#define PD 0x3000ull
#define PT 0x4000ull

static uint64_t rd(uint64_t pa) { return bus_phys_read(&bus, pa, 8); }
static void wr(uint64_t pa, uint64_t v) { bus_phys_write(&bus, pa, 8, v); }

/* 4-level paging, CR0.WP=1, EFER.NXE=1 at CPL `cpl`. */
static void ctl(int cpl, uint64_t cr4_extra, int ac)
{
	struct mmu_ctl c = {
		.cr0 = CR0_PE | CR0_PG | CR0_WP,
		.cr3 = PML4,
		.cr4 = CR4_PAE | cr4_extra,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
		.cpl = cpl,
		.ac = ac,
	};
	mmu_set_ctl(&mmu, &c);
	mmu_flush(&mmu);
}

static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, 16 << 20), 0);
	mmu_init(&mmu, &bus);
	/* VA 0x0000_0000_0040_0000 .. : PML4[0] -> PDPT[0] -> PD[2] -> PT */
	wr(PML4 + 0 * 8, PDPT | PTE_P | PTE_W | PTE_U);
	wr(PDPT + 0 * 8, PD | PTE_P | PTE_W | PTE_U);
	wr(PD + 2 * 8, PT | PTE_P | PTE_W | PTE_U);
	wr(PT + 0 * 8, 0x100000 | PTE_P | PTE_W | PTE_U);   /* 0x400000: user RW */
	wr(PT + 1 * 8, 0x101000 | PTE_P);                    /* 0x401000: supervisor RO */
	wr(PT + 2 * 8, 0x102000 | PTE_P | PTE_U | PTE_NX);   /* 0x402000: user RO NX */
	/* PD[3]: 2 MiB page at 0x600000 -> 0xa00000, supervisor RW */
	wr(PD + 3 * 8, 0xa00000 | PTE_P | PTE_W | PTE_PS);
	/* PDPT[1]: 1 GiB page at 0x40000000 -> 0x40000000 (beyond RAM: fine) */
	wr(PDPT + 1 * 8, 0x40000000 | PTE_P | PTE_W | PTE_PS);
	ctl(0, 0, 0);
}

static void teardown(void)
{
	bus_free(&bus);
}

START_TEST(test_4k_translation_and_accessed)
{
	uint64_t pa;
	struct mmu_fault f;
	ck_assert_int_eq(mmu_translate(&mmu, 0x400123, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(pa, 0x100123);
	/* §4.8: A set in every entry used; D only on writes, only on the leaf */
	ck_assert(rd(PML4) & PTE_A);
	ck_assert(rd(PDPT) & PTE_A);
	ck_assert(rd(PD + 16) & PTE_A);
	ck_assert(rd(PT) & PTE_A);
	ck_assert(!(rd(PT) & PTE_D));
	ck_assert_int_eq(mmu_translate(&mmu, 0x400ff8, MMU_WRITE, &pa, &f), 0);
	ck_assert(rd(PT) & PTE_D);
	ck_assert(!(rd(PD + 16) & PTE_D));
}
END_TEST

START_TEST(test_large_pages)
{
	uint64_t pa;
	struct mmu_fault f;
	/* 2 MiB page: PA = PDE[51:21] | VA[20:0] */
	ck_assert_int_eq(mmu_translate(&mmu, 0x6abcde, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(pa, 0xa00000 + 0xabcde);
	/* 1 GiB page: PA = PDPTE[51:30] | VA[29:0] */
	ck_assert_int_eq(mmu_translate(&mmu, 0x40123456, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(pa, 0x40123456);
}
END_TEST

START_TEST(test_not_present_error_code)
{
	uint64_t pa;
	struct mmu_fault f;
	/* PT[5] is empty: #PF, P=0; W for a write; U at CPL 3 (§4.7) */
	ck_assert_int_eq(mmu_translate(&mmu, 0x405000, MMU_READ, &pa, &f), -1);
	ck_assert_int_eq(f.vector, 14);
	ck_assert_uint_eq(f.error, 0);
	ck_assert_uint_eq(f.addr, 0x405000);
	ctl(3, 0, 0);
	ck_assert_int_eq(mmu_translate(&mmu, 0x405010, MMU_WRITE, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_W | PF_ERR_U);
}
END_TEST

START_TEST(test_user_supervisor_and_wp)
{
	uint64_t pa;
	struct mmu_fault f;
	/* CPL 3 read of a supervisor page: P|U */
	ctl(3, 0, 0);
	ck_assert_int_eq(mmu_translate(&mmu, 0x401000, MMU_READ, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_U);
	/* CPL 0 write to a read-only page with CR0.WP=1: P|W */
	ctl(0, 0, 0);
	ck_assert_int_eq(mmu_translate(&mmu, 0x401000, MMU_WRITE, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_W);
	/* the faulting leaf gets no A (mmulab's documented choice) */
	ck_assert(!(rd(PT + 8) & PTE_A));
	/* with CR0.WP=0 the supervisor write is allowed */
	struct mmu_ctl c = mmu.ctl;
	c.cr0 &= ~CR0_WP;
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x401000, MMU_WRITE, &pa, &f), 0);
	ck_assert(rd(PT + 8) & PTE_D);
}
END_TEST

START_TEST(test_nx_and_smep_smap)
{
	uint64_t pa;
	struct mmu_fault f;
	ctl(3, 0, 0);
	/* fetch from an NX page: P|U|I (I/D reported: PAE paging with NXE) */
	ck_assert_int_eq(mmu_translate(&mmu, 0x402000, MMU_EXEC, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_U | PF_ERR_I);
	ck_assert_int_eq(mmu_translate(&mmu, 0x402000, MMU_READ, &pa, &f), 0);
	/* SMEP: supervisor fetch from a user page */
	ctl(0, CR4_SMEP, 0);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_EXEC, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_I);
	/* SMAP: supervisor data access to a user page faults unless AC=1,
	 * and always for implicit supervisor accesses */
	ctl(0, CR4_SMAP, 0);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_READ, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P);
	ctl(0, CR4_SMAP, 1);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_READ, &pa, &f), 0);
	ctl(3, CR4_SMAP, 1);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_READ | MMU_SUPER,
				       &pa, &f), -1);
}
END_TEST

START_TEST(test_reserved_bits)
{
	uint64_t pa;
	struct mmu_fault f;
	/* a PTE with a bit between MAXPHYADDR and 51 set: P|RSVD */
	wr(PT + 3 * 8, 0x103000 | PTE_P | (1ull << 50));
	ck_assert_int_eq(mmu_translate(&mmu, 0x403000, MMU_READ, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_RSVD);
	/* PS=1 in a PML4E is reserved */
	wr(PML4 + 8, PDPT | PTE_P | PTE_PS);
	ck_assert_int_eq(mmu_translate(&mmu, 1ull << 39, MMU_READ, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_RSVD);
	/* NX set while EFER.NXE=0 is reserved */
	struct mmu_ctl c = mmu.ctl;
	c.efer &= ~EFER_NXE;
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x402000, MMU_READ, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_RSVD);
}
END_TEST

START_TEST(test_host_pointer_cache)
{
	uint64_t pa;
	struct mmu_fault f;
	ck_assert_ptr_null(mmu_hp_lookup(&mmu, 0x400000, MMU_READ, 0, 4));
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_READ, &pa, &f), 0);
	uint8_t *p = mmu_hp_lookup(&mmu, 0x400010, MMU_READ, 0, 4);
	ck_assert_ptr_eq(p, bus.ram + 0x100010);
	/* a read does not open the write path: D is still clear */
	ck_assert_ptr_null(mmu_hp_lookup(&mmu, 0x400010, MMU_WRITE, 0, 4));
	/* an access that would cross the page takes the slow path */
	ck_assert_ptr_null(mmu_hp_lookup(&mmu, 0x400ffe, MMU_READ, 0, 4));
	mmu_invlpg(&mmu, 0x400000);
	ck_assert_ptr_null(mmu_hp_lookup(&mmu, 0x400010, MMU_READ, 0, 4));
}
END_TEST

START_TEST(test_paging_32bit_pse)
{
	uint64_t pa;
	struct mmu_fault f;
	/* 32-bit paging: PDE at CR3 + 4*VA[31:22]; 4 MiB page with PSE */
	bus_phys_write(&bus, 0x8000 + 4 * 1, 4, 0x00c00000 | PTE_P | PTE_PS);
	struct mmu_ctl c = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x8000,
			     .cr4 = CR4_PSE };
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x00412345, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(pa, 0x00c12345);
	ck_assert(bus_phys_read(&bus, 0x8004, 4) & PTE_A);
}
END_TEST

START_TEST(test_paging_pae)
{
	uint64_t pa;
	struct mmu_fault f;
	/* PAE (§4.4): CR3[31:5] -> 4 PDPTEs (registers loaded at MOV to CR3),
	 * VA[31:30] picks one, then PDE VA[29:21], PTE VA[20:12]. */
	wr(0x9000 + 8 * 1, 0xa000 | PTE_P);
	wr(0xa000 + 8 * 0, 0xb000 | PTE_P | PTE_W);
	wr(0xb000 + 8 * 5, 0x105000 | PTE_P | PTE_W | PTE_NX);
	wr(0xa000 + 8 * 1, 0x200000 | PTE_P | PTE_PS); /* 2 MiB page */
	struct mmu_ctl c = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0x9000,
			     .cr4 = CR4_PAE, .efer = EFER_NXE };
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x40005123, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(pa, 0x105123);
	ck_assert_int_eq(mmu_translate(&mmu, 0x40212345, MMU_READ, &pa, &f), 0);
	ck_assert_uint_eq(pa, 0x212345);
	/* A on the PDE and PTE used; PDPTEs are registers: no A written */
	ck_assert(rd(0xa000) & PTE_A);
	ck_assert(rd(0xb000 + 40) & PTE_A);
	ck_assert(!(rd(0x9000 + 8) & PTE_A));
	/* NX in PAE paging with NXE: fetch faults with I/D set */
	ck_assert_int_eq(mmu_translate(&mmu, 0x40005000, MMU_EXEC, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_I);
	/* PDPTE 0 not present: P=0 fault */
	ck_assert_int_eq(mmu_translate(&mmu, 0x00001000, MMU_READ, &pa, &f), -1);
	ck_assert_uint_eq(f.error, 0);
	/* a PDPTE with a reserved bit (bit 1) makes MOV to CR3 fail (#GP) */
	wr(0x9800 + 8 * 2, 0xa000 | PTE_P | PTE_W);
	ck_assert_int_eq(mmu_write_cr3(&mmu, 0x9800), -1);
	ck_assert_uint_eq(mmu.ctl.cr3, 0x9000);
	/* the registers, not memory, are used until the next MOV to CR3 */
	wr(0x9000 + 8 * 1, 0);
	mmu_invlpg(&mmu, 0x40005000);
	ck_assert_int_eq(mmu_translate(&mmu, 0x40005123, MMU_READ, &pa, &f), 0);
	ck_assert_int_eq(mmu_write_cr3(&mmu, 0x9000), 0);
	ck_assert_int_eq(mmu_translate(&mmu, 0x40005123, MMU_READ, &pa, &f), -1);
}
END_TEST

START_TEST(test_paging_5level)
{
	uint64_t pa;
	struct mmu_fault f;
	/* 5-level paging (§4.5): PML5E VA[56:48], then PML4E, PDPTE (here a
	 * 1 GiB page). */
	uint64_t va = (1ull << 48) | 0x123456;
	wr(0xc000 + 8 * 1, 0xd000 | PTE_P | PTE_W);
	wr(0xd000, 0xe000 | PTE_P | PTE_W);
	wr(0xe000, 0x40000000 | PTE_P | PTE_W | PTE_PS);
	struct mmu_ctl c = { .cr0 = CR0_PE | CR0_PG, .cr3 = 0xc000,
			     .cr4 = CR4_PAE | CR4_LA57,
			     .efer = EFER_LME | EFER_LMA };
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, va, MMU_WRITE, &pa, &f), 0);
	ck_assert_uint_eq(pa, 0x40123456);
	ck_assert(rd(0xc008) & PTE_A);
	ck_assert(rd(0xe000) & PTE_D);
	/* with LA57=0 the same tables give a 4-level walk from CR3: VA bit 48
	 * is not an index bit then, PML4E 0 = 0xc000's entry 0: not present */
	c.cr4 = CR4_PAE;
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x123456, MMU_READ, &pa, &f), -1);
}
END_TEST

START_TEST(test_protection_keys)
{
	uint64_t pa;
	struct mmu_fault f;
	/* §4.6.2: key 3 on the user page 0x400000 (PTE bits 62:59). */
	wr(PT, 0x100000 | PTE_P | PTE_W | PTE_U | (3ull << 59));
	struct mmu_ctl c = mmu.ctl;
	c.cr4 |= CR4_PKE;
	c.cpl = 3;
	c.pkru = 1u << (2 * 3); /* AD3: no data access */
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_READ, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_U | PF_ERR_PK);
	/* fetches are not checked against PKRU */
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_EXEC, &pa, &f), 0);
	/* WD3: reads fine, user writes fault with W|PK */
	c.pkru = 2u << (2 * 3);
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_READ, &pa, &f), 0);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_WRITE, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_W | PF_ERR_U | PF_ERR_PK);
	/* supervisor writes to the user page: blocked by WD only with WP=1 */
	c.cpl = 0;
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_WRITE, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_W | PF_ERR_PK);
	c.cr0 &= ~CR0_WP;
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400000, MMU_WRITE, &pa, &f), 0);
	/* another key is unaffected; and with CR4.PKE=0 nothing is checked */
	c.cr0 |= CR0_WP;
	c.pkru = 3u << (2 * 5);
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400008, MMU_WRITE, &pa, &f), 0);
	c.pkru = ~0u;
	c.cr4 &= ~CR4_PKE;
	mmu_set_ctl(&mmu, &c);
	ck_assert_int_eq(mmu_translate(&mmu, 0x400010, MMU_WRITE, &pa, &f), 0);
	/* supervisor pages are never subject to keys */
	c.cr4 |= CR4_PKE;
	mmu_set_ctl(&mmu, &c);
	wr(PT + 8 * 6, 0x106000 | PTE_P | PTE_W | (3ull << 59));
	ck_assert_int_eq(mmu_translate(&mmu, 0x406000, MMU_WRITE, &pa, &f), 0);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("mmu");
	TCase *t = tcase_create("walk");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_4k_translation_and_accessed);
	tcase_add_test(t, test_large_pages);
	tcase_add_test(t, test_not_present_error_code);
	tcase_add_test(t, test_user_supervisor_and_wp);
	tcase_add_test(t, test_nx_and_smep_smap);
	tcase_add_test(t, test_reserved_bits);
	tcase_add_test(t, test_host_pointer_cache);
	tcase_add_test(t, test_paging_32bit_pse);
	tcase_add_test(t, test_paging_pae);
	tcase_add_test(t, test_paging_5level);
	tcase_add_test(t, test_protection_keys);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(suite());
}
