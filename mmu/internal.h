/*
 * mmu/internal.h — what the files of mmu/ share and nobody else sees:
 * the walk's request and result, and the TLB array primitives.
 */
#ifndef MMULAB_MMU_INTERNAL_H
#define MMULAB_MMU_INTERNAL_H

#include "mmu/mmu.h"

/* One access as the walker sees it. */
struct walk {
	uint64_t la;
	int kind;           /* MMU_READ / MMU_WRITE / MMU_EXEC */
	int user;           /* a user-mode access (CPL 3, not implicit) */
	int super_implicit; /* descriptor-table / TSS access */
};

/* A successful translation. */
struct walk_result {
	uint64_t page;  /* physical base of the page */
	int shift;      /* 12, 21, 22 or 30 */
	int rw, us, nx; /* combined over the levels (nx only with NXE) */
	int dirty;      /* D set in the leaf (after this walk) */
	int pkey;       /* protection key of the leaf (0 outside IA-32e) */
	int global;     /* G in the leaf */
};

/* Walk the paging structures for `w`.  With `live` the walk uses and fills
 * the paging-structure caches, sets A/D bits, counts and reports to the
 * observer; without, it only reads (mmu_probe).  Returns 0, or -1 with the
 * #PF in *f. */
int mmu_walk(struct mmu *m, const struct walk *w, struct walk_result *r,
	     struct mmu_fault *f, int live);

/* The permission rules of §4.6 on combined rights; 1 if allowed. */
int mmu_allowed(const struct mmu_ctl *c, const struct walk *w, int rw, int us,
		int nx);

/* Protection keys (§4.6.2): 1 if PKRU forbids this data access to a
 * user-mode address with key `pkey` (the fault then has PF_ERR_PK). */
int mmu_pk_denied(const struct mmu_ctl *c, const struct walk *w, int us,
		  int pkey);

/* #PF error code for access `w` with the P bit `p` (and RSVD if asked). */
uint32_t mmu_pf_error(const struct mmu *m, const struct walk *w, uint32_t base);

/* Page-size shift of the 2/4 MiB class in the current paging mode. */
static inline int mmu_large_shift(const struct mmu *m)
{
	return (m->ctl.cr4 & CR4_PAE) ? 21 : 22;
}

/* Find a valid entry of array `a` for `la` with `shift` usable under
 * `pcid` (global entries match any PCID).  NULL if none. */
struct tlb_entry *tlb_find(struct mmu *m, int a, uint64_t la, int shift,
			   uint16_t pcid);

/* Make room in array `a` for `la`'s set (evicting the LRU way if full) and
 * return the slot, already stamped and marked valid with vpn/shift/pcid;
 * the caller fills in the rest.  NULL when the array is absent. */
struct tlb_entry *tlb_alloc(struct mmu *m, int a, uint64_t la, int shift,
			    uint16_t pcid);

/* Invalidate one entry, counting `cause` (TLB_EVICTED: an eviction;
 * TLB_REPLACED: superseded by a new walk, not counted) and dropping the
 * host-pointer slots tied to it. */
#define TLB_EVICTED (-1)
#define TLB_REPLACED (-2)
void tlb_kill(struct mmu *m, struct tlb_entry *e, int cause);

/* Set and way of an entry, for observer events. */
void tlb_where(const struct mmu *m, const struct tlb_entry *e, int *set, int *way);

/* Drop the whole host-pointer cache (no architectural effect). */
void mmu_hp_clear(struct mmu *m);

/* Invalidate what a page fault on `la` invalidates (§4.10.4.1). */
void mmu_inval_for_pf(struct mmu *m, uint64_t la);

/* Invalidate page arrays and paging-structure caches by predicate:
 * `pcid` < 0 matches every PCID; `globals` also drops global TLB entries;
 * `la_valid` limits TLB entries to those mapping `la`.  PSC entries go
 * with `psc` (for the same PCID rule). */
void mmu_inval(struct mmu *m, int pcid, int globals, int la_valid, uint64_t la,
	       int psc, int cause);

#endif
