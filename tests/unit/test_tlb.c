/*
 * tests/unit/test_tlb.c — the TLB model: counts for access patterns worked
 * out by hand, LRU eviction, stale translations, PCIDs, global pages, the
 * invalidation rules of SDM vol. 3 §4.10.4.1, the paging-structure caches,
 * and the host-pointer fast path leaving every statistic unchanged.
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
#define PT2 0x5000ull
#define FRAME(n) (0x100000ull + (uint64_t)(n) * 0x1000)

static void wr(uint64_t pa, uint64_t v) { bus_phys_write(&bus, pa, 8, v); }
static uint64_t rd(uint64_t pa) { return bus_phys_read(&bus, pa, 8); }

static void set_ctl(uint64_t cr3, uint64_t cr4_extra)
{
	struct mmu_ctl c = {
		.cr0 = CR0_PE | CR0_PG | CR0_WP,
		.cr3 = cr3,
		.cr4 = CR4_PAE | cr4_extra,
		.efer = EFER_LME | EFER_LMA | EFER_NXE,
	};
	mmu_set_ctl(&mmu, &c);
}

static void geometry(const char *spec)
{
	struct tlb_geometry g;
	char err[128];
	ck_assert_int_eq(tlb_parse_geometry(spec, &g, err, sizeof(err)), 0);
	ck_assert_int_eq(mmu_configure(&mmu, &g, 1), 0);
}

/* Map VA 0x400000 + n*4K -> FRAME(n) for n < 512 (PD[2] -> PT). */
static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, 16 << 20), 0);
	ck_assert_int_eq(mmu_init(&mmu, &bus), 0);
	wr(PML4, PDPT | PTE_P | PTE_W | PTE_U);
	wr(PDPT, PD | PTE_P | PTE_W | PTE_U);
	wr(PD + 2 * 8, PT | PTE_P | PTE_W | PTE_U);
	for (int n = 0; n < 512; n++)
		wr(PT + 8 * n, FRAME(n) | PTE_P | PTE_W | PTE_U);
	set_ctl(PML4, 0);
}

static void teardown(void)
{
	mmu_free(&mmu);
	bus_free(&bus);
}

static uint64_t xl(uint64_t va, int access)
{
	uint64_t pa;
	struct mmu_fault f;
	ck_assert_int_eq(mmu_translate(&mmu, va, access, &pa, &f), 0);
	return pa;
}

static uint64_t va(int n) { return 0x400000ull + (uint64_t)n * 0x1000; }

START_TEST(test_counts_by_hand)
{
	/* tiny: dTLB 4K has 8 entries 2-way = 4 sets; STLB 16 entries
	 * 2-way = 8 sets.  Pages 0..3 fill four sets; touching them again
	 * hits.  Hand count: 4 misses (each also an STLB miss and a walk),
	 * then 4 hits. */
	geometry("tiny");
	for (int n = 0; n < 4; n++)
		xl(va(n), MMU_READ);
	for (int n = 0; n < 4; n++)
		xl(va(n), MMU_READ);
	ck_assert_uint_eq(mmu.stats.misses[LVL_DTLB], 4);
	ck_assert_uint_eq(mmu.stats.misses[LVL_STLB], 4);
	ck_assert_uint_eq(mmu.stats.walks, 4);
	ck_assert_uint_eq(mmu.tlb.a[TLB_DTLB_4K].st.hits, 4);
	ck_assert_uint_eq(mmu.tlb.a[TLB_DTLB_4K].st.fills, 4);
	/* The first walk reads PML4E, PDPTE, PDE, PTE (4 references) and
	 * fills the PML4E, PDPTE and PDE caches; the next three hit the PDE
	 * cache and read only their PTE: 4 + 3 = 7 references. */
	ck_assert_uint_eq(mmu.stats.walk_refs, 7);
	ck_assert_uint_eq(mmu.tlb.a[TLB_PSC_PD].st.hits, 3);
}
END_TEST

START_TEST(test_lru_eviction)
{
	/* tiny dTLB 4K: 4 sets x 2 ways.  Pages 0, 4, 8 share set 0.
	 * 0, 4 fill it; touching 0 makes 4 the LRU; 8 evicts 4; then 0 hits
	 * and 4 misses again (refilled from the STLB: 16 entries, no
	 * eviction there yet). */
	geometry("tiny");
	xl(va(0), MMU_READ);
	xl(va(4), MMU_READ);
	xl(va(0), MMU_READ);
	xl(va(8), MMU_READ);
	ck_assert_uint_eq(mmu.tlb.a[TLB_DTLB_4K].st.evictions, 1);
	uint64_t misses = mmu.stats.misses[LVL_DTLB];
	xl(va(0), MMU_READ);
	ck_assert_uint_eq(mmu.stats.misses[LVL_DTLB], misses);
	xl(va(4), MMU_READ);
	ck_assert_uint_eq(mmu.stats.misses[LVL_DTLB], misses + 1);
	ck_assert_uint_eq(mmu.tlb.a[TLB_STLB].st.hits, 1);
	ck_assert_uint_eq(mmu.stats.walks, 3);
}
END_TEST

START_TEST(test_stale_until_invlpg)
{
	/* §4.10.4.2: a PTE changed without invalidation may keep being
	 * used; INVLPG makes the new one take effect. */
	ck_assert_uint_eq(xl(va(1), MMU_READ), FRAME(1));
	wr(PT + 8, FRAME(7) | PTE_P | PTE_W | PTE_U);
	ck_assert_uint_eq(xl(va(1), MMU_READ), FRAME(1));
	mmu_invlpg(&mmu, va(1));
	ck_assert_uint_eq(xl(va(1), MMU_READ), FRAME(7));
	ck_assert_uint_eq(mmu.tlb.a[TLB_DTLB_4K].st.inval[INV_INVLPG], 1);
}
END_TEST

START_TEST(test_pcid_survives_cr3)
{
	/* With CR4.PCIDE=1, MOV to CR3 invalidates only the new PCID's
	 * non-global entries (none with bit 63 set); other PCIDs' entries
	 * survive and are used again when their PCID returns. */
	set_ctl(PML4 | 1, CR4_PCIDE);
	xl(va(0), MMU_READ); /* PCID 1 */
	ck_assert_int_eq(mmu_write_cr3(&mmu, PML4 | 2), 0);
	set_ctl(PML4 | 2, CR4_PCIDE);
	xl(va(0), MMU_READ); /* PCID 2: a miss */
	uint64_t walks = mmu.stats.walks;
	ck_assert_int_eq(mmu_write_cr3(&mmu, PML4 | 1 | CR3_NOFLUSH), 0);
	set_ctl(PML4 | 1, CR4_PCIDE);
	xl(va(0), MMU_READ); /* PCID 1's entry survived */
	ck_assert_uint_eq(mmu.stats.walks, walks);
	/* without the no-flush bit, PCID 1's entries go */
	ck_assert_int_eq(mmu_write_cr3(&mmu, PML4 | 1), 0);
	xl(va(0), MMU_READ);
	ck_assert_uint_eq(mmu.stats.walks, walks + 1);
}
END_TEST

START_TEST(test_global_survives_cr3)
{
	wr(PT + 8 * 3, FRAME(3) | PTE_P | PTE_W | PTE_G);
	set_ctl(PML4, CR4_PGE);
	xl(va(3), MMU_READ);
	xl(va(2), MMU_READ);
	uint64_t walks = mmu.stats.walks;
	ck_assert_int_eq(mmu_write_cr3(&mmu, PML4), 0);
	xl(va(3), MMU_READ); /* global: kept */
	ck_assert_uint_eq(mmu.stats.walks, walks);
	xl(va(2), MMU_READ); /* not global: gone */
	ck_assert_uint_eq(mmu.stats.walks, walks + 1);
	/* MOV to CR4 changing PGE drops global entries too */
	set_ctl(PML4, 0);
	xl(va(3), MMU_READ);
	ck_assert_uint_eq(mmu.stats.walks, walks + 2);
}
END_TEST

START_TEST(test_invpcid_types)
{
	set_ctl(PML4 | 5, CR4_PCIDE | CR4_PGE);
	wr(PT + 8 * 6, FRAME(6) | PTE_P | PTE_W | PTE_G);
	xl(va(0), MMU_READ);
	xl(va(6), MMU_READ); /* global */
	uint64_t w = mmu.stats.walks;
	/* type 0 for another PCID: nothing of ours goes */
	mmu_invpcid(&mmu, 0, 9, va(0));
	xl(va(0), MMU_READ);
	ck_assert_uint_eq(mmu.stats.walks, w);
	/* type 0 for our PCID: va(0) goes */
	mmu_invpcid(&mmu, 0, 5, va(0));
	xl(va(0), MMU_READ);
	ck_assert_uint_eq(mmu.stats.walks, w + 1);
	/* type 3: all non-global; the global page stays */
	mmu_invpcid(&mmu, 3, 0, 0);
	xl(va(6), MMU_READ);
	ck_assert_uint_eq(mmu.stats.walks, w + 1);
	xl(va(0), MMU_READ);
	ck_assert_uint_eq(mmu.stats.walks, w + 2);
	/* type 2: globals too */
	mmu_invpcid(&mmu, 2, 0, 0);
	xl(va(6), MMU_READ);
	ck_assert_uint_eq(mmu.stats.walks, w + 3);
}
END_TEST

START_TEST(test_psc_keeps_freed_table)
{
	/* Translate va(0) (caching PDE -> PT), then point the PDE at another
	 * table and drop only the TLB entry by a page fault elsewhere... the
	 * PDE cache still leads to the old PT until INVLPG, which clears
	 * every paging-structure-cache entry of the current PCID. */
	xl(va(0), MMU_READ);
	for (int n = 0; n < 512; n++)
		wr(PT2 + 8 * n, FRAME(100 + n) | PTE_P | PTE_W | PTE_U);
	wr(PD + 2 * 8, PT2 | PTE_P | PTE_W | PTE_U);
	/* va(9) was never translated: the walk starts at the cached PDE */
	ck_assert_uint_eq(xl(va(9), MMU_READ), FRAME(9));
	mmu_invlpg(&mmu, va(0));
	ck_assert_uint_eq(xl(va(10), MMU_READ), FRAME(110));
}
END_TEST

START_TEST(test_spurious_fault_then_ok)
{
	/* A read-only page cached, then made writable without INVLPG: the
	 * write faults from the cached rights (P|W), the fault invalidates,
	 * and the retried write succeeds. */
	wr(PT + 8 * 5, FRAME(5) | PTE_P | PTE_U);
	xl(va(5), MMU_READ);
	wr(PT + 8 * 5, FRAME(5) | PTE_P | PTE_W | PTE_U);
	uint64_t pa;
	struct mmu_fault f;
	ck_assert_int_eq(mmu_translate(&mmu, va(5), MMU_WRITE, &pa, &f), -1);
	ck_assert_uint_eq(f.error, PF_ERR_P | PF_ERR_W);
	ck_assert_uint_eq(mmu.tlb.a[TLB_DTLB_4K].st.inval[INV_PF], 1);
	ck_assert_uint_eq(xl(va(5), MMU_WRITE), FRAME(5));
}
END_TEST

START_TEST(test_dirty_rewalk)
{
	/* §4.8: a write through an entry cached without D walks again and
	 * sets D in the PTE. */
	xl(va(2), MMU_READ);
	ck_assert(!(rd(PT + 16) & PTE_D));
	uint64_t w = mmu.stats.walks;
	xl(va(2), MMU_WRITE);
	ck_assert(rd(PT + 16) & PTE_D);
	ck_assert_uint_eq(mmu.stats.walks, w + 1);
	xl(va(2), MMU_WRITE); /* now dirty in the TLB: a plain hit */
	ck_assert_uint_eq(mmu.stats.walks, w + 1);
}
END_TEST

/* The same accesses through mem.h's pattern: fast path first, then the
 * slow path when it misses. */
static void access_pattern(int fast)
{
	struct tlb_geometry g;
	char err[64];
	tlb_parse_geometry("tiny", &g, err, sizeof(err));
	ck_assert_int_eq(mmu_configure(&mmu, &g, fast), 0);
	static const int seq[] = { 0, 1, 0, 4, 8, 0, 1, 2, 3, 4, 5, 0, 12, 16, 0, 1 };
	for (int r = 0; r < 3; r++)
		for (unsigned k = 0; k < sizeof(seq) / sizeof(seq[0]); k++) {
			int kind = (k + r) % 3 == 0 ? MMU_WRITE : MMU_READ;
			uint64_t a = va(seq[k]) + 8 * k;
			if (!mmu_hp_lookup(&mmu, a, kind, 0, 8))
				xl(a, kind);
		}
}

START_TEST(test_fastpath_same_stats)
{
	access_pattern(1);
	struct tlb on = mmu.tlb;
	struct tlb_array_stats s_on[TLB_NARRAYS];
	for (int a = 0; a < TLB_NARRAYS; a++)
		s_on[a] = on.a[a].st;
	struct mmu_stats m_on = mmu.stats;
	teardown();
	setup();
	access_pattern(0);
	for (int a = 0; a < TLB_NARRAYS; a++)
		ck_assert_mem_eq(&s_on[a], &mmu.tlb.a[a].st, sizeof(s_on[a]));
	ck_assert_uint_eq(m_on.walks, mmu.stats.walks);
	ck_assert_mem_eq(m_on.misses, mmu.stats.misses, sizeof(m_on.misses));
	ck_assert(m_on.hp_fills > 0);
	ck_assert_uint_eq(mmu.stats.hp_fills, 0);
}
END_TEST

START_TEST(test_geometry_syntax)
{
	struct tlb_geometry g;
	char err[128];
	ck_assert_int_eq(tlb_parse_geometry("tiny,stlb=0:0,pd=64:8", &g, err, sizeof(err)), 0);
	ck_assert_int_eq(g.entries[TLB_STLB], 0);
	ck_assert_int_eq(g.entries[TLB_PSC_PD], 64);
	ck_assert_int_eq(g.ways[TLB_PSC_PD], 8);
	ck_assert_int_eq(tlb_parse_geometry("dtlb4k=32:4", &g, err, sizeof(err)), 0);
	ck_assert_int_eq(g.entries[TLB_DTLB_4K], 32);
	ck_assert_int_eq(g.entries[TLB_STLB], 1536); /* skylake otherwise */
	ck_assert_int_eq(tlb_parse_geometry("huge", &g, err, sizeof(err)), -1);
	ck_assert_int_eq(tlb_parse_geometry("tiny,dtlb4k=10:4", &g, err, sizeof(err)), -1);
	ck_assert_int_eq(tlb_parse_geometry("tiny,nosuch=8:2", &g, err, sizeof(err)), -1);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("tlb");
	TCase *t = tcase_create("tlb");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_counts_by_hand);
	tcase_add_test(t, test_lru_eviction);
	tcase_add_test(t, test_stale_until_invlpg);
	tcase_add_test(t, test_pcid_survives_cr3);
	tcase_add_test(t, test_global_survives_cr3);
	tcase_add_test(t, test_invpcid_types);
	tcase_add_test(t, test_psc_keeps_freed_table);
	tcase_add_test(t, test_spurious_fault_then_ok);
	tcase_add_test(t, test_dirty_rewalk);
	tcase_add_test(t, test_fastpath_same_stats);
	tcase_add_test(t, test_geometry_syntax);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(suite());
}
