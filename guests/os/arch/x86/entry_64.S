/*
 * entry_64.S — the SYSCALL entry, the first return of a new task, and the
 * kernel-stack switch between tasks.
 *
 * SYSCALL (SDM vol. 2, SYSCALL) jumps to IA32_LSTAR in ring 0 with the
 * user RIP in RCX and RFLAGS in R11, RFLAGS masked by IA32_FMASK (IF, TF,
 * DF, AC off), and leaves RSP alone: the entry swaps GS to reach the
 * per-CPU area, saves the user RSP there, loads the task's kernel stack
 * top and builds the same struct pt_regs an interrupt from ring 3 would
 * (vector -1: a system call), so that fork, execve and the scheduler see
 * one layout.  SYSRET returns with RIP = RCX, RFLAGS = R11, CS/SS from
 * IA32_STAR[63:48] (segment.h); the kernel only ever puts canonical user
 * addresses in regs->ip (SYSRET with a non-canonical RCX would fault in
 * ring 0).
 */
#include "calling.h"
#include "percpu.h"
#include "segment.h"

	.text
	.globl	entry_SYSCALL_64
entry_SYSCALL_64:
	swapgs
	movq	%rsp, %gs:PCPU_USER_SP
	movq	%gs:PCPU_TOP_OF_STACK, %rsp
	pushq	$__USER_DS		/* ss */
	pushq	%gs:PCPU_USER_SP	/* sp */
	pushq	%r11			/* flags */
	pushq	$__USER_CS		/* cs */
	pushq	%rcx			/* ip */
	pushq	$0			/* error code */
	pushq	$-1			/* vector: a system call */
	PUSH_REGS
	cld
	movq	%rsp, %rdi
	call	do_syscall_64
	POP_REGS
	movq	16(%rsp), %rcx		/* ip */
	movq	32(%rsp), %r11		/* flags */
	movq	40(%rsp), %rsp		/* sp */
	swapgs
	sysretq

/*
 * A new task's first switch_to returns here (copy_thread put the address
 * on its stack): it finishes the switch (schedule_tail releases the run
 * queue, kernel/sched.c) and leaves through the interrupt return path,
 * with the pt_regs at the top of its stack.
 */
	.globl	ret_from_fork
ret_from_fork:
	call	schedule_tail
	jmp	restore_regs_and_return

/*
 * void __switch_to_asm(unsigned long *prev_sp, unsigned long next_sp):
 * saves the callee-saved registers on prev's stack and its RSP in
 * *prev_sp, then takes next's stack and returns where next last called
 * this (or into ret_from_fork).
 */
	.globl	__switch_to_asm
__switch_to_asm:
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%rsp, (%rdi)
	movq	%rsi, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp
	ret
