/*
 * paging.c — 4-level paging semantics the MMU model must get right:
 * accessed and dirty flags at each level, 2 MiB and 1 GiB pages, INVLPG and
 * MOV to CR3 after a PTE change, and permissions combined across levels
 * (R/W and U/S ANDed, XD ORed).
 */
#include "guest.h"

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")
#define LAST (trap_last.f)

#define REGION4K	0x00A00000ul	/* split into 4 KiB pages */
#define REGION2M	0x00C00000ul	/* one 2 MiB page */
#define REGION_PERM	0x00E00000ul	/* permissions at the PDE level */
#define VA_1G		0x0000004000000000ul	/* 256 GiB: a 1 GiB page onto physical 0 */

uint64_t user_addr;
void user_read(void), user_write(void), do_read(uint64_t), do_write(uint64_t);
extern char fault_user_read[], fault_read[], fault_write[];
ASM_FN(user_read, "movq user_addr(%rip), %rdi\n fault_user_read: movq (%rdi), %rax\n int $0x80");
ASM_FN(user_write, "movq user_addr(%rip), %rdi\n movq %rdi, (%rdi)\n int $0x80");
ASM_FN(do_read, "fault_read: movq (%rdi), %rax\n ret");
ASM_FN(do_write, "fault_write: movq %rdi, (%rdi)\n ret");

static uint64_t rd(uint64_t va)
{
	return *(volatile uint64_t *)va;
}

static void wr(uint64_t va, uint64_t v)
{
	*(volatile uint64_t *)va = v;
}

static void accessed_dirty(void)
{
	uint64_t va = REGION4K + 0x3000, *pte = pte_split(va);
	uint64_t *pde = pte_entry(va, 2);	/* now points to a page table */
	int level;

	/*
	 * SDM vol. 3 §4.8: the processor sets A in every paging-structure
	 * entry it uses for a translation, and D in the entry that maps the
	 * page on a write.  Clearing them needs INVLPG so that the next access
	 * walks again (§4.10.4.2).
	 */
	*pte &= ~(PTE_A | PTE_D);
	*pde &= ~PTE_A;
	invlpg(va);
	(void)rd(va);
	CHECK((*pte & PTE_A) && !(*pte & PTE_D), "a read sets A and leaves D clear in the 4 KiB PTE");
	CHECK(*pde & PTE_A, "a read sets A in the PDE that points to the page table");
	wr(va, 1);
	CHECK(*pte & PTE_D, "a write sets D in the 4 KiB PTE");

	/* D exists only in the entry that maps the page: a PDE with PS = 0 has no D to set (bit 6 ignored). */
	*pde &= ~PTE_D;
	invlpg(va);
	wr(va + 8, 2);
	CHECK(!(*pde & PTE_D), "a write does not set bit 6 of a non-leaf PDE");

	uint64_t *pde2m = pte_lookup(REGION2M, &level);
	CHECK(level == 2, "the 2 MiB region is mapped by a PDE with PS = 1");
	*pde2m &= ~(PTE_A | PTE_D);
	invlpg(REGION2M + 0x12340);
	(void)rd(REGION2M + 0x12340);
	CHECK((*pde2m & PTE_A) && !(*pde2m & PTE_D), "a read sets A, not D, in a 2 MiB PDE");
	wr(REGION2M + 0x1FFFF8, 3);
	CHECK(*pde2m & PTE_D, "a write anywhere in the 2 MiB page sets D in its PDE");
}

static void large_and_flush(void)
{
	uint32_t r[4];
	static volatile uint64_t cell = 0xC0FFEE;
	uint64_t va = REGION4K + 0x5000, *pte = pte_split(va);
	uint64_t frame_a = REGION4K + 0x6000, frame_b = REGION4K + 0x7000;

	cpuid(0x80000001, 0, r);
	if (r[3] & (1u << 26)) {
		/* §4.5.4: a PDPTE with PS = 1 maps a 1 GiB page; bits 29:0 of the address are the offset. */
		uint64_t *pdpte = pte_entry(VA_1G, 3);
		int level;

		*pdpte = 0 | PTE_P | PTE_W | PTE_PS;
		invlpg(VA_1G + (uint64_t)&cell);
		CHECK(pte_lookup(VA_1G, &level) && level == 3 && rd(VA_1G + (uint64_t)&cell) == 0xC0FFEE,
		      "a 1 GiB page at 256 GiB maps physical 0: the same data");
		CHECK(*pdpte & PTE_A, "the read set A in the 1 GiB PDPTE");
	} else {
		test_skip("no 1 GiB pages", "a 1 GiB page maps physical 0");
		test_skip("no 1 GiB pages", "A in the 1 GiB PDPTE");
	}

	wr(frame_a, 0xAAAA);
	wr(frame_b, 0xBBBB);
	*pte = frame_a | PTE_P | PTE_W;
	invlpg(va);
	CHECK_EQ(rd(va), 0xAAAA, "PTE -> frame A, INVLPG: reads frame A");
	*pte = frame_b | PTE_P | PTE_W;
	invlpg(va);
	CHECK_EQ(rd(va), 0xBBBB, "PTE -> frame B, INVLPG: reads frame B");
	/* §4.10.4.1: MOV to CR3 (PCIDE = 0) invalidates every non-global TLB entry. */
	*pte = frame_a | PTE_P | PTE_W;
	WRITE_CR(3, READ_CR(3));
	CHECK_EQ(rd(va), 0xAAAA, "PTE -> frame A, MOV to CR3: reads frame A");
}

static void combined_permissions(void)
{
	uint64_t va = REGION_PERM + 0x1000, *pte = pte_split(va);
	uint64_t *pde = pte_entry(va, 2);
	uint64_t before;
	int r;

	/* §4.6.1: a user access needs U/S = 1 in every entry; U/S = 0 in the PDE wins over the PTE. */
	*pte |= PTE_U | PTE_W;
	*pde &= ~PTE_U;
	invlpg(va);
	user_addr = va;
	r = user_run((uint64_t)user_read, RFLAGS_FIXED);
	CHECK(r == 14 && LAST.error == 0x5 && trap_last.cr2 == va,
	      "#PF 0x5: U/S = 0 in the PDE denies a user read although the PTE has U/S = 1");
	*pde |= PTE_U;
	invlpg(va);
	CHECK_EQ(user_run((uint64_t)user_read, RFLAGS_FIXED), USER_END_VECTOR, "with U/S = 1 at every level the user read works");

	/* R/W = 0 in the PDE makes the whole 2 MiB read-only for supervisor writes when CR0.WP = 1. */
	*pde &= ~PTE_W;
	invlpg(va);
	before = trap_last.count;
	trap_skip_next(3);
	do_write(va);
	trap_skip_cancel();
	CHECK(trap_last.count == before + 1 && LAST.vector == 14 && LAST.error == 0x3,
	      "#PF 0x3: R/W = 0 in the PDE denies a supervisor write (CR0.WP = 1)");
	*pde |= PTE_W;
	invlpg(va);

	/* §4.6.2: XD = 1 in any entry forbids fetches (EFER.NXE = 1). */
	if (rdmsr(MSR_EFER) & EFER_NXE) {
		*(volatile uint8_t *)va = 0xC3;
		*pde |= PTE_NX;
		invlpg(va);
		if (trap_catch() == 0)
			((void (*)(void))va)();
		CHECK(LAST.vector == 14 && LAST.error == 0x11 && LAST.rip == va,
		      "#PF 0x11: XD = 1 in the PDE forbids a fetch from a PTE without XD");
		*pde &= ~PTE_NX;
		invlpg(va);
	} else {
		test_skip("no NX", "XD in the PDE");
	}
}

int kmain(struct multiboot_info *mbi)
{
	printf("# paging: accessed/dirty, large pages, invalidation, permissions across levels\n");
	accessed_dirty();
	large_and_flush();
	combined_permissions();
	test_done();
}
