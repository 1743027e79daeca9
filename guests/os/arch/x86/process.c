/*
 * process.c — the architecture's part of tasks: the SYSCALL MSRs, a new
 * task's first kernel stack, and the switch from one task to the next
 * (kernel stack in TSS.RSP0 and for the SYSCALL entry, FS base, then the
 * registers, __switch_to_asm in entry_64.S; the address space is switched
 * before, by arch/x86/tlb.c).
 */
#include "asm.h"
#include "errno.h"
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

/* The first code of a kernel thread: its function, then exit (never back to a user mode it has not got). */
static void kthread_entry(void)
{
	struct task_struct *p = current;

	schedule_tail();	/* the switch that brought it here (kernel/sched.c) */
	local_irq_enable();
	do_exit(p->kthread_fn(p->kthread_arg) << 8);
}

void copy_thread_kernel(struct task_struct *p)
{
	unsigned long *sp = (unsigned long *)((char *)p->stack + THREAD_SIZE);

	*--sp = 0;	/* kthread_entry starts as if called: RSP + 8 16-byte aligned */
	*--sp = (unsigned long)kthread_entry;
	for (int i = 0; i < 6; i++)	/* rbp, rbx, r12-r15 for __switch_to_asm */
		*--sp = 0;
	p->sp = (unsigned long)sp;
}

static unsigned long loaded_fsbase[NR_CPUS];	/* what each CPU's MSR_FS_BASE holds */

void load_fsbase(unsigned long base)
{
	wrmsr(MSR_FS_BASE, base);
	loaded_fsbase[smp_processor_id()] = base;
}

void switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct pcpu *cpu = this_cpu();

	if (next->stack) {
		cpu->top_of_stack = (unsigned long)next->stack + THREAD_SIZE;
		cpu->tss.sp0 = cpu->top_of_stack;
	}
	/* FS base: the thread's TLS pointer (arch_prctl, CLONE_SETTLS); 0 for most. */
	if (next->mm && next->fsbase != loaded_fsbase[cpu->cpu]) {
		wrmsr(MSR_FS_BASE, next->fsbase);
		loaded_fsbase[cpu->cpu] = next->fsbase;
	}
	cpu->current_task = next;
	__switch_to_asm(&prev->sp, next->sp);
}

#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003

/* arch_prctl(code, addr): the FS base (a thread's TLS pointer). */
long sys_arch_prctl(struct pt_regs *regs)
{
	switch (regs->rdi) {
	case ARCH_SET_FS:
		if (regs->rsi >= TASK_SIZE)
			return -EPERM;
		current->fsbase = regs->rsi;
		load_fsbase(regs->rsi);
		return 0;
	case ARCH_GET_FS:
		return copy_to_user((void *)regs->rsi, &current->fsbase, sizeof(current->fsbase)) ? -EFAULT : 0;
	default:
		return -EINVAL;
	}
}
