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
 * address_space->i_pages, a flat array here, grown as needed), under
 * i_pages_lock (Linux's xa_lock): a lookup takes its reference, and a
 * page leaves the cache, under the lock, so that nobody finds a page on
 * its way out.
 *
 * Writeback: the initrd is the backing store of its files, a RAM disk
 * with the file system on it (as Linux's /dev/ram).  A file opened
 * O_RDWR may be written by write(2), within its size (filemap_write: the
 * page-cache page changes and is marked PG_dirty), and mapped
 * MAP_SHARED|PROT_WRITE: a write through such a mapping sets the D bit of
 * the PTE (the MMU does, mm/memory.c maps the page writable but clean),
 * and the kernel learns of it when the PTE goes (zap, try_to_unmap: D
 * moves to PG_dirty) or when sync asks the reverse map (page_mkclean
 * clears D in every PTE).  A dirty page is written back — its bytes
 * copied into the archive (writepage: nr_written, pgpgout) — by sync(2)
 * and by reclaim; only then may it be dropped.  Clean page-cache frames
 * of initrd files are on the file LRU lists and reclaim drops them when
 * their turn comes (remove_mapping): the archive holds the same bytes,
 * and a later fault reads them again (a major fault).  drop_caches drops
 * every clean one nobody maps; dirty ones stay (as Linux's).  read(2)
 * copies from the cached page when there is one, else from the archive,
 * without filling the cache.  shmem frames have nowhere to go: they sit
 * on the unevictable list until the last VMA using their inode goes
 * (truncate_inode_pages).
 */
#include "errno.h"
#include "initrd.h"
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "swap.h"

static unsigned long nr_cached;
static spinlock_t i_pages_lock;

/*
 * Makes room for index in inode->i_pages; false when out of memory.  The
 * new array is allocated without the lock (the allocation may reclaim,
 * which takes it) and swapped in under it.
 */
static bool i_pages_reserve(struct inode *inode, unsigned long index)
{
	unsigned long size = max(index + 1, PFN_UP(inode->size));
	struct page **pages, **old;

	if (index < __atomic_load_n(&inode->i_pages_size, __ATOMIC_ACQUIRE))
		return true;
	if (!(pages = kzalloc(size * sizeof(*pages), GFP_KERNEL)))
		return false;
	spin_lock(&i_pages_lock);
	if (index < inode->i_pages_size) {	/* another task grew it meanwhile */
		old = pages;
	} else {
		if (inode->i_pages)
			memcpy(pages, inode->i_pages, inode->i_pages_size * sizeof(*pages));
		old = inode->i_pages;
		inode->i_pages = pages;
		inode->i_pages_size = size;
	}
	spin_unlock(&i_pages_lock);
	kfree(old);
	return true;
}

/* The cached page index of inode with a reference, or NULL: nothing is filled. */
static struct page *find_cached_page(struct inode *inode, unsigned long index)
{
	struct page *page = NULL;

	spin_lock(&i_pages_lock);
	if (index < inode->i_pages_size && (page = inode->i_pages[index]))
		get_page(page);
	spin_unlock(&i_pages_lock);
	return page;
}

struct page *find_get_page(const struct inode *cinode, unsigned long index)
{
	struct inode *inode = (struct inode *)cinode;
	unsigned long off = index << PAGE_SHIFT;
	struct page *page, *found;

	if ((page = find_cached_page(inode, index)))
		return page;
	if (!(page = alloc_page(__GFP_ZERO)))
		return NULL;
	/* The allocation may have reclaimed, or let another task fill the page. */
	if (!i_pages_reserve(inode, index)) {
		__free_page(page);
		return NULL;
	}
	spin_lock(&i_pages_lock);
	if (inode->i_pages[index]) {
		get_page(found = inode->i_pages[index]);
		spin_unlock(&i_pages_lock);
		__free_page(page);
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
	get_page(page);		/* the caller's reference; the cache keeps the first */
	spin_unlock(&i_pages_lock);
	if (inode->shmem)
		lru_cache_add_unevictable(page);
	else
		lru_cache_add(page);
	return page;
}

unsigned long nr_file_pages(void)
{
	return nr_cached;
}

/* Takes page out of its inode's cache (i_pages_lock held); the cache's reference is the caller's to drop. */
static void delete_from_page_cache(struct page *page)
{
	struct inode *inode = (struct inode *)page->mapping;

	inode->i_pages[page->index] = NULL;
	page->mapping = NULL;
	nr_cached--;
}

/* Takes page out of the cache if only the cache and expected - 1 others hold it (Linux's __remove_mapping). */
static bool remove_mapping_expected(struct page *page, int expected)
{
	bool ok;

	spin_lock(&i_pages_lock);
	ok = page->mapping && !PageDirty(page) && !page->mapping->shmem && page_ref_count(page) == expected;
	if (ok)
		delete_from_page_cache(page);
	spin_unlock(&i_pages_lock);
	if (ok)
		put_page(page);		/* the cache's reference */
	return ok;
}

bool remove_mapping(struct page *page)
{
	return remove_mapping_expected(page, 2);	/* the cache's and the caller's (reclaim's isolation) */
}

bool writepage(struct page *page)
{
	struct inode *inode = (struct inode *)page->mapping;
	unsigned long off = page->index << PAGE_SHIFT;

	if (!inode || inode->shmem || !inode->data)
		return false;
	ClearPageDirty(page);	/* first: a write meanwhile dirties it again */
	if (off < inode->size)
		memcpy(inode->data + off, page_address(page), min(inode->size - off, PAGE_SIZE));
	reclaim_stat.nr_written++;
	reclaim_stat.pgpgout += PAGE_SIZE / 1024;
	return true;
}

unsigned long sync_pagecache(void)
{
	unsigned long written = 0;
	struct inode *inode;

	for (int i = 0; (inode = initrd_file(i)); i++) {
		for (unsigned long index = 0; index < inode->i_pages_size; index++) {
			struct page *page = find_cached_page(inode, index);

			if (!page)
				continue;
			if (page_mkclean(page))
				SetPageDirty(page);
			if (PageDirty(page) && writepage(page))
				written++;
			put_page(page);
		}
	}
	return written;
}

long filemap_read(struct inode *inode, unsigned long pos, char *ubuf, unsigned long n)
{
	unsigned long done = 0;

	n = min(n, inode->size - min(pos, inode->size));
	while (done < n) {
		unsigned long off = (pos + done) & (PAGE_SIZE - 1), k = min(n - done, PAGE_SIZE - off);
		struct page *page = find_cached_page(inode, (pos + done) >> PAGE_SHIFT);
		const u8 *src = page ? (const u8 *)page_address(page) + off : inode->data + pos + done;
		bool fault = copy_to_user(ubuf + done, src, k) != 0;

		if (page)
			put_page(page);
		if (fault)
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}

long filemap_write(struct inode *inode, unsigned long pos, const char *ubuf, unsigned long n)
{
	unsigned long done = 0;

	if (n && pos >= inode->size)
		return -ENOSPC;	/* no room in the archive: files keep their sizes */
	n = min(n, inode->size - pos);
	while (done < n) {
		unsigned long off = (pos + done) & (PAGE_SIZE - 1), k = min(n - done, PAGE_SIZE - off);
		struct page *page = find_get_page(inode, (pos + done) >> PAGE_SHIFT);
		bool fault;

		if (!page)
			return done ? (long)done : -ENOMEM;
		page->private = 0;	/* filled here, not by a fault */
		fault = copy_from_user((u8 *)page_address(page) + off, ubuf + done, k) != 0;
		if (!fault)
			SetPageDirty(page);
		mark_page_accessed(page);
		put_page(page);
		if (fault)
			return done ? (long)done : -EFAULT;
		done += k;
	}
	return (long)done;
}

void truncate_inode_pages(const struct inode *cinode)
{
	struct inode *inode = (struct inode *)cinode;

	for (unsigned long i = 0; i < inode->i_pages_size; i++) {
		struct page *page = inode->i_pages[i];

		if (!page)
			continue;
		spin_lock(&i_pages_lock);
		delete_from_page_cache(page);
		spin_unlock(&i_pages_lock);
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
			/*
			 * Only the cache holds it, and it is clean (Linux's
			 * invalidate_mapping_pages skips mapped and dirty pages).
			 */
			if (remove_mapping_expected(page, 1))	/* the frame freed, off the list */
				reclaim_stat.pgfree_clean++;
		}
	}
}
