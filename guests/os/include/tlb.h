/*
 * tlb.h — unmapping in batches (Linux's asm-generic/tlb.h, the
 * mmu_gather).  A walk that clears or changes PTEs records the range it
 * touched and the frames it took away; tlb_finish_mmu() then flushes the
 * TLBs of every CPU that may hold the range (tlbflush.h) and only then
 * drops the frames' references.  That is the order the SDM's caching rules
 * force on SMP: unhook, invalidate everywhere, free — a frame freed before
 * another CPU dropped its translation could be reused while that CPU still
 * reads or writes it through its stale entry.
 *
 *   struct mmu_gather tlb;
 *   tlb_gather_mmu(&tlb, mm);
 *   ... clear a PTE: tlb_remove_tlb_entry(&tlb, addr);
 *                    tlb_remove_page(&tlb, page);   (if its frame goes)
 *   tlb_finish_mmu(&tlb);
 *
 * When the batch of frames is full, the gather flushes and frees what it
 * has and goes on.  An mm without users (exit) is torn down without range
 * flushes (Linux's fullmm): no CPU runs it, and free_pgtables() makes the
 * ones that still have it loaded lazily let go before its tables go.  tlb->freed_tables says page-table pages go too (the
 * flush then also reaches CPUs that have the mm loaded only lazily).
 */
#ifndef OS_TLB_H
#define OS_TLB_H

#include "mm_types.h"

#define MMU_GATHER_BUNDLE 64	/* frames held back per flush */

struct mmu_gather {
	struct mm_struct *mm;
	unsigned long start, end;	/* the range of PTEs changed: [start, end) */
	bool fullmm;			/* the mm is being torn down: nobody uses it any more */
	bool freed_tables;
	unsigned int nr;
	struct page *pages[MMU_GATHER_BUNDLE];
};

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm);
/* The PTE for addr changed (a present one: the TLB may hold it). */
void tlb_remove_tlb_entry(struct mmu_gather *tlb, unsigned long addr);
/* page's reference goes once the TLBs are flushed. */
void tlb_remove_page(struct mmu_gather *tlb, struct page *page);
/* Flushes the range and frees the frames gathered so far. */
void tlb_flush_mmu(struct mmu_gather *tlb);
void tlb_finish_mmu(struct mmu_gather *tlb);

#endif
