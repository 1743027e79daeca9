/*
 * ptrace.h — struct pt_regs, the registers saved on entry to the kernel
 * (an exception, an interrupt, later a system call), in the order
 * arch/x86/entry.S pushes them; the last five are what the CPU pushed
 * (SDM vol. 3 §6.14.2, figure 6-9).
 */
#ifndef OS_PTRACE_H
#define OS_PTRACE_H

#include "types.h"

struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx;
	unsigned long r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
	unsigned long vector;		/* which IDT entry */
	unsigned long error_code;	/* the CPU's, or 0 */
	unsigned long ip, cs, flags, sp, ss;
};

static inline bool user_mode(const struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

/* arch/x86/traps.c */
void trap_init(void);
/* Prints the registers as Linux's __show_regs(). */
void show_regs(const struct pt_regs *regs);
/* Ends an Oops: "Kernel panic - not syncing: Fatal exception" and exit. */
void oops_end(const struct pt_regs *regs) __attribute__((noreturn));
/* arch/x86/fault.c */
void do_page_fault(struct pt_regs *regs, unsigned long error_code, unsigned long address);

#endif
