/*
 * sdmstrict.c — checks where QEMU 7.2 (TCG) departs from the Intel SDM.
 * mmulab follows the SDM, so sdmstrict.expect holds the SDM's answers and
 * sdmstrict.qemu.expect what QEMU 7.2 prints; the integration tier compares
 * each emulator with its own file and does not require them to agree.
 * Every check names the SDM rule it relies on.
 */
#include "guest.h"

#define PAGE_RSVD 0x403000ul

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")
void do_read(uint64_t addr), do_read_ss(uint64_t addr);
extern char fault_read[], fault_read_ss[];
ASM_FN(do_read, "fault_read: movq (%rdi), %rax\n ret");
/* A reference with RBP as base uses SS (SDM vol. 1 §3.7.4). */
ASM_FN(do_read_ss, "pushq %rbp\n movq %rdi, %rbp\n fault_read_ss: movq 0(%rbp), %rax\n popq %rbp\n ret");

#define LAST (trap_last.f)

/* SYSCALL entry: record RFLAGS on the kernel stack, unwind to trap_catch(). */
uint64_t k_rflags;
void syscall_entry(void), user_flags(void);
ASM_FN(syscall_entry, "leaq kernel_stack_top(%rip), %rsp\n pushfq\n popq k_rflags(%rip)\n jmp trap_catch_resume");
/* CMP sets ZF and PF (0 - 0); STD sets DF: RFLAGS = 0x446 at the SYSCALL. */
ASM_FN(user_flags, "cmpl %eax, %eax\n std\n syscall\n ud2");
void user_int82(void), user_int83(void), do_sysret32(uint64_t rip, uint64_t rsp);
extern char compat_syscall[];
/* SYSRET with 32-bit operand size into compatibility mode (RIP = ECX, RFLAGS = R11). */
ASM_FN(do_sysret32, "movq %rdi, %rcx\n movq $2, %r11\n movq %rsi, %rsp\n sysretl");
__asm__(".text\n.code32\ncompat_syscall: syscall\n ud2\n.code64\n");
ASM_FN(user_int82, "int $0x82\n ud2");
ASM_FN(user_int83, "int $0x83\n ud2");

int kmain(struct multiboot_info *mbi)
{
	uint32_t r[4];
	uint64_t before, *pte;
	int v;

	printf("# sdmstrict: SDM rules QEMU 7.2 does not follow\n");

	/*
	 * SDM vol. 1 §3.3.7.1 and MOV "64-Bit Mode Exceptions": "#SS(0) If a
	 * memory address referencing the SS segment is in a non-canonical
	 * form."  QEMU 7.2 raises #GP(0) instead.
	 */
	before = trap_last.count;
	trap_skip_next(4);
	do_read_ss(0x0000800000000000ul);
	trap_skip_cancel();
	CHECK(trap_last.count == before + 1 && LAST.vector == 12 && LAST.error == 0 &&
		      LAST.rip == (uint64_t)fault_read_ss,
	      "#SS(0) for a non-canonical reference through RBP");
	if (LAST.vector != 12)
		test_diag("got vector %lu error %#lx", LAST.vector, LAST.error);

	/*
	 * SDM vol. 3 §4.7: P (bit 0) is 0 only when a P flag was 0; "bit 3 of
	 * the error code can be set only if bit 0 is also set".  A PTE bit
	 * between MAXPHYADDR and 51 is reserved (§4.5.4), so a read through it
	 * gives error code P|RSVD = 0x9.  QEMU 7.2 reports 0x8.
	 */
	cpuid(0x80000008, 0, r);
	if ((r[0] & 0xFF) < 52) {
		pte = pte_split(PAGE_RSVD);
		*pte |= 1ul << 51;
		invlpg(PAGE_RSVD);
		trap_skip_next(3);
		do_read(PAGE_RSVD + 8);
		trap_skip_cancel();
		CHECK(LAST.vector == 14 && LAST.error == 0x9 && trap_last.cr2 == PAGE_RSVD + 8 &&
			      LAST.rip == (uint64_t)fault_read,
		      "#PF error code 0x9 (P|RSVD) for a PTE with reserved bit 51 set");
		if (LAST.error != 0x9)
			test_diag("got vector %lu error %#lx", LAST.vector, LAST.error);
		*pte &= ~(1ul << 51);
		invlpg(PAGE_RSVD);
	} else {
		test_skip("MAXPHYADDR is 52", "#PF error code 0x9 for a reserved PTE bit");
	}

	/*
	 * SDM SYSCALL: "RFLAGS <- RFLAGS AND NOT(IA32_FMASK)": with FMASK = DF
	 * the kernel runs with ZF and PF as the user left them, 0x46.  QEMU 7.2
	 * clears every arithmetic flag (it sees 0x2).
	 */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE64 << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, RFLAGS_DF);
	CHECK(user_run((uint64_t)user_flags, RFLAGS_FIXED) == USER_END_SYSCALL && k_rflags == 0x46,
	      "SYSCALL: RFLAGS = user RFLAGS 0x446 & ~FMASK(DF) = 0x46");
	if (k_rflags != 0x46)
		test_diag("got RFLAGS %#lx", k_rflags);

	/*
	 * SDM INT n, IA-32e mode: "IF gate DPL < CPL THEN #GP(error_code(
	 * vector_number,1,0))", "IF gate not present THEN #NP(error_code(
	 * vector_number,1,EXT))", and §6.13: the error code holds the IDT
	 * index in bits 15:3 with IDT (bit 1) = 1: vector * 8 + 2.  QEMU 7.2
	 * reports vector * 16 + 2 for these in 64-bit mode.
	 */
	v = user_run((uint64_t)user_int82, RFLAGS_FIXED);
	CHECK(v == 13 && LAST.error == 0x82 * 8 + 2, "#GP error code 0x412 for INT 0x82 at CPL 3 through a DPL-0 gate");
	if (LAST.error != 0x82 * 8 + 2)
		test_diag("got vector %d error %#lx", v, LAST.error);
	idt_set_gate(0x83, isr_stub(0x83), GATE_INTR, 3, 0);
	idt_gate_present(0x83, 0);
	v = user_run((uint64_t)user_int83, RFLAGS_FIXED);
	CHECK(v == 11 && LAST.error == 0x83 * 8 + 2, "#NP error code 0x41a for INT 0x83 through a not-present gate");
	if (LAST.error != 0x83 * 8 + 2)
		test_diag("got vector %d error %#lx", v, LAST.error);

	/*
	 * SDM SYSCALL, "Compatibility Mode Exceptions: #UD The SYSCALL
	 * instruction is not recognized in compatibility mode."  QEMU 7.2
	 * follows AMD here and enters through IA32_CSTAR (set to the same
	 * entry, so the run comes back either way).
	 */
	wrmsr(0xC0000083, (uint64_t)syscall_entry);
	v = trap_catch();
	if (v == 0)
		do_sysret32((uint64_t)compat_syscall, (uint64_t)user_stack_top);
	CHECK(v == 1 && LAST.vector == 6 && LAST.rip == (uint64_t)compat_syscall && LAST.cs == SEL_UCODE32,
	      "#UD for SYSCALL in compatibility mode");
	if (v != 1 || LAST.vector != 6)
		test_diag("got %s vector %lu", v == 2 ? "SYSCALL entry," : "trap", LAST.vector);
	test_done();
}
