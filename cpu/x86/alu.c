/*
 * cpu/x86/alu.c — the eight classic two-operand ALU instructions (ADD OR
 * ADC SBB AND SUB XOR CMP) in all their forms (SDM vol. 2 appendix A rows
 * 00-3F and group 1, 80-83), TEST, NOT and NEG.
 *
 * Each form is one tiny handler that calls an inline worker with the
 * operation as a constant, so the compiler builds a specialised body per
 * operation; flags are recorded lazily (flags.h).
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

enum { ALU_ADD, ALU_OR, ALU_ADC, ALU_SBB, ALU_AND, ALU_SUB, ALU_XOR, ALU_CMP };

/* Result of `op` on a and b (size-truncated); cf is the carry-in. */
static inline uint64_t alu_calc(int op, int size, uint64_t a, uint64_t b,
				uint64_t cf)
{
	uint64_t m = x86_size_mask(size);
	switch (op) {
	case ALU_ADD: return (a + b) & m;
	case ALU_ADC: return (a + b + cf) & m;
	case ALU_SBB: return (a - b - cf) & m;
	case ALU_SUB: case ALU_CMP: return (a - b) & m;
	case ALU_OR: return a | b;
	case ALU_AND: return a & b;
	default: return a ^ b;
	}
}

/* Record the flags of `op`. */
static inline void alu_flags(struct cpu *c, int op, int size, uint64_t r,
			     uint64_t a, uint64_t b, uint64_t cf)
{
	switch (op) {
	case ALU_ADD: x86_lf_set(c, LF_ADD, size, r, a, b); break;
	case ALU_ADC:
		x86_lf_set(c, LF_ADC, size, r, a, b);
		c->lf_cf_in = cf;
		break;
	case ALU_SBB:
		x86_lf_set(c, LF_SBB, size, r, a, b);
		c->lf_cf_in = cf;
		break;
	case ALU_SUB: case ALU_CMP: x86_lf_set(c, LF_SUB, size, r, a, b); break;
	default:
		c->lf_op = LF_LOGIC;
		c->lf_size = size;
		c->lf_res = r;
		break;
	}
}

static inline uint64_t carry_in(const struct cpu *c, int op)
{
	return op == ALU_ADC || op == ALU_SBB ? (uint64_t)x86_cf(c) : 0;
}

/* Result of `op`, flags recorded. */
static inline uint64_t alu(struct cpu *c, int op, int size, uint64_t a,
			   uint64_t b)
{
	uint64_t cf = carry_in(c, op), r = alu_calc(op, size, a, b, cf);
	alu_flags(c, op, size, r, a, b, cf);
	return r;
}

/*
 * E op= v.  The result is stored before the flags are recorded, so a
 * faulting store leaves the flags as they were (exceptions are precise).
 */
static inline int alu_E(struct cpu *c, const struct insn *i, int op, int size,
			uint64_t v)
{
	uint64_t a, ea = 0;
	if (i->mod == 3) {
		a = x86_reg_get(c, i, i->rm, size);
		uint64_t r = alu(c, op, size, a, v);
		if (op != ALU_CMP)
			x86_reg_set(c, i, i->rm, size, r);
		return X86_OK;
	}
	if (op == ALU_CMP) {
		TRY(x86_read(c, i->seg, x86_modrm_ea(c, i), size, &a));
		alu(c, op, size, a, v);
		return X86_OK;
	}
	TRY(x86_E_rmw_get(c, i, size, &a, &ea));
	uint64_t cf = carry_in(c, op), r = alu_calc(op, size, a, v, cf);
	TRY(x86_write(c, i->seg, ea, size, r));
	alu_flags(c, op, size, r, a, v, cf);
	return X86_OK;
}

/* G op= E. */
static inline int alu_G(struct cpu *c, const struct insn *i, int op, int size)
{
	uint64_t v;
	TRY(x86_E_read(c, i, size, &v));
	uint64_t r = alu(c, op, size, x86_reg_get(c, i, i->reg, size), v);
	if (op != ALU_CMP)
		x86_reg_set(c, i, i->reg, size, r);
	return X86_OK;
}

/* AL/eAX op= imm. */
static inline int alu_A(struct cpu *c, const struct insn *i, int op, int size)
{
	uint64_t m = x86_size_mask(size);
	uint64_t r = alu(c, op, size, c->regs[R_RAX] & m, i->imm & m);
	if (op != ALU_CMP)
		x86_reg_set(c, i, R_RAX, size, r);
	return X86_OK;
}

#define ALU_FORMS(name, OP)                                                    \
	int op_##name##_Eb_Gb(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return alu_E(c, i, OP, 1, x86_reg_get(c, i, i->reg, 1));       \
	}                                                                      \
	int op_##name##_Ev_Gv(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		int s = i->opsize;                                             \
		return alu_E(c, i, OP, s, x86_reg_get(c, i, i->reg, s));       \
	}                                                                      \
	int op_##name##_Gb_Eb(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return alu_G(c, i, OP, 1);                                     \
	}                                                                      \
	int op_##name##_Gv_Ev(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return alu_G(c, i, OP, i->opsize);                             \
	}                                                                      \
	int op_##name##_AL_Ib(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return alu_A(c, i, OP, 1);                                     \
	}                                                                      \
	int op_##name##_eAX_Iz(struct cpu *c, const struct insn *i)            \
	{                                                                      \
		return alu_A(c, i, OP, i->opsize);                             \
	}                                                                      \
	int op_##name##_Eb_Ib(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return alu_E(c, i, OP, 1, i->imm & 0xff);                      \
	}                                                                      \
	int op_##name##_Ev_Iz(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		int s = i->opsize;                                             \
		return alu_E(c, i, OP, s, i->imm & x86_size_mask(s));          \
	}                                                                      \
	int op_##name##_Ev_Ib(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		int s = i->opsize;                                             \
		return alu_E(c, i, OP, s, i->imm & x86_size_mask(s));          \
	}

ALU_FORMS(add, ALU_ADD)
ALU_FORMS(or, ALU_OR)
ALU_FORMS(adc, ALU_ADC)
ALU_FORMS(sbb, ALU_SBB)
ALU_FORMS(and, ALU_AND)
ALU_FORMS(sub, ALU_SUB)
ALU_FORMS(xor, ALU_XOR)
ALU_FORMS(cmp, ALU_CMP)

/* TEST: AND that only sets flags. */
static inline int test(struct cpu *c, const struct insn *i, int size,
		       uint64_t v)
{
	uint64_t a;
	TRY(x86_E_read(c, i, size, &a));
	alu(c, ALU_AND, size, a, v);
	return X86_OK;
}

int op_test_Eb_Gb(struct cpu *c, const struct insn *i)
{
	return test(c, i, 1, x86_reg_get(c, i, i->reg, 1));
}

int op_test_Ev_Gv(struct cpu *c, const struct insn *i)
{
	return test(c, i, i->opsize, x86_reg_get(c, i, i->reg, i->opsize));
}

int op_test_Eb_Ib(struct cpu *c, const struct insn *i)
{
	return test(c, i, 1, i->imm & 0xff);
}

int op_test_Ev_Iz(struct cpu *c, const struct insn *i)
{
	return test(c, i, i->opsize, i->imm & x86_size_mask(i->opsize));
}

int op_test_AL_Ib(struct cpu *c, const struct insn *i)
{
	alu(c, ALU_AND, 1, c->regs[R_RAX] & 0xff, i->imm & 0xff);
	return X86_OK;
}

int op_test_eAX_Iz(struct cpu *c, const struct insn *i)
{
	uint64_t m = x86_size_mask(i->opsize);
	alu(c, ALU_AND, i->opsize, c->regs[R_RAX] & m, i->imm & m);
	return X86_OK;
}

/* NOT: no flags.  NEG: flags of 0 - E. */
static inline int not_neg(struct cpu *c, const struct insn *i, int size,
			  int neg)
{
	uint64_t a, ea = 0, m = x86_size_mask(size);
	TRY(x86_E_rmw_get(c, i, size, &a, &ea));
	uint64_t r = (neg ? -a : ~a) & m;
	TRY(x86_E_rmw_put(c, i, size, ea, r));
	if (neg)
		x86_lf_set(c, LF_SUB, size, r, 0, a);
	return X86_OK;
}

int op_not_Eb(struct cpu *c, const struct insn *i)
{
	return not_neg(c, i, 1, 0);
}

int op_not_Ev(struct cpu *c, const struct insn *i)
{
	return not_neg(c, i, i->opsize, 0);
}

int op_neg_Eb(struct cpu *c, const struct insn *i)
{
	return not_neg(c, i, 1, 1);
}

int op_neg_Ev(struct cpu *c, const struct insn *i)
{
	return not_neg(c, i, i->opsize, 1);
}
