/*
 * cpu/x86/fast_cond.c — specialized variants of SETcc and CMOVcc (move.c)
 * with register operands, one per condition so that the condition is a
 * constant in x86_cond_try() (see fast.h for the rules every variant
 * follows).  When the lazy flags record cannot settle the condition inline
 * the variant hands over to the table's handler.
 */
#include "cpu/x86/fast.h"

/* SETcc into AL..BL, SPL..DIL, R8B..R15B. */
static inline int setcc_Rb(struct cpu *c, const struct insn *i, int cc)
{
	int v = x86_cond_try(c, cc);
	if (v < 0)
		return op_setcc_Eb(c, i);
	c->regs[i->rm] = (c->regs[i->rm] & ~0xffull) | (uint64_t)v;
	return X86_OK;
}

/* CMOVcc: a 32-bit destination is zero-extended even when nothing moves. */
static inline int cmov_Gq_Rq(struct cpu *c, const struct insn *i, int cc)
{
	int v = x86_cond_try(c, cc);
	if (v < 0)
		return op_cmovcc_Gv_Ev(c, i);
	if (v)
		c->regs[i->reg] = c->regs[i->rm];
	return X86_OK;
}

static inline int cmov_Gd_Rd(struct cpu *c, const struct insn *i, int cc)
{
	int v = x86_cond_try(c, cc);
	if (v < 0)
		return op_cmovcc_Gv_Ev(c, i);
	c->regs[i->reg] = (uint32_t)c->regs[v ? i->rm : i->reg];
	return X86_OK;
}

#define COND_VARIANTS(name, cc)                                                \
	static int op_set##name##_Rb(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return setcc_Rb(c, i, cc);                                     \
	}                                                                      \
	static int op_cmov##name##_Gq_Rq(struct cpu *c, const struct insn *i)  \
	{                                                                      \
		return cmov_Gq_Rq(c, i, cc);                                   \
	}                                                                      \
	static int op_cmov##name##_Gd_Rd(struct cpu *c, const struct insn *i)  \
	{                                                                      \
		return cmov_Gd_Rd(c, i, cc);                                   \
	}
X86_CONDITIONS(COND_VARIANTS)

#define SET_ENTRY(name, cc) [cc] = op_set##name##_Rb,
#define CMOVQ_ENTRY(name, cc) [cc] = op_cmov##name##_Gq_Rq,
#define CMOVD_ENTRY(name, cc) [cc] = op_cmov##name##_Gd_Rd,
static const x86_handler setcc_variants[16] = {X86_CONDITIONS(SET_ENTRY)};
static const x86_handler cmovq_variants[16] = {X86_CONDITIONS(CMOVQ_ENTRY)};
static const x86_handler cmovd_variants[16] = {X86_CONDITIONS(CMOVD_ENTRY)};

/* See fast.h. */
x86_handler x86_fast_cond(const struct insn *i, int code_bits)
{
	int cc = i->opcode & 15;
	(void)code_bits;
	if (i->mod != 3)
		return NULL;
	if (i->fn == op_setcc_Eb && x86_low_byte_reg(i, i->rm))
		return setcc_variants[cc];
	if (i->fn == op_cmovcc_Gv_Ev && i->opsize == 8)
		return cmovq_variants[cc];
	if (i->fn == op_cmovcc_Gv_Ev && i->opsize == 4)
		return cmovd_variants[cc];
	return NULL;
}
