/*
 * cpu/x86/dtable.c — descriptor-table instructions: LGDT/LIDT/SGDT/SIDT,
 * LLDT/SLDT, LTR/STR, and the descriptor queries LAR, LSL, VERR, VERW,
 * ARPL (SDM vol. 2).
 */
#include "cpu/x86/system.h"

static int need_cpl0(struct cpu *c)
{
	if (!x86_real(c) && c->cpl != 0)
		return x86_raise_err(c, EXC_GP, 0);
	return X86_OK;
}

static void set_zf(struct cpu *c, int on)
{
	uint64_t f = x86_get_rflags(c);
	x86_set_rflags(c, on ? f | FL_ZF : f & ~FL_ZF);
}

/* The pseudo-descriptor: limit (2 bytes), then base (8 bytes in 64-bit
 * mode, else 4; a 16-bit operand size loads 24 bits of base). */
static int load_dtr(struct cpu *c, const struct insn *i, struct x86_dtr *t)
{
	if (i->mod == 3)
		return x86_raise(c, EXC_UD);
	TRY(need_cpl0(c));
	uint64_t ea = x86_ea(c, i), lim, base;
	int bsize = c->code_bits == 64 ? 8 : 4;
	TRY(x86_read(c, i->seg, ea, 2, &lim));
	TRY(x86_read(c, i->seg, x86_ea_add(c, i, ea, 2), bsize, &base));
	if (c->code_bits != 64 && i->opsize == 2)
		base &= 0xffffff;
	t->limit = (uint16_t)lim;
	t->base = base;
	return X86_OK;
}

static int store_dtr(struct cpu *c, const struct insn *i, const struct x86_dtr *t)
{
	if (i->mod == 3)
		return x86_raise(c, EXC_UD);
	uint64_t ea = x86_ea(c, i);
	int bsize = c->code_bits == 64 ? 8 : 4;
	TRY(x86_write(c, i->seg, ea, 2, t->limit));
	return x86_write(c, i->seg, x86_ea_add(c, i, ea, 2), bsize, t->base);
}

int op_lgdt_Ms(struct cpu *c, const struct insn *i) { return load_dtr(c, i, &c->gdtr); }
int op_lidt_Ms(struct cpu *c, const struct insn *i) { return load_dtr(c, i, &c->idtr); }
int op_sgdt_Ms(struct cpu *c, const struct insn *i) { return store_dtr(c, i, &c->gdtr); }
int op_sidt_Ms(struct cpu *c, const struct insn *i) { return store_dtr(c, i, &c->idtr); }

/* Store a selector: a register gets it zero-extended, memory 16 bits. */
static int store_sel(struct cpu *c, const struct insn *i, uint16_t sel)
{
	if (x86_real(c))
		return x86_raise(c, EXC_UD);
	if (i->mod == 3) {
		x86_set_reg(c, i->rm, i->opsize, sel);
		return X86_OK;
	}
	return x86_write(c, i->seg, x86_ea(c, i), 2, sel);
}

int op_sldt_Ew(struct cpu *c, const struct insn *i) { return store_sel(c, i, c->ldtr.sel); }
int op_str_Ew(struct cpu *c, const struct insn *i) { return store_sel(c, i, c->tr.sel); }

static int read_sel_operand(struct cpu *c, const struct insn *i, uint16_t *sel)
{
	uint64_t v;
	if (i->mod == 3)
		v = c->regs[i->rm];
	else
		TRY(x86_read(c, i->seg, x86_ea(c, i), 2, &v));
	*sel = (uint16_t)v;
	return X86_OK;
}

/* Load a system-segment register from a GDT descriptor of `want` type
 * (LDT: 2; TSS: available 1 or 9).  16-byte descriptors in long mode. */
static int load_system(struct cpu *c, const struct insn *i, int tss)
{
	if (x86_real(c))
		return x86_raise(c, EXC_UD);
	TRY(need_cpl0(c));
	uint16_t sel;
	TRY(read_sel_operand(c, i, &sel));
	struct x86_seg *r = tss ? &c->tr : &c->ldtr;
	if ((sel & 0xfffc) == 0) {
		if (tss)
			return x86_raise_err(c, EXC_GP, 0);
		r->sel = sel;
		r->attr = SEG_ATTR_UNUSABLE;
		return X86_OK;
	}
	if (sel & 4)
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	uint64_t d[2];
	TRY(x86_read_descriptor(c, sel, d, c->long_mode));
	unsigned type = (d[0] >> 40) & 0xf;
	int ok = !((d[0] >> 44) & 1) &&
		 (tss ? (type == 9 || (type == 1 && !c->long_mode)) : type == 2);
	if (!ok)
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	/* SDM vol. 3 figure 8-4: the upper half's type field is bits 12:8
	 * of its second dword (bits 44:40 of d[1]) and must be 0; its first
	 * dword is base 63:32. */
	if (c->long_mode && ((d[1] >> 40) & 0x1f))
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	if (!((d[0] >> 47) & 1))
		return x86_raise_err(c, EXC_NP, sel & 0xfffc);
	if (tss) { /* mark busy in the GDT */
		uint64_t busy = d[0] | (2ull << 40);
		TRY(x86_write_sys(c, c->gdtr.base + (sel & 0xfff8), 8, busy));
		d[0] = busy;
	}
	x86_desc_to_seg(d[0], sel, r);
	if (c->long_mode)
		r->base |= (d[1] & 0xffffffffull) << 32;
	return X86_OK;
}

int op_lldt_Ew(struct cpu *c, const struct insn *i) { return load_system(c, i, 0); }
int op_ltr_Ew(struct cpu *c, const struct insn *i) { return load_system(c, i, 1); }

/*
 * Look a selector up for LAR/LSL/VERR/VERW without faulting on it: returns
 * 1 and the descriptor when it is visible at CPL/RPL, else 0 (ZF cleared
 * by the caller).  `sys_ok` lists the system types that instruction accepts.
 */
static int query(struct cpu *c, uint16_t sel, uint64_t *desc, unsigned sys_ok)
{
	if ((sel & 0xfffc) == 0)
		return 0;
	uint64_t base = (sel & 4) ? c->ldtr.base : c->gdtr.base;
	uint64_t limit = (sel & 4) ? c->ldtr.limit : c->gdtr.limit;
	if ((sel & 4) && (c->ldtr.attr & SEG_ATTR_UNUSABLE))
		return 0;
	if ((uint64_t)(sel & 0xfff8) + 7 > limit)
		return 0;
	uint64_t d;
	if (x86_read_sys(c, base + (sel & 0xfff8), 8, &d))
		return -1;
	unsigned type = (d >> 40) & 0xf;
	int s = (d >> 44) & 1, dpl = (d >> 45) & 3;
	if (!s && !((sys_ok >> type) & 1))
		return 0;
	int conforming_code = s && (type & 0xc) == 0xc;
	if (!conforming_code && (dpl < c->cpl || dpl < (sel & 3)))
		return 0;
	*desc = d;
	return 1;
}

/* System types valid for LAR and LSL, legacy and IA-32e (SDM "LAR"). */
static unsigned lar_types(const struct cpu *c, int lsl)
{
	if (c->long_mode)
		return (1u << 2) | (1u << 9) | (1u << 11) | (lsl ? 0 : (1u << 12));
	return (1u << 1) | (1u << 2) | (1u << 3) | (1u << 9) | (1u << 11) |
	       (lsl ? 0 : (1u << 4) | (1u << 5) | (1u << 12) | (1u << 12));
}

static int lar_lsl(struct cpu *c, const struct insn *i, int lsl)
{
	if (x86_real(c))
		return x86_raise(c, EXC_UD);
	uint16_t sel;
	TRY(read_sel_operand(c, i, &sel));
	uint64_t d;
	int r = query(c, sel, &d, lar_types(c, lsl));
	if (r < 0)
		return X86_EXC;
	if (r) {
		uint64_t v;
		if (lsl) {
			struct x86_seg s;
			x86_desc_to_seg(d, sel, &s);
			v = s.limit;
		} else {
			v = (d >> 32) & 0x00f0ff00ull;
		}
		x86_set_reg(c, i->reg, i->opsize, v);
	}
	set_zf(c, r);
	return X86_OK;
}

int op_lar_Gv_Ew(struct cpu *c, const struct insn *i) { return lar_lsl(c, i, 0); }
int op_lsl_Gv_Ew(struct cpu *c, const struct insn *i) { return lar_lsl(c, i, 1); }

static int verify(struct cpu *c, const struct insn *i, int write)
{
	if (x86_real(c))
		return x86_raise(c, EXC_UD);
	uint16_t sel;
	TRY(read_sel_operand(c, i, &sel));
	uint64_t d;
	int r = query(c, sel, &d, 0);
	if (r < 0)
		return X86_EXC;
	if (r) {
		unsigned type = (d >> 40) & 0xf;
		int code = type & 8;
		r = write ? (!code && (type & 2)) : (!code || (type & 2));
		if (!((d >> 44) & 1))
			r = 0;
	}
	set_zf(c, r);
	return X86_OK;
}

int op_verr_Ew(struct cpu *c, const struct insn *i) { return verify(c, i, 0); }
int op_verw_Ew(struct cpu *c, const struct insn *i) { return verify(c, i, 1); }

/* 63 (outside 64-bit mode): ARPL Ew, Gw — raise the RPL of the
 * destination selector to that of the source. */
int op_arpl_Ew_Gw(struct cpu *c, const struct insn *i)
{
	if (x86_real(c))
		return x86_raise(c, EXC_UD);
	uint64_t dst;
	uint64_t ea = 0;
	if (i->mod == 3)
		dst = c->regs[i->rm] & 0xffff;
	else {
		ea = x86_ea(c, i);
		TRY(x86_read_rmw(c, i->seg, ea, 2, &dst));
	}
	int src_rpl = c->regs[i->reg] & 3;
	int adj = (int)(dst & 3) < src_rpl;
	if (adj) {
		dst = (dst & ~3ull) | (uint64_t)src_rpl;
		if (i->mod == 3)
			c->regs[i->rm] = (c->regs[i->rm] & ~0xffffull) | dst;
		else
			TRY(x86_write(c, i->seg, ea, 2, dst));
	}
	set_zf(c, adj);
	return X86_OK;
}
