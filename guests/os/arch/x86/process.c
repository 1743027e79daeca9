/*
 * process.c — the architecture's part of tasks: the SYSCALL MSRs, a new
 * task's first kernel stack, and the switch from one task to the next
 * (address space in CR3, kernel stack in TSS.RSP0 and for the SYSCALL
 * entry, then the registers, __switch_to_asm in entry_64.S).
 */
#include "asm.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"
#include "segment.h"

void __switch_to_asm(unsigned long *prev_sp, unsigned long next_sp);
void entry_SYSCALL_64(void);
void ret_from_fork(void);

/*
 * SDM vol. 2 SYSCALL/SYSRET, vol. 3 §5.8.8: EFER.SCE enables them; STAR
 * holds the selectors (kernel CS at 47:32, SS = +8; SYSRET to 64-bit
 * loads CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8), LSTAR the
 * entry, FMASK the RFLAGS bits cleared on entry (IF, TF, DF, AC, as Linux).
 */
void syscall_init(void)
{
	wrmsr(MSR_STAR, ((u64)__USER32_CS << 48) | ((u64)__KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_SYSCALL_MASK, X86_EFLAGS_IF | (1ul << 8) | (1ul << 10) | (1ul << 18));
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void copy_thread(struct task_struct *p, const struct pt_regs *regs)
{
	struct pt_regs *childregs = task_pt_regs(p);
	unsigned long *sp = (unsigned long *)childregs;

	*childregs = *regs;
	*--sp = (unsigned long)ret_from_fork;
	for (int i = 0; i < 6; i++)	/* rbp, rbx, r12-r15 for __switch_to_asm */
		*--sp = 0;
	p->sp = (unsigned long)sp;
}

void switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct pcpu *cpu = this_cpu();
	unsigned long cr3 = __pa(next->mm ? next->mm->pgd : init_top_pgt);

	/* A MOV to CR3 drops every non-global TLB entry (SDM vol. 3 §4.10.4.1). */
	if ((read_cr3() & PTE_PFN_MASK) != cr3) {
		write_cr(3, cr3);
		vmstat.tlb_local_flush_all++;
	}
	if (next->stack) {
		cpu->top_of_stack = (unsigned long)next->stack + THREAD_SIZE;
		cpu->tss.sp0 = cpu->top_of_stack;
	}
	cpu->current_task = next;
	__switch_to_asm(&prev->sp, next->sp);
}
