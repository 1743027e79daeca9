/*
 * tlbbench.c — the TLB-bound phase of `make bench`: pointer chasing over
 * 32 MiB mapped with 4 KiB pages, one load per page visited, so that every
 * access misses the L1 dTLB and the STLB and the time per access is the
 * cost of a page walk.
 *
 * Layout.  The 32 MiB of physical memory at TLB_PHYS (64 MiB, inside the
 * identity map start.S builds, and below the 128 MiB of QEMU's default -m)
 * are mapped a second time at TLB_VA (1 GiB) through tables of our own:
 * boot_pdpt[1] -> tlb_pd, whose 16 PDEs point to the 16 page tables in
 * tlb_pt, 512 PTEs each, 8192 pages in all.  A linear address in the
 * window splits as (SDM vol. 3 §4.5.4): bits 47:39 = 0 (PML4[0]), 38:30 = 1
 * (PDPT[1]), 29:21 the PDE (0..15), 20:12 the PTE, 11:0 the offset.
 *
 * The chain.  Page k holds one pointer, at byte (k % 64) * 64 of the page:
 * the pages are 4 KiB apart and the slot moves by a cache line from one
 * page to the next, so that the host's data caches spread the slots over
 * their sets instead of piling them into one.  The slot of page k points
 * to the slot of page next[k], where next is a single cycle through all
 * 8192 pages drawn by Sattolo's algorithm:
 *     order[i] = i;  for i = 8191 down to 1: j = rand() % i; swap order[i], order[j]
 *     next = order  (Sattolo's shuffle yields a cyclic permutation)
 * with rand() the Park–Miller "minimal standard" generator
 *     x <- x * 48271 mod (2^31 - 1), seed TLB_SEED,
 * chosen because a host script can redo it exactly in double-precision
 * arithmetic: guests/bench/tlbchain.awk does, and the test tier
 * (tests/integration/tlbbench.sh) and `make bench` check the final pointer
 * against it.  A random cycle means consecutive accesses land
 * in unrelated TLB sets, and a page comes back only after all 8191 others:
 * far more than the 64 + 1536 entries of the default L1 dTLB and STLB.
 *
 * With `alias=1` on the command line the window maps its 8192 pages onto
 * only 128 physical frames: page k onto frame k / 64, where its slot, at
 * (k % 64) * 64, is still its own.  Linear addresses, the chain, the guest
 * TLB misses and the walks are the same, but the data the loads touch is
 * 512 KiB in 128 host pages instead of 8192 lines in 8192 host pages: the
 * difference between the two runs is what the host's own caches and TLB
 * charge for the scattered loads, which no emulator can avoid.
 *
 * The run.  Build the chain, check it is one cycle of 8192, then follow
 * `accesses=N` pointers (kernel command line, default 1048576) from page 0
 * in a loop of eight MOVs per iteration and print the final pointer: it
 * depends only on N, so mmulab and QEMU must print the same.  Exit through
 * isa-debug-exit with EXIT_PASS (status 1), or EXIT_FAIL when the chain is
 * not one cycle.
 */
#include "guest.h"

#define TLB_PHYS	0x04000000ul	/* 64 MiB */
#define TLB_VA		0x40000000ul	/* 1 GiB: PML4[0], PDPT[1] */
#define TLB_PAGES	8192		/* 32 MiB / 4 KiB */
#define TLB_PTS		(TLB_PAGES / 512)
#define TLB_SEED	12345u

static uint64_t tlb_pd[512] __attribute__((aligned(4096)));
static uint64_t tlb_pt[TLB_PTS][512] __attribute__((aligned(4096)));
static uint32_t order[TLB_PAGES];

extern uint64_t boot_pdpt[512];

/* Linear address of page k's slot. */
static uint64_t slot(uint32_t k)
{
	return TLB_VA + ((uint64_t)k << 12) + (k % 64) * 64;
}

/* Park–Miller minimal standard generator (multiplier 48271). */
static uint64_t rng_state = TLB_SEED;

static uint32_t rng_next(void)
{
	rng_state = rng_state * 48271 % 2147483647;
	return (uint32_t)rng_state;
}

/* Page tables for the window: page k onto frame k, or k / 64 with alias. */
static void map_window(int alias)
{
	if (boot_pdpt[1] & PTE_P)
		panic("tlbbench: PDPT[1] is already in use");
	for (int t = 0; t < TLB_PTS; t++) {
		for (int i = 0; i < 512; i++) {
			uint64_t k = (uint64_t)t * 512 + (uint64_t)i;
			uint64_t pa = TLB_PHYS + ((alias ? k / 64 : k) << 12);

			tlb_pt[t][i] = pa | PTE_P | PTE_W;
		}
		tlb_pd[t] = (uint64_t)tlb_pt[t] | PTE_P | PTE_W;
	}
	boot_pdpt[1] = (uint64_t)tlb_pd | PTE_P | PTE_W;
	/* A not-present PDPTE is never cached (SDM vol. 3 §4.10.2.3, §4.10.3.1): no INVLPG needed. */
}

static void build_chain(void)
{
	for (uint32_t i = 0; i < TLB_PAGES; i++)
		order[i] = i;
	for (uint32_t i = TLB_PAGES - 1; i > 0; i--) {
		uint32_t j = rng_next() % i, t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (uint32_t k = 0; k < TLB_PAGES; k++)
		*(volatile uint64_t *)slot(k) = slot(order[k]);
}

/* Steps from page 0 until the chain comes back to it (at most TLB_PAGES). */
static uint32_t cycle_length(void)
{
	uint64_t start = slot(0), p = start;
	uint32_t n = 0;

	do {
		p = *(volatile uint64_t *)p;
		n++;
	} while (p != start && n <= TLB_PAGES);
	return n;
}

/* Follow n pointers from p: one load per step, eight steps per branch. */
static uint64_t chase(uint64_t p, uint64_t n)
{
	uint64_t blocks = n / 8, rest = n % 8;

	if (blocks)
		__asm__ volatile("1:\n\t"
				 "movq (%0), %0\n\tmovq (%0), %0\n\t"
				 "movq (%0), %0\n\tmovq (%0), %0\n\t"
				 "movq (%0), %0\n\tmovq (%0), %0\n\t"
				 "movq (%0), %0\n\tmovq (%0), %0\n\t"
				 "decq %1\n\t"
				 "jnz 1b"
				 : "+r"(p), "+r"(blocks)
				 :
				 : "memory");
	while (rest--)
		p = *(volatile uint64_t *)p;
	return p;
}

int kmain(struct multiboot_info *mbi)
{
	uint64_t accesses = cmdline_number("accesses", 1048576);
	int alias = cmdline_number("alias", 0) != 0;
	uint32_t cycle;

	/* mem_upper counts KiB above 1 MiB (Multiboot spec §3.3). */
	if (!(mbi->flags & MBI_MEM) || 1024 + (uint64_t)mbi->mem_upper < (TLB_PHYS + TLB_PAGES * 4096ul) / 1024)
		panic("tlbbench: needs RAM up to %#lx (-m 128M or more)", TLB_PHYS + TLB_PAGES * 4096ul);
	printf("tlbbench: %d pages of 4 KiB at %#lx onto %d frames, chain seed %u\n", TLB_PAGES, TLB_VA,
	       alias ? TLB_PAGES / 64 : TLB_PAGES, TLB_SEED);
	map_window(alias);
	build_chain();
	cycle = cycle_length();
	printf("tlbbench: cycle %u\n", cycle);
	if (cycle != TLB_PAGES) {
		printf("tlbbench: the chain is not one cycle of %d pages\n", TLB_PAGES);
		return EXIT_FAIL;
	}
	printf("tlbbench: accesses=%lu\n", accesses);
	printf("tlbbench: final %016lx\n", chase(slot(0), accesses));
	return EXIT_PASS;
}
