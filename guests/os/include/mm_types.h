/*
 * mm_types.h — struct page, one per physical frame (Linux's mem_map
 * entry).  The buddy allocator, the slab allocator and later the page
 * cache, rmap and LRU lists all keep their per-frame state here, so a
 * frame's whole story can be read from one structure.
 */
#ifndef OS_MM_TYPES_H
#define OS_MM_TYPES_H

#include "list.h"
#include "mmu.h"
#include "spinlock.h"

struct kmem_cache;
struct inode;

struct page {
	unsigned long flags;	/* PG_* bits below */
	int _refcount;		/* users of the frame; 0 when free */
	pid_t owner;		/* pid it is charged to, 0 for the kernel */
	u8 kind;		/* enum page_kind */
	u8 compound_order;	/* head of a multi-page block: its order */
	struct list_head lru;	/* free_area list, a slab's partial/full list, or an LRU list */
	unsigned long private;	/* PageBuddy: the order of the free block; PageSwapCache: its swap entry */
	struct page *compound_head;	/* first page of the block this page is in */
	union {
		struct {	/* slab pages (PageSlab, on the head page) */
			struct kmem_cache *slab_cache;
			void *freelist;		/* first free object of this slab */
			unsigned int inuse;	/* objects handed out */
			unsigned int objects;	/* objects the slab holds */
		};
		struct {	/* page-cache pages (PAGE_KIND_FILE): which page of which file; */
			const struct inode *mapping;	/* anonymous pages: mapping NULL, */
			unsigned long index;		/* index = user address >> PAGE_SHIFT */
		};
	};
};

/* Page flags (bit numbers), Linux's names. */
enum pageflags {
	PG_reserved,	/* not RAM, or RAM the buddy allocator never had */
	PG_buddy,	/* first page of a free block on a free_area list */
	PG_slab,	/* first page of a slab */
	PG_head,	/* first page of a block of order > 0 */
	PG_lru,		/* on one of the LRU lists (mmzone.h, mm/vmscan.c) */
	PG_active,	/* on an active list */
	PG_referenced,	/* used once since reclaim last looked (mark_page_accessed) */
	PG_dirty,	/* newer than its copy on disk (or has none) */
	PG_swapcache,	/* an anonymous page in the swap cache: private is its entry */
	PG_unevictable,	/* on the unevictable list (shmem) */
};

#define PAGEFLAG(name, bit)                                                                       \
	static inline bool Page##name(const struct page *p) { return (p->flags >> (bit)) & 1; }   \
	static inline void SetPage##name(struct page *p) { p->flags |= 1ul << (bit); }            \
	static inline void ClearPage##name(struct page *p) { p->flags &= ~(1ul << (bit)); }
PAGEFLAG(Reserved, PG_reserved)
PAGEFLAG(Buddy, PG_buddy)
PAGEFLAG(Slab, PG_slab)
PAGEFLAG(Head, PG_head)
PAGEFLAG(LRU, PG_lru)
PAGEFLAG(Active, PG_active)
PAGEFLAG(Referenced, PG_referenced)
PAGEFLAG(Dirty, PG_dirty)
PAGEFLAG(SwapCache, PG_swapcache)
PAGEFLAG(Unevictable, PG_unevictable)
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

/* RSS counters (Linux's order): file, anonymous, swap entries in PTEs, shmem. */
enum { MM_FILEPAGES, MM_ANONPAGES, MM_SWAPENTS, MM_SHMEMPAGES, NR_MM_COUNTERS };

#define MMF_OOM_SKIP	0	/* mm->flags: the OOM reaper is done with it */

struct mm_struct {
	unsigned long *pgd;		/* the PML4, direct-map address */
	struct list_head mmap;		/* VMAs sorted by address */
	int map_count;
	int mm_users;
	pid_t owner;			/* charged for its frames (ownership channel) */
	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack, mmap_base;
	unsigned long rss[NR_MM_COUNTERS];	/* mapped frames (the zero page excluded), swap entries */
	unsigned long hiwater_rss;	/* peak of the RSS, for ru_maxrss */
	unsigned long total_vm;		/* pages in all VMAs */
	unsigned long pgtables_bytes;	/* page-table pages below the PGD, in bytes */
	/* SMP: mmap_lock.h, arch/x86/tlb.c */
	spinlock_t mmap_lock;		/* VMAs and page tables (mmap_write_lock) */
	struct task_struct *mmap_lock_owner;	/* who holds mmap_lock, or NULL (reclaim asks) */
	cpumask_t cpu_bitmap;		/* CPUs that have it loaded, maybe lazily (mm_cpumask) */
	mm_context_t context;		/* PCID context id and TLB generation */
	unsigned long flags;		/* MMF_* */
	struct list_head mmlist;	/* every mm (mm/rmap.c searches them) */
};

/* Frames mapped by mm (Linux's get_mm_rss). */
static inline unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return mm->rss[MM_FILEPAGES] + mm->rss[MM_ANONPAGES] + mm->rss[MM_SHMEMPAGES];
}

#endif
