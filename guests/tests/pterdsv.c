/*
 * pterdsv.c — reserved bits in 4-level paging-structure entries (SDM vol. 3
 * §4.5.4 and tables 4-15 to 4-20) and the #PF they raise: error code P = 1
 * and RSVD = 1 plus W/R, U/S and I/D as for any #PF (§4.7), CR2 the
 * address accessed.  Covered: bits 51:MAXPHYADDR at every level (MAXPHYADDR
 * from CPUID 0x80000008), PS in a PML4E, bits 20:13 of a 2 MiB PDE, bits
 * 29:13 of a 1 GiB PDPTE, XD with IA32_EFER.NXE = 0; and what is not a
 * reserved-bit fault: a reserved bit in a not-present entry, bits 62:52
 * (ignored with CR4.PKE = 0), PAT (bit 12) of a large page; and precedence
 * along the walk.  Every expectation comes from pterule.c.
 *
 * QEMU 7.2 reports reserved-bit faults without the P bit (0x8 instead of
 * 0x9; see sdmstrict.c), so pterdsv.qemu.expect holds its transcript.
 */
#include "pte.h"

#define VA4K	0x0000010040201000ul	/* PML4 slot 2: 4 KiB page */
#define VA2M	0x0000018040200000ul	/* PML4 slot 3: 2 MiB page */
#define VA1G	0x0000020040000000ul	/* PML4 slot 4: 1 GiB page */
#define PA2M	0x00800000ul		/* 8 MiB: free RAM above the image */

static uint8_t frame[4096] __attribute__((aligned(4096)));
static struct pte_map m4k, m2m, m1g;

/* Sets the flags of every level of m to P|W|U, then adds `bits` at `level`. */
static void shape(struct pte_map *m, int level, uint64_t bits)
{
	for (int l = 4; l >= m->leaf; l--)
		m->flags[l] = PTE_P | PTE_W | PTE_U;
	m->flags[level] |= bits;
	pte_build(m);
}

static void high_bits(void)
{
	int mp = pte_cpu.maxphyaddr;

	/* §4.5.4: bits 51:MAXPHYADDR of every entry are reserved. */
	for (int l = 4; l >= 1; l--) {
		if (mp >= 52) {
			test_skip("MAXPHYADDR is 52", "bit MAXPHYADDR in the %s", pte_level_name(l));
			test_skip("MAXPHYADDR is 52", "bit 51 in the %s", pte_level_name(l));
			continue;
		}
		shape(&m4k, l, 1ul << mp);
		pte_case_want(&m4k, PTE_READ, 0, 0x9, "bit MAXPHYADDR in the %s, CPL-0 read: #PF 0x9 (P|RSVD)", pte_level_name(l));
		shape(&m4k, l, 1ul << 51);
		pte_case_want(&m4k, PTE_WRITE, 3, 0xF, "bit 51 in the %s, CPL-3 write: #PF 0xf (P|W|U|RSVD)", pte_level_name(l));
	}
	if (mp < 52) {
		shape(&m4k, 1, 1ul << mp);
		pte_case_want(&m4k, PTE_FETCH, 0, 0x19, "bit MAXPHYADDR in the PTE, CPL-0 fetch: #PF 0x19 (P|RSVD|I)");
		shape(&m4k, 2, 1ul << (mp + (51 - mp) / 2));
		pte_case_want(&m4k, PTE_FETCH, 3, 0x1D,
			      "a bit between MAXPHYADDR and 51 in the PDE, CPL-3 fetch: #PF 0x1d (P|U|RSVD|I)");
	} else {
		test_skip("MAXPHYADDR is 52", "bit MAXPHYADDR in the PTE: CPL-0 fetch");
		test_skip("MAXPHYADDR is 52", "a bit above MAXPHYADDR in the PDE: CPL-3 fetch");
	}
	/* Bits 62:52 are ignored (bits 62:59 are a protection key only with CR4.PKE = 1). */
	for (int b = 52; b <= 62; b += 5) {
		shape(&m4k, 1, 1ul << b);
		pte_case_want(&m4k, PTE_WRITE, 0, PTE_NOFAULT, "bit %d in the PTE is ignored: the write completes", b);
		shape(&m4k, 4, 1ul << b);
		pte_case_want(&m4k, PTE_READ, 3, PTE_NOFAULT, "bit %d in the PML4E is ignored: the user read completes", b);
	}
}

static void page_size_bits(void)
{
	/* Table 4-15: bit 7 of a PML4E is reserved (there are no 512 GiB pages). */
	shape(&m4k, 4, PTE_PS);
	pte_case_want(&m4k, PTE_READ, 0, 0x9, "PS in the PML4E, CPL-0 read: #PF 0x9 (P|RSVD)");
	shape(&m4k, 4, PTE_PS);
	pte_case_want(&m4k, PTE_FETCH, 3, 0x1D, "PS in the PML4E, CPL-3 fetch: #PF 0x1d (P|U|RSVD|I)");

	/* Table 4-18: a PDE with PS = 1 has bits 20:13 reserved; 12 is PAT. */
	for (int b = 13; b <= 20; b++) {
		shape(&m2m, 2, 1ul << b);
		if (b & 1)
			pte_case_want(&m2m, PTE_READ, 0, 0x9, "bit %d of a 2 MiB PDE, CPL-0 read: #PF 0x9 (P|RSVD)", b);
		else
			pte_case_want(&m2m, PTE_WRITE, 0, 0xB, "bit %d of a 2 MiB PDE, CPL-0 write: #PF 0xb (P|W|RSVD)", b);
	}
	shape(&m2m, 2, 1ul << 12);
	pte_case_want(&m2m, PTE_READ, 0, PTE_NOFAULT, "bit 12 (PAT) of a 2 MiB PDE is not reserved: the read completes");

	/* Table 4-16: a PDPTE with PS = 1 has bits 29:13 reserved. */
	for (int b = 13; b <= 29; b++) {
		if (!pte_cpu.gbpages) {
			test_skip("no 1 GiB pages", "bit %d of a 1 GiB PDPTE", b);
			continue;
		}
		shape(&m1g, 3, 1ul << b);
		{
			/* Vary the access: writes (W) and CPL 3 (U) add to P|RSVD. */
			int acc = b % 3 == 0 ? PTE_WRITE : PTE_READ, cpl = b % 3 == 1 ? 3 : 0;
			int want = 0x9 | (acc == PTE_WRITE ? 0x2 : 0) | (cpl ? 0x4 : 0);

			pte_case_want(&m1g, acc, cpl, want, "bit %d of a 1 GiB PDPTE, CPL-%d %s: #PF %#x", b, cpl,
				      pte_access_name(acc), want);
		}
	}
	if (pte_cpu.gbpages) {
		shape(&m1g, 3, 1ul << 12);
		pte_case_want(&m1g, PTE_READ, 0, PTE_NOFAULT, "bit 12 (PAT) of a 1 GiB PDPTE is not reserved: the read completes");
	} else {
		test_skip("no 1 GiB pages", "bit 12 (PAT) of a 1 GiB PDPTE");
	}
}

static void xd_without_nxe(void)
{
	if (!pte_cpu.nx) {
		test_skip("no NX", "XD with NXE = 0");
		return;
	}
	/* §4.5.4: "If IA32_EFER.NXE = 0 and the P flag of a paging-structure
	 * entry is 1, the XD flag (bit 63) is reserved." */
	pte_set_nxe(0);
	for (int l = 4; l >= 1; l--) {
		shape(&m4k, l, PTE_NX);
		if (l & 1)
			pte_case_want(&m4k, PTE_READ, 0, 0x9, "XD in the %s with NXE = 0, CPL-0 read: #PF 0x9 (P|RSVD)",
				      pte_level_name(l));
		else
			pte_case_want(&m4k, PTE_READ, 3, 0xD, "XD in the %s with NXE = 0, CPL-3 read: #PF 0xd (P|U|RSVD)",
				      pte_level_name(l));
		shape(&m4k, l, PTE_NX);
		pte_case_want(&m4k, PTE_FETCH, 0, 0x9, "XD in the %s with NXE = 0, CPL-0 fetch: #PF 0x9 (I/D = 0: 4.7)",
			      pte_level_name(l));
	}
	/* §4.7: I/D is also set when CR4.SMEP = 1, whatever NXE. */
	if (pte_cpu.smep) {
		pte_set_smep(1);
		shape(&m4k, 1, PTE_NX);
		m4k.flags[1] &= ~PTE_U;
		pte_build(&m4k);
		pte_case_want(&m4k, PTE_FETCH, 0, 0x19, "XD in the PTE with NXE = 0 and SMEP = 1, CPL-0 fetch: #PF 0x19 (P|RSVD|I)");
		pte_set_smep(0);
	} else {
		test_skip("no SMEP", "XD with NXE = 0 and SMEP = 1");
	}
	pte_set_nxe(1);
	shape(&m4k, 2, PTE_NX);
	pte_case_want(&m4k, PTE_READ, 0, PTE_NOFAULT, "XD in the PDE with NXE = 1 is not reserved: the read completes");
}

static void precedence(void)
{
	int mp = pte_cpu.maxphyaddr;
	uint64_t rsvd = mp < 52 ? 1ul << mp : PTE_PS;
	int rl = mp < 52 ? 2 : 4;	/* a reserved bit at a level above the PTE */

	/* §4.7: reserved bits are not checked in an entry whose P flag is 0. */
	shape(&m4k, 2, rsvd);
	m4k.flags[2] &= ~PTE_P;
	if (rl == 4)
		m4k.flags[4] &= ~PTE_P;
	pte_build(&m4k);
	pte_case_want(&m4k, PTE_READ, 0, 0x0, "a reserved bit in a not-present entry, CPL-0 read: #PF 0 (no RSVD)");

	/* The walk stops at the first entry that fails: RSVD above a P = 0 PTE. */
	shape(&m4k, rl, rsvd);
	m4k.flags[1] &= ~PTE_P;
	pte_build(&m4k);
	pte_case_want(&m4k, PTE_WRITE, 0, 0xB, "a reserved bit above a not-present PTE, CPL-0 write: #PF 0xb (P|W|RSVD)");

	/* A not-present PDPTE hides a reserved bit in the PTE below it. */
	shape(&m4k, 1, rsvd == PTE_PS ? PTE_NX : rsvd);
	m4k.flags[3] &= ~PTE_P;
	if (rsvd == PTE_PS)
		pte_set_nxe(0);
	pte_build(&m4k);
	pte_case_want(&m4k, PTE_READ, 3, 0x4, "a not-present PDPTE above a reserved bit, CPL-3 read: #PF 0x4 (no RSVD)");
	pte_set_nxe(1);

	/* No translation, so no access-rights check: RSVD, not a U/S violation. */
	shape(&m4k, 1, rsvd == PTE_PS ? 0 : rsvd);
	m4k.flags[1] &= ~PTE_U;
	if (rsvd == PTE_PS)
		m4k.flags[4] |= PTE_PS;
	pte_build(&m4k);
	pte_case_want(&m4k, PTE_READ, 3, 0xD, "a reserved bit in a supervisor PTE, CPL-3 read: #PF 0xd (P|U|RSVD)");
}

int kmain(struct multiboot_info *mbi)
{
	printf("# pterdsv: reserved bits in paging-structure entries (SDM vol. 3 4.5.4, 4.7)\n");
	pte_init();
	pte_map_init(&m4k, VA4K, 1, (uint64_t)frame);
	pte_map_init(&m2m, VA2M, 2, PA2M);
	pte_map_init(&m1g, VA1G, 3, 0);
	high_bits();
	page_size_bits();
	xd_without_nxe();
	precedence();
	test_done();
}
