/*
 * gdbtarget.c — the kernel tests/integration/gdb.sh debugs with the real
 * gdb through mmulab's gdbstub.  Alone (the guests tier, QEMU) it checks
 * the same things with nobody looking.
 *
 * It maps one data page a second time at ALIAS, high in the upper half,
 * through a 4 KiB PTE whose accessed bit is clear, and fills the page
 * through the identity map, so the guest itself never uses the alias.  At
 * gdb_stop_here() gdb reads the page through the alias, prints `monitor
 * walk ALIAS` and writes gdb_poke.  Afterwards the kernel checks that A is
 * still clear in the alias PTE: a debugger's reads must not set it (the
 * stub walks the page tables in software).  Its own read through the alias
 * then sets A, as SDM vol. 3 §4.8 says.  gdb_step() gives gdb known
 * instructions to single-step, and spin() a loop to interrupt with Ctrl-C
 * (gdb makes it endless by setting spin_limit, then ends it).
 */
#include "guest.h"

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")

#define ALIAS 0xffff800000042000ul

static uint8_t data_page[4096] __attribute__((aligned(4096)));
volatile uint64_t gdb_poke;
volatile uint64_t spin_limit = 1000;
volatile uint64_t spin_count;

/* gdb breaks here; noinline and the asm keep the call and the symbol. */
__attribute__((noinline)) void gdb_stop_here(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Four instructions gdb steps through one by one: RAX = 0x3333. */
uint64_t gdb_step(void);
ASM_FN(gdb_step, "movq $0x1111, %rax\n movq $0x2222, %rdx\n addq %rdx, %rax\n ret");

__attribute__((noinline)) void spin(void)
{
	for (spin_count = 0; spin_count < spin_limit; spin_count++)
		__asm__ volatile("" ::: "memory");
}

int kmain(struct multiboot_info *mbi)
{
	printf("# gdbtarget: a kernel for gdb (breakpoints, steps, memory through paging)\n");
	for (int i = 0; i < 4096; i++)
		data_page[i] = (uint8_t)(i * 7 + 1);
	uint64_t *pte = map_page(ALIAS, (uint64_t)data_page, PTE_P | PTE_W | PTE_NX);
	CHECK(!(*pte & PTE_A), "the alias PTE starts with A clear");

	gdb_stop_here();
	CHECK(!(*pte & PTE_A), "A is still clear in the alias PTE after gdb_stop_here");
	test_diag("poke = %#lx", gdb_poke);

	/* SDM vol. 3 §4.8: the processor sets A in the PTE it uses. */
	CHECK_EQ(*(volatile uint8_t *)(ALIAS + 10), 71, "the alias reads the data page");
	CHECK(*pte & PTE_A, "a read through the alias sets A in its PTE");

	CHECK_EQ(gdb_step(), 0x3333, "gdb_step adds");
	test_diag("spinning");
	spin();
	CHECK(spin_count >= 1, "spin ran");
	test_done();
}
