/*
 * tests/integration/vizguest.S — a kernel that speaks the frame-ownership
 * protocol of devices/ownership.h and nothing else, for the visualiser's
 * tier: process 7 is named "hog" and owns 16 anonymous frames from frame
 * 800H, the OOM killer picks it (event 81H), it ends killed by SIGKILL
 * (event 80H, wait status 9), then process 8, "ok", exits with code 3
 * (wait status 300H).  Then two TLB shootdowns (event 82H; run it with
 * -smp 4): CPU 0 asks CPUs 1 and 3 to flush 5 pages, and CPU 2 asks CPUs
 * 0, 1 and 3 for a full flush.  Then counters (event 83H): nr_free_pages
 * (id 0) = 12345, pgfault (id 1) = 7 and then 123456789H (a value above
 * 32 bits, and the latest one counts), and id 12, which the protocol does
 * not define.  The kernel leaves through isa-debug-exit
 * with value 0 (status 1).  viz.sh reads the event log, the counters,
 * the legend and the IPI strip from the PNG and expects exactly these.
 */
	.code32
	.text
	.globl _start
_start:
	jmp	1f
	.align	4
	.long	0x1badb002, 0, -0x1badb002
1:	mov	$stack_top, %esp
	mov	$7, %eax
	mov	$name_hog, %esi
	call	comm
	mov	$0x590, %dx		/* PFN */
	mov	$0x800, %eax
	out	%eax, %dx
	mov	$0x598, %dx		/* CMD: 16 frames of kind 4 (anonymous) */
	mov	$(4 | 16 << 8), %eax
	out	%eax, %dx
	mov	$0x81, %eax		/* the OOM killer's victim: PID 7 */
	out	%eax, %dx
	mov	$(0x80 | 9 << 8), %eax	/* PID 7 ends: killed by signal 9 */
	out	%eax, %dx
	mov	$8, %eax
	mov	$name_ok, %esi
	call	comm
	mov	$0x598, %dx
	mov	$(0x80 | 0x300 << 8), %eax	/* PID 8 ends: exit code 3 */
	out	%eax, %dx
	mov	$0b1010, %eax		/* shootdown: targets CPUs 1 and 3 (PFN), */
	mov	$(0 | 5 << 6), %ebx	/* sender CPU 0, 5 pages */
	call	shootdown
	mov	$0b1011, %eax		/* targets CPUs 0, 1 and 3, */
	mov	$(2 | 0x3ffff << 6), %ebx	/* sender CPU 2, full flush */
	call	shootdown
	mov	$12345, %eax		/* counter 0, nr_free_pages: 12345 */
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	call	counter
	mov	$7, %eax		/* counter 1, pgfault: 7, */
	mov	$1, %ecx
	call	counter
	mov	$0x23456789, %eax	/* then 1_2345_6789H */
	mov	$1, %ebx
	call	counter
	mov	$12, %ecx		/* id 12: none, ignored */
	call	counter
	mov	$0xf4, %dx		/* isa-debug-exit: status (0 << 1) | 1 */
	xor	%eax, %eax
	out	%al, %dx
2:	hlt
	jmp	2b

/* PID EAX is named by the bytes at ESI (ending with 0, which is sent too). */
comm:	mov	$0x594, %dx
	out	%eax, %dx
	mov	$0x59c, %dx
3:	lodsb
	out	%al, %dx
	test	%al, %al
	jnz	3b
	ret

/* Event 82H: targets EAX (CPUs 0-31; none above), bits 31:8 of CMD EBX. */
shootdown:
	mov	$0x590, %dx		/* PFN: CPUs 0-31 */
	out	%eax, %dx
	mov	$0x594, %dx		/* PID: CPUs 32-63 */
	xor	%eax, %eax
	out	%eax, %dx
	mov	$0x598, %dx
	mov	%ebx, %eax
	shl	$8, %eax
	or	$0x82, %eax
	out	%eax, %dx
	ret

/* Event 83H: counter ECX is EBX:EAX (high:low). */
counter:
	mov	$0x590, %dx		/* PFN: the low half */
	out	%eax, %dx
	mov	$0x594, %dx		/* PID: the high half */
	mov	%ebx, %eax
	out	%eax, %dx
	mov	$0x598, %dx
	mov	%ecx, %eax
	shl	$8, %eax
	or	$0x83, %eax
	out	%eax, %dx
	ret

	.data
name_hog: .asciz "hog"
name_ok: .asciz "ok"
	.bss
	.align	16
	.space	4096
stack_top:
