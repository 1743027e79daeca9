/*
 * cpu/x86/sys.c — software interrupts, HLT, interrupt-flag control,
 * PUSHF/POPF and the fast system calls SYSCALL/SYSRET (SDM vol. 2).
 */
#include "cpu/x86/system.h"

/* Deliver a software interrupt: the return address is the next
 * instruction (trap semantics). */
static int soft_int(struct cpu *c, int vector, int kind)
{
	return x86_deliver(c, vector, kind, 0, 0, c->next_rip);
}

/* CC: INT3 — #BP as a trap; DPL checked as for INT n. */
int op_int3(struct cpu *c, const struct insn *i)
{
	return soft_int(c, EXC_BP, EV_INT3);
}

/* CD ib: INT n. */
int op_int_Ib(struct cpu *c, const struct insn *i)
{
	return soft_int(c, (uint8_t)i->imm, EV_SOFT_INT);
}

/* CE: INTO — #OF if OF=1 (invalid in 64-bit mode: the table says so). */
int op_into(struct cpu *c, const struct insn *i)
{
	if (!(x86_get_rflags(c) & FL_OF))
		return X86_OK;
	return soft_int(c, EXC_OF, EV_INTO);
}

/* F1: INT1 (ICEBP) — #DB without the DPL check of INT n. */
int op_int1(struct cpu *c, const struct insn *i)
{
	return soft_int(c, EXC_DB, EV_INT1);
}

/* F4: HLT — privileged; the vCPU parks until an interrupt. */
int op_hlt(struct cpu *c, const struct insn *i)
{
	if (c->cpl != 0)
		return x86_raise_err(c, EXC_GP, 0);
	c->halted = 1;
	return X86_STOP;
}

static int iopl(const struct cpu *c)
{
	return (int)((c->rflags >> 12) & 3);
}

/* FA: CLI.  Protected mode: CPL <= IOPL, else #GP(0) (no VME/PVI). */
int op_cli(struct cpu *c, const struct insn *i)
{
	if (!x86_real(c) && c->cpl > iopl(c))
		return x86_raise_err(c, EXC_GP, 0);
	c->rflags &= ~FL_IF;
	return X86_OK;
}

/* FB: STI.  Interrupts stay blocked until after the next instruction. */
int op_sti(struct cpu *c, const struct insn *i)
{
	if (!x86_real(c) && c->cpl > iopl(c))
		return x86_raise_err(c, EXC_GP, 0);
	if (!(c->rflags & FL_IF))
		c->intr_shadow = 1;
	c->rflags |= FL_IF;
	return X86_OK;
}

/* 9C: PUSHF/PUSHFD/PUSHFQ.  VM and RF read as 0 in the image. */
int op_pushf(struct cpu *c, const struct insn *i)
{
	uint64_t fl = x86_get_rflags(c) & ~(FL_VM | FL_RF);
	return x86_push(c, i->opsize, fl);
}

/*
 * 9D: POPF.  What may change (SDM vol. 2 "POPF"): at CPL 0 everything but
 * VM, VIP, VIF (and RF is cleared); at 0 < CPL <= IOPL not IOPL; at
 * CPL > IOPL neither IOPL nor IF.  A 16-bit POPF changes bits 15:0 only.
 */
int op_popf(struct cpu *c, const struct insn *i)
{
	uint64_t v;
	TRY(x86_pop(c, i->opsize, &v));
	uint64_t cur = x86_get_rflags(c);
	uint64_t mask = FL_ARITH | FL_TF | FL_DF | FL_NT | FL_IF | FL_IOPL |
			FL_AC | FL_ID;
	if (!x86_real(c)) {
		if (c->cpl > 0)
			mask &= ~FL_IOPL;
		if (c->cpl > iopl(c))
			mask &= ~FL_IF;
	}
	if (i->opsize == 2)
		mask &= 0xffff;
	uint64_t nv = (cur & ~mask) | (v & mask);
	nv &= ~FL_RF;
	x86_set_rflags(c, nv | 2);
	if ((nv ^ cur) & FL_AC)
		cpu_sync_mmu(c);
	return X86_OK;
}

/* Flat segments loaded by SYSCALL/SYSRET (SDM "SYSCALL", "SYSRET"). */
static void flat_seg(struct x86_seg *s, uint16_t sel, int dpl, int code,
		     int l64)
{
	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffffu;
	s->attr = SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_G |
		  ((uint32_t)dpl << SEG_ATTR_DPL_SHIFT) |
		  (code ? 0xb : 0x3) |
		  (code && l64 ? SEG_ATTR_L : SEG_ATTR_DB);
}

/* 0F 05: SYSCALL — 64-bit mode only on Intel (#UD elsewhere). */
int op_syscall(struct cpu *c, const struct insn *i)
{
	if (c->code_bits != 64 || !(c->efer & EFER_SCE))
		return x86_raise(c, EXC_UD);
	uint64_t fl = x86_get_rflags(c);
	c->regs[R_RCX] = c->next_rip;
	c->regs[R_R11] = fl & ~FL_RF;
	uint16_t sel = (uint16_t)(c->star >> 32);
	flat_seg(&c->seg[SEG_CS], sel & 0xfffc, 0, 1, 1);
	flat_seg(&c->seg[SEG_SS], (uint16_t)((sel + 8) & 0xfffc), 0, 0, 0);
	x86_set_rflags(c, (fl & ~c->sfmask & ~FL_RF) | 2);
	c->cpl = 0;
	c->next_rip = c->lstar;
	x86_update_mode(c);
	return X86_OK;
}

/* 0F 07: SYSRET — back to CPL 3; REX.W returns to 64-bit code. */
int op_sysret(struct cpu *c, const struct insn *i)
{
	if (!(c->efer & EFER_SCE) || c->code_bits != 64)
		return x86_raise(c, EXC_UD);
	if (c->cpl != 0)
		return x86_raise_err(c, EXC_GP, 0);
	uint16_t sel = (uint16_t)(c->star >> 48);
	if (i->opsize == 8) {
		if (!x86_canonical(c, c->regs[R_RCX]))
			return x86_raise_err(c, EXC_GP, 0);
		flat_seg(&c->seg[SEG_CS], (uint16_t)((sel + 16) | 3), 3, 1, 1);
		c->next_rip = c->regs[R_RCX];
	} else {
		flat_seg(&c->seg[SEG_CS], (uint16_t)(sel | 3), 3, 1, 0);
		c->next_rip = (uint32_t)c->regs[R_RCX];
	}
	/* SS.sel = STAR[63:48] + 8 with RPL 3; its cached fields are fixed
	 * values, not read from the GDT. */
	flat_seg(&c->seg[SEG_SS], (uint16_t)((sel + 8) | 3), 3, 0, 0);
	x86_set_rflags(c, (c->regs[R_R11] & 0x3c7fd7ull) | 2);
	c->cpl = 3;
	x86_update_mode(c);
	return X86_OK;
}
