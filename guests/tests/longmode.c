/*
 * longmode.c — checks the switch to long mode made by guests/common/start.S
 * and the state it leaves behind: the Multiboot hand-off, CR0/CR4/EFER read
 * back, the identity map, CPUID basics, and a trip through a
 * compatibility-mode (32-bit) code segment and back to 64-bit mode.
 */
#include "guest.h"

extern uint64_t boot_pd[512];

/*
 * compat_trip(): IRETQ-free round trip into the 32-bit code segment.
 * LRETQ pops RIP then CS (SDM RET: far return, 64-bit operand size) and
 * lands at compat32 with CS = SEL_KCODE32 (L = 0, D = 1).  There, byte 0x40
 * is INC EAX (in 64-bit mode it would be a REX prefix, SDM vol. 2 §2.2.1),
 * so EAX goes 5 -> 6 only if the CPU really decodes in 32-bit mode.  CS is
 * read into EDX; JMP ptr16:32 (EA, valid outside 64-bit mode) returns to the
 * 64-bit code segment.  Returns EAX and stores the CS seen in *cs32.
 */
uint32_t compat_trip(uint32_t *cs32);
__asm__(".text\n"
	"compat_trip:\n"
	"  pushq %rbx\n"
	"  movq %rdi, %rbx\n"
	"  movl $5, %eax\n"
	"  pushq $" "0x18" "\n"
	"  leaq compat32(%rip), %rcx\n"
	"  pushq %rcx\n"
	"  lretq\n"
	".code32\n"
	"compat32:\n"
	"  .byte 0x40\n"		/* INC EAX */
	"  movl %cs, %edx\n"
	"  ljmp $0x08, $back64\n"
	".code64\n"
	"back64:\n"
	"  movl %edx, (%rbx)\n"
	"  popq %rbx\n"
	"  ret\n");

int kmain(struct multiboot_info *mbi)
{
	uint32_t r[4], max_ext;
	uint64_t efer = rdmsr(MSR_EFER), want_efer;
	uint32_t cs32 = 0, eax;
	int nx;

	printf("# longmode: mode switch, control registers, CPUID, compatibility mode\n");

	/* Multiboot spec §3.2: EAX holds 0x2BADB002 and EBX the info address. */
	CHECK_EQ(mb_magic, MB_BOOT_MAGIC, "Multiboot magic 0x2BADB002 in EAX at entry");
	CHECK(mbi && (mbi->flags & MBI_MEM), "Multiboot info has memory sizes (flags bit 0)");

	/* CR0 holds what start.S wrote: PG WP NE ET PE (ET is fixed to 1, SDM vol. 3 §2.5). */
	CHECK_EQ(READ_CR(0), CR0_PG | CR0_WP | CR0_NE | CR0_ET | CR0_PE, "CR0 reads back PG|WP|NE|ET|PE = 0x80010031");
	CHECK_EQ(READ_CR(4), CR4_PAE, "CR4 reads back PAE = 0x20");
	CHECK_EQ(READ_CR(3), (uint64_t)boot_pml4, "CR3 holds the PML4 address");

	cpuid(0x80000000, 0, r);
	max_ext = r[0];
	CHECK(max_ext >= 0x80000001, "CPUID.80000000H:EAX >= 0x80000001");
	cpuid(0x80000001, 0, r);
	nx = (r[3] >> 20) & 1;
	/* SDM vol. 3 §10.8.5: with EFER.LME = 1, setting CR0.PG sets EFER.LMA. */
	want_efer = EFER_LME | EFER_LMA | (nx ? EFER_NXE : 0);
	CHECK_EQ(efer, want_efer, "EFER = LME|LMA (plus NXE when CPUID has NX)");
	CHECK(r[3] & (1u << 29), "CPUID.80000001H:EDX.LM[29] = 1");
	CHECK(r[3] & (1u << 11), "CPUID.80000001H:EDX.SYSCALL[11] = 1");

	cpuid(0, 0, r);
	CHECK(r[0] >= 1, "CPUID.0:EAX (max basic leaf) >= 1");
	cpuid(1, 0, r);
	CHECK((r[3] & 0x170) == 0x170, "CPUID.1:EDX has TSC[4] MSR[5] PAE[6] CX8[8]");
	CHECK((r[0] >> 8 & 0xF) != 0, "CPUID.1:EAX family is non-zero");

	CHECK_EQ(read_cs(), SEL_KCODE64, "CS = 0x08, the L=1 code segment");
	CHECK_EQ(read_ss(), SEL_KDATA, "SS = 0x10");

	/* The identity map: PD entry 1 maps 2 MiB..4 MiB with PS = 1. */
	int level;
	uint64_t *e = pte_lookup(0x200000, &level);
	CHECK(e == &boot_pd[1] && level == 2, "0x200000 is mapped by a 2 MiB PDE");
	CHECK_EQ(*e & (PTE_ADDR | PTE_PS | PTE_P), 0x200000 | PTE_PS | PTE_P, "PDE[1] maps physical 0x200000, PS=1");

	/* A 64-bit-only address: the same memory through a mapping above 4 GiB. */
	static volatile uint64_t cell = 0x1122334455667788ul;
	uint64_t page = (uint64_t)&cell & ~0xFFFul;
	map_page(0x0000123400000000ul + page, page, PTE_P | PTE_W);
	volatile uint64_t *alias = (volatile uint64_t *)(0x0000123400000000ul + (uint64_t)&cell);
	CHECK_EQ(*alias, 0x1122334455667788ul, "read through a 4 KiB mapping at 0x1234_0000_0000+");
	*alias = 42;
	CHECK_EQ(cell, 42, "write through the alias is seen at the identity address");

	eax = compat_trip(&cs32);
	CHECK_EQ(eax, 6, "0x40 decodes as INC EAX in the 32-bit code segment");
	CHECK_EQ(cs32, SEL_KCODE32, "CS = 0x18 while in compatibility mode");
	CHECK_EQ(read_cs(), SEL_KCODE64, "back in 64-bit mode through JMP ptr16:32");

	test_done();
}
