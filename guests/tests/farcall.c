/*
 * farcall.c — far transfers between code segments: CALL FAR m16:64 and
 * m16:32, RETF with and without an immediate, JMP FAR m16:64, far calls
 * from compatibility mode into 64-bit code, a 64-bit call gate at the same
 * level and from ring 3 to ring 0 (stack switch, RETF back to ring 3), and
 * the #GP/#UD those transfers raise.
 */
#include "guest.h"

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")
#define LAST (trap_last.f)
#define GATE0	(SEL_FREE)		/* 0x50: call gate, DPL 0 */
#define GATE3	(SEL_FREE + 16)		/* 0x60: call gate, DPL 3 */

/* Filled by the targets: CS seen there, and the words pushed by the call. */
uint64_t t_cs, t_ss, t_rsp, t_rip, t_pcs, t_prsp, t_pss;
uint64_t after_cs, u_rsp, u_cs_after, u_rsp_after;
/* Far pointers: offset (8 or 4 bytes) then selector. */
struct { uint64_t off; uint16_t sel; } __attribute__((packed)) fp_alt, fp_imm, fp_jmp, fp_back, fp_gate0, fp_gate3, fp_gate_bad;
struct { uint32_t off; uint16_t sel; } __attribute__((packed)) fp_c32;

void far_call64(void), far_call_gate0(void), far_jmp64(void), user_gate3(void), user_gate_bad(void);
uint64_t far_call_imm(void);
uint32_t far_call32(void), compat_far_call(void);
void far_target64(void), far_target_imm(void), jmp_target(void), gate_target_priv(void), do_9a(void), do_ea(void);
extern char far_call64_ret[], far_call32_ret[], jmp_back[], user_gate_ret[], fault_gate_bad[], c32_call_ret[];
extern char c32_target[], c32_caller[], t64_from32[], fault_9a[], fault_ea[];

/* Target in any 64-bit segment: records CS and the pushed RIP and CS, RETF (64-bit). */
ASM_FN(far_target64, "movq $0, t_cs(%rip)\n movw %cs, t_cs(%rip)\n"
		     "movq (%rsp), %rax\n movq %rax, t_rip(%rip)\n movq 8(%rsp), %rax\n movq %rax, t_pcs(%rip)\n"
		     "lretq");
ASM_FN(far_call64, "rex64 lcall *fp_alt(%rip)\n far_call64_ret:\n"
		   "movq $0, after_cs(%rip)\n movw %cs, after_cs(%rip)\n ret");
/* RETF imm16: after popping RIP and CS, RSP += imm16 (the caller's arguments). */
ASM_FN(far_target_imm, "lretq $16");
ASM_FN(far_call_imm, "movq %rsp, %r8\n pushq $1\n pushq $2\n rex64 lcall *fp_imm(%rip)\n"
		     "movq %rsp, %rax\n subq %r8, %rax\n movq %r8, %rsp\n ret");
/* CALL m16:32 from 64-bit mode into the 32-bit segment; 0x40 is INC EAX there. */
ASM_FN(far_call32, "movl $5, %eax\n lcall *fp_c32(%rip)\n far_call32_ret: ret");
__asm__(".text\n.code32\n.globl c32_target\nc32_target:\n"
	".byte 0x40\n movl $0, t_cs + 4\n movl %cs, %edx\n movl %edx, t_cs\n"
	"movl (%esp), %edx\n movl %edx, t_rip\n movl $0, t_rip + 4\n"
	"movl 4(%esp), %edx\n movl %edx, t_pcs\n movl $0, t_pcs + 4\n"
	"lret\n.code64\n");
/* JMP m16:64 to the alias segment and back. */
ASM_FN(far_jmp64, "rex64 ljmp *fp_jmp(%rip)\n jmp_back: ret");
ASM_FN(jmp_target, "movq $0, t_cs(%rip)\n movw %cs, t_cs(%rip)\n rex64 ljmp *fp_back(%rip)");
ASM_FN(far_call_gate0, "rex64 lcall *fp_gate0(%rip)\n ret");
/* From compatibility mode: CALL ptr16:32 (9A, valid there) into 64-bit code, which returns with a 32-bit RETF. */
ASM_FN(compat_far_call, "pushq %rbx\n pushq $0x18\n leaq c32_caller(%rip), %rax\n pushq %rax\n lretq\n"
			".code32\nc32_caller:\n lcall $0x08, $t64_from32\n c32_call_ret:\n"
			"ljmp $0x08, $1f\n.code64\n1: popq %rbx\n ret");
ASM_FN(t64_from32, "movl (%rsp), %eax\n movq %rax, t_rip(%rip)\n movl 4(%rsp), %eax\n movq %rax, t_pcs(%rip)\n"
		   "lretl");
/* Ring 3 -> ring 0 through the DPL-3 gate, RETF back to ring 3. */
ASM_FN(user_gate3, "movq %rsp, u_rsp(%rip)\n rex64 lcall *fp_gate3(%rip)\n user_gate_ret:\n"
		   "movw %cs, u_cs_after(%rip)\n movq %rsp, u_rsp_after(%rip)\n int $0x80");
ASM_FN(gate_target_priv, "movq $0, t_cs(%rip)\n movw %cs, t_cs(%rip)\n movq $0, t_ss(%rip)\n movw %ss, t_ss(%rip)\n"
			 "movq %rsp, t_rsp(%rip)\n movq (%rsp), %rax\n movq %rax, t_rip(%rip)\n"
			 "movq 8(%rsp), %rax\n movq %rax, t_pcs(%rip)\n movq 16(%rsp), %rax\n movq %rax, t_prsp(%rip)\n"
			 "movq 24(%rsp), %rax\n movq %rax, t_pss(%rip)\n lretq");
ASM_FN(user_gate_bad, "fault_gate_bad: rex64 lcall *fp_gate_bad(%rip)\n int $0x80");
/* 9A (CALL ptr16:32) and EA (JMP ptr16:32) are invalid in 64-bit mode: 7 bytes each. */
ASM_FN(do_9a, "fault_9a: .byte 0x9A, 0, 0, 0, 0, 0x08, 0\n ret");
ASM_FN(do_ea, "fault_ea: .byte 0xEA, 0, 0, 0, 0, 0x08, 0\n ret");

/* A 64-bit call gate (SDM vol. 3 §5.8.3.1, figure 5-9): 16 bytes, type 0xC. */
static void set_call_gate(int sel, uint64_t target, int dpl)
{
	gdt[sel / 8] = (target & 0xFFFF) | ((uint64_t)SEL_KCODE64 << 16) | ((uint64_t)(0x80 | (dpl << 5) | 0xC) << 40) |
		       (((target >> 16) & 0xFFFF) << 48);
	gdt[sel / 8 + 1] = target >> 32;
}

int kmain(struct multiboot_info *mbi)
{
	uint64_t before;
	int r;

	printf("# farcall: far CALL/RET/JMP, call gates, compatibility mode\n");
	fp_alt.off = (uint64_t)far_target64;
	fp_alt.sel = SEL_KCODE64_ALT;
	fp_imm.off = (uint64_t)far_target_imm;
	fp_imm.sel = SEL_KCODE64_ALT;
	fp_jmp.off = (uint64_t)jmp_target;
	fp_jmp.sel = SEL_KCODE64_ALT;
	fp_back.off = (uint64_t)jmp_back;
	fp_back.sel = SEL_KCODE64;
	fp_c32.off = (uint32_t)(uint64_t)c32_target;
	fp_c32.sel = SEL_KCODE32;

	/* SDM CALL (far, same privilege, 64-bit operand): push CS then RIP; RETF pops them. */
	far_call64();
	CHECK_EQ(t_cs, SEL_KCODE64_ALT, "CALL FAR m16:64: CS = 0x48 in the target");
	CHECK_EQ(t_pcs & 0xFFFF, SEL_KCODE64, "CALL FAR m16:64 pushes the caller's CS 0x08");
	CHECK_EQ(t_rip, (uint64_t)far_call64_ret, "CALL FAR m16:64 pushes the return RIP");
	CHECK_EQ(after_cs, SEL_KCODE64, "RETF (64-bit) returns to CS 0x08");
	/* SDM RET: far return with imm16 releases imm16 bytes of parameters after CS:RIP. */
	CHECK_EQ(far_call_imm(), 0, "RETF 16 pops the two 8-byte arguments: RSP back where it was");

	/* CALL m16:32 in 64-bit mode: 32-bit pushes (EIP, CS); target is the 32-bit segment. */
	r = (int)far_call32();
	CHECK_EQ(r, 6, "CALL FAR m16:32 into the 32-bit segment: 0x40 runs as INC EAX");
	CHECK_EQ(t_cs, SEL_KCODE32, "CALL FAR m16:32: CS = 0x18 in the target");
	CHECK(t_rip == (uint64_t)far_call32_ret && (t_pcs & 0xFFFF) == SEL_KCODE64,
	      "CALL FAR m16:32 pushed a 4-byte EIP and a 4-byte CS");
	CHECK_EQ(read_cs(), SEL_KCODE64, "32-bit RETF returns to the 64-bit segment");

	/* SDM JMP (far, m16:64): loads CS:RIP, pushes nothing. */
	far_jmp64();
	CHECK_EQ(t_cs, SEL_KCODE64_ALT, "JMP FAR m16:64 to CS 0x48 and back to 0x08");

	/* SDM CALL from compatibility mode: ptr16:32 into a 64-bit segment; RETF with 32-bit operand size. */
	t_rip = t_pcs = 0;
	compat_far_call();
	CHECK(t_rip == (uint64_t)c32_call_ret && t_pcs == SEL_KCODE32,
	      "CALL ptr16:32 from compatibility mode into 64-bit code pushes EIP and CS 0x18");

	/* SDM CALL through a 64-bit call gate, same privilege: the gate's selector and offset are used. */
	set_call_gate(GATE0, (uint64_t)far_target64, 0);
	fp_gate0.off = 0xDEAD;	/* ignored: the gate supplies the offset */
	fp_gate0.sel = GATE0;
	t_cs = t_pcs = 0;
	before = trap_last.count;
	if (trap_catch() == 0) {
		far_call_gate0();
		trap_catch_cancel();
	}
	CHECK(trap_last.count == before && t_cs == SEL_KCODE64 && (t_pcs & 0xFFFF) == SEL_KCODE64,
	      "CALL FAR through a DPL-0 call gate at CPL 0");
	if (trap_last.count != before)
		test_diag("got vector %lu error %#lx at %#lx", LAST.vector, LAST.error, LAST.rip);

	/*
	 * SDM CALL to a more privileged level through a 64-bit gate: RSP from
	 * TSS.RSP0, SS = NULL (RPL = new CPL), then push old SS, RSP, CS, RIP
	 * (8 bytes each).  RETF to an outer level pops RIP, CS, RSP, SS.
	 */
	set_call_gate(GATE3, (uint64_t)gate_target_priv, 3);
	fp_gate3.sel = GATE3 | 3;
	t_cs = t_ss = t_rsp = t_rip = t_pcs = t_prsp = t_pss = u_cs_after = u_rsp_after = 0xBAD;
	r = user_run((uint64_t)user_gate3, RFLAGS_FIXED);
	CHECK_EQ(r, USER_END_VECTOR, "ring-3 code called through the DPL-3 gate and came back");
	if (r != USER_END_VECTOR)
		test_diag("got vector %d error %#lx at %#lx", r, LAST.error, LAST.rip);
	CHECK_EQ(t_cs, SEL_KCODE64, "call gate from CPL 3: CS = 0x08 (CPL 0) in the target");
	CHECK_EQ(t_ss, 0, "call gate from CPL 3: SS = NULL in the target");
	CHECK_EQ(t_rsp, tss.rsp[0] - 32, "call gate from CPL 3: RSP = TSS.RSP0 - 32 after the pushes");
	CHECK(t_rip == (uint64_t)user_gate_ret && (t_pcs & 0xFFFF) == SEL_UCODE64,
	      "call gate pushes the user CS:RIP");
	CHECK(t_prsp == u_rsp && (t_pss & 0xFFFF) == SEL_UDATA, "call gate pushes the user SS:RSP");
	CHECK(u_cs_after == SEL_UCODE64 && u_rsp_after == u_rsp, "RETF to CPL 3 restores CS 0x33 and the user RSP");

	/* SDM CALL: call gate DPL < CPL -> #GP(call-gate selector). */
	fp_gate_bad.sel = GATE0 | 3;
	r = user_run((uint64_t)user_gate_bad, RFLAGS_FIXED);
	CHECK(r == 13 && LAST.error == GATE0 && LAST.rip == (uint64_t)fault_gate_bad,
	      "#GP(0x50) for CALL FAR through a DPL-0 gate from CPL 3");
	if (r != 13 || LAST.error != GATE0)
		test_diag("got vector %d error %#lx", r, LAST.error);

	/* SDM CALL/JMP opcode tables: 9A and EA are invalid in 64-bit mode (#UD). */
	before = trap_last.count;
	trap_skip_next(7);
	do_9a();
	CHECK(trap_last.count == before + 1 && LAST.vector == 6 && LAST.rip == (uint64_t)fault_9a,
	      "#UD for CALL ptr16:32 (9A) in 64-bit mode");
	trap_skip_next(7);
	do_ea();
	trap_skip_cancel();
	CHECK(trap_last.count == before + 2 && LAST.vector == 6 && LAST.rip == (uint64_t)fault_ea,
	      "#UD for JMP ptr16:32 (EA) in 64-bit mode");
	test_done();
}
