/*
 * cpu/x86/bitops.c — single-bit and bit-scan instructions: BT BTS BTR BTC
 * (register and immediate offsets), BSF BSR, POPCNT, LZCNT and
 * BSWAP (SDM vol. 2).
 *
 * With a register offset and a memory operand BT* address a bit string
 * that extends beyond the operand: the signed offset selects the operand-
 * sized word at ea + (offset >> log2(bits)) * size ("BT", table 3-2).
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

enum { BT_TEST, BT_SET, BT_RESET, BT_COMPLEMENT };

static int bt(struct cpu *c, const struct insn *i, int op, uint64_t off,
	      int reg_off)
{
	int size = i->opsize, bits = size * 8;
	uint64_t v, ea = 0;
	int n;
	if (i->mod == 3) {
		n = off & (bits - 1);
		v = x86_reg_get(c, i, i->rm, size);
	} else {
		ea = x86_modrm_ea(c, i);
		if (reg_off) {
			int sh = size == 2 ? 4 : size == 4 ? 5 : 6;
			int64_t word = x86_sext(off, size) >> sh;
			ea = (ea + (uint64_t)word * size) & x86_addr_mask(i);
		}
		n = off & (bits - 1);
		if (op == BT_TEST)
			TRY(x86_read(c, i->seg, ea, size, &v));
		else
			TRY(x86_read_rmw(c, i->seg, ea, size, &v));
	}
	uint64_t mask = 1ull << n, cf = (v >> n) & 1;
	if (op != BT_TEST) {
		uint64_t r = op == BT_SET ? v | mask
			   : op == BT_RESET ? v & ~mask : v ^ mask;
		if (i->mod == 3)
			x86_reg_set(c, i, i->rm, size, r);
		else
			TRY(x86_write(c, i->seg, ea, size, r));
	}
	x86_flags_put(c, FL_CF, cf ? FL_CF : 0);
	return X86_OK;
}

#define BT_FORMS(name, OP)                                                     \
	int op_##name##_Ev_Gv(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return bt(c, i, OP, x86_reg_get(c, i, i->reg, i->opsize), 1);  \
	}                                                                      \
	int op_##name##_Ev_Ib(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return bt(c, i, OP, i->imm, 0);                                \
	}

BT_FORMS(bt, BT_TEST)
BT_FORMS(bts, BT_SET)
BT_FORMS(btr, BT_RESET)
BT_FORMS(btc, BT_COMPLEMENT)

/* BSF/BSR: ZF = (source == 0), the destination is kept then. */
static int bitscan(struct cpu *c, const struct insn *i, int reverse)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	if (!v) {
		x86_flags_put(c, FL_ZF, FL_ZF);
		return X86_OK;
	}
	x86_reg_set(c, i, i->reg, i->opsize,
		    reverse ? 63 - __builtin_clzll(v) : __builtin_ctzll(v));
	x86_flags_put(c, FL_ZF, 0);
	return X86_OK;
}

int op_bsf_Gv_Ev(struct cpu *c, const struct insn *i)
{
	return bitscan(c, i, 0);
}

int op_bsr_Gv_Ev(struct cpu *c, const struct insn *i)
{
	return bitscan(c, i, 1);
}

/* POPCNT: every arithmetic flag cleared but ZF = (source == 0). */
int op_popcnt_Gv_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	x86_reg_set(c, i, i->reg, i->opsize, __builtin_popcountll(v));
	x86_flags_put(c, FL_ARITH, v ? 0 : FL_ZF);
	return X86_OK;
}

/* LZCNT (F3 0F BD, CPUID.80000001H:ECX.ABM): CF = (source == 0),
 * ZF = (result == 0).  TZCNT (F3 0F BC) belongs to BMI1, which mmulab does
 * not advertise: without it the encoding is REP BSF and runs as BSF, as on
 * the processors the SDM describes. */
int op_lzcnt_Gv_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	int bits = i->opsize * 8, r;
	TRY(x86_E_read(c, i, i->opsize, &v));
	r = v ? __builtin_clzll(v) - (64 - bits) : bits;
	x86_reg_set(c, i, i->reg, i->opsize, r);
	x86_flags_put(c, FL_CF | FL_ZF, (v ? 0 : FL_CF) | (r ? 0 : FL_ZF));
	return X86_OK;
}

/* BSWAP r32/r64; with a 16-bit operand the result is undefined and
 * mmulab clears the word, as Intel processors do. */
int op_bswap_Zv(struct cpu *c, const struct insn *i)
{
	uint64_t v = c->regs[i->rm];
	switch (i->opsize) {
	case 2: x86_reg_set(c, i, i->rm, 2, 0); break;
	case 4: c->regs[i->rm] = __builtin_bswap32((uint32_t)v); break;
	default: c->regs[i->rm] = __builtin_bswap64(v); break;
	}
	return X86_OK;
}
