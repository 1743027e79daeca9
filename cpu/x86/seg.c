/*
 * cpu/x86/seg.c — segment descriptors and segment-register loads.
 *
 * A selector is index(15:3) | TI(2, 1 = LDT) | RPL(1:0).  A code/data
 * descriptor (SDM vol. 3 §3.4.5, figure 3-8) packs:
 *   limit 15:0 in bits 15:0, base 23:0 in bits 39:16, access byte 47:40
 *   (type 43:40, S 44, DPL 46:45, P 47), limit 19:16 in 51:48,
 *   AVL 52, L 53, D/B 54, G 55, base 31:24 in 63:56.
 * System descriptors in long mode (LDT, TSS, gates) are 16 bytes, the
 * second 8 holding base 63:32.
 *
 * Also the instructions that load segment registers without a far transfer:
 * MOV Sreg, POP Sreg, PUSH Sreg, LDS/LES/LSS/LFS/LGS.
 */
#include "cpu/x86/system.h"

void x86_desc_to_seg(uint64_t d, uint16_t sel, struct x86_seg *s)
{
	uint32_t limit = (uint32_t)((d & 0xffff) | ((d >> 32) & 0xf0000));
	s->sel = sel;
	s->base = ((d >> 16) & 0xffffff) | (((d >> 56) & 0xff) << 24);
	s->attr = (uint32_t)((d >> 40) & 0xff) | (uint32_t)(((d >> 52) & 0xf) << 12);
	s->limit = (s->attr & SEG_ATTR_G) ? (limit << 12) | 0xfff : limit;
}

int x86_read_descriptor(struct cpu *c, uint16_t sel, uint64_t d[2], int wide)
{
	uint64_t base, limit;
	if (sel & 4) {
		if (c->ldtr.attr & SEG_ATTR_UNUSABLE)
			return x86_raise_err(c, EXC_GP, sel & 0xfffc);
		base = c->ldtr.base;
		limit = c->ldtr.limit;
	} else {
		base = c->gdtr.base;
		limit = c->gdtr.limit;
	}
	uint64_t off = sel & 0xfff8;
	if (off + (wide ? 15 : 7) > limit)
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	TRY(x86_read_sys(c, base + off, 8, &d[0]));
	d[1] = 0;
	if (wide)
		TRY(x86_read_sys(c, base + off + 8, 8, &d[1]));
	return X86_OK;
}

/* Set the accessed bit of a descriptor in memory, as a load does. */
static int set_accessed(struct cpu *c, uint16_t sel, uint64_t d)
{
	if (d & (1ull << 40))
		return X86_OK;
	uint64_t base = (sel & 4) ? c->ldtr.base : c->gdtr.base;
	return x86_write_sys(c, base + (sel & 0xfff8) + 5, 1,
			     ((d >> 40) & 0xff) | 1);
}

#define D_S(d) (((d) >> 44) & 1)
#define D_TYPE(d) (((d) >> 40) & 0xf)
#define D_DPL(d) ((int)(((d) >> 45) & 3))
#define D_P(d) (((d) >> 47) & 1)

int x86_load_seg(struct cpu *c, int seg, uint16_t sel)
{
	struct x86_seg *s = &c->seg[seg];
	if (x86_real(c) || (c->rflags & FL_VM)) {
		s->sel = sel;
		s->base = (uint64_t)sel << 4;
		/* Real mode keeps limit and attributes (unreal mode works). */
		if (seg == SEG_CS)
			x86_update_mode(c);
		return X86_OK;
	}
	int rpl = sel & 3;
	if ((sel & 0xfffc) == 0) {
		if (seg == SEG_SS &&
		    !(c->code_bits == 64 && c->cpl != 3 && rpl == c->cpl))
			return x86_raise_err(c, EXC_GP, 0);
		/* A null selector: the register becomes unusable; in 64-bit
		 * mode FS/GS keep their base (SDM vol. 3 §3.4.4). */
		s->sel = sel;
		s->attr = SEG_ATTR_UNUSABLE | (seg == SEG_SS ? (uint32_t)rpl << SEG_ATTR_DPL_SHIFT : 0);
		if (seg != SEG_FS && seg != SEG_GS)
			s->base = 0;
		s->limit = 0;
		return X86_OK;
	}
	uint64_t d[2];
	TRY(x86_read_descriptor(c, sel, d, 0));
	uint64_t e = d[0];
	unsigned type = D_TYPE(e);
	int dpl = D_DPL(e);
	if (seg == SEG_SS) {
		/* SDM "MOV": SS needs a writable data segment, RPL = DPL = CPL. */
		if (rpl != c->cpl || !D_S(e) || (type & 8) || !(type & 2) ||
		    dpl != c->cpl)
			return x86_raise_err(c, EXC_GP, sel & 0xfffc);
		if (!D_P(e))
			return x86_raise_err(c, EXC_SS, sel & 0xfffc);
	} else {
		/* Data or readable code; privilege unless conforming code. */
		if (!D_S(e) || ((type & 8) && !(type & 2)))
			return x86_raise_err(c, EXC_GP, sel & 0xfffc);
		int conforming = (type & 0xc) == 0xc;
		if (!conforming && (rpl > dpl || c->cpl > dpl))
			return x86_raise_err(c, EXC_GP, sel & 0xfffc);
		if (!D_P(e))
			return x86_raise_err(c, EXC_NP, sel & 0xfffc);
	}
	TRY(set_accessed(c, sel, e));
	x86_desc_to_seg(e | (1ull << 40), sel, s);
	return X86_OK;
}

/* Stack pointer for privilege level `pl` from the current TSS. */
int x86_tss_stack(struct cpu *c, int pl, int ext, uint64_t *sp, uint16_t *ss)
{
	unsigned type = c->tr.attr & SEG_ATTR_TYPE;
	uint64_t v;
	if (c->long_mode) {
		uint64_t off = 4 + 8 * (uint64_t)pl;
		if (off + 7 > c->tr.limit)
			return x86_raise_err(c, EXC_TS, (c->tr.sel & 0xfffc) | ext);
		TRY(x86_read_sys(c, c->tr.base + off, 8, sp));
		*ss = 0;
		return X86_OK;
	}
	int wide = (type & 8) != 0; /* 32-bit TSS */
	uint64_t off = wide ? 4 + 8 * (uint64_t)pl : 2 + 4 * (uint64_t)pl;
	uint64_t need = wide ? off + 5 : off + 3;
	if (need > c->tr.limit)
		return x86_raise_err(c, EXC_TS, (c->tr.sel & 0xfffc) | ext);
	TRY(x86_read_sys(c, c->tr.base + off, wide ? 4 : 2, sp));
	TRY(x86_read_sys(c, c->tr.base + off + (wide ? 4 : 2), 2, &v));
	*ss = (uint16_t)v;
	return X86_OK;
}

/* Load SS for an inner-privilege stack switch (§6.12.1: #TS rules). */
int x86_load_inner_ss(struct cpu *c, uint16_t sel, int dpl, int ext)
{
	if ((sel & 0xfffc) == 0)
		return x86_raise_err(c, EXC_TS, ext);
	if ((sel & 3) != dpl)
		return x86_raise_err(c, EXC_TS, (sel & 0xfffc) | ext);
	uint64_t d[2];
	TRY(x86_read_descriptor(c, sel, d, 0));
	unsigned type = (d[0] >> 40) & 0xf;
	if (!((d[0] >> 44) & 1) || (type & 8) || !(type & 2) ||
	    (int)((d[0] >> 45) & 3) != dpl)
		return x86_raise_err(c, EXC_TS, (sel & 0xfffc) | ext);
	if (!((d[0] >> 47) & 1))
		return x86_raise_err(c, EXC_SS, (sel & 0xfffc) | ext);
	x86_desc_to_seg(d[0] | (1ull << 40), sel, &c->seg[SEG_SS]);
	return X86_OK;
}

void x86_null_ss(struct x86_seg *s, int rpl)
{
	s->sel = (uint16_t)rpl;
	s->base = 0;
	s->limit = 0;
	s->attr = SEG_ATTR_UNUSABLE | ((uint32_t)rpl << SEG_ATTR_DPL_SHIFT);
}

/* 06 0E 16 1E, 0F A0, 0F A8: PUSH Sreg. */
static int sreg_of(const struct insn *i)
{
	if (i->map == 1)
		return (i->opcode & 8) ? SEG_GS : SEG_FS;
	return (i->opcode >> 3) & 3; /* 06 ES, 0E CS, 16 SS, 1E DS */
}

int op_push_sreg(struct cpu *c, const struct insn *i)
{
	/* A 32/64-bit push of a segment register writes 16 bits on current
	 * processors; writing the selector zero-extended is also allowed.
	 * mmulab stores the zero-extended selector. */
	return x86_push(c, i->opsize, c->seg[sreg_of(i)].sel);
}

/* 07 17 1F, 0F A1, 0F A9: POP Sreg. */
int op_pop_sreg(struct cpu *c, const struct insn *i)
{
	int seg = sreg_of(i);
	uint64_t v, sp = c->regs[R_RSP];
	TRY(x86_pop(c, i->opsize, &v));
	int rc = x86_load_seg(c, seg, (uint16_t)v);
	if (rc) {
		c->regs[R_RSP] = sp;
		return rc;
	}
	if (seg == SEG_SS)
		c->intr_shadow = 1;
	return X86_OK;
}

/* 8C: MOV Ev, Sreg.  A register destination gets the selector
 * zero-extended to the operand size; memory gets 16 bits. */
int op_mov_Ew_Sw(struct cpu *c, const struct insn *i)
{
	if ((i->reg & 7) > 5)
		return x86_raise(c, EXC_UD);
	uint16_t sel = c->seg[i->reg & 7].sel;
	if (i->mod == 3) {
		uint64_t *r = &c->regs[i->rm];
		if (i->opsize == 2)
			*r = (*r & ~0xffffull) | sel;
		else
			*r = sel;
		return X86_OK;
	}
	return x86_write(c, i->seg, x86_ea(c, i), 2, sel);
}

/* 8E: MOV Sreg, Ew.  Loading CS this way is #UD. */
int op_mov_Sw_Ew(struct cpu *c, const struct insn *i)
{
	int seg = i->reg & 7;
	if (seg == SEG_CS || seg > 5)
		return x86_raise(c, EXC_UD);
	uint64_t v;
	if (i->mod == 3)
		v = c->regs[i->rm];
	else
		TRY(x86_read(c, i->seg, x86_ea(c, i), 2, &v));
	TRY(x86_load_seg(c, seg, (uint16_t)v));
	if (seg == SEG_SS)
		c->intr_shadow = 1;
	return X86_OK;
}

/* LDS/LES/LSS/LFS/LGS Gv, Mp: offset then selector from memory. */
static int load_far_ptr(struct cpu *c, const struct insn *i, int seg)
{
	if (i->mod == 3)
		return x86_raise(c, EXC_UD);
	uint64_t ea = x86_ea(c, i), off, sel;
	TRY(x86_read(c, i->seg, ea, i->opsize, &off));
	TRY(x86_read(c, i->seg, x86_ea_add(c, i, ea, i->opsize), 2, &sel));
	TRY(x86_load_seg(c, seg, (uint16_t)sel));
	x86_set_reg(c, i->reg, i->opsize, off);
	return X86_OK;
}

int op_les_Gv_Mp(struct cpu *c, const struct insn *i) { return load_far_ptr(c, i, SEG_ES); }
int op_lds_Gv_Mp(struct cpu *c, const struct insn *i) { return load_far_ptr(c, i, SEG_DS); }
int op_lss_Gv_Mp(struct cpu *c, const struct insn *i) { return load_far_ptr(c, i, SEG_SS); }
int op_lfs_Gv_Mp(struct cpu *c, const struct insn *i) { return load_far_ptr(c, i, SEG_FS); }
int op_lgs_Gv_Mp(struct cpu *c, const struct insn *i) { return load_far_ptr(c, i, SEG_GS); }
