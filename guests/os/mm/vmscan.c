/*
 * vmscan.c — page reclaim (Linux's mm/vmscan.c and mm/swap.c, reduced):
 * the LRU lists, how pages age on them, kswapd and direct reclaim.
 *
 * Every user page is on one of four lists (mmzone.h): inactive or active,
 * anonymous or file.  A new page starts inactive.  Reclaim takes pages
 * from the tail of the inactive lists and asks how they were used since
 * it last looked, through the reverse map (mm/rmap.c): page_referenced()
 * clears the accessed bit in every PTE that maps the page (flushing the
 * TLB entry, so that the next use walks and sets A again) and counts the
 * ones that were set; PG_referenced remembers one earlier sighting.
 * Linux's steps (page_check_references):
 *
 *   A set in a PTE, page seen before (PG_referenced) or mapped twice  -> active
 *   A set in a PTE, first time                  -> PG_referenced, stays inactive
 *   A set nowhere                               -> reclaimed
 *
 * Active pages that the inactive list runs short of (inactive_is_low)
 * go back to inactive with their A bits cleared (shrink_active_list), so
 * an active page must be used again within one trip around the inactive
 * list to stay.  mark_page_accessed() is the same ladder for uses the MMU
 * does not see.
 *
 * Reclaiming a page: an anonymous page first gets a swap slot and joins
 * the swap cache (mm/swap_state.c); then every PTE mapping it is cleared
 * (an anonymous page's PTEs get the swap entry), each PTE's dirty bit
 * moving to PG_dirty; a dirty page is written out (swap: synchronously,
 * PIO on the ATA disk; a file page: copied back to the initrd, the RAM
 * disk under the file system, mm/filemap.c); a clean page-cache page is
 * simply dropped — the initrd has the same bytes.  Pages someone else still holds go back to the
 * list.
 *
 * How much of each kind is scanned: vm.swappiness (0-200) weighs anon
 * against file as Linux's get_scan_count does without its cost feedback:
 * anon gets swappiness, file 200 - swappiness; without swap only file
 * pages are scanned, and when file pages are nearly gone only anon.
 *
 * kswapd0, a kernel thread, is woken by the page allocator when a zone
 * falls below its low watermark and reclaims until the node is balanced
 * (some zone above high); a task that finds a zone below min reclaims
 * itself first (direct reclaim, try_to_free_pages).  Both run with
 * PF_MEMALLOC so that their own allocations never recurse into reclaim.
 *
 * Locking: the LRU lists have lru_lock, the swap maps swap_lock, the
 * zones their locks.  What reclaim does to address spaces it does not
 * own — rmap.c walking every mm and its VMAs, clearing PTEs — it does
 * holding a reference on each mm (mmget_not_zero) and its mmap_lock,
 * taken with a trylock: an mm another task holds is skipped and its
 * pages are kept for now (page_referenced() == -1, try_to_unmap fails),
 * so kswapd and a task in direct reclaim on another CPU never wait for
 * each other.  TLB entries go through tlbflush.h, which shoots them down
 * on every CPU.
 */
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "mmzone.h"
#include "sched.h"
#include "swap.h"
#include "swapops.h"

#define SWAP_CLUSTER_MAX	32ul
#define DEF_PRIORITY		12
#define MAX_RECLAIM_RETRIES	16

int vm_swappiness = 60;
struct reclaim_stat reclaim_stat;
static int kswapd_failures;	/* balance runs in a row that freed nothing */

struct scan_control {
	unsigned long nr_to_reclaim, nr_scanned, nr_reclaimed;
	gfp_t gfp_mask;
	int order, priority;
	bool may_swap, kswapd;
};

bool current_is_memalloc(void)
{
	return this_cpu()->current_task && (current->flags & PF_MEMALLOC);
}

static struct lruvec *node_lruvec(void)
{
	return &contig_page_data.__lruvec;
}

void lru_cache_add(struct page *page)
{
	struct lruvec *lruvec = page_lruvec(page);
	unsigned long flags;

	spin_lock_irqsave(&lruvec->lru_lock, flags);
	ClearPageActive(page);
	add_page_to_lru_list(page, lruvec);
	spin_unlock_irqrestore(&lruvec->lru_lock, flags);
}

void lru_cache_add_unevictable(struct page *page)
{
	SetPageUnevictable(page);
	lru_cache_add(page);
}

/* Moves an inactive page on the LRU to its active list. */
static void activate_page(struct page *page)
{
	struct lruvec *lruvec = page_lruvec(page);
	unsigned long flags;

	spin_lock_irqsave(&lruvec->lru_lock, flags);
	if (PageLRU(page) && !PageActive(page) && !PageUnevictable(page)) {
		del_page_from_lru_list(page, lruvec);
		SetPageActive(page);
		add_page_to_lru_list(page, lruvec);
		reclaim_stat.pgactivate++;
	}
	spin_unlock_irqrestore(&lruvec->lru_lock, flags);
}

void mark_page_accessed(struct page *page)
{
	if (!PageReferenced(page)) {
		SetPageReferenced(page);
	} else if (!PageActive(page)) {
		activate_page(page);
		ClearPageReferenced(page);
	}
}

static unsigned long lru_pages(enum lru_list lru)
{
	return node_lruvec()->nr_pages[lru];
}

/*
 * Takes up to nr_to_scan pages from the tail of list lru onto dst, each
 * with a reference of its own (Linux's isolate_lru_pages).
 */
static unsigned long isolate_lru_pages(unsigned long nr_to_scan, enum lru_list lru, struct list_head *dst)
{
	struct lruvec *lruvec = node_lruvec();
	unsigned long flags, nr_taken = 0;

	spin_lock_irqsave(&lruvec->lru_lock, flags);
	while (nr_taken < nr_to_scan && !list_empty(&lruvec->lists[lru])) {
		struct page *page = list_last_entry(&lruvec->lists[lru], struct page, lru);

		del_page_from_lru_list(page, lruvec);
		get_page(page);
		list_add(&page->lru, dst);
		nr_taken++;
	}
	spin_unlock_irqrestore(&lruvec->lru_lock, flags);
	return nr_taken;
}

/* Back on the list its flags say, then the isolation reference dropped (which may free it). */
static void putback_lru_page(struct page *page)
{
	struct lruvec *lruvec = page_lruvec(page);
	unsigned long flags;

	spin_lock_irqsave(&lruvec->lru_lock, flags);
	add_page_to_lru_list(page, lruvec);
	spin_unlock_irqrestore(&lruvec->lru_lock, flags);
	put_page(page);
}

enum page_references { PAGEREF_RECLAIM, PAGEREF_RECLAIM_CLEAN, PAGEREF_KEEP, PAGEREF_ACTIVATE };

/* Linux's page_check_references: the A bits of its PTEs and PG_referenced decide. */
static enum page_references page_check_references(struct page *page)
{
	int referenced_ptes = page_referenced(page);
	bool referenced_page = PageReferenced(page);

	if (referenced_ptes == -1)
		return PAGEREF_KEEP;	/* another task holds an mm that maps it: next time */
	ClearPageReferenced(page);
	if (referenced_ptes) {
		/*
		 * Every mapped page starts with A set by the fault that mapped it:
		 * look twice before activating a page used only once.
		 */
		SetPageReferenced(page);
		if (referenced_page || referenced_ptes > 1)
			return PAGEREF_ACTIVATE;
		return PAGEREF_KEEP;
	}
	if (referenced_page && !PageAnon(page))
		return PAGEREF_RECLAIM_CLEAN;
	return PAGEREF_RECLAIM;
}

/* Writes a dirty page out; false if it cannot be (it stays dirty). */
static bool pageout(struct page *page)
{
	if (!PageSwapCache(page))
		return writepage(page);	/* a file page: back to the RAM disk (mm/filemap.c) */
	if (swap_writepage(page))
		return false;
	ClearPageDirty(page);
	return true;
}

/*
 * Frees the pages on page_list it can (Linux's shrink_page_list); the
 * others go back on their lists.  Returns how many it freed.
 */
static unsigned long shrink_page_list(struct list_head *page_list, struct scan_control *sc)
{
	unsigned long nr_reclaimed = 0;

	while (!list_empty(page_list)) {
		struct page *page = list_first_entry(page_list, struct page, lru);
		int expected;

		list_del(&page->lru);
		switch (page_check_references(page)) {
		case PAGEREF_ACTIVATE:
			goto activate_locked;
		case PAGEREF_KEEP:
			goto keep;
		case PAGEREF_RECLAIM:
		case PAGEREF_RECLAIM_CLEAN:
			break;
		}
		if (PageAnon(page) && !PageSwapCache(page)) {
			if (!sc->may_swap || !add_to_swap(page))
				goto activate_locked;
		}
		if (!try_to_unmap(page))
			goto activate_locked;
		if (PageDirty(page) && !pageout(page))
			goto activate_locked;
		/* Clean and unmapped: only the cache and this isolation hold it. */
		expected = 2;
		if (page_ref_count(page) != expected)
			goto keep;
		if (PageSwapCache(page))
			delete_from_swap_cache(page);
		else if (!remove_mapping(page))
			goto keep;
		else
			reclaim_stat.pgfree_clean++;
		put_page(page);		/* the last reference: the frame is free */
		nr_reclaimed++;
		continue;
activate_locked:
		if (!PageActive(page)) {
			SetPageActive(page);
			reclaim_stat.pgactivate++;
		}
keep:
		putback_lru_page(page);
	}
	return nr_reclaimed;
}

static unsigned long shrink_inactive_list(unsigned long nr_to_scan, enum lru_list lru, struct scan_control *sc)
{
	LIST_HEAD(page_list);
	unsigned long nr_taken = isolate_lru_pages(nr_to_scan, lru, &page_list), nr_reclaimed;

	sc->nr_scanned += nr_taken;
	if (sc->kswapd)
		reclaim_stat.pgscan_kswapd += nr_taken;
	else
		reclaim_stat.pgscan_direct += nr_taken;
	nr_reclaimed = shrink_page_list(&page_list, sc);
	if (sc->kswapd)
		reclaim_stat.pgsteal_kswapd += nr_reclaimed;
	else
		reclaim_stat.pgsteal_direct += nr_reclaimed;
	return nr_reclaimed;
}

/*
 * Moves pages from the tail of an active list to the inactive one,
 * clearing their A bits on the way (Linux's shrink_active_list).
 */
static void shrink_active_list(unsigned long nr_to_scan, enum lru_list lru)
{
	LIST_HEAD(l_hold);
	unsigned long nr_taken = isolate_lru_pages(nr_to_scan, lru, &l_hold);

	reclaim_stat.pgrefill += nr_taken;
	while (!list_empty(&l_hold)) {
		struct page *page = list_first_entry(&l_hold, struct page, lru);

		list_del(&page->lru);
		page_referenced(page);	/* clears A: the inactive list decides with fresh bits */
		ClearPageActive(page);
		reclaim_stat.pgdeactivate++;
		putback_lru_page(page);
	}
}

/* Integer square root, for the inactive ratio. */
static unsigned long isqrt(unsigned long x)
{
	unsigned long r = 0;

	while ((r + 1) * (r + 1) <= x)
		r++;
	return r;
}

/* Linux's inactive_is_low: inactive * int_sqrt(10 * GiB) < active (ratio 1 below 1 GiB). */
static bool inactive_is_low(enum lru_list inactive_lru)
{
	unsigned long inactive = lru_pages(inactive_lru), active = lru_pages(inactive_lru + 1);
	unsigned long gb = (inactive + active) >> (30 - PAGE_SHIFT);
	unsigned long inactive_ratio = gb ? isqrt(10 * gb) : 1;

	return inactive * inactive_ratio < active;
}

static unsigned long shrink_list(enum lru_list lru, unsigned long nr_to_scan, struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (inactive_is_low(lru - 1))
			shrink_active_list(nr_to_scan, lru);
		return 0;
	}
	return shrink_inactive_list(nr_to_scan, lru, sc);
}

static bool can_reclaim_anon_pages(const struct scan_control *sc)
{
	return sc->may_swap && nr_swap_pages > 0;
}

/*
 * How many pages of each evictable list to scan at this priority (Linux's
 * get_scan_count): size >> priority, shared between anon and file by
 * swappiness.
 */
static void get_scan_count(struct scan_control *sc, unsigned long nr[NR_LRU_LISTS])
{
	enum { SCAN_EQUAL, SCAN_FRACT, SCAN_ANON, SCAN_FILE } scan_balance;
	unsigned long ap = (unsigned long)vm_swappiness, fp = 200 - ap, file, free = nr_free_pages(), high = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		high += high_wmark_pages(&contig_page_data.node_zones[i]);
	file = lru_pages(LRU_ACTIVE_FILE) + lru_pages(LRU_INACTIVE_FILE);
	if (!can_reclaim_anon_pages(sc))
		scan_balance = SCAN_FILE;
	else if (!sc->priority && vm_swappiness)
		scan_balance = SCAN_EQUAL;	/* close to OOM: no cleverness */
	else if (file + free <= high)
		scan_balance = SCAN_ANON;	/* the page cache is nearly gone */
	else
		scan_balance = SCAN_FRACT;
	for (enum lru_list lru = 0; lru < LRU_UNEVICTABLE; lru++) {
		unsigned long scan = lru_pages(lru) >> sc->priority;
		bool is_file = is_file_lru(lru);

		switch (scan_balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:	/* rounded up, as Linux's DIV64_U64_ROUND_UP */
			scan = (scan * (is_file ? fp : ap) + ap + fp - 1) / (ap + fp);
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((scan_balance == SCAN_FILE) != is_file)
				scan = 0;
			break;
		}
		nr[lru] = scan;
	}
	nr[LRU_UNEVICTABLE] = 0;
}

/* One pass over the lists at sc->priority (Linux's shrink_lruvec). */
static void shrink_lruvec(struct scan_control *sc)
{
	unsigned long nr[NR_LRU_LISTS];

	get_scan_count(sc, nr);
	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		for (enum lru_list lru = 0; lru < LRU_UNEVICTABLE; lru++) {
			unsigned long nr_to_scan = min(nr[lru], SWAP_CLUSTER_MAX);

			if (!nr_to_scan)
				continue;
			nr[lru] -= nr_to_scan;
			sc->nr_reclaimed += shrink_list(lru, nr_to_scan, sc);
		}
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
	}
	/* Keep the anon lists balanced even when only file pages were scanned. */
	if (can_reclaim_anon_pages(sc) && inactive_is_low(LRU_INACTIVE_ANON))
		shrink_active_list(SWAP_CLUSTER_MAX, LRU_ACTIVE_ANON);
}

unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct scan_control sc = { .nr_to_reclaim = SWAP_CLUSTER_MAX, .gfp_mask = gfp_mask, .order = (int)order,
				   .may_swap = true };
	unsigned int noreclaim_flag;

	if (!this_cpu()->current_task)
		return 0;	/* early boot: nothing to reclaim yet */
	noreclaim_flag = current->flags & PF_MEMALLOC;
	current->flags |= PF_MEMALLOC;
	reclaim_stat.allocstall++;
	for (sc.priority = DEF_PRIORITY; sc.priority >= 0; sc.priority--) {
		shrink_lruvec(&sc);
		if (sc.nr_reclaimed >= sc.nr_to_reclaim)
			break;
	}
	current->flags = (current->flags & ~PF_MEMALLOC) | noreclaim_flag;
	if (sc.nr_reclaimed)
		kswapd_failures = 0;
	return sc.nr_reclaimed;
}

/* Linux's pgdat_balanced: some zone the allocation may use is above high. */
static bool pgdat_balanced(int order, int highest_zoneidx)
{
	for (int i = 0; i <= highest_zoneidx; i++) {
		struct zone *z = &contig_page_data.node_zones[i];

		if (populated_zone(z) &&
		    zone_watermark_ok(z, (unsigned int)order, high_wmark_pages(z), highest_zoneidx, 0))
			return true;
	}
	return false;
}

/*
 * kswapd's work (Linux's balance_pgdat): reclaim until some zone the
 * waker could use is above its high watermark, aiming each pass at the
 * zones' high watermarks; the priority rises (more of each list scanned)
 * when a pass scanned less than that or freed nothing.  It runs to the
 * end without yielding: the tasks get the CPU back when kswapd sleeps.
 */
static void balance_pgdat(int order, int highest_zoneidx)
{
	struct scan_control sc = { .order = order, .may_swap = true, .kswapd = true };
	unsigned long reclaimed = 0;

	reclaim_stat.pageoutrun++;
	sc.priority = DEF_PRIORITY;
	while (sc.priority >= 0 && !pgdat_balanced(order, highest_zoneidx)) {
		sc.nr_to_reclaim = 0;
		for (int i = 0; i <= highest_zoneidx; i++)
			sc.nr_to_reclaim += max(high_wmark_pages(&contig_page_data.node_zones[i]), SWAP_CLUSTER_MAX);
		sc.nr_scanned = sc.nr_reclaimed = 0;
		shrink_lruvec(&sc);
		reclaimed += sc.nr_reclaimed;
		if (sc.nr_scanned < sc.nr_to_reclaim || !sc.nr_reclaimed)
			sc.priority--;
	}
	kswapd_failures = reclaimed ? 0 : kswapd_failures + 1;
}

static int kswapd(void *unused)
{
	pg_data_t *pgdat = &contig_page_data;

	current->flags |= PF_MEMALLOC | PF_KSWAPD;
	for (;;) {
		int order, highest_zoneidx;

		for (;;) {	/* state first: a wakeup after the test is not lost */
			current->state = TASK_INTERRUPTIBLE;
			if (pgdat->kswapd_wait)
				break;
			schedule();
		}
		current->state = TASK_RUNNING;
		order = pgdat->kswapd_order;
		highest_zoneidx = pgdat->kswapd_highest_zoneidx;
		pgdat->kswapd_order = 0;
		pgdat->kswapd_highest_zoneidx = 0;
		balance_pgdat(order, highest_zoneidx);
		pgdat->kswapd_wait = pgdat->kswapd_order != 0;
	}
	return 0;
}

void wakeup_kswapd(unsigned int order, int highest_zoneidx)
{
	pg_data_t *pgdat = &contig_page_data;

	if (!pgdat->kswapd || current == pgdat->kswapd)
		return;
	if (kswapd_failures >= MAX_RECLAIM_RETRIES)
		return;		/* a hopeless node: direct reclaim decides */
	if (pgdat->kswapd_order < (int)order)
		pgdat->kswapd_order = (int)order;
	if (pgdat->kswapd_highest_zoneidx < highest_zoneidx)
		pgdat->kswapd_highest_zoneidx = highest_zoneidx;
	if (pgdat->kswapd_wait)
		return;
	if (pgdat_balanced((int)order, highest_zoneidx))
		return;
	pgdat->kswapd_wait = true;
	reclaim_stat.kswapd_wakeups++;
	wake_up_process(pgdat->kswapd);
}

void kswapd_init(void)
{
	contig_page_data.kswapd = kthread_run(kswapd, NULL, "kswapd0");
}
