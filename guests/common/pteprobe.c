/*
 * pteprobe.c — the PTE harness's probes: one read, write or instruction
 * fetch at CPL 0 or CPL 3, with any #PF caught and recorded (vector, error
 * code, CR2, RIP) and every paging-structure entry of the map read back
 * afterwards, so that a test sees the A and D flags the access left.
 *
 * CPL-0 probes are small assembly routines whose faulting instruction has a
 * global label (the RIP a #PF must report); they execute STAC before the
 * access when the controls ask for EFLAGS.AC = 1 and CLAC after it, so no C
 * code runs with a borrowed AC.  CPL-3 probes live in the .user section
 * (link.ld), the only code pte_init() leaves in user pages; they are entered
 * by IRETQ with the address in RDI (and the value to store in RSI), on a
 * stack in the user pages, and end with INT 0x80 or the #PF they provoke.
 * A CPL-3 fetch needs no stub: IRETQ goes straight to the probe address,
 * where pte_write() put INT 0x80.
 */
#include "pte.h"

#define ASM_FN(name, body) __asm__(".text\n.globl " #name "\n" #name ":\n" body "\n")

uint64_t pte_kread(uint64_t addr, int ac);
void pte_kwrite(uint64_t addr, int ac, uint64_t v);
void pte_kfetch(uint64_t addr, int ac);
extern char pte_kread_insn[], pte_kwrite_insn[], pte_uread[], pte_uwrite[];
extern char pte_uread_insn[], pte_uwrite_insn[], pte_user_stack_top[];
void pte_user_enter(uint64_t rip, uint64_t rsp, uint64_t rflags, uint64_t arg, uint64_t arg2)
	__attribute__((noreturn));

/* Result in RAX (read through the trap frame when a fault ends it). */
ASM_FN(pte_kread, "testl %esi, %esi\n jz 1f\n stac\n"
		  "1:\n.globl pte_kread_insn\npte_kread_insn: movq (%rdi), %rax\n"
		  " testl %esi, %esi\n jz 2f\n clac\n2: ret");
ASM_FN(pte_kwrite, "testl %esi, %esi\n jz 1f\n stac\n"
		   "1:\n.globl pte_kwrite_insn\npte_kwrite_insn: movq %rdx, (%rdi)\n"
		   " testl %esi, %esi\n jz 2f\n clac\n2: ret");
/* The probe address holds RET (pte_write()). */
ASM_FN(pte_kfetch, "testl %esi, %esi\n jz 1f\n stac\n"
		   "1: call *%rdi\n testl %esi, %esi\n jz 2f\n clac\n2: ret");
/* IRETQ to CPL 3: SS, RSP, RFLAGS, CS, RIP; RDI = arg, RSI = arg2. */
ASM_FN(pte_user_enter, "pushq $0x2B\n pushq %rsi\n pushq %rdx\n pushq $0x33\n pushq %rdi\n"
		       " movq %rcx, %rdi\n movq %r8, %rsi\n iretq");

PTE_USER_FN(pte_uread, ".globl pte_uread_insn\npte_uread_insn: movq (%rdi), %rax\n int $0x80");
PTE_USER_FN(pte_uwrite, ".globl pte_uwrite_insn\npte_uwrite_insn: movq %rsi, (%rdi)\n int $0x80");
/* The user stack: 4 KiB in the user pages. */
__asm__(".pushsection .user.data, \"aw\"\n.balign 16\npte_user_stack: .space 4096\n"
	".globl pte_user_stack_top\npte_user_stack_top:\n.popsection\n");

uint64_t pte_probe_addr(const struct pte_map *m, int access, int cpl)
{
	if (access != PTE_FETCH)
		return m->va + PTE_DATA_OFF;
	return m->va + (cpl == 3 ? PTE_UFETCH_OFF : PTE_KFETCH_OFF);
}

uint64_t pte_probe_rip(const struct pte_map *m, int access, int cpl)
{
	if (access == PTE_FETCH)
		return pte_probe_addr(m, access, cpl);
	if (cpl == 3)
		return (uint64_t)(access == PTE_READ ? pte_uread_insn : pte_uwrite_insn);
	return (uint64_t)(access == PTE_READ ? pte_kread_insn : pte_kwrite_insn);
}

static int user_call2(uint64_t rip, uint64_t arg, uint64_t arg2)
{
	int r = trap_catch();

	if (r == 1)
		return (int)trap_last.f.vector;
	if (r == 2)
		return USER_END_SYSCALL;
	pte_user_enter(rip, (uint64_t)pte_user_stack_top, RFLAGS_FIXED, arg, arg2);
}

int pte_user_call(uint64_t rip, uint64_t arg)
{
	return user_call2(rip, arg, 0);
}

/* The CPL-0 access; returns 1 when a trap ended it. */
static __attribute__((noinline)) int kernel_access(uint64_t addr, int access, uint64_t v,
						       volatile uint64_t *out)
{
	int ac = pte_get_ctl()->ac;

	if (trap_catch())
		return 1;
	if (access == PTE_READ)
		*out = pte_kread(addr, ac);
	else if (access == PTE_WRITE)
		pte_kwrite(addr, ac, v);
	else
		pte_kfetch(addr, ac);
	trap_catch_cancel();
	return 0;
}

int pte_access_at(uint64_t addr, int access, int cpl, uint64_t v, uint64_t *out)
{
	uint64_t before = trap_last.count;
	volatile uint64_t got = 0;
	int vec;

	if (cpl == 3) {
		uint64_t rip = access == PTE_FETCH ? addr
			     : (uint64_t)(access == PTE_READ ? pte_uread : pte_uwrite);

		vec = user_call2(rip, addr, v);
		if (vec == USER_END_VECTOR) {
			if (out)
				*out = trap_last.f.rax;
			return 0;
		}
		return 1;
	}
	if (kernel_access(addr, access, v, &got))
		return 1;
	if (out)
		*out = got;
	return trap_last.count != before;
}

void pte_probe(const struct pte_map *m, int access, int cpl, struct pte_result *r)
{
	uint64_t addr = pte_probe_addr(m, access, cpl);

	memset(r, 0, sizeof(*r));
	r->fault = pte_access_at(addr, access, cpl, 0x5A5A5A5A5A5A5A5Aul, &r->value);
	if (r->fault) {
		r->vector = trap_last.f.vector;
		r->error = trap_last.f.error;
		r->cr2 = trap_last.cr2;
		r->rip = trap_last.f.rip;
	}
	for (int l = 4; l >= m->leaf; l--)
		r->entry[l] = pte_get(m, l);
}
