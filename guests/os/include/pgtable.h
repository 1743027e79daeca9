/*
 * pgtable.h — x86-64 4-level page tables (SDM vol. 3 §4.5).
 *
 * A 48-bit virtual address is cut into four 9-bit indexes and an offset:
 *
 *   47    39 38    30 29    21 20    12 11         0
 *   [ PGD  ] [ PUD  ] [ PMD  ] [ PTE  ] [ offset   ]
 *
 * CR3 holds the physical address of the PGD (Linux's name for the PML4;
 * with 4 levels P4D folds into it); each entry holds the physical address
 * of the next table, or of the frame itself in a PTE or a large-page PMD
 * (PS = 1, 2 MiB) or PUD (1 GiB).  Entry bits below.
 */
#ifndef OS_PGTABLE_H
#define OS_PGTABLE_H

#include "mm.h"

#define _PAGE_PRESENT	(1ul << 0)
#define _PAGE_RW	(1ul << 1)
#define _PAGE_USER	(1ul << 2)
#define _PAGE_PWT	(1ul << 3)
#define _PAGE_PCD	(1ul << 4)
#define _PAGE_ACCESSED	(1ul << 5)
#define _PAGE_DIRTY	(1ul << 6)
#define _PAGE_PSE	(1ul << 7)	/* large page in a PMD or PUD */
#define _PAGE_GLOBAL	(1ul << 8)	/* survives CR3 writes (CR4.PGE) */
#define _PAGE_NX	(1ul << 63)	/* no execute (EFER.NXE) */
/*
 * With P = 0 the MMU ignores the rest of an entry: G then marks a PTE
 * that mprotect(PROT_NONE) made inaccessible but which keeps its frame
 * (Linux's _PAGE_PROTNONE); other not-present entries hold swap entries
 * (swapops.h).
 */
#define _PAGE_PROTNONE	_PAGE_GLOBAL
#define PTE_PFN_MASK	0x000ffffffffff000ul

#define PGDIR_SHIFT	39
#define PUD_SHIFT	30
#define PMD_SHIFT	21
#define PMD_SIZE	(1ul << PMD_SHIFT)
#define PTRS_PER_TABLE	512

#define pgd_index(va) (((va) >> PGDIR_SHIFT) & 511)
#define pud_index(va) (((va) >> PUD_SHIFT) & 511)
#define pmd_index(va) (((va) >> PMD_SHIFT) & 511)
#define pte_index(va) (((va) >> PAGE_SHIFT) & 511)

typedef u64 pteval_t;

/* Kernel mappings: global, accessed and dirty preset (no A/D writes by the walker). */
#define __PAGE_KERNEL_BASE	(_PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_GLOBAL)
#define PAGE_KERNEL		(__PAGE_KERNEL_BASE | _PAGE_RW | _PAGE_NX)	/* data */
#define PAGE_KERNEL_RO		(__PAGE_KERNEL_BASE | _PAGE_NX)			/* rodata */
#define PAGE_KERNEL_EXEC_RO	(__PAGE_KERNEL_BASE)				/* text */
#define PAGE_KERNEL_LARGE	(PAGE_KERNEL | _PAGE_PSE)			/* direct map */
#define _KERNPG_TABLE		(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

/* Bits the CPU accepts: _PAGE_NX is reserved without EFER.NXE. */
extern pteval_t __supported_pte_mask;

/* The kernel's PGD: its upper half is copied into every address space. */
extern pteval_t *init_top_pgt;

/* A PTE that maps a frame: present, or PROT_NONE. */
static inline bool pte_mapped(pteval_t e)
{
	return e & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

/* mm/init.c */
void paging_init(void);

#endif
