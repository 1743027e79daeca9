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
 * The kernel maps all its memory up front and touches user memory only
 * through mm/uaccess.c, which faults pages in itself, so every fault from
 * kernel mode is a bug: it is reported as Linux's page_fault_oops() does,
 * with a software walk of the page tables (dump_pagetable) showing the
 * entry at each level, and the machine stops.
 *
 * A fault from user mode (do_user_addr_fault, as Linux) looks up the VMA
 * (growing the stack if the address is just below it), checks the access
 * against the VMA's rights (access_error) and lets mm/memory.c resolve it
 * by kind.  A bad access ends the process with SIGSEGV and Linux's line
 * "NAME[PID]: segfault at ADDR ip IP sp SP error N in FILE[START+SIZE]".
 */
#include "asm.h"
#include "initrd.h"
#include "kernel.h"
#include "pgtable.h"
#include "mman.h"
#include "mmap_lock.h"
#include "oom.h"
#include "ptrace.h"
#include "sched.h"

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

/* True when the VMA does not allow the access (Linux's access_error). */
static bool access_error(unsigned long error_code, const struct vm_area_struct *vma)
{
	if (error_code & X86_PF_PK)
		return true;
	if (error_code & X86_PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (error_code & X86_PF_PROT)	/* a present page refused a read or fetch */
		return true;
	if (error_code & X86_PF_INSTR)
		return !(vma->vm_flags & VM_EXEC);
	return !(vma->vm_flags & (VM_READ | VM_WRITE | VM_EXEC));
}

/* The " in FILE[START+SIZE]" of a segfault line, when ip is in a file mapping. */
static void print_vma_addr(unsigned long ip)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	const char *name;

	if (!mm)
		return;
	mmap_read_lock(mm);
	if ((vma = find_vma(mm, ip)) && vma->vm_file) {
		name = vma->vm_file->name;
		for (const char *p = name; *p; p++)
			if (*p == '/')
				name = p + 1;
		printk(" in %s[%lx+%lx]", name, vma->vm_start, vma->vm_end - vma->vm_start);
	}
	mmap_read_unlock(mm);
}

static void bad_area(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	printk("%s[%d]: segfault at %lx ip %016lx sp %016lx error %lx", current->comm, current->pid, address,
	       regs->ip, regs->sp, error_code);
	print_vma_addr(regs->ip);
	printk("\n");
	send_sig(SIGSEGV, current);
}

static void do_user_addr_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned int flags = FAULT_FLAG_USER | FAULT_FLAG_HW;
	int ret;

	/* As Linux: a fault from user mode runs with interrupts on (TLB shootdowns may come). */
	local_irq_enable();
	if (address >= TASK_SIZE || !mm) {
		bad_area(regs, error_code, address);
		return;
	}
	mmap_read_lock(mm);	/* other threads may change the VMAs and page tables */
	if (!(vma = find_extend_vma(mm, address)) || access_error(error_code, vma)) {
		mmap_read_unlock(mm);
		bad_area(regs, error_code, address);
		return;
	}
	if (error_code & X86_PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & X86_PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;
	ret = handle_mm_fault(vma, address, flags);
	mmap_read_unlock(mm);
	if (ret == VM_FAULT_OOM) {
		pagefault_out_of_memory();
	} else if (ret == VM_FAULT_SIGBUS) {
		send_sig(SIGBUS, current);
	} else if (ret == VM_FAULT_SIGSEGV) {
		bad_area(regs, error_code, address);
	}
}

void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	if (error_code & X86_PF_USER) {
		do_user_addr_fault(regs, error_code, address);
		return;
	}
	show_fault_oops(error_code, address);
	printk("Oops: %04lx [#1] SMP\n", error_code);
	oops_end(regs);
}
