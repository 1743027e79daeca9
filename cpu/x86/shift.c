/*
 * cpu/x86/shift.c — the shift and rotate group (C0, C1, D0-D3: ROL ROR
 * RCL RCR SHL SHR SAR; /6 is an alias of SHL) and the double shifts SHLD,
 * SHRD (SDM vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR", "SHLD", "SHRD").
 *
 * The count is masked to 5 bits (6 with a 64-bit operand); a masked count
 * of zero changes no flag.  Shifts set SF/ZF/PF from the result, CF to the
 * last bit shifted out, OF for one-bit shifts (also computed, the same way,
 * for longer ones, where the SDM leaves it undefined); AF is undefined and
 * cleared.  Rotates change only CF and OF; RCL/RCR of 8- and 16-bit
 * operands rotate through CF modulo 9 and 17.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

typedef unsigned __int128 u128;

enum { SH_ROL, SH_ROR, SH_RCL, SH_RCR, SH_SHL, SH_SHR, SH_SAL, SH_SAR };

static inline uint64_t bit(uint64_t v, int n)
{
	return (v >> n) & 1;
}

/* Result of shifting `a` by the masked, nonzero count n; sets flags. */
static uint64_t shift_calc(struct cpu *c, int op, int size, uint64_t a, int n)
{
	int bits = size * 8;
	uint64_t m = x86_size_mask(size), r, cf, of;
	switch (op) {
	case SH_SHL:
	case SH_SAL:
		r = (a << n) & m;
		cf = n <= bits ? bit(a, bits - n) : 0;
		x86_lf_res(c, size, r,
			   (cf ? FL_CF : 0) | ((bit(r, bits - 1) ^ cf) ? FL_OF : 0));
		return r;
	case SH_SHR:
		r = a >> n;
		cf = bit(a, n - 1);
		x86_lf_res(c, size, r,
			   (cf ? FL_CF : 0) | (bit(a, bits - 1) ? FL_OF : 0));
		return r;
	case SH_SAR:
		r = (uint64_t)(x86_sext(a, size) >> n) & m;
		cf = bit((uint64_t)(x86_sext(a, size) >> (n - 1)), 0);
		x86_lf_res(c, size, r, cf ? FL_CF : 0);
		return r;
	case SH_ROL:
		n %= bits;
		r = n ? ((a << n) | (a >> (bits - n))) & m : a;
		cf = r & 1;
		of = bit(r, bits - 1) ^ cf;
		break;
	case SH_ROR:
		n %= bits;
		r = n ? ((a >> n) | (a << (bits - n))) & m : a;
		cf = bit(r, bits - 1);
		of = cf ^ bit(r, bits - 2);
		break;
	default: { /* RCL, RCR: rotate the (bits+1)-bit value CF:a */
		if (size < 4)
			n %= bits + 1;
		if (!n)
			return a;
		u128 x = (u128)x86_cf(c) << bits | a;
		u128 xm = ((u128)1 << (bits + 1)) - 1;
		if (op == SH_RCL)
			x = (x << n | x >> (bits + 1 - n)) & xm;
		else
			x = (x >> n | x << (bits + 1 - n)) & xm;
		r = (uint64_t)x & m;
		cf = (uint64_t)(x >> bits) & 1;
		of = op == SH_RCL ? bit(r, bits - 1) ^ cf
				  : bit(r, bits - 1) ^ bit(r, bits - 2);
		break;
	}
	}
	x86_flags_put(c, FL_CF | FL_OF, (cf ? FL_CF : 0) | (of ? FL_OF : 0));
	return r;
}

static inline int shift_E(struct cpu *c, const struct insn *i, int op,
			  int size, unsigned count)
{
	uint64_t a, ea = 0;
	int n = count & (size == 8 ? 63 : 31);
	TRY(x86_E_rmw_get(c, i, size, &a, &ea));
	if (!n) {
		if (i->mod == 3) /* a 32-bit register is still written */
			x86_reg_set(c, i, i->rm, size, a);
		return X86_OK;
	}
	if (i->mod == 3) {
		x86_reg_set(c, i, i->rm, size, shift_calc(c, op, size, a, n));
		return X86_OK;
	}
	/* A faulting store must leave the flags untouched. */
	uint64_t fl = x86_get_rflags(c);
	uint64_t r = shift_calc(c, op, size, a, n);
	if (x86_E_rmw_put(c, i, size, ea, r)) {
		x86_set_rflags(c, fl);
		return X86_EXC;
	}
	return X86_OK;
}

#define SHIFT_FORMS(name, OP)                                                  \
	int op_##name##_Eb_Ib(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return shift_E(c, i, OP, 1, i->imm);                           \
	}                                                                      \
	int op_##name##_Ev_Ib(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return shift_E(c, i, OP, i->opsize, i->imm);                   \
	}                                                                      \
	int op_##name##_Eb_1(struct cpu *c, const struct insn *i)              \
	{                                                                      \
		return shift_E(c, i, OP, 1, 1);                                \
	}                                                                      \
	int op_##name##_Ev_1(struct cpu *c, const struct insn *i)              \
	{                                                                      \
		return shift_E(c, i, OP, i->opsize, 1);                        \
	}                                                                      \
	int op_##name##_Eb_CL(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return shift_E(c, i, OP, 1, c->regs[R_RCX] & 0xff);            \
	}                                                                      \
	int op_##name##_Ev_CL(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return shift_E(c, i, OP, i->opsize, c->regs[R_RCX] & 0xff);    \
	}

SHIFT_FORMS(rol, SH_ROL)
SHIFT_FORMS(ror, SH_ROR)
SHIFT_FORMS(rcl, SH_RCL)
SHIFT_FORMS(rcr, SH_RCR)
SHIFT_FORMS(shl, SH_SHL)
SHIFT_FORMS(shr, SH_SHR)
SHIFT_FORMS(sar, SH_SAR)

/*
 * SHLD/SHRD: shift E, filling from G.  A count above the operand size (16-
 * bit operands only) gives an undefined result; mmulab shifts the 32-bit
 * G:E (or E:G) concatenation.
 */
static int dshift(struct cpu *c, const struct insn *i, int left,
		  unsigned count)
{
	int size = i->opsize, bits = size * 8;
	int n = count & (size == 8 ? 63 : 31);
	uint64_t a, ea = 0, m = x86_size_mask(size), r, cf;
	uint64_t b = x86_reg_get(c, i, i->reg, size);
	TRY(x86_E_rmw_get(c, i, size, &a, &ea));
	if (!n) {
		if (i->mod == 3)
			x86_reg_set(c, i, i->rm, size, a);
		return X86_OK;
	}
	if (left) {
		u128 x = (u128)a << bits | b;
		r = (uint64_t)((x << n) >> bits) & m;
		cf = (uint64_t)(x >> (2 * bits - n)) & 1;
	} else {
		u128 x = (u128)b << bits | a;
		r = (uint64_t)(x >> n) & m;
		cf = (uint64_t)(x >> (n - 1)) & 1;
	}
	TRY(x86_E_rmw_put(c, i, size, ea, r));
	int of = bit(r, bits - 1) ^ bit(a, bits - 1);
	x86_lf_res(c, size, r, (cf ? FL_CF : 0) | (of ? FL_OF : 0));
	return X86_OK;
}

int op_shld_Ev_Gv_Ib(struct cpu *c, const struct insn *i)
{
	return dshift(c, i, 1, i->imm);
}

int op_shld_Ev_Gv_CL(struct cpu *c, const struct insn *i)
{
	return dshift(c, i, 1, c->regs[R_RCX] & 0xff);
}

int op_shrd_Ev_Gv_Ib(struct cpu *c, const struct insn *i)
{
	return dshift(c, i, 0, i->imm);
}

int op_shrd_Ev_Gv_CL(struct cpu *c, const struct insn *i)
{
	return dshift(c, i, 0, c->regs[R_RCX] & 0xff);
}
