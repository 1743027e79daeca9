/*
 * cpu/x86/fast_branch.c — specialized variants of the near branches of
 * branch.c and the register pushes and pops of stack.c for 64-bit code
 * (see fast.h for the rules every variant follows).  In 64-bit mode the
 * operand size of these instructions is 64 bits (SDM vol. 2 §2.2.1.7; a
 * 66 prefix keeps PUSH/POP at 16 bits and the table's handler), targets
 * need only the canonical check, and the stack is SS:RSP with a 64-bit
 * stack-address size and no segment base, as x86_push/x86_pop (mem.c) use
 * it.  Jcc has one variant per condition so that the condition is a
 * constant in x86_cond_try().
 */
#include "cpu/x86/fast.h"

/* Go to `t`.  A target outside the 48-bit canonical range goes to
 * x86_branch(), which knows 5-level paging and raises #GP(0). */
static inline int go(struct cpu *c, uint64_t t)
{
	if (__builtin_expect((t + (1ull << 47)) >> 48, 0))
		return x86_branch(c, 8, t);
	c->next_rip = t;
	return X86_OK;
}

/* Conditions the flags record cannot settle inline go to the table's
 * handler, as a tail call. */
static inline int jcc(struct cpu *c, const struct insn *i, int cc)
{
	int v = x86_cond_try(c, cc);
	if (v < 0)
		return op_jcc_Jb(c, i);
	return v ? go(c, c->next_rip + i->imm) : X86_OK;
}

#define JCC(name, cc)                                                          \
	static int op_j##name##_J64(struct cpu *c, const struct insn *i)       \
	{                                                                      \
		return jcc(c, i, cc);                                          \
	}
X86_CONDITIONS(JCC)

#define JCC_ENTRY(name, cc) [cc] = op_j##name##_J64,
static const x86_handler jcc_variants[16] = {X86_CONDITIONS(JCC_ENTRY)};

static int op_jmp_J64(struct cpu *c, const struct insn *i)
{
	return go(c, c->next_rip + i->imm);
}

/* CALL rel32: the target is checked before anything is pushed. */
static int op_call_J64(struct cpu *c, const struct insn *i)
{
	uint64_t t = c->next_rip + i->imm, sp = c->regs[R_RSP] - 8;
	if (!x86_canonical(c, t))
		return x86_branch(c, 8, t);
	TRY(x86_write(c, SEG_SS, sp, 8, c->next_rip));
	c->regs[R_RSP] = sp;
	c->next_rip = t;
	return X86_OK;
}

/* RET: RSP moves only when the popped target is good. */
static int op_ret_64(struct cpu *c, const struct insn *i)
{
	uint64_t t, sp = c->regs[R_RSP];
	TRY(x86_read(c, SEG_SS, sp, 8, &t));
	TRY(go(c, t));
	c->regs[R_RSP] = sp + 8;
	return X86_OK;
}

static int op_push_Zq(struct cpu *c, const struct insn *i)
{
	uint64_t sp = c->regs[R_RSP] - 8;
	TRY(x86_write(c, SEG_SS, sp, 8, c->regs[i->rm]));
	c->regs[R_RSP] = sp;
	return X86_OK;
}

/* POP RSP loads the popped value after the increment. */
static int op_pop_Zq(struct cpu *c, const struct insn *i)
{
	uint64_t v, sp = c->regs[R_RSP];
	TRY(x86_read(c, SEG_SS, sp, 8, &v));
	c->regs[R_RSP] = sp + 8;
	c->regs[i->rm] = v;
	return X86_OK;
}

/* See fast.h. */
x86_handler x86_fast_branch(const struct insn *i, int code_bits)
{
	x86_handler f = i->fn;
	if (code_bits != 64)
		return NULL;
	if (f == op_jcc_Jb || f == op_jcc_Jz)
		return jcc_variants[i->opcode & 15];
	if (f == op_jmp_Jb || f == op_jmp_Jz)
		return op_jmp_J64;
	if (f == op_call_Jz)
		return op_call_J64;
	if (f == op_ret)
		return op_ret_64;
	if (f == op_push_Zv && i->opsize == 8)
		return op_push_Zq;
	if (f == op_pop_Zv && i->opsize == 8)
		return op_pop_Zq;
	return NULL;
}
