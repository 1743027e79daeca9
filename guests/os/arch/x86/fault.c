/*
 * fault.c — the page-fault handler.  The CPU pushes an error code that
 * says why the access failed (SDM vol. 3 §4.7, figure 4-12) and puts the
 * linear address in CR2:
 *
 *   bit 0 P     0: the entry was not present; 1: a protection violation
 *   bit 1 W/R   the access was a write
 *   bit 2 U/S   the access came from ring 3
 *   bit 3 RSVD  a reserved bit was set in some paging entry
 *   bit 4 I/D   the access was an instruction fetch
 *   bit 5 PK    protection keys
 *
 * The kernel maps all its memory up front, so for now every fault from
 * kernel mode is a bug: it is reported as Linux's page_fault_oops() does,
 * with a software walk of the page tables (dump_pagetable) showing the
 * entry at each level, and the machine stops.  Faults from user mode will
 * be resolved here by kind (demand zero, copy on write) once processes
 * exist.
 */
#include "asm.h"
#include "kernel.h"
#include "pgtable.h"
#include "ptrace.h"

#define X86_PF_PROT	(1ul << 0)
#define X86_PF_WRITE	(1ul << 1)
#define X86_PF_USER	(1ul << 2)
#define X86_PF_RSVD	(1ul << 3)
#define X86_PF_INSTR	(1ul << 4)
#define X86_PF_PK	(1ul << 5)

/* The entries the MMU walked for address, as Linux's dump_pagetable(). */
static void dump_pagetable(unsigned long address)
{
	static const char *const names[4] = { "PGD", "PUD", "PMD", "PTE" };
	static const int shifts[4] = { PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT };
	pteval_t *table = __va(read_cr3() & PTE_PFN_MASK);

	for (int level = 0; level < 4; level++) {
		pteval_t e = table[(address >> shifts[level]) & 511];

		printk("%s %lx ", names[level], e);
		if (!(e & _PAGE_PRESENT) || (level > 0 && (e & _PAGE_PSE)))
			break;
		table = __va(e & PTE_PFN_MASK);
	}
	printk("\n");
}

static void show_fault_oops(unsigned long error_code, unsigned long address)
{
	if (error_code & X86_PF_INSTR) {
		if (error_code & X86_PF_PROT)
			printk("kernel tried to execute NX-protected page - exploit attempt? (uid: 0)\n");
	}
	printk("BUG: unable to handle page fault for address: %016lx\n", address);
	printk("#PF: %s %s in %s mode\n", (error_code & X86_PF_USER) ? "user" : "supervisor",
	       (error_code & X86_PF_INSTR) ? "instruction fetch"
	       : (error_code & X86_PF_WRITE) ? "write access"
					      : "read access",
	       (error_code & X86_PF_USER) ? "user" : "kernel");
	printk("#PF: error_code(0x%04lx) - %s\n", error_code,
	       !(error_code & X86_PF_PROT)   ? "not-present page"
	       : (error_code & X86_PF_RSVD) ? "reserved bit violation"
	       : (error_code & X86_PF_PK)   ? "protection keys violation"
					    : "permissions violation");
	dump_pagetable(address);
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	show_fault_oops(error_code, address);
	printk("Oops: %04lx [#1] SMP\n", error_code);
	oops_end(regs);
}
