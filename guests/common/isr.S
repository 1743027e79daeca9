/*
 * isr.S — the assembly half of trap handling for mmulab bare-metal guests.
 *
 * isr_stubs holds 256 stubs, 16 bytes apart, one per IDT vector.  Each makes
 * the stack look the same whether or not the CPU pushed an error code
 * (vectors 8, 10-14, 17, 21, 29, 30 push one: SDM vol. 3 §6.3.1 table 6-1)
 * and pushes its vector; trap_common saves the general registers, giving a
 * struct trap_frame, and calls trap_dispatch() in C, which may rewrite the
 * frame to decide where IRETQ resumes.
 *
 * trap_catch is a setjmp for traps: the dispatcher (or a SYSCALL entry, via
 * trap_catch_resume) restores the callee-saved registers, stack and return
 * address recorded here and makes trap_catch return 1 (or 2).
 */
#include "gdt.h"

	.text
	.align	16
	.globl	isr_stubs
isr_stubs:
	.set	vec, 0
	.rept	256
	.align	16
	.if	vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	trap_common
	.set	vec, vec + 1
	.endr

trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	movq	%rsp, %rbx
	andq	$-16, %rsp
	call	trap_dispatch
	movq	%rbx, %rsp
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rbp
	popq	%rdi
	popq	%rsi
	popq	%rdx
	popq	%rcx
	popq	%rbx
	popq	%rax
	addq	$16, %rsp
	iretq

/* int trap_catch(void): see guest.h.  catch_buf layout matches trap.c. */
	.globl	trap_catch
trap_catch:
	movq	%rbx, catch_buf + 0(%rip)
	movq	%rbp, catch_buf + 8(%rip)
	movq	%r12, catch_buf + 16(%rip)
	movq	%r13, catch_buf + 24(%rip)
	movq	%r14, catch_buf + 32(%rip)
	movq	%r15, catch_buf + 40(%rip)
	leaq	8(%rsp), %rax
	movq	%rax, catch_buf + 48(%rip)
	movq	(%rsp), %rax
	movq	%rax, catch_buf + 56(%rip)
	movl	$1, catch_armed(%rip)
	xorl	%eax, %eax
	ret

/*
 * trap_catch_resume: jumped to (not called) at CPL 0 from a SYSCALL entry
 * point; makes the armed trap_catch return 2.  Panics if none is armed.
 */
	.globl	trap_catch_resume
trap_catch_resume:
	cmpl	$0, catch_armed(%rip)
	je	1f
	movl	$0, catch_armed(%rip)
	movw	$SEL_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movq	catch_buf + 0(%rip), %rbx
	movq	catch_buf + 8(%rip), %rbp
	movq	catch_buf + 16(%rip), %r12
	movq	catch_buf + 24(%rip), %r13
	movq	catch_buf + 32(%rip), %r14
	movq	catch_buf + 40(%rip), %r15
	movq	catch_buf + 48(%rip), %rsp
	movl	$2, %eax
	jmp	*catch_buf + 56(%rip)
1:	leaq	kernel_stack_top(%rip), %rsp
	call	catch_resume_unarmed

/* user_iret(rip, rsp, rflags, cs, ss): IRETQ to a (normally outer) level. */
	.globl	user_iret
user_iret:
	pushq	%r8
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rdi
	iretq
