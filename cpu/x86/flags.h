/*
 * cpu/x86/flags.h — lazy arithmetic flags.
 *
 * Most instructions that set CF/PF/AF/ZF/SF/OF only record what they did:
 * the operation kind (lf_op), the operand size (lf_size, bytes) and the
 * operands and result truncated to that size (lf_src1, lf_src2, lf_res).
 * A flag is computed from that record when something reads it (Jcc, SETcc,
 * PUSHF, ADC...).  lf_cf_in holds the carry-in of ADC/SBB, the CF that
 * INC/DEC keep, or for LF_RES the CF/OF/AF bits themselves.
 *
 * With lf_op == LF_NONE the six flags are in c->rflags like the others.
 * This file is the one place that knows how each flag follows from an
 * operation (as Bochs' SET_FLAGS_OSZAPC_* macros).
 */
#ifndef MMULAB_CPU_X86_FLAGS_H
#define MMULAB_CPU_X86_FLAGS_H

#include "cpu/x86/x86.h"

enum x86_lazy_op {
	LF_NONE = 0, /* flags live in rflags */
	LF_ADD,      /* res = src1 + src2 */
	LF_ADC,      /* res = src1 + src2 + cf_in */
	LF_SUB,      /* res = src1 - src2 (also CMP, NEG with src1 = 0) */
	LF_SBB,      /* res = src1 - src2 - cf_in */
	LF_LOGIC,    /* AND/OR/XOR/TEST: CF = OF = AF = 0 */
	LF_INC,      /* res = src1 + 1, CF = cf_in */
	LF_DEC,      /* res = src1 - 1, CF = cf_in */
	LF_RES,      /* ZF/SF/PF from res; CF/OF/AF bits are in cf_in */
};

/* Mask of an operand of `size` bytes, and its sign bit. */
static inline uint64_t x86_size_mask(int size)
{
	return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}
static inline uint64_t x86_sign_bit(int size)
{
	return 1ull << (size * 8 - 1);
}
static inline int64_t x86_sext(uint64_t v, int size)
{
	int sh = 64 - 8 * size;
	return (int64_t)(v << sh) >> sh;
}

/* Record an operation; values already truncated to `size`. */
static inline void x86_lf_set(struct cpu *c, int op, int size, uint64_t res,
			      uint64_t s1, uint64_t s2)
{
	c->lf_op = op;
	c->lf_size = size;
	c->lf_res = res;
	c->lf_src1 = s1;
	c->lf_src2 = s2;
}

/* Record a result whose CF/OF/AF are known now (bits FL_CF|FL_OF|FL_AF). */
static inline void x86_lf_res(struct cpu *c, int size, uint64_t res,
			      uint64_t coa)
{
	c->lf_op = LF_RES;
	c->lf_size = size;
	c->lf_res = res;
	c->lf_cf_in = coa;
}

/* Current CF as 0 or 1. */
static inline int x86_cf(const struct cpu *c)
{
	switch (c->lf_op) {
	case LF_NONE: return c->rflags & FL_CF;
	case LF_ADD: return c->lf_res < c->lf_src1;
	case LF_SUB: return c->lf_src1 < c->lf_src2;
	case LF_LOGIC: return 0;
	case LF_ADC:
		return c->lf_cf_in ? c->lf_res <= c->lf_src1
				   : c->lf_res < c->lf_src1;
	case LF_SBB:
		return c->lf_cf_in ? c->lf_src1 <= c->lf_src2
				   : c->lf_src1 < c->lf_src2;
	default: return c->lf_cf_in & FL_CF;
	}
}

/* Condition code cc (0..15, the low nibble of Jcc/SETcc/CMOVcc) holds.
 * SDM vol. 1 appendix B. */
int x86_cond(const struct cpu *c, int cc);

/*
 * x86_cond() for the common cases, inline (meant for a constant cc): 0 or
 * 1, or -1 when x86_cond() must decide.  ZF and SF follow from lf_res
 * after every lazy operation; after CMP/SUB the unsigned and signed orders
 * come from the operands, and after a logic operation CF = OF = 0.
 */
static inline int x86_cond_try(const struct cpu *c, int cc)
{
	uint64_t a = c->lf_src1, b = c->lf_src2, r = c->lf_res;
	int sz = c->lf_size, t = cc >> 1, v;
	if (c->lf_op == LF_NONE)
		return -1;
	int zf = r == 0, sf = !!(r & x86_sign_bit(sz));
	if (t == 2)
		v = zf;
	else if (t == 4)
		v = sf;
	else if (c->lf_op == LF_SUB && t == 1)
		v = a < b;
	else if (c->lf_op == LF_SUB && t == 3)
		v = a <= b;
	else if (c->lf_op == LF_SUB && t == 6)
		v = x86_sext(a, sz) < x86_sext(b, sz);
	else if (c->lf_op == LF_SUB && t == 7)
		v = x86_sext(a, sz) <= x86_sext(b, sz);
	else if (c->lf_op == LF_LOGIC && (t == 0 || t == 1))
		v = 0;
	else if (c->lf_op == LF_LOGIC && t == 3)
		v = zf;
	else if (c->lf_op == LF_LOGIC && t == 6)
		v = sf;
	else if (c->lf_op == LF_LOGIC && t == 7)
		v = zf || sf;
	else
		return -1;
	return v ^ (cc & 1);
}

/* Fold the lazy record into rflags (lf_op becomes LF_NONE). */
void x86_flags_sync(struct cpu *c);

/* Set the flags in `mask` to the bits of `val`, keeping the others. */
static inline void x86_flags_put(struct cpu *c, uint64_t mask, uint64_t val)
{
	x86_flags_sync(c);
	c->rflags = (c->rflags & ~mask) | (val & mask);
}

#endif
