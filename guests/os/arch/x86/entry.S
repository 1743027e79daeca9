/*
 * entry.S — the way into the kernel from the IDT.
 *
 * idt_stubs holds one 16-byte stub per vector.  Each makes every frame
 * look alike — the CPU pushes an error code only for vectors 8, 10-14, 17,
 * 21, 29 and 30 (SDM vol. 3 §6.3.1, table 6-1), the others get a 0 — and
 * pushes its vector; common_entry saves the general registers, giving a
 * struct pt_regs (ptrace.h), and calls do_trap(regs).  Returning from it
 * restores the registers and IRETQ goes back to where the frame says.
 *
 * GS: the kernel's GS base points at its per-CPU area, the user's is 0.
 * An entry from ring 3 (the saved CS has RPL 3) swaps them with SWAPGS
 * (SDM vol. 2, SWAPGS: IA32_KERNEL_GS_BASE <-> GS base), and the way back
 * to ring 3 swaps them again.
 */
#include "calling.h"

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
	testb	$3, 24(%rsp)		/* CS of the frame: from ring 3? */
	jz	1f
	swapgs
1:	PUSH_REGS
	cld
	movq	%rsp, %rdi
	call	do_trap
	.globl	restore_regs_and_return
restore_regs_and_return:
	POP_REGS
	addq	$16, %rsp	/* vector and error code */
	testb	$3, 8(%rsp)		/* back to ring 3? */
	jz	2f
	swapgs
2:	iretq
