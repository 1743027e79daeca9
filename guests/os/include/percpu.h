/*
 * percpu.h — data each CPU has its own copy of.  A CPU finds its copy
 * through the GS base register (MSR_GS_BASE, set by cpu_init()): the first
 * word of struct pcpu points to itself, so this_cpu() is one load from
 * %gs:0.  cpu_data[] holds NR_CPUS copies; the bootstrap processor is CPU 0,
 * the others are numbered in the order the ACPI MADT lists them
 * (arch/x86/smpboot.c).
 */
#ifndef OS_PERCPU_H
#define OS_PERCPU_H

/* Offsets the SYSCALL entry reads with %gs: (entry_64.S); checked in cpu.c. */
#define PCPU_TOP_OF_STACK	24
#define PCPU_USER_SP		32

#ifndef __ASSEMBLER__
#include "types.h"

#define NR_CPUS 64

struct tss_struct {
	u32 reserved0;
	u64 sp0, sp1, sp2;	/* stacks for entries from ring 3 (sp0) */
	u64 reserved1;
	u64 ist[7];		/* interrupt stack table: IST1 for #DF */
	u64 reserved2;
	u16 reserved3, io_bitmap_base;
} __attribute__((packed));

struct task_struct;

struct pcpu {
	struct pcpu *self;	/* %gs:0 */
	int cpu;		/* smp_processor_id() */
	struct task_struct *current_task;	/* current (sched.h) */
	unsigned long top_of_stack;	/* current's kernel stack top: where SYSCALL switches to */
	unsigned long user_sp;		/* user RSP while the SYSCALL entry switches stacks */
	u32 apicid;			/* its local APIC's ID (the MADT's) */
	struct task_struct *idle;	/* swapper/N: runs when nothing else can */
	u64 gdt[10] __attribute__((aligned(16)));
	struct tss_struct tss __attribute__((aligned(16)));
};

extern struct pcpu cpu_data[NR_CPUS];

static inline struct pcpu *this_cpu(void)
{
	struct pcpu *p;

	__asm__ volatile("movq %%gs:0, %0" : "=r"(p));
	return p;
}

static inline int smp_processor_id(void)
{
	return this_cpu()->cpu;
}

/* arch/x86/cpu.c: GDT, TSS, GS base, control registers of CPU `cpu`; call on that CPU. */
void cpu_init(int cpu);

#endif /* __ASSEMBLER__ */
#endif
