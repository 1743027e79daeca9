/*
 * cpu/x86/operand.h — operands of a decoded instruction: registers by size,
 * the effective address, and the E operand (ModRM r/m) in a register or in
 * memory.
 *
 * Register rules (SDM vol. 1 §3.4.1.1): byte registers 4-7 are AH, CH, DH,
 * BH without a REX prefix and SPL, BPL, SIL, DIL with one; 8- and 16-bit
 * writes keep the other bits; 32-bit writes zero bits 63:32.
 */
#ifndef MMULAB_CPU_X86_OPERAND_H
#define MMULAB_CPU_X86_OPERAND_H

#include "cpu/x86/flags.h"

#define X86_NOREG 0xff

/* Read register r as an operand of `size` bytes (zero-extended). */
static inline uint64_t x86_reg_get(const struct cpu *c, const struct insn *i,
				   int r, int size)
{
	switch (size) {
	case 1:
		if (!i->rex && (r & 0xc) == 4)
			return (c->regs[r - 4] >> 8) & 0xff;
		return c->regs[r] & 0xff;
	case 2: return c->regs[r] & 0xffff;
	case 4: return (uint32_t)c->regs[r];
	default: return c->regs[r];
	}
}

/* Write register r as an operand of `size` bytes. */
static inline void x86_reg_set(struct cpu *c, const struct insn *i, int r,
			       int size, uint64_t v)
{
	switch (size) {
	case 1:
		if (!i->rex && (r & 0xc) == 4)
			c->regs[r - 4] = (c->regs[r - 4] & ~0xff00ull) |
					 (v & 0xff) << 8;
		else
			c->regs[r] = (c->regs[r] & ~0xffull) | (v & 0xff);
		break;
	case 2: c->regs[r] = (c->regs[r] & ~0xffffull) | (v & 0xffff); break;
	case 4: c->regs[r] = (uint32_t)v; break;
	default: c->regs[r] = v; break;
	}
}

/* Mask for an address of i->addrsize bytes. */
static inline uint64_t x86_addr_mask(const struct insn *i)
{
	return x86_size_mask(i->addrsize);
}

/* Effective address (offset in i->seg) of the memory operand, truncated to
 * the address size.  RIP-relative addresses count from the next insn. */
static inline uint64_t x86_modrm_ea(const struct cpu *c,
				    const struct insn *i)
{
	uint64_t a = i->disp;
	if (i->base != X86_NOREG)
		a += c->regs[i->base];
	if (i->index != X86_NOREG)
		a += c->regs[i->index] << i->scale;
	if (i->rip_rel)
		a += c->next_rip;
	return a & x86_addr_mask(i);
}

/* Read the E operand (register or memory) of `size` bytes. */
static inline WUR int x86_E_read(struct cpu *c, const struct insn *i, int size,
				 uint64_t *v)
{
	if (i->mod == 3) {
		*v = x86_reg_get(c, i, i->rm, size);
		return X86_OK;
	}
	return x86_read(c, i->seg, x86_modrm_ea(c, i), size, v);
}

/* Write the E operand. */
static inline WUR int x86_E_write(struct cpu *c, const struct insn *i,
				  int size, uint64_t v)
{
	if (i->mod == 3) {
		x86_reg_set(c, i, i->rm, size, v);
		return X86_OK;
	}
	return x86_write(c, i->seg, x86_modrm_ea(c, i), size, v);
}

/* Read-modify-write access to E: x86_E_rmw_get checks write access and
 * returns the value and the address for x86_E_rmw_put. */
static inline WUR int x86_E_rmw_get(struct cpu *c, const struct insn *i,
				    int size, uint64_t *v, uint64_t *ea)
{
	if (i->mod == 3) {
		*v = x86_reg_get(c, i, i->rm, size);
		return X86_OK;
	}
	*ea = x86_modrm_ea(c, i);
	return x86_read_rmw(c, i->seg, *ea, size, v);
}
static inline WUR int x86_E_rmw_put(struct cpu *c, const struct insn *i,
				    int size, uint64_t ea, uint64_t v)
{
	if (i->mod == 3) {
		x86_reg_set(c, i, i->rm, size, v);
		return X86_OK;
	}
	return x86_write(c, i->seg, ea, size, v);
}

/* Continue at `target`: truncated to the operand size outside 64-bit
 * mode (SDM vol. 2 "JMP"), #GP(0) when non-canonical in 64-bit mode or
 * beyond the CS limit otherwise.  X86_OK or X86_EXC. */
int x86_branch(struct cpu *c, int opsize, uint64_t target) WUR;

/* Register of the string instructions (rSI, rDI, rCX) under the address
 * size: read, and write keeping the bits above it (SDM vol. 1 §3.3.7). */
static inline uint64_t x86_areg(const struct cpu *c, const struct insn *i,
				int r)
{
	return c->regs[r] & x86_addr_mask(i);
}
void x86_areg_set(struct cpu *c, const struct insn *i, int r, uint64_t v);

#endif
