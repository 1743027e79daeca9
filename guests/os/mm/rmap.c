/*
 * rmap.c — the reverse map: from a physical page to every PTE that maps
 * it, which reclaim needs to age a page (clear the accessed bits) and to
 * take it away (unmap it everywhere before it is freed or swapped out).
 *
 * Linux finds those PTEs through anon_vma chains (anonymous pages) and
 * the i_mmap tree of a file.  This kernel has a few processes with a few
 * dozen VMAs, and finds them by search instead: every address space is
 * on `mmlist`, and a page says where to look:
 *
 *   anonymous page   index = its user address >> PAGE_SHIFT (there is no
 *                    mremap, and fork keeps addresses: every PTE that maps
 *                    an anonymous page does so at the same address);
 *   page-cache page  mapping (the inode) and index (page of the file): a
 *                    VMA of that file covering the index maps it at
 *                    vm_start + (index - vm_pgoff) pages.
 *
 * Each candidate PTE is checked to hold the page's frame number.  A PTE
 * made PROT_NONE (P = 0, _PAGE_PROTNONE) still maps its frame and counts.
 *
 * TLB: a PTE that loses its A bit or its frame is flushed through
 * flush_tlb_page() (tlbflush.h): the MMU sets A only when it walks, so
 * an entry left in the TLB would hide every later use of the page.
 */
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "swap.h"
#include "swapops.h"

static LIST_HEAD(mmlist);
static spinlock_t mmlist_lock;

void mmlist_add(struct mm_struct *mm)
{
	unsigned long flags;

	spin_lock_irqsave(&mmlist_lock, flags);
	list_add_tail(&mm->mmlist, &mmlist);
	spin_unlock_irqrestore(&mmlist_lock, flags);
}

void mmlist_del(struct mm_struct *mm)
{
	unsigned long flags;

	spin_lock_irqsave(&mmlist_lock, flags);
	list_del(&mm->mmlist);
	spin_unlock_irqrestore(&mmlist_lock, flags);
}

/* Where vma would map page, or 0 if it cannot. */
static unsigned long vma_address(const struct page *page, const struct vm_area_struct *vma)
{
	unsigned long addr;

	if (PageAnon(page)) {
		if (vma->vm_flags & VM_SHARED)
			return 0;
		addr = page->index << PAGE_SHIFT;
	} else {
		if (vma->vm_file != page->mapping || page->index < vma->vm_pgoff)
			return 0;
		addr = vma->vm_start + ((page->index - vma->vm_pgoff) << PAGE_SHIFT);
	}
	return addr >= vma->vm_start && addr < vma->vm_end ? addr : 0;
}

/*
 * Calls fn for every PTE that maps page (Linux's rmap_walk); stops early
 * when fn returns false.  Returns how many it found.
 */
static unsigned long rmap_walk(struct page *page,
			       bool (*fn)(struct page *, struct vm_area_struct *, unsigned long, pteval_t *, void *),
			       void *arg)
{
	unsigned long pfn = page_to_pfn(page), found = 0;
	struct list_head *pos;

	list_for_each(pos, &mmlist) {
		struct mm_struct *mm = list_entry(pos, struct mm_struct, mmlist);
		struct vm_area_struct *vma;

		for_each_vma(vma, mm) {
			unsigned long addr = vma_address(page, vma);
			pteval_t *pte;

			if (!addr || !(pte = get_pte(mm, addr, false)) || !pte_mapped(*pte) ||
			    ((*pte & PTE_PFN_MASK) >> PAGE_SHIFT) != pfn)
				continue;
			found++;
			if (!fn(page, vma, addr, pte, arg))
				return found;
		}
	}
	return found;
}

static bool page_referenced_one(struct page *page, struct vm_area_struct *vma, unsigned long addr, pteval_t *pte,
				void *arg)
{
	int *referenced = arg;

	if (*pte & _PAGE_ACCESSED) {
		__atomic_and_fetch(pte, ~_PAGE_ACCESSED, __ATOMIC_RELAXED);
		flush_tlb_page(vma, addr);
		(*referenced)++;
	}
	return true;
}

int page_referenced(struct page *page)
{
	int referenced = 0;

	rmap_walk(page, page_referenced_one, &referenced);
	return referenced;
}

static bool rmap_stop(struct page *page, struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, void *arg)
{
	return false;
}

bool page_mapped(struct page *page)
{
	return rmap_walk(page, rmap_stop, NULL) != 0;
}

static bool try_to_unmap_one(struct page *page, struct vm_area_struct *vma, unsigned long addr, pteval_t *pte,
			     void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	pteval_t pteval = __atomic_exchange_n(pte, 0, __ATOMIC_RELAXED);

	if (pteval & _PAGE_PRESENT)
		flush_tlb_page(vma, addr);
	if (pteval & _PAGE_DIRTY)	/* the MMU saw a write: the copy on disk (if any) is old */
		SetPageDirty(page);
	if (PageAnon(page)) {
		swp_entry_t entry = { page->private };

		swap_duplicate(entry);
		*pte = swp_entry_to_pte(entry);
		add_mm_counter(mm, MM_ANONPAGES, -1);
		add_mm_counter(mm, MM_SWAPENTS, 1);
	} else {
		add_mm_counter(mm, mm_counter_file(page), -1);
	}
	put_page(page);		/* the PTE's reference */
	return true;
}

bool try_to_unmap(struct page *page)
{
	rmap_walk(page, try_to_unmap_one, NULL);
	return !page_mapped(page);
}
