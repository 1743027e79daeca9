/*
 * mm_inline.h — putting pages on and off the LRU lists (Linux's
 * <linux/mm_inline.h>).  One node, so one lruvec: contig_page_data's.
 * Callers hold lruvec->lru_lock.  A page is on at most one list, linked
 * through page->lru (free pages and slabs use the same field, but they are
 * never on an LRU list).
 */
#ifndef OS_MM_INLINE_H
#define OS_MM_INLINE_H

#include "initrd.h"
#include "mm.h"
#include "mmzone.h"

static inline bool PageAnon(const struct page *page)
{
	return page->kind == PAGE_KIND_ANON;
}

/* The RSS counter a page-cache page counts in: MM_SHMEMPAGES or MM_FILEPAGES. */
static inline int mm_counter_file(const struct page *page)
{
	return page->mapping && page->mapping->shmem ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/* The RSS counter of any mapped page. */
static inline int mm_counter(const struct page *page)
{
	return PageAnon(page) ? MM_ANONPAGES : mm_counter_file(page);
}

static inline struct lruvec *page_lruvec(const struct page *page)
{
	return &contig_page_data.__lruvec;
}

/* The list a page belongs on: its kind, and whether it is active. */
static inline enum lru_list page_lru(const struct page *page)
{
	if (PageUnevictable(page))
		return LRU_UNEVICTABLE;
	return (PageAnon(page) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE) + (PageActive(page) ? 1 : 0);
}

static inline bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

static inline bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

/* At the head: the youngest end (reclaim takes from the tail). */
static inline void add_page_to_lru_list(struct page *page, struct lruvec *lruvec)
{
	enum lru_list lru = page_lru(page);

	list_add(&page->lru, &lruvec->lists[lru]);
	lruvec->nr_pages[lru]++;
	SetPageLRU(page);
}

static inline void add_page_to_lru_list_tail(struct page *page, struct lruvec *lruvec)
{
	enum lru_list lru = page_lru(page);

	list_add_tail(&page->lru, &lruvec->lists[lru]);
	lruvec->nr_pages[lru]++;
	SetPageLRU(page);
}

static inline void del_page_from_lru_list(struct page *page, struct lruvec *lruvec)
{
	list_del(&page->lru);
	lruvec->nr_pages[page_lru(page)]--;
	ClearPageLRU(page);
}

#endif
