/*
 * memblock.c — boot-time memory: RAM ranges and reserved ranges as
 * small sorted arrays (see memblock.h).  Early allocations come from the
 * top of RAM downwards (below memblock.current_limit), as Linux's
 * memblock allocates top-down, so that low memory stays free for devices
 * that need it.  Only whole frames count: a RAM range is trimmed to page
 * boundaries.
 */
#include "kernel.h"
#include "memblock.h"
#include "mm.h"
#include "mmzone.h"

struct memblock memblock = { .current_limit = 1ul << 30 };

static void insert_region(struct memblock_type *type, struct memblock_region r)
{
	int i = type->cnt;

	if (type->cnt == MEMBLOCK_MAX_REGIONS)
		panic("memblock: too many regions");
	while (i > 0 && type->regions[i - 1].base > r.base) {
		type->regions[i] = type->regions[i - 1];
		i--;
	}
	type->regions[i] = r;
	type->cnt++;
}

void memblock_add(phys_addr_t base, phys_addr_t size)
{
	phys_addr_t start = ALIGN(base, PAGE_SIZE), end = ALIGN_DOWN(base + size, PAGE_SIZE);

	if (end > start)
		insert_region(&memblock.memory, (struct memblock_region){ start, end - start, PAGE_KIND_FREE, "RAM" });
}

void memblock_reserve(phys_addr_t base, phys_addr_t size, enum page_kind kind, const char *name)
{
	phys_addr_t start = ALIGN_DOWN(base, PAGE_SIZE), end = ALIGN(base + size, PAGE_SIZE);

	insert_region(&memblock.reserved, (struct memblock_region){ start, end - start, kind, name });
}

static bool overlaps_reserved(phys_addr_t start, phys_addr_t end)
{
	for (int i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.regions[i];

		if (start < r->base + r->size && r->base < end)
			return true;
	}
	return false;
}

phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align, enum page_kind kind, const char *name)
{
	size = ALIGN(size, PAGE_SIZE);
	for (int i = memblock.memory.cnt - 1; i >= 0; i--) {
		const struct memblock_region *m = &memblock.memory.regions[i];
		phys_addr_t top = min(m->base + m->size, memblock.current_limit);

		/* Walk down from the top of the range in steps of align. */
		for (phys_addr_t start = ALIGN_DOWN(top - size, align); top >= size && start >= m->base;
		     start -= align) {
			if (!overlaps_reserved(start, start + size)) {
				memblock_reserve(start, size, kind, name);
				memset(__va(start), 0, size);
				return start;
			}
			if (start < align)
				break;
		}
	}
	panic("memblock: cannot allocate %lu bytes for %s", (unsigned long)size, name);
}

bool memblock_pfn_free(unsigned long pfn)
{
	phys_addr_t pa = PFN_PHYS(pfn);
	bool ram = false;

	for (int i = 0; i < memblock.memory.cnt && !ram; i++)
		ram = pa >= memblock.memory.regions[i].base &&
		      pa < memblock.memory.regions[i].base + memblock.memory.regions[i].size;
	return ram && !overlaps_reserved(pa, pa + PAGE_SIZE);
}

unsigned long memblock_free_all(void)
{
	unsigned long freed = 0;

	/* Tell the ownership channel what the reserved frames are. */
	for (int i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.regions[i];
		unsigned long pfn = PFN_DOWN(r->base), end = min(pfn + PFN_DOWN(r->size), max_pfn);

		for (unsigned long p = pfn; p < end; p++)
			pfn_to_page(p)->kind = (u8)r->kind;
		if (end > pfn)
			ownership_report(pfn, end - pfn, r->kind, 0);
	}
	/* Every run of free frames, as the largest aligned blocks it holds. */
	for (unsigned long pfn = 0; pfn < max_pfn;) {
		unsigned long end = pfn;

		while (end < max_pfn && memblock_pfn_free(end))
			end++;
		if (end > pfn) {
			free_boot_pages(pfn, end);
			freed += end - pfn;
			pfn = end;
		} else {
			pfn++;
		}
	}
	return freed;
}

void memblock_dump_reserved(void)
{
	for (int i = 0; i < memblock.reserved.cnt; i++) {
		const struct memblock_region *r = &memblock.reserved.regions[i];

		printk("memblock: reserved [mem %#018lx-%#018lx] %s\n", (unsigned long)r->base,
		       (unsigned long)(r->base + r->size - 1), r->name);
	}
}
