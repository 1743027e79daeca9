/*
 * cpu/x86/move.c — data movement without arithmetic: MOV (all general-
 * register forms, moffs, imm64), MOVZX, MOVSX, MOVSXD, MOVBE, LEA, XCHG,
 * CMOVcc, SETcc, CBW/CWDE/CDQE, CWD/CDQ/CQO, XLAT, LAHF and SAHF (SDM
 * vol. 2).  None of them changes a flag except SAHF.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

int op_mov_Eb_Gb(struct cpu *c, const struct insn *i)
{
	return x86_E_write(c, i, 1, x86_reg_get(c, i, i->reg, 1));
}

int op_mov_Ev_Gv(struct cpu *c, const struct insn *i)
{
	return x86_E_write(c, i, i->opsize, x86_reg_get(c, i, i->reg, i->opsize));
}

int op_mov_Gb_Eb(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, 1, &v));
	x86_reg_set(c, i, i->reg, 1, v);
	return X86_OK;
}

int op_mov_Gv_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	x86_reg_set(c, i, i->reg, i->opsize, v);
	return X86_OK;
}

int op_mov_Eb_Ib(struct cpu *c, const struct insn *i)
{
	return x86_E_write(c, i, 1, i->imm);
}

int op_mov_Ev_Iz(struct cpu *c, const struct insn *i)
{
	return x86_E_write(c, i, i->opsize, i->imm);
}

int op_mov_Zb_Ib(struct cpu *c, const struct insn *i)
{
	x86_reg_set(c, i, i->rm, 1, i->imm);
	return X86_OK;
}

int op_mov_Zv_Iv(struct cpu *c, const struct insn *i)
{
	x86_reg_set(c, i, i->rm, i->opsize, i->imm);
	return X86_OK;
}

/* A0-A3: the offset is the decoded displacement (no base, no index). */
int op_mov_AL_Ob(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_read(c, i->seg, x86_modrm_ea(c, i), 1, &v));
	x86_reg_set(c, i, R_RAX, 1, v);
	return X86_OK;
}

int op_mov_rAX_Ov(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_read(c, i->seg, x86_modrm_ea(c, i), i->opsize, &v));
	x86_reg_set(c, i, R_RAX, i->opsize, v);
	return X86_OK;
}

int op_mov_Ob_AL(struct cpu *c, const struct insn *i)
{
	return x86_write(c, i->seg, x86_modrm_ea(c, i), 1, c->regs[R_RAX]);
}

int op_mov_Ov_rAX(struct cpu *c, const struct insn *i)
{
	return x86_write(c, i->seg, x86_modrm_ea(c, i), i->opsize,
			 c->regs[R_RAX]);
}

/* Load E of `size` bytes into G, zero- or sign-extended. */
static inline int movx(struct cpu *c, const struct insn *i, int size, int sx)
{
	uint64_t v;
	TRY(x86_E_read(c, i, size, &v));
	x86_reg_set(c, i, i->reg, i->opsize, sx ? (uint64_t)x86_sext(v, size) : v);
	return X86_OK;
}

int op_movzx_Gv_Eb(struct cpu *c, const struct insn *i)
{
	return movx(c, i, 1, 0);
}

int op_movzx_Gv_Ew(struct cpu *c, const struct insn *i)
{
	return movx(c, i, 2, 0);
}

int op_movsx_Gv_Eb(struct cpu *c, const struct insn *i)
{
	return movx(c, i, 1, 1);
}

int op_movsx_Gv_Ew(struct cpu *c, const struct insn *i)
{
	return movx(c, i, 2, 1);
}

/* MOVSXD: sign-extends only with REX.W; else a plain 16/32-bit move. */
int op_movsxd_Gv_Ed(struct cpu *c, const struct insn *i)
{
	return movx(c, i, i->opsize == 8 ? 4 : i->opsize, 1);
}

static uint64_t swap_bytes(uint64_t v, int size)
{
	switch (size) {
	case 2: return __builtin_bswap16((uint16_t)v);
	case 4: return __builtin_bswap32((uint32_t)v);
	default: return __builtin_bswap64(v);
	}
}

int op_movbe_Gv_Mv(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	x86_reg_set(c, i, i->reg, i->opsize, swap_bytes(v, i->opsize));
	return X86_OK;
}

int op_movbe_Mv_Gv(struct cpu *c, const struct insn *i)
{
	uint64_t v = x86_reg_get(c, i, i->reg, i->opsize);
	return x86_E_write(c, i, i->opsize, swap_bytes(v, i->opsize));
}

int op_lea_Gv_M(struct cpu *c, const struct insn *i)
{
	x86_reg_set(c, i, i->reg, i->opsize, x86_modrm_ea(c, i));
	return X86_OK;
}

/* XCHG with memory is locked on hardware; here, one read-modify-write. */
static inline int xchg(struct cpu *c, const struct insn *i, int size)
{
	uint64_t a, ea = 0, b = x86_reg_get(c, i, i->reg, size);
	TRY(x86_E_rmw_get(c, i, size, &a, &ea));
	TRY(x86_E_rmw_put(c, i, size, ea, b));
	x86_reg_set(c, i, i->reg, size, a);
	return X86_OK;
}

int op_xchg_Eb_Gb(struct cpu *c, const struct insn *i)
{
	return xchg(c, i, 1);
}

int op_xchg_Ev_Gv(struct cpu *c, const struct insn *i)
{
	return xchg(c, i, i->opsize);
}

/* 90+r.  90 itself (rm 0, also with REX.W) is NOP: no zero-extension. */
int op_xchg_Zv_rAX(struct cpu *c, const struct insn *i)
{
	if (i->rm == R_RAX)
		return X86_OK;
	int s = i->opsize;
	uint64_t a = x86_reg_get(c, i, R_RAX, s), b = x86_reg_get(c, i, i->rm, s);
	x86_reg_set(c, i, R_RAX, s, b);
	x86_reg_set(c, i, i->rm, s, a);
	return X86_OK;
}

/* CMOVcc reads its source whatever the condition, and a 32-bit
 * destination is zero-extended even when nothing moves. */
int op_cmovcc_Gv_Ev(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_E_read(c, i, i->opsize, &v));
	if (!x86_cond(c, i->opcode & 15))
		v = x86_reg_get(c, i, i->reg, i->opsize);
	x86_reg_set(c, i, i->reg, i->opsize, v);
	return X86_OK;
}

int op_setcc_Eb(struct cpu *c, const struct insn *i)
{
	return x86_E_write(c, i, 1, x86_cond(c, i->opcode & 15));
}

/* CBW / CWDE / CDQE: sign-extend the lower half of rAX into it. */
int op_cbw(struct cpu *c, const struct insn *i)
{
	int s = i->opsize;
	x86_reg_set(c, i, R_RAX, s, x86_sext(c->regs[R_RAX], s / 2));
	return X86_OK;
}

/* CWD / CDQ / CQO: rDX = the sign of rAX. */
int op_cwd(struct cpu *c, const struct insn *i)
{
	int s = i->opsize;
	uint64_t neg = (c->regs[R_RAX] >> (s * 8 - 1)) & 1;
	x86_reg_set(c, i, R_RDX, s, neg ? ~0ull : 0);
	return X86_OK;
}

/* XLAT: AL = [seg: rBX + AL]. */
int op_xlat(struct cpu *c, const struct insn *i)
{
	uint64_t v, ea = (c->regs[R_RBX] + (c->regs[R_RAX] & 0xff)) &
			 x86_addr_mask(i);
	TRY(x86_read(c, i->seg, ea, 1, &v));
	x86_reg_set(c, i, R_RAX, 1, v);
	return X86_OK;
}

#define FL_LAHF (FL_SF | FL_ZF | FL_AF | FL_PF | FL_CF)

/* LAHF: AH = SF:ZF:0:AF:0:PF:1:CF. */
int op_lahf(struct cpu *c, const struct insn *i)
{
	uint64_t f = (x86_get_rflags(c) & FL_LAHF) | 2;
	c->regs[R_RAX] = (c->regs[R_RAX] & ~0xff00ull) | f << 8;
	return X86_OK;
}

int op_sahf(struct cpu *c, const struct insn *i)
{
	x86_flags_put(c, FL_LAHF, c->regs[R_RAX] >> 8);
	return X86_OK;
}
