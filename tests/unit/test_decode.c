/*
 * tests/unit/test_decode.c — the x86 decoder and its opcode table.
 *
 * 1. No two lines of opcodes.def can match the same bytes in the same mode
 *    (the idea of Spike's check-opcode-overlap), and all lines of one
 *    opcode agree on whether a ModRM byte follows.
 * 2. Decoding vectors: lengths, sizes and operands of encodings written out
 *    in the SDM (vol. 2 ch. 2 and the instruction pages).
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cpu/x86/handlers.h"
#include "tests/unit/check_run.h"

static int overlap_field(int a, int b, int any)
{
	return a == any || b == any || a == b;
}

START_TEST(table_no_overlap)
{
	for (int a = 0; a < x86_nopcodes; a++) {
		const struct x86_opcode *p = &x86_opcodes[a];
		ck_assert_msg(p->reg == RA || (p->flags & D_MODRM),
			      "%s: opcode extension without ModRM", p->name);
		for (int b = a + 1; b < x86_nopcodes; b++) {
			const struct x86_opcode *q = &x86_opcodes[b];
			if (p->map != q->map || p->opcode != q->opcode)
				continue;
			ck_assert_msg((p->flags & D_MODRM) == (q->flags & D_MODRM),
				      "%s/%s disagree on ModRM", p->name, q->name);
			if (((p->flags | q->flags) & (D_I64 | D_O64)) ==
				    (D_I64 | D_O64) &&
			    ((p->flags & D_I64) != (q->flags & D_I64)))
				continue; /* one is 64-bit only, the other not */
			if (p->prefix != q->prefix)
				continue; /* the more specific prefix wins */
			int mod = p->mod == M_ANY || q->mod == M_ANY ||
				  p->mod == q->mod;
			ck_assert_msg(!(mod && overlap_field(p->reg, q->reg, RA) &&
					overlap_field(p->rm, q->rm, RA)),
				      "overlap: map %d opcode %02x: %s and %s",
				      p->map, p->opcode, p->name, q->name);
		}
	}
}
END_TEST

static struct insn in;

static int dec(int bits, const char *hex)
{
	uint8_t b[32];
	int n = 0;
	for (const char *s = hex; *s;) {
		if (*s == ' ') {
			s++;
			continue;
		}
		unsigned v;
		sscanf(s, "%2x", &v);
		b[n++] = v;
		s += 2;
	}
	return x86_decode(b, n, bits, &in);
}

#define NAME(s) ck_assert_str_eq(x86_insn_name(&in), s)

START_TEST(vectors_64)
{
	/* MOV RAX, [RIP+0x10] */
	ck_assert_int_eq(dec(64, "48 8b 05 10 00 00 00"), 7);
	NAME("op_mov_Gv_Ev");
	ck_assert(in.rip_rel && in.disp == 0x10 && in.opsize == 8);
	ck_assert_int_eq(in.base, 0xff);
	/* MOV EAX, [RSP+8]: SS default */
	ck_assert_int_eq(dec(64, "8b 44 24 08"), 4);
	ck_assert(in.base == R_RSP && in.index == 0xff && in.disp == 8);
	ck_assert_int_eq(in.seg, SEG_SS);
	ck_assert_int_eq(in.opsize, 4);
	/* MOV R13, [R12 + R12*8 - 8]: REX.X index 12 is a register */
	ck_assert_int_eq(dec(64, "4f 8b 6c e4 f8"), 5);
	ck_assert(in.reg == 13 && in.base == 12 && in.index == 12 &&
		  in.scale == 3 && in.disp == -8);
	ck_assert_int_eq(in.seg, SEG_DS);
	/* [R13+0] needs mod 01; mod 00 base 101 is disp32 without base */
	ck_assert_int_eq(dec(64, "41 8b 45 00"), 4);
	ck_assert_int_eq(in.base, 13);
	ck_assert_int_eq(in.seg, SEG_DS);
	ck_assert_int_eq(dec(64, "8b 04 25 00 10 00 00"), 7);
	ck_assert(in.base == 0xff && in.index == 0xff && in.disp == 0x1000);
	ck_assert(!in.rip_rel);
	/* MOV AX, imm16; MOV RAX, imm64; MOV R8B, imm8 */
	ck_assert_int_eq(dec(64, "66 b8 34 12"), 4);
	ck_assert(in.opsize == 2 && in.imm == 0x1234);
	ck_assert_int_eq(dec(64, "48 b8 88 77 66 55 44 33 22 11"), 10);
	ck_assert(in.imm == 0x1122334455667788ull && in.rm == 0);
	ck_assert_int_eq(dec(64, "41 b0 05"), 3);
	ck_assert(in.rm == 8 && in.opsize == 1);
	/* REX before a legacy prefix is ignored: 48 66 8B C0 is MOV AX, AX */
	ck_assert_int_eq(dec(64, "48 66 8b c0"), 4);
	ck_assert(in.opsize == 2 && in.rex == 0);
	/* LOCK: register destination and non-lockable opcodes are #UD */
	ck_assert_int_eq(dec(64, "f0 01 c0"), -1);
	ck_assert_int_eq(dec(64, "f0 01 00"), 3);
	ck_assert_int_eq(dec(64, "f0 8b 00"), -1);
	ck_assert_int_eq(dec(64, "f0 0f c7 0f"), 4);
	NAME("op_cmpxchg8b_Mq");
	ck_assert_int_eq(dec(64, "0f c7 c8"), -1);
	/* PUSH imm8 is 64-bit and sign-extended; CALL rel32 */
	ck_assert_int_eq(dec(64, "6a ff"), 2);
	ck_assert(in.opsize == 8 && in.imm == ~0ull);
	ck_assert_int_eq(dec(64, "e8 fb ff ff ff"), 5);
	ck_assert(in.opsize == 8 && (int64_t)in.imm == -5);
	ck_assert_int_eq(dec(64, "66 50"), 2);
	ck_assert_int_eq(in.opsize, 2);
	/* MOV RAX, moffs64 */
	ck_assert_int_eq(dec(64, "48 a1 00 00 00 00 01 00 00 00"), 10);
	ck_assert(in.disp == 0x100000000ll && in.mod == 0);
	/* segment overrides: CS/DS/ES/SS ignored, FS/GS kept */
	ck_assert_int_eq(dec(64, "2e 8b 45 00"), 4);
	ck_assert_int_eq(in.seg, SEG_SS);
	ck_assert_int_eq(dec(64, "64 8b 00"), 3);
	ck_assert_int_eq(in.seg, SEG_FS);
	/* invalid in 64-bit mode, and 64-bit-only forms */
	ck_assert_int_eq(dec(64, "06"), -1);
	ck_assert_int_eq(dec(64, "c4 e2 79 00"), -1);
	ck_assert_int_eq(dec(64, "37"), -1);
	ck_assert_int_eq(dec(64, "48 63 c1"), 3);
	NAME("op_movsxd_Gv_Ed");
	ck_assert_int_eq(dec(64, "0f 01 f8"), 3);
	NAME("op_swapgs");
	/* mandatory prefixes */
	/* F3 0F BC is TZCNT only with BMI1 (not advertised): BSF here */
	ck_assert_int_eq(dec(64, "f3 48 0f bc c1"), 5);
	NAME("op_bsf_Gv_Ev");
	ck_assert_int_eq(dec(64, "48 0f bc c1"), 4);
	NAME("op_bsf_Gv_Ev");
	ck_assert_int_eq(dec(64, "f3 90"), 2);
	NAME("op_pause");
	ck_assert_int_eq(dec(64, "0f b8 c1"), -1);
	/* MOV CR: mod ignored, no displacement */
	ck_assert_int_eq(dec(64, "0f 20 00"), 3);
	ck_assert(in.mod == 3 && in.rm == 0 && in.opsize == 8);
	ck_assert_int_eq(dec(64, "44 0f 22 c0"), 4);
	ck_assert(in.reg == 8);
	/* byte registers: SPL with REX */
	ck_assert_int_eq(dec(64, "40 88 e0"), 3);
	ck_assert(in.rex == 0x40 && in.rm == 0 && in.reg == 4);
	/* ENTER Iw, Ib; RET Iw */
	ck_assert_int_eq(dec(64, "c8 10 00 02"), 4);
	ck_assert(in.imm == 16 && in.imm2 == 2);
	ck_assert_int_eq(dec(64, "c2 08 00"), 3);
	ck_assert_int_eq(in.imm, 8);
	/* NOP forms */
	ck_assert_int_eq(dec(64, "0f 1f 44 00 00"), 5);
	NAME("op_nop_Ev");
	ck_assert_int_eq(dec(64, "66 2e 0f 1f 84 00 00 00 00 00"), 10);
	ck_assert_int_eq(dec(64, "0f 0b"), 2);
	NAME("op_ud2");
	ck_assert_int_eq(dec(64, "d8 c0"), -1);
}
END_TEST

START_TEST(vectors_16_32)
{
	/* 16-bit forms (SDM table 2-1) */
	ck_assert_int_eq(dec(16, "8b 46 02"), 3);
	ck_assert(in.base == R_RBP && in.index == 0xff && in.disp == 2);
	ck_assert(in.seg == SEG_SS && in.opsize == 2 && in.addrsize == 2);
	ck_assert_int_eq(dec(16, "8b 00"), 2);
	ck_assert(in.base == R_RBX && in.index == R_RSI);
	ck_assert_int_eq(dec(16, "8b 06 34 12"), 4);
	ck_assert(in.base == 0xff && in.disp == 0x1234);
	ck_assert_int_eq(dec(16, "66 67 8b 04 24"), 5);
	ck_assert(in.opsize == 4 && in.addrsize == 4 && in.base == R_RSP);
	/* 32-bit SIB without base */
	ck_assert_int_eq(dec(32, "8b 04 8d 00 10 00 00"), 7);
	ck_assert(in.base == 0xff && in.index == R_RCX && in.scale == 2);
	ck_assert(!in.rip_rel);
	ck_assert_int_eq(dec(32, "8b 05 00 10 00 00"), 6);
	ck_assert(!in.rip_rel && in.base == 0xff && in.disp == 0x1000);
	/* 40-4F are INC/DEC, 06 PUSH ES, 63 ARPL, C4 LES (mem only) */
	ck_assert_int_eq(dec(32, "48"), 1);
	NAME("op_dec_Zv");
	ck_assert_int_eq(dec(32, "06"), 1);
	NAME("op_push_sreg");
	ck_assert_int_eq(dec(32, "63 c8"), 2);
	NAME("op_arpl_Ew_Gw");
	ck_assert_int_eq(dec(32, "c4 00"), 2);
	NAME("op_les_Gv_Mp");
	ck_assert_int_eq(dec(32, "c4 c0"), -1);
	ck_assert_int_eq(dec(32, "0f 01 f8"), -1);
	/* far pointers */
	ck_assert_int_eq(dec(32, "ea 78 56 34 12 08 00"), 7);
	ck_assert(in.imm == 0x12345678 && in.imm2 == 8);
	ck_assert_int_eq(dec(16, "ea 34 12 00 f0"), 5);
	ck_assert(in.imm == 0x1234 && in.imm2 == 0xf000);
	/* Jcc rel16 with 66 in 32-bit code */
	ck_assert_int_eq(dec(32, "66 0f 84 fe ff"), 5);
	ck_assert(in.opsize == 2 && (int64_t)in.imm == -2);
	/* moffs16 */
	ck_assert_int_eq(dec(16, "a1 34 12"), 3);
	ck_assert_int_eq(in.disp, 0x1234);
}
END_TEST

START_TEST(lengths)
{
	/* 14 prefixes + opcode = 15 bytes: fine; one more is #UD */
	ck_assert_int_eq(dec(64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 90"), 15);
	ck_assert_int_eq(dec(64, "66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90"), -1);
	ck_assert_int_eq(in.len, 15);
	/* a 15-byte-limit crossing inside the immediate */
	ck_assert_int_eq(dec(64, "66 66 66 66 66 66 48 b8 00 00 00 00 00 00 00 00"), -1);
	/* too few bytes: ask for more */
	ck_assert_int_eq(dec(64, "b8 00 00"), 0);
	ck_assert_int_eq(dec(64, "0f"), 0);
	ck_assert_int_eq(dec(64, "8b 44"), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("decode");
	TCase *t = tcase_create("decode");
	tcase_add_test(t, table_no_overlap);
	tcase_add_test(t, vectors_64);
	tcase_add_test(t, vectors_16_32);
	tcase_add_test(t, lengths);
	suite_add_tcase(s, t);
	return check_run(s);
}
