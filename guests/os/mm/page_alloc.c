/*
 * page_alloc.c — the buddy allocator: physical frames in blocks of 2^order
 * (order 0 to MAX_PAGE_ORDER), one allocator per zone.
 *
 * A free block is a run of 2^order frames starting at a frame number (pfn)
 * that is a multiple of 2^order; its first struct page has PG_buddy set and
 * the order in page->private, and sits on zone->free_area[order].  The
 * block's "buddy" is the other half of the block of the next order up: its
 * pfn differs only in bit `order` (find_buddy_pfn).
 *
 *   allocate order n: take a block from the smallest non-empty list of
 *     order k >= n; while k > n, split it in halves and put the upper half
 *     back on list k-1 (expand);
 *   free order n: while the buddy is free with the same order, take it off
 *     its list and merge with it into one block of order n+1
 *     (__free_one_page).
 *
 * So at every moment the free frames are the largest aligned blocks they
 * can form, and check_free_areas() can verify that.
 *
 * Every zone has its own lock; with one CPU it only keeps the code honest.
 *
 * Allocation (alloc_pages) takes frames at once while the zone stays above
 * its low watermark; below it, __alloc_pages_slowpath wakes kswapd,
 * reclaims and, as a last resort, calls the OOM killer.  The watermarks
 * follow Linux's formulas (init_per_zone_wmark_min, below).
 */
#include "kernel.h"
#include "mm.h"
#include "mm_inline.h"
#include "mmzone.h"
#include "oom.h"
#include "swap.h"

struct pglist_data contig_page_data;
struct page *mem_map;
unsigned long max_pfn;

static const char *const zone_names[MAX_NR_ZONES] = { "DMA", "DMA32", "Normal" };
/* First frame above each zone (16 MiB, 4 GiB, no limit). */
static const unsigned long zone_limit_pfn[MAX_NR_ZONES] = { 0x1000, 0x100000, ~0ul };

struct zone *pfn_zone(unsigned long pfn)
{
	int i = 0;

	while (pfn >= zone_limit_pfn[i])
		i++;
	return &contig_page_data.node_zones[i];
}

static inline struct zone *page_zone(const struct page *page)
{
	return pfn_zone(page_to_pfn(page));
}

void free_area_init(const unsigned long present[MAX_NR_ZONES])
{
	unsigned long start = 0;

	contig_page_data.node_start_pfn = 0;
	contig_page_data.node_spanned_pages = max_pfn;
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];
		unsigned long end = min(zone_limit_pfn[i], max_pfn);

		if (end < start)
			end = start;
		*z = (struct zone){ .name = zone_names[i], .zone_start_pfn = start };
		z->spanned_pages = end - start;
		z->present_pages = present[i];
		spin_lock_init(&z->lock);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			INIT_LIST_HEAD(&z->free_area[o].free_list);
		start = end;
	}
	for (int l = 0; l < NR_LRU_LISTS; l++) {
		INIT_LIST_HEAD(&contig_page_data.__lruvec.lists[l]);
		contig_page_data.__lruvec.nr_pages[l] = 0;
	}
	spin_lock_init(&contig_page_data.__lruvec.lru_lock);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		struct page *p = pfn_to_page(pfn);

		*p = (struct page){ .kind = PAGE_KIND_RESERVED };
		SetPageReserved(p);
		set_page_count(p, 1);
	}
}

/* The frame number of the block that merges with pfn's block of this order. */
static inline unsigned long find_buddy_pfn(unsigned long pfn, unsigned int order)
{
	return pfn ^ (1ul << order);
}

static inline void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	SetPageBuddy(page);
}

static inline unsigned int buddy_order(const struct page *page)
{
	return (unsigned int)page->private;
}

/* Is `buddy` the first page of a free block of exactly this order in the zone? */
static inline bool page_is_buddy(const struct zone *zone, unsigned long buddy_pfn, unsigned int order)
{
	if (buddy_pfn < zone->zone_start_pfn || buddy_pfn >= zone_end_pfn(zone) || !pfn_valid(buddy_pfn))
		return false;
	const struct page *buddy = pfn_to_page(buddy_pfn);
	return PageBuddy(buddy) && buddy_order(buddy) == order;
}

static inline void add_to_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	struct free_area *area = &zone->free_area[order];

	set_buddy_order(page, order);
	list_add(&page->lru, &area->free_list);
	area->nr_free++;
}

static inline void del_page_from_free_list(struct page *page, struct zone *zone, unsigned int order)
{
	list_del(&page->lru);
	ClearPageBuddy(page);
	page->private = 0;
	zone->free_area[order].nr_free--;
}

/*
 * Puts the block of 2^order frames at pfn on the free lists, merging it
 * with its buddy for as long as the buddy is free and of the same order.
 * Called with zone->lock held.
 */
static void __free_one_page(struct page *page, unsigned long pfn, struct zone *zone, unsigned int order)
{
	zone->free_pages += 1ul << order;
	while (order < MAX_PAGE_ORDER) {
		unsigned long buddy_pfn = find_buddy_pfn(pfn, order);

		if (!page_is_buddy(zone, buddy_pfn, order))
			break;
		del_page_from_free_list(pfn_to_page(buddy_pfn), zone, order);
		pfn &= buddy_pfn;	/* the lower of the two halves starts the merged block */
		page = pfn_to_page(pfn);
		order++;
	}
	add_to_free_list(page, zone, order);
}

/*
 * The block of 2^high frames at `page` was taken off free_area[high] to
 * satisfy an allocation of order `low`: give back the upper halves, one
 * block of each order from high-1 down to low.
 */
static void expand(struct zone *zone, struct page *page, unsigned int low, unsigned int high)
{
	unsigned long size = 1ul << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high);
	}
}

/* The first block of the smallest free order >= order, split down to order. */
static struct page *__rmqueue_smallest(struct zone *zone, unsigned int order)
{
	for (unsigned int current_order = order; current_order < NR_PAGE_ORDERS; current_order++) {
		struct free_area *area = &zone->free_area[current_order];
		struct page *page;

		if (list_empty(&area->free_list))
			continue;
		page = list_first_entry(&area->free_list, struct page, lru);
		del_page_from_free_list(page, zone, current_order);
		expand(zone, page, order, current_order);
		zone->free_pages -= 1ul << order;
		return page;
	}
	return NULL;
}

/*
 * Is the zone still above `mark` once 2^order frames are gone, keeping back
 * what it owes allocations that could have used a higher zone (Linux's
 * __zone_watermark_ok: free - (2^order - 1) must stay above min + reserve)?
 */
bool zone_watermark_ok(const struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags)
{
	long min = (long)mark, free_pages = (long)z->free_pages - ((1l << order) - 1);

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;
	return free_pages > min + (long)z->lowmem_reserve[highest_zoneidx];
}

/* Marks a freshly allocated block in use: one reference, head and tails linked. */
static void prep_new_page(struct page *page, unsigned int order, gfp_t gfp)
{
	unsigned long n = 1ul << order;

	for (unsigned long i = 0; i < n; i++) {
		page[i].flags = 0;
		page[i].compound_head = i ? page : NULL;
		set_page_count(&page[i], 0);
	}
	set_page_count(page, 1);
	page->compound_order = (u8)order;
	if (order)
		SetPageHead(page);
	set_page_owner(page, order, PAGE_KIND_KERNEL, 0);
	if (gfp & __GFP_ZERO)
		memset(page_address(page), 0, n << PAGE_SHIFT);
}

/* The zones gfp_mask allows, highest first (Linux: the zonelist). */
static int gfp_zone(gfp_t gfp)
{
	if (gfp & __GFP_DMA)
		return ZONE_DMA;
	if (gfp & __GFP_DMA32)
		return ZONE_DMA32;
	return ZONE_NORMAL;
}

#define ALLOC_WMARK_MIN		WMARK_MIN
#define ALLOC_WMARK_LOW		WMARK_LOW
#define ALLOC_WMARK_MASK	0x03u
#define ALLOC_NO_WATERMARKS	0x04u	/* reclaim itself (PF_MEMALLOC) */
#define MAX_RECLAIM_RETRIES	16

/* The first zone, highest first, that stays above the watermark alloc_flags name. */
static struct page *get_page_from_freelist(gfp_t gfp_mask, unsigned int order, unsigned int alloc_flags)
{
	int highest_zoneidx = gfp_zone(gfp_mask);

	for (int i = highest_zoneidx; i >= 0; i--) {
		struct zone *z = &contig_page_data.node_zones[i];
		unsigned long flags;
		struct page *page = NULL;
		bool ok;

		if (!populated_zone(z))
			continue;
		spin_lock_irqsave(&z->lock, flags);
		ok = (alloc_flags & ALLOC_NO_WATERMARKS) ||
		     zone_watermark_ok(z, order, z->_watermark[alloc_flags & ALLOC_WMARK_MASK], highest_zoneidx,
				       alloc_flags);
		if (ok)
			page = __rmqueue_smallest(z, order);
		spin_unlock_irqrestore(&z->lock, flags);
		if (page) {
			prep_new_page(page, order, gfp_mask);
			return page;
		}
	}
	return NULL;
}

/*
 * Below the low watermark (Linux's __alloc_pages_slowpath, reduced): wake
 * kswapd and try again down to min; then reclaim directly, again while
 * that frees something (up to MAX_RECLAIM_RETRIES rounds without
 * progress); then, for small orders, the OOM killer, and try again after
 * each kill (the victim itself gets the reserves once, then fails).  Reclaim's own allocations (PF_MEMALLOC) may take the last
 * frames and never reclaim themselves.
 */
static struct page *__alloc_pages_slowpath(gfp_t gfp_mask, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN | (gfp_mask & __GFP_HIGH ? ALLOC_HIGH : 0);
	int no_progress_loops = 0;
	struct page *page;

	wakeup_kswapd(order, gfp_zone(gfp_mask));
	for (;;) {
		if ((page = get_page_from_freelist(gfp_mask, order, alloc_flags)))
			return page;
		if (current_is_memalloc())
			return get_page_from_freelist(gfp_mask, order, ALLOC_NO_WATERMARKS);
		if (gfp_mask & __GFP_NORETRY)
			return NULL;
		if (try_to_free_pages(gfp_mask, order)) {
			no_progress_loops = 0;
			continue;
		}
		if (++no_progress_loops <= MAX_RECLAIM_RETRIES)
			continue;
		if (order > PAGE_ALLOC_COSTLY_ORDER || !out_of_memory(gfp_mask, order))
			return NULL;
		/* A task the OOM killer chose may dip into the reserves, once, on its way out. */
		if (current_is_oom_victim())
			return get_page_from_freelist(gfp_mask, order, ALLOC_NO_WATERMARKS);
		no_progress_loops = 0;
	}
}

struct page *alloc_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page = NULL;

	if (order <= MAX_PAGE_ORDER) {
		page = get_page_from_freelist(gfp_mask, order, ALLOC_WMARK_LOW);
		if (!page)
			page = __alloc_pages_slowpath(gfp_mask, order);
	}
	if (!page && !(gfp_mask & __GFP_NOWARN))
		printk("page allocation failure: order:%u, mode:%#x\n", order, gfp_mask);
	return page;
}

/* Returns a block to its zone's free lists (its references are gone). */
static void free_one_block(struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), flags;
	struct zone *zone = page_zone(page);

	BUG_ON(PageBuddy(page) || PageReserved(page) || PageSlab(page));
	BUG_ON(pfn & ((1ul << order) - 1));
	for (unsigned long i = 0; i < (1ul << order); i++) {
		page[i].flags = 0;
		page[i].compound_head = NULL;
	}
	page->compound_order = 0;
	set_page_owner(page, order, PAGE_KIND_FREE, 0);
	spin_lock_irqsave(&zone->lock, flags);
	__free_one_page(page, pfn, zone, order);
	spin_unlock_irqrestore(&zone->lock, flags);
}

void __free_pages(struct page *page, unsigned int order)
{
	BUG_ON(page_ref_count(page) <= 0);
	if (!page_ref_dec_and_test(page))
		return;
	if (PageLRU(page)) {	/* the last user of a user page: off its LRU list too */
		struct lruvec *lruvec = page_lruvec(page);
		unsigned long flags;

		spin_lock_irqsave(&lruvec->lru_lock, flags);
		del_page_from_lru_list(page, lruvec);
		spin_unlock_irqrestore(&lruvec->lru_lock, flags);
	}
	free_one_block(page, order);
}

void put_page(struct page *page)
{
	page = compound_head(page);
	__free_pages(page, page->compound_order);
}

unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order)
{
	struct page *page = alloc_pages(gfp_mask, order);

	return page ? (unsigned long)page_address(page) : 0;
}

unsigned long get_zeroed_page(gfp_t gfp_mask)
{
	return __get_free_pages(gfp_mask | __GFP_ZERO, 0);
}

void free_pages(unsigned long addr, unsigned int order)
{
	if (addr)
		__free_pages(virt_to_page((void *)addr), order);
}

void set_page_owner(struct page *page, unsigned int order, enum page_kind kind, pid_t pid)
{
	for (unsigned long i = 0; i < (1ul << order); i++) {
		page[i].kind = (u8)kind;
		page[i].owner = pid;
	}
	ownership_report(page_to_pfn(page), 1ul << order, kind, pid);
}

void free_boot_pages(unsigned long start, unsigned long end)
{
	while (start < end) {
		unsigned int order = max_order_at(start, end);
		struct page *page = pfn_to_page(start);
		struct zone *zone = page_zone(page);

		/* Never free a block across a zone boundary (they are 4 MiB-aligned anyway). */
		while (start + (1ul << order) > zone_end_pfn(zone))
			order--;
		for (unsigned long i = 0; i < (1ul << order); i++) {
			ClearPageReserved(&page[i]);
			set_page_count(&page[i], 0);
		}
		zone->managed_pages += 1ul << order;
		free_one_block(page, order);
		start += 1ul << order;
	}
}

unsigned long nr_free_pages(void)
{
	unsigned long n = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += contig_page_data.node_zones[i].free_pages;
	return n;
}

/* Integer square root (Newton): the largest r with r * r <= x (Linux's int_sqrt). */
static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = x, y = (x + 1) / 2;

	while (y < r) {
		r = y;
		y = (r + x / r) / 2;
	}
	return r;
}

int min_free_kbytes = 1024;
int user_min_free_kbytes = -1;	/* set by vm.min_free_kbytes: not recomputed */
int watermark_scale_factor = 10;	/* 1/10000ths of a zone's frames between watermarks */
/* Linux's sysctl_lowmem_reserve_ratio: DMA, DMA32, Normal. */
static const int lowmem_reserve_ratio[MAX_NR_ZONES] = { 256, 256, 32 };

unsigned long totalram_pages(void)
{
	unsigned long n = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		n += contig_page_data.node_zones[i].managed_pages;
	return n;
}

/*
 * lowmem_reserve[j] of zone i: the frames of the zones above i up to j,
 * divided by zone i's ratio (Linux's setup_per_zone_lowmem_reserve).
 */
static void setup_per_zone_lowmem_reserve(void)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];
		unsigned long managed_pages = 0;
		bool clear = !lowmem_reserve_ratio[i] || !z->managed_pages;

		for (int j = 0; j < MAX_NR_ZONES; j++)
			z->lowmem_reserve[j] = 0;
		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			managed_pages += contig_page_data.node_zones[j].managed_pages;
			z->lowmem_reserve[j] = clear ? 0 : managed_pages / (unsigned long)lowmem_reserve_ratio[i];
		}
	}
}

/*
 * Linux's __setup_per_zone_wmarks: min_free_kbytes shared out among the
 * zones by size (min); the gap to low and from low to high is the larger
 * of min/4 and watermark_scale_factor/10000 of the zone.
 */
void setup_per_zone_wmarks(void)
{
	unsigned long pages_min = (unsigned long)min_free_kbytes >> (PAGE_SHIFT - 10);
	unsigned long lowmem_pages = totalram_pages();

	for (int i = 0; i < MAX_NR_ZONES && lowmem_pages; i++) {
		struct zone *z = &contig_page_data.node_zones[i];
		unsigned long flags, tmp = pages_min * z->managed_pages / lowmem_pages;

		spin_lock_irqsave(&z->lock, flags);
		z->_watermark[WMARK_MIN] = tmp;
		tmp = max(tmp >> 2, z->managed_pages * (unsigned long)watermark_scale_factor / 10000);
		z->_watermark[WMARK_LOW] = min_wmark_pages(z) + tmp;
		z->_watermark[WMARK_HIGH] = low_wmark_pages(z) + tmp;
		spin_unlock_irqrestore(&z->lock, flags);
	}
}

/*
 * Linux's init_per_zone_wmark_min / calculate_min_free_kbytes: lowmem_kbytes
 * is every managed frame (no watermark is set yet), min_free_kbytes =
 * int_sqrt(lowmem_kbytes * 16) clamped to [128, 262144], unless
 * vm.min_free_kbytes chose a value.
 */
void init_per_zone_wmark_min(void)
{
	unsigned long lowmem_kbytes = totalram_pages() * (PAGE_SIZE >> 10);
	unsigned long new_min_free_kbytes = int_sqrt(lowmem_kbytes * 16);

	if (user_min_free_kbytes >= 0)
		min_free_kbytes = user_min_free_kbytes;
	else
		min_free_kbytes = (int)min(max(new_min_free_kbytes, 128ul), 262144ul);
	setup_per_zone_lowmem_reserve();
	setup_per_zone_wmarks();
}

int check_free_areas(void)
{
	int bad = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];
		unsigned long frames = 0;

		for (unsigned int order = 0; order < NR_PAGE_ORDERS; order++) {
			struct free_area *area = &z->free_area[order];
			unsigned long n = 0;
			struct list_head *pos;

			list_for_each(pos, &area->free_list) {
				struct page *page = list_entry(pos, struct page, lru);
				unsigned long pfn = page_to_pfn(page);

				n++;
				if (!PageBuddy(page) || buddy_order(page) != order || (pfn & ((1ul << order) - 1)) ||
				    pfn < z->zone_start_pfn || pfn + (1ul << order) > zone_end_pfn(z) ||
				    page_ref_count(page) != 0) {
					printk("check_free_areas: zone %s order %u: bad block at pfn %#lx\n", z->name,
					       order, pfn);
					bad = 1;
				}
				if (order < MAX_PAGE_ORDER && page_is_buddy(z, find_buddy_pfn(pfn, order), order)) {
					printk("check_free_areas: zone %s: pfn %#lx and its buddy are both free at order %u\n",
					       z->name, pfn, order);
					bad = 1;
				}
			}
			if (n != area->nr_free) {
				printk("check_free_areas: zone %s order %u: %lu blocks listed, nr_free %lu\n", z->name,
				       order, n, area->nr_free);
				bad = 1;
			}
			frames += n << order;
		}
		if (frames != z->free_pages) {
			printk("check_free_areas: zone %s: %lu frames listed, free_pages %lu\n", z->name, frames,
			       z->free_pages);
			bad = 1;
		}
	}
	return bad ? -1 : 0;
}

void show_buddyinfo(void)
{
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];

		if (!populated_zone(z))
			continue;
		printk("Node 0, zone %8s", z->name);
		for (int order = 0; order < NR_PAGE_ORDERS; order++)
			printk(" %6lu", z->free_area[order].nr_free);
		printk("\n");
	}
}
