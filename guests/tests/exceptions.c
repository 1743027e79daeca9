/*
 * exceptions.c — each exception class a kernel meets, provoked on purpose:
 * vector, error code, saved RIP (fault: the instruction; trap: the next one)
 * and CR2 are compared with what the SDM prescribes.  #DE, #UD, #BP, #GP,
 * #PF (supervisor and user, not-present, read-only, NX, PDE level) and #DF.
 * Checks on which QEMU 7.2 departs from the SDM live in sdmstrict.c.
 *
 * Each provoking instruction sits in a small assembly routine with a global
 * label on it (fault_*), so the expected RIP comes from the symbol table.
 */
#include "guest.h"

/* Test pages: the 2 MiB region at 4 MiB (above the image, inside RAM). */
#define PAGE_NP		0x400000ul	/* present = 0 */
#define PAGE_RO		0x401000ul	/* R/W = 0 */
#define PAGE_SUP	0x402000ul	/* U/S = 0 */
#define PAGE_NX		0x404000ul	/* XD = 1 */
#define REGION_NP_PDE	0x800000ul	/* whole 2 MiB PDE not present */

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")

/* Every routine takes one argument (in RDI) so that one helper drives them all. */
typedef void asm_fn(uint64_t arg);
asm_fn do_div0, do_divovf, do_idivovf, do_div8, do_ud2, do_into, do_lock, do_int3;
asm_fn do_load_ds, do_read, do_write;
extern char fault_div0[], fault_divovf[], fault_idivovf[], fault_div8[];
extern char fault_ud2[], fault_into[], fault_lock[], after_int3[];
extern char fault_load_ds[], fault_read[], fault_write[];
extern char user_read[], user_write[], fault_user_read[], fault_user_write[];

/* DIV r/m32: EDX:EAX / ECX with ECX = 0. */
ASM_FN(do_div0, "xorl %ecx, %ecx\n movl $1, %eax\n xorl %edx, %edx\n"
		"fault_div0: divl %ecx\n ret");
/* DIV r/m32: 0x1_00000000 / 1, quotient does not fit 32 bits. */
ASM_FN(do_divovf, "movl $1, %ecx\n xorl %eax, %eax\n movl $1, %edx\n"
		  "fault_divovf: divl %ecx\n ret");
/* IDIV r/m64: INT64_MIN / -1 = +2^63, not representable. */
ASM_FN(do_idivovf, "movabsq $0x8000000000000000, %rax\n cqto\n movq $-1, %rcx\n"
		   "fault_idivovf: idivq %rcx\n ret");
/* DIV r/m8: AX = 0x1000 / 0x10 = 0x100 > 0xFF. */
ASM_FN(do_div8, "movl $0x1000, %eax\n movb $0x10, %cl\n"
		"fault_div8: divb %cl\n ret");
ASM_FN(do_ud2, "fault_ud2: ud2\n ret");
ASM_FN(do_into, "fault_into: .byte 0xCE\n ret");		/* INTO */
ASM_FN(do_lock, "fault_lock: .byte 0xF0, 0x01, 0xC3\n ret");	/* LOCK ADD EBX, EAX */
ASM_FN(do_int3, "int3\n after_int3: ret");
ASM_FN(do_load_ds, "fault_load_ds: movw %di, %ds\n movw $0x10, %ax\n movw %ax, %ds\n ret");
ASM_FN(do_read, "fault_read: movq (%rdi), %rax\n ret");		/* 3 bytes */
ASM_FN(do_write, "fault_write: movq %rdi, (%rdi)\n ret");	/* 3 bytes */
/* Ring-3 snippets: the address is in user_addr; end with INT 0x80. */
uint64_t user_addr;
ASM_FN(user_read, "movq user_addr(%rip), %rdi\n fault_user_read: movq (%rdi), %rax\n int $0x80");
ASM_FN(user_write, "movq user_addr(%rip), %rdi\n fault_user_write: movq %rdi, (%rdi)\n int $0x80");

#define LAST (trap_last.f)

/* One expected fault, skipped by its length: vector, error code and RIP. */
static void expect_fault(asm_fn *fn, uint64_t arg, unsigned len, uint64_t vec, uint64_t err, char *rip,
			 const char *what)
{
	uint64_t before = trap_last.count;

	trap_skip_next(len);
	fn(arg);
	trap_skip_cancel();
	CHECK(trap_last.count == before + 1 && LAST.vector == vec && LAST.error == err && LAST.rip == (uint64_t)rip,
	      "%s: vector %lu error %#lx at the faulting instruction", what, vec, err);
	if (trap_last.count != before + 1 || LAST.vector != vec || LAST.error != err || LAST.rip != (uint64_t)rip)
		test_diag("got vector %lu error %#lx rip %#lx (want rip %p)", LAST.vector, LAST.error, LAST.rip, rip);
}

static void expect_pf(asm_fn *fn, char *rip, uint64_t addr, uint64_t err, const char *what)
{
	uint64_t before = trap_last.count;

	trap_skip_next(3);
	fn(addr);
	trap_skip_cancel();
	CHECK(trap_last.count == before + 1 && LAST.vector == 14 && LAST.error == err && LAST.rip == (uint64_t)rip &&
		      trap_last.cr2 == addr,
	      "#PF error code %#lx, CR2 = address, for %s", err, what);
	if (LAST.vector != 14 || LAST.error != err || trap_last.cr2 != addr || LAST.rip != (uint64_t)rip)
		test_diag("got vector %lu error %#lx cr2 %#lx rip %#lx", LAST.vector, LAST.error, trap_last.cr2, LAST.rip);
}

static void expect_user_pf(uint64_t entry, char *rip, uint64_t addr, uint64_t err, const char *what)
{
	int v;

	user_addr = addr;
	v = user_run(entry, RFLAGS_FIXED);
	CHECK(v == 14 && LAST.error == err && LAST.rip == (uint64_t)rip && trap_last.cr2 == addr &&
		      LAST.cs == SEL_UCODE64,
	      "#PF error code %#lx for %s from ring 3", err, what);
	if (v != 14 || LAST.error != err || trap_last.cr2 != addr || LAST.rip != (uint64_t)rip)
		test_diag("got vector %d error %#lx cr2 %#lx rip %#lx cs %#lx", v, LAST.error, trap_last.cr2, LAST.rip,
			  LAST.cs);
}

static void page_faults(void)
{
	uint64_t *pte, *pde;
	int level;

	pte_split(PAGE_NP);
	*pte_lookup(PAGE_NP, &level) &= ~PTE_P;
	invlpg(PAGE_NP);
	*pte_lookup(PAGE_RO, &level) &= ~PTE_W;
	invlpg(PAGE_RO);
	*pte_lookup(PAGE_SUP, &level) &= ~PTE_U;
	invlpg(PAGE_SUP);

	/*
	 * SDM vol. 3 §4.7, page-fault error code: bit 0 P (0 = not-present
	 * page, 1 = protection violation), bit 1 W/R (1 = write), bit 2 U/S
	 * (1 = user-mode access), bit 3 RSVD, bit 4 I/D (instruction fetch).
	 * #PF is a fault: the saved RIP is the faulting instruction; CR2 holds
	 * the linear address that faulted.
	 */
	expect_pf(do_read, fault_read, PAGE_NP + 0x18, 0x0, "supervisor read of a not-present page");
	expect_pf(do_write, fault_write, PAGE_NP + 0x20, 0x2, "supervisor write to a not-present page");
	/* §4.6.1: with CR0.WP = 1 supervisor writes need R/W = 1 at every level. */
	expect_pf(do_write, fault_write, PAGE_RO + 8, 0x3, "supervisor write to a read-only page with CR0.WP=1");
	/* §4.6.1: with CR0.WP = 0 a supervisor write to a user-mode read-only page is allowed. */
	WRITE_CR(0, READ_CR(0) & ~CR0_WP);
	uint64_t before = trap_last.count;
	do_write(PAGE_RO + 16);
	trap_skip_cancel();
	CHECK(trap_last.count == before && *(volatile uint64_t *)(PAGE_RO + 16) == PAGE_RO + 16,
	      "supervisor write to a read-only page succeeds with CR0.WP=0");
	WRITE_CR(0, READ_CR(0) | CR0_WP);

	/* A not-present PDE ends the walk at the directory level: still P = 0. */
	pde = pte_lookup(REGION_NP_PDE, &level);
	*pde &= ~PTE_P;
	invlpg(REGION_NP_PDE + 0x1000);
	expect_pf(do_read, fault_read, REGION_NP_PDE + 0x1008, 0x0, "a read under a not-present PDE");
	*pde |= PTE_P;
	invlpg(REGION_NP_PDE + 0x1000);

	/* §4.6.2: with EFER.NXE = 1 an instruction fetch from an XD = 1 page faults, I/D = 1. */
	if (rdmsr(MSR_EFER) & EFER_NXE) {
		pte = pte_split(PAGE_NX);
		*(volatile uint8_t *)PAGE_NX = 0xC3;	/* RET */
		*pte |= PTE_NX;
		invlpg(PAGE_NX);
		if (trap_catch() == 0)
			((void (*)(void))PAGE_NX)();
		CHECK(LAST.vector == 14 && LAST.error == 0x11 && LAST.rip == PAGE_NX && trap_last.cr2 == PAGE_NX,
		      "#PF error code 0x11 for a fetch from an XD page, RIP = CR2 = the page");
		*pte &= ~PTE_NX;
		invlpg(PAGE_NX);
		before = trap_last.count;
		((void (*)(void))PAGE_NX)();
		CHECK(trap_last.count == before, "the same code runs once XD is cleared");
	} else {
		test_skip("no NX", "#PF for a fetch from an XD page");
		test_skip("no NX", "the same code runs once XD is cleared");
	}

	/* §4.6.1: CPL 3 accesses need U/S = 1 at every level; R/W = 1 for writes. */
	expect_user_pf((uint64_t)user_read, fault_user_read, PAGE_SUP + 0x40, 0x5, "a user read of a supervisor page");
	expect_user_pf((uint64_t)user_write, fault_user_write, PAGE_SUP + 0x48, 0x7, "a user write to a supervisor page");
	expect_user_pf((uint64_t)user_write, fault_user_write, PAGE_RO + 0x50, 0x7, "a user write to a read-only page");
	expect_user_pf((uint64_t)user_read, fault_user_read, PAGE_NP + 0x58, 0x4, "a user read of a not-present page");
	user_addr = PAGE_RO + 0x60;
	CHECK_EQ(user_run((uint64_t)user_read, RFLAGS_FIXED), USER_END_VECTOR, "a user read of a user read-only page works");
}

/* #DF: a #PF whose IDT gate is not present raises #NP, and #PF then #NP is a double fault. */
static void double_fault(void)
{
	idt_gate_present(14, 0);
	if (trap_catch() == 0)
		do_read(PAGE_NP);
	idt_gate_present(14, 1);
	/* SDM vol. 3 §6.15, table 6-5: page fault then contributory (#NP) -> #DF, error code 0. */
	CHECK(LAST.vector == 8 && LAST.error == 0, "#PF with a not-present IDT gate escalates to #DF, error code 0");
}

int kmain(struct multiboot_info *mbi)
{
	uint64_t before;

	printf("# exceptions: vectors, error codes, saved RIP and CR2\n");

	/* SDM DIV/IDIV: #DE if the divisor is 0 or the quotient is too large; #DE is a fault. */
	expect_fault(do_div0, 0, 2, 0, 0, fault_div0, "#DE for DIV by zero");
	expect_fault(do_divovf, 0, 2, 0, 0, fault_divovf, "#DE for a 32-bit DIV quotient overflow");
	expect_fault(do_idivovf, 0, 3, 0, 0, fault_idivovf, "#DE for IDIV INT64_MIN / -1");
	expect_fault(do_div8, 0, 2, 0, 0, fault_div8, "#DE for an 8-bit DIV quotient overflow");
	/* UD2 raises #UD; INTO is invalid in 64-bit mode; LOCK needs a memory destination. */
	expect_fault(do_ud2, 0, 2, 6, 0, fault_ud2, "#UD for UD2");
	expect_fault(do_into, 0, 1, 6, 0, fault_into, "#UD for INTO in 64-bit mode");
	expect_fault(do_lock, 0, 3, 6, 0, fault_lock, "#UD for LOCK ADD with a register destination");

	/* INT3 is a trap: the saved RIP is the instruction after it (SDM INT n/INTO/INT3). */
	before = trap_last.count;
	trap_skip_next(0);
	do_int3(0);
	CHECK(trap_last.count == before + 1 && LAST.vector == 3 && LAST.rip == (uint64_t)after_int3,
	      "#BP from INT3 is a trap: saved RIP is the next instruction");

	/*
	 * SDM MOV (to Sreg), protected-mode checks, and §6.13 error codes: the
	 * error code is the selector with bits 1:0 replaced by IDT = 0, EXT = 0.
	 */
	expect_fault(do_load_ds, 0x1FB, 2, 13, 0x1F8, fault_load_ds,
		     "#GP(selector) for MOV DS of 0x1FB beyond the GDT limit");
	expect_fault(do_load_ds, SEL_TSS, 2, 13, SEL_TSS, fault_load_ds, "#GP(selector) for MOV DS of a TSS descriptor");
	expect_fault(do_load_ds, SEL_KDATA | 3, 2, 13, SEL_KDATA, fault_load_ds,
		     "#GP(selector) for MOV DS with RPL 3 > DPL 0");
	expect_fault(do_load_ds, 0x04, 2, 13, 0x04, fault_load_ds, "#GP(selector) for MOV DS of an LDT selector, empty LDT");

	/* §3.3.7.1: a non-canonical address raises #GP(0), or #SS(0) for a stack reference. */
	expect_fault(do_read, 0x0000800000000000ul, 3, 13, 0, fault_read, "#GP(0) for a read at 0x0000800000000000");
	expect_fault(do_read, 0xFFFF7FFFFFFFFFF0ul, 3, 13, 0, fault_read, "#GP(0) for a read at 0xFFFF7FFFFFFFFFF0");

	page_faults();
	double_fault();
	test_done();
}
