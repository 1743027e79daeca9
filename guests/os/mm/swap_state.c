/*
 * swap_state.c — the swap cache (Linux's mm/swap_state.c): anonymous
 * pages on their way to or from a swap slot, found by their swap entry.
 *
 * Swapping out (mm/vmscan.c): add_to_swap() gives the page a slot and puts
 * it in the cache (PG_swapcache, page->private = the entry), dirty; the
 * PTEs then take the entry; the page is written and leaves the cache.
 * Swapping in (mm/memory.c, do_swap_page): the page is looked up in the
 * cache first; if it is not there it is read, with its neighbours on disk
 * (swapin_readahead: the aligned block of 2^page_cluster slots around it,
 * 8 by default, which the slots that are in use and not cached yet are
 * read from), each one entering the cache and the inactive anon list.
 * A read-ahead page nobody faults on is freed again by reclaim without
 * any I/O: its slot still holds it.
 */
#include "errno.h"
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "sched.h"
#include "swap.h"
#include "swapops.h"

int page_cluster = 3;

struct page *lookup_swap_cache(swp_entry_t entry)
{
	struct page *page = *swap_cache_slot(entry);

	if (page)
		get_page(page);
	return page;
}

static void add_to_swap_cache(struct page *page, swp_entry_t entry)
{
	SetPageSwapCache(page);
	page->private = entry.val;
	*swap_cache_slot(entry) = page;
	get_page(page);		/* the cache's reference */
}

bool add_to_swap(struct page *page)
{
	swp_entry_t entry = get_swap_page();

	if (!entry.val)
		return false;
	add_to_swap_cache(page, entry);
	SetPageDirty(page);	/* the slot holds nothing yet: it must be written */
	return true;
}

void delete_from_swap_cache(struct page *page)
{
	swp_entry_t entry = { page->private };

	*swap_cache_slot(entry) = NULL;
	ClearPageSwapCache(page);
	page->private = 0;
	put_swap_page(entry);
	put_page(page);		/* the cache's reference */
}

/*
 * The page holding slot `entry` (a reference taken): from the cache, or
 * read from disk into a new page that joins the cache and the LRU.  NULL
 * when the slot is free, there is no memory, or the read failed (*err).
 */
static struct page *read_swap_cache_async(swp_entry_t entry, struct mm_struct *mm, int *err)
{
	struct page *page = lookup_swap_cache(entry), *found;

	if (page)
		return page;
	if (!swp_swapcount(entry))
		return NULL;
	if (!(page = alloc_page(GFP_KERNEL)))
		return NULL;
	/* The allocation may have reclaimed or let others run: look again. */
	if ((found = lookup_swap_cache(entry)) || !swapcache_prepare(entry)) {
		__free_page(page);
		return found;
	}
	set_page_owner(page, 0, PAGE_KIND_ANON, mm->owner);
	SetPageSwapCache(page);
	page->private = entry.val;
	*swap_cache_slot(entry) = page;
	get_page(page);		/* the cache's reference (swapcache_prepare set SWAP_HAS_CACHE) */
	if (swap_readpage(page, entry)) {
		*err = -EIO;
		delete_from_swap_cache(page);
		put_page(page);
		return NULL;
	}
	lru_cache_add(page);
	return page;
}

struct page *swapin_readahead(swp_entry_t entry, struct mm_struct *mm, int *err)
{
	unsigned long offset = swp_offset(entry), mask = (1ul << page_cluster) - 1;
	unsigned long start = offset & ~mask, end = offset | mask;

	*err = 0;
	if (!start)
		start++;	/* slot 0 is the header */
	for (unsigned long off = start; off <= end && mask; off++) {
		swp_entry_t e = swp_entry(swp_type(entry), off);
		struct page *page;
		int ra_err = 0;

		if (off == offset || off >= swap_max(e) || *swap_cache_slot(e) || !swp_swapcount(e))
			continue;
		if ((page = read_swap_cache_async(e, mm, &ra_err))) {
			reclaim_stat.swap_ra++;
			put_page(page);		/* the cache keeps it */
		}
	}
	return read_swap_cache_async(entry, mm, err);
}
