/*
 * mm_types.h — struct page, one per physical frame (Linux's mem_map
 * entry).  The buddy allocator, the slab allocator and later the page
 * cache, rmap and LRU lists all keep their per-frame state here, so a
 * frame's whole story can be read from one structure.
 */
#ifndef OS_MM_TYPES_H
#define OS_MM_TYPES_H

#include "list.h"

struct kmem_cache;

struct page {
	unsigned long flags;	/* PG_* bits below */
	int _refcount;		/* users of the frame; 0 when free */
	pid_t owner;		/* pid it is charged to, 0 for the kernel */
	u8 kind;		/* enum page_kind */
	u8 compound_order;	/* head of a multi-page block: its order */
	struct list_head lru;	/* free_area list, or a slab's partial/full list */
	unsigned long private;	/* while PageBuddy: the order of the free block */
	struct page *compound_head;	/* first page of the block this page is in */
	/* slab pages (PageSlab, on the head page) */
	struct kmem_cache *slab_cache;
	void *freelist;		/* first free object of this slab */
	unsigned int inuse;	/* objects handed out */
	unsigned int objects;	/* objects the slab holds */
};

/* Page flags (bit numbers), Linux's names. */
enum pageflags {
	PG_reserved,	/* not RAM, or RAM the buddy allocator never had */
	PG_buddy,	/* first page of a free block on a free_area list */
	PG_slab,	/* first page of a slab */
	PG_head,	/* first page of a block of order > 0 */
};

#define PAGEFLAG(name, bit)                                                                       \
	static inline bool Page##name(const struct page *p) { return (p->flags >> (bit)) & 1; }   \
	static inline void SetPage##name(struct page *p) { p->flags |= 1ul << (bit); }            \
	static inline void ClearPage##name(struct page *p) { p->flags &= ~(1ul << (bit)); }
PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(Buddy, PG_buddy)
PAGEFLAG(Slab, PG_slab)
PAGEFLAG(Head, PG_head)
#undef PAGEFLAG

static inline int page_ref_count(const struct page *p)
{
	return __atomic_load_n(&p->_refcount, __ATOMIC_RELAXED);
}

static inline void set_page_count(struct page *p, int v)
{
	__atomic_store_n(&p->_refcount, v, __ATOMIC_RELAXED);
}

static inline void page_ref_inc(struct page *p)
{
	__atomic_add_fetch(&p->_refcount, 1, __ATOMIC_RELAXED);
}

/* Drops a reference; true when it was the last. */
static inline bool page_ref_dec_and_test(struct page *p)
{
	return __atomic_sub_fetch(&p->_refcount, 1, __ATOMIC_ACQ_REL) == 0;
}

#endif
