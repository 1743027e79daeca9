/*
 * cpu/x86/intr.c — interrupt and exception delivery (SDM vol. 3 ch. 6):
 * the real-mode IVT, protected-mode IDT gates (§6.12) and IA-32e gates
 * (§6.14), with privilege checks, stack switches from the TSS, IST, and the
 * error codes of §6.13:
 *
 *   error code for an IDT problem = vector << 3 | IDT(bit 1) | EXT(bit 0)
 *   EXT = 1 when the event is external or an exception, 0 for INT n.
 *
 * Delivery is atomic: every push is done after switching to the handler's
 * privilege and stack, and a fault on the way restores the old state before
 * it is reported (so the fault is taken in the context that raised the
 * first event, which is how #DF logic sees it).
 */
#include "cpu/x86/system.h"

#include <stdio.h>

struct saved {
	struct x86_seg cs, ss;
	uint64_t rsp, rflags, rip;
	int cpl;
};

static void save(const struct cpu *c, struct saved *s)
{
	s->cs = c->seg[SEG_CS];
	s->ss = c->seg[SEG_SS];
	s->rsp = c->regs[R_RSP];
	s->rflags = c->rflags;
	s->rip = c->rip;
	s->cpl = c->cpl;
}

static int restore(struct cpu *c, const struct saved *s)
{
	c->seg[SEG_CS] = s->cs;
	c->seg[SEG_SS] = s->ss;
	c->regs[R_RSP] = s->rsp;
	c->rflags = s->rflags;
	c->cpl = s->cpl;
	x86_update_mode(c);
	return X86_EXC;
}

static int software(int kind)
{
	return kind == EV_SOFT_INT || kind == EV_INT3 || kind == EV_INTO;
}

/* Enter the handler: common tail of every mode. */
static int enter(struct cpu *c, uint64_t rip, int clear_if)
{
	c->rflags &= ~(FL_TF | FL_NT | FL_RF | FL_VM);
	if (clear_if)
		c->rflags &= ~FL_IF;
	c->rip = c->next_rip = rip;
	c->halted = 0;
	x86_update_mode(c);
	return X86_OK;
}

static int deliver_real(struct cpu *c, int vector, uint64_t ret)
{
	uint64_t ent;
	if ((uint32_t)vector * 4 + 3 > c->idtr.limit)
		return x86_raise_err(c, EXC_GP, 0);
	TRY(x86_read_sys(c, c->idtr.base + vector * 4, 4, &ent));
	struct saved s;
	save(c, &s);
	uint64_t fl = x86_get_rflags(c);
	if (x86_push(c, 2, fl) || x86_push(c, 2, c->seg[SEG_CS].sel) ||
	    x86_push(c, 2, ret))
		return restore(c, &s);
	c->rflags &= ~FL_AC;
	c->seg[SEG_CS].sel = (uint16_t)(ent >> 16);
	c->seg[SEG_CS].base = (ent >> 16) << 4 & 0xffff0;
	return enter(c, ent & 0xffff, 1);
}

/*
 * Common gate processing: read the gate, check it, read the target code
 * segment.  Returns X86_OK with the gate (lo, hi) and code descriptor.
 */
static int read_gate(struct cpu *c, int vector, int kind, uint64_t g[2],
		     uint64_t cd[2], uint16_t *csel)
{
	int ext = software(kind) ? 0 : 1;
	uint32_t idt_err = ((uint32_t)vector << 3) | 2 | ext;
	int size = c->long_mode ? 16 : 8;
	if ((uint32_t)vector * size + size - 1 > c->idtr.limit)
		return x86_raise_err(c, EXC_GP, idt_err);
	TRY(x86_read_sys(c, c->idtr.base + vector * size, 8, &g[0]));
	g[1] = 0;
	if (size == 16)
		TRY(x86_read_sys(c, c->idtr.base + vector * size + 8, 8, &g[1]));
	unsigned type = (g[0] >> 40) & 0x1f; /* S and type */
	int ok = c->long_mode ? (type == 0xe || type == 0xf)
			      : (type == 0x6 || type == 0x7 || type == 0xe ||
				 type == 0xf);
	if (!ok) {
		if (!c->long_mode && type == 0x5)
			snprintf(c->shutdown_msg, sizeof(c->shutdown_msg),
				 "task gate for vector %d: task switching is not modelled",
				 vector);
		return x86_raise_err(c, EXC_GP, idt_err);
	}
	if (software(kind) && (int)((g[0] >> 45) & 3) < c->cpl)
		return x86_raise_err(c, EXC_GP, idt_err);
	if (!((g[0] >> 47) & 1))
		return x86_raise_err(c, EXC_NP, idt_err);
	*csel = (uint16_t)(g[0] >> 16);
	if ((*csel & 0xfffc) == 0)
		return x86_raise_err(c, EXC_GP, ext);
	TRY(x86_read_descriptor(c, *csel, cd, 0));
	unsigned ctype = (cd[0] >> 40) & 0xf;
	int dpl = (int)((cd[0] >> 45) & 3);
	if (!((cd[0] >> 44) & 1) || !(ctype & 8) || dpl > c->cpl)
		return x86_raise_err(c, EXC_GP, (*csel & 0xfffc) | ext);
	if (c->long_mode && (!((cd[0] >> 53) & 1) || ((cd[0] >> 54) & 1)))
		return x86_raise_err(c, EXC_GP, (*csel & 0xfffc) | ext);
	if (!((cd[0] >> 47) & 1))
		return x86_raise_err(c, EXC_NP, (*csel & 0xfffc) | ext);
	return X86_OK;
}

static int deliver_protected(struct cpu *c, int vector, int kind, int has_err,
			     uint32_t err, uint64_t ret)
{
	uint64_t g[2], cd[2];
	uint16_t csel;
	int ext = software(kind) ? 0 : 1;
	TRY(read_gate(c, vector, kind, g, cd, &csel));
	int gate32 = ((g[0] >> 43) & 1) != 0;
	int psize = gate32 ? 4 : 2;
	int conforming = ((cd[0] >> 42) & 1) != 0;
	int dpl = (int)((cd[0] >> 45) & 3);
	int newcpl = conforming ? c->cpl : dpl;
	uint64_t target = (g[0] & 0xffff) | (gate32 ? ((g[0] >> 32) & 0xffff0000) : 0);
	uint64_t fl = x86_get_rflags(c);

	struct saved s;
	save(c, &s);
	if (newcpl < c->cpl) {
		uint64_t sp;
		uint16_t ss;
		if (x86_tss_stack(c, newcpl, ext, &sp, &ss) ||
		    x86_load_inner_ss(c, ss, newcpl, ext))
			return restore(c, &s);
		c->cpl = newcpl;
		c->regs[R_RSP] = sp;
		x86_update_mode(c);
		if (x86_push(c, psize, s.ss.sel) || x86_push(c, psize, s.rsp))
			return restore(c, &s);
	}
	c->cpl = newcpl;
	x86_update_mode(c);
	if (x86_push(c, psize, fl) || x86_push(c, psize, s.cs.sel) ||
	    x86_push(c, psize, ret) || (has_err && x86_push(c, psize, err)))
		return restore(c, &s);
	x86_desc_to_seg(cd[0], (uint16_t)((csel & 0xfffc) | newcpl),
			&c->seg[SEG_CS]);
	return enter(c, target, !(g[0] & (1ull << 40)));
}

static int deliver_long(struct cpu *c, int vector, int kind, int has_err,
			uint32_t err, uint64_t ret)
{
	uint64_t g[2], cd[2];
	uint16_t csel;
	int ext = software(kind) ? 0 : 1;
	TRY(read_gate(c, vector, kind, g, cd, &csel));
	int conforming = ((cd[0] >> 42) & 1) != 0;
	int dpl = (int)((cd[0] >> 45) & 3);
	int newcpl = conforming ? c->cpl : dpl;
	uint64_t target = (g[0] & 0xffff) | ((g[0] >> 32) & 0xffff0000) |
			  (g[1] << 32);
	unsigned ist = (g[0] >> 32) & 7;
	uint64_t fl = x86_get_rflags(c);

	struct saved s;
	save(c, &s);
	uint64_t sp = c->regs[R_RSP];
	if (ist) {
		uint64_t off = 36 + 8 * (uint64_t)(ist - 1);
		if (off + 7 > c->tr.limit)
			return x86_raise_err(c, EXC_TS, (c->tr.sel & 0xfffc) | ext);
		TRY(x86_read_sys(c, c->tr.base + off, 8, &sp));
	} else if (newcpl < c->cpl) {
		uint16_t ss;
		TRY(x86_tss_stack(c, newcpl, ext, &sp, &ss));
	}
	if (newcpl < c->cpl) {
		/* §6.14.4: SS is loaded with a null selector, RPL = new CPL. */
		x86_null_ss(&c->seg[SEG_SS], newcpl);
	}
	c->cpl = newcpl;
	x86_desc_to_seg(cd[0], (uint16_t)((csel & 0xfffc) | newcpl),
			&c->seg[SEG_CS]);
	x86_update_mode(c); /* now 64-bit mode: 8-byte pushes, no limits */
	c->regs[R_RSP] = sp & ~0xfull;
	if (x86_push(c, 8, s.ss.sel) || x86_push(c, 8, s.rsp) ||
	    x86_push(c, 8, fl) || x86_push(c, 8, s.cs.sel) ||
	    x86_push(c, 8, ret) || (has_err && x86_push(c, 8, err)))
		return restore(c, &s);
	return enter(c, target, !(g[0] & (1ull << 40)));
}

int x86_deliver(struct cpu *c, int vector, int kind, int has_err, uint32_t err,
		uint64_t ret)
{
	if (x86_real(c))
		return deliver_real(c, vector, ret);
	if (c->long_mode)
		return deliver_long(c, vector, kind, has_err, err, ret);
	return deliver_protected(c, vector, kind, has_err, err, ret);
}
