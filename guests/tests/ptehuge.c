/*
 * ptehuge.c — 2 MiB and 1 GiB pages in 4-level paging (SDM vol. 3 §4.5.4):
 * address composition (a PDE with PS = 1 gives physical bits 51:21 and the
 * linear address bits 20:0; a PDPTE with PS = 1 gives bits 51:30 and the
 * linear address 29:0), the A and D flags on the leaf at the level that
 * maps the page (§4.8), access rights on a large leaf (§4.6.1), and one
 * INVLPG anywhere in a large page dropping its translation (§4.10.4.2).
 */
#include "pte.h"

#define VA2M	0x0000018040200000ul	/* PML4 slot 3, PDPTE 1, PDE 1 */
#define VA1G	0x0000020040000000ul	/* PML4 slot 4, PDPTE 1 */
#define PA2M	0x00800000ul		/* 8 MiB and 10 MiB: free RAM above the image */
#define PA2M_B	0x00A00000ul
#define AD	(PTE_A | PTE_D)

static struct pte_map m2m, m1g;
static uint64_t cells[512];	/* words the 1 GiB page reads back */

static uint64_t rd(uint64_t va)
{
	return *(volatile uint64_t *)va;
}

static void wr(uint64_t va, uint64_t v)
{
	*(volatile uint64_t *)va = v;
}

static void composition(void)
{
	static const uint64_t off2m[] = { 0x8, 0x1238, 0x100000, 0x1FFFF8 };
	/* 1 GiB page onto physical 0: offsets inside the identity-mapped image. */
	uint64_t off1g[] = { (uint64_t)&cells[0], (uint64_t)&cells[511], PA2M + 0x40 };

	pte_build(&m2m);
	for (unsigned i = 0; i < ARRAY_SIZE(off2m); i++) {
		uint64_t o = off2m[i], marker = 0x2000000000000000ul | o;

		wr(PA2M + o, marker);
		CHECK_EQ(rd(VA2M + o), marker, "2 MiB page: va + %#lx reads physical base + %#lx", o, o);
	}
	wr(VA2M + 0x1FFF00, 0x77);
	CHECK_EQ(rd(PA2M + 0x1FFF00), 0x77, "2 MiB page: a write at va + 0x1fff00 lands at base + 0x1fff00");
	if (!pte_cpu.gbpages) {
		for (unsigned i = 0; i < ARRAY_SIZE(off1g); i++)
			test_skip("no 1 GiB pages", "1 GiB page composition %u", i);
		return;
	}
	pte_build(&m1g);
	for (unsigned i = 0; i < ARRAY_SIZE(off1g); i++) {
		uint64_t o = off1g[i];

		wr(o, 0x1000000000000000ul ^ o);
		CHECK_EQ(rd(VA1G + o), 0x1000000000000000ul ^ o,
			 "1 GiB page onto physical 0: va + offset reads physical offset (%s)",
			 i == 0 ? "a word in the image" : i == 1 ? "4 KiB further" : "8 MiB in");
	}
}

static void accessed_dirty(void)
{
	/* §4.8: A in every entry used, D only in the one that maps the page. */
	pte_build(&m2m);
	(void)rd(VA2M + 0x4000);
	CHECK((pte_get(&m2m, 2) & AD) == PTE_A, "2 MiB: a read sets A, not D, in the PDE (the leaf)");
	CHECK((pte_get(&m2m, 3) & AD) == PTE_A && (pte_get(&m2m, 4) & AD) == PTE_A,
	      "2 MiB: a read sets A in the PDPTE and PML4E, D in neither");
	wr(VA2M + 0x1F0000, 1);
	CHECK((pte_get(&m2m, 2) & AD) == AD, "2 MiB: a write sets D in the PDE");
	CHECK((pte_get(&m2m, 3) & PTE_D) == 0 && (pte_get(&m2m, 4) & PTE_D) == 0,
	      "2 MiB: a write sets no bit 6 in the PDPTE or PML4E");
	pte_build(&m2m);
	pte_case_want(&m2m, PTE_WRITE, 3, PTE_NOFAULT, "2 MiB: CPL-3 write: A at every level, D in the PDE");
	pte_build(&m2m);
	pte_case_want(&m2m, PTE_FETCH, 0, PTE_NOFAULT, "2 MiB: CPL-0 fetch: A at every level, no D");

	if (!pte_cpu.gbpages) {
		for (int i = 0; i < 4; i++)
			test_skip("no 1 GiB pages", "1 GiB A/D %d", i);
		return;
	}
	pte_build(&m1g);
	(void)rd(VA1G + 0x2000000);
	CHECK((pte_get(&m1g, 3) & AD) == PTE_A && (pte_get(&m1g, 4) & AD) == PTE_A,
	      "1 GiB: a read sets A, not D, in the PDPTE (the leaf) and A in the PML4E");
	wr(VA1G + PA2M + 0x100, 2);
	CHECK((pte_get(&m1g, 3) & AD) == AD && !(pte_get(&m1g, 4) & PTE_D),
	      "1 GiB: a write sets D in the PDPTE, not bit 6 of the PML4E");
	pte_build(&m1g);
	pte_case_want(&m1g, PTE_READ, 3, PTE_NOFAULT, "1 GiB: CPL-3 read: A at both levels, no D");
	pte_build(&m1g);
	pte_case_want(&m1g, PTE_WRITE, 0, PTE_NOFAULT, "1 GiB: CPL-0 write: A at both levels, D in the PDPTE");
}

/* Leaf flags {R/W, U/S, NX} x read/write/fetch x CPL 0/3 on a large leaf. */
static void rights(struct pte_map *m, const struct pte_ctl *c, const char *what)
{
	int n = 0, fails = 0, faults = 0;

	pte_set_ctl(c);
	for (int f = 0; f < 8; f++)
		for (int cpl = 0; cpl <= 3; cpl += 3)
			for (int acc = PTE_READ; acc <= PTE_FETCH; acc++) {
				struct pte_expect e;
				struct pte_result r;

				m->flags[m->leaf] = PTE_P | ((f & 1) ? PTE_W : 0) | ((f & 2) ? PTE_U : 0) |
						    ((f & 4) ? PTE_NX : 0);
				pte_build(m);
				pte_rule(m, acc, cpl, &e);
				pte_probe(m, acc, cpl, &r);
				n++;
				faults += e.fault;
				if (!pte_compare(&e, &r) && fails++ < 2) {
					pte_print_case(m, acc, cpl);
					printf("#     ");
					pte_explain(&e, &r);
					printf("\n");
				}
			}
	m->flags[m->leaf] = PTE_P | PTE_W | PTE_U;
	pte_set_ctl(&pte_ctl_default);
	CHECK(fails == 0, "%s leaf, WP=%d NXE=%d SMEP=%d SMAP=%d: {R/W,U/S,NX} x access x CPL: %d cases, %d #PF", what,
	      c->wp, c->nxe, c->smep, c->smap, n, faults);
}

static void large_rights(void)
{
	struct pte_ctl plain = pte_ctl_default, guarded = pte_ctl_default;

	guarded.smep = pte_cpu.smep;
	guarded.smap = pte_cpu.smap;
	rights(&m2m, &plain, "2 MiB");
	rights(&m2m, &guarded, "2 MiB");
	if (pte_cpu.gbpages) {
		rights(&m1g, &plain, "1 GiB");
		rights(&m1g, &guarded, "1 GiB");
	} else {
		test_skip("no 1 GiB pages", "1 GiB rights");
		test_skip("no 1 GiB pages", "1 GiB rights with SMEP/SMAP");
	}
}

static void invlpg_large(void)
{
	/* §4.10.4.2, footnote: "One execution of INVLPG is sufficient even
	 * for a page with size greater than 4 KBytes." */
	wr(PA2M + 0x180000, 0xAAAA);
	wr(PA2M_B + 0x180000, 0xBBBB);
	pte_build(&m2m);
	CHECK_EQ(rd(VA2M + 0x180000), 0xAAAA, "2 MiB page on frame A: reads A");
	m2m.pa = PA2M_B;
	pte_write(&m2m);
	invlpg(VA2M + 0x1234);
	CHECK_EQ(rd(VA2M + 0x180000), 0xBBBB, "PDE -> frame B, INVLPG of another 4 KiB in the page: reads B");
	m2m.pa = PA2M;
	pte_build(&m2m);
}

int kmain(struct multiboot_info *mbi)
{
	printf("# ptehuge: 2 MiB and 1 GiB pages (SDM vol. 3 4.5.4, 4.6.1, 4.8, 4.10.4.2)\n");
	pte_init();
	pte_map_init(&m2m, VA2M, 2, PA2M);
	pte_map_init(&m1g, VA1G, 3, 0);
	composition();
	accessed_dirty();
	large_rights();
	invlpg_large();
	test_done();
}
