/*
 * syscall.c — SYSCALL/SYSRET between ring 0 and ring 3: the selectors taken
 * from IA32_STAR, the entry point from IA32_LSTAR, RCX and R11,
 * the RFLAGS mask IA32_FMASK, SYSRET into 64-bit and compatibility mode, #UD
 * without EFER.SCE, and #GP(0) for privileged instructions at CPL 3.
 * SYSCALL from compatibility mode (#UD on Intel, IA32_CSTAR on AMD and in
 * QEMU) is checked in sdmstrict.c.
 */
#include "guest.h"

#define SFMASK_BITS (RFLAGS_DF | (1ul << 18))	/* DF and AC */

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")

/* What the user code and the SYSCALL entry saw. */
uint64_t u_cs, u_ss, u_rsp, u_rflags;
uint64_t k_rcx, k_r11, k_rsp, k_rflags, k_cs, k_ss, k_rax, k_entry;

void do_sysret64(uint64_t rip, uint64_t rsp, uint64_t rflags) __attribute__((noreturn));
void do_sysret32(uint64_t rip, uint64_t rsp, uint64_t rflags) __attribute__((noreturn));
void syscall_entry(void), do_syscall(void);
extern char user_sc64[], user_sc64_after[], user_sc32[], user_sc32_int[], after_syscall_ud[];

/* SYSRET: RIP <- RCX, RFLAGS <- R11; REX.W selects a 64-bit target. */
ASM_FN(do_sysret64, "movq %rdi, %rcx\n movq %rdx, %r11\n movq %rsi, %rsp\n sysretq");
ASM_FN(do_sysret32, "movq %rdi, %rcx\n movq %rdx, %r11\n movq %rsi, %rsp\n sysretl");

/* The entries record the state SYSCALL produced, then unwind to trap_catch(). */
#define ENTRY_BODY(tag)                                              \
	"movq %rcx, k_rcx(%rip)\n movq %r11, k_r11(%rip)\n"          \
	"movq %rsp, k_rsp(%rip)\n movq %rax, k_rax(%rip)\n"          \
	"movq $0, k_cs(%rip)\n movw %cs, k_cs(%rip)\n"               \
	"movq $0, k_ss(%rip)\n movw %ss, k_ss(%rip)\n"               \
	"movq $" tag ", k_entry(%rip)\n"                             \
	"leaq kernel_stack_top(%rip), %rsp\n"                        \
	"pushfq\n popq k_rflags(%rip)\n"                             \
	"jmp trap_catch_resume"
ASM_FN(syscall_entry, ENTRY_BODY("64"));

/* 64-bit user code: records CS, SS, RSP, RFLAGS, sets ZF PF DF, then SYSCALL. */
ASM_FN(user_sc64, "movw %cs, u_cs(%rip)\n movw %ss, u_ss(%rip)\n movq %rsp, u_rsp(%rip)\n"
		  "pushfq\n popq u_rflags(%rip)\n"
		  "cmpl %eax, %eax\n std\n movq $0x1234, %rax\n"
		  "syscall\n"
		  "user_sc64_after: ud2");
/* 32-bit user code (compatibility mode): records CS, SS, ESP, ends with INT 0x80. */
__asm__(".text\n.code32\n.globl user_sc32\nuser_sc32:\n"
	"movw %cs, u_cs\n movw %ss, u_ss\n movl %esp, u_rsp\n"
	"user_sc32_int: int $0x80\n ud2\n.code64\n");
/* SYSCALL at CPL 0 with EFER.SCE = 0 (2 bytes). */
ASM_FN(do_syscall, "syscall\n after_syscall_ud: ret");

/* Privileged instructions, each run at CPL 3 and expected to raise #GP(0). */
struct priv {
	const char *name;
	void (*fn)(void);
};
#define PRIV(n, insn) void n(void); ASM_FN(n, insn "\n int $0x80");
PRIV(p_rdmsr, "movl $0xC0000080, %ecx\n rdmsr")
PRIV(p_wrmsr, "movl $0xC0000080, %ecx\n xorl %eax, %eax\n xorl %edx, %edx\n wrmsr")
PRIV(p_movcr3, "movq %cr3, %rax")
PRIV(p_hlt, "hlt")
PRIV(p_cli, "cli")
PRIV(p_lgdt, "lgdt gdt_pointer(%rip)")
PRIV(p_invlpg, "invlpg (%rsp)")
PRIV(p_in, "movw $0x3F8, %dx\n inb %dx, %al")
PRIV(p_swapgs, "swapgs")
PRIV(p_sysret, "sysretq")
static const struct priv privs[] = {
	{ "RDMSR", p_rdmsr }, { "WRMSR", p_wrmsr }, { "MOV from CR3", p_movcr3 }, { "HLT", p_hlt },
	{ "CLI (IOPL 0)", p_cli }, { "LGDT", p_lgdt }, { "INVLPG", p_invlpg },
	{ "IN (IOPL 0, no I/O bitmap)", p_in }, { "SWAPGS", p_swapgs }, { "SYSRET", p_sysret },
};

int kmain(struct multiboot_info *mbi)
{
	uint64_t stack = (uint64_t)user_stack_top - 64;
	int r;

	printf("# syscall: SYSCALL/SYSRET, STAR/LSTAR/FMASK, CPL checks\n");

	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
	/* STAR[47:32] = SYSCALL CS (SS = +8); STAR[63:48] = SYSRET base (SS = +8, CS64 = +16, CS32 = +0). */
	wrmsr(MSR_STAR, ((uint64_t)SEL_UCODE32 << 48) | ((uint64_t)SEL_KCODE64 << 32));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_SFMASK, SFMASK_BITS);

	/* SDM SYSRET: RFLAGS <- (R11 & 3C7FD7H) | 2: bits 3 and 5 of R11 are dropped. */
	r = trap_catch();
	if (r == 0)
		do_sysret64((uint64_t)user_sc64, stack, 0x829);
	CHECK_EQ(r, 2, "user code ran and came back through SYSCALL");
	/* SDM SYSRET: CS = STAR[63:48] + 16 | 3, SS = STAR[63:48] + 8 | 3. */
	CHECK_EQ(u_cs, SEL_UCODE64, "SYSRET to 64-bit mode: CS = STAR[63:48]+16 | 3 = 0x33");
	CHECK_EQ(u_ss, SEL_UDATA, "SYSRET: SS = STAR[63:48]+8 | 3 = 0x2b");
	CHECK_EQ(u_rsp, stack, "SYSRET leaves RSP as it was");
	CHECK_EQ(u_rflags, 0x803, "SYSRET: RFLAGS = (R11 & 0x3C7FD7) | 2 = 0x803 for R11 = 0x829");
	/* SDM SYSCALL: RCX <- next RIP, R11 <- RFLAGS, RFLAGS <- RFLAGS & ~FMASK, CS/SS from STAR[47:32]. */
	CHECK_EQ(k_entry, 64, "64-bit SYSCALL enters at IA32_LSTAR");
	CHECK_EQ(k_rcx, (uint64_t)user_sc64_after, "SYSCALL: RCX = address of the next instruction");
	CHECK_EQ(k_r11, 0x446, "SYSCALL: R11 = user RFLAGS (DF ZF PF = 0x446)");
	/* The full RFLAGS value (ZF and PF kept) is checked in sdmstrict.c: QEMU 7.2 loses them. */
	CHECK_EQ(k_rflags & (SFMASK_BITS | RFLAGS_FIXED), RFLAGS_FIXED, "SYSCALL: RFLAGS.DF and AC cleared by IA32_FMASK");
	CHECK_EQ(k_cs, SEL_KCODE64, "SYSCALL: CS = STAR[47:32] = 0x08 (CPL 0)");
	CHECK_EQ(k_ss, SEL_KDATA, "SYSCALL: SS = STAR[47:32]+8 = 0x10");
	CHECK_EQ(k_rsp, stack, "SYSCALL does not switch stacks: RSP is the user's");
	CHECK_EQ(k_rax, 0x1234, "SYSCALL preserves RAX");

	/* SYSRET with 32-bit operand size: CS = STAR[63:48] | 3; RIP = ECX. */
	u_rsp = 0;
	r = trap_catch();
	if (r == 0)
		do_sysret32((uint64_t)user_sc32, stack, RFLAGS_FIXED);
	CHECK(r == 1 && trap_last.f.vector == USER_END_VECTOR && trap_last.f.rip == (uint64_t)user_sc32_int + 2,
	      "compatibility-mode user code ran and ended with INT 0x80");
	CHECK_EQ(u_cs, SEL_UCODE32, "SYSRET to compatibility mode: CS = STAR[63:48] | 3 = 0x23");
	CHECK_EQ(u_ss, SEL_UDATA, "SYSRET to compatibility mode: SS = 0x2b");
	CHECK_EQ(u_rsp, stack, "SYSRET to compatibility mode leaves ESP");
	CHECK_EQ(trap_last.f.cs, SEL_UCODE32, "INT 0x80 from compatibility mode pushes CS 0x23");

	/* SDM vol. 3 §2.8 and each instruction's "Protected Mode Exceptions": #GP(0) if CPL > 0. */
	for (unsigned i = 0; i < ARRAY_SIZE(privs); i++) {
		r = user_run((uint64_t)privs[i].fn, RFLAGS_FIXED);
		CHECK(r == 13 && trap_last.f.error == 0 && trap_last.f.rip != 0 && trap_last.f.cs == SEL_UCODE64,
		      "#GP(0) for %s at CPL 3", privs[i].name);
		if (r != 13 || trap_last.f.error != 0)
			test_diag("got vector %d error %#lx rip %#lx", r, trap_last.f.error, trap_last.f.rip);
	}

	/* SDM SYSCALL: #UD if IA32_EFER.SCE = 0. */
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SCE);
	trap_skip_next(2);
	do_syscall();
	trap_skip_cancel();
	CHECK(trap_last.f.vector == 6 && trap_last.f.rip == (uint64_t)after_syscall_ud - 2,
	      "#UD for SYSCALL with EFER.SCE = 0");
	test_done();
}
