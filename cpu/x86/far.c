/*
 * cpu/x86/far.c — far transfers: JMP/CALL far, RET far and IRET, in real,
 * protected and IA-32e modes (SDM vol. 2 "JMP", "CALL", "RET", "IRET").
 *
 * Direct transfers to code segments and transfers through call gates
 * (16/32-bit gates, 64-bit gates in IA-32e mode) are modelled with all
 * their checks; task switches are not (a far transfer to a TSS or task gate
 * raises #GP(selector)).
 */
#include "cpu/x86/system.h"

#define D_S(d) (((d) >> 44) & 1)
#define D_TYPE(d) ((unsigned)(((d) >> 40) & 0xf))
#define D_DPL(d) ((int)(((d) >> 45) & 3))
#define D_P(d) (((d) >> 47) & 1)
#define D_L(d) (((d) >> 53) & 1)
#define D_DB(d) (((d) >> 54) & 1)

static uint64_t mask_ip(int size, uint64_t ip)
{
	return size == 8 ? ip : size == 4 ? (uint32_t)ip : (uint16_t)ip;
}

/* Real mode: CS = selector, base = selector << 4. */
static void real_cs(struct cpu *c, uint16_t sel)
{
	c->seg[SEG_CS].sel = sel;
	c->seg[SEG_CS].base = (uint64_t)sel << 4;
}

/*
 * Check a code-segment selector as the target of a JMP/CALL far at the
 * current CPL (no privilege change).  Fills the descriptor.  A call gate
 * is reported with *gate = 1 and its descriptor (16 bytes in IA-32e mode)
 * in gd[], unchecked.
 */
static int check_far_target(struct cpu *c, uint16_t sel, uint64_t *desc,
			    int *gate, uint64_t gd[2])
{
	if ((sel & 0xfffc) == 0)
		return x86_raise_err(c, EXC_GP, 0);
	uint64_t d[2];
	TRY(x86_read_descriptor(c, sel, d, 0));
	uint64_t e = d[0];
	*gate = 0;
	if (!D_S(e)) {
		unsigned t = D_TYPE(e);
		/* Call gates: type 4 (16-bit) or 12 (32-bit); in IA-32e mode
		 * type 12 is the 64-bit call gate and 4 is not allowed. */
		if (t == 0xc || (t == 0x4 && !c->long_mode)) {
			gd[0] = e;
			gd[1] = 0;
			if (c->long_mode)
				TRY(x86_read_descriptor(c, sel, gd, 1));
			*gate = 1;
			return X86_OK;
		}
		return x86_raise_err(c, EXC_GP, sel & 0xfffc); /* TSS, task gate */
	}
	if (!(D_TYPE(e) & 8))
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	if (D_TYPE(e) & 4) { /* conforming */
		if (D_DPL(e) > c->cpl)
			return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	} else if ((sel & 3) > c->cpl || D_DPL(e) != c->cpl) {
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	}
	if (!D_P(e))
		return x86_raise_err(c, EXC_NP, sel & 0xfffc);
	if (c->long_mode && D_L(e) && D_DB(e))
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	*desc = e;
	return X86_OK;
}

/* Offset must lie within the new CS limit unless the target is 64-bit. */
static int check_limit(struct cpu *c, uint64_t desc, uint64_t ip)
{
	struct x86_seg s;
	x86_desc_to_seg(desc, 0, &s);
	if (c->long_mode && D_L(desc)) {
		if (!x86_canonical(c, ip))
			return x86_raise_err(c, EXC_GP, 0);
		return X86_OK;
	}
	if (ip > s.limit)
		return x86_raise_err(c, EXC_GP, 0);
	return X86_OK;
}

/*
 * JMP/CALL far through a call gate (SDM vol. 2 "CALL", vol. 3 §5.8.3-5.8.6):
 * gate DPL >= CPL and >= RPL; the target code segment's DPL <= CPL (JMP:
 * equal, unless conforming).  A CALL to a more privileged nonconforming
 * segment switches to the TSS stack of the new level, pushes the old SS:SP
 * (and, outside IA-32e mode, copies the gate's parameter count of words
 * from the old stack), then the return CS:IP.  In IA-32e mode the gate is
 * 64-bit, the target must be 64-bit code and SS becomes null.
 */
static int through_gate(struct cpu *c, uint16_t gsel, const uint64_t gd[2],
			int call)
{
	uint64_t g = gd[0];
	if (D_DPL(g) < c->cpl || D_DPL(g) < (gsel & 3))
		return x86_raise_err(c, EXC_GP, gsel & 0xfffc);
	if (!D_P(g))
		return x86_raise_err(c, EXC_NP, gsel & 0xfffc);
	if (c->long_mode && ((gd[1] >> 40) & 0x1f) != 0)
		return x86_raise_err(c, EXC_GP, gsel & 0xfffc);
	uint16_t sel = (uint16_t)(g >> 16);
	uint64_t ip = (g & 0xffff) | ((g >> 32) & 0xffff0000ull);
	int psize = 2;
	if (c->long_mode) {
		ip |= (gd[1] & 0xffffffffull) << 32;
		psize = 8;
	} else if (D_TYPE(g) == 0xc) {
		psize = 4;
	} else {
		ip &= 0xffff;
	}
	if ((sel & 0xfffc) == 0)
		return x86_raise_err(c, EXC_GP, 0);
	uint64_t d[2];
	TRY(x86_read_descriptor(c, sel, d, 0));
	uint64_t e = d[0];
	int conforming = (D_TYPE(e) & 4) != 0;
	if (!D_S(e) || !(D_TYPE(e) & 8) || D_DPL(e) > c->cpl ||
	    (!call && !conforming && D_DPL(e) != c->cpl))
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	if (!D_P(e))
		return x86_raise_err(c, EXC_NP, sel & 0xfffc);
	if (c->long_mode && (!D_L(e) || D_DB(e)))
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	TRY(check_limit(c, e, ip));

	int newcpl = conforming ? c->cpl : D_DPL(e);
	struct x86_seg old_ss = c->seg[SEG_SS], old_cs = c->seg[SEG_CS];
	uint64_t old_sp = c->regs[R_RSP];
	int old_cpl = c->cpl;
	if (call && newcpl < c->cpl) {
		uint64_t sp = 0;
		uint16_t ss = 0;
		TRY(x86_tss_stack(c, newcpl, 0, &sp, &ss));
		unsigned nparams = c->long_mode ? 0 : (unsigned)((g >> 32) & 0x1f);
		uint64_t params[31];
		uint64_t osp = old_sp & x86_stack_mask(c);
		for (unsigned k = 0; k < nparams; k++)
			TRY(x86_read(c, SEG_SS, (osp + (uint64_t)k * psize) &
					     x86_stack_mask(c), psize, &params[k]));
		if (c->long_mode)
			x86_null_ss(&c->seg[SEG_SS], newcpl);
		else
			TRY(x86_load_inner_ss(c, ss, newcpl, 0));
		c->cpl = newcpl;
		c->regs[R_RSP] = sp;
		x86_desc_to_seg(e | (1ull << 40), (uint16_t)((sel & 0xfffc) | newcpl),
				&c->seg[SEG_CS]);
		x86_update_mode(c);
		int bad = x86_push(c, psize, old_ss.sel) || x86_push(c, psize, old_sp);
		for (unsigned k = nparams; !bad && k > 0; k--)
			bad = x86_push(c, psize, params[k - 1]);
		if (!bad)
			bad = x86_push(c, psize, old_cs.sel) ||
			      x86_push(c, psize, c->next_rip);
		if (bad) {
			c->seg[SEG_SS] = old_ss;
			c->seg[SEG_CS] = old_cs;
			c->regs[R_RSP] = old_sp;
			c->cpl = old_cpl;
			x86_update_mode(c);
			return X86_EXC;
		}
		c->next_rip = ip;
		return X86_OK;
	}
	if (call && (x86_push(c, psize, old_cs.sel) ||
		     x86_push(c, psize, c->next_rip))) {
		c->regs[R_RSP] = old_sp;
		return X86_EXC;
	}
	x86_desc_to_seg(e | (1ull << 40), (uint16_t)((sel & 0xfffc) | c->cpl),
			&c->seg[SEG_CS]);
	c->next_rip = ip;
	x86_update_mode(c);
	return X86_OK;
}

static int far_transfer(struct cpu *c, const struct insn *i, uint16_t sel,
			uint64_t ip, int call)
{
	int size = i->opsize;
	if (x86_real(c)) {
		if (call) {
			TRY(x86_push(c, size, c->seg[SEG_CS].sel));
			TRY(x86_push(c, size, c->next_rip));
		}
		real_cs(c, sel);
		c->next_rip = mask_ip(size, ip);
		return X86_OK;
	}
	uint64_t desc = 0, gd[2] = { 0, 0 };
	int gate = 0;
	TRY(check_far_target(c, sel, &desc, &gate, gd));
	if (gate)
		return through_gate(c, sel, gd, call);
	TRY(check_limit(c, desc, ip));
	if (call) {
		uint64_t sp = c->regs[R_RSP];
		if (x86_push(c, size, c->seg[SEG_CS].sel) ||
		    x86_push(c, size, c->next_rip)) {
			c->regs[R_RSP] = sp;
			return X86_EXC;
		}
	}
	x86_desc_to_seg(desc | (1ull << 40), (uint16_t)((sel & 0xfffc) | c->cpl),
			&c->seg[SEG_CS]);
	c->next_rip = ip;
	x86_update_mode(c);
	return X86_OK;
}

/* 9A / EA: CALL/JMP ptr16:16 or ptr16:32 (not in 64-bit mode). */
int op_call_Ap(struct cpu *c, const struct insn *i)
{
	return far_transfer(c, i, (uint16_t)i->imm2, mask_ip(i->opsize, i->imm), 1);
}

int op_jmp_Ap(struct cpu *c, const struct insn *i)
{
	return far_transfer(c, i, (uint16_t)i->imm2, mask_ip(i->opsize, i->imm), 0);
}

/* FF /3, FF /5: CALL/JMP m16:16, m16:32 or m16:64 (REX.W). */
static int far_indirect(struct cpu *c, const struct insn *i, int call)
{
	if (i->mod == 3)
		return x86_raise(c, EXC_UD);
	uint64_t ea = x86_ea(c, i), ip, sel;
	TRY(x86_read(c, i->seg, ea, i->opsize, &ip));
	TRY(x86_read(c, i->seg, x86_ea_add(c, i, ea, i->opsize), 2, &sel));
	return far_transfer(c, i, (uint16_t)sel, ip, call);
}

int op_call_Ep(struct cpu *c, const struct insn *i) { return far_indirect(c, i, 1); }
int op_jmp_Ep(struct cpu *c, const struct insn *i) { return far_indirect(c, i, 0); }

/* After a return to an outer level: data segment registers the new CPL
 * may not use become null (SDM "RET", "IRET"). */
static void null_inaccessible(struct cpu *c)
{
	static const int segs[] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
	for (int k = 0; k < 4; k++) {
		struct x86_seg *s = &c->seg[segs[k]];
		if (s->attr & SEG_ATTR_UNUSABLE)
			continue;
		int dpl = (int)((s->attr >> SEG_ATTR_DPL_SHIFT) & 3);
		int conf_code = (s->attr & 0xc) == 0xc && (s->attr & 8);
		if (!conf_code && dpl < c->cpl) {
			s->sel = 0;
			s->attr |= SEG_ATTR_UNUSABLE;
		}
	}
}

/*
 * Return to CS:ip, popping SS:sp as well when `outer` (a lower privilege,
 * or always in 64-bit IRET).  Checks the code segment against the RPL.
 */
static int return_to(struct cpu *c, uint16_t sel, uint64_t ip, int outer,
		     uint16_t ss_sel, uint64_t sp)
{
	int rpl = sel & 3;
	if ((sel & 0xfffc) == 0)
		return x86_raise_err(c, EXC_GP, 0);
	uint64_t d[2];
	TRY(x86_read_descriptor(c, sel, d, 0));
	uint64_t e = d[0];
	if (!D_S(e) || !(D_TYPE(e) & 8) || rpl < c->cpl)
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	if ((D_TYPE(e) & 4) ? D_DPL(e) > rpl : D_DPL(e) != rpl)
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	if (!D_P(e))
		return x86_raise_err(c, EXC_NP, sel & 0xfffc);
	if (c->long_mode && D_L(e) && D_DB(e))
		return x86_raise_err(c, EXC_GP, sel & 0xfffc);
	TRY(check_limit(c, e, ip));
	struct x86_seg ss = c->seg[SEG_SS];
	if (outer) {
		int to64 = c->long_mode && D_L(e);
		if ((ss_sel & 0xfffc) == 0) {
			/* A null SS is allowed only returning to 64-bit code
			 * at CPL < 3. */
			if (!to64 || rpl == 3)
				return x86_raise_err(c, EXC_GP, 0);
			x86_null_ss(&ss, rpl);
			ss.sel = ss_sel;
		} else {
			uint64_t sd[2];
			TRY(x86_read_descriptor(c, ss_sel, sd, 0));
			unsigned t = D_TYPE(sd[0]);
			if ((ss_sel & 3) != rpl || !D_S(sd[0]) || (t & 8) ||
			    !(t & 2) || D_DPL(sd[0]) != rpl)
				return x86_raise_err(c, EXC_GP, ss_sel & 0xfffc);
			if (!D_P(sd[0]))
				return x86_raise_err(c, EXC_SS, ss_sel & 0xfffc);
			x86_desc_to_seg(sd[0] | (1ull << 40), ss_sel, &ss);
		}
	}
	int was = c->cpl;
	x86_desc_to_seg(e | (1ull << 40), sel, &c->seg[SEG_CS]);
	c->cpl = rpl;
	if (outer) {
		c->seg[SEG_SS] = ss;
		c->regs[R_RSP] = sp;
	}
	c->next_rip = ip;
	x86_update_mode(c);
	if (c->cpl > was)
		null_inaccessible(c);
	return X86_OK;
}

/* CB / CA iw: RET far [imm16]. */
static int retf(struct cpu *c, const struct insn *i, uint16_t imm)
{
	int size = i->opsize;
	uint64_t save = c->regs[R_RSP], ip, sel;
	if (x86_pop(c, size, &ip) || x86_pop(c, size, &sel))
		goto fault;
	if (x86_real(c)) {
		real_cs(c, (uint16_t)sel);
		c->next_rip = mask_ip(size, ip);
		c->regs[R_RSP] = (c->regs[R_RSP] & ~x86_stack_mask(c)) |
				 ((c->regs[R_RSP] + imm) & x86_stack_mask(c));
		return X86_OK;
	}
	uint64_t m = x86_stack_mask(c);
	c->regs[R_RSP] = (c->regs[R_RSP] & ~m) | ((c->regs[R_RSP] + imm) & m);
	if ((sel & 3) > (uint64_t)c->cpl) {
		uint64_t sp, ss;
		if (x86_pop(c, size, &sp) || x86_pop(c, size, &ss))
			goto fault;
		if (return_to(c, (uint16_t)sel, ip, 1, (uint16_t)ss, sp))
			goto fault;
		m = x86_stack_mask(c);
		c->regs[R_RSP] = (c->regs[R_RSP] & ~m) | ((c->regs[R_RSP] + imm) & m);
		return X86_OK;
	}
	if (return_to(c, (uint16_t)sel, ip, 0, 0, 0))
		goto fault;
	return X86_OK;
fault:
	c->regs[R_RSP] = save;
	return X86_EXC;
}

int op_retf(struct cpu *c, const struct insn *i) { return retf(c, i, 0); }
int op_retf_Iw(struct cpu *c, const struct insn *i) { return retf(c, i, (uint16_t)i->imm); }

/* Which RFLAGS bits IRET may load at the current CPL and IOPL. */
static uint64_t iret_mask(const struct cpu *c, int size)
{
	uint64_t m = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_IF | FL_IOPL |
		     FL_AC | FL_ID | FL_RF | FL_VIF | FL_VIP;
	if (!x86_real(c)) {
		if (c->cpl > 0)
			m &= ~(FL_IOPL | FL_VIF | FL_VIP);
		if (c->cpl > (int)((c->rflags >> 12) & 3))
			m &= ~FL_IF;
	}
	if (size == 2)
		m &= 0xffff;
	return m;
}

/* CF: IRET / IRETD / IRETQ. */
int op_iret(struct cpu *c, const struct insn *i)
{
	int size = i->opsize;
	uint64_t save = c->regs[R_RSP], ip, sel, fl;
	uint64_t cur = x86_get_rflags(c);
	if (!x86_real(c) && (cur & FL_NT))
		return x86_raise_err(c, EXC_GP, 0); /* task return: not modelled */
	if (x86_pop(c, size, &ip) || x86_pop(c, size, &sel) ||
	    x86_pop(c, size, &fl))
		goto fault;
	uint64_t mask = iret_mask(c, size);
	if (x86_real(c)) {
		real_cs(c, (uint16_t)sel);
		c->next_rip = mask_ip(size, ip);
	} else {
		if (!c->long_mode && (fl & FL_VM) && c->cpl == 0 && size == 4) {
			c->regs[R_RSP] = save;
			return x86_raise_err(c, EXC_GP, 0); /* virtual-8086: not modelled */
		}
		int outer = c->code_bits == 64 || (sel & 3) > (uint64_t)c->cpl;
		uint64_t sp = 0, ss = 0;
		if (outer && (x86_pop(c, size, &sp) || x86_pop(c, size, &ss)))
			goto fault;
		if (return_to(c, (uint16_t)sel, ip, outer, (uint16_t)ss, sp))
			goto fault;
	}
	x86_set_rflags(c, ((cur & ~mask) | (fl & mask) | 2) & ~FL_VM);
	cpu_sync_mmu(c);
	return X86_OK;
fault:
	c->regs[R_RSP] = save;
	return X86_EXC;
}
