/*
 * cpu/x86/fast_alu.c — specialized variants of the arithmetic handlers of
 * alu.c, incdec.c, muldiv.c and shift.c for 32- and 64-bit register
 * operands: ADD, OR, AND, SUB, XOR, CMP and TEST between registers and
 * with immediates, INC and DEC, IMUL with two and three operands, and
 * SHL/SHR/SAR by a constant count (see fast.h for the rules every variant
 * follows).  Flags are recorded lazily exactly as the table's handlers
 * record them (flags.h).
 */
#include "cpu/x86/fast.h"

/* Register `dst` op= v (CMP and TEST only compare). */
static inline int alu_reg(struct cpu *c, int op, int size, int dst,
			  uint64_t v)
{
	uint64_t r = x86_alu(c, op, size, c->regs[dst], v);
	if (op != A_CMP && op != A_TEST)
		c->regs[dst] = r;
	return X86_OK;
}

#define ALU_VARIANTS(name, OP)                                                 \
	static int op_##name##_Rq_Gq(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return alu_reg(c, OP, 8, i->rm, c->regs[i->reg]);              \
	}                                                                      \
	static int op_##name##_Rd_Gd(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return alu_reg(c, OP, 4, i->rm, c->regs[i->reg]);              \
	}                                                                      \
	static int op_##name##_Gq_Rq(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return alu_reg(c, OP, 8, i->reg, c->regs[i->rm]);              \
	}                                                                      \
	static int op_##name##_Gd_Rd(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return alu_reg(c, OP, 4, i->reg, c->regs[i->rm]);              \
	}                                                                      \
	static int op_##name##_Rq_I(struct cpu *c, const struct insn *i)       \
	{                                                                      \
		return alu_reg(c, OP, 8, i->rm, i->imm);                       \
	}                                                                      \
	static int op_##name##_Rd_I(struct cpu *c, const struct insn *i)       \
	{                                                                      \
		return alu_reg(c, OP, 4, i->rm, i->imm);                       \
	}                                                                      \
	static int op_##name##_RAX_I(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return alu_reg(c, OP, 8, R_RAX, i->imm);                       \
	}                                                                      \
	static int op_##name##_EAX_I(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return alu_reg(c, OP, 4, R_RAX, i->imm);                       \
	}                                                                      \
	static const x86_handler name##_variants[] = {                         \
		op_##name##_Rq_Gq, op_##name##_Rd_Gd, op_##name##_Gq_Rq,       \
		op_##name##_Gd_Rd, op_##name##_Rq_I, op_##name##_Rd_I,         \
		op_##name##_RAX_I, op_##name##_EAX_I}

/* Index in name##_variants: the shape, then +1 for a 32-bit operand. */
enum { V_RG = 0, V_GR = 2, V_RI = 4, V_AI = 6 };

ALU_VARIANTS(add, A_ADD);
ALU_VARIANTS(or, A_OR);
ALU_VARIANTS(and, A_AND);
ALU_VARIANTS(sub, A_SUB);
ALU_VARIANTS(xor, A_XOR);
ALU_VARIANTS(cmp, A_CMP);
ALU_VARIANTS(test, A_TEST);

/* ---- INC, DEC: CF is kept ---- */

static inline int incdec_reg(struct cpu *c, const struct insn *i, int size,
			     int dec)
{
	uint64_t m = x86_size_mask(size), a = c->regs[i->rm] & m;
	uint64_t r = (dec ? a - 1 : a + 1) & m, cf = x86_cf(c);
	c->regs[i->rm] = r;
	x86_lf_set(c, dec ? LF_DEC : LF_INC, size, r, a, 1);
	c->lf_cf_in = cf;
	return X86_OK;
}

static int op_inc_Rq(struct cpu *c, const struct insn *i)
{
	return incdec_reg(c, i, 8, 0);
}

static int op_inc_Rd(struct cpu *c, const struct insn *i)
{
	return incdec_reg(c, i, 4, 0);
}

static int op_dec_Rq(struct cpu *c, const struct insn *i)
{
	return incdec_reg(c, i, 8, 1);
}

static int op_dec_Rd(struct cpu *c, const struct insn *i)
{
	return incdec_reg(c, i, 4, 1);
}

/* ---- IMUL G, E [, imm]: CF = OF = the product did not fit ---- */

static inline int imul_reg(struct cpu *c, const struct insn *i, int size,
			   uint64_t a, uint64_t b)
{
	uint64_t lo;
	int wide;
	if (size == 8) {
		int64_t p;
		wide = __builtin_mul_overflow((int64_t)a, (int64_t)b, &p);
		lo = (uint64_t)p;
	} else {
		int64_t p = (int64_t)(int32_t)a * (int32_t)b;
		lo = (uint32_t)p;
		wide = p != (int32_t)p;
	}
	c->regs[i->reg] = lo;
	x86_lf_res(c, size, lo, wide ? FL_CF | FL_OF : 0);
	return X86_OK;
}

static int op_imul_Gq_Rq(struct cpu *c, const struct insn *i)
{
	return imul_reg(c, i, 8, c->regs[i->reg], c->regs[i->rm]);
}

static int op_imul_Gd_Rd(struct cpu *c, const struct insn *i)
{
	return imul_reg(c, i, 4, c->regs[i->reg], c->regs[i->rm]);
}

static int op_imul_Gq_Rq_I(struct cpu *c, const struct insn *i)
{
	return imul_reg(c, i, 8, c->regs[i->rm], i->imm);
}

static int op_imul_Gd_Rd_I(struct cpu *c, const struct insn *i)
{
	return imul_reg(c, i, 4, c->regs[i->rm], i->imm);
}

/* ---- SHL, SHR, SAR by a nonzero constant count ---- */

enum { S_SHL, S_SHR, S_SAR };

/* Flags as shift.c's shift_calc records them. */
static inline int shift_reg(struct cpu *c, const struct insn *i, int op,
			    int size, int n)
{
	int bits = size * 8;
	uint64_t m = x86_size_mask(size), a = c->regs[i->rm] & m, r, cf, of;
	switch (op) {
	case S_SHL:
		r = (a << n) & m;
		cf = (a >> (bits - n)) & 1;
		of = (r >> (bits - 1)) ^ cf;
		break;
	case S_SHR:
		r = a >> n;
		cf = (a >> (n - 1)) & 1;
		of = a >> (bits - 1);
		break;
	default: {
		int64_t s = x86_sext(a, size);
		r = (uint64_t)(s >> n) & m;
		cf = (uint64_t)(s >> (n - 1)) & 1;
		of = 0;
		break;
	}
	}
	c->regs[i->rm] = r;
	x86_lf_res(c, size, r, (cf ? FL_CF : 0) | (of ? FL_OF : 0));
	return X86_OK;
}

#define SHIFT_VARIANTS(name, OP)                                               \
	static int op_##name##_Rq_Ib(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return shift_reg(c, i, OP, 8, i->imm & 63);                    \
	}                                                                      \
	static int op_##name##_Rd_Ib(struct cpu *c, const struct insn *i)      \
	{                                                                      \
		return shift_reg(c, i, OP, 4, i->imm & 31);                    \
	}                                                                      \
	static int op_##name##_Rq_1(struct cpu *c, const struct insn *i)       \
	{                                                                      \
		return shift_reg(c, i, OP, 8, 1);                              \
	}                                                                      \
	static int op_##name##_Rd_1(struct cpu *c, const struct insn *i)       \
	{                                                                      \
		return shift_reg(c, i, OP, 4, 1);                              \
	}

SHIFT_VARIANTS(shl, S_SHL)
SHIFT_VARIANTS(shr, S_SHR)
SHIFT_VARIANTS(sar, S_SAR)

/* ---- the chooser ---- */

/* The table's handlers of one ALU operation, by form. */
struct alu_forms {
	x86_handler Ev_Gv, Gv_Ev, Ev_Iz, Ev_Ib, eAX_Iz;
	const x86_handler *v;
};

static const struct alu_forms alu_ops[] = {
	{op_add_Ev_Gv, op_add_Gv_Ev, op_add_Ev_Iz, op_add_Ev_Ib, op_add_eAX_Iz, add_variants},
	{op_or_Ev_Gv, op_or_Gv_Ev, op_or_Ev_Iz, op_or_Ev_Ib, op_or_eAX_Iz, or_variants},
	{op_and_Ev_Gv, op_and_Gv_Ev, op_and_Ev_Iz, op_and_Ev_Ib, op_and_eAX_Iz, and_variants},
	{op_sub_Ev_Gv, op_sub_Gv_Ev, op_sub_Ev_Iz, op_sub_Ev_Ib, op_sub_eAX_Iz, sub_variants},
	{op_xor_Ev_Gv, op_xor_Gv_Ev, op_xor_Ev_Iz, op_xor_Ev_Ib, op_xor_eAX_Iz, xor_variants},
	{op_cmp_Ev_Gv, op_cmp_Gv_Ev, op_cmp_Ev_Iz, op_cmp_Ev_Ib, op_cmp_eAX_Iz, cmp_variants},
	{op_test_Ev_Gv, NULL, op_test_Ev_Iz, NULL, op_test_eAX_Iz, test_variants},
};

static x86_handler choose_alu(const struct insn *i, int d)
{
	x86_handler f = i->fn;
	for (unsigned k = 0; k < sizeof alu_ops / sizeof alu_ops[0]; k++) {
		const struct alu_forms *a = &alu_ops[k];
		if (f == a->eAX_Iz)
			return a->v[V_AI + d];
		if (i->mod != 3)
			continue;
		if (f == a->Ev_Gv)
			return a->v[V_RG + d];
		if (f == a->Gv_Ev)
			return a->v[V_GR + d];
		if (f == a->Ev_Iz || f == a->Ev_Ib)
			return a->v[V_RI + d];
	}
	return NULL;
}

static x86_handler choose_shift(const struct insn *i, int q)
{
	x86_handler f = i->fn;
	if (i->mod != 3)
		return NULL;
	if (f == op_shl_Ev_1)
		return q ? op_shl_Rq_1 : op_shl_Rd_1;
	if (f == op_shr_Ev_1)
		return q ? op_shr_Rq_1 : op_shr_Rd_1;
	if (f == op_sar_Ev_1)
		return q ? op_sar_Rq_1 : op_sar_Rd_1;
	if (!(i->imm & (q ? 63 : 31)))
		return NULL; /* a zero count: flags untouched, shift.c's case */
	if (f == op_shl_Ev_Ib)
		return q ? op_shl_Rq_Ib : op_shl_Rd_Ib;
	if (f == op_shr_Ev_Ib)
		return q ? op_shr_Rq_Ib : op_shr_Rd_Ib;
	if (f == op_sar_Ev_Ib)
		return q ? op_sar_Rq_Ib : op_sar_Rd_Ib;
	return NULL;
}

/* See fast.h. */
x86_handler x86_fast_alu(const struct insn *i, int code_bits)
{
	(void)code_bits;
	if (i->opsize != 4 && i->opsize != 8)
		return NULL;
	int q = i->opsize == 8;
	x86_handler f = choose_alu(i, !q);
	if (f)
		return f;
	if (i->mod == 3) {
		if (i->fn == op_inc_Ev || i->fn == op_inc_Zv)
			return q ? op_inc_Rq : op_inc_Rd;
		if (i->fn == op_dec_Ev || i->fn == op_dec_Zv)
			return q ? op_dec_Rq : op_dec_Rd;
		if (i->fn == op_imul_Gv_Ev)
			return q ? op_imul_Gq_Rq : op_imul_Gd_Rd;
		if (i->fn == op_imul_Gv_Ev_Iz || i->fn == op_imul_Gv_Ev_Ib)
			return q ? op_imul_Gq_Rq_I : op_imul_Gd_Rd_I;
	}
	return choose_shift(i, q);
}
