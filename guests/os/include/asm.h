/*
 * asm.h — x86-64 instructions the kernel needs as C functions: port I/O,
 * control registers, MSRs, CPUID, INVLPG, HLT; and the architectural bits
 * it names (SDM vol. 3 §2.5 control registers, §4.5 paging entries).
 */
#ifndef OS_ASM_H
#define OS_ASM_H

#include "types.h"

#define X86_CR0_WP	(1ul << 16)
#define X86_CR4_PGE	(1ul << 7)
#define MSR_EFER	0xc0000080
#define MSR_STAR	0xc0000081
#define MSR_LSTAR	0xc0000082
#define MSR_SYSCALL_MASK 0xc0000084
#define MSR_FS_BASE	0xc0000100
#define MSR_GS_BASE	0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define EFER_SCE	(1ul << 0)
#define EFER_NXE	(1ul << 11)
#define X86_EFLAGS_IF	(1ul << 9)

static inline void outb(u16 port, u8 v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port)
{
	u8 v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

#define read_cr(n) ({ unsigned long v_; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_)); v_; })
#define write_cr(n, v) __asm__ volatile("mov %0, %%cr" #n : : "r"((unsigned long)(v)) : "memory")
#define read_cr2() read_cr(2)
#define read_cr3() read_cr(3)
#define read_cr4() read_cr(4)

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

static inline void cpuid(u32 leaf, u32 sub, u32 r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

static inline void invlpg(unsigned long va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline void halt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void local_irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void local_irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }

/* isa-debug-exit (port 0xf4): QEMU and mmulab exit with status (code << 1) | 1. */
#define EXIT_POWEROFF	0	/* status 1: normal power-off */
#define EXIT_FAILED	1	/* status 3: a self-test failed */
#define EXIT_PANIC	2	/* status 5: panic() */
#define EXIT_OOPS	3	/* status 7: fatal exception (Oops) */
void machine_exit(u32 code) __attribute__((noreturn));

#endif
