/*
 * swap.h — page reclaim and swap (Linux's <linux/swap.h> and
 * <linux/swapops.h>): the LRU lists and kswapd (mm/vmscan.c), swap areas
 * and their swap_map (mm/swapfile.c), the swap cache (mm/swap_state.c)
 * and the reverse map that finds the PTEs of a page (mm/rmap.c).
 */
#ifndef OS_SWAP_H
#define OS_SWAP_H

#include "gfp.h"
#include "swapops.h"
#include "types.h"

struct page;
struct mm_struct;
struct vm_area_struct;

/* ---- mm/vmscan.c ---- */
extern int vm_swappiness;	/* 0-200: how much anon is scanned against file (default 60) */
/* Direct reclaim: frees up to SWAP_CLUSTER_MAX frames; how many it freed. */
unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order);
/* Wakes kswapd if a zone the allocation may use is below its low watermark. */
void wakeup_kswapd(unsigned int order, int highest_zoneidx);
/* True while current reclaims (PF_MEMALLOC): its allocations ignore watermarks. */
bool current_is_memalloc(void);
/* Starts kswapd0. */
void kswapd_init(void);
/* A new user page goes on the inactive list of its kind (Linux's lru_cache_add). */
void lru_cache_add(struct page *page);
/* A shmem page: the unevictable list. */
void lru_cache_add_unevictable(struct page *page);
/* A use the MMU cannot see (read(), a page-cache lookup): the referenced/active steps. */
void mark_page_accessed(struct page *page);

/* ---- mm/rmap.c ---- */
/*
 * Clears the A bit in every PTE mapping page (flushing each); how many had
 * it, or -1 when an address space was locked by another task (not looked at).
 */
int page_referenced(struct page *page);
/* Clears the D bit in every PTE mapping page (flushing each); how many had it. */
int page_mkclean(struct page *page);
/* Does any PTE map page? */
bool page_mapped(struct page *page);
/*
 * Clears every PTE mapping page, moving their D bits to PG_dirty; an
 * anonymous page's PTEs get its swap entry (it must be in the swap
 * cache).  True when no PTE maps it any more.
 */
bool try_to_unmap(struct page *page);

/* ---- mm/filemap.c ---- */
/* Takes a clean, unmapped page out of the page cache (the cache's reference dropped); false if it cannot. */
bool remove_mapping(struct page *page);
/* Writes a dirty page-cache page back to its file's bytes (the RAM disk); false if it cannot. */
bool writepage(struct page *page);

/* ---- mm/vmstat.c: the /proc views ---- */
unsigned long show_zoneinfo(char *buf, unsigned long size);
unsigned long show_vmstat_reclaim(char *buf, unsigned long size);
unsigned long nr_swapcache_pages(void);

/* vmstat counters of reclaim, swap and OOM (shown in /proc/vmstat). */
struct reclaim_stat {
	unsigned long pgscan_kswapd, pgscan_direct, pgsteal_kswapd, pgsteal_direct;
	unsigned long pgactivate, pgdeactivate, pgrefill, pgrotated;
	unsigned long pswpin, pswpout, pgpgin, pgpgout, pgfree_clean;
	unsigned long allocstall, kswapd_wakeups, pageoutrun, oom_kill, swap_ra, swap_ra_hit;
	unsigned long csum_errors;
	unsigned long nr_written;	/* pages written out: file writeback and swap */
};
extern struct reclaim_stat reclaim_stat;

/* ---- mm/swapfile.c and mm/swap_state.c (swap entries: swapops.h) ---- */
extern long total_swap_pages, nr_swap_pages;	/* usable slots, free slots */
extern int page_cluster;	/* readahead: 2^page_cluster slots */
/* A free slot, marked SWAP_HAS_CACHE; entry 0 when swap is full or absent. */
swp_entry_t get_swap_page(void);
/* One more PTE holds entry. */
void swap_duplicate(swp_entry_t entry);
/* One PTE less holds entry; the slot is free when nothing holds it. */
void swap_free(swp_entry_t entry);
/* A PTE holding entry goes (zap): swap_free, and the cached page too if nobody else has it. */
void free_swap_and_cache(swp_entry_t entry);
/* The swap cache lets go of the slot (SWAP_HAS_CACHE cleared). */
void put_swap_page(swp_entry_t entry);
/* Marks the slot cached for a page being read in; false if it is free or cached already. */
bool swapcache_prepare(swp_entry_t entry);
/* PTEs holding entry. */
int swp_swapcount(swp_entry_t entry);
/* Slots of entry's area (0 if there is no such area). */
unsigned long swap_max(swp_entry_t entry);
/* Where the swap cache keeps the page of slot entry. */
struct page **swap_cache_slot(swp_entry_t entry);
/* More than half the swap space in use (Linux's vm_swap_full). */
bool vm_swap_full(void);
/* Writes a swap-cache page to its slot with its checksum: 0 or -EIO. */
int swap_writepage(struct page *page);
/* Reads slot entry into page and verifies its checksum: 0, or -EIO (with a BUG report on a mismatch). */
int swap_readpage(struct page *page, swp_entry_t entry);
/* swapon(2) of /dev/sda or /dev/sdb: 0 or -errno. */
long sys_swapon_path(const char *path);
/* /proc/swaps into buf. */
unsigned long show_swaps(char *buf, unsigned long size);

/* The page of slot entry in the swap cache (a reference taken), or NULL. */
struct page *lookup_swap_cache(swp_entry_t entry);
/* Gives an anonymous page a slot and puts it in the swap cache, dirty; false when swap is full. */
bool add_to_swap(struct page *page);
/* Takes a page out of the swap cache and lets go of its slot (the cache's reference dropped). */
void delete_from_swap_cache(struct page *page);
/* Reads slot entry and its 2^page_cluster-aligned neighbours; the page of entry (a reference taken), or NULL. */
struct page *swapin_readahead(swp_entry_t entry, struct mm_struct *mm, int *err);

#endif
