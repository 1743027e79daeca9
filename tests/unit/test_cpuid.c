/*
 * tests/unit/test_cpuid.c — CPUID leaves against the SDM's definitions
 * (vol. 2 "CPUID"): vendor, maximum leaves, signature, the feature bits
 * mmulab must and must not advertise, address widths, out-of-range leaves.
 */
#include <check.h>
#include <string.h>

#include "cpu/x86/handlers.h"
#include "cpu/x86/system.h"
#include "tests/unit/check_run.h"

enum { EAX, EBX, ECX, EDX };

static struct cpu cpu;

static void setup(void)
{
	memset(&cpu, 0, sizeof(cpu));
	cpu.id = 3;
	cpu.code_bits = 64;
}

static uint32_t reg(uint32_t leaf, uint32_t sub, int r)
{
	uint32_t out[4];
	x86_cpuid(&cpu, leaf, sub, out);
	return out[r];
}

START_TEST(vendor_and_max_leaves)
{
	uint32_t out[4];
	char v[13] = {0};
	x86_cpuid(&cpu, 0, 0, out);
	memcpy(v, &out[EBX], 4);
	memcpy(v + 4, &out[EDX], 4);
	memcpy(v + 8, &out[ECX], 4);
	ck_assert_str_eq(v, "GenuineIntel");
	ck_assert_uint_eq(out[EAX], 7);
	ck_assert_uint_eq(reg(0x80000000u, 0, EAX), 0x80000008u);
}
END_TEST

START_TEST(signature_and_apic_id)
{
	uint32_t a = reg(1, 0, EAX);
	unsigned family = (a >> 8) & 0xf,
		 model = ((a >> 4) & 0xf) | ((a >> 12) & 0xf0);
	ck_assert_uint_eq(family, 6);
	ck_assert_uint_eq(model, 0x55);
	ck_assert_uint_eq(reg(1, 0, EBX) >> 24, 3); /* initial APIC ID */
}
END_TEST

/* CPUID.01H:EDX and ECX bits (SDM vol. 2 tables 3-10, 3-11). */
START_TEST(leaf1_features)
{
	uint32_t d = reg(1, 0, EDX), c = reg(1, 0, ECX);
	static const int edx_set[] = {
	    3 /* PSE */,  4 /* TSC */,	 5 /* MSR */,  6 /* PAE */, 8 /* CX8 */,
	    13 /* PGE */, 15 /* CMOV */, 16 /* PAT */, 19 /* CLFSH */};
	static const int edx_clear[] = {0 /* FPU */,
					1 /* VME */,
					7 /* MCE */,
					9 /* APIC */,
					11 /* SEP */,
					12 /* MTRR */,
					14 /* MCA */,
					17 /* PSE-36 */,
					23 /* MMX */,
					24 /* FXSR */,
					25 /* SSE */,
					26 /* SSE2 */,
					28 /* HTT */};
	static const int ecx_set[] = {13 /* CX16 */, 17 /* PCID */,
				      22 /* MOVBE */, 23 /* POPCNT */};
	static const int ecx_clear[] = {
	    0 /* SSE3 */,    3 /* MONITOR */, 9 /* SSSE3 */,
	    21 /* x2APIC */, 26 /* XSAVE */,  27 /* OSXSAVE */,
	    28 /* AVX */,    30 /* RDRAND */, 31 /* hypervisor */};
	for (unsigned k = 0; k < sizeof(edx_set) / sizeof(*edx_set); k++)
		ck_assert_msg(d >> edx_set[k] & 1, "EDX bit %d", edx_set[k]);
	for (unsigned k = 0; k < sizeof(edx_clear) / sizeof(*edx_clear); k++)
		ck_assert_msg(!(d >> edx_clear[k] & 1), "EDX bit %d",
			      edx_clear[k]);
	for (unsigned k = 0; k < sizeof(ecx_set) / sizeof(*ecx_set); k++)
		ck_assert_msg(c >> ecx_set[k] & 1, "ECX bit %d", ecx_set[k]);
	for (unsigned k = 0; k < sizeof(ecx_clear) / sizeof(*ecx_clear); k++)
		ck_assert_msg(!(c >> ecx_clear[k] & 1), "ECX bit %d",
			      ecx_clear[k]);
}
END_TEST

/* Leaf 7 subleaf 0 (SDM vol. 2 "CPUID", table 3-8): the MMU's features,
 * EBX SMEP (bit 7), INVPCID (10), SMAP (20) and ECX LA57 (16), PKU (3);
 * OSPKE (ECX 4) only with CR4.PKE; no FSGSBASE (EBX 0), BMI1 (3), ERMS (9)
 * or anything in EDX. */
START_TEST(leaf7_mmu_features)
{
	ck_assert_uint_eq(reg(7, 0, EAX), 0);
	ck_assert_uint_eq(reg(7, 0, EBX), (1u << 7) | (1u << 10) | (1u << 20));
	ck_assert_uint_eq(reg(7, 0, ECX), (1u << 16) | (1u << 3)); /* LA57, PKU */
	ck_assert_uint_eq(reg(7, 0, EDX), 0);
	ck_assert_uint_eq(reg(7, 1, EBX), 0); /* subleaf 1: nothing */
}
END_TEST

START_TEST(extended_features)
{
	uint32_t d = reg(0x80000001u, 0, EDX), c = reg(0x80000001u, 0, ECX);
	ck_assert(d >> 29 & 1); /* LM */
	ck_assert(d >> 20 & 1); /* NX */
	ck_assert(d >> 27 & 1); /* RDTSCP */
	ck_assert(d >> 11 & 1); /* SYSCALL, in 64-bit mode */
	ck_assert(d >> 26 & 1); /* 1-GByte pages (mmu/walk.c) */
	ck_assert(c >> 0 & 1);	/* LAHF/SAHF in 64-bit mode */
	ck_assert(c >> 5 & 1);	/* LZCNT */
	ck_assert(x86_has_feature_rdtscp(&cpu));
	cpu.code_bits = 32;
	ck_assert(!(reg(0x80000001u, 0, EDX) >> 11 & 1));
}
END_TEST

START_TEST(address_widths)
{
	uint32_t a = reg(0x80000008u, 0, EAX);
	ck_assert_uint_eq(a & 0xff, MMU_MAXPHYADDR);
	/* 57 linear-address bits with 5-level paging (CPUID.07H:ECX.LA57). */
	ck_assert_uint_eq((a >> 8) & 0xff,
			  (reg(7, 0, ECX) >> 16 & 1) ? 57 : 48);
}
END_TEST

START_TEST(brand_string)
{
	char b[49] = {0};
	for (uint32_t l = 0; l < 3; l++) {
		uint32_t out[4];
		x86_cpuid(&cpu, 0x80000002u + l, 0, out);
		memcpy(b + 16 * l, out, 16);
	}
	ck_assert(memchr(b, 0, 48) != NULL);
	ck_assert_int_eq(strncmp(b, "mmulab", 6), 0);
}
END_TEST

/* "If a value entered for CPUID.EAX is higher than the maximum input value
 * for basic or extended function for that processor then the data for the
 * highest basic information leaf is returned." */
START_TEST(out_of_range_leaves)
{
	static const uint32_t leaves[] = {8, 0x0d, 0x40000000u, 0x80000009u,
					  0xffffffffu};
	uint32_t top[4], out[4];
	x86_cpuid(&cpu, 7, 0, top);
	for (unsigned k = 0; k < sizeof(leaves) / sizeof(*leaves); k++) {
		x86_cpuid(&cpu, leaves[k], 0, out);
		ck_assert_mem_eq(out, top, sizeof(out));
	}
}
END_TEST

/* IA32_MISC_ENABLE[22] (limit CPUID maxval): leaf 0 reports 2. */
START_TEST(limit_cpuid_maxval)
{
	cpu.misc_enable = 1ull << 22;
	ck_assert_uint_eq(reg(0, 0, EAX), 2);
	uint32_t top[4], out[4];
	x86_cpuid(&cpu, 2, 0, top);
	x86_cpuid(&cpu, 7, 0, out);
	ck_assert_mem_eq(out, top, sizeof(out));
}
END_TEST

/* The instruction: 32-bit register writes clear bits 63:32. */
START_TEST(instruction_writes_registers)
{
	struct insn i = {0};
	cpu.regs[R_RAX] = 0xdead000000000000ull;
	cpu.regs[R_RBX] = cpu.regs[R_RCX] = cpu.regs[R_RDX] = ~0ull;
	ck_assert_int_eq(op_cpuid(&cpu, &i), X86_OK);
	ck_assert_uint_eq(cpu.regs[R_RAX], 7);
	ck_assert_uint_eq(cpu.regs[R_RBX], 0x756e6547u);
	ck_assert_uint_eq(cpu.regs[R_RDX], 0x49656e69u);
	ck_assert_uint_eq(cpu.regs[R_RCX], 0x6c65746eu);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpuid");
	TCase *t = tcase_create("cpuid");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, vendor_and_max_leaves);
	tcase_add_test(t, signature_and_apic_id);
	tcase_add_test(t, leaf1_features);
	tcase_add_test(t, leaf7_mmu_features);
	tcase_add_test(t, extended_features);
	tcase_add_test(t, address_widths);
	tcase_add_test(t, brand_string);
	tcase_add_test(t, out_of_range_leaves);
	tcase_add_test(t, limit_cpuid_maxval);
	tcase_add_test(t, instruction_writes_registers);
	suite_add_tcase(s, t);
	return check_run(s);
}
