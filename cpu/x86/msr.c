/*
 * cpu/x86/msr.c — model-specific registers and the instructions that read
 * the time-stamp counter or swap GS: RDMSR, WRMSR, RDTSC, RDTSCP, SWAPGS.
 *
 * mmulab has the MSRs that an x86-64 kernel needs to enter long mode, make
 * system calls and keep per-CPU data (EFER, STAR/LSTAR/CSTAR/SFMASK, the FS
 * and GS bases), plus the TSC, TSC_AUX, PAT, APIC_BASE, MISC_ENABLE and the
 * SYSENTER triple.  Everything else does what an unimplemented MSR does on
 * hardware: #GP(0) (SDM vol. 2 "RDMSR": "Specifying a reserved or
 * unimplemented MSR address in ECX will also cause a general protection
 * exception"), and so does setting a reserved bit (vol. 2 "WRMSR").
 * MSR numbers and layouts are from SDM vol. 4, table 2-2.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/system.h"

#define MSR_IA32_TSC		0x10u
#define MSR_IA32_APIC_BASE	0x1bu
#define MSR_IA32_SYSENTER_CS	0x174u
#define MSR_IA32_SYSENTER_ESP	0x175u
#define MSR_IA32_SYSENTER_EIP	0x176u
#define MSR_IA32_MISC_ENABLE	0x1a0u
#define MSR_IA32_PAT		0x277u
#define MSR_IA32_EFER		0xc0000080u
#define MSR_IA32_STAR		0xc0000081u
#define MSR_IA32_LSTAR		0xc0000082u
#define MSR_IA32_CSTAR		0xc0000083u
#define MSR_IA32_FMASK		0xc0000084u
#define MSR_IA32_FS_BASE	0xc0000100u
#define MSR_IA32_GS_BASE	0xc0000101u
#define MSR_IA32_KERNEL_GS_BASE 0xc0000102u
#define MSR_IA32_TSC_AUX	0xc0000103u

/* IA32_EFER bits an Intel processor implements: SCE, LME, LMA, NXE. */
#define EFER_VALID (EFER_SCE | EFER_LME | EFER_LMA | EFER_NXE)

/* IA32_APIC_BASE: 8 BSP (read-only), 10 x2APIC enable (x2APIC is not
 * advertised, so reserved), 11 global enable, 12..MAXPHYADDR-1 base. */
#define APIC_BASE_BSP  (1ull << 8)
#define APIC_BASE_EN   (1ull << 11)
#define APIC_BASE_ADDR (((1ull << MMU_MAXPHYADDR) - 1) & ~0xfffull)

/* IA32_MISC_ENABLE bits software may change here: 0 fast strings, 3
 * automatic thermal control, 22 limit CPUID maxval (cpuid.c honours it),
 * 23 xTPR disable.  All other bits are read-only or reserved. */
#define MISC_ENABLE_RW ((1ull << 0) | (1ull << 3) | (1ull << 22) | (1ull << 23))

/* CR4.TSD: RDTSC/RDTSCP privileged (SDM vol. 3 §2.5). */
#ifndef CR4_TSD
#define CR4_TSD (1ull << 2)
#endif

static int canonical48(uint64_t v)
{
	return (uint64_t)((int64_t)(v << 16) >> 16) == v;
}

/*
 * IA32_PAT: eight entries of 3 bits in the low bits of each byte, bits 7:3
 * of each byte reserved.  SDM vol. 3 §13.12.2: "Attempting to write an
 * undefined memory type encoding into the PAT causes a general-protection
 * (#GP) exception"; the defined types are 0 UC, 1 WC, 4 WT, 5 WP, 6 WB,
 * 7 UC- (table 13-10), so 2 and 3 are undefined.
 */
static int pat_valid(uint64_t v)
{
	for (int n = 0; n < 8; n++) {
		unsigned t = (v >> (8 * n)) & 0xff;
		if (t > 7 || t == 2 || t == 3)
			return 0;
	}
	return 1;
}

/* Read MSR `msr` into *v.  Returns 0, or -1 when the MSR does not exist. */
static int msr_read(struct cpu *c, uint32_t msr, uint64_t *v)
{
	switch (msr) {
	case MSR_IA32_TSC:
		*v = x86_tsc(c);
		break;
	case MSR_IA32_APIC_BASE:
		*v = c->apic_base;
		break;
	case MSR_IA32_SYSENTER_CS:
		*v = c->sysenter_cs;
		break;
	case MSR_IA32_SYSENTER_ESP:
		*v = c->sysenter_esp;
		break;
	case MSR_IA32_SYSENTER_EIP:
		*v = c->sysenter_eip;
		break;
	case MSR_IA32_MISC_ENABLE:
		*v = c->misc_enable;
		break;
	case MSR_IA32_PAT:
		*v = c->pat;
		break;
	case MSR_IA32_EFER:
		*v = c->efer;
		break;
	case MSR_IA32_STAR:
		*v = c->star;
		break;
	case MSR_IA32_LSTAR:
		*v = c->lstar;
		break;
	case MSR_IA32_CSTAR:
		*v = c->cstar;
		break;
	case MSR_IA32_FMASK:
		*v = c->sfmask;
		break;
	case MSR_IA32_FS_BASE:
		*v = c->seg[SEG_FS].base;
		break;
	case MSR_IA32_GS_BASE:
		*v = c->seg[SEG_GS].base;
		break;
	case MSR_IA32_KERNEL_GS_BASE:
		*v = c->kernel_gs_base;
		break;
	case MSR_IA32_TSC_AUX:
		*v = c->tsc_aux;
		break;
	default:
		return -1;
	}
	return 0;
}

/*
 * IA32_EFER (SDM vol. 3 §2.2.1, §10.8.5).  LMA is read-only: the processor
 * sets it when paging is enabled with LME = 1 (cr.c), so the value written
 * there is ignored.  §10.8.5: "IA32_EFER.LME cannot be modified while paging
 * is enabled.  Attempts to do so using WRMSR cause a general-protection
 * exception (#GP(0))."
 */
static int write_efer(struct cpu *c, uint64_t v)
{
	if (v & ~EFER_VALID)
		return -1;
	if ((c->cr0 & CR0_PG) && ((v ^ c->efer) & EFER_LME))
		return -1;
	c->efer = (v & ~EFER_LMA) | (c->efer & EFER_LMA);
	x86_update_mode(c);
	return 0;
}

/* Write MSR `msr`.  Returns 0, or -1 for #GP(0) (no such MSR, reserved bit
 * set, non-canonical address). */
static int msr_write(struct cpu *c, uint32_t msr, uint64_t v)
{
	switch (msr) {
	case MSR_IA32_TSC:
		/* x86_tsc() = virtual time + tsc_offset; make it read v now. */
		c->tsc_offset += v - x86_tsc(c);
		return 0;
	case MSR_IA32_APIC_BASE:
		if (v & ~(APIC_BASE_BSP | APIC_BASE_EN | APIC_BASE_ADDR))
			return -1;
		/* BSP is read-only: keep the processor's own value. */
		c->apic_base =
		    (v & ~APIC_BASE_BSP) | (c->apic_base & APIC_BASE_BSP);
		return 0;
	case MSR_IA32_SYSENTER_CS:
		c->sysenter_cs = v & 0xffff;
		return 0;
	case MSR_IA32_SYSENTER_ESP:
	case MSR_IA32_SYSENTER_EIP:
		/* vol. 2 "WRMSR": on processors that support Intel 64 these
		 * hold linear addresses, which must be canonical. */
		if (!canonical48(v))
			return -1;
		if (msr == MSR_IA32_SYSENTER_ESP)
			c->sysenter_esp = v;
		else
			c->sysenter_eip = v;
		return 0;
	case MSR_IA32_MISC_ENABLE:
		if ((v ^ c->misc_enable) & ~MISC_ENABLE_RW)
			return -1;
		c->misc_enable = v;
		return 0;
	case MSR_IA32_PAT:
		if (!pat_valid(v))
			return -1;
		c->pat = v;
		return 0;
	case MSR_IA32_EFER:
		return write_efer(c, v);
	case MSR_IA32_STAR:
		c->star = v;
		return 0;
	case MSR_IA32_FMASK:
		/* Bits 63:32 of IA32_FMASK are reserved. */
		if (v >> 32)
			return -1;
		c->sfmask = v;
		return 0;
	case MSR_IA32_TSC_AUX:
		/* Bits 63:32 of IA32_TSC_AUX are reserved. */
		if (v >> 32)
			return -1;
		c->tsc_aux = v;
		return 0;
	default:
		break;
	}
	/* The address-holding MSRs: a non-canonical value is #GP(0). */
	if (!canonical48(v))
		return -1;
	switch (msr) {
	case MSR_IA32_LSTAR:
		c->lstar = v;
		return 0;
	case MSR_IA32_CSTAR:
		c->cstar = v;
		return 0;
	case MSR_IA32_FS_BASE:
		c->seg[SEG_FS].base = v;
		return 0;
	case MSR_IA32_GS_BASE:
		c->seg[SEG_GS].base = v;
		return 0;
	case MSR_IA32_KERNEL_GS_BASE:
		c->kernel_gs_base = v;
		return 0;
	default:
		return -1;
	}
}

/* Privileged instruction: CPL 0 only (SDM vol. 3 §5.9), else #GP(0). */
static int need_cpl0(struct cpu *c)
{
	return c->cpl == 0 ? X86_OK : x86_raise_err(c, EXC_GP, 0);
}

/* EDX:EAX = v, as two 32-bit register writes (bits 63:32 cleared). */
static void set_edx_eax(struct cpu *c, uint64_t v)
{
	c->regs[R_RAX] = (uint32_t)v;
	c->regs[R_RDX] = v >> 32;
}

/* RDMSR (0F 32): EDX:EAX = MSR[ECX]. */
int op_rdmsr(struct cpu *c, const struct insn *i)
{
	(void)i;
	TRY(need_cpl0(c));
	uint64_t v;
	if (msr_read(c, (uint32_t)c->regs[R_RCX], &v))
		return x86_raise_err(c, EXC_GP, 0);
	set_edx_eax(c, v);
	return X86_OK;
}

/* WRMSR (0F 30): MSR[ECX] = EDX:EAX. */
int op_wrmsr(struct cpu *c, const struct insn *i)
{
	(void)i;
	TRY(need_cpl0(c));
	uint64_t v = (c->regs[R_RDX] << 32) | (uint32_t)c->regs[R_RAX];
	if (msr_write(c, (uint32_t)c->regs[R_RCX], v))
		return x86_raise_err(c, EXC_GP, 0);
	return X86_OK;
}

/* SDM vol. 2 "RDTSC": "#GP(0) If the TSD flag in register CR4 is set and
 * the CPL is greater than 0." (CPL is 0 in real mode.) */
static int tsc_allowed(struct cpu *c)
{
	if ((c->cr4 & CR4_TSD) && c->cpl > 0)
		return x86_raise_err(c, EXC_GP, 0);
	return X86_OK;
}

/* RDTSC (0F 31): EDX:EAX = time-stamp counter. */
int op_rdtsc(struct cpu *c, const struct insn *i)
{
	(void)i;
	TRY(tsc_allowed(c));
	set_edx_eax(c, x86_tsc(c));
	return X86_OK;
}

/* RDTSCP (0F 01 F9): EDX:EAX = TSC, ECX = IA32_TSC_AUX[31:0]. */
int op_rdtscp(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (!x86_has_feature_rdtscp(c))
		return x86_raise(c, EXC_UD);
	TRY(tsc_allowed(c));
	set_edx_eax(c, x86_tsc(c));
	c->regs[R_RCX] = (uint32_t)c->tsc_aux;
	return X86_OK;
}

/* SWAPGS (0F 01 F8): exchange GS.base with IA32_KERNEL_GS_BASE.  SDM vol. 2
 * "SWAPGS": #UD outside 64-bit mode, #GP(0) if CPL != 0. */
int op_swapgs(struct cpu *c, const struct insn *i)
{
	(void)i;
	if (c->code_bits != 64)
		return x86_raise(c, EXC_UD);
	TRY(need_cpl0(c));
	uint64_t t = c->seg[SEG_GS].base;
	c->seg[SEG_GS].base = c->kernel_gs_base;
	c->kernel_gs_base = t;
	return X86_OK;
}
