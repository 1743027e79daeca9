/*
 * filemap.c — the page cache: one frame per page of an initrd file that a
 * process has mapped, filled from the archive on first use and kept for
 * the life of the system (nothing reclaims it yet).  Every process that
 * maps the page read-only maps this very frame (its refcount: one for the
 * cache, one per PTE), which is what makes the text of a program shared.
 * A frame just filled has page->private = 1 until the fault that filled
 * it has counted itself as a major fault.
 *
 * Frames are found by (inode, index) in a small hash table threaded
 * through page->lru, as Linux's old page_hash.  A shmem inode's frames
 * (shared anonymous memory) live here too, zero-filled, until the last
 * VMA using the inode goes (truncate_inode_pages).
 */
#include "initrd.h"
#include "kernel.h"
#include "mman.h"

#define PAGE_HASH_SIZE 256

static struct list_head page_hash[PAGE_HASH_SIZE];
static unsigned long nr_cached;

static struct list_head *page_hash_bucket(const struct inode *inode, unsigned long index)
{
	return &page_hash[(inode->ino * 131 + index) % PAGE_HASH_SIZE];
}

struct page *find_get_page(const struct inode *inode, unsigned long index)
{
	struct list_head *bucket = page_hash_bucket(inode, index), *pos;
	unsigned long off = index << PAGE_SHIFT;
	struct page *page;

	if (!bucket->next)
		for (int i = 0; i < PAGE_HASH_SIZE; i++)
			INIT_LIST_HEAD(&page_hash[i]);
	list_for_each(pos, bucket) {
		page = list_entry(pos, struct page, lru);
		if (page->mapping == inode && page->index == index) {
			get_page(page);
			return page;
		}
	}
	if (!(page = alloc_page(__GFP_ZERO)))
		return NULL;
	set_page_owner(page, 0, PAGE_KIND_FILE, 0);
	if (inode->data && off < inode->size)
		memcpy(page_address(page), inode->data + off, min(inode->size - off, PAGE_SIZE));
	page->mapping = inode;
	page->index = index;
	page->private = 1;
	list_add(&page->lru, bucket);
	nr_cached++;
	get_page(page);		/* the caller's reference; the cache keeps the first */
	return page;
}

unsigned long nr_file_pages(void)
{
	return nr_cached;
}

void truncate_inode_pages(const struct inode *inode)
{
	for (int i = 0; i < PAGE_HASH_SIZE && page_hash[i].next; i++) {
		struct list_head *pos = page_hash[i].next, *next;

		for (; pos != &page_hash[i]; pos = next) {
			struct page *page = list_entry(pos, struct page, lru);

			next = pos->next;
			if (page->mapping != inode)
				continue;
			list_del(&page->lru);
			page->mapping = NULL;
			nr_cached--;
			put_page(page);		/* the cache's reference: nobody maps it */
		}
	}
}
