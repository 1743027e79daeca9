/*
 * cpu/x86/operand.c — the out-of-line parts of operand access (operand.h):
 * branch targets and address-size-wide register updates.
 */
#include "cpu/x86/operand.h"

/* See operand.h. */
int x86_branch(struct cpu *c, int opsize, uint64_t target)
{
	if (c->code_bits == 64) {
		if (opsize == 2)
			target &= 0xffff;
		if (!x86_canonical(c, target))
			return x86_raise_err(c, EXC_GP, 0);
	} else {
		target &= opsize == 2 ? 0xffff : 0xffffffff;
		if (target > c->seg[SEG_CS].limit)
			return x86_raise_err(c, EXC_GP, 0);
	}
	c->next_rip = target;
	return X86_OK;
}

/* See operand.h. */
void x86_areg_set(struct cpu *c, const struct insn *i, int r, uint64_t v)
{
	switch (i->addrsize) {
	case 2: c->regs[r] = (c->regs[r] & ~0xffffull) | (v & 0xffff); break;
	case 4: c->regs[r] = (uint32_t)v; break;
	default: c->regs[r] = v; break;
	}
}

/* See x86.h. */
uint64_t x86_ea(struct cpu *c, const struct insn *i)
{
	return x86_modrm_ea(c, i);
}

/* See x86.h. */
void x86_set_reg(struct cpu *c, int reg, int size, uint64_t v)
{
	switch (size) {
	case 1: c->regs[reg] = (c->regs[reg] & ~0xffull) | (v & 0xff); break;
	case 2: c->regs[reg] = (c->regs[reg] & ~0xffffull) | (v & 0xffff); break;
	case 4: c->regs[reg] = (uint32_t)v; break;
	default: c->regs[reg] = v; break;
	}
}
