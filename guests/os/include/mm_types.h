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
struct inode;

struct page {
	unsigned long flags;	/* PG_* bits below */
	int _refcount;		/* users of the frame; 0 when free */
	pid_t owner;		/* pid it is charged to, 0 for the kernel */
	u8 kind;		/* enum page_kind */
	u8 compound_order;	/* head of a multi-page block: its order */
	struct list_head lru;	/* free_area list, or a slab's partial/full list */
	unsigned long private;	/* while PageBuddy: the order of the free block */
	struct page *compound_head;	/* first page of the block this page is in */
	union {
		struct {	/* slab pages (PageSlab, on the head page) */
			struct kmem_cache *slab_cache;
			void *freelist;		/* first free object of this slab */
			unsigned int inuse;	/* objects handed out */
			unsigned int objects;	/* objects the slab holds */
		};
		struct {	/* page-cache pages (PAGE_KIND_FILE): which page of which file */
			const struct inode *mapping;
			unsigned long index;
		};
	};
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

/*
 * A process's address space: its own PGD (the upper half copied from the
 * kernel's, so the kernel is mapped in every process) and its VMAs, each
 * a range [vm_start, vm_end) of pages with the same permissions and the
 * same backing, kept sorted by address on `mmap` (Linux keeps a maple
 * tree; a list is enough for a few dozen regions).
 */
struct vm_area_struct {
	unsigned long vm_start, vm_end;	/* page-aligned, end exclusive */
	unsigned long vm_flags;		/* VM_READ ... (mman.h) */
	struct mm_struct *vm_mm;
	struct list_head vm_list;	/* in mm->mmap, by address */
	struct inode *vm_file;		/* file backing, or NULL: anonymous */
	unsigned long vm_pgoff;		/* file page at vm_start */
	unsigned long vm_file_end;	/* file bytes past this offset read as 0 (ELF .bss) */
};

enum { MM_FILEPAGES, MM_ANONPAGES, NR_MM_COUNTERS };

struct mm_struct {
	unsigned long *pgd;		/* the PML4, direct-map address */
	struct list_head mmap;		/* VMAs sorted by address */
	int map_count;
	int mm_users;
	pid_t owner;			/* charged for its frames (ownership channel) */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack, mmap_base;
	unsigned long rss[NR_MM_COUNTERS];	/* mapped frames (the zero page excluded) */
	unsigned long hiwater_rss;	/* peak of the RSS, for ru_maxrss */
	unsigned long total_vm;		/* pages in all VMAs */
	unsigned long pgtables_bytes;	/* page-table pages below the PGD, in bytes */
};

#endif
