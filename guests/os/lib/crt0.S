/*
 * _start: where the kernel enters every mmulab user program.  The stack is
 * Linux's process entry stack (System V x86-64 ABI, "Process Initialization"):
 *
 *   RSP ->  argc                       8 bytes
 *           argv[0] .. argv[argc-1]    pointers to strings
 *           NULL
 *           envp[0] .. envp[n-1]
 *           NULL
 *           auxv: (type, value) pairs  ending with AT_NULL (0, 0)
 *           ... the strings themselves, higher up
 *
 * RSP is 16-byte aligned at entry and RDX may hold a function for atexit
 * (Linux passes 0; mmulab ignores it).  _start hands argc, argv and envp to
 * __libc_start_main (start.c), which never returns; RBP = 0 ends the frame
 * chain for debuggers.
 */
	.section .text.start, "ax"
	.globl _start
	.type _start, @function
_start:
	xor %ebp, %ebp
	mov (%rsp), %rdi		/* argc */
	lea 8(%rsp), %rsi		/* argv */
	lea 8(%rsi,%rdi,8), %rdx	/* envp = argv + argc + 1 */
	and $-16, %rsp			/* the ABI's alignment before a call */
	call __libc_start_main
	hlt				/* not reached: a privileged instruction, so a fault */
	.size _start, . - _start
	.section .note.GNU-stack, "", @progbits
