/*
 * memblock.h — boot-time memory (Linux's memblock): the RAM ranges the
 * Multiboot memory map reports, the ranges already in use (low memory,
 * the kernel image, the initrd, early allocations), and a simple
 * allocator over the difference that serves until the buddy allocator
 * takes over the rest (memblock_free_all).
 */
#ifndef OS_MEMBLOCK_H
#define OS_MEMBLOCK_H

#include "ownership.h"
#include "types.h"

#define MEMBLOCK_MAX_REGIONS 32

struct memblock_region {
	phys_addr_t base, size;
	enum page_kind kind;	/* reserved regions: what they hold */
	const char *name;
};

struct memblock_type {
	int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

struct memblock {
	struct memblock_type memory, reserved;
	phys_addr_t current_limit;	/* allocations stay below: what the early page tables map */
};

extern struct memblock memblock;

void memblock_add(phys_addr_t base, phys_addr_t size);
void memblock_reserve(phys_addr_t base, phys_addr_t size, enum page_kind kind, const char *name);
/*
 * size bytes aligned to align, from the highest free RAM below
 * current_limit, zeroed and reserved as `kind`.  Returns the physical
 * address; panics when nothing fits (boot cannot go on).
 */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align, enum page_kind kind, const char *name);
/* Is frame pfn RAM that nothing reserved? */
bool memblock_pfn_free(unsigned long pfn);
/* Hands every free frame to the buddy allocator; returns how many. */
unsigned long memblock_free_all(void);
/* Prints the reserved regions. */
void memblock_dump_reserved(void);

#endif
