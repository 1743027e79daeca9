/*
 * mmu_gather.c — batched unmapping (tlb.h): the range of changed PTEs and
 * the frames waiting for the TLB flush, freed after it (Linux's
 * mm/mmu_gather.c, reduced to frames; page-table pages are freed whole by
 * free_pgtables() after its own flush).
 */
#include "kernel.h"
#include "mm.h"
#include "tlb.h"
#include "tlbflush.h"

static void __tlb_reset_range(struct mmu_gather *tlb)
{
	tlb->start = TLB_FLUSH_ALL;
	tlb->end = 0;
}

void tlb_gather_mmu(struct mmu_gather *tlb, struct mm_struct *mm)
{
	tlb->mm = mm;
	tlb->fullmm = !__atomic_load_n(&mm->mm_users, __ATOMIC_SEQ_CST);
	tlb->freed_tables = false;
	tlb->nr = 0;
	__tlb_reset_range(tlb);
}

void tlb_remove_tlb_entry(struct mmu_gather *tlb, unsigned long addr)
{
	tlb->start = min(tlb->start, addr);
	tlb->end = max(tlb->end, addr + PAGE_SIZE);
}

void tlb_flush_mmu(struct mmu_gather *tlb)
{
	if (!tlb->fullmm && (tlb->end > tlb->start || tlb->freed_tables))
		flush_tlb_mm_range(tlb->mm, tlb->end > tlb->start ? tlb->start : 0,
				   tlb->end > tlb->start ? tlb->end : TLB_FLUSH_ALL, PAGE_SHIFT, tlb->freed_tables);
	__tlb_reset_range(tlb);
	/* Every CPU has let go of the old translations: the frames may go. */
	for (unsigned int i = 0; i < tlb->nr; i++)
		put_page(tlb->pages[i]);
	tlb->nr = 0;
}

void tlb_remove_page(struct mmu_gather *tlb, struct page *page)
{
	tlb->pages[tlb->nr++] = page;
	if (tlb->nr == MMU_GATHER_BUNDLE)
		tlb_flush_mmu(tlb);
}

void tlb_finish_mmu(struct mmu_gather *tlb)
{
	tlb_flush_mmu(tlb);
}
