/*
 * cpu/x86/misc.c — small instructions with no better home: the NOP family
 * (90 is in move.c), PAUSE, UD2, fences and CLFLUSH, the flag bits CLC STC
 * CMC CLD STD, SALC and BOUND (SDM vol. 2).
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

/* 0F 1F /0 and the hint space 0F 0D, 0F 18-1F: no operation, and no
 * memory access (prefetches never fault). */
int op_nop_Ev(struct cpu *c, const struct insn *i)
{
	return X86_OK;
}

/* F3 90: PAUSE — a spin-wait hint: the vCPU gives up the rest of its
 * turn, so the CPU it waits for gets to run. */
int op_pause(struct cpu *c, const struct insn *i)
{
	c->yield = 1;
	return X86_STOP;
}

int op_ud2(struct cpu *c, const struct insn *i)
{
	return x86_raise(c, EXC_UD);
}

/* LFENCE, MFENCE, SFENCE: one thread, in order: nothing to wait for. */
int op_fence(struct cpu *c, const struct insn *i)
{
	return X86_OK;
}

/* CLFLUSH: no cache is modelled, but the address is checked as a read. */
int op_clflush_Mb(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	return x86_read(c, i->seg, x86_modrm_ea(c, i), 1, &v);
}

int op_clc(struct cpu *c, const struct insn *i)
{
	x86_flags_put(c, FL_CF, 0);
	return X86_OK;
}

int op_stc(struct cpu *c, const struct insn *i)
{
	x86_flags_put(c, FL_CF, FL_CF);
	return X86_OK;
}

int op_cmc(struct cpu *c, const struct insn *i)
{
	x86_flags_put(c, FL_CF, x86_cf(c) ? 0 : FL_CF);
	return X86_OK;
}

int op_cld(struct cpu *c, const struct insn *i)
{
	c->rflags &= ~FL_DF;
	return X86_OK;
}

int op_std(struct cpu *c, const struct insn *i)
{
	c->rflags |= FL_DF;
	return X86_OK;
}

/* SALC (undocumented, D6, not in 64-bit mode): AL = CF ? FF : 00. */
int op_salc(struct cpu *c, const struct insn *i)
{
	x86_reg_set(c, i, R_RAX, 1, x86_cf(c) ? 0xff : 0);
	return X86_OK;
}

/* BOUND Gv, Ma: #BR unless lower <= Gv <= upper (signed). */
int op_bound_Gv_Ma(struct cpu *c, const struct insn *i)
{
	int s = i->opsize;
	uint64_t ea = x86_modrm_ea(c, i), lo, hi;
	TRY(x86_read(c, i->seg, ea, s, &lo));
	TRY(x86_read(c, i->seg, (ea + s) & x86_addr_mask(i), s, &hi));
	int64_t v = x86_sext(x86_reg_get(c, i, i->reg, s), s);
	if (v < x86_sext(lo, s) || v > x86_sext(hi, s))
		return x86_raise(c, EXC_BR);
	return X86_OK;
}
