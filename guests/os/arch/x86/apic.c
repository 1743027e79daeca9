/*
 * apic.c — the interrupt controllers: the 8259 PICs the firmware left
 * programmed are masked (their IRQ 0 would arrive at vector 8, on top of
 * #DF), and the local APIC timer ticks HZ times a second in periodic mode
 * at LOCAL_TIMER_VECTOR (SDM vol. 3 §10.5.4).  The APIC's registers are
 * memory-mapped at 0xFEE00000 (IA32_APIC_BASE's reset value, §10.4.1),
 * which the direct map does not cover: it gets its own uncached 2 MiB
 * mapping in the direct-map range (PCD, PWT: §11.12.3 would have it UC).
 *
 * The timer counts the APIC bus clock (1 GHz on mmulab and on QEMU)
 * divided by 16: 625 000 counts are 10 ms.
 */
#include "asm.h"
#include "kernel.h"
#include "mm.h"
#include "pgtable.h"
#include "sched.h"

#define APIC_BASE_PA		0xfee00000ul
#define APIC_EOI		0xb0
#define APIC_SPIV		0xf0
#define APIC_LVTT		0x320
#define APIC_TMICT		0x380
#define APIC_TDCR		0x3e0
#define APIC_SPIV_ENABLE	(1u << 8)
#define APIC_LVT_TIMER_PERIODIC	(1u << 17)
#define APIC_TDR_DIV_16		0x3
#define SPURIOUS_APIC_VECTOR	0xff
#define LOCAL_TIMER_VECTOR	0xec
#define APIC_TIMER_COUNT	(1000000000u / 16 / HZ)

static volatile u32 *apic;

static void apic_write(unsigned int reg, u32 v)
{
	apic[reg / 4] = v;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

/* Maps the 2 MiB around pa uncached at PAGE_OFFSET + pa; returns that address. */
static void *ioremap_2m(phys_addr_t pa)
{
	unsigned long va = PAGE_OFFSET + pa;
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
	return (void *)va;
}

void apic_timer_init(void)
{
	/* Mask every line of both PICs (OCW1). */
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
	apic = ioremap_2m(APIC_BASE_PA);
	apic_write(APIC_SPIV, APIC_SPIV_ENABLE | SPURIOUS_APIC_VECTOR);
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, APIC_TIMER_COUNT);
	printk("APIC timer: periodic, vector %#x, %d Hz\n", LOCAL_TIMER_VECTOR, HZ);
}
