/*
 * swapfile.c — swap areas (Linux's mm/swapfile.c): swapon(2) of an ATA
 * disk prepared by mkswap, and its swap_map.
 *
 * The disk's first page is mkswap's header (Linux's union swap_header):
 * "SWAPSPACE2" in its last 10 bytes, version 1, last_page, nr_badpages.
 * Slot N of the area is page N of the disk (sectors 8N to 8N+7); slot 0 is
 * the header and never handed out.  swap_map[N] counts the PTEs that hold
 * the entry (type, N), plus SWAP_HAS_CACHE while a page in the swap cache
 * holds its contents; a slot whose count falls to 0 is free again.
 * Slots are handed out in order from a cursor (cluster_next), so pages
 * evicted together sit together on disk and come back together
 * (readahead, mm/swap_state.c).
 *
 * Every page written gets a checksum of its 4096 bytes in csum[N]; reading
 * it back verifies the checksum, and a mismatch is reported as a kernel
 * BUG (the faulting task gets SIGBUS): swapped memory is never silently
 * wrong.
 *
 * swap_lock guards the maps and the counts.  The swap cache's index
 * (cache[]) and the pages in it are changed only by the task that holds
 * the page (reclaim's isolation, a fault's reference) on this
 * single-CPU-at-a-time reclaim path (mm/vmscan.c says what that assumes).
 */
#include "ata.h"
#include "errno.h"
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "swap.h"
#include "swapops.h"

#define SWAP_HAS_CACHE	0x40	/* a page of the swap cache holds this slot's contents */
#define SWAP_MAP_MAX	0x3e	/* most PTEs one slot may count */
#define SWAP_MAP_BAD	0x3f	/* never handed out (the header) */
#define MAX_SWAPFILES	2
#define SECTORS_PER_PAGE (PAGE_SIZE / ATA_SECT_SIZE)

struct swap_info_struct {
	bool used;
	int drive;			/* ATA drive 0 or 1 */
	int prio;
	unsigned long max;		/* slots, the header's included */
	unsigned long pages;		/* usable slots */
	unsigned long inuse_pages;
	unsigned long cluster_next;	/* where the next slot is looked for */
	unsigned char *swap_map;
	u32 *csum;			/* checksum of what slot N holds on disk */
	struct page **cache;		/* the swap cache's index: page holding slot N, or NULL */
	char name[16];
};

static struct swap_info_struct swap_info[MAX_SWAPFILES];
static spinlock_t swap_lock;	/* every swap_map and the counts below */
static int nr_swapfiles, least_priority = -1;
long total_swap_pages, nr_swap_pages;

static struct swap_info_struct *swp_info(swp_entry_t entry)
{
	unsigned long type = swp_type(entry);

	BUG_ON(type >= MAX_SWAPFILES || !swap_info[type].used || swp_offset(entry) >= swap_info[type].max);
	return &swap_info[type];
}

unsigned long swap_max(swp_entry_t entry)
{
	unsigned long type = swp_type(entry);

	return type < MAX_SWAPFILES && swap_info[type].used ? swap_info[type].max : 0;
}

static inline unsigned char swap_count(unsigned char ent)
{
	return ent & ~SWAP_HAS_CACHE;
}

int swp_swapcount(swp_entry_t entry)
{
	return swap_count(swp_info(entry)->swap_map[swp_offset(entry)]);
}

bool swp_has_cache(swp_entry_t entry)
{
	return swp_info(entry)->swap_map[swp_offset(entry)] & SWAP_HAS_CACHE;
}

struct page **swap_cache_slot(swp_entry_t entry)
{
	return &swp_info(entry)->cache[swp_offset(entry)];
}

bool vm_swap_full(void)
{
	return nr_swap_pages * 2 < total_swap_pages;
}

swp_entry_t get_swap_page(void)
{
	unsigned long flags;

	spin_lock_irqsave(&swap_lock, flags);
	for (int type = 0; type < nr_swapfiles; type++) {
		struct swap_info_struct *si = &swap_info[type];

		if (!si->used || si->inuse_pages == si->pages)
			continue;
		for (unsigned long n = 0; n < si->max; n++) {
			unsigned long offset = si->cluster_next;

			si->cluster_next = offset + 1 < si->max ? offset + 1 : 1;
			if (si->swap_map[offset])
				continue;
			si->swap_map[offset] = SWAP_HAS_CACHE;
			si->inuse_pages++;
			nr_swap_pages--;
			spin_unlock_irqrestore(&swap_lock, flags);
			return swp_entry((unsigned long)type, offset);
		}
	}
	spin_unlock_irqrestore(&swap_lock, flags);
	return (swp_entry_t){ 0 };
}

/* Sets the map entry; a slot whose map falls to 0 is free. */
static void swap_map_set(struct swap_info_struct *si, unsigned long offset, unsigned char v)
{
	si->swap_map[offset] = v;
	if (!v) {
		si->inuse_pages--;
		nr_swap_pages++;
	}
}

void swap_duplicate(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned long offset = swp_offset(entry), flags;

	spin_lock_irqsave(&swap_lock, flags);
	BUG_ON(!si->swap_map[offset] || swap_count(si->swap_map[offset]) >= SWAP_MAP_MAX);
	si->swap_map[offset]++;
	spin_unlock_irqrestore(&swap_lock, flags);
}

void swap_free(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned long offset = swp_offset(entry), flags;

	spin_lock_irqsave(&swap_lock, flags);
	BUG_ON(!swap_count(si->swap_map[offset]));
	swap_map_set(si, offset, si->swap_map[offset] - 1);
	spin_unlock_irqrestore(&swap_lock, flags);
}

bool swapcache_prepare(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned long offset = swp_offset(entry), flags;
	unsigned char map;
	bool ok;

	spin_lock_irqsave(&swap_lock, flags);
	map = si->swap_map[offset];
	ok = swap_count(map) && !(map & SWAP_HAS_CACHE);
	if (ok)
		si->swap_map[offset] = map | SWAP_HAS_CACHE;
	spin_unlock_irqrestore(&swap_lock, flags);
	return ok;
}

void put_swap_page(swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned long offset = swp_offset(entry), flags;

	spin_lock_irqsave(&swap_lock, flags);
	BUG_ON(!(si->swap_map[offset] & SWAP_HAS_CACHE));
	swap_map_set(si, offset, si->swap_map[offset] & ~SWAP_HAS_CACHE);
	spin_unlock_irqrestore(&swap_lock, flags);
}

void free_swap_and_cache(swp_entry_t entry)
{
	struct page *page;

	swap_free(entry);
	/* Only the swap cache still holds it, and nobody else the page: drop both. */
	if (!swp_swapcount(entry) && (page = *swap_cache_slot(entry)) && page_ref_count(page) == 1)
		delete_from_swap_cache(page);
}

/* FNV-1a over the page's 64-bit words: position-dependent, cheap, and never 0 for a real page by design. */
static u32 swap_csum(const void *data)
{
	const u64 *w = data;
	u64 h = 0xcbf29ce484222325ull;

	for (unsigned long i = 0; i < PAGE_SIZE / 8; i++)
		h = (h ^ w[i]) * 0x100000001b3ull;
	return (u32)(h ^ (h >> 32));
}

int swap_writepage(struct page *page)
{
	swp_entry_t entry = { page->private };
	struct swap_info_struct *si = swp_info(entry);
	unsigned long offset = swp_offset(entry);

	si->csum[offset] = swap_csum(page_address(page));
	if (ata_rw(si->drive, (u64)offset * SECTORS_PER_PAGE, page_address(page), SECTORS_PER_PAGE, true)) {
		printk("Write-error on swap-device (%s:%lu)\n", si->name, offset);
		return -EIO;
	}
	reclaim_stat.pswpout++;
	reclaim_stat.nr_written++;
	reclaim_stat.pgpgout += PAGE_SIZE / 1024;
	return 0;
}

int swap_readpage(struct page *page, swp_entry_t entry)
{
	struct swap_info_struct *si = swp_info(entry);
	unsigned long offset = swp_offset(entry);
	u32 sum;

	if (ata_rw(si->drive, (u64)offset * SECTORS_PER_PAGE, page_address(page), SECTORS_PER_PAGE, false)) {
		printk("Read-error on swap-device (%s:%lu)\n", si->name, offset);
		return -EIO;
	}
	reclaim_stat.pswpin++;
	if ((sum = swap_csum(page_address(page))) != si->csum[offset]) {
		reclaim_stat.csum_errors++;
		printk("BUG: swap page checksum mismatch on %s: entry %#lx (offset %lu): stored %08x, read %08x\n",
		       si->name, entry.val, offset, si->csum[offset], sum);
		return -EIO;
	}
	return 0;
}

/* Room for n entries of size bytes, zeroed, from the buddy allocator; NULL if too big. */
static void *alloc_table(unsigned long n, unsigned long size)
{
	unsigned long bytes = n * size;
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order > MAX_PAGE_ORDER ? NULL : (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, order);
}

long sys_swapon_path(const char *path)
{
	struct swap_info_struct *si;
	unsigned long last_page, maxpages;
	u8 *header;
	int drive, type;
	long err = 0;

	if (!strcmp(path, "/dev/sda"))
		drive = 0;
	else if (!strcmp(path, "/dev/sdb"))
		drive = 1;
	else
		return -ENOENT;
	if (!ata_capacity(drive))
		return -ENXIO;
	for (type = 0; type < nr_swapfiles; type++)
		if (swap_info[type].used && swap_info[type].drive == drive)
			return -EBUSY;
	if (nr_swapfiles == MAX_SWAPFILES)
		return -EPERM;
	if (!(header = (u8 *)get_zeroed_page(GFP_KERNEL)))
		return -ENOMEM;
	if (ata_rw(drive, 0, header, SECTORS_PER_PAGE, false)) {
		err = -EIO;
		goto out;
	}
	if (memcmp(header + PAGE_SIZE - 10, "SWAPSPACE2", 10) || *(u32 *)(header + 1024) != 1) {
		printk("Unable to find swap-space signature\n");
		err = -EINVAL;
		goto out;
	}
	last_page = *(u32 *)(header + 1028);
	if (*(u32 *)(header + 1032)) {		/* nr_badpages */
		err = -EINVAL;
		goto out;
	}
	maxpages = min(last_page + 1, (unsigned long)(ata_capacity(drive) / SECTORS_PER_PAGE));
	si = &swap_info[nr_swapfiles];
	*si = (struct swap_info_struct){ .drive = drive, .max = maxpages, .cluster_next = 1 };
	si->swap_map = alloc_table(maxpages, 1);
	si->csum = alloc_table(maxpages, sizeof(u32));
	si->cache = alloc_table(maxpages, sizeof(struct page *));
	if (maxpages < 2 || !si->swap_map || !si->csum || !si->cache) {
		err = -ENOMEM;	/* (a few pages of tables leak on this path: it is a one-off) */
		goto out;
	}
	si->swap_map[0] = SWAP_MAP_BAD;
	si->pages = maxpages - 1;
	si->prio = --least_priority;
	strncpy(si->name, path, sizeof(si->name) - 1);
	si->used = true;
	nr_swapfiles++;
	total_swap_pages += (long)si->pages;
	nr_swap_pages += (long)si->pages;
	printk("Adding %luk swap on %s.  Priority:%d extents:1 across:%luk \n", si->pages << (PAGE_SHIFT - 10), path,
	       si->prio, si->pages << (PAGE_SHIFT - 10));
out:
	free_page((unsigned long)header);
	return err;
}

unsigned long show_swaps(char *buf, unsigned long size)
{
	unsigned long n = (unsigned long)snprintf(buf, size, "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");

	for (int type = 0; type < nr_swapfiles; type++) {
		struct swap_info_struct *si = &swap_info[type];

		n += (unsigned long)snprintf(buf + n, size - n, "%-40s%s\t%lu\t\t%lu\t\t%d\n", si->name, "partition",
					     si->pages << (PAGE_SHIFT - 10), si->inuse_pages << (PAGE_SHIFT - 10),
					     si->prio);
	}
	return n;
}
