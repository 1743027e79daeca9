/*
 * cpu/x86/cpuid.c — CPUID: what the modelled processor says it is.
 *
 * mmulab presents itself as a GenuineIntel family 6 model 0x55 stepping 4
 * (a Skylake-SP server core: MAXPHYADDR 46, 48-bit linear addresses, which
 * is what mmu/ implements) and advertises exactly the features mmulab
 * executes today, no more.  There is no x87, MMX, SSE or AVX: the FPU and
 * SSE/SSE2 bits are clear even though every real x86-64 core has them, so
 * that software finds out honestly.  Features arrive here in the same change
 * that implements them (SMEP, SMAP, PCID, INVPCID with the MMU work; APIC and
 * x2APIC with the local APIC).
 *
 * Leaf map (SDM vol. 2 "CPUID", tables 3-8 and 3-17):
 *   0           max basic leaf, vendor string
 *   1           signature, APIC ID, feature flags
 *   2..6        cache and power leaves: reported empty
 *   7           structured extended features (subleaf 0): none yet
 *   0x80000000  max extended leaf
 *   0x80000001  LM, NX, 1-GByte pages, SYSCALL (64-bit mode only, as
 *               Intel), RDTSCP, LAHF/SAHF in 64-bit mode, LZCNT
 *   0x80000002..4  brand string
 *   0x80000005..7  reserved / caches / invariant TSC: reported empty
 *   0x80000008  physical and linear address widths
 * Anything above the maximum basic or extended leaf returns the highest
 * basic leaf's data, as Intel processors do.
 */
#include <string.h>

#include "cpu/x86/system.h"

/* Signature: family 6, model 0x55 (extended model 5, model 5), stepping 4. */
#define CPUID_SIGNATURE 0x00050654u

#define CPUID_MAX_BASIC		7u
#define CPUID_MAX_BASIC_LIMITED 2u /* IA32_MISC_ENABLE.LCMV */
#define CPUID_MAX_EXT		0x80000008u

/* CPUID.01H:ECX (SDM vol. 2 table 3-10). */
#define CPUID_1_ECX_CX16   (1u << 13)
#define CPUID_1_ECX_MOVBE  (1u << 22)
#define CPUID_1_ECX_POPCNT (1u << 23)

/* CPUID.01H:EDX (SDM vol. 2 table 3-11). */
#define CPUID_1_EDX_DE	  (1u << 2)
#define CPUID_1_EDX_PSE	  (1u << 3)
#define CPUID_1_EDX_TSC	  (1u << 4)
#define CPUID_1_EDX_MSR	  (1u << 5)
#define CPUID_1_EDX_PAE	  (1u << 6)
#define CPUID_1_EDX_CX8	  (1u << 8)
#define CPUID_1_EDX_PGE	  (1u << 13)
#define CPUID_1_EDX_CMOV  (1u << 15)
#define CPUID_1_EDX_PAT	  (1u << 16)
#define CPUID_1_EDX_CLFSH (1u << 19)

/* CPUID.80000001H (SDM vol. 2 table 3-8, leaf 80000001H). */
#define CPUID_E1_ECX_LAHF    (1u << 0)
#define CPUID_E1_ECX_LZCNT   (1u << 5)
#define CPUID_E1_EDX_SYSCALL (1u << 11)
#define CPUID_E1_EDX_NX	     (1u << 20)
#define CPUID_E1_EDX_PAGE1GB (1u << 26)
#define CPUID_E1_EDX_RDTSCP  (1u << 27)
#define CPUID_E1_EDX_LM	     (1u << 29)

/* IA32_MISC_ENABLE bit 22, Limit CPUID Maxval (SDM vol. 4 table 2-2). */
#define MISC_ENABLE_LCMV (1ull << 22)

/* Linear-address width: 57 when 5-level paging (LA57) is advertised. */
#define CPUID_LINEAR_BITS 57

/*
 * What leaf 1 EDX advertises.  DE: CR4.DE and its DR4/DR5 rule are
 * implemented (cr.c); CLFSH: CLFLUSH (misc.c).  Not advertised: FPU, VME,
 * MCE, APIC, SEP, MTRR, MCA, PSE-36, MMX, FXSR, SSE, SSE2 (so neither the
 * fences, which the decoder accepts, nor XMM state), HTT.
 */
static const uint32_t leaf1_edx =
    CPUID_1_EDX_DE | CPUID_1_EDX_PSE | CPUID_1_EDX_TSC | CPUID_1_EDX_MSR |
    CPUID_1_EDX_PAE | CPUID_1_EDX_CX8 | CPUID_1_EDX_PGE | CPUID_1_EDX_CMOV |
    CPUID_1_EDX_PAT | CPUID_1_EDX_CLFSH;

/* Leaf 1 ECX: CMPXCHG16B, MOVBE, POPCNT (cmpxchg.c, move.c, bitops.c),
 * PCID (the TLB model, mmu/); no SSE3..AVX, no x2APIC, no hypervisor bit. */
#define CPUID_1_ECX_PCID (1u << 17)
static const uint32_t leaf1_ecx = CPUID_1_ECX_CX16 | CPUID_1_ECX_MOVBE |
				  CPUID_1_ECX_POPCNT | CPUID_1_ECX_PCID;

/* Leaf 7 subleaf 0: EBX SMEP (bit 7), INVPCID (bit 10), SMAP (bit 20);
 * ECX LA57 (bit 16) — 5-level paging (mmu/walk.c). */
#define CPUID_7_EBX_SMEP    (1u << 7)
#define CPUID_7_EBX_INVPCID (1u << 10)
#define CPUID_7_EBX_SMAP    (1u << 20)
#define CPUID_7_ECX_LA57    (1u << 16)
#define CPUID_7_ECX_PKU     (1u << 3)
#define CPUID_7_ECX_OSPKE   (1u << 4) /* reflects CR4.PKE */

static const char brand[48] = "mmulab x86-64 instruction-level emulator";

static void set4(uint32_t out[4], uint32_t a, uint32_t b, uint32_t c,
		 uint32_t d)
{
	out[0] = a;
	out[1] = b;
	out[2] = c;
	out[3] = d;
}

static uint32_t max_basic(const struct cpu *c)
{
	/* SDM vol. 4 table 2-2, IA32_MISC_ENABLE[22]: "When this bit is set
	 * to 1, CPUID.00H returns a maximum value in EAX[7:0] of 2." */
	return (c->misc_enable & MISC_ENABLE_LCMV) ? CPUID_MAX_BASIC_LIMITED
						   : CPUID_MAX_BASIC;
}

static void basic_leaf(const struct cpu *c, uint32_t leaf, uint32_t sub,
		       uint32_t out[4])
{
	set4(out, 0, 0, 0, 0);
	switch (leaf) {
	case 0:
		/* "GenuineIntel" in EBX, EDX, ECX order. */
		set4(out, max_basic(c), 0x756e6547u, 0x6c65746eu, 0x49656e69u);
		break;
	case 1:
		/* EBX: 7:0 brand index 0; 15:8 CLFLUSH line size in 8-byte
		 * units (64-byte lines); 23:16 logical processors per package
		 * (1, HTT clear); 31:24 initial APIC ID. */
		set4(out, CPUID_SIGNATURE,
		     ((uint32_t)(c->id & 0xff) << 24) | (1u << 16) | (8u << 8),
		     leaf1_ecx, leaf1_edx);
		break;
	case 2:
		/* AL = 1: execute once; all other descriptor bytes are null
		 * (SDM vol. 2 table 3-12: descriptor 00H "null"). */
		out[0] = 1;
		break;
	case 7:
		/* Subleaf 0: EAX = max subleaf (0); SMEP, INVPCID, SMAP, LA57
		 * and PKU (OSPKE when CR4.PKE=1); no FSGSBASE, BMI1, ERMS, UMIP. */
		if (sub == 0)
			set4(out, 0,
			     CPUID_7_EBX_SMEP | CPUID_7_EBX_INVPCID |
				 CPUID_7_EBX_SMAP,
			     CPUID_7_ECX_LA57 | CPUID_7_ECX_PKU |
				 ((c->cr4 & CR4_PKE) ? CPUID_7_ECX_OSPKE : 0),
			     0);
		break;
	default:
		/* 3..6: serial number, cache parameters, MONITOR, power
		 * management: nothing to report. */
		break;
	}
}

static void ext_leaf(const struct cpu *c, uint32_t leaf, uint32_t out[4])
{
	set4(out, 0, 0, 0, 0);
	switch (leaf) {
	case 0x80000000u:
		out[0] = CPUID_MAX_EXT;
		break;
	case 0x80000001u:
		out[2] = CPUID_E1_ECX_LAHF | CPUID_E1_ECX_LZCNT;
		/* 1-GByte pages: mmu/walk.c maps PDPTEs with PS = 1. */
		out[3] = CPUID_E1_EDX_NX | CPUID_E1_EDX_PAGE1GB |
			 CPUID_E1_EDX_RDTSCP | CPUID_E1_EDX_LM;
		/* Intel reports SYSCALL/SYSRET only to 64-bit code, where
		 * they are available (SDM vol. 2 table 3-8: "SYSCALL/SYSRET
		 * available in 64-bit mode"; vol. 1 §21.1.5 lists the bit
		 * among the fields that vary). */
		if (c->code_bits == 64)
			out[3] |= CPUID_E1_EDX_SYSCALL;
		break;
	case 0x80000002u:
	case 0x80000003u:
	case 0x80000004u:
		memcpy(out, brand + 16 * (leaf - 0x80000002u), 16);
		break;
	case 0x80000008u:
		/* EAX 7:0 physical address bits, 15:8 linear address bits. */
		out[0] = MMU_MAXPHYADDR | (CPUID_LINEAR_BITS << 8);
		break;
	default:
		/* 0x80000005 reserved, 0x80000006 L2 cache, 0x80000007
		 * invariant TSC: not reported. */
		break;
	}
}

/*
 * The four result registers of CPUID with EAX = leaf, ECX = sub for CPU c,
 * in the order EAX, EBX, ECX, EDX.  Pure: no side effects.
 */
void x86_cpuid(const struct cpu *c, uint32_t leaf, uint32_t sub,
	       uint32_t out[4])
{
	/* SDM vol. 2 "CPUID": "If a value entered for CPUID.EAX is higher
	 * than the maximum input value for basic or extended function for
	 * that processor then the data for the highest basic information
	 * leaf is returned." */
	if (leaf >= 0x80000000u ? leaf > CPUID_MAX_EXT : leaf > max_basic(c))
		leaf = max_basic(c);
	if (leaf >= 0x80000000u)
		ext_leaf(c, leaf, out);
	else
		basic_leaf(c, leaf, sub, out);
}

/* Whether CPUID.80000001H:EDX.RDTSCP is set for c (RDTSCP #UDs if not). */
int x86_has_feature_rdtscp(const struct cpu *c)
{
	uint32_t out[4];
	ext_leaf(c, 0x80000001u, out);
	return (out[3] & CPUID_E1_EDX_RDTSCP) != 0;
}

/* CPUID (0F A2): EAX, EBX, ECX, EDX from leaf EAX, subleaf ECX.  The results
 * are 32-bit register writes, so bits 63:32 are cleared. */
int op_cpuid(struct cpu *c, const struct insn *i)
{
	(void)i;
	uint32_t out[4];
	x86_cpuid(c, (uint32_t)c->regs[R_RAX], (uint32_t)c->regs[R_RCX], out);
	c->regs[R_RAX] = out[0];
	c->regs[R_RBX] = out[1];
	c->regs[R_RCX] = out[2];
	c->regs[R_RDX] = out[3];
	return X86_OK;
}
