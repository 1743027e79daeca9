/*
 * filemap.c — the page cache: the frames holding pages of files that a
 * process has mapped — initrd files, filled from the archive on first
 * use, and shmem inodes (shared anonymous memory), filled with zeroes.
 * Every process that maps a page maps this very frame (its refcount: one
 * for the cache, one per PTE), which is what makes the text of a program
 * shared.  A frame just filled has page->private = 1 until the fault that
 * filled it has counted itself as a major fault.
 *
 * Each inode keeps its cached pages in i_pages[index] (Linux's
 * address_space->i_pages, a flat array here, grown as needed).  Page-cache
 * frames of initrd files are on the file LRU lists and reclaim drops
 * them when their turn comes (remove_mapping): they are never dirty, the
 * archive still holds their contents, and a later fault reads them again
 * (a major fault).  drop_caches drops every one nobody maps.  shmem
 * frames have nowhere to go: they sit on the unevictable list until the
 * last VMA using their inode goes (truncate_inode_pages).
 */
#include "initrd.h"
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "swap.h"

static unsigned long nr_cached;

/* Makes room for index in inode->i_pages; false when out of memory. */
static bool i_pages_reserve(struct inode *inode, unsigned long index)
{
	unsigned long size = max(index + 1, PFN_UP(inode->size));
	struct page **pages;

	if (index < inode->i_pages_size)
		return true;
	if (!(pages = kzalloc(size * sizeof(*pages), GFP_KERNEL)))
		return false;
	if (inode->i_pages)
		memcpy(pages, inode->i_pages, inode->i_pages_size * sizeof(*pages));
	kfree(inode->i_pages);
	inode->i_pages = pages;
	inode->i_pages_size = size;
	return true;
}

struct page *find_get_page(const struct inode *cinode, unsigned long index)
{
	struct inode *inode = (struct inode *)cinode;
	unsigned long off = index << PAGE_SHIFT;
	struct page *page;

	if (index < inode->i_pages_size && (page = inode->i_pages[index])) {
		get_page(page);
		return page;
	}
	if (!(page = alloc_page(__GFP_ZERO)))
		return NULL;
	/* The allocation may have reclaimed, or let another task fill the page. */
	if (!i_pages_reserve(inode, index) || inode->i_pages[index]) {
		struct page *found = index < inode->i_pages_size ? inode->i_pages[index] : NULL;

		__free_page(page);
		if (found)
			get_page(found);
		return found;
	}
	set_page_owner(page, 0, PAGE_KIND_FILE, 0);
	if (inode->data && off < inode->size)
		memcpy(page_address(page), inode->data + off, min(inode->size - off, PAGE_SIZE));
	page->mapping = inode;
	page->index = index;
	page->private = 1;
	inode->i_pages[index] = page;
	nr_cached++;
	if (inode->shmem)
		lru_cache_add_unevictable(page);
	else
		lru_cache_add(page);
	get_page(page);		/* the caller's reference; the cache keeps the first */
	return page;
}

unsigned long nr_file_pages(void)
{
	return nr_cached;
}

/* Takes page out of its inode's cache; the cache's reference is the caller's to drop. */
static void delete_from_page_cache(struct page *page)
{
	struct inode *inode = (struct inode *)page->mapping;

	inode->i_pages[page->index] = NULL;
	page->mapping = NULL;
	nr_cached--;
}

bool remove_mapping(struct page *page)
{
	if (!page->mapping || PageDirty(page) || page->mapping->shmem)
		return false;
	delete_from_page_cache(page);
	put_page(page);		/* the cache's reference */
	return true;
}

void truncate_inode_pages(const struct inode *cinode)
{
	struct inode *inode = (struct inode *)cinode;

	for (unsigned long i = 0; i < inode->i_pages_size; i++) {
		struct page *page = inode->i_pages[i];

		if (!page)
			continue;
		delete_from_page_cache(page);
		put_page(page);		/* the cache's reference: nobody maps it */
	}
	kfree(inode->i_pages);
	inode->i_pages = NULL;
	inode->i_pages_size = 0;
}

void drop_pagecache(void)
{
	struct lruvec *lruvec = &contig_page_data.__lruvec;

	for (enum lru_list lru = LRU_INACTIVE_FILE; lru <= LRU_ACTIVE_FILE; lru++) {
		struct list_head *pos = lruvec->lists[lru].next, *next;

		for (; pos != &lruvec->lists[lru]; pos = next) {
			struct page *page = list_entry(pos, struct page, lru);

			next = pos->next;
			/* Only the cache holds it (Linux's invalidate_mapping_pages skips mapped pages). */
			if (page_ref_count(page) != 1 || PageDirty(page) || !page->mapping)
				continue;
			delete_from_page_cache(page);
			put_page(page);		/* frees it and takes it off the list */
			reclaim_stat.pgfree_clean++;
		}
	}
}
