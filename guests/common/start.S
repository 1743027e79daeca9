/*
 * start.S — how every mmulab bare-metal guest gets from the Multiboot loader
 * to 64-bit C code.
 *
 * The loader enters _start in 32-bit protected mode with paging off,
 * EAX = 0x2BADB002 and EBX = the physical address of the Multiboot info
 * (Multiboot v1 spec, "Machine state").  We then:
 *   1. save EAX/EBX, load our own GDT (the loader's is not ours to keep),
 *   2. clear .bss and build identity-mapped page tables for the first GiB
 *      with 2 MiB pages (PML4[0] -> PDPT[0] -> PD, PDE.PS = 1),
 *   3. enable long mode in the order SDM vol. 3 §10.8.5 gives: CR4.PAE,
 *      CR3, EFER.LME (and EFER.NXE when CPUID reports NX), then CR0.PG,
 *   4. far-jump into the 64-bit code segment and call guest_start() in C.
 *
 * All levels of the identity map carry U/S = 1 so that ring-3 tests can run
 * code from the image; SMEP/SMAP stay off so that ring 0 is unaffected.
 */
#include "gdt.h"

#define MB_HEADER_MAGIC	0x1BADB002
#define MB_HEADER_FLAGS	0x00000003	/* bit 0: page-align modules, bit 1: memory info */

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_U		0x004
#define PTE_PS		0x080

#define CR0_BOOT	0x80010031	/* PG | WP | NE | ET | PE */
#define CR4_BOOT	0x00000020	/* PAE */
#define MSR_EFER	0xC0000080
#define EFER_LME	0x100
#define EFER_NXE	0x800

	.section .multiboot, "a"
	.align 4
	.long	MB_HEADER_MAGIC
	.long	MB_HEADER_FLAGS
	.long	-(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

	.section .text.boot, "ax"
	.code32
	.globl	_start
_start:
	cli
	cld
	movl	%eax, mb_magic
	movl	%ebx, mb_info
	lgdt	gdt_pointer
	ljmp	$SEL_KCODE32, $1f
1:	movw	$SEL_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs

	/* Zero .bss: it holds the page tables and the stacks. */
	movl	$__bss_start, %edi
	movl	$__bss_end, %ecx
	subl	%edi, %ecx
	shrl	$2, %ecx
	xorl	%eax, %eax
	rep stosl
	movl	$boot_stack_top, %esp

	/* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] -> i * 2 MiB. */
	movl	$boot_pdpt, %eax
	orl	$(PTE_P | PTE_W | PTE_U), %eax
	movl	%eax, boot_pml4
	movl	$boot_pd, %eax
	orl	$(PTE_P | PTE_W | PTE_U), %eax
	movl	%eax, boot_pdpt
	movl	$boot_pd, %edi
	movl	$(PTE_P | PTE_W | PTE_U | PTE_PS), %eax
	movl	$512, %ecx
2:	movl	%eax, (%edi)
	movl	$0, 4(%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	2b

	movl	$CR4_BOOT, %eax
	movl	%eax, %cr4
	movl	$boot_pml4, %eax
	movl	%eax, %cr3

	/* EFER.NXE only if CPUID.80000001H:EDX[20] says XD exists. */
	xorl	%esi, %esi
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	3f
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 20), %edx
	jz	3f
	movl	$EFER_NXE, %esi
3:	movl	$MSR_EFER, %ecx
	rdmsr
	orl	$EFER_LME, %eax
	orl	%esi, %eax
	wrmsr

	movl	$CR0_BOOT, %eax
	movl	%eax, %cr0
	ljmp	$SEL_KCODE64, $long_entry

	.code64
long_entry:
	movw	$SEL_KDATA, %ax
	movw	%ax, %ds
	movw	%ax, %es
	movw	%ax, %ss
	movw	%ax, %fs
	movw	%ax, %gs
	movq	$boot_stack_top, %rsp
	xorl	%ebp, %ebp
	call	guest_start
4:	cli
	hlt
	jmp	4b

	.data
	.globl	mb_magic, mb_info
	.align	8
mb_magic:	.quad 0
mb_info:	.quad 0

/*
 * The GDT (SDM vol. 3 §3.4.5).  Descriptor bytes: limit 15:0, base 23:0,
 * access (P DPL S type), flags (G D/B L AVL) with limit 19:16, base 31:24.
 * The user selectors are laid out for SYSRET: STAR[63:48] = SEL_UCODE32 so
 * that SYSRET takes SS = STAR[63:48]+8 and 64-bit CS = STAR[63:48]+16.
 */
	.align	16
	.globl	gdt
gdt:
	.quad	0				/* 0x00 null */
	.quad	0x00AF9A000000FFFF		/* 0x08 ring-0 64-bit code */
	.quad	0x00CF92000000FFFF		/* 0x10 ring-0 data */
	.quad	0x00CF9A000000FFFF		/* 0x18 ring-0 32-bit code */
	.quad	0x00CFFA000000FFFF		/* 0x20 ring-3 32-bit code */
	.quad	0x00CFF2000000FFFF		/* 0x28 ring-3 data */
	.quad	0x00AFFA000000FFFF		/* 0x30 ring-3 64-bit code */
	.quad	0, 0				/* 0x38 64-bit TSS, filled by gdt_init() */
	.quad	0x00AF9A000000FFFF		/* 0x48 ring-0 64-bit code (alias) */
	.fill	GDT_ENTRIES - 10, 8, 0		/* 0x50.. free for tests */
gdt_end:

	.align	8
	.globl	gdt_pointer
gdt_pointer:
	.word	gdt_end - gdt - 1
	.quad	gdt

	.bss
	.align	4096
	.globl	boot_pml4, boot_pdpt, boot_pd, boot_stack_top
boot_pml4:	.space 4096
boot_pdpt:	.space 4096
boot_pd:	.space 4096
boot_stack:	.space 16384
boot_stack_top:
