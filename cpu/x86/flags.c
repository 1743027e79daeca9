/*
 * cpu/x86/flags.c — computing the arithmetic flags from the lazy record
 * (flags.h), condition codes, and reading/writing the whole of RFLAGS.
 */
#include "cpu/x86/flags.h"

/* RFLAGS bit 1 always reads as 1 (SDM vol. 1 §3.4.3). */
#define FL_FIXED1 (1ull << 1)

static int parity(uint64_t v)
{
	return !__builtin_parity((unsigned)(v & 0xff));
}

/* The six arithmetic flags of the lazy record. */
static uint64_t lazy_flags(const struct cpu *c)
{
	uint64_t s1 = c->lf_src1, s2 = c->lf_src2, r = c->lf_res;
	uint64_t sb = x86_sign_bit(c->lf_size), f = 0;
	int cf = x86_cf(c), of = 0, af = 0;

	switch (c->lf_op) {
	case LF_ADD: case LF_ADC:
		of = !!((s1 ^ r) & (s2 ^ r) & sb);
		af = !!((s1 ^ s2 ^ r) & 0x10);
		break;
	case LF_SUB: case LF_SBB:
		of = !!((s1 ^ s2) & (s1 ^ r) & sb);
		af = !!((s1 ^ s2 ^ r) & 0x10);
		break;
	case LF_INC:
		of = r == sb;
		af = (r & 0xf) == 0;
		break;
	case LF_DEC:
		of = r == sb - 1;
		af = (r & 0xf) == 0xf;
		break;
	case LF_RES:
		of = !!(c->lf_cf_in & FL_OF);
		af = !!(c->lf_cf_in & FL_AF);
		break;
	}
	f |= cf ? FL_CF : 0;
	f |= of ? FL_OF : 0;
	f |= af ? FL_AF : 0;
	f |= r == 0 ? FL_ZF : 0;
	f |= (r & sb) ? FL_SF : 0;
	f |= parity(r) ? FL_PF : 0;
	return f;
}

/* See cpu.h. */
uint64_t x86_get_rflags(const struct cpu *c)
{
	if (c->lf_op == LF_NONE)
		return c->rflags | FL_FIXED1;
	return (c->rflags & ~FL_ARITH) | lazy_flags(c) | FL_FIXED1;
}

/* See cpu.h. */
void x86_set_rflags(struct cpu *c, uint64_t v)
{
	c->rflags = v | FL_FIXED1;
	c->lf_op = LF_NONE;
}

/* See flags.h. */
void x86_flags_sync(struct cpu *c)
{
	if (c->lf_op != LF_NONE) {
		c->rflags = x86_get_rflags(c);
		c->lf_op = LF_NONE;
	}
}

/* See flags.h.  CMP and TEST results take a short path. */
int x86_cond(const struct cpu *c, int cc)
{
	int r;
	if (c->lf_op == LF_SUB) {
		uint64_t a = c->lf_src1, b = c->lf_src2;
		int sz = c->lf_size;
		switch (cc >> 1) {
		case 1: r = a < b; goto out;
		case 2: r = a == b; goto out;
		case 3: r = a <= b; goto out;
		case 6: r = x86_sext(a, sz) < x86_sext(b, sz); goto out;
		case 7: r = x86_sext(a, sz) <= x86_sext(b, sz); goto out;
		}
	} else if (c->lf_op == LF_LOGIC) {
		uint64_t v = c->lf_res;
		int neg = !!(v & x86_sign_bit(c->lf_size));
		switch (cc >> 1) {
		case 0: case 1: r = 0; goto out;
		case 2: case 3: r = v == 0; goto out;
		case 4: case 6: r = neg; goto out;
		case 7: r = v == 0 || neg; goto out;
		}
	}
	uint64_t f = x86_get_rflags(c);
	int sf_ne_of = !(f & FL_SF) != !(f & FL_OF);
	switch (cc >> 1) {
	case 0: r = !!(f & FL_OF); break;
	case 1: r = !!(f & FL_CF); break;
	case 2: r = !!(f & FL_ZF); break;
	case 3: r = !!(f & (FL_CF | FL_ZF)); break;
	case 4: r = !!(f & FL_SF); break;
	case 5: r = !!(f & FL_PF); break;
	case 6: r = sf_ne_of; break;
	default: r = sf_ne_of || (f & FL_ZF); break;
	}
out:
	return r ^ (cc & 1);
}
