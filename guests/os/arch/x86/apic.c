/*
 * apic.c — the interrupt controllers: the 8259 PICs the firmware left
 * programmed are masked (their IRQ 0 would arrive at vector 8, on top of
 * #DF), and each CPU's local APIC is enabled with its timer ticking HZ
 * times a second in periodic mode at LOCAL_TIMER_VECTOR (SDM vol. 3
 * §10.5.4).  The APIC's registers are memory-mapped at 0xFEE00000
 * (IA32_APIC_BASE's reset value, §10.4.1) — the same address on every
 * CPU, each reaching its own APIC there — which the direct map does not
 * cover: it gets its own uncached 2 MiB mapping in the direct-map range
 * (PCD, PWT: §11.12.3 would have it UC).
 *
 * The timer counts the APIC bus clock (1 GHz on mmulab and on QEMU)
 * divided by 16: 625 000 counts are 10 ms.
 *
 * IPIs go through the interrupt command register (§10.6.1): the
 * destination's APIC ID in ICR[63:56], then the low word with the vector
 * and delivery mode, whose write sends it; delivery status (bit 12) says
 * when the APIC has taken it.
 */
#include "asm.h"
#include "kernel.h"
#include "mm.h"
#include "pgtable.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"

#define APIC_BASE_PA		0xfee00000ul
#define APIC_ID			0x20
#define APIC_TASKPRI		0x80
#define APIC_EOI		0xb0
#define APIC_SPIV		0xf0
#define APIC_ICR		0x300
#define APIC_ICR2		0x310
#define APIC_LVTT		0x320
#define APIC_TMICT		0x380
#define APIC_TDCR		0x3e0
#define APIC_SPIV_ENABLE	(1u << 8)
#define APIC_LVT_TIMER_PERIODIC	(1u << 17)
#define APIC_TDR_DIV_16		0x3
#define APIC_TIMER_COUNT	(1000000000u / 16 / HZ)
#define APIC_DM_FIXED		(0u << 8)
#define APIC_DM_INIT		(5u << 8)
#define APIC_DM_STARTUP		(6u << 8)
#define APIC_ICR_BUSY		(1u << 12)
#define APIC_INT_ASSERT		(1u << 14)
#define APIC_INT_LEVELTRIG	(1u << 15)

static volatile u32 *apic;

static u32 apic_read(unsigned int reg)
{
	return apic[reg / 4];
}

static void apic_write(unsigned int reg, u32 v)
{
	apic[reg / 4] = v;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

u32 read_apic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

/* Maps the 2 MiB around pa uncached at PAGE_OFFSET + pa; returns the address of pa. */
void *ioremap_2m(phys_addr_t pa)
{
	unsigned long va = PAGE_OFFSET + ALIGN_DOWN(pa, PMD_SIZE);
	pteval_t *pud = __va(init_top_pgt[pgd_index(va)] & PTE_PFN_MASK), *pmd;

	if (!(pud[pud_index(va)] & _PAGE_PRESENT)) {
		unsigned long t = get_zeroed_page(GFP_KERNEL);

		if (!t)
			panic("ioremap: no memory for a page table");
		set_page_owner(virt_to_page((void *)t), 0, PAGE_KIND_PGTABLE, 0);
		pud[pud_index(va)] = __pa((void *)t) | _KERNPG_TABLE;
	}
	pmd = __va(pud[pud_index(va)] & PTE_PFN_MASK);
	pmd[pmd_index(va)] = ALIGN_DOWN(pa, PMD_SIZE) | PAGE_KERNEL_LARGE | _PAGE_PCD | _PAGE_PWT;
	invlpg(va);
	return (void *)(PAGE_OFFSET + pa);
}

/* Writes the ICR (destination first: the low word sends) and waits until the APIC took it. */
static void apic_icr_write(u32 low, u32 apicid)
{
	unsigned long flags;

	local_irq_save(flags);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
	apic_write(APIC_ICR2, apicid << 24);
	apic_write(APIC_ICR, low);
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY)
		cpu_relax();
	local_irq_restore(flags);
}

void apic_send_IPI(u32 apicid, unsigned int vector)
{
	apic_icr_write(APIC_DM_FIXED | vector, apicid);
}

void apic_send_INIT(u32 apicid)
{
	apic_icr_write(APIC_DM_INIT | APIC_INT_LEVELTRIG | APIC_INT_ASSERT, apicid);
	apic_icr_write(APIC_DM_INIT | APIC_INT_LEVELTRIG, apicid);
}

void apic_send_SIPI(u32 apicid, unsigned int vector)
{
	apic_icr_write(APIC_DM_STARTUP | vector, apicid);
}

void setup_local_APIC(void)
{
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_TASKPRI, 0);
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, APIC_TIMER_COUNT);
}

void apic_timer_init(void)
{
	/* Mask every line of both PICs (OCW1). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic = ioremap_2m(APIC_BASE_PA);
	setup_local_APIC();
	printk("APIC timer: periodic, vector %#x, %d Hz\n", LOCAL_TIMER_VECTOR, HZ);
}
