/*
 * cpu/x86/muldiv.c — MUL, IMUL (one-, two- and three-operand forms), DIV
 * and IDIV (SDM vol. 2).  MUL/IMUL set CF = OF = "the high half is
 * significant"; SF, ZF, AF, PF are undefined (mmulab: from the low half, AF
 * clear).  DIV/IDIV leave the flags alone and raise #DE on a zero divisor or
 * a quotient that does not fit.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

typedef unsigned __int128 u128;
typedef __int128 s128;

/* RDX:RAX pieces of a double-width result of `size` bytes. */
static void put_pair(struct cpu *c, int size, uint64_t lo, uint64_t hi)
{
	if (size == 1) {
		c->regs[R_RAX] = (c->regs[R_RAX] & ~0xffffull) |
				 (lo & 0xff) | (hi & 0xff) << 8;
		return;
	}
	x86_set_reg(c, R_RAX, size, lo);
	x86_set_reg(c, R_RDX, size, hi);
}

static void mul_flags(struct cpu *c, int size, uint64_t lo, int wide)
{
	x86_lf_res(c, size, lo, wide ? FL_CF | FL_OF : 0);
}

static int mul(struct cpu *c, const struct insn *i, int size, int sgn)
{
	uint64_t v, m = x86_size_mask(size);
	TRY(x86_E_read(c, i, size, &v));
	uint64_t a = c->regs[R_RAX] & m, lo, hi;
	int wide;
	if (!sgn) {
		u128 p = (u128)a * v;
		lo = (uint64_t)p & m;
		hi = size == 8 ? (uint64_t)(p >> 64) : (uint64_t)(p >> (size * 8)) & m;
		wide = hi != 0;
	} else {
		s128 p = (s128)x86_sext(a, size) * x86_sext(v, size);
		lo = (uint64_t)p & m;
		hi = (uint64_t)(p >> (size * 8)) & m;
		wide = p != (s128)x86_sext(lo, size);
	}
	put_pair(c, size, lo, hi);
	mul_flags(c, size, lo, wide);
	return X86_OK;
}

int op_mul_AL_Eb(struct cpu *c, const struct insn *i)
{
	return mul(c, i, 1, 0);
}

int op_mul_rAX_Ev(struct cpu *c, const struct insn *i)
{
	return mul(c, i, i->opsize, 0);
}

int op_imul_AL_Eb(struct cpu *c, const struct insn *i)
{
	return mul(c, i, 1, 1);
}

int op_imul_rAX_Ev(struct cpu *c, const struct insn *i)
{
	return mul(c, i, i->opsize, 1);
}

/* G = a * b, signed, truncated. */
static int imul_G(struct cpu *c, const struct insn *i, uint64_t a, uint64_t b)
{
	int size = i->opsize;
	s128 p = (s128)x86_sext(a, size) * x86_sext(b, size);
	uint64_t lo = (uint64_t)p & x86_size_mask(size);
	x86_reg_set(c, i, i->reg, size, lo);
	mul_flags(c, size, lo, p != (s128)x86_sext(lo, size));
	return X86_OK;
}

int op_imul_Gv_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	return imul_G(c, i, x86_reg_get(c, i, i->reg, i->opsize), v);
}

int op_imul_Gv_Ev_Iz(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	return imul_G(c, i, v, i->imm);
}

int op_imul_Gv_Ev_Ib(struct cpu *c, const struct insn *i)
{
	return op_imul_Gv_Ev_Iz(c, i);
}

static int divide(struct cpu *c, const struct insn *i, int size, int sgn)
{
	uint64_t v, m = x86_size_mask(size), q, r;
	TRY(x86_E_read(c, i, size, &v));
	if (v == 0)
		return x86_raise(c, EXC_DE);
	uint64_t lo, hi;
	if (size == 1) {
		lo = c->regs[R_RAX] & 0xff;
		hi = (c->regs[R_RAX] >> 8) & 0xff;
	} else {
		lo = c->regs[R_RAX] & m;
		hi = c->regs[R_RDX] & m;
	}
	int bits = size * 8;
	if (!sgn) {
		if (size == 8 && hi == 0) {
			q = lo / v;
			r = lo % v;
		} else {
			if (hi >= v) /* quotient wider than the operand */
				return x86_raise(c, EXC_DE);
			u128 n = (u128)hi << bits | lo;
			q = (uint64_t)(n / v);
			r = (uint64_t)(n % v);
		}
	} else {
		s128 n = (s128)((u128)x86_sext(hi, size) << bits | lo);
		s128 d = x86_sext(v, size);
		if (n == INT64_MIN && d == -1)
			return x86_raise(c, EXC_DE);
		s128 sq, sr;
		if (n == (int64_t)n) { /* the common case: no 128-bit divide */
			sq = (int64_t)n / (int64_t)d;
			sr = (int64_t)n % (int64_t)d;
		} else {
			sq = n / d;
			sr = n % d;
		}
		s128 lim = (s128)1 << (bits - 1);
		if (sq >= lim || sq < -lim)
			return x86_raise(c, EXC_DE);
		q = (uint64_t)sq & m;
		r = (uint64_t)sr & m;
	}
	put_pair(c, size, q, r);
	return X86_OK;
}

int op_div_AL_Eb(struct cpu *c, const struct insn *i)
{
	return divide(c, i, 1, 0);
}

int op_div_rAX_Ev(struct cpu *c, const struct insn *i)
{
	return divide(c, i, i->opsize, 0);
}

int op_idiv_AL_Eb(struct cpu *c, const struct insn *i)
{
	return divide(c, i, 1, 1);
}

int op_idiv_rAX_Ev(struct cpu *c, const struct insn *i)
{
	return divide(c, i, i->opsize, 1);
}
