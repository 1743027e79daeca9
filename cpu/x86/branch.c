/*
 * cpu/x86/branch.c — near control transfers: Jcc, JMP, CALL, RET, LOOP,
 * LOOPE, LOOPNE, JCXZ/JECXZ/JRCXZ (SDM vol. 2).  Relative targets count
 * from the next instruction (c->next_rip); x86_branch() truncates them to
 * the operand size outside 64-bit mode and checks them.  Far transfers are
 * in far.c.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

static inline int jump_rel(struct cpu *c, const struct insn *i)
{
	return x86_branch(c, i->opsize, c->next_rip + i->imm);
}

int op_jcc_Jb(struct cpu *c, const struct insn *i)
{
	return x86_cond(c, i->opcode & 15) ? jump_rel(c, i) : X86_OK;
}

int op_jcc_Jz(struct cpu *c, const struct insn *i)
{
	return x86_cond(c, i->opcode & 15) ? jump_rel(c, i) : X86_OK;
}

int op_jmp_Jb(struct cpu *c, const struct insn *i)
{
	return jump_rel(c, i);
}

int op_jmp_Jz(struct cpu *c, const struct insn *i)
{
	return jump_rel(c, i);
}

int op_jmp_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t t;
	TRY(x86_E_read(c, i, i->opsize, &t));
	return x86_branch(c, i->opsize, t);
}

/* Push the return address, then go to `target` (checked first). */
static int call(struct cpu *c, const struct insn *i, uint64_t target)
{
	uint64_t ret = c->next_rip;
	TRY(x86_branch(c, i->opsize, target));
	return x86_push(c, i->opsize, ret);
}

int op_call_Jz(struct cpu *c, const struct insn *i)
{
	return call(c, i, c->next_rip + i->imm);
}

int op_call_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t t;
	TRY(x86_E_read(c, i, i->opsize, &t));
	return call(c, i, t);
}

/* RET [imm16]: pop the return address, then release imm16 bytes. */
static int ret(struct cpu *c, const struct insn *i, uint64_t release)
{
	uint64_t sp = c->regs[R_RSP], t;
	TRY(x86_pop(c, i->opsize, &t));
	if (x86_branch(c, i->opsize, t)) {
		c->regs[R_RSP] = sp;
		return X86_EXC;
	}
	if (release) {
		uint64_t m = x86_stack_mask(c);
		c->regs[R_RSP] = (c->regs[R_RSP] & ~m) |
				 ((c->regs[R_RSP] + release) & m);
	}
	return X86_OK;
}

int op_ret(struct cpu *c, const struct insn *i)
{
	return ret(c, i, 0);
}

int op_ret_Iw(struct cpu *c, const struct insn *i)
{
	return ret(c, i, i->imm);
}

/* LOOPcc: decrement the address-size count register, without flags. */
static int loop(struct cpu *c, const struct insn *i, int cc)
{
	uint64_t n = (x86_areg(c, i, R_RCX) - 1) & x86_addr_mask(i);
	if (n && (cc < 0 || x86_cond(c, cc)))
		TRY(jump_rel(c, i));
	x86_areg_set(c, i, R_RCX, n);
	return X86_OK;
}

int op_loop_Jb(struct cpu *c, const struct insn *i)
{
	return loop(c, i, -1);
}

int op_loope_Jb(struct cpu *c, const struct insn *i)
{
	return loop(c, i, 4); /* while ZF */
}

int op_loopne_Jb(struct cpu *c, const struct insn *i)
{
	return loop(c, i, 5); /* while !ZF */
}

int op_jrcxz_Jb(struct cpu *c, const struct insn *i)
{
	return x86_areg(c, i, R_RCX) ? X86_OK : jump_rel(c, i);
}
