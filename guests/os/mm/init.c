/*
 * init.c — the kernel's own address space and the hand-over of memory to
 * the allocators.
 *
 * paging_init() builds init_top_pgt, the page tables every address space
 * will share for its upper half:
 *   - the direct map: all RAM at PAGE_OFFSET with 2 MiB pages, RW + NX;
 *   - the kernel image at __START_KERNEL_map with 4 KiB pages: text RX,
 *     rodata R + NX, data and bss RW + NX;
 *   - every leaf global (_PAGE_GLOBAL with CR4.PGE), so that switching
 *     CR3 between processes keeps the kernel's TLB entries.
 * The tables come from memblock, in one block sized up front.
 *
 * mm_init() allocates mem_map, spans the zones, gives the buddy allocator
 * every frame memblock did not reserve and sets the watermarks.
 */
#include "asm.h"
#include "kernel.h"
#include "memblock.h"
#include "mman.h"
#include "sysctl.h"
#include "mm.h"
#include "mmzone.h"
#include "pgtable.h"

unsigned long page_offset_base = 0xffff888000000000ul;
pteval_t __supported_pte_mask = ~0ul;
pteval_t *init_top_pgt;

extern char _text[], _etext[], __start_rodata[], __end_rodata[], _sdata[], _end[];

static phys_addr_t pgtable_pool, pgtable_pool_end;

static pteval_t *alloc_pgtable(void)
{
	phys_addr_t pa = pgtable_pool;

	if (pa >= pgtable_pool_end)
		panic("paging_init: page-table pool too small");
	pgtable_pool += PAGE_SIZE;
	return __va(pa);
}

/* The entry for va in `table` at the level of `shift`, creating the next table when asked. */
static pteval_t *next_table(pteval_t *table, unsigned long va, int shift)
{
	pteval_t *e = &table[(va >> shift) & 511];

	if (!(*e & _PAGE_PRESENT))
		*e = __pa(alloc_pgtable()) | _KERNPG_TABLE;
	return __va(*e & PTE_PFN_MASK);
}

static void map_large(unsigned long va, phys_addr_t pa, pteval_t prot)
{
	pteval_t *pud = next_table(init_top_pgt, va, PGDIR_SHIFT);
	pteval_t *pmd = next_table(pud, va, PUD_SHIFT);

	pmd[pmd_index(va)] = pa | (prot & __supported_pte_mask);
}

static void map_page(unsigned long va, phys_addr_t pa, pteval_t prot)
{
	pteval_t *pud = next_table(init_top_pgt, va, PGDIR_SHIFT);
	pteval_t *pmd = next_table(pud, va, PUD_SHIFT);
	pteval_t *pte = next_table(pmd, va, PMD_SHIFT);

	pte[pte_index(va)] = pa | (prot & __supported_pte_mask);
}

void paging_init(void)
{
	phys_addr_t ram_end = ALIGN(PFN_PHYS(max_pfn), PMD_SIZE);
	unsigned long image_end_pa = __pa(_end);
	unsigned long pages;

	if (!(rdmsr(MSR_EFER) & EFER_NXE))
		__supported_pte_mask &= ~_PAGE_NX;
	/* PGD, direct-map PUD and PMDs, kernel PUD, PMD and PTE pages. */
	pages = 1 + 1 + (ram_end + (1ul << PUD_SHIFT) - 1) / (1ul << PUD_SHIFT) + 1 + 1 +
		(image_end_pa + PMD_SIZE - 1) / PMD_SIZE;
	pgtable_pool = memblock_phys_alloc(pages * PAGE_SIZE, PAGE_SIZE, PAGE_KIND_PGTABLE, "kernel page tables");
	pgtable_pool_end = pgtable_pool + pages * PAGE_SIZE;
	init_top_pgt = alloc_pgtable();

	for (phys_addr_t pa = 0; pa < ram_end; pa += PMD_SIZE)
		map_large(PAGE_OFFSET + pa, pa, PAGE_KERNEL_LARGE);
	for (unsigned long va = (unsigned long)_text; va < (unsigned long)_end; va += PAGE_SIZE) {
		pteval_t prot = va < (unsigned long)_etext	  ? PAGE_KERNEL_EXEC_RO
				: va < (unsigned long)__end_rodata ? PAGE_KERNEL_RO
								   : PAGE_KERNEL;
		map_page(va, __pa((void *)va), prot);
	}

	/* Turning CR4.PGE on flushes the TLB, then the new tables take over. */
	write_cr(4, read_cr4() | X86_CR4_PGE);
	write_cr(3, __pa(init_top_pgt));
	memblock.current_limit = PFN_PHYS(max_pfn);
	printk("paging: direct map of %lu MiB at %#lx, kernel text RX, rodata R+NX, data RW+NX, %s\n",
	       (unsigned long)(ram_end >> 20), PAGE_OFFSET,
	       (__supported_pte_mask & _PAGE_NX) ? "NX on" : "no NX (CPU lacks XD)");
}

void mm_init(void)
{
	unsigned long present[MAX_NR_ZONES] = { 0 }, freed;
	phys_addr_t map;

	map = memblock_phys_alloc(max_pfn * sizeof(struct page), PAGE_SIZE, PAGE_KIND_KERNEL, "mem_map");
	mem_map = __va(map);
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		struct zone *z = pfn_zone(pfn);

		for (int i = 0; i < memblock.memory.cnt; i++) {
			const struct memblock_region *r = &memblock.memory.regions[i];

			if (PFN_PHYS(pfn) >= r->base && PFN_PHYS(pfn) < r->base + r->size)
				present[z - contig_page_data.node_zones]++;
		}
	}
	free_area_init(present);

	printk("Zone ranges:\n");
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];

		if (z->spanned_pages)
			printk("  %-8s [mem %#018lx-%#018lx]\n", z->name, PFN_PHYS(z->zone_start_pfn),
			       PFN_PHYS(zone_end_pfn(z)) - 1);
		else
			printk("  %-8s empty\n", z->name);
	}
	memblock_dump_reserved();
	freed = memblock_free_all();
	init_per_zone_wmark_min();
	init_reserves();
	sysctl_boot_params();	/* vm.NAME=N: after the defaults, as Linux's sysctl.NAME=N */
	printk("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata)\n",
	       freed << (PAGE_SHIFT - 10), (present[0] + present[1] + present[2]) << (PAGE_SHIFT - 10),
	       (unsigned long)(_etext - _text) >> 10, (unsigned long)(_end - _sdata) >> 10,
	       (unsigned long)(__end_rodata - __start_rodata) >> 10);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];

		if (populated_zone(z))
			printk("zone %-6s present %6lu managed %6lu  min %4lu low %4lu high %4lu\n", z->name,
			       z->present_pages, z->managed_pages, min_wmark_pages(z), low_wmark_pages(z),
			       high_wmark_pages(z));
	}
}
