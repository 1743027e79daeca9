/*
 * cpu.c — what each CPU loads for itself: its own GDT (Linux's layout,
 * segment.h) with its own TSS (the stack for entries from ring 3, and IST1
 * for double faults, SDM vol. 3 §8.7), and its per-CPU area in GS base.
 */
#include "asm.h"
#include "kernel.h"
#include "percpu.h"
#include "segment.h"

struct pcpu cpu_data[NR_CPUS];
static char df_stacks[NR_CPUS][4096] __attribute__((aligned(16)));
extern char init_stack_top[];

/* A 16-byte TSS descriptor at gdt[i], gdt[i + 1] (SDM vol. 3 §8.2.3, figure 8-4). */
static void set_tss_desc(u64 *gdt, int i, unsigned long base, u32 limit)
{
	gdt[i] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ul << 40) | ((u64)((limit >> 16) & 0xf) << 48) |
		 (((base >> 24) & 0xff) << 56);
	gdt[i + 1] = base >> 32;
}

_Static_assert(offsetof(struct pcpu, top_of_stack) == PCPU_TOP_OF_STACK, "entry_64.S reads it");
_Static_assert(offsetof(struct pcpu, user_sp) == PCPU_USER_SP, "entry_64.S writes it");

void cpu_init(int cpu)
{
	struct pcpu *p = &cpu_data[cpu];
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) gdtr = { sizeof(p->gdt) - 1, (u64)p->gdt };

	p->self = p;
	p->cpu = cpu;
	p->gdt[0] = 0;
	p->gdt[GDT_ENTRY_KERNEL32_CS] = GDT_KERNEL32_CS_DESC;
	p->gdt[GDT_ENTRY_KERNEL_CS] = GDT_KERNEL_CS_DESC;
	p->gdt[GDT_ENTRY_KERNEL_DS] = GDT_KERNEL_DS_DESC;
	p->gdt[GDT_ENTRY_USER32_CS] = GDT_USER32_CS_DESC;
	p->gdt[GDT_ENTRY_USER_DS] = GDT_USER_DS_DESC;
	p->gdt[GDT_ENTRY_USER_CS] = GDT_USER_CS_DESC;
	p->gdt[7] = 0;
	p->tss.sp0 = (u64)init_stack_top;
	p->tss.ist[0] = (u64)df_stacks[cpu] + sizeof(df_stacks[cpu]);
	p->tss.io_bitmap_base = sizeof(p->tss);	/* no I/O bitmap: ring 3 has no ports */
	set_tss_desc(p->gdt, GDT_ENTRY_TSS, (unsigned long)&p->tss, sizeof(p->tss) - 1);

	__asm__ volatile("lgdt %0" : : "m"(gdtr));
	/* Reload CS with a far return, then the data segments. */
	__asm__ volatile("pushq %0; leaq 1f(%%rip), %%rax; pushq %%rax; lretq; 1:"
			 : : "i"(__KERNEL_CS) : "rax", "memory");
	__asm__ volatile("movl %0, %%ds; movl %0, %%es; movl %0, %%ss" : : "r"(__KERNEL_DS));
	__asm__ volatile("movl %0, %%fs; movl %0, %%gs" : : "r"(0));
	__asm__ volatile("ltr %w0" : : "r"(GDT_ENTRY_TSS_SEL));
	wrmsr(MSR_GS_BASE, (u64)p);
}
