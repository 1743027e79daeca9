/*
 * mmzone.h — zones and their free areas (Linux <linux/mmzone.h>).
 *
 * Physical memory is one node (UMA: contig_page_data) split into zones by
 * what devices can address: ZONE_DMA below 16 MiB (ISA DMA), ZONE_DMA32
 * below 4 GiB, ZONE_NORMAL above.  Each zone runs its own buddy allocator:
 * free_area[order] lists the free blocks of 2^order frames, orders 0 to
 * MAX_PAGE_ORDER (10: 4 MiB blocks).  Zone boundaries are multiples of the
 * largest block, so a block never straddles two zones.
 *
 * Watermarks (mm/page_alloc.c, Linux's __setup_per_zone_wmarks): an
 * allocation takes a frame from a zone at once while the zone keeps more
 * than its low watermark free; below low it wakes kswapd and may go down
 * to min (GFP_ATOMIC to min/2); below min the allocating task reclaims
 * itself (direct reclaim, mm/vmscan.c).  kswapd works until the zone is
 * above high again.  lowmem_reserve[j] is what a zone keeps back from
 * allocations that could have used the higher zone j (the "protection"
 * of /proc/zoneinfo).
 */
#ifndef OS_MMZONE_H
#define OS_MMZONE_H

#include "list.h"
#include "spinlock.h"

#define MAX_PAGE_ORDER 10
#define NR_PAGE_ORDERS (MAX_PAGE_ORDER + 1)
#define MAX_ORDER_NR_PAGES (1ul << MAX_PAGE_ORDER)

struct free_area {
	struct list_head free_list;
	unsigned long nr_free;	/* blocks on the list */
};

enum zone_type { ZONE_DMA, ZONE_DMA32, ZONE_NORMAL, MAX_NR_ZONES };

enum zone_watermarks { WMARK_MIN, WMARK_LOW, WMARK_HIGH, NR_WMARK };

struct zone {
	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;	/* frames from start to end, holes too */
	unsigned long present_pages;	/* RAM frames in the span */
	unsigned long managed_pages;	/* frames the buddy allocator was given */
	unsigned long free_pages;	/* frames now on the free lists */
	unsigned long _watermark[NR_WMARK];
	unsigned long lowmem_reserve[MAX_NR_ZONES];
	spinlock_t lock;
	struct free_area free_area[NR_PAGE_ORDERS];
};

/*
 * The LRU lists reclaim ages (mm/vmscan.c): anonymous and file pages,
 * each split into inactive and active; shmem pages, which have nowhere to
 * go, sit on the unevictable list (as Linux's ramfs pages).
 */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE,
	NR_LRU_LISTS
};

struct lruvec {
	struct list_head lists[NR_LRU_LISTS];
	unsigned long nr_pages[NR_LRU_LISTS];
	spinlock_t lru_lock;
};

struct task_struct;

struct pglist_data {
	struct zone node_zones[MAX_NR_ZONES];
	unsigned long node_start_pfn, node_spanned_pages;
	struct lruvec __lruvec;
	/* kswapd (mm/vmscan.c): its task, and the order it was woken for */
	struct task_struct *kswapd;
	int kswapd_order, kswapd_highest_zoneidx;
	bool kswapd_wait;		/* woken and not yet done */
};
typedef struct pglist_data pg_data_t;

extern struct pglist_data contig_page_data;
#define NODE_DATA(nid) (&contig_page_data)

static inline unsigned long zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

static inline bool populated_zone(const struct zone *z)
{
	return z->managed_pages != 0;
}

#define min_wmark_pages(z) ((z)->_watermark[WMARK_MIN])
#define low_wmark_pages(z) ((z)->_watermark[WMARK_LOW])
#define high_wmark_pages(z) ((z)->_watermark[WMARK_HIGH])

/* The zone frame `pfn` belongs to. */
struct zone *pfn_zone(unsigned long pfn);

/* ---- mm/page_alloc.c: setting up ---- */

/*
 * Spans the zones over frames 0..max_pfn-1 (mem_map must exist), marks
 * every struct page reserved and empties the free lists.  present[] gives
 * the RAM frames per zone, for the statistics.
 */
void free_area_init(const unsigned long present[MAX_NR_ZONES]);
/* Hands frames start..end-1 (boot memory nobody reserved) to the buddy allocator. */
void free_boot_pages(unsigned long start, unsigned long end);
/*
 * min_free_kbytes = int_sqrt(16 * lowmem_kbytes) clamped to [128, 262144]
 * unless set (user_min_free_kbytes: vm.min_free_kbytes), then every zone's
 * lowmem_reserve and min/low/high (Linux: init_per_zone_wmark_min).
 */
void init_per_zone_wmark_min(void);
/* Recomputes min/low/high from min_free_kbytes and watermark_scale_factor. */
void setup_per_zone_wmarks(void);
extern int min_free_kbytes, user_min_free_kbytes, watermark_scale_factor;
/* Frames every zone may hand out: managed pages (Linux's totalram_pages()). */
unsigned long totalram_pages(void);
/* Is the zone above `mark` for an allocation of 2^order that could use zones up to highest_zoneidx? */
bool zone_watermark_ok(const struct zone *z, unsigned int order, unsigned long mark, int highest_zoneidx,
		       unsigned int alloc_flags);
#define ALLOC_HIGH 0x20u	/* __GFP_HIGH: half of min is enough */
/*
 * Checks every free list: each block is PageBuddy with its order, aligned
 * to its size, inside its zone, not free as a whole with its buddy, and
 * the counts add up.  Returns 0, or -1 after printing what is wrong.
 */
int check_free_areas(void);
/* Prints /proc/buddyinfo. */
void show_buddyinfo(void);

/* Largest order whose block at pfn is aligned and fits below end. */
static inline unsigned int max_order_at(unsigned long pfn, unsigned long end)
{
	unsigned int order = 0;

	while (order < MAX_PAGE_ORDER && !(pfn & (1ul << order)) && pfn + (2ul << order) <= end)
		order++;
	return order;
}

#endif
