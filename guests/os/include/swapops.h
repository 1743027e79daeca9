/*
 * swapops.h — swap entries (Linux's <linux/swapops.h> and x86-64's
 * <asm/pgtable_64.h>).  A swap entry names a slot: the swap area (type)
 * and the slot in it (offset).  Kept in a PTE whose P bit is 0, it says
 * where the page went; the MMU ignores every other bit of such an entry
 * (SDM vol. 3 §4.5, "if P = 0 ... the other bits are ignored"), so the
 * kernel may use them.  The x86-64 layout, as Linux's:
 *
 *   63    59 58                              9  8  7  6  5  4  3  2  1  0
 *   [ type ] [ ~offset (inverted)            ]  0  0  .  .  .  .  .  .  0
 *
 * P (0) is clear; G (8), which marks a PROT_NONE entry when P is clear,
 * and PSE (7) are clear too; the offset is stored inverted so that the
 * frame-number bits of a not-present entry point above any real memory
 * (Linux's L1TF mitigation: a CPU that speculates through it finds
 * nothing).  Inside the kernel an entry is swp_entry_t: type in the top 5
 * bits, offset below.
 */
#ifndef OS_SWAPOPS_H
#define OS_SWAPOPS_H

#include "pgtable.h"

typedef struct {
	unsigned long val;
} swp_entry_t;

#define MAX_SWAPFILES_SHIFT	5
#define SWP_TYPE_BITS		5
#define SWP_OFFSET_FIRST_BIT	9	/* above _PAGE_PROTNONE (bit 8) */
#define SWP_OFFSET_SHIFT	(SWP_OFFSET_FIRST_BIT + SWP_TYPE_BITS)

static inline swp_entry_t swp_entry(unsigned long type, unsigned long offset)
{
	return (swp_entry_t){ (type << (64 - MAX_SWAPFILES_SHIFT)) | offset };
}

static inline unsigned long swp_type(swp_entry_t e)
{
	return e.val >> (64 - MAX_SWAPFILES_SHIFT);
}

static inline unsigned long swp_offset(swp_entry_t e)
{
	return e.val & ((1ul << (64 - MAX_SWAPFILES_SHIFT)) - 1);
}

/* Linux's __swp_entry_to_pte: ~offset in bits 9-58, type in 59-63. */
static inline pteval_t swp_entry_to_pte(swp_entry_t e)
{
	return (~swp_offset(e) << SWP_OFFSET_SHIFT >> SWP_TYPE_BITS) | (swp_type(e) << (64 - SWP_TYPE_BITS));
}

static inline swp_entry_t pte_to_swp_entry(pteval_t pte)
{
	return swp_entry(pte >> (64 - SWP_TYPE_BITS), ~pte << SWP_TYPE_BITS >> SWP_OFFSET_SHIFT);
}

/* Neither empty, nor present, nor PROT_NONE: a swap entry. */
static inline bool is_swap_pte(pteval_t pte)
{
	return pte && !(pte & (_PAGE_PRESENT | _PAGE_PROTNONE));
}

#endif
