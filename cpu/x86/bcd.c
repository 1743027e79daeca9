/*
 * cpu/x86/bcd.c — decimal arithmetic adjustments DAA, DAS, AAA, AAS, AAM,
 * AAD (SDM vol. 2), invalid in 64-bit mode.  Each follows its pseudocode;
 * flags the SDM leaves undefined are computed from AL like the others.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

static void set_al(struct cpu *c, uint64_t al)
{
	c->regs[R_RAX] = (c->regs[R_RAX] & ~0xffull) | (al & 0xff);
}

/* DAA/DAS: adjust AL after a packed-BCD addition/subtraction. */
static int decimal_adjust(struct cpu *c, int sub)
{
	uint64_t f = x86_get_rflags(c);
	unsigned al = c->regs[R_RAX] & 0xff, old = al;
	int old_cf = !!(f & FL_CF), cf = 0, af = 0;
	if ((al & 0xf) > 9 || (f & FL_AF)) {
		cf = old_cf || (sub ? al < 6 : al + 6 > 0xff);
		al = (sub ? al - 6 : al + 6) & 0xff;
		af = 1;
	}
	if (old > 0x99 || old_cf) {
		al = (sub ? al - 0x60 : al + 0x60) & 0xff;
		cf = 1;
	}
	set_al(c, al);
	x86_lf_res(c, 1, al, (cf ? FL_CF : 0) | (af ? FL_AF : 0));
	return X86_OK;
}

int op_daa(struct cpu *c, const struct insn *i)
{
	return decimal_adjust(c, 0);
}

int op_das(struct cpu *c, const struct insn *i)
{
	return decimal_adjust(c, 1);
}

/* AAA/AAS: adjust AX after an unpacked-BCD addition/subtraction. */
static int ascii_adjust(struct cpu *c, int sub)
{
	uint64_t f = x86_get_rflags(c), ax = c->regs[R_RAX] & 0xffff;
	int adj = (ax & 0xf) > 9 || (f & FL_AF);
	if (adj) {
		if (sub) {
			uint64_t al = (ax - 6) & 0xff, ah = ((ax >> 8) - 1) & 0xff;
			ax = ah << 8 | al;
		} else {
			ax = (ax + 0x106) & 0xffff;
		}
	}
	ax &= 0xff0f;
	c->regs[R_RAX] = (c->regs[R_RAX] & ~0xffffull) | ax;
	x86_lf_res(c, 1, ax & 0xff, adj ? FL_CF | FL_AF : 0);
	return X86_OK;
}

int op_aaa(struct cpu *c, const struct insn *i)
{
	return ascii_adjust(c, 0);
}

int op_aas(struct cpu *c, const struct insn *i)
{
	return ascii_adjust(c, 1);
}

/* AAM imm8: AH = AL / imm8, AL = AL % imm8; #DE on zero. */
int op_aam_Ib(struct cpu *c, const struct insn *i)
{
	unsigned base = i->imm & 0xff, al = c->regs[R_RAX] & 0xff;
	if (!base)
		return x86_raise(c, EXC_DE);
	uint64_t ax = (uint64_t)(al / base) << 8 | (al % base);
	c->regs[R_RAX] = (c->regs[R_RAX] & ~0xffffull) | ax;
	x86_lf_res(c, 1, ax & 0xff, 0);
	return X86_OK;
}

/* AAD imm8: AL = AL + AH * imm8, AH = 0. */
int op_aad_Ib(struct cpu *c, const struct insn *i)
{
	uint64_t ax = c->regs[R_RAX];
	uint64_t al = ((ax & 0xff) + ((ax >> 8) & 0xff) * (i->imm & 0xff)) & 0xff;
	c->regs[R_RAX] = (ax & ~0xffffull) | al;
	x86_lf_res(c, 1, al, 0);
	return X86_OK;
}
