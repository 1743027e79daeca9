/*
 * iret.c — privilege changes through the IDT and IRETQ: IRETQ to ring 3
 * (segments, RSP, RFLAGS, data segments nulled), INT n from ring 3 through
 * DPL-3 interrupt and trap gates (stack switch to TSS.RSP0, the frame
 * pushed, IF, SS), the #GP/#NP a gate raises, IRETQ at the same level, and
 * the selector checks IRETQ makes.
 */
#include "guest.h"

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")
#define LAST (trap_last.f)

uint64_t u_cs, u_ss, u_ds, u_es, u_rsp, u_rflags;
void user_state(void), user_int81(void), user_int82(void), user_int83(void), user_load_ds(void);
extern char user_state_after[], fault_int82[], fault_int83[], fault_user_ds[];
uint64_t iret_same(uint64_t new_rsp, uint64_t rflags, uint64_t *flags_after);

ASM_FN(user_state, "movw %cs, u_cs(%rip)\n movw %ss, u_ss(%rip)\n movw %ds, u_ds(%rip)\n"
		   "movw %es, u_es(%rip)\n movq %rsp, u_rsp(%rip)\n pushfq\n popq u_rflags(%rip)\n"
		   "int $0x80\n user_state_after: ud2");
ASM_FN(user_int81, "int $0x81\n ud2");
ASM_FN(user_int82, "fault_int82: int $0x82\n ud2");
ASM_FN(user_int83, "fault_int83: int $0x83\n ud2");
/* MOV DS of the user data selector works at CPL 3, the kernel's does not. */
ASM_FN(user_load_ds, "movw $0x2B, %ax\n movw %ax, %ds\n movw $0x10, %ax\n fault_user_ds: movw %ax, %ds\n int $0x80");

/*
 * iret_same(new_rsp, rflags, &flags_after): IRETQ at CPL 0 with a frame
 * naming another stack; returns the RSP seen after IRETQ.
 */
ASM_FN(iret_same, "movq %rsp, %r8\n"
		  "pushq $0x10\n pushq %rdi\n pushq %rsi\n pushq $0x08\n leaq 1f(%rip), %rax\n pushq %rax\n"
		  "iretq\n"
		  "1: pushfq\n popq %rcx\n movq %rsp, %rax\n movq %r8, %rsp\n movq %rcx, (%rdx)\n"
		  "pushq $0x2\n popfq\n ret");

int kmain(struct multiboot_info *mbi)
{
	uint64_t ustack = (uint64_t)user_stack_top;
	uint64_t rsp0 = tss.rsp[0];
	int r;

	printf("# iret: IRETQ to ring 3, INT n through gates, stack switch\n");

	/* Make DS/ES the DPL-0 data segment: IRETQ to CPL 3 must null them. */
	__asm__ volatile("mov %0, %%ds; mov %0, %%es" : : "r"((uint16_t)SEL_KDATA));
	u_ds = u_es = 0xFFFF;
	r = user_run((uint64_t)user_state, RFLAGS_FIXED | RFLAGS_CF);
	CHECK_EQ(r, USER_END_VECTOR, "ring-3 code ran and ended with INT 0x80");
	/* SDM IRET, return to outer privilege level: CS, SS, RSP, RFLAGS from the frame. */
	CHECK_EQ(u_cs, SEL_UCODE64, "IRETQ to CPL 3: CS = 0x33");
	CHECK_EQ(u_ss, SEL_UDATA, "IRETQ to CPL 3: SS = 0x2b");
	CHECK_EQ(u_rsp, ustack, "IRETQ to CPL 3: RSP from the frame");
	CHECK_EQ(u_rflags, RFLAGS_FIXED | RFLAGS_CF, "IRETQ to CPL 3: RFLAGS from the frame (CF set)");
	/* SDM IRET: ES, FS, GS, DS holding a data segment with DPL < CPL are loaded with NULL. */
	CHECK_EQ(u_ds & 0xFFFF, 0, "IRETQ to CPL 3 nulls DS that held a DPL-0 data segment");
	CHECK_EQ(u_es & 0xFFFF, 0, "IRETQ to CPL 3 nulls ES that held a DPL-0 data segment");

	/*
	 * SDM vol. 3 §6.14.2-6.14.4: from CPL 3 the CPU switches to TSS.RSP0
	 * (aligned to 16 bytes), pushes SS, RSP, RFLAGS, CS, RIP and loads SS
	 * with a NULL selector (RPL = new CPL = 0).  INT n saves the RIP of the
	 * next instruction.
	 */
	CHECK_EQ(LAST.cs, SEL_UCODE64, "INT 0x80 frame: CS = 0x33");
	CHECK_EQ(LAST.ss, SEL_UDATA, "INT 0x80 frame: SS = 0x2b");
	CHECK_EQ(LAST.rsp, ustack, "INT 0x80 frame: RSP = the user RSP");
	CHECK_EQ(LAST.rip, (uint64_t)user_state_after, "INT 0x80 frame: RIP = the next instruction");
	CHECK_EQ(LAST.rflags, RFLAGS_FIXED | RFLAGS_CF, "INT 0x80 frame: RFLAGS = the user RFLAGS");
	CHECK_EQ(trap_last.frame_addr, (rsp0 & ~15ul) - 40, "stack switched: the frame ends at TSS.RSP0");
	CHECK_EQ(trap_last.handler_ss, 0, "SS is NULL in the handler after the CPL change");

	/* §6.12.1.3: an interrupt gate clears IF, a trap gate leaves it. */
	r = user_run((uint64_t)user_state, RFLAGS_FIXED | RFLAGS_IF);
	CHECK(r == USER_END_VECTOR && (LAST.rflags & RFLAGS_IF) && !(trap_last.handler_rflags & RFLAGS_IF),
	      "interrupt gate: IF = 1 in the pushed RFLAGS, IF = 0 in the handler");
	idt_set_gate(0x81, isr_stub(0x81), GATE_TRAP, 3, 0);
	r = user_run((uint64_t)user_int81, RFLAGS_FIXED | RFLAGS_IF);
	CHECK(r == 0x81 && (LAST.rflags & RFLAGS_IF) && (trap_last.handler_rflags & RFLAGS_IF),
	      "trap gate: IF stays 1 in the handler");

	/*
	 * SDM INT n: gate DPL < CPL -> #GP, gate not present -> #NP, both
	 * faults on the INT.  Their error codes (vector * 8 + 2) are checked in
	 * sdmstrict.c: QEMU 7.2 reports vector * 16 + 2.
	 */
	r = user_run((uint64_t)user_int82, RFLAGS_FIXED);
	CHECK(r == 13 && LAST.rip == (uint64_t)fault_int82 && LAST.cs == SEL_UCODE64,
	      "#GP for INT 0x82 at CPL 3 through a DPL-0 gate, RIP = the INT");
	idt_set_gate(0x83, isr_stub(0x83), GATE_INTR, 3, 0);
	idt_gate_present(0x83, 0);
	r = user_run((uint64_t)user_int83, RFLAGS_FIXED);
	CHECK(r == 11 && LAST.rip == (uint64_t)fault_int83, "#NP for INT 0x83 through a not-present DPL-3 gate");

	/* SDM MOV to DS at CPL 3: DPL 3 data is fine; DPL 0 data -> #GP(selector). */
	r = user_run((uint64_t)user_load_ds, RFLAGS_FIXED);
	CHECK(r == 13 && LAST.error == SEL_KDATA && LAST.rip == (uint64_t)fault_user_ds,
	      "#GP(0x10) for MOV DS of the DPL-0 data segment at CPL 3");

	/* SDM IRET in 64-bit mode: IRETQ always pops SS:RSP, also without a CPL change. */
	static uint64_t other_stack[64] __attribute__((aligned(16)));
	uint64_t flags_after = 0;
	uint64_t rsp_after = iret_same((uint64_t)&other_stack[32], RFLAGS_FIXED | RFLAGS_CF | RFLAGS_ZF, &flags_after);
	CHECK_EQ(rsp_after, (uint64_t)&other_stack[32], "IRETQ at CPL 0 loads RSP from the frame");
	CHECK_EQ(flags_after, RFLAGS_FIXED | RFLAGS_CF | RFLAGS_ZF, "IRETQ at CPL 0 loads RFLAGS from the frame");

	/* SDM IRET: non-conforming code with DPL != RPL -> #GP(selector); SS RPL != CS RPL -> #GP(SS). */
	if (trap_catch() == 0)
		user_iret((uint64_t)user_state, ustack, RFLAGS_FIXED, SEL_UCODE64 & ~3, SEL_UDATA);
	CHECK(LAST.vector == 13 && LAST.error == (SEL_UCODE64 & ~3) && LAST.cs == SEL_KCODE64,
	      "#GP(0x30) for IRETQ to CS 0x30: RPL 0 but DPL 3");
	if (trap_catch() == 0)
		user_iret((uint64_t)user_state, ustack, RFLAGS_FIXED, SEL_UCODE64, SEL_UDATA & ~3);
	CHECK(LAST.vector == 13 && LAST.error == (SEL_UDATA & ~3) && LAST.cs == SEL_KCODE64,
	      "#GP(0x28) for IRETQ with SS RPL 0 != CS RPL 3");
	if (LAST.vector != 13 || LAST.error != (SEL_UDATA & ~3))
		test_diag("got vector %lu error %#lx", LAST.vector, LAST.error);
	test_done();
}
