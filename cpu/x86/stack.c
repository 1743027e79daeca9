/*
 * cpu/x86/stack.c — PUSH and POP of general registers, immediates and
 * memory, ENTER, LEAVE, PUSHA and POPA (SDM vol. 2).  The stack itself (SS,
 * stack-address size, faults) is mem.c's x86_push/x86_pop; every multi-push
 * instruction here restores RSP when a push faults, so faults stay precise.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

/* Write rSP (or rBP) with the stack-address size. */
static void set_sreg(struct cpu *c, int r, uint64_t v)
{
	uint64_t m = x86_stack_mask(c);
	c->regs[r] = (c->regs[r] & ~m) | (v & m);
}

int op_push_Zv(struct cpu *c, const struct insn *i)
{
	return x86_push(c, i->opsize, c->regs[i->rm]);
}

int op_pop_Zv(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_pop(c, i->opsize, &v));
	x86_reg_set(c, i, i->rm, i->opsize, v);
	return X86_OK;
}

int op_push_Iz(struct cpu *c, const struct insn *i)
{
	return x86_push(c, i->opsize, i->imm);
}

int op_push_Ib(struct cpu *c, const struct insn *i)
{
	return x86_push(c, i->opsize, i->imm);
}

int op_push_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	return x86_push(c, i->opsize, v);
}

/* POP Ev: an rSP-based address is computed after rSP is incremented. */
int op_pop_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t v, sp = c->regs[R_RSP];
	TRY(x86_pop(c, i->opsize, &v));
	if (x86_E_write(c, i, i->opsize, v)) {
		c->regs[R_RSP] = sp;
		return X86_EXC;
	}
	return X86_OK;
}

/* ENTER size, level: push rBP, copy level-1 frame pointers, push the new
 * frame pointer, allocate `size` bytes. */
int op_enter_Iw_Ib(struct cpu *c, const struct insn *i)
{
	uint64_t sp = c->regs[R_RSP], bp = c->regs[R_RBP];
	uint64_t m = x86_stack_mask(c), v;
	int os = i->opsize, level = i->imm2 & 31;
	if (x86_push(c, os, bp))
		return X86_EXC;
	uint64_t frame = c->regs[R_RSP] & m;
	for (int k = 1; k < level; k++) {
		set_sreg(c, R_RBP, c->regs[R_RBP] - os);
		if (x86_read(c, SEG_SS, c->regs[R_RBP] & m, os, &v) ||
		    x86_push(c, os, v))
			goto fault;
	}
	if (level && x86_push(c, os, frame))
		goto fault;
	set_sreg(c, R_RBP, frame);
	set_sreg(c, R_RSP, c->regs[R_RSP] - i->imm);
	return X86_OK;
fault:
	c->regs[R_RSP] = sp;
	c->regs[R_RBP] = bp;
	return X86_EXC;
}

int op_leave(struct cpu *c, const struct insn *i)
{
	uint64_t sp = c->regs[R_RSP], v;
	set_sreg(c, R_RSP, c->regs[R_RBP]);
	if (x86_pop(c, i->opsize, &v)) {
		c->regs[R_RSP] = sp;
		return X86_EXC;
	}
	x86_reg_set(c, i, R_RBP, i->opsize, v);
	return X86_OK;
}

/* PUSHA/PUSHAD: AX CX DX BX (original SP) BP SI DI. */
int op_pusha(struct cpu *c, const struct insn *i)
{
	uint64_t sp = c->regs[R_RSP];
	for (int r = R_RAX; r <= R_RDI; r++)
		if (x86_push(c, i->opsize, r == R_RSP ? sp : c->regs[r])) {
			c->regs[R_RSP] = sp;
			return X86_EXC;
		}
	return X86_OK;
}

/* POPA/POPAD: the reverse, the saved SP discarded. */
int op_popa(struct cpu *c, const struct insn *i)
{
	uint64_t save[8], v;
	for (int r = 0; r < 8; r++)
		save[r] = c->regs[r];
	for (int r = R_RDI; r >= R_RAX; r--) {
		if (x86_pop(c, i->opsize, &v)) {
			for (int k = 0; k < 8; k++)
				c->regs[k] = save[k];
			return X86_EXC;
		}
		if (r != R_RSP)
			x86_reg_set(c, i, r, i->opsize, v);
	}
	return X86_OK;
}
