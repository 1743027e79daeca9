/*
 * mm.h — physical memory as the rest of the kernel sees it: page size,
 * the direct map (every byte of RAM at PAGE_OFFSET + its physical
 * address), conversions between a frame number (pfn), its struct page,
 * its physical and its direct-map address, and the page allocator's and
 * the slab allocator's faces.
 *
 *   virtual address space of the kernel (x86-64, 4-level paging):
 *   ffff888000000000  direct map of all RAM (PAGE_OFFSET, as Linux)
 *   ffffffff80000000  the kernel image (__START_KERNEL_map + physical)
 */
#ifndef OS_MM_H
#define OS_MM_H

#include "mm_types.h"
#include "ownership.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ul << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))
#define PFN_UP(x) (((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x) ((x) >> PAGE_SHIFT)
#define PFN_PHYS(pfn) ((phys_addr_t)(pfn) << PAGE_SHIFT)

#define __START_KERNEL_map 0xffffffff80000000ul

/*
 * Where the direct map starts: a variable, as in Linux (page_offset_base),
 * so that the host unit tests can point it at a buffer of their own.
 */
extern unsigned long page_offset_base;
#define PAGE_OFFSET page_offset_base

/* Physical address of a direct-map or kernel-image address (Linux __pa). */
static inline phys_addr_t __pa(const void *va)
{
	unsigned long x = (unsigned long)va;

	if (x >= __START_KERNEL_map)
		return x - __START_KERNEL_map;
	return x - PAGE_OFFSET;
}

/* Direct-map address of a physical address (Linux __va). */
static inline void *__va(phys_addr_t pa)
{
	return (void *)(pa + PAGE_OFFSET);
}

extern struct page *mem_map;	/* one struct page per frame, 0..max_pfn-1 */
extern unsigned long max_pfn;	/* frames 0..max_pfn-1 have a struct page */

static inline struct page *pfn_to_page(unsigned long pfn) { return mem_map + pfn; }
static inline unsigned long page_to_pfn(const struct page *p) { return (unsigned long)(p - mem_map); }
static inline bool pfn_valid(unsigned long pfn) { return pfn < max_pfn; }
static inline phys_addr_t page_to_phys(const struct page *p) { return PFN_PHYS(page_to_pfn(p)); }
static inline void *page_address(const struct page *p) { return __va(page_to_phys(p)); }
static inline struct page *virt_to_page(const void *va) { return pfn_to_page(PFN_DOWN(__pa(va))); }
static inline struct page *compound_head(struct page *p) { return p->compound_head ? p->compound_head : p; }

#include "gfp.h"

/* ---- mm/page_alloc.c: the buddy allocator ---- */

/*
 * Allocates 2^order contiguous frames.  Returns the first page, with a
 * reference count of 1, or NULL when no zone gfp_mask allows has a free
 * block above its watermark.  __GFP_ZERO clears them.
 */
struct page *alloc_pages(gfp_t gfp_mask, unsigned int order);
/* Drops a reference on a block alloc_pages() returned; the last frees it. */
void __free_pages(struct page *page, unsigned int order);
/* As alloc_pages, but returns the direct-map address (0 on failure). */
unsigned long __get_free_pages(gfp_t gfp_mask, unsigned int order);
unsigned long get_zeroed_page(gfp_t gfp_mask);
void free_pages(unsigned long addr, unsigned int order);
#define alloc_page(gfp) alloc_pages(gfp, 0)
#define __free_page(page) __free_pages(page, 0)
#define __get_free_page(gfp) __get_free_pages(gfp, 0)
#define free_page(addr) free_pages(addr, 0)

/* Reference counting of single frames (shared mappings, COW later). */
static inline void get_page(struct page *p) { page_ref_inc(p); }
void put_page(struct page *p);

/* Sets kind and owner of 2^order frames and tells the ownership channel. */
void set_page_owner(struct page *page, unsigned int order, enum page_kind kind, pid_t pid);

/* Total free frames in every zone. */
unsigned long nr_free_pages(void);

/* ---- mm/slab.c: kernel objects ---- */
#include "slab.h"

#endif
