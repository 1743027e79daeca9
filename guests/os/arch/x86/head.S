/*
 * head.S — from the Multiboot loader to start_kernel() in the higher half.
 *
 * The loader enters startup_32 in 32-bit protected mode, paging off,
 * EAX = 0x2BADB002, EBX = physical address of the Multiboot information.
 * This code is linked at its physical address (.head.*, see kernel.ld) and:
 *   1. loads a GDT of its own (Linux's layout, segment.h);
 *   2. builds the early page tables: the first GiB mapped with 2 MiB pages
 *      three times over, at 0 (identity, for the next few instructions),
 *      at PAGE_OFFSET (the direct map, so that __va() works at once) and
 *      at __START_KERNEL_map (the kernel image):
 *         early_pml4[0]   -> early_pdpt[0]      -> early_pd
 *         early_pml4[273] -> early_pdpt[0]      (0xffff888000000000)
 *         early_pml4[511] -> early_pdpt_hi[510] -> early_pd  (0xffffffff80000000)
 *   3. enables long mode (SDM vol. 3 §10.8.5): CR4.PAE, CR3, EFER.LME
 *      (+NXE when CPUID has XD, +SCE for SYSCALL), CR0.PG|WP;
 *   4. jumps to the higher half and calls start_kernel(mbi physical address).
 * paging_init() replaces these tables with the real ones soon after.
 */
#include "segment.h"

#define MULTIBOOT_MAGIC		0x1BADB002
/* bit 0: modules page aligned, bit 1: memory map, bit 16: load addresses below */
#define MULTIBOOT_FLAGS		0x00010003
#define KERNEL_MAP		0xffffffff80000000
#define PTE_P_W			0x003
#define PTE_PS			0x080
#define MSR_EFER		0xc0000080
#define EFER_SCE		0x001
#define EFER_LME		0x100
#define EFER_NXE		0x800

	.section .head.text, "ax"
	.code32
	.align	4
multiboot_header:
	.long	MULTIBOOT_MAGIC
	.long	MULTIBOOT_FLAGS
	.long	-(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)
	.long	multiboot_header	/* header_addr */
	.long	_phys_load_start	/* load_addr */
	.long	_phys_load_end		/* load_end_addr */
	.long	_phys_bss_end		/* bss_end_addr */
	.long	startup_32		/* entry_addr */

	.globl	startup_32
startup_32:
	cli
	cld
	movl	%eax, boot_magic
	movl	%ebx, boot_mbi
	lgdt	early_gdt_descr
	ljmp	$__KERNEL32_CS, $1f
1:	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	movl	$early_stack_top, %esp

	/* The early page tables (their page is zero in the image). */
	movl	$(early_pdpt + PTE_P_W), %eax
	movl	%eax, early_pml4
	movl	%eax, early_pml4 + 273 * 8
	movl	$(early_pdpt_hi + PTE_P_W), %eax
	movl	%eax, early_pml4 + 511 * 8
	movl	$(early_pd + PTE_P_W), %eax
	movl	%eax, early_pdpt
	movl	%eax, early_pdpt_hi + 510 * 8
	movl	$early_pd, %edi
	movl	$(PTE_P_W | PTE_PS), %eax
	movl	$512, %ecx
2:	movl	%eax, (%edi)
	addl	$0x200000, %eax
	addl	$8, %edi
	loop	2b

	movl	%cr4, %eax
	orl	$0x20, %eax		/* CR4.PAE */
	movl	%eax, %cr4
	movl	$early_pml4, %eax
	movl	%eax, %cr3

	/* EFER.NXE only when CPUID.80000001H:EDX[20] reports XD. */
	movl	$(EFER_LME | EFER_SCE), %esi
	movl	$0x80000000, %eax
	cpuid
	cmpl	$0x80000001, %eax
	jb	3f
	movl	$0x80000001, %eax
	cpuid
	testl	$(1 << 20), %edx
	jz	3f
	orl	$EFER_NXE, %esi
3:	movl	$MSR_EFER, %ecx
	rdmsr
	orl	%esi, %eax
	wrmsr

	movl	$0x80010033, %eax	/* CR0: PG | WP | NE | ET | MP | PE */
	movl	%eax, %cr0
	ljmp	$__KERNEL_CS, $startup_64_low

	.code64
startup_64_low:
	movabsq	$startup_64, %rax
	jmp	*%rax

	.section .head.data, "aw"
	.align	4096
early_pml4:	.fill	512, 8, 0
early_pdpt:	.fill	512, 8, 0
early_pdpt_hi:	.fill	512, 8, 0
early_pd:	.fill	512, 8, 0
early_stack:	.fill	256, 4, 0
early_stack_top:

	.align	8
	.globl	boot_magic, boot_mbi
boot_magic:	.long	0
boot_mbi:	.long	0
early_gdt:
	.quad	0
	.quad	GDT_KERNEL32_CS_DESC
	.quad	GDT_KERNEL_CS_DESC
	.quad	GDT_KERNEL_DS_DESC
early_gdt_end:
early_gdt_descr:
	.word	early_gdt_end - early_gdt - 1
	.long	early_gdt

	.text
startup_64:
	/* Now in the higher half; the GDT is still the low copy until cpu_init(). */
	movl	$__KERNEL_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs
	leaq	init_stack_top(%rip), %rsp
	xorl	%ebp, %ebp
	movl	boot_mbi, %edi
	call	start_kernel
4:	cli
	hlt
	jmp	4b

	.bss
	.align	4096
	.globl	init_stack, init_stack_top
init_stack:
	.space	16384
init_stack_top:
