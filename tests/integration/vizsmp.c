/*
 * tests/integration/vizsmp.c — a two-CPU kernel for the visualiser's tier
 * (viz.sh), run with -smp 2 -d mmu,ipi.  It gives the MMU's map and the
 * shootdown heuristic of emu/viz something to show, and says on COM1 what
 * it did, so that the test can compare the picture with the guest's word
 * and the trace.
 *
 * Address spaces.  A is the boot identity map, made supervisor-only (U=0
 * in its PDEs).  B shares A's identity half (PML4 slot 0) and adds, in
 * slot 1, tables of its own (PDPT, PD, PT) mapping four user pages at
 * SPACE_B_VA onto frames of a buffer A maps for supervisor only.  The BSP
 * loads B, writes the four pages, loads A again and touches the same
 * buffer through A's identity map; then a read of SPACE_B_VA under A
 * faults: A has nothing in slot 1.  At the end the MMU's map must show B's
 * tables and pages, which only a previously loaded CR3 reaches, in the
 * dim colours of "recent CR3s only".
 *
 * IPIs.  The BSP sends the AP (APIC ID 1; mmulab numbers APICs as vCPUs):
 *   - RESCHED_VECTOR twice: the handler only sets a flag and writes EOI;
 *     after the IRET the AP's loop switches to B, writes a page, switches
 *     back to A and reloads A's CR3 (the same value, a flush) — a context
 *     switch and a flush after the handler: no shootdown;
 *   - FLUSH_EOI_FIRST_VECTOR once: EOI first, then INVLPG (as Linux's
 *     handlers do): the visualiser's heuristic does not see it;
 *   - FLUSH_VECTOR three times: INVLPG of a page the AP has just touched,
 *     then EOI: a likely shootdown each;
 *   - then the BSP reports a shootdown (cpu0 -> {1}, 1 page) and sends
 *     FLUSH_VECTOR once more: from then on the guest reports, and the
 *     visualiser guesses no more.
 * The transcript's "# IPIs whose handler flushed before EOI" line is what
 * the picture must count as likely.  Shootdowns are reported with the
 * guest OS's own ownership_report_shootdown() (guests/os/arch/x86/
 * ownership.c, linked in); two more at the end use CPU 40's half of the
 * mask, a full flush and a page count too large for the port: cpu1 ->
 * {0,40}, full flush, then cpu0 -> {1}, 1000000 pages (sent as 3FFFEH =
 * 262142).
 *
 * With "freeb=1" on the command line the kernel reports B's root frame
 * free at the very end (ownership kind 0): the visualiser must then drop
 * B from the address spaces it reads.
 */
#include "guest.h"

#define LAPIC_BASE	0xFEE00000ul
#define TRAMPOLINE	0x7000ul	/* SIPI vector 07H: CS = 0700H, IP = 0 */
#define APIC_EOI	0xB0
#define APIC_SVR	0xF0
#define APIC_ICR_LO	0x300
#define APIC_ICR_HI	0x310
#define ICR_FIXED	(0u << 8)
#define ICR_INIT	(5u << 8)
#define ICR_STARTUP	(6u << 8)
#define ICR_ASSERT	(1u << 14)
#define ICR_LEVEL	(1u << 15)

#define RESCHED_VECTOR		0x50
#define FLUSH_VECTOR		0x51
#define FLUSH_EOI_FIRST_VECTOR	0x52
#define SPURIOUS_VECTOR		0xFF

#define SPACE_B_VA	0x0000008000000000ul	/* PML4 slot 1 */
#define B_PAGES		4

/* The ownership port (devices/ownership.h), for a frame report. */
#define OWN_PORT_PFN	0x590
#define OWN_PORT_PID	0x594
#define OWN_PORT_CMD	0x598
/* guests/os/include/ownership.h (whose types are the guest OS's). */
#define OWNERSHIP_FLUSH_ALL	(~0ul)
void ownership_report_shootdown(int from_cpu, unsigned long cpumask, unsigned long nr_pages);

static uint64_t pml4_b[512] __attribute__((aligned(4096)));
static uint64_t pdpt_b[512] __attribute__((aligned(4096)));
static uint64_t pd_b[512] __attribute__((aligned(4096)));
static uint64_t pt_b[512] __attribute__((aligned(4096)));
static uint8_t b_pages[B_PAGES][4096] __attribute__((aligned(4096)));
static uint8_t flush_page[4096] __attribute__((aligned(4096)));
static char ap_stack[4096] __attribute__((aligned(16)));
static uint64_t cr3_a, cr3_b;

static volatile uint32_t ap_started, resched_done, flushes, flushes_eoi_first;
static volatile int need_resched;
static struct {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed)) idtr;

static void apic_wr(uint32_t reg, uint32_t v) { *(volatile uint32_t *)(LAPIC_BASE + reg) = v; }
static void pause(void) { __asm__ volatile("pause"); }

static void send_ipi(uint8_t dest, uint32_t icr)
{
	apic_wr(APIC_ICR_HI, (uint32_t)dest << 24);
	apic_wr(APIC_ICR_LO, icr);
}

/* Spin until *p reaches want (bounded). */
static void wait_for(volatile uint32_t *p, uint32_t want)
{
	for (long i = 0; *p < want && i < 50000000; i++)
		pause();
}

static void touch(volatile uint8_t *p, uint8_t v) { *p = v; }

/* ---- the AP's handlers ---- */

static void resched_handler(struct trap_frame *f)
{
	need_resched = 1;
	apic_wr(APIC_EOI, 0);
}

static void flush_handler(struct trap_frame *f)
{
	invlpg((uint64_t)flush_page);
	flushes++;
	apic_wr(APIC_EOI, 0);
}

static void flush_eoi_first_handler(struct trap_frame *f)
{
	apic_wr(APIC_EOI, 0);
	invlpg((uint64_t)flush_page);
	flushes_eoi_first++;
}

static void spurious_handler(struct trap_frame *f) { }

/* The AP: wait for interrupts with the flush page in its TLB; after a
 * reschedule, switch to B and back, then reload A (all outside the
 * handler). */
static void ap_loop(void)
{
	for (;;) {
		touch(flush_page, 1);
		__asm__ volatile("sti; hlt; cli");
		if (!need_resched)
			continue;
		need_resched = 0;
		WRITE_CR(3, cr3_b);
		touch((volatile uint8_t *)SPACE_B_VA, 2);
		WRITE_CR(3, cr3_a);
		WRITE_CR(3, cr3_a);
		__atomic_add_fetch(&resched_done, 1, __ATOMIC_SEQ_CST);
	}
}

/* ---- the AP start-up trampoline (as guests/tests/smp.c's) ----
 * Real mode at 0700:0000, then protected mode with the kernel's GDT, then
 * long mode with the CR3 and EFER bits in the data words at the end. */
__asm__(
	".pushsection .text.ap_tramp, \"ax\"\n"
	".code16\n"
	".globl vz_tramp_start, vz_tramp_end, vz_tramp_gdtr, vz_tramp_cr3, vz_tramp_efer, vz_tramp_stack\n"
	"vz_tramp_start:\n"
	"	cli\n"
	"	cld\n"
	"	movw %cs, %ax\n"
	"	movw %ax, %ds\n"
	"	lgdtl vz_tramp_gdtr - vz_tramp_start\n"
	"	movl %cr0, %eax\n"
	"	orl $1, %eax\n"
	"	movl %eax, %cr0\n"
	"	ljmpl $0x18, $(0x7000 + vz_pm32 - vz_tramp_start)\n"
	".code32\n"
	"vz_pm32:\n"
	"	movw $0x10, %ax\n"
	"	movw %ax, %ds\n"
	"	movw %ax, %es\n"
	"	movw %ax, %ss\n"
	"	movl %cr4, %eax\n"
	"	orl $0x20, %eax\n"
	"	movl %eax, %cr4\n"
	"	movl (0x7000 + vz_tramp_cr3 - vz_tramp_start), %eax\n"
	"	movl %eax, %cr3\n"
	"	movl $0xC0000080, %ecx\n"
	"	rdmsr\n"
	"	orl (0x7000 + vz_tramp_efer - vz_tramp_start), %eax\n"
	"	wrmsr\n"
	"	movl $0x80010031, %eax\n"
	"	movl %eax, %cr0\n"
	"	ljmp $0x08, $(0x7000 + vz_lm64 - vz_tramp_start)\n"
	".code64\n"
	"vz_lm64:\n"
	"	movq (0x7000 + vz_tramp_stack - vz_tramp_start), %rsp\n"
	"	movabsq $ap_entry, %rax\n"
	"	jmp *%rax\n"
	"	.align 8\n"
	"vz_tramp_gdtr:	.word 0\n"
	"		.long 0\n"
	"		.word 0\n"
	"vz_tramp_cr3:	.long 0\n"
	"vz_tramp_efer:	.long 0\n"
	"vz_tramp_stack:	.quad 0\n"
	"vz_tramp_end:\n"
	".popsection\n");

extern char vz_tramp_start[], vz_tramp_end[], vz_tramp_gdtr[], vz_tramp_cr3[],
	vz_tramp_efer[], vz_tramp_stack[];
extern char gdt_pointer[];

#define TRAMP_FIELD(sym) ((void *)(TRAMPOLINE + (uint64_t)(sym - vz_tramp_start)))

void ap_entry(void) __attribute__((noreturn));
void ap_entry(void)
{
	__asm__ volatile("lidt %0" : : "m"(idtr));
	__asm__ volatile("mov %0, %%fs; mov %0, %%gs" : : "r"((uint16_t)SEL_KDATA));
	apic_wr(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
	__atomic_add_fetch(&ap_started, 1, __ATOMIC_SEQ_CST);
	ap_loop();
	for (;;)
		;
}

/* INIT, then Start-up IPIs (SDM vol. 3 §8.4.4.1) to APIC ID 1. */
static void start_ap(void)
{
	memcpy((void *)TRAMPOLINE, vz_tramp_start, (size_t)(vz_tramp_end - vz_tramp_start));
	memcpy(TRAMP_FIELD(vz_tramp_gdtr), gdt_pointer, 6);
	*(uint32_t *)TRAMP_FIELD(vz_tramp_cr3) = (uint32_t)cr3_a;
	*(uint32_t *)TRAMP_FIELD(vz_tramp_efer) = (uint32_t)(rdmsr(MSR_EFER) & (EFER_LME | EFER_NXE));
	*(uint64_t *)TRAMP_FIELD(vz_tramp_stack) = (uint64_t)ap_stack + sizeof(ap_stack);
	send_ipi(1, ICR_INIT | ICR_ASSERT | ICR_LEVEL);
	send_ipi(1, ICR_INIT | ICR_LEVEL);
	for (int s = 0; s < 2 && !ap_started; s++) {
		send_ipi(1, ICR_STARTUP | (TRAMPOLINE >> 12));
		for (int k = 0; k < 2000; k++)
			pause();
	}
	wait_for(&ap_started, 1);
}

/* Address space B: A's slot 0, and slot 1 -> PDPT -> PD -> PT -> pages. */
static void build_space_b(void)
{
	extern uint64_t boot_pml4[512];
	uint64_t upper = PTE_P | PTE_W | PTE_U;
	for (int i = 0; i < 512; i++)
		pml4_b[i] = boot_pml4[i];
	pml4_b[(SPACE_B_VA >> 39) & 511] = (uint64_t)pdpt_b | upper;
	pdpt_b[(SPACE_B_VA >> 30) & 511] = (uint64_t)pd_b | upper;
	pd_b[(SPACE_B_VA >> 21) & 511] = (uint64_t)pt_b | upper;
	for (int i = 0; i < B_PAGES; i++)
		pt_b[((SPACE_B_VA >> 12) & 511) + i] = (uint64_t)b_pages[i] | upper;
	cr3_b = (uint64_t)pml4_b;
}

int kmain(struct multiboot_info *mbi)
{
	printf("# vizsmp: address spaces A and B, IPIs with and without flushes\n");
	map_page(LAPIC_BASE, LAPIC_BASE, PTE_P | PTE_W | (1ul << 4));
	/* A: the identity map, supervisor only from here on. */
	extern uint64_t boot_pd[512];
	for (int i = 0; i < 512; i++)
		boot_pd[i] &= ~PTE_U;
	cr3_a = READ_CR(3);
	WRITE_CR(3, cr3_a);
	build_space_b();
	__asm__ volatile("sidt %0" : "=m"(idtr));
	apic_wr(APIC_SVR, 0x100 | SPURIOUS_VECTOR);
	trap_set_handler(RESCHED_VECTOR, resched_handler);
	trap_set_handler(FLUSH_VECTOR, flush_handler);
	trap_set_handler(FLUSH_EOI_FIRST_VECTOR, flush_eoi_first_handler);
	trap_set_handler(SPURIOUS_VECTOR, spurious_handler);

	/* B's pages, written through B; then A again. */
	WRITE_CR(3, cr3_b);
	for (int i = 0; i < B_PAGES; i++)
		touch((volatile uint8_t *)(SPACE_B_VA + (uint64_t)i * 4096), (uint8_t)(0x10 + i));
	WRITE_CR(3, cr3_a);
	int same = 1;
	for (int i = 0; i < B_PAGES; i++)
		same &= b_pages[i][0] == 0x10 + i;
	CHECK(same, "B's %d pages are the buffer A maps for the supervisor", B_PAGES);
	int faulted = 0;
	if (!trap_catch())
		(void)*(volatile uint8_t *)SPACE_B_VA;
	else
		faulted = trap_last.f.vector == 14;
	CHECK(faulted, "A maps nothing at %#lx", SPACE_B_VA);

	start_ap();
	CHECK_EQ(ap_started, 1, "the AP started");
	for (uint32_t i = 1; i <= 2; i++) {
		send_ipi(1, ICR_FIXED | RESCHED_VECTOR);
		wait_for(&resched_done, i);
	}
	CHECK_EQ(resched_done, 2, "two reschedules, each a switch to B and back, then a reload");
	send_ipi(1, ICR_FIXED | FLUSH_EOI_FIRST_VECTOR);
	wait_for(&flushes_eoi_first, 1);
	CHECK_EQ(flushes_eoi_first, 1, "one flush after EOI");
	for (uint32_t i = 1; i <= 3; i++) {
		wait_for(&resched_done, 2); /* (the AP is back in its loop) */
		for (int k = 0; k < 1000; k++)
			pause();
		send_ipi(1, ICR_FIXED | FLUSH_VECTOR);
		wait_for(&flushes, i);
	}
	CHECK_EQ(flushes, 3, "three flushes before EOI");
	printf("# IPIs whose handler flushed before EOI: %u\n", flushes);

	/* From now on the guest reports: cpu0 -> {1}, 1 page. */
	ownership_report_shootdown(0, 1ul << 1, 1);
	for (int k = 0; k < 1000; k++)
		pause();
	send_ipi(1, ICR_FIXED | FLUSH_VECTOR);
	wait_for(&flushes, 4);
	CHECK_EQ(flushes, 4, "a fourth flush, after the guest reported one");
	ownership_report_shootdown(1, 1ul << 40 | 1, OWNERSHIP_FLUSH_ALL);
	ownership_report_shootdown(0, 1ul << 1, 1000000);
	if (cmdline_number("freeb", 0)) {
		outl(OWN_PORT_PFN, (uint32_t)(cr3_b >> 12));
		outl(OWN_PORT_PID, 0);
		outl(OWN_PORT_CMD, 0 | 1u << 8); /* one frame of kind 0, free */
	}
	test_done();
}
