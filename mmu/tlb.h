/*
 * mmu/tlb.h — the TLB model: L1 instruction and data TLBs with an array per
 * page size, a unified second-level TLB (STLB), and the paging-structure
 * caches (PML5E, PML4E, PDPTE, PDE caches), all set-associative with LRU
 * replacement and tagged with PCIDs (SDM vol. 3 §4.10).
 *
 * What an entry caches is what §4.10.2.2 says a TLB caches: the page frame,
 * R/W and U/S ANDed over every level, XD ORed over every level, whether the
 * translation was dirty, and the global bit.  CR0.WP, SMEP, SMAP, AC and
 * the CPL are applied at each access, never stored.
 */
#ifndef MMULAB_MMU_TLB_H
#define MMULAB_MMU_TLB_H

#include <stdint.h>

/* The arrays of one vCPU's TLB.  Each holds one or two page sizes. */
enum tlb_array_id {
	TLB_ITLB_4K,  /* L1 instruction, 4 KiB pages */
	TLB_ITLB_2M,  /* L1 instruction, 2 MiB / 4 MiB pages */
	TLB_DTLB_4K,  /* L1 data, 4 KiB pages */
	TLB_DTLB_2M,  /* L1 data, 2 MiB / 4 MiB pages */
	TLB_DTLB_1G,  /* L1 data, 1 GiB pages */
	TLB_STLB,     /* L2 unified, 4 KiB and 2 MiB / 4 MiB pages */
	TLB_STLB_1G,  /* L2 unified, 1 GiB pages */
	TLB_PSC_PML5, /* paging-structure caches: PML5E, */
	TLB_PSC_PML4, /* PML4E, */
	TLB_PSC_PDPT, /* PDPTE, */
	TLB_PSC_PD,   /* and PDE (entries that reference a page table) */
	TLB_NARRAYS,
};

/* Why entries were invalidated (counted per array). */
enum tlb_cause {
	INV_INVLPG, INV_INVPCID0, INV_INVPCID1, INV_INVPCID2, INV_INVPCID3,
	INV_CR3, INV_CR4, INV_CR0, INV_PF, INV_NCAUSES,
};

struct tlb_entry {
	uint64_t key;   /* vpn << 6 | shift while valid, TLB_NOKEY when not:
			 * lookups compare this one word */
	uint64_t vpn;   /* linear address >> page shift (or level shift) */
	uint64_t pa;    /* page frame base, or next paging structure (PSC) */
	uint64_t lru;   /* stamp of last use; smallest is evicted */
	uint16_t pcid;
	uint8_t valid;
	uint8_t shift;  /* 12, 21, 22 or 30 for pages; level shift for PSC */
	uint8_t global; /* G=1 in the leaf and CR4.PGE=1 when filled */
	uint8_t rw, us, nx; /* combined rights over the levels used */
	uint8_t dirty;  /* D was set in the leaf when filled */
	uint8_t pkey;   /* protection key (leaf bits 62:59, IA-32e paging) */
	uint8_t array;  /* enum tlb_array_id */
};

#define TLB_NOKEY (~0ull)
#define TLB_KEY(vpn, shift) ((vpn) << 6 | (uint64_t)(shift))

struct tlb_array_stats {
	uint64_t hits, misses, fills, evictions;
	uint64_t inval[INV_NCAUSES];
};

struct tlb_array {
	int sets, ways; /* sets * ways entries; 0 ways: absent */
	uint64_t set_mask; /* sets - 1 (sets is a power of two) */
	int nvalid;     /* valid entries: lookups skip an empty array */
	struct tlb_entry *e;
	struct tlb_array_stats st;
};

/* Geometry of every array: entries and ways (entries = sets * ways). */
struct tlb_geometry {
	int entries[TLB_NARRAYS];
	int ways[TLB_NARRAYS];
};

struct tlb {
	struct tlb_array a[TLB_NARRAYS];
	uint64_t stamp;
};

/* Fill `g` from a --tlb specification: a preset name ("skylake", the
 * default, or "tiny"), optionally followed by ",ARRAY=ENTRIES:WAYS" items
 * (ARRAY: itlb4k itlb2m dtlb4k dtlb2m dtlb1g stlb stlb1g pml5 pml4 pdpt pd;
 * ENTRIES 0 removes the array; ENTRIES / WAYS must be a power of two).
 * Returns 0, or -1 with a message in `err`. */
int tlb_parse_geometry(const char *spec, struct tlb_geometry *g, char *err,
		       int errlen);

/* Allocate the arrays.  Returns 0, or -1 when out of memory. */
int tlb_init(struct tlb *t, const struct tlb_geometry *g);
void tlb_free(struct tlb *t);

/* Name of an array ("dtlb4k"...), of a cause ("invlpg"...). */
const char *tlb_array_name(int a);
const char *tlb_cause_name(int cause);

/* The help text describing --tlb. */
extern const char tlb_help[];

#endif
