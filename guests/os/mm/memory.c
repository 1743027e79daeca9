/*
 * memory.c — page faults on user addresses, resolved by kind, one function
 * each (Linux's names, mm/memory.c):
 *
 *   do_anonymous_page   no PTE in an anonymous VMA: a read maps the shared
 *                       zero page read-only, a write gets a fresh zeroed frame
 *   do_read_fault       no PTE in a file VMA, not a write: the page-cache
 *                       frame, read-only (shared by every process mapping it)
 *   do_cow_fault        no PTE in a private file VMA, a write (or the page
 *                       holding the end of an ELF segment's file bytes): a
 *                       private copy
 *   do_shared_fault     no PTE in a shared VMA (a shmem inode, or an initrd
 *                       file): the page-cache frame itself, writable on a
 *                       write (an initrd file's page clean: the MMU sets D)
 *   do_swap_page        a swap entry in the PTE: the page from the swap cache,
 *                       or read from disk with its neighbours (a major fault)
 *   do_wp_page          a write to a present read-only PTE in a writable VMA:
 *                       copy on write — the zero page, a page-cache frame or
 *                       an anonymous frame still shared after fork is copied;
 *                       an anonymous frame whose last other owner is gone
 *                       (refcount 1) is reused as it is; in a shared VMA the
 *                       frame just becomes writable (wp_page_shared)
 *
 * The caller (arch/x86/fault.c, mm/uaccess.c) has checked the VMA allows
 * the access.  Every resolved fault counts once in the task's min_flt (or
 * maj_flt when a page-cache frame had to be filled) and in vmstat.
 *
 * Every allocation may reclaim (mm/vmscan.c), which may unmap other pages
 * of this very address space, or even the page a handler is looking at:
 * a handler takes its references first and, once it has allocated,
 * checks that the PTE still holds what it found (Linux's pte_same); if
 * not, it lets go and the access simply faults again.
 *
 * TLB: when the MMU raised the fault (FAULT_FLAG_HW) it has already dropped
 * its entries for the address (SDM vol. 3 §4.10.4.1: "a page-fault
 * exception resulting from an attempt to use a linear address will
 * invalidate any TLB entries ... for that linear address"), so replacing
 * the PTE needs no INVLPG here.  A fault taken on the kernel's behalf
 * (uaccess) changes a PTE the TLB may still cache: that one is flushed.
 * A COW copy points the PTE at a new frame: the other CPUs running the mm
 * may still map the old one and are shot down (flush_tlb_fault_page)
 * before it is freed.  A PTE that only gains R/W needs nothing from them:
 * their stale read-only entry faults, finds the PTE writable and is gone.
 */
#include "initrd.h"
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "sched.h"
#include "swap.h"

#define VM_FAULT_MAJOR	0x100

struct page *zero_page;

/* The PTE for a new mapping of page in vma (without R/W: the caller decides). */
static pteval_t mk_pte(struct page *page, struct vm_area_struct *vma)
{
	return page_to_phys(page) | (vm_get_page_prot(vma->vm_flags) & ~_PAGE_RW);
}

static pteval_t pte_mkwrite_dirty(pteval_t e)
{
	return e | _PAGE_RW | _PAGE_DIRTY;
}

/*
 * A write fault in a shared VMA: a shmem page is made dirty at once (it
 * is never written back); a page of an initrd file only writable, so
 * that the MMU sets D when the write is retried — the D bit is how
 * writeback learns the page changed (mm/filemap.c, page_mkclean).
 */
static pteval_t pte_mkwrite_shared(pteval_t e, const struct vm_area_struct *vma)
{
	return vma->vm_file->shmem ? pte_mkwrite_dirty(e) : e | _PAGE_RW;
}

/* A new anonymous page for addr in vma (its rmap index set); not yet on the LRU. */
static struct page *alloc_anon_page(struct vm_area_struct *vma, unsigned long addr, bool zero)
{
	struct page *page = alloc_page(zero ? __GFP_ZERO : 0);

	if (page) {
		set_page_owner(page, 0, PAGE_KIND_ANON, vma->vm_mm->owner);
		page->mapping = NULL;
		page->index = addr >> PAGE_SHIFT;
	}
	return page;
}

/* Maps a new anonymous page at pte if it still holds orig; false (page freed) if not. */
static bool set_anon_pte(struct page *page, pteval_t *pte, pteval_t orig, pteval_t val)
{
	if (*pte != orig) {
		__free_page(page);
		return false;
	}
	*pte = val;
	lru_cache_add(page);
	return true;
}

static int do_anonymous_page(struct vm_area_struct *vma, unsigned long addr, pteval_t *pte,
			     unsigned int flags)
{
	struct page *page;

	if (!(flags & FAULT_FLAG_WRITE)) {
		*pte = mk_pte(zero_page, vma);
		vmstat.zero_page_fault++;
		return VM_FAULT_OK;
	}
	if (!(page = alloc_anon_page(vma, addr, true)))
		return VM_FAULT_OOM;
	if (!set_anon_pte(page, pte, 0, pte_mkwrite_dirty(mk_pte(page, vma))))
		return VM_FAULT_RETRY;
	add_mm_counter(vma->vm_mm, MM_ANONPAGES, 1);
	vmstat.anon_fault++;
	return VM_FAULT_OK;
}

/* The file offset of addr in vma. */
static unsigned long vma_file_offset(struct vm_area_struct *vma, unsigned long addr)
{
	return (vma->vm_pgoff << PAGE_SHIFT) + (addr - vma->vm_start);
}

static int do_cow_fault(struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, unsigned int flags)
{
	unsigned long off = vma_file_offset(vma, addr), valid = min(vma->vm_file_end - off, PAGE_SIZE);
	struct page *cache = find_get_page(vma->vm_file, off >> PAGE_SHIFT), *page;
	int ret = VM_FAULT_OK;

	if (!cache)
		return VM_FAULT_OOM;
	if (cache->private) {	/* just filled from the archive */
		cache->private = 0;
		ret = VM_FAULT_MAJOR;
	}
	page = alloc_anon_page(vma, addr, valid < PAGE_SIZE);
	if (!page) {
		put_page(cache);
		return VM_FAULT_OOM;
	}
	memcpy(page_address(page), page_address(cache), valid);
	put_page(cache);
	if (!set_anon_pte(page, pte, 0, vma->vm_flags & VM_WRITE ? pte_mkwrite_dirty(mk_pte(page, vma))
								  : mk_pte(page, vma)))
		return VM_FAULT_RETRY;
	add_mm_counter(vma->vm_mm, MM_ANONPAGES, 1);
	vmstat.file_fault++;
	return ret;
}

static int do_read_fault(struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, unsigned int flags)
{
	unsigned long off = vma_file_offset(vma, addr);
	struct page *page;
	int ret = VM_FAULT_OK;

	if (!(page = find_get_page(vma->vm_file, off >> PAGE_SHIFT)))
		return VM_FAULT_OOM;
	if (page->private) {
		page->private = 0;
		ret = VM_FAULT_MAJOR;
	}
	if (*pte) {
		put_page(page);
		return VM_FAULT_RETRY;
	}
	*pte = mk_pte(page, vma);	/* the page-cache frame itself, read-only */
	add_mm_counter(vma->vm_mm, MM_FILEPAGES, 1);
	vmstat.file_fault++;
	return ret;
}

static int do_shared_fault(struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, unsigned int flags)
{
	struct page *page = find_get_page(vma->vm_file, vma_file_offset(vma, addr) >> PAGE_SHIFT);
	int ret = VM_FAULT_OK;

	if (!page)
		return VM_FAULT_OOM;
	if (page->private) {
		page->private = 0;
		ret = vma->vm_file->shmem ? VM_FAULT_OK : VM_FAULT_MAJOR;
	}
	if (*pte) {
		put_page(page);
		return VM_FAULT_RETRY;
	}
	*pte = mk_pte(page, vma);
	if (flags & FAULT_FLAG_WRITE)
		*pte = pte_mkwrite_shared(*pte, vma);
	add_mm_counter(vma->vm_mm, mm_counter_file(page), 1);
	vmstat.file_fault++;
	return ret;
}

static int do_fault(struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, unsigned int flags)
{
	unsigned long off = vma_file_offset(vma, addr);

	if (vma->vm_flags & VM_SHARED)
		return do_shared_fault(vma, addr, pte, flags);

	if (off >= vma->vm_file_end)		/* all .bss: plain anonymous memory */
		return do_anonymous_page(vma, addr, pte, flags);
	if (((flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED)) || off + PAGE_SIZE > vma->vm_file_end)
		return do_cow_fault(vma, addr, pte, flags);
	return do_read_fault(vma, addr, pte, flags);
}

static int do_wp_page(struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	struct page *old = pfn_to_page((*pte & PTE_PFN_MASK) >> PAGE_SHIFT), *page;
	pteval_t orig = *pte;

	if (vma->vm_flags & VM_SHARED) {	/* wp_page_shared: everyone sees the writes */
		*pte = pte_mkwrite_shared(*pte, vma);
		if (!(flags & FAULT_FLAG_HW))
			flush_tlb_page(vma, addr);
		return VM_FAULT_OK;
	}
	/* The swap cache's copy is of no use once the last owner writes (Linux's reuse_swap_page). */
	if (old != zero_page && PageSwapCache(old) && page_ref_count(old) == 2 &&
	    !swp_swapcount((swp_entry_t){ old->private }))
		delete_from_swap_cache(old);
	if (old != zero_page && old->kind == PAGE_KIND_ANON && page_ref_count(old) == 1) {
		/* wp_page_reuse: the last owner keeps its frame, now writable. */
		if (old->owner != mm->owner)
			set_page_owner(old, 0, PAGE_KIND_ANON, mm->owner);
		*pte = pte_mkwrite_dirty(*pte);
		if (!(flags & FAULT_FLAG_HW))
			flush_tlb_page(vma, addr);
		vmstat.cow_fault++;
		return VM_FAULT_OK;
	}
	/* wp_page_copy: hold old while allocating (reclaim may take its PTE away meanwhile) */
	if (old != zero_page)
		get_page(old);
	if (!(page = alloc_anon_page(vma, addr, old == zero_page))) {
		if (old != zero_page)
			put_page(old);
		return VM_FAULT_OOM;
	}
	if (old != zero_page)
		memcpy(page_address(page), page_address(old), PAGE_SIZE);
	if (!set_anon_pte(page, pte, orig, pte_mkwrite_dirty(mk_pte(page, vma)))) {
		if (old != zero_page)
			put_page(old);
		return VM_FAULT_RETRY;
	}
	/* Other CPUs may still map old: they let go before it can be freed. */
	if (flags & FAULT_FLAG_HW)
		flush_tlb_fault_page(vma, addr);
	else
		flush_tlb_page(vma, addr);
	if (old != zero_page) {
		add_mm_counter(mm, mm_counter(old), -1);
		put_page(old);		/* the PTE's reference */
		put_page(old);		/* ours */
		vmstat.cow_fault++;
	} else {
		vmstat.anon_fault++;
	}
	add_mm_counter(mm, MM_ANONPAGES, 1);
	return VM_FAULT_OK;
}

/*
 * The PTE holds a swap entry: the page comes from the swap cache, or from
 * disk with its neighbours (a major fault).  The last PTE to come back
 * takes the page out of the swap cache and frees the slot, and may write
 * it; a page other PTEs still wait for stays cached, mapped read-only (a
 * write copies it, as after fork).
 */
static int do_swap_page(struct vm_area_struct *vma, unsigned long addr, pteval_t *pte, unsigned int flags)
{
	struct mm_struct *mm = vma->vm_mm;
	pteval_t orig = *pte, val;
	swp_entry_t entry = pte_to_swp_entry(orig);
	struct page *page = lookup_swap_cache(entry);
	int ret = VM_FAULT_OK, err = 0;

	if (page) {
		reclaim_stat.swap_ra_hit++;
	} else {
		if (!(page = swapin_readahead(entry, mm, &err)))
			return err ? VM_FAULT_SIGBUS : *pte != orig ? VM_FAULT_RETRY : VM_FAULT_OOM;
		ret = VM_FAULT_MAJOR;
	}
	if (*pte != orig) {	/* reclaim or the OOM reaper changed it while we read */
		put_page(page);
		return VM_FAULT_RETRY;
	}
	page->index = addr >> PAGE_SHIFT;
	if (page->owner != mm->owner)
		set_page_owner(page, 0, PAGE_KIND_ANON, mm->owner);
	swap_free(entry);
	add_mm_counter(mm, MM_SWAPENTS, -1);
	add_mm_counter(mm, MM_ANONPAGES, 1);
	val = mk_pte(page, vma);
	if (!swp_swapcount(entry)) {	/* the last PTE: the page is this mm's alone */
		delete_from_swap_cache(page);
		if (vma->vm_flags & VM_WRITE)
			val = pte_mkwrite_dirty(val);
	}
	*pte = val;		/* our reference becomes the PTE's */
	return ret;
}

int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags)
{
	pteval_t *pte = get_pte(vma->vm_mm, addr & PAGE_MASK, true);
	int ret;

	addr &= PAGE_MASK;
	if (!pte)
		return VM_FAULT_OOM;
	if (!(*pte & _PAGE_PRESENT)) {
		if (*pte & _PAGE_PROTNONE)	/* keeps the frame; the VMA check said no */
			return VM_FAULT_SIGSEGV;
		if (is_swap_pte(*pte))
			ret = do_swap_page(vma, addr, pte, flags);
		else
			ret = vma->vm_file ? do_fault(vma, addr, pte, flags) : do_anonymous_page(vma, addr, pte, flags);
	} else if ((flags & FAULT_FLAG_WRITE) && !(*pte & _PAGE_RW)) {
		ret = do_wp_page(vma, addr, pte, flags);
	} else {
		ret = VM_FAULT_OK;	/* spurious: another path mapped it already */
	}
	if (ret == VM_FAULT_OOM || ret == VM_FAULT_SIGSEGV || ret == VM_FAULT_SIGBUS)
		return ret;
	if (ret == VM_FAULT_RETRY)
		return VM_FAULT_OK;	/* nothing mapped: the access faults again */
	vmstat.pgfault++;
	if (ret & VM_FAULT_MAJOR) {
		vmstat.pgmajfault++;
		current->maj_flt++;
	} else {
		current->min_flt++;
	}
	return VM_FAULT_OK;
}

void zero_page_init(void)
{
	zero_page = alloc_page(__GFP_ZERO);
	if (!zero_page)
		panic("no memory for the zero page");
	set_page_owner(zero_page, 0, PAGE_KIND_ZERO, 0);
}
