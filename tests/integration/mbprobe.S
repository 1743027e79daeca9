/*
 * tests/integration/mbprobe.S — a probe kernel that prints, on COM1, every
 * value a Multiboot v1 loader hands over: EAX, EBX, the 88-byte information
 * structure, the memory map, the command line, the loader name and each
 * module (addresses, command line, first word), then exits through
 * isa-debug-exit with value 0x21 (status 67).  Booted under mmulab and
 * under QEMU with the same arguments, the two outputs must be identical.
 * 32-bit code, assembled in a 64-bit object and converted to ELF32 like
 * the guests.
 */
	.code32
	.text
	.globl _start
_start:
	jmp	start2
	.align	4
	.long	0x1badb002, 3, -(0x1badb002 + 3)	/* page-align, meminfo */
start2:
	mov	$stack_top, %esp
	mov	%ebx, %ebp		/* EBP: the information structure */
	call	hex32			/* EAX: the boot loader magic */
	mov	%ebp, %eax
	call	hex32
	call	newline
	xor	%esi, %esi		/* the 22 words of the structure */
1:	mov	(%ebp,%esi,4), %eax
	call	hex32
	inc	%esi
	cmp	$22, %esi
	jne	1b
	call	newline
	mov	48(%ebp), %edi		/* mmap_addr */
	mov	44(%ebp), %ecx		/* mmap_length */
	add	%edi, %ecx
2:	cmp	%ecx, %edi
	jae	3f
	xor	%esi, %esi
4:	mov	(%edi,%esi,4), %eax	/* size, base lo/hi, length lo/hi, type */
	call	hex32
	inc	%esi
	cmp	$6, %esi
	jne	4b
	call	newline
	add	(%edi), %edi
	add	$4, %edi
	jmp	2b
3:	mov	16(%ebp), %edi		/* cmdline */
	call	puts
	mov	64(%ebp), %edi		/* boot_loader_name */
	call	puts
	mov	24(%ebp), %ebx		/* mods_addr */
	mov	20(%ebp), %ecx		/* mods_count */
5:	test	%ecx, %ecx
	jz	6f
	mov	(%ebx), %eax
	call	hex32
	mov	4(%ebx), %eax
	call	hex32
	mov	8(%ebx), %eax
	call	hex32
	mov	(%ebx), %eax
	mov	(%eax), %eax
	call	hex32
	mov	8(%ebx), %edi
	call	puts
	add	$16, %ebx
	dec	%ecx
	jmp	5b
6:	mov	$0xf4, %dx
	mov	$0x21, %eax
	out	%eax, %dx
	cli
	hlt

/* putc(AL) on COM1. */
putc:
	push	%edx
	mov	$0x3f8, %dx
	out	%al, %dx
	pop	%edx
	ret

newline:
	mov	$'\n', %al
	jmp	putc

/* EAX as 8 hex digits and a space; preserves everything but EAX. */
hex32:
	push	%ecx
	push	%edx
	mov	%eax, %edx
	mov	$8, %ecx
7:	rol	$4, %edx
	mov	%edx, %eax
	and	$15, %eax
	mov	digits(%eax), %al
	call	putc
	loop	7b
	mov	$' ', %al
	call	putc
	pop	%edx
	pop	%ecx
	ret

/* The NUL-terminated string at EDI between brackets, then a newline. */
puts:
	mov	$'[', %al
	call	putc
8:	mov	(%edi), %al
	test	%al, %al
	jz	9f
	call	putc
	inc	%edi
	jmp	8b
9:	mov	$']', %al
	call	putc
	jmp	newline

digits:	.ascii	"0123456789abcdef"

	.bss
	.align	16
	.space	4096
stack_top:
