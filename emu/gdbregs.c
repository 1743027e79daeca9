/*
 * emu/gdbregs.c — the registers gdb sees: the target description mmulab
 * sends (qXfer:features:read:target.xml) and the g/G/p/P packets.
 *
 * gdb's i386:x86-64 architecture needs the feature org.gnu.gdb.i386.core
 * with, in this order, the sixteen general registers, rip, eflags, the six
 * segment selectors and the x87 registers; org.gnu.gdb.i386.segments adds
 * fs_base and gs_base.  mmulab adds its own feature, org.mmulab.x86.system,
 * with the control registers, EFER and IA32_KERNEL_GS_BASE, which gdb shows
 * by name ($cr3, `info registers cr3`).  The remote register numbers are
 * the order of the table below, which is also the order of the XML.
 *
 * Guests run with -mgeneral-regs-only and mmulab models no x87 state yet:
 * those registers read as unavailable ("xx" bytes) and writes to them are
 * ignored.  Selectors and control registers are read-only here (loading
 * them needs the CPU's checks); writing the value they already hold is
 * accepted, so gdb's whole-set G packet works.
 */
#include "emu/gdbstub.h"

#include <stdlib.h>
#include <string.h>

enum reg_kind { RK_GPR, RK_RIP, RK_EFLAGS, RK_SEL, RK_X87, RK_BASE, RK_SYS };

enum { SYS_CR0, SYS_CR2, SYS_CR3, SYS_CR4, SYS_CR8, SYS_EFER, SYS_KGSBASE };

struct reg_def {
	const char *name;
	int bits;
	const char *type;
	int kind;
	int idx;
	const char *feature; /* the first register of a feature names it */
};

#define CORE "org.gnu.gdb.i386.core"
static const struct reg_def regs[] = {
	{ "rax", 64, "int64", RK_GPR, R_RAX, CORE },
	{ "rbx", 64, "int64", RK_GPR, R_RBX, NULL },
	{ "rcx", 64, "int64", RK_GPR, R_RCX, NULL },
	{ "rdx", 64, "int64", RK_GPR, R_RDX, NULL },
	{ "rsi", 64, "int64", RK_GPR, R_RSI, NULL },
	{ "rdi", 64, "int64", RK_GPR, R_RDI, NULL },
	{ "rbp", 64, "data_ptr", RK_GPR, R_RBP, NULL },
	{ "rsp", 64, "data_ptr", RK_GPR, R_RSP, NULL },
	{ "r8", 64, "int64", RK_GPR, R_R8, NULL },
	{ "r9", 64, "int64", RK_GPR, R_R9, NULL },
	{ "r10", 64, "int64", RK_GPR, R_R10, NULL },
	{ "r11", 64, "int64", RK_GPR, R_R11, NULL },
	{ "r12", 64, "int64", RK_GPR, R_R12, NULL },
	{ "r13", 64, "int64", RK_GPR, R_R13, NULL },
	{ "r14", 64, "int64", RK_GPR, R_R14, NULL },
	{ "r15", 64, "int64", RK_GPR, R_R15, NULL },
	{ "rip", 64, "code_ptr", RK_RIP, 0, NULL },
	{ "eflags", 32, "mmulab_eflags", RK_EFLAGS, 0, NULL },
	{ "cs", 32, "int32", RK_SEL, SEG_CS, NULL },
	{ "ss", 32, "int32", RK_SEL, SEG_SS, NULL },
	{ "ds", 32, "int32", RK_SEL, SEG_DS, NULL },
	{ "es", 32, "int32", RK_SEL, SEG_ES, NULL },
	{ "fs", 32, "int32", RK_SEL, SEG_FS, NULL },
	{ "gs", 32, "int32", RK_SEL, SEG_GS, NULL },
	{ "st0", 80, "i387_ext", RK_X87, 0, NULL },
	{ "st1", 80, "i387_ext", RK_X87, 0, NULL },
	{ "st2", 80, "i387_ext", RK_X87, 0, NULL },
	{ "st3", 80, "i387_ext", RK_X87, 0, NULL },
	{ "st4", 80, "i387_ext", RK_X87, 0, NULL },
	{ "st5", 80, "i387_ext", RK_X87, 0, NULL },
	{ "st6", 80, "i387_ext", RK_X87, 0, NULL },
	{ "st7", 80, "i387_ext", RK_X87, 0, NULL },
	{ "fctrl", 32, "int", RK_X87, 0, NULL },
	{ "fstat", 32, "int", RK_X87, 0, NULL },
	{ "ftag", 32, "int", RK_X87, 0, NULL },
	{ "fiseg", 32, "int", RK_X87, 0, NULL },
	{ "fioff", 32, "int", RK_X87, 0, NULL },
	{ "foseg", 32, "int", RK_X87, 0, NULL },
	{ "fooff", 32, "int", RK_X87, 0, NULL },
	{ "fop", 32, "int", RK_X87, 0, NULL },
	{ "fs_base", 64, "int", RK_BASE, SEG_FS, "org.gnu.gdb.i386.segments" },
	{ "gs_base", 64, "int", RK_BASE, SEG_GS, NULL },
	{ "cr0", 64, "int", RK_SYS, SYS_CR0, "org.mmulab.x86.system" },
	{ "cr2", 64, "int", RK_SYS, SYS_CR2, NULL },
	{ "cr3", 64, "int", RK_SYS, SYS_CR3, NULL },
	{ "cr4", 64, "int", RK_SYS, SYS_CR4, NULL },
	{ "cr8", 64, "int", RK_SYS, SYS_CR8, NULL },
	{ "efer", 64, "int", RK_SYS, SYS_EFER, NULL },
	{ "k_gs_base", 64, "int", RK_SYS, SYS_KGSBASE, NULL },
};
#define NREGS ((int)(sizeof(regs) / sizeof(regs[0])))

/* RFLAGS bits by name (SDM vol. 1 §3.4.3), for `info registers eflags`. */
static const char *const eflags_names[22] = {
	[0] = "CF", [2] = "PF", [4] = "AF", [6] = "ZF", [7] = "SF",
	[8] = "TF", [9] = "IF", [10] = "DF", [11] = "OF", [14] = "NT",
	[16] = "RF", [17] = "VM", [18] = "AC", [19] = "VIF", [20] = "VIP",
	[21] = "ID",
};

static char xml[8192];

const char *gdb_target_xml(void)
{
	if (xml[0])
		return xml;
	struct gdb_text t = { 0 };
	gdb_text_printf(&t, "<?xml version=\"1.0\"?>\n"
			"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
			"<target version=\"1.0\">\n"
			"<architecture>i386:x86-64</architecture>\n");
	for (int n = 0; n < NREGS; n++) {
		const struct reg_def *r = &regs[n];
		if (r->feature) {
			if (n)
				gdb_text_printf(&t, "</feature>\n");
			gdb_text_printf(&t, "<feature name=\"%s\">\n", r->feature);
		}
		if (r->kind == RK_EFLAGS) {
			gdb_text_printf(&t, "<flags id=\"mmulab_eflags\" size=\"4\">\n");
			for (int b = 0; b < 22; b++)
				if (eflags_names[b])
					gdb_text_printf(&t, "<field name=\"%s\" start=\"%d\" "
							"end=\"%d\"/>\n", eflags_names[b], b, b);
			gdb_text_printf(&t, "</flags>\n");
		}
		gdb_text_printf(&t, "<reg name=\"%s\" bitsize=\"%d\" type=\"%s\"%s/>\n",
				r->name, r->bits, r->type,
				r->kind == RK_X87 ? " group=\"float\""
				: r->kind == RK_SYS ? " group=\"system\"" : "");
	}
	gdb_text_printf(&t, "</feature>\n</target>\n");
	if (t.s)
		snprintf(xml, sizeof(xml), "%s", t.s);
	free(t.s);
	return xml;
}

int gdb_reg_count(void)
{
	return NREGS;
}

int gdb_reg_size(int n)
{
	return n >= 0 && n < NREGS ? regs[n].bits / 8 : 0;
}

static uint64_t *sys_reg(struct cpu *c, int idx)
{
	switch (idx) {
	case SYS_CR0: return &c->cr0;
	case SYS_CR2: return &c->cr2;
	case SYS_CR3: return &c->cr3;
	case SYS_CR4: return &c->cr4;
	case SYS_CR8: return &c->cr8;
	case SYS_EFER: return &c->efer;
	default: return &c->kernel_gs_base;
	}
}

/* Value of register `r` (not for RK_X87). */
static uint64_t reg_value(const struct cpu *c, const struct reg_def *r)
{
	switch (r->kind) {
	case RK_GPR: return c->regs[r->idx];
	case RK_RIP: return c->rip;
	case RK_EFLAGS: return x86_get_rflags(c) & 0xffffffffu;
	case RK_SEL: return c->seg[r->idx].sel;
	case RK_BASE: return c->seg[r->idx].base;
	default: return *sys_reg((struct cpu *)c, r->idx);
	}
}

int gdb_reg_read(const struct cpu *c, int n, struct gdb_text *t)
{
	if (n < 0 || n >= NREGS)
		return 0;
	const struct reg_def *r = &regs[n];
	int size = r->bits / 8;
	uint64_t v = r->kind == RK_X87 ? 0 : reg_value(c, r);
	for (int i = 0; i < size; i++) {
		if (r->kind == RK_X87)
			gdb_text_printf(t, "xx");
		else
			gdb_text_printf(t, "%02x", (unsigned)(v >> (8 * i)) & 0xff);
	}
	return size;
}

int gdb_reg_write(struct cpu *c, int n, const uint8_t *raw, int nbytes)
{
	if (n < 0 || n >= NREGS || nbytes != regs[n].bits / 8)
		return -1;
	const struct reg_def *r = &regs[n];
	if (r->kind == RK_X87)
		return 0;
	uint64_t v = 0;
	for (int i = 0; i < nbytes; i++)
		v |= (uint64_t)raw[i] << (8 * i);
	switch (r->kind) {
	case RK_GPR:
		c->regs[r->idx] = v;
		return 0;
	case RK_RIP:
		c->rip = c->next_rip = v;
		return 0;
	case RK_EFLAGS:
		/* Bit 1 is always 1 (SDM vol. 1 §3.4.3). */
		x86_set_rflags(c, (x86_get_rflags(c) & ~0xffffffffull) | v | 2);
		return 0;
	case RK_BASE:
		c->seg[r->idx].base = v;
		return 0;
	case RK_SYS:
		if (r->idx == SYS_CR2 || r->idx == SYS_KGSBASE) {
			*sys_reg(c, r->idx) = v;
			return 0;
		}
		break;
	}
	return reg_value(c, r) == v ? 0 : -1;
}
