/*
 * ptematrix.c — the access-rights matrix of 4-level paging (SDM vol. 3
 * §4.6, error codes §4.7, A/D §4.8): every combination of
 *
 *   access          read, write, fetch                              3
 *   privilege       CPL 0 (supervisor), CPL 3 (user)                 2
 *   PTE flags       P, R/W, U/S, NX                                 16
 *   upper flags     P, R/W, U/S, NX in one upper entry              16
 *   upper level     PML4E, PDPTE or PDE (the others P, R/W, U/S)     3
 *   CR0.WP          0, 1                                             2
 *   IA32_EFER.NXE   0, 1 (NX = 1 with NXE = 0 is a reserved bit)     2
 *   CR4.SMEP        0, 1                                             2
 *   CR4.SMAP, AC    SMAP 0; SMAP 1 with AC 0; SMAP 1 with AC 1       3
 *
 * = 72 groups (controls × upper level) of 16 × 16 × 6 = 1536 cases,
 * 110592 in all.  Each case builds the entries afresh (A and D clear),
 * INVLPGs, asks pterule.c what the SDM requires and runs the probe; it
 * passes when #PF or not, error code, CR2, RIP and the A/D flags of every
 * level agree.  A group prints one TAP line with its case count and the
 * number of #PFs the rules demand; a failing case is printed (the first
 * two of a group), so the transcript stays short and the counts exact.
 */
#include "pte.h"

#define VA 0x0000008040201000ul	/* PML4E 1, PDPTE 1, PDE 1, PTE 1 */
#define SHOW_FAILS 2

static uint8_t frame[4096] __attribute__((aligned(4096)));

static uint64_t flag_bits(int f)
{
	return ((f & 1) ? PTE_P : 0) | ((f & 2) ? PTE_W : 0) | ((f & 4) ? PTE_U : 0) | ((f & 8) ? PTE_NX : 0);
}

static long total, total_ok;

/* One group: fixed controls, flags varied at `upper` and in the PTE. */
static void group(struct pte_map *m, const struct pte_ctl *c, int upper)
{
	int n = 0, fails = 0, faults = 0;

	pte_set_ctl(c);
	for (int uf = 0; uf < 16; uf++)
		for (int lf = 0; lf < 16; lf++)
			for (int cpl = 0; cpl <= 3; cpl += 3)
				for (int acc = PTE_READ; acc <= PTE_FETCH; acc++) {
					struct pte_expect e;
					struct pte_result r;

					for (int l = 4; l >= 2; l--)
						m->flags[l] = PTE_P | PTE_W | PTE_U;
					m->flags[upper] = flag_bits(uf);
					m->flags[1] = flag_bits(lf);
					pte_build(m);
					pte_rule(m, acc, cpl, &e);
					pte_probe(m, acc, cpl, &r);
					n++;
					faults += e.fault;
					if (pte_compare(&e, &r))
						continue;
					if (fails++ < SHOW_FAILS) {
						pte_print_case(m, acc, cpl);
						printf("#     ");
						pte_explain(&e, &r);
						printf("\n");
					}
				}
	if (fails > SHOW_FAILS)
		printf("#   ... and %d more failing cases in this group\n", fails - SHOW_FAILS);
	total += n;
	total_ok += n - fails;
	CHECK(fails == 0, "WP=%d NXE=%d SMEP=%d SMAP=%d AC=%d, %s and PTE varied: %d cases, %d #PF", c->wp, c->nxe,
	      c->smep, c->smap, c->ac, pte_level_name(upper), n, faults);
}

int kmain(struct multiboot_info *mbi)
{
	struct pte_map m;

	printf("# ptematrix: read/write/fetch x CPL 0/3 x {P,R/W,U/S,NX} in the PTE and one upper entry\n");
	printf("#   x CR0.WP x EFER.NXE x CR4.SMEP x CR4.SMAP/EFLAGS.AC (SDM vol. 3 4.6-4.8)\n");
	pte_init();
	pte_map_init(&m, VA, 1, (uint64_t)frame);
	for (int wp = 0; wp <= 1; wp++)
		for (int nxe = 0; nxe <= 1; nxe++)
			for (int smep = 0; smep <= 1; smep++)
				for (int sa = 0; sa < 3; sa++) {
					struct pte_ctl c = { .wp = wp, .nxe = nxe, .smep = smep, .smap = sa > 0,
							     .ac = sa == 2 };
					int have = (!nxe || pte_cpu.nx) && (!smep || pte_cpu.smep) &&
						   (!c.smap || pte_cpu.smap);

					for (int upper = 4; upper >= 2; upper--) {
						if (have)
							group(&m, &c, upper);
						else
							test_skip("CPUID lacks NX, SMEP or SMAP",
								  "WP=%d NXE=%d SMEP=%d SMAP=%d AC=%d, %s and PTE varied",
								  wp, nxe, smep, c.smap, c.ac, pte_level_name(upper));
					}
				}
	pte_set_ctl(&pte_ctl_default);
	printf("# ptematrix: %ld cases, %ld as the SDM says, %ld not\n", total, total_ok, total - total_ok);
	test_done();
}
