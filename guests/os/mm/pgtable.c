/*
 * pgtable.c — the page tables of a process's address space: creating a
 * PGD that shares the kernel's upper half, finding (and creating) the PTE
 * for an address, and the three walks over a range that mmap, fork and
 * exit need: zap (unmap and drop the frames), copy (fork: share every
 * frame, write-protecting private writable ones so that the first write
 * copies, as Linux's copy_page_range) and change_protection (mprotect).
 *
 * Intermediate entries are always present, writable and user (U/S = 1,
 * R/W = 1, no XD): the SDM combines the rights of every level (vol. 3
 * §4.6.1), so the PTE alone decides.  A PTE that mprotect(PROT_NONE) made
 * inaccessible keeps its frame with P = 0 and _PAGE_PROTNONE (pgtable.h);
 * a page swapped out leaves a swap entry in its PTE (swapops.h).
 *
 * TLB (vol. 3 §4.10.4): a PTE that goes from not present to present needs
 * no invalidation (the TLB never caches a not-present entry); one that
 * loses a right or its frame does, on every CPU that may cache it: the
 * walks gather what they changed (tlb.h, mm/mmu_gather.c) and
 * arch/x86/tlb.c flushes it here and shoots it down elsewhere before the
 * frames are freed.  Page tables are freed last (free_pgtables), once no
 * CPU has the mm loaded.
 */
#include "asm.h"
#include "errno.h"
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "swap.h"
#include "tlb.h"
#include "tlbflush.h"

struct vm_event_state vm_event_states[NR_CPUS];

void all_vm_events(struct vm_event_state *sum)
{
	unsigned long *s = (unsigned long *)sum;

	*sum = (struct vm_event_state){ 0 };
	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		for (size_t i = 0; i < sizeof(*sum) / sizeof(unsigned long); i++)
			s[i] += ((const unsigned long *)&vm_event_states[cpu])[i];
}

pteval_t vm_get_page_prot(unsigned long vm_flags)
{
	pteval_t prot = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;

	if ((vm_flags & (VM_WRITE | VM_SHARED)) == (VM_WRITE | VM_SHARED))
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return prot & __supported_pte_mask;
}

void add_mm_counter(struct mm_struct *mm, int member, long value)
{
	unsigned long rss;

	mm->rss[member] += (unsigned long)value;
	rss = get_mm_rss(mm);
	if (rss > mm->hiwater_rss)
		mm->hiwater_rss = rss;
}

static pteval_t *alloc_table(struct mm_struct *mm)
{
	struct page *p = alloc_page(__GFP_ZERO);

	if (!p)
		return NULL;
	set_page_owner(p, 0, PAGE_KIND_PGTABLE, mm->owner);
	return page_address(p);
}

unsigned long *pgd_alloc(struct mm_struct *mm)
{
	pteval_t *pgd = alloc_table(mm);

	if (pgd)	/* PGD entries 256-511: the kernel's tables, shared */
		memcpy(pgd + 256, init_top_pgt + 256, 256 * sizeof(*pgd));
	return pgd;
}

/* The table an entry points to; with alloc, a new zeroed one if it is absent. */
static pteval_t *next_level(struct mm_struct *mm, pteval_t *e, bool alloc)
{
	if (!(*e & _PAGE_PRESENT)) {
		pteval_t *t = alloc ? alloc_table(mm) : NULL;

		if (!t)
			return NULL;
		mm->pgtables_bytes += PAGE_SIZE;
		*e = __pa(t) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
	}
	return __va(*e & PTE_PFN_MASK);
}

pteval_t *get_pte(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	pteval_t *pud, *pmd, *pte;

	if (!(pud = next_level(mm, &mm->pgd[pgd_index(addr)], alloc)))
		return NULL;
	if (!(pmd = next_level(mm, &pud[pud_index(addr)], alloc)))
		return NULL;
	if (!(pte = next_level(mm, &pmd[pmd_index(addr)], alloc)))
		return NULL;
	return &pte[pte_index(addr)];
}

/* Next address to look at after addr when its PTE table is absent. */
static unsigned long skip_table(unsigned long addr, unsigned long end)
{
	unsigned long next = ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE;

	return next < addr || next > end ? end : next;
}

void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, mm);
	for (unsigned long a = start; a < end;) {
		pteval_t *pte = get_pte(mm, a, false);

		if (!pte) {
			a = skip_table(a, end);
			continue;
		}
		if (pte_mapped(*pte)) {
			struct page *page = pfn_to_page((*pte & PTE_PFN_MASK) >> PAGE_SHIFT);

			pteval_t pteval = *pte;

			if (pteval & _PAGE_PRESENT)
				tlb_remove_tlb_entry(&tlb, a);
			*pte = 0;
			/* A written page-cache page must reach the file (Linux's zap_pte_range). */
			if ((pteval & _PAGE_DIRTY) && page != zero_page && !PageAnon(page) && page->mapping &&
			    !page->mapping->shmem)
				SetPageDirty(page);
			if (page != zero_page) {
				add_mm_counter(mm, mm_counter(page), -1);
				tlb_remove_page(&tlb, page);	/* freed after the TLB flush */
			}
		} else if (is_swap_pte(*pte)) {
			free_swap_and_cache(pte_to_swp_entry(*pte));
			add_mm_counter(mm, MM_SWAPENTS, -1);
			*pte = 0;
		}
		a += PAGE_SIZE;
	}
	tlb_finish_mmu(&tlb);
}

int copy_page_range(struct mm_struct *dst, struct vm_area_struct *vma)
{
	struct mm_struct *src = vma->vm_mm;
	bool cow = !(vma->vm_flags & VM_SHARED);
	unsigned long nr = 0;

	for (unsigned long a = vma->vm_start; a < vma->vm_end;) {
		pteval_t *spte = get_pte(src, a, false), *dpte;

		if (!spte) {
			a = skip_table(a, vma->vm_end);
			continue;
		}
		if (!*spte) {
			a += PAGE_SIZE;
			continue;
		}
		/* The child's table first: allocating may reclaim and change *spte. */
		if (!(dpte = get_pte(dst, a, true)))
			return -ENOMEM;
		if (is_swap_pte(*spte)) {	/* the slot gets one more PTE */
			swap_duplicate(pte_to_swp_entry(*spte));
			*dpte = *spte;
			add_mm_counter(dst, MM_SWAPENTS, 1);
		} else if (pte_mapped(*spte)) {
			struct page *page = pfn_to_page((*spte & PTE_PFN_MASK) >> PAGE_SHIFT);

			if (cow && (*spte & _PAGE_RW)) {	/* both sides read-only: COW */
				*spte &= ~_PAGE_RW;
				nr++;
			}
			*dpte = *spte;
			if (page != zero_page) {
				get_page(page);
				add_mm_counter(dst, mm_counter(page), 1);
			}
		}
		a += PAGE_SIZE;
	}
	if (nr)		/* the parent's writable entries lost R/W: one flush for all */
		flush_tlb_mm(src);
	return 0;
}

void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	struct mm_struct *mm = vma->vm_mm;
	pteval_t prot = vm_get_page_prot(vma->vm_flags);
	struct mmu_gather tlb;

	tlb_gather_mmu(&tlb, mm);

	for (unsigned long a = start; a < end;) {
		pteval_t *pte = get_pte(mm, a, false), e;

		if (!pte) {
			a = skip_table(a, end);
			continue;
		}
		e = *pte;
		if (pte_mapped(e)) {
			/* Keep R/W only where it was (an exclusive anonymous frame). */
			pteval_t n = (e & (PTE_PFN_MASK | _PAGE_DIRTY)) | prot;

			if ((e & _PAGE_RW) && (vma->vm_flags & VM_WRITE))
				n |= _PAGE_RW;
			if (!(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
				n = (n & ~_PAGE_PRESENT) | _PAGE_PROTNONE;
			if ((e & _PAGE_PRESENT) && n != e)
				tlb_remove_tlb_entry(&tlb, a);
			*pte = n;
		}
		a += PAGE_SIZE;
	}
	tlb_finish_mmu(&tlb);
}

static void free_table(struct mm_struct *mm, pteval_t *table, int level)
{
	if (level < 3)
		for (int i = 0; i < PTRS_PER_TABLE; i++)
			if (table[i] & _PAGE_PRESENT)
				free_table(mm, __va(table[i] & PTE_PFN_MASK), level + 1);
	mm->pgtables_bytes -= PAGE_SIZE;
	free_page((unsigned long)table);
}

void free_pgtables(struct mm_struct *mm)
{
	/* CPUs that still have it loaded lazily load init_mm before the tables go. */
	flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, PAGE_SHIFT, true);
	for (int i = 0; i < 256; i++)
		if (mm->pgd[i] & _PAGE_PRESENT)
			free_table(mm, __va(mm->pgd[i] & PTE_PFN_MASK), 1);
	free_page((unsigned long)mm->pgd);
	mm->pgd = NULL;
}
