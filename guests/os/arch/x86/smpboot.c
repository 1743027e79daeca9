/*
 * smpboot.c — starting the other CPUs (Linux's arch/x86/kernel/smpboot.c).
 *
 * The boot CPU (CPU 0) reads the local APIC IDs of the enabled processors
 * from the ACPI MADT (acpi.c); every other one is an application processor
 * (AP), waiting for a Start-up IPI.  For each, in the MADT's order, it:
 *   - makes the AP's idle task (swapper/N) and its kernel stack;
 *   - writes the trampoline's parameters: the page tables to start with,
 *     EFER, the stack, the entry point start_secondary();
 *   - sends INIT (assert, de-assert), then a Start-up IPI with vector 08H
 *     (the trampoline at 0x8000), a second one if the AP has not answered
 *     (SDM vol. 3 §8.4.4.1, "typical AP initialization sequence"), and
 *     waits until the AP sets its bit in cpu_online_mask.
 * The AP loads the kernel's own page tables, its GDT, TSS and GS base, the
 * IDT, CR4 (PGE, PCIDE), the SYSCALL MSRs and its APIC with the timer, and
 * goes idle.  CPUs are numbered in MADT order, the boot CPU 0.
 *
 * The start-up page tables map the trampoline's 2 MiB at their physical
 * address (executable: the first instructions with paging on run there)
 * and share the kernel's upper half; they sit below 4 GiB because the AP
 * loads CR3 in 32-bit mode.  They are freed once every AP is up.
 */
#include "asm.h"
#include "kernel.h"
#include "mm.h"
#include "pgtable.h"
#include "sched.h"
#include "smp.h"
#include "tlbflush.h"

#define TRAMPOLINE_BASE	0x8000ul
#define X86_CR4_PAE	(1ul << 5)

extern char trampoline_start[], trampoline_end[], tr_cr3[], tr_efer[], tr_stack[], tr_entry[];
int acpi_parse_madt(u32 *apicids, int max);
void load_idt(void);
void smp_call_init(void);
struct task_struct *fork_idle(int cpu);

int nr_cpu_ids = 1;
cpumask_t cpu_online_mask;
static volatile int booting_cpu;

/* A trampoline parameter: its copy at TRAMPOLINE_BASE. */
static void *tr_field(char *sym)
{
	return __va(TRAMPOLINE_BASE + (unsigned long)(sym - trampoline_start));
}

static u64 rdtsc(void)
{
	u32 lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* Spins for about us microseconds (the TSC counts 1 GHz on mmulab). */
static void udelay(unsigned long us)
{
	u64 start = rdtsc();

	while (rdtsc() - start < us * 1000)
		cpu_relax();
}

/* The AP's first C code, on its idle task's stack. */
static void __attribute__((noreturn)) start_secondary(void)
{
	int cpu = booting_cpu;

	cpu_init(cpu);
	load_idt();
	write_cr(3, __pa(init_top_pgt));	/* off the start-up tables */
	write_cr(4, read_cr4() | X86_CR4_PGE);
	tlb_cpu_init();
	syscall_init();
	setup_local_APIC();
	cpumask_set_cpu(cpu, &cpu_online_mask);
	cpu_idle();
}

/* PGD (upper half shared) -> PUD -> PMD mapping 0-2 MiB at 0, executable. */
static pteval_t *trampoline_pgd_alloc(void)
{
	pteval_t *pgd = (pteval_t *)get_zeroed_page(GFP_KERNEL), *pud = (pteval_t *)get_zeroed_page(GFP_KERNEL),
		 *pmd = (pteval_t *)get_zeroed_page(GFP_KERNEL);

	if (!pgd || !pud || !pmd || __pa(pgd) >= (1ul << 32))
		panic("smpboot: no page below 4 GiB for the start-up page tables");
	memcpy(pgd + 256, init_top_pgt + 256, 256 * sizeof(*pgd));
	pgd[0] = __pa(pud) | _KERNPG_TABLE;
	pud[0] = __pa(pmd) | _KERNPG_TABLE;
	pmd[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PSE;
	return pgd;
}

static void trampoline_pgd_free(pteval_t *pgd)
{
	pteval_t *pud = __va(pgd[0] & PTE_PFN_MASK);

	free_page((unsigned long)__va(pud[0] & PTE_PFN_MASK));
	free_page((unsigned long)pud);
	free_page((unsigned long)pgd);
}

/* INIT-SIPI-SIPI to cpu; true once it is online. */
static bool do_boot_cpu(int cpu, u32 apicid)
{
	struct task_struct *idle = fork_idle(cpu);

	if (!idle)
		return false;
	cpu_data[cpu].apicid = apicid;
	*(u64 *)tr_field(tr_stack) = (unsigned long)idle->stack + THREAD_SIZE;
	booting_cpu = cpu;
	apic_send_INIT(apicid);
	udelay(100);
	for (int sipi = 0; sipi < 2 && !cpumask_test_cpu(cpu, &cpu_online_mask); sipi++) {
		apic_send_SIPI(apicid, TRAMPOLINE_BASE >> 12);
		udelay(200);
	}
	for (long i = 0; i < 100000000 && !cpumask_test_cpu(cpu, &cpu_online_mask); i++)
		cpu_relax();
	return cpumask_test_cpu(cpu, &cpu_online_mask);
}

void smp_init(void)
{
	u32 apicids[NR_CPUS], bsp = read_apic_id();
	int found = acpi_parse_madt(apicids, NR_CPUS), cpu = 1;
	pteval_t *pgd;

	smp_call_init();
	cpu_data[0].apicid = bsp;
	cpumask_set_cpu(0, &cpu_online_mask);
	printk("smp: Bringing up secondary CPUs ...\n");
	if (found > 1) {
		pgd = trampoline_pgd_alloc();
		memcpy(__va(TRAMPOLINE_BASE), trampoline_start, (size_t)(trampoline_end - trampoline_start));
		*(u32 *)tr_field(tr_cr3) = (u32)__pa(pgd);
		*(u32 *)tr_field(tr_efer) = (u32)(rdmsr(MSR_EFER) & (EFER_SCE | EFER_NXE | (1ul << 8)));	/* LME */
		*(u64 *)tr_field(tr_entry) = (unsigned long)start_secondary;
		for (int i = 0; i < found && cpu < NR_CPUS; i++) {
			if (apicids[i] == bsp)
				continue;
			if (do_boot_cpu(cpu, apicids[i]))
				cpu++;
			else
				printk("smpboot: CPU %d (APIC ID %u) did not start\n", cpu, apicids[i]);
		}
		trampoline_pgd_free(pgd);
	}
	nr_cpu_ids = cpu;
	printk("smp: Brought up 1 node, %d CPU%s\n", cpu, cpu == 1 ? "" : "s");
}
