/*
 * trampoline_64.S — where an application processor starts (Linux's
 * realmode/rm/trampoline_64.S).  The Start-up IPI's vector 08H starts it
 * in real mode at 0800:0000 (SDM vol. 3 §8.4.4.1), that is at physical
 * TRAMPOLINE_BASE = 0x8000, where smpboot.c copied this code.  It:
 *   1. loads the small GDT below (Linux's layout, segment.h) and sets
 *      CR0.PE: 32-bit protected mode;
 *   2. enables long mode as head.S does (SDM vol. 3 §10.8.5): CR4.PAE,
 *      CR3 = tr_cr3 (a PGD below 4 GiB that maps this page at its own
 *      address and the kernel's upper half), EFER = tr_efer (LME, SCE,
 *      NXE), CR0.PG | WP;
 *   3. jumps to 64-bit code and calls tr_entry (start_secondary) on the
 *      stack tr_stack (the CPU's idle task's).
 * The code is position-dependent on TRAMPOLINE_BASE only: every address
 * it uses is TRAMPOLINE_BASE + (label - trampoline_start).  It lives in
 * .rodata: the kernel never runs it where it is linked.
 */
#include "segment.h"

#define TRAMPOLINE_BASE		0x8000
#define TR(label)		(TRAMPOLINE_BASE + (label) - trampoline_start)
#define MSR_EFER		0xc0000080
#define X86_CR4_PAE		0x20
#define CR0_PG_WP_NE_ET_MP_PE	0x80010033

	.section .rodata
	.balign	16
	.globl	trampoline_start, trampoline_end, tr_cr3, tr_efer, tr_stack, tr_entry
	.code16
trampoline_start:
	cli
	cld
	movw	%cs, %ax
	movw	%ax, %ds
	lgdtl	tr_gdt_desc - trampoline_start
	movl	%cr0, %eax
	orl	$1, %eax		/* CR0.PE */
	movl	%eax, %cr0
	ljmpl	$__KERNEL32_CS, $TR(tr_pm32)

	.code32
tr_pm32:
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%cr4, %eax
	orl	$X86_CR4_PAE, %eax
	movl	%eax, %cr4
	movl	TR(tr_cr3), %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	rdmsr
	orl	TR(tr_efer), %eax
	wrmsr
	movl	$CR0_PG_WP_NE_ET_MP_PE, %eax
	movl	%eax, %cr0
	ljmpl	$__KERNEL_CS, $TR(tr_lm64)

	.code64
tr_lm64:
	movq	TR(tr_stack), %rsp
	movq	TR(tr_entry), %rax
	call	*%rax			/* start_secondary() never returns */
1:	hlt
	jmp	1b

	.balign	8
tr_gdt:
	.quad	0
	.quad	GDT_KERNEL32_CS_DESC
	.quad	GDT_KERNEL_CS_DESC
	.quad	GDT_KERNEL_DS_DESC
tr_gdt_desc:
	.word	4 * 8 - 1
	.long	TR(tr_gdt)
	.balign	8
tr_cr3:		.long	0
tr_efer:	.long	0
tr_stack:	.quad	0
tr_entry:	.quad	0
trampoline_end:
