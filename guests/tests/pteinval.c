/*
 * pteinval.c — TLB invalidation in 4-level paging (SDM vol. 3 §4.10.4):
 * what INVLPG, MOV to CR3 (with and without CR4.PCIDE and the no-flush bit
 * 63), MOV to CR4 (PGE), INVPCID types 0-3 and a page fault must
 * invalidate, for global and non-global translations and across PCIDs.
 *
 * A translation changed in memory but still cached is "stale".  The SDM
 * never requires a processor to keep one (a TLB may drop any entry at any
 * time), so checks that a stale entry IS used test mmulab's model (its TLB
 * keeps every entry until an invalidation or an eviction) and run on
 * mmulab only.  The checks that a change becomes visible after an
 * invalidation are architectural and run everywhere.
 *
 * QEMU 7.2's TCG has no PCID and no INVPCID (CPUID.1:ECX[17] and
 * CPUID.(7,0):EBX[10] are 0): those checks print "# SKIP" there, so this
 * kernel's transcript on QEMU is pteinval.qemu.expect.
 */
#include "pte.h"

#define VA	0x0000030040201000ul	/* PML4 slot 6 */
#define OFF	0x800
#define MODEL	"model choice, checked on mmulab only"

static uint8_t frame_a[4096] __attribute__((aligned(4096)));
static uint8_t frame_b[4096] __attribute__((aligned(4096)));
static struct pte_map m;
static int live_pcid, live_invpcid;	/* may run PCID / INVPCID code */
static uint64_t cr3_base;
static uint64_t val_a = 0xAAAA, val_b = 0xBBBB;

static uint64_t rd(void)
{
	return *(volatile uint64_t *)(VA + OFF);
}

/* Points the PTE at frame A or B (global or not) without invalidating. */
static void point(uint64_t *frame, int global)
{
	m.pa = (uint64_t)frame;
	m.flags[1] = PTE_P | PTE_W | PTE_U | (global ? PTE_G : 0);
	pte_write(&m);
}

/* mmulab-only check of a stale translation. */
#define STALE(cond, ...)                                              \
	do {                                                          \
		if (pte_on_mmulab())                                  \
			CHECK(cond, __VA_ARGS__);                     \
		else                                                  \
			test_skip(MODEL, __VA_ARGS__);                \
	} while (0)

static void invlpg_and_cr3(void)
{
	point((uint64_t *)frame_a, 0);
	invlpg(VA);
	CHECK_EQ(rd(), val_a, "PTE -> frame A, INVLPG: reads A");
	point((uint64_t *)frame_b, 0);
	STALE(rd() == val_a, "PTE -> frame B without INVLPG: the cached translation still reads A");
	/* §4.10.4.1 INVLPG: invalidates the TLB entries for the page. */
	invlpg(VA);
	CHECK_EQ(rd(), val_b, "INVLPG: reads B");
	/* MOV to CR3 with PCIDE = 0 invalidates every non-global entry. */
	point((uint64_t *)frame_a, 0);
	WRITE_CR(3, READ_CR(3));
	CHECK_EQ(rd(), val_a, "PTE -> frame A, MOV to CR3: reads A");

	/* §4.10.4.3: P going from 0 to 1 needs no invalidation (no TLB
	 * entry is created from an entry with P = 0). */
	m.flags[1] &= ~PTE_P;
	pte_build(&m);
	CHECK(pte_access_at(VA + OFF, PTE_READ, 0, 0, NULL) && trap_last.f.error == 0,
	      "PTE not present: #PF 0");
	m.flags[1] |= PTE_P;
	pte_write(&m);
	CHECK_EQ(rd(), val_a, "P set without invalidation: the read completes (4.10.4.3)");

	/*
	 * R/W 0 -> 1 without INVLPG: the cached read-only rights may fault
	 * ("spurious" #PF, 4.10.4.3); a page fault invalidates the faulting
	 * address's entries (4.10.4.1), so the retried write completes.
	 */
	m.flags[1] &= ~PTE_W;
	pte_build(&m);
	(void)rd();
	m.flags[1] |= PTE_W;
	pte_write(&m);
	int f = pte_access_at(VA + OFF, PTE_WRITE, 0, val_a, NULL);
	STALE(f && trap_last.f.error == (PF_P | PF_W),
	      "R/W set without INVLPG: the write faults on the cached rights, #PF 0x3");
	CHECK(pte_access_at(VA + OFF, PTE_WRITE, 0, val_a, NULL) == 0,
	      "the write again: completes (the #PF, if any, invalidated the entry)");
}

static void global_pages(void)
{
	if (!pte_cpu.pge) {
		for (int i = 0; i < 5; i++)
			test_skip("no PGE", "global pages %d", i);
		return;
	}
	WRITE_CR(4, READ_CR(4) | CR4_PGE);
	point((uint64_t *)frame_a, 1);
	invlpg(VA);
	CHECK_EQ(rd(), val_a, "CR4.PGE = 1, global PTE -> frame A: reads A");
	point((uint64_t *)frame_b, 1);
	WRITE_CR(3, READ_CR(3));
	STALE(rd() == val_a, "global PTE -> frame B, MOV to CR3: the global entry survives, reads A");
	/* INVLPG invalidates global entries for the page too. */
	invlpg(VA);
	CHECK_EQ(rd(), val_b, "INVLPG: the global entry goes, reads B");
	/* MOV to CR4 changing PGE invalidates all entries, global ones included. */
	point((uint64_t *)frame_a, 1);
	WRITE_CR(4, READ_CR(4) & ~CR4_PGE);
	WRITE_CR(4, READ_CR(4) | CR4_PGE);
	CHECK_EQ(rd(), val_a, "global PTE -> frame A, CR4.PGE 1 -> 0 -> 1: reads A");
	/* A non-global entry does not survive MOV to CR3 with PGE = 1. */
	point((uint64_t *)frame_b, 0);
	invlpg(VA);
	(void)rd();
	point((uint64_t *)frame_a, 0);
	WRITE_CR(3, READ_CR(3));
	CHECK_EQ(rd(), val_a, "CR4.PGE = 1, non-global PTE changed, MOV to CR3: reads the new frame");
	WRITE_CR(4, READ_CR(4) & ~CR4_PGE);
}

/* ---- PCID and INVPCID: when CPUID lacks them every step is a SKIP. ---- */

static void load_cr3(int pcid, int noflush)
{
	if (live_pcid)
		WRITE_CR(3, cr3_base | (uint64_t)pcid | (noflush ? CR3_NOFLUSH : 0));
}

static void do_invpcid(uint64_t type, uint64_t pcid, uint64_t va)
{
	struct {
		uint64_t pcid, va;
	} d = { pcid, va };

	if (live_invpcid)
		__asm__ volatile("invpcid %0, %1" : : "m"(d), "r"(type) : "memory");
}

/* Reads the test address (0 when nothing runs). */
static uint64_t rdp(void)
{
	return live_pcid ? rd() : 0;
}

#define NO_PCID		"no PCID (CPUID.1:ECX[17] = 0)"
#define NO_INVPCID	"no INVPCID (CPUID.(7,0):EBX[10] = 0)"
#define PCHECK(cond, ...)                                                     \
	do {                                                                  \
		if (live_pcid)                                                \
			CHECK(cond, __VA_ARGS__);                             \
		else                                                          \
			test_skip(NO_PCID, __VA_ARGS__);                      \
	} while (0)
#define PSTALE(cond, ...)                                                     \
	do {                                                                  \
		if (!live_pcid)                                               \
			test_skip(NO_PCID, __VA_ARGS__);                      \
		else                                                          \
			STALE(cond, __VA_ARGS__);                             \
	} while (0)
#define ICHECK(cond, ...)                                                     \
	do {                                                                  \
		if (live_invpcid)                                             \
			CHECK(cond, __VA_ARGS__);                             \
		else                                                          \
			test_skip(NO_INVPCID, __VA_ARGS__);                   \
	} while (0)
#define ISTALE(cond, ...)                                                     \
	do {                                                                  \
		if (!live_invpcid)                                            \
			test_skip(NO_INVPCID, __VA_ARGS__);                   \
		else                                                          \
			STALE(cond, __VA_ARGS__);                             \
	} while (0)

/* Makes PCID p hold the translation of the current PTE: flush p, read. */
static void fill(int pcid)
{
	load_cr3(pcid, 0);
	(void)rdp();
}

static void pcids(void)
{
	live_pcid = pte_cpu.pcid;
	cr3_base = READ_CR(3) & ~0xFFFul;
	if (live_pcid)
		WRITE_CR(4, READ_CR(4) | CR4_PCIDE);	/* CR3[11:0] is 0 here, as required */

	/* §4.10.1: a processor uses only the entries of the current PCID. */
	point((uint64_t *)frame_a, 0);
	fill(1);
	point((uint64_t *)frame_b, 0);
	load_cr3(2, 0);
	PCHECK(rdp() == val_b, "PCID 1 cached frame A; PTE -> B, MOV to CR3 PCID 2: reads B");
	load_cr3(1, 1);
	PSTALE(rdp() == val_a, "back to PCID 1 with bit 63 set (no flush): PCID 1's entry survived, reads A");
	/* §4.10.4.1: MOV to CR3 with bit 63 clear invalidates the new PCID's entries. */
	load_cr3(1, 0);
	PCHECK(rdp() == val_b, "MOV to CR3 PCID 1 with bit 63 clear: reads B");

	/* INVLPG invalidates the current PCID's entries only. */
	point((uint64_t *)frame_a, 0);
	fill(1);
	load_cr3(2, 0);
	(void)rdp();
	point((uint64_t *)frame_b, 0);
	if (live_pcid)
		invlpg(VA);
	PCHECK(rdp() == val_b, "PCID 2: PTE -> B, INVLPG: reads B");
	load_cr3(1, 1);
	PSTALE(rdp() == val_a, "PCID 1 (no flush) after INVLPG in PCID 2: PCID 1's entry survived, reads A");

	/* INVPCID (vol. 2 "INVPCID"; §4.10.4.1). */
	live_invpcid = live_pcid && pte_cpu.invpcid;
	point((uint64_t *)frame_a, 0);
	fill(1);
	point((uint64_t *)frame_b, 0);
	do_invpcid(0, 2, VA);
	ISTALE(rdp() == val_a, "INVPCID type 0 for PCID 2 leaves PCID 1's entry: reads A");
	do_invpcid(0, 1, VA);
	ICHECK(rdp() == val_b, "INVPCID type 0 (address, PCID 1): reads B");

	point((uint64_t *)frame_a, 0);
	fill(1);
	point((uint64_t *)frame_b, 0);
	do_invpcid(1, 1, 0);
	ICHECK(rdp() == val_b, "INVPCID type 1 (single context, current PCID): reads B");

	point((uint64_t *)frame_a, 0);
	fill(1);
	load_cr3(2, 0);
	point((uint64_t *)frame_b, 0);
	do_invpcid(1, 1, 0);
	load_cr3(1, 1);
	ICHECK(rdp() == val_b, "INVPCID type 1 for PCID 1 run in PCID 2, back with no flush: reads B");

	if (live_pcid && pte_cpu.pge)
		WRITE_CR(4, READ_CR(4) | CR4_PGE);
	point((uint64_t *)frame_a, 1);
	fill(1);
	point((uint64_t *)frame_b, 1);
	do_invpcid(3, 0, 0);
	ISTALE(rdp() == val_a, "INVPCID type 3 (all but global) keeps a global entry: reads A");
	do_invpcid(2, 0, 0);
	ICHECK(rdp() == val_b, "INVPCID type 2 (all, global included): reads B");
	point((uint64_t *)frame_a, 0);
	fill(1);
	load_cr3(3, 0);
	point((uint64_t *)frame_b, 0);
	do_invpcid(3, 0, 0);
	load_cr3(1, 1);
	ICHECK(rdp() == val_b, "INVPCID type 3 invalidates PCID 1's non-global entry from PCID 3: reads B");
	if (live_pcid && pte_cpu.pge)
		WRITE_CR(4, READ_CR(4) & ~CR4_PGE);

	if (live_pcid) {
		load_cr3(0, 0);
		WRITE_CR(4, READ_CR(4) & ~CR4_PCIDE);
	}
}

/* INVPCID's operand checks (vol. 2 "INVPCID", protected-mode exceptions). */
static int invpcid_gp(uint64_t type, uint64_t pcid, uint64_t va)
{
	if (trap_catch())
		return (int)trap_last.f.vector == 13 && trap_last.f.error == 0;
	do_invpcid(type, pcid, va);
	trap_catch_cancel();
	return 0;
}

static void invpcid_faults(void)
{
	live_invpcid = pte_cpu.invpcid;
	ICHECK(invpcid_gp(4, 0, 0), "INVPCID type 4: #GP(0)");
	ICHECK(invpcid_gp(0, 0x1000, VA), "INVPCID with descriptor bits 63:12 set: #GP(0)");
	ICHECK(invpcid_gp(0, 0, 0x0000800000000000ul), "INVPCID type 0 with a non-canonical address: #GP(0)");
	ICHECK(invpcid_gp(1, 1, 0), "INVPCID type 1 for PCID 1 with CR4.PCIDE = 0: #GP(0)");
}

int kmain(struct multiboot_info *mbi)
{
	printf("# pteinval: INVLPG, MOV to CR3/CR4, PCIDs, INVPCID (SDM vol. 3 4.10.4)\n");
	pte_init();
	*(uint64_t *)(frame_a + OFF) = val_a;
	*(uint64_t *)(frame_b + OFF) = val_b;
	pte_map_init(&m, VA, 1, (uint64_t)frame_a);
	invlpg_and_cr3();
	global_pages();
	pcids();
	invpcid_faults();
	test_done();
}
