/*
 * cpu/x86/cmpxchg.c — the atomic read-modify-write instructions CMPXCHG,
 * CMPXCHG8B, CMPXCHG16B and XADD (SDM vol. 2).  mmulab runs its vCPUs on
 * one host thread, so LOCK changes nothing here; what matters is that each
 * is one checked read-modify-write (the destination is written even when a
 * compare fails, as the processor does).
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

static int cmpxchg(struct cpu *c, const struct insn *i, int size)
{
	uint64_t d, ea = 0, m = x86_size_mask(size);
	uint64_t acc = c->regs[R_RAX] & m;
	TRY(x86_E_rmw_get(c, i, size, &d, &ea));
	if (acc == d) {
		TRY(x86_E_rmw_put(c, i, size, ea, x86_reg_get(c, i, i->reg, size)));
	} else {
		if (i->mod != 3)
			TRY(x86_write(c, i->seg, ea, size, d));
		x86_reg_set(c, i, R_RAX, size, d);
	}
	x86_lf_set(c, LF_SUB, size, (acc - d) & m, acc, d);
	return X86_OK;
}

int op_cmpxchg_Eb_Gb(struct cpu *c, const struct insn *i)
{
	return cmpxchg(c, i, 1);
}

int op_cmpxchg_Ev_Gv(struct cpu *c, const struct insn *i)
{
	return cmpxchg(c, i, i->opsize);
}

/* XADD: E = E + G, G = old E (a register E written last wins). */
static int xadd(struct cpu *c, const struct insn *i, int size)
{
	uint64_t d, ea = 0, s = x86_reg_get(c, i, i->reg, size);
	TRY(x86_E_rmw_get(c, i, size, &d, &ea));
	uint64_t r = (d + s) & x86_size_mask(size);
	if (i->mod == 3)
		x86_reg_set(c, i, i->reg, size, d);
	TRY(x86_E_rmw_put(c, i, size, ea, r));
	if (i->mod != 3)
		x86_reg_set(c, i, i->reg, size, d);
	x86_lf_set(c, LF_ADD, size, r, d, s);
	return X86_OK;
}

int op_xadd_Eb_Gb(struct cpu *c, const struct insn *i)
{
	return xadd(c, i, 1);
}

int op_xadd_Ev_Gv(struct cpu *c, const struct insn *i)
{
	return xadd(c, i, i->opsize);
}

/* CMPXCHG8B m64 / CMPXCHG16B m128 (REX.W; 16-byte aligned or #GP(0)):
 * compare rDX:rAX, store rCX:rBX on equality; only ZF changes. */
int op_cmpxchg8b_Mq(struct cpu *c, const struct insn *i)
{
	uint64_t ea = x86_modrm_ea(c, i);
	int eq;
	if (i->opsize == 8) {
		uint64_t v[2];
		if (ea & 15)
			return x86_raise_err(c, EXC_GP, 0);
		TRY(x86_read16(c, i->seg, ea, v, MMU_WRITE));
		eq = v[0] == c->regs[R_RAX] && v[1] == c->regs[R_RDX];
		if (eq) {
			v[0] = c->regs[R_RBX];
			v[1] = c->regs[R_RCX];
		}
		TRY(x86_write16(c, i->seg, ea, v));
		if (!eq) {
			c->regs[R_RAX] = v[0];
			c->regs[R_RDX] = v[1];
		}
	} else {
		uint64_t v;
		TRY(x86_read_rmw(c, i->seg, ea, 8, &v));
		uint64_t cmp = (c->regs[R_RDX] << 32) | (uint32_t)c->regs[R_RAX];
		eq = v == cmp;
		uint64_t nv = eq ? (c->regs[R_RCX] << 32) |
					   (uint32_t)c->regs[R_RBX]
				 : v;
		TRY(x86_write(c, i->seg, ea, 8, nv));
		if (!eq) {
			c->regs[R_RAX] = (uint32_t)v;
			c->regs[R_RDX] = v >> 32;
		}
	}
	x86_flags_put(c, FL_ZF, eq ? FL_ZF : 0);
	return X86_OK;
}
