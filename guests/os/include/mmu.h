/*
 * mmu.h — what an address space carries for the TLB code
 * (arch/x86/tlb.c), Linux's mm_context_t: a context id that no other
 * address space will ever have (PCID slots remember it, so a slot can
 * never be mistaken for a later mm at the same address), and the TLB
 * generation: a counter bumped by every change of its page tables that
 * needs a flush.  Each CPU remembers, per PCID slot, the generation its
 * TLB has caught up with; a CPU behind the mm's generation must flush
 * before it uses the slot again.
 */
#ifndef OS_MMU_H
#define OS_MMU_H

#include "smp.h"
#include "types.h"

typedef struct {
	u64 ctx_id;	/* unique, never reused; 0 is init_mm's */
	u64 tlb_gen;	/* starts at 1; atomic */
} mm_context_t;

#endif
