/*
 * entry.S — the way into the kernel from the IDT.
 *
 * idt_stubs holds one 16-byte stub per vector.  Each makes every frame
 * look alike — the CPU pushes an error code only for vectors 8, 10-14, 17,
 * 21, 29 and 30 (SDM vol. 3 §6.3.1, table 6-1), the others get a 0 — and
 * pushes its vector; common_entry saves the general registers, giving a
 * struct pt_regs (ptrace.h), and calls do_trap(regs).  Returning from it
 * restores the registers and IRETQ goes back to where the frame says.
 */
	.text
	.align	16
	.globl	idt_stubs
idt_stubs:
	.set	vec, 0
	.rept	256
	.align	16
	.if	vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
	.else
	pushq	$0
	.endif
	pushq	$vec
	jmp	common_entry
	.set	vec, vec + 1
	.endr

common_entry:
	pushq	%rdi
	pushq	%rsi
	pushq	%rdx
	pushq	%rcx
	pushq	%rax
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%rbx
	pushq	%rbp
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	cld
	movq	%rsp, %rdi
	call	do_trap
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	popq	%r11
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	popq	%rcx
	popq	%rdx
	popq	%rsi
	popq	%rdi
	addq	$16, %rsp	/* vector and error code */
	iretq
