/*
 * cpu/x86/fast_mov.c — specialized variants of the data-movement handlers
 * of move.c (MOV, MOVZX, MOVSX, MOVSXD, LEA) for 32- and 64-bit operands
 * and byte loads and stores, by register or address shape (see fast.h for
 * the rules every variant follows).  A 32-bit register write zero-extends
 * to 64 bits, as x86_reg_set() does; MOVZX into a 64-bit register is the
 * same operation as into a 32-bit one.
 */
#include "cpu/x86/fast.h"

/* ---- MOV between registers, immediates ---- */

static int op_mov_Rq_Gq(struct cpu *c, const struct insn *i)
{
	c->regs[i->rm] = c->regs[i->reg];
	return X86_OK;
}

static int op_mov_Rd_Gd(struct cpu *c, const struct insn *i)
{
	c->regs[i->rm] = (uint32_t)c->regs[i->reg];
	return X86_OK;
}

static int op_mov_Gq_Rq(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = c->regs[i->rm];
	return X86_OK;
}

static int op_mov_Gd_Rd(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = (uint32_t)c->regs[i->rm];
	return X86_OK;
}

/* B8+r and C7 /0 with a register: the decoder sized the immediate. */
static int op_mov_Rq_I(struct cpu *c, const struct insn *i)
{
	c->regs[i->rm] = i->imm;
	return X86_OK;
}

static int op_mov_Rd_I(struct cpu *c, const struct insn *i)
{
	c->regs[i->rm] = (uint32_t)i->imm;
	return X86_OK;
}

/* ---- MOV with memory ---- */

static inline int mov_store(struct cpu *c, const struct insn *i, int k,
			    int size, uint64_t v)
{
	return x86_write(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), size, v);
}

static inline int mov_Mq_Gq(struct cpu *c, const struct insn *i, int k)
{
	return mov_store(c, i, k, 8, c->regs[i->reg]);
}

static inline int mov_Md_Gd(struct cpu *c, const struct insn *i, int k)
{
	return mov_store(c, i, k, 4, c->regs[i->reg]);
}

static inline int mov_Mq_I(struct cpu *c, const struct insn *i, int k)
{
	return mov_store(c, i, k, 8, i->imm);
}

static inline int mov_Md_I(struct cpu *c, const struct insn *i, int k)
{
	return mov_store(c, i, k, 4, i->imm);
}

/* A byte store from AL..BL, SPL..DIL, R8B..R15B (not AH..BH). */
static inline int mov_Mb_Gb(struct cpu *c, const struct insn *i, int k)
{
	return mov_store(c, i, k, 1, c->regs[i->reg]);
}

static inline int mov_Gq_Mq(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 8, &v));
	c->regs[i->reg] = v;
	return X86_OK;
}

/* Loads of 1, 2 or 4 bytes come back zero-extended. */
static inline int mov_Gd_Md(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 4, &v));
	c->regs[i->reg] = v;
	return X86_OK;
}

static inline int mov_Gb_Mb(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 1, &v));
	c->regs[i->reg] = (c->regs[i->reg] & ~0xffull) | v;
	return X86_OK;
}

EA_VARIANTS(op_mov_Mq_Gq, mov_Mq_Gq);
EA_VARIANTS(op_mov_Md_Gd, mov_Md_Gd);
EA_VARIANTS(op_mov_Mq_I, mov_Mq_I);
EA_VARIANTS(op_mov_Md_I, mov_Md_I);
EA_VARIANTS(op_mov_Mb_Gb, mov_Mb_Gb);
EA_VARIANTS(op_mov_Gq_Mq, mov_Gq_Mq);
EA_VARIANTS(op_mov_Gd_Md, mov_Gd_Md);
EA_VARIANTS(op_mov_Gb_Mb, mov_Gb_Mb);

/* ---- MOVZX, MOVSX, MOVSXD ---- */

static int op_movzx_Gd_Rb(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = c->regs[i->rm] & 0xff;
	return X86_OK;
}

static int op_movzx_Gd_Rw(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = c->regs[i->rm] & 0xffff;
	return X86_OK;
}

static inline int movzx_Gd_Mb(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 1, &v));
	c->regs[i->reg] = v;
	return X86_OK;
}

static inline int movzx_Gd_Mw(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 2, &v));
	c->regs[i->reg] = v;
	return X86_OK;
}

static int op_movsx_Gq_Rb(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = (uint64_t)(int64_t)(int8_t)c->regs[i->rm];
	return X86_OK;
}

static int op_movsx_Gd_Rb(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = (uint32_t)(int32_t)(int8_t)c->regs[i->rm];
	return X86_OK;
}

static int op_movsxd_Gq_Rd(struct cpu *c, const struct insn *i)
{
	c->regs[i->reg] = (uint64_t)(int64_t)(int32_t)c->regs[i->rm];
	return X86_OK;
}

static inline int movsx_Gq_Mb(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 1, &v));
	c->regs[i->reg] = (uint64_t)(int64_t)(int8_t)v;
	return X86_OK;
}

static inline int movsx_Gd_Mb(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 1, &v));
	c->regs[i->reg] = (uint32_t)(int32_t)(int8_t)v;
	return X86_OK;
}

static inline int movsxd_Gq_Md(struct cpu *c, const struct insn *i, int k)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), 4, &v));
	c->regs[i->reg] = (uint64_t)(int64_t)(int32_t)v;
	return X86_OK;
}

EA_VARIANTS(op_movzx_Gd_Mb, movzx_Gd_Mb);
EA_VARIANTS(op_movzx_Gd_Mw, movzx_Gd_Mw);
EA_VARIANTS(op_movsx_Gq_Mb, movsx_Gq_Mb);
EA_VARIANTS(op_movsx_Gd_Mb, movsx_Gd_Mb);
EA_VARIANTS(op_movsxd_Gq_Md, movsxd_Gq_Md);

/* ---- LEA: the offset itself, truncated to the operand size ---- */

static inline int lea_Gq_M(struct cpu *c, const struct insn *i, int k)
{
	c->regs[i->reg] = x86_ea_of(c, i, k);
	return X86_OK;
}

static inline int lea_Gd_M(struct cpu *c, const struct insn *i, int k)
{
	c->regs[i->reg] = (uint32_t)x86_ea_of(c, i, k);
	return X86_OK;
}

EA_VARIANTS(op_lea_Gq_M, lea_Gq_M);
EA_VARIANTS(op_lea_Gd_M, lea_Gd_M);

/* ---- the chooser ---- */

/* Register variant for a 64- or 32-bit operand, or the memory variant. */
static x86_handler by_shape(const struct insn *i, x86_handler rq,
			    x86_handler rd, const x86_handler *mq,
			    const x86_handler *md)
{
	int q = i->opsize == 8, d = i->opsize == 4;
	if (i->mod == 3)
		return q ? rq : d ? rd : NULL;
	return q && mq ? mq[i->ea] : d && md ? md[i->ea] : NULL;
}

/* See fast.h. */
x86_handler x86_fast_mov(const struct insn *i, int code_bits)
{
	x86_handler f = i->fn;
	(void)code_bits;
	if (f == op_mov_Ev_Gv)
		return by_shape(i, op_mov_Rq_Gq, op_mov_Rd_Gd, op_mov_Mq_Gq,
				op_mov_Md_Gd);
	if (f == op_mov_Gv_Ev)
		return by_shape(i, op_mov_Gq_Rq, op_mov_Gd_Rd, op_mov_Gq_Mq,
				op_mov_Gd_Md);
	if (f == op_mov_Ev_Iz)
		return by_shape(i, op_mov_Rq_I, op_mov_Rd_I, op_mov_Mq_I,
				op_mov_Md_I);
	if (f == op_mov_Zv_Iv)
		return by_shape(i, op_mov_Rq_I, op_mov_Rd_I, NULL, NULL);
	if (f == op_mov_Eb_Gb && i->mod != 3 && x86_low_byte_reg(i, i->reg))
		return op_mov_Mb_Gb[i->ea];
	if (f == op_mov_Gb_Eb && i->mod != 3 && x86_low_byte_reg(i, i->reg))
		return op_mov_Gb_Mb[i->ea];
	if (f == op_lea_Gv_M)
		return by_shape(i, NULL, NULL, op_lea_Gq_M, op_lea_Gd_M);
	if (i->opsize != 4 && i->opsize != 8)
		return NULL;
	if (f == op_movzx_Gv_Eb) {
		if (i->mod != 3)
			return op_movzx_Gd_Mb[i->ea];
		return x86_low_byte_reg(i, i->rm) ? op_movzx_Gd_Rb : NULL;
	}
	if (f == op_movzx_Gv_Ew)
		return i->mod == 3 ? op_movzx_Gd_Rw : op_movzx_Gd_Mw[i->ea];
	if (f == op_movsx_Gv_Eb) {
		int q = i->opsize == 8;
		if (i->mod != 3)
			return q ? op_movsx_Gq_Mb[i->ea] : op_movsx_Gd_Mb[i->ea];
		if (!x86_low_byte_reg(i, i->rm))
			return NULL;
		return q ? op_movsx_Gq_Rb : op_movsx_Gd_Rb;
	}
	if (f == op_movsxd_Gv_Ed && i->opsize == 8)
		return i->mod == 3 ? op_movsxd_Gq_Rd : op_movsxd_Gq_Md[i->ea];
	return NULL;
}
