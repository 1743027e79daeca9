/*
 * paging.c — helpers over the 4-level page tables built by start.S.
 *
 * A 48-bit linear address splits as (SDM vol. 3 §4.5.4, figure 4-8):
 *   bits 47:39 index the PML4, 38:30 the PDPT, 29:21 the page directory,
 *   20:12 the page table, 11:0 are the offset in a 4 KiB page.
 * A PDPTE or PDE with PS = 1 maps a 1 GiB or 2 MiB page and ends the walk.
 * Tables live in the identity-mapped first GiB, so a physical address from
 * an entry is also a pointer.  New tables come from a small static pool.
 */
#include "guest.h"

#define POOL_PAGES 16
static uint64_t pool[POOL_PAGES][512] __attribute__((aligned(4096)));
static int pool_used;

static uint64_t *table_at(uint64_t entry)
{
	return (uint64_t *)(entry & PTE_ADDR);
}

static uint64_t *new_table(void)
{
	if (pool_used == POOL_PAGES)
		panic("paging: page-table pool exhausted");
	return pool[pool_used++];
}

static unsigned idx(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

uint64_t *pte_lookup(uint64_t va, int *level)
{
	uint64_t *table = boot_pml4;

	for (int l = 4; l >= 1; l--) {
		uint64_t *e = &table[idx(va, l)];

		if (!(*e & PTE_P))
			return NULL;
		if (l == 1 || ((l == 2 || l == 3) && (*e & PTE_PS))) {
			if (level)
				*level = l;
			return e;
		}
		table = table_at(*e);
	}
	return NULL;
}

uint64_t *pte_split(uint64_t va)
{
	int level;
	uint64_t *e = pte_lookup(va, &level);

	if (!e)
		panic("pte_split: %#lx is not mapped", va);
	if (level == 3)
		panic("pte_split: %#lx is in a 1 GiB page", va);
	if (level == 2) {
		/* Same attributes on each 4 KiB page; PAT moves from bit 12 to 7. */
		uint64_t *pt = new_table();
		uint64_t base = *e & 0x000FFFFFFFE00000ul;
		uint64_t attr = *e & ~0x000FFFFFFFE00000ul & ~(PTE_PS | (1ul << 12));

		for (int i = 0; i < 512; i++)
			pt[i] = (base + ((uint64_t)i << 12)) | attr;
		*e = (uint64_t)pt | PTE_P | PTE_W | PTE_U;
		/* A 2 MiB translation may be cached: drop it (SDM vol. 3 §4.10.4.1). */
		invlpg(va & ~0x1FFFFFul);
		e = pte_lookup(va, &level);
	}
	return e;
}

uint64_t *pte_entry(uint64_t va, int level)
{
	uint64_t *table = boot_pml4;

	for (int l = 4; l > level; l--) {
		uint64_t *e = &table[idx(va, l)];

		if (!(*e & PTE_P))
			*e = (uint64_t)new_table() | PTE_P | PTE_W | PTE_U;
		else if (*e & PTE_PS) {
			if (l != 2 || level != 1)
				panic("pte_entry: %#lx is inside a large page", va);
			return pte_split(va);
		}
		table = table_at(*e);
	}
	return &table[idx(va, level)];
}

uint64_t *map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t *pte = pte_entry(va, 1);

	*pte = (pa & PTE_ADDR) | flags;
	invlpg(va);
	return pte;
}
