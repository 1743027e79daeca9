/*
 * cpu/x86/cr.c — control and debug registers: MOV to/from CR0, CR2, CR3,
 * CR4, CR8 and DR0-DR7, CLTS, LMSW, SMSW, INVLPG, INVD, WBINVD.
 *
 * This is where the guest switches paging on and off and changes paging
 * mode, so every rule of the SDM about forbidden combinations is checked
 * here, before anything changes (a #GP leaves every register as it was), and
 * every write that changes translation tells the MMU: x86_update_mode()
 * pushes the new controls and the MMU drops what SDM vol. 3 §4.10.4.1 says
 * the instruction invalidates (mmu_write_cr3, mmu_invlpg, mmu_invpcid for
 * the explicit cases).
 *
 * CR4 accepts only bits for features CPUID advertises (cpuid.c); writing
 * any other bit (FSGSBASE, OSFXSR, OSXSAVE, UMIP, PKE...) is #GP(0) as for
 * a reserved bit until those features exist.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/system.h"

/* CR0 bits beyond those mmu/mmu.h defines (SDM vol. 3 §2.5, figure 2-7). */
#ifndef CR0_MP
#define CR0_MP (1ull << 1)
#define CR0_EM (1ull << 2)
#define CR0_TS (1ull << 3)
#define CR0_ET (1ull << 4)
#define CR0_NE (1ull << 5)
#define CR0_AM (1ull << 18)
#define CR0_NW (1ull << 29)
#define CR0_CD (1ull << 30)
#endif
/* The CR0 bits that exist; ET is hardwired to 1 ("In the Pentium 4, Intel
 * Xeon, and P6 family processors, this flag is hardcoded to 1"). */
#define CR0_DEFINED                                                            \
	(CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE | CR0_WP |        \
	 CR0_AM | CR0_NW | CR0_CD | CR0_PG)

#ifndef CR4_TSD
#define CR4_TSD (1ull << 2)
#endif
#ifndef CR4_DE
#define CR4_DE (1ull << 3)
#endif
#ifndef CR4_PCE
#define CR4_PCE (1ull << 8)
#endif
/* The CR4 bits mmulab accepts: TSD (TSC), DE (DE), PSE, PAE, PGE, PCE
 * (architectural since P6, no CPUID bit), LA57, PCIDE, SMEP, SMAP, PKE (the
 * MMU's features, advertised in CPUID). */
#define CR4_VALID                                                              \
	(CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_PGE | CR4_PCE | CR4_LA57 | \
	 CR4_PCIDE | CR4_SMEP | CR4_SMAP | CR4_PKE)

/* CR3 bits 63:MAXPHYADDR are reserved in IA-32e mode (SDM vol. 3 §4.5,
 * table 4-12), bit 63 included while CR4.PCIDE = 0. */
#define CR3_RESERVED_LM (~0ull << MMU_MAXPHYADDR)

/* CR8: task-priority class in bits 3:0, the rest reserved (§2.5). */
#define CR8_VALID 0xfull

/* Debug registers (SDM vol. 3 §18.2).  DR6 reads bits 4-11 and 16-31 as 1
 * and bit 12 as 0; B0-B3, BD, BS, BT are the writable flags.  DR7 reads
 * bit 10 as 1 and bits 11, 12, 14, 15 as 0. */
#define DR6_FIXED1   0xffff0ff0ull
#define DR6_WRITABLE 0xe00full
#define DR6_BD	     (1ull << 13)
#define DR7_FIXED1   0x400ull
#define DR7_WRITABLE 0xffff23ffull
#define DR7_GD	     (1ull << 13)

static int gp0(struct cpu *c)
{
	return x86_raise_err(c, EXC_GP, 0);
}

/* Privileged instruction (SDM vol. 3 §5.9): CPL 0, and never in
 * virtual-8086 mode (where CPL is 3). */
static int need_cpl0(struct cpu *c)
{
	return (c->cpl == 0 && !(c->rflags & FL_VM)) ? X86_OK : gp0(c);
}

/* Source operand of MOV to CR/DR: 64 bits in 64-bit mode, else 32. */
static uint64_t src_reg(const struct cpu *c, const struct insn *i)
{
	uint64_t v = c->regs[i->rm];
	return i->opsize == 8 ? v : (uint32_t)v;
}

/*
 * Load CR0 with v after the checks of SDM vol. 2 "MOV—Move to/from Control
 * Registers" and vol. 3 §10.8.5 "Initializing IA-32e Mode".  Shared by
 * MOV to CR0 and LMSW.  X86_OK or X86_EXC.
 */
static int write_cr0(struct cpu *c, uint64_t v)
{
	/* "64-Bit Mode Exceptions: If an attempt is made to write a 1 to any
	 * reserved bit in CR0[63:32]."  Reserved bits 31:0 are not checked by
	 * the processor; they keep the value they read (§2.5), which is 0. */
	if (v >> 32)
		return gp0(c);
	v = (v & CR0_DEFINED) | CR0_ET;
	/* "If an attempt is made to write invalid bit combinations in CR0
	 * (such as setting the PG flag to 1 when the PE flag is set to 0, or
	 * setting the CD flag to 0 when the NW flag is set to 1)." */
	if ((v & CR0_PG) && !(v & CR0_PE))
		return gp0(c);
	if ((v & CR0_NW) && !(v & CR0_CD))
		return gp0(c);
	uint64_t old = c->cr0;
	int pg_on = (v & CR0_PG) && !(old & CR0_PG);
	int pg_off = !(v & CR0_PG) && (old & CR0_PG);
	/* 64-bit mode: "Attempting to clear CR0.PG" is #GP(0); leaving
	 * IA-32e mode goes through compatibility mode (§10.8.5.4). */
	if (pg_off && c->code_bits == 64)
		return gp0(c);
	/* §10.8.5: enabling paging with IA32_EFER.LME = 1 activates IA-32e
	 * mode, which requires PAE: "#GP(0) If an attempt is made to set
	 * CR0.PG = 1 with CR4.PAE = 0 while IA32_EFER.LME = 1" (vol. 2 "MOV").
	 */
	if (pg_on && (c->efer & EFER_LME) && !(c->cr4 & CR4_PAE))
		return gp0(c);
	/* §4.4.1: enabling PAE paging loads the PDPTE registers; a reserved
	 * bit in one of them is #GP(0) ("MOV", "If ... PDPTEs ... invalid"). */
	if (pg_on && (c->cr4 & CR4_PAE) && !(c->efer & EFER_LME) &&
	    mmu_load_pdptes(&c->mmu, c->cr3))
		return gp0(c);
	/* Clearing PG while CR4.PCIDE = 1 is #GP(0) (vol. 2 "MOV"). */
	if (pg_off && (c->cr4 & CR4_PCIDE))
		return gp0(c);

	c->cr0 = v;
	/* §10.8.5: "The processor ... sets IA32_EFER.LMA = 1" when paging is
	 * enabled with LME = 1, and clears LMA when paging is disabled
	 * (§10.8.5.4). */
	if (pg_on && (c->efer & EFER_LME))
		c->efer |= EFER_LMA;
	if (pg_off)
		c->efer &= ~EFER_LMA;
	/* §4.10.4.1 (CR0.PG from 1 to 0 invalidates everything) is applied
	 * by the MMU when it sees the new controls. */
	x86_update_mode(c);
	return X86_OK;
}

static int write_cr3(struct cpu *c, uint64_t v)
{
	/* vol. 2 "MOV", 64-bit and compatibility mode: "If an attempt is made
	 * to write a 1 to any reserved bit in CR3." */
	/* With CR4.PCIDE = 1, bit 63 is the no-flush bit, not stored. */
	uint64_t keep = (c->cr4 & CR4_PCIDE) ? v & ~CR3_NOFLUSH : v;
	if (c->long_mode && (keep & CR3_RESERVED_LM))
		return gp0(c);
	/* The MMU applies §4.10.4.1 for MOV to CR3 and, in PAE paging, loads
	 * the PDPTE registers: #GP(0) if one has a reserved bit set. */
	if (mmu_write_cr3(&c->mmu, v))
		return gp0(c);
	c->cr3 = keep;
	cpu_sync_mmu(c);
	return X86_OK;
}

static int write_cr4(struct cpu *c, uint64_t v)
{
	uint64_t old = c->cr4;
	/* "If an attempt is made to write a 1 to any reserved bit in CR4." */
	if (v & ~CR4_VALID)
		return gp0(c);
	/* "If an attempt is made to leave IA-32e mode by clearing
	 * CR4.PAE[bit 5]." */
	if (c->long_mode && !(v & CR4_PAE))
		return gp0(c);
	/* "If an attempt is made to change CR4.LA57 [bit 12] while in
	 * IA-32e mode". */
	if (c->long_mode && ((v ^ old) & CR4_LA57))
		return gp0(c);
	/* "If an attempt is made to change CR4.PCIDE from 0 to 1 while
	 * CR3[11:0] != 000H", and PCIDE needs IA-32e mode (§4.10.1). */
	if ((v & CR4_PCIDE) && !(old & CR4_PCIDE) &&
	    ((c->cr3 & 0xfff) || !c->long_mode))
		return gp0(c);
	/* Setting PAE with paging on outside IA-32e mode loads the PDPTEs. */
	if ((v & CR4_PAE) && !(old & CR4_PAE) && (c->cr0 & CR0_PG) &&
	    !c->long_mode && mmu_load_pdptes(&c->mmu, c->cr3))
		return gp0(c);
	c->cr4 = v;
	/* §4.10.4.1 (PGE, PCIDE, PAE, SMEP changes) is applied by the MMU
	 * when it sees the new controls. */
	x86_update_mode(c);
	return X86_OK;
}

/* CR numbers MOV CR accepts: 0, 2, 3, 4, and 8 (reachable with REX.R). */
static int cr_exists(int n)
{
	return n == 0 || n == 2 || n == 3 || n == 4 || n == 8;
}

/* MOV r32/r64, CRn (0F 20 /r). */
int op_mov_Rd_Cd(struct cpu *c, const struct insn *i)
{
	/* "#UD If the LOCK prefix is used.  If an attempt is made to access
	 * CR1, CR5, CR6, or CR7." */
	if (i->lock || !cr_exists(i->reg))
		return x86_raise(c, EXC_UD);
	TRY(need_cpl0(c));
	uint64_t v;
	switch (i->reg) {
	case 0:
		v = c->cr0;
		break;
	case 2:
		v = c->cr2;
		break;
	case 3:
		v = c->cr3;
		break;
	case 4:
		v = c->cr4;
		break;
	default:
		v = c->cr8 & CR8_VALID;
		break;
	}
	x86_set_reg(c, i->rm, i->opsize, v);
	return X86_OK;
}

/* MOV CRn, r32/r64 (0F 22 /r). */
int op_mov_Cd_Rd(struct cpu *c, const struct insn *i)
{
	if (i->lock || !cr_exists(i->reg))
		return x86_raise(c, EXC_UD);
	TRY(need_cpl0(c));
	uint64_t v = src_reg(c, i);
	switch (i->reg) {
	case 0:
		return write_cr0(c, v);
	case 2:
		c->cr2 = v;
		return X86_OK;
	case 3:
		return write_cr3(c, v);
	case 4:
		return write_cr4(c, v);
	default:
		/* "If an attempt is made to write a 1 to any reserved bit in
		 * CR8." */
		if (v & ~CR8_VALID)
			return gp0(c);
		c->cr8 = v;
		return X86_OK;
	}
}

/*
 * Checks common to both MOV DR directions; *n receives the register
 * number after the DR4/DR5 aliasing of SDM vol. 3 §18.2.2: "When debug
 * extensions are enabled (when the DE flag in control register CR4 is
 * set), attempts to reference the DR4 and DR5 registers cause an
 * invalid-opcode exception (#UD).  When debug extensions are not enabled
 * (when the DE flag is clear), these registers are aliased to debug
 * registers DR6 and DR7."
 */
static int dr_access(struct cpu *c, const struct insn *i, int *n)
{
	if (i->lock || i->reg > 7) /* DR8-DR15 do not exist */
		return x86_raise(c, EXC_UD);
	TRY(need_cpl0(c));
	int r = i->reg;
	if (r == 4 || r == 5) {
		if (c->cr4 & CR4_DE)
			return x86_raise(c, EXC_UD);
		r += 2;
	}
	/* §18.2.4: with DR7.GD set, any MOV DR is a debug-exception fault
	 * with DR6.BD set; the processor clears GD on entering the handler,
	 * which mmulab does here so the handler can use the registers. */
	if (c->dr[7] & DR7_GD) {
		c->dr[6] |= DR6_BD;
		c->dr[7] &= ~DR7_GD;
		return x86_raise(c, EXC_DB);
	}
	*n = r;
	return X86_OK;
}

/* MOV r32/r64, DRn (0F 21 /r). */
int op_mov_Rd_Dd(struct cpu *c, const struct insn *i)
{
	int n;
	TRY(dr_access(c, i, &n));
	x86_set_reg(c, i->rm, i->opsize, c->dr[n]);
	return X86_OK;
}

/* MOV DRn, r32/r64 (0F 23 /r). */
int op_mov_Dd_Rd(struct cpu *c, const struct insn *i)
{
	int n;
	TRY(dr_access(c, i, &n));
	uint64_t v = src_reg(c, i);
	if (n >= 6) {
		/* 64-bit mode: "#GP(0) If an attempt is made to write a 1 to
		 * any of bits 63:32 in DR6 [or] DR7." */
		if (v >> 32)
			return gp0(c);
		v = n == 6 ? (v & DR6_WRITABLE) | DR6_FIXED1
			   : (v & DR7_WRITABLE) | DR7_FIXED1;
	}
	c->dr[n] = v;
	return X86_OK;
}

/* CLTS (0F 06): clear CR0.TS. */
int op_clts(struct cpu *c, const struct insn *i)
{
	(void)i;
	TRY(need_cpl0(c));
	c->cr0 &= ~CR0_TS;
	return X86_OK;
}

/* LMSW Ew (0F 01 /6): load CR0 bits 3:0 (PE, MP, EM, TS) from the 16-bit
 * operand.  SDM vol. 2 "LMSW": PE "can be set but not cleared". */
int op_lmsw_Ew(struct cpu *c, const struct insn *i)
{
	TRY(need_cpl0(c));
	uint64_t w;
	if (i->mod == 3)
		w = c->regs[i->rm];
	else
		TRY(x86_read(c, i->seg, x86_ea(c, i), 2, &w));
	uint64_t msw = CR0_PE | CR0_MP | CR0_EM | CR0_TS;
	uint64_t v = (c->cr0 & ~msw) | (w & msw) | (c->cr0 & CR0_PE);
	return write_cr0(c, v);
}

/* SMSW Ew (0F 01 /4): store CR0.  A memory operand gets bits 15:0; a
 * register gets CR0 at the operand size (SDM vol. 2 "SMSW"). */
int op_smsw_Ew(struct cpu *c, const struct insn *i)
{
	if (i->mod == 3) {
		x86_set_reg(c, i->rm, i->opsize, c->cr0);
		return X86_OK;
	}
	return x86_write(c, i->seg, x86_ea(c, i), 2, c->cr0 & 0xffff);
}

/* INVLPG m (0F 01 /7): drop the translations of the page holding the
 * linear address of m.  Never faults on the address itself (SDM vol. 2
 * "INVLPG": a non-canonical address makes it a no-op). */
int op_invlpg_Mb(struct cpu *c, const struct insn *i)
{
	TRY(need_cpl0(c));
	uint64_t ea = x86_ea(c, i), la;
	if (c->code_bits == 64)
		la = x86_la64(c, i->seg, ea);
	else
		la = (c->seg[i->seg].base + ea) & 0xffffffffull;
	mmu_invlpg(&c->mmu, la);
	return X86_OK;
}

/* INVPCID r, m128 (66 0F 38 82): invalidate by PCID (SDM vol. 2
 * "INVPCID"; what each type invalidates is in mmu/tlbops.c).  The register
 * is 64-bit in 64-bit mode, else 32-bit; the descriptor is PCID in bits
 * 11:0 (63:12 reserved) and a linear address in bits 127:64. */
int op_invpcid_Gy_Mdq(struct cpu *c, const struct insn *i)
{
	TRY(need_cpl0(c));
	uint64_t type =
	    c->code_bits == 64 ? c->regs[i->reg] : (uint32_t)c->regs[i->reg];
	uint64_t d[2];
	TRY(x86_read16(c, i->seg, x86_ea(c, i), d, MMU_READ));
	uint64_t la = d[1];
	int canonical = x86_canonical(c, la);
	if (type > 3 || d[0] > 0xfff || (type == 0 && !canonical) ||
	    (type <= 1 && !(c->cr4 & CR4_PCIDE) && d[0] != 0))
		return gp0(c);
	mmu_invpcid(&c->mmu, (int)type, (uint16_t)d[0], la);
	return X86_OK;
}

/* CLAC / STAC (0F 01 CA / CB): clear / set EFLAGS.AC, which lets
 * supervisor code reach user pages under SMAP (SDM vol. 2; #UD at CPL>0). */
static int set_ac(struct cpu *c, int on)
{
	if (c->cpl > 0)
		return x86_raise(c, EXC_UD);
	if (on)
		c->rflags |= FL_AC;
	else
		c->rflags &= ~FL_AC;
	cpu_sync_mmu(c);
	return X86_OK;
}

int op_clac(struct cpu *c, const struct insn *i)
{
	return set_ac(c, 0);
}
int op_stac(struct cpu *c, const struct insn *i)
{
	return set_ac(c, 1);
}

/* INVD (0F 08) and WBINVD (0F 09): mmulab models no caches, so only the
 * privilege check remains. */
int op_invd(struct cpu *c, const struct insn *i)
{
	(void)i;
	return need_cpl0(c);
}

int op_wbinvd(struct cpu *c, const struct insn *i)
{
	(void)i;
	return need_cpl0(c);
}

/* RDPKRU / WRPKRU (0F 01 EE / EF): read or write PKRU, at any CPL
 * (SDM vol. 2: #UD if CR4.PKE=0; #GP(0) if ECX, or for WRPKRU EDX, is not
 * zero).  EDX:EAX = PKRU on read. */
int op_rdpkru(struct cpu *c, const struct insn *i)
{
	if (!(c->cr4 & CR4_PKE))
		return x86_raise(c, EXC_UD);
	if ((uint32_t)c->regs[R_RCX])
		return gp0(c);
	c->regs[R_RAX] = c->pkru;
	c->regs[R_RDX] = 0;
	return X86_OK;
}

int op_wrpkru(struct cpu *c, const struct insn *i)
{
	if (!(c->cr4 & CR4_PKE))
		return x86_raise(c, EXC_UD);
	if ((uint32_t)c->regs[R_RCX] || (uint32_t)c->regs[R_RDX])
		return gp0(c);
	c->pkru = (uint32_t)c->regs[R_RAX];
	cpu_sync_mmu(c);
	return X86_OK;
}
