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
 * page_mkclean (sync, mm/filemap.c) moves the hardware D bit of every PTE
 * mapping a page-cache page to PG_dirty: the MMU set D when a write went
 * through the PTE (SDM vol. 3 §4.8), so it is how the kernel learns that
 * a file page mapped MAP_SHARED was written.
 *
 * TLB: a PTE that loses its A bit, its D bit or its frame is flushed through
 * flush_tlb_page() (tlbflush.h): the MMU sets A only when it walks, so
 * an entry left in the TLB would hide every later use of the page.
 */
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "mmap_lock.h"
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

/* Linux's mmget_not_zero: a reference on mm unless its last user is already tearing it down. */
static bool mmget_not_zero(struct mm_struct *mm)
{
	int users = __atomic_load_n(&mm->mm_users, __ATOMIC_RELAXED);

	while (users)
		if (__atomic_compare_exchange_n(&mm->mm_users, &users, users + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

/* Direct reclaim must not wait for an mm's lock; kswapd may (it holds none). */
static bool reclaim_try_lock(void)
{
	return !(current->flags & PF_KSWAPD);
}

struct rmap_walk_control {
	bool (*rmap_one)(struct page *, struct vm_area_struct *, unsigned long, pteval_t *, void *);
	void *arg;
	bool try_lock;		/* reclaim: skip an mm whose lock another task holds */
	bool contended;		/* out: an mm was skipped, so its PTEs were not seen */
};

/* Calls rwc->rmap_one for every PTE of mm that maps page; false when it said stop. */
static bool rmap_walk_mm(struct page *page, struct mm_struct *mm, struct rmap_walk_control *rwc,
			 unsigned long *found)
{
	unsigned long pfn = page_to_pfn(page);
	struct vm_area_struct *vma;

	for_each_vma(vma, mm) {
		unsigned long addr = vma_address(page, vma);
		pteval_t *pte;

		if (!addr || !(pte = get_pte(mm, addr, false)) || !pte_mapped(*pte) ||
		    ((*pte & PTE_PFN_MASK) >> PAGE_SHIFT) != pfn)
			continue;
		(*found)++;
		if (!rwc->rmap_one(page, vma, addr, pte, rwc->arg))
			return false;
	}
	return true;
}

/*
 * Calls rwc->rmap_one for every PTE that maps page (Linux's rmap_walk);
 * stops early when it returns false.  Returns how many it found.
 *
 * Other CPUs run and change these address spaces meanwhile, so each mm is
 * walked with a reference (mmget_not_zero: an mm whose last user is
 * tearing it down is left to that) and its mmap_lock, which covers its
 * VMAs and page tables (this kernel has no separate page-table lock).
 * The task's own mm when it already holds the lock (a fault that
 * reclaims) is walked under that hold.  With try_lock (direct reclaim) an
 * mm locked by another task is skipped and rwc->contended set: the
 * caller must then treat the page as used (Linux's folio_referenced
 * returning -1) — a task that holds its own mm's lock must not wait for
 * another's, whose holder may be waiting for its.  kswapd holds no mm's
 * lock and sync none either: they wait for it (the holder lets go at the
 * end of its fault or system call), or a task faulting all the time would
 * keep kswapd from ever reclaiming its pages.
 *
 * mmlist_lock is held only to step along the list: the reference keeps
 * the mm on it, and the previous mm's reference is dropped outside the
 * lock (its mmput may be the last one, which takes mmlist_lock itself).
 */
static unsigned long rmap_walk(struct page *page, struct rmap_walk_control *rwc)
{
	struct mm_struct *prev = NULL;
	struct list_head *pos;
	unsigned long found = 0, flags;
	bool more = true;

	spin_lock_irqsave(&mmlist_lock, flags);
	for (pos = mmlist.next; more && pos != &mmlist;) {
		struct mm_struct *mm = list_entry(pos, struct mm_struct, mmlist);
		bool held;

		if (!mmget_not_zero(mm)) {
			pos = pos->next;
			continue;
		}
		spin_unlock_irqrestore(&mmlist_lock, flags);
		if (prev)
			mmput(prev);
		prev = mm;
		held = mmap_lock_is_held(mm);
		if (held) {
			more = rmap_walk_mm(page, mm, rwc, &found);
		} else if (!rwc->try_lock || mmap_read_trylock(mm)) {
			if (!rwc->try_lock)
				mmap_read_lock(mm);
			more = rmap_walk_mm(page, mm, rwc, &found);
			mmap_read_unlock(mm);
		} else {
			rwc->contended = true;
		}
		spin_lock_irqsave(&mmlist_lock, flags);
		pos = mm->mmlist.next;
	}
	spin_unlock_irqrestore(&mmlist_lock, flags);
	if (prev)
		mmput(prev);
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
	struct rmap_walk_control rwc = { .rmap_one = page_referenced_one, .arg = &referenced,
					 .try_lock = reclaim_try_lock() };

	rmap_walk(page, &rwc);
	return rwc.contended ? -1 : referenced;
}

static bool rmap_stop(struct page *page, struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, void *arg)
{
	return false;
}

bool page_mapped(struct page *page)
{
	struct rmap_walk_control rwc = { .rmap_one = rmap_stop, .try_lock = reclaim_try_lock() };

	return rmap_walk(page, &rwc) != 0 || rwc.contended;
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
	struct rmap_walk_control rwc = { .rmap_one = try_to_unmap_one, .try_lock = reclaim_try_lock() };

	rmap_walk(page, &rwc);
	return !rwc.contended && !page_mapped(page);
}

static bool page_mkclean_one(struct page *page, struct vm_area_struct *vma, unsigned long addr, pteval_t *pte,
			     void *arg)
{
	int *cleaned = arg;

	if (*pte & _PAGE_DIRTY) {
		__atomic_and_fetch(pte, ~_PAGE_DIRTY, __ATOMIC_RELAXED);
		flush_tlb_page(vma, addr);	/* the next write walks and sets D again */
		(*cleaned)++;
	}
	return true;
}

int page_mkclean(struct page *page)
{
	int cleaned = 0;
	struct rmap_walk_control rwc = { .rmap_one = page_mkclean_one, .arg = &cleaned };

	rmap_walk(page, &rwc);
	return cleaned;
}
