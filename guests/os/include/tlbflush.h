/*
 * tlbflush.h — the face of arch/x86/tlb.c: switching address spaces with
 * PCIDs, and flushing TLB entries on every CPU that may hold them (Linux's
 * asm/tlbflush.h names).
 *
 * Whoever changes a present PTE of a user address space — removes it,
 * takes a right away, points it at another frame — calls one of the flush
 * functions after the change and before the old frame (or page table) is
 * freed or reused: they return once every CPU that could use the old
 * translation has dropped it.  Going from not present to present needs no
 * flush (the TLB never caches a not-present entry, SDM vol. 3 §4.10.2.3).
 * Call them with interrupts on and holding no lock taken with interrupts
 * off: they may wait for other CPUs to answer an IPI.
 *
 *   flush_tlb_page(vma, addr)          one page
 *   flush_tlb_range(vma, start, end)   pages [start, end): INVLPG each, or
 *                                      everything above 33 pages
 *   flush_tlb_mm(mm)                   every user translation of mm
 *   flush_tlb_fault_page(vma, addr)    one page after a fault this CPU took
 *                                      on it: its own TLB dropped the entry
 *                                      already (§4.10.4.1), the others flush
 *   flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables)
 *                                      the general form; freed_tables also
 *                                      makes lazy CPUs let go of the mm
 *                                      (page-table pages are about to go)
 *
 * Batched unmapping (free frames only after the flush) is in tlb.h.
 */
#ifndef OS_TLBFLUSH_H
#define OS_TLBFLUSH_H

#include "mm_types.h"
#include "types.h"

#define TLB_FLUSH_ALL		(~0ul)
#define TLB_NR_DYN_ASIDS	6	/* PCID slots per CPU, as Linux */
extern unsigned long tlb_single_page_flush_ceiling;	/* 33 */

extern struct mm_struct init_mm;	/* the kernel's own tables (init_top_pgt) */

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end, unsigned int stride_shift,
			bool freed_tables);
void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr);
void flush_tlb_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
void flush_tlb_mm(struct mm_struct *mm);
void flush_tlb_fault_page(struct vm_area_struct *vma, unsigned long addr);

/* Context switches (kernel/sched.c), interrupts off. */
/* Loads next's page tables on this CPU: a PCID slot it still has, or a new one. */
void switch_mm_irqs_off(struct mm_struct *next);
/* Loads mm here for current, which just got it (execve). */
void activate_mm(struct mm_struct *mm);
/* A kernel thread runs: keep whatever is loaded, but stop taking its flushes. */
void enter_lazy_tlb(void);
/* Loads init_mm here (exit, and a lazy CPU told that the tables go). */
void leave_mm(void);

/* A new address space's context: a fresh ctx_id, generation 1, no CPUs. */
void init_new_context(struct mm_struct *mm);
/* CR4.PCIDE on this CPU when CPUID has PCID; boot messages on the boot CPU. */
void tlb_cpu_init(void);
/*
 * Boot: init_mm, this CPU's PCID, the command line's tlb.skip_shootdown=N
 * (the Nth shootdown that would interrupt a CPU running the mm is not sent:
 * a bug on purpose, for tlbstale).
 */
void tlb_init(void);

/* Counters of arch/x86/tlb.c, summed over CPUs (/proc/vmstat). */
struct tlb_stat {
	unsigned long remote_flush;		/* nr_tlb_remote_flush: flushes that needed other CPUs */
	unsigned long remote_flush_received;	/* nr_tlb_remote_flush_received */
	unsigned long shootdown_ipi;		/* nr_tlb_shootdown_ipi: IPIs those sent */
	unsigned long local_flush_one;		/* nr_tlb_local_flush_one */
	unsigned long local_flush_all;		/* nr_tlb_local_flush_all */
	unsigned long cr3_noflush;		/* nr_tlb_cr3_noflush: CR3 writes keeping the PCID's entries */
	unsigned long cr3_flush;		/* nr_tlb_cr3_flush: CR3 writes that flush */
	unsigned long asid_recycle;		/* nr_tlb_asid_recycle: a PCID slot given to another mm */
	unsigned long deferred_flush;		/* nr_tlb_deferred_flush: a switch caught up with a missed flush */
	unsigned long invpcid;			/* nr_tlb_invpcid: INVPCIDs of another PCID's entries */
	unsigned long skipped_shootdown;	/* nr_tlb_skipped_shootdown: tlb.skip_shootdown */
};
void tlb_stat_sum(struct tlb_stat *sum);

#endif
