/*
 * tests/difftest/forms_misc.c — difftest forms that are not a plain ModRM
 * operation: "+r" opcodes, accumulator-immediate forms, no-operand
 * instructions, branches (a taken branch skips a marker MOV R15), CALL/RET/
 * PUSH/POP/ENTER/LEAVE, string instructions with REP prefixes and both
 * directions, moffs, CMPXCHG8B/16B and XLAT.
 */
#include <stdio.h>
#include <string.h>

#include "tests/difftest/difftest.h"

/* A fixed-opcode form: prefix bytes then opcode bytes. */
struct fixed {
	const char *name;
	uint8_t b[4];
	int n;
	int kind;
	uint64_t undef;
};

enum {
	K_ZR,      /* opcode + r (REX.B), b[0] is the opcode for r = 0 */
	K_ZR0F,    /* 0F, opcode + r */
	K_ZR_IB,   /* B0+r Ib */
	K_ZR_IV,   /* B8+r Iv */
	K_ACC,     /* AL/eAX, imm (Ib, Iz) */
	K_PLAIN,   /* just the bytes */
	K_JCC8,    /* Jcc rel8 over the marker */
	K_JCC32,
	K_LOOP,    /* LOOPcc / JrCXZ over the marker */
	K_PUSH_I,  /* PUSH imm (b[0] 68 or 6A) */
	K_CALL,    /* CALL rel32 to the next instruction */
	K_CALL_R,  /* CALL/JMP reg to the end */
	K_RET,     /* RET [imm16] to the end */
	K_ENTER,
	K_LEAVE,
	K_STR,     /* string instruction */
	K_MOFFS,
	K_CX8,     /* CMPXCHG8B/16B */
	K_XLAT,
};

static void prefix_size(struct dt_case *k, int size)
{
	if (size == 2)
		dt_emit(k, 0x66, 1);
}

/* The marker a taken branch skips: MOV R15, imm32 (7 bytes). */
static void marker(struct dt_case *k)
{
	dt_emit(k, 0xc7c749, 3);
	dt_emit(k, 0x1234, 4);
}

static void gen_fixed(const struct dt_form *f, struct dt_case *k)
{
	const struct fixed *x = f->arg;
	int size = f->size, r = dt_rnd(16);
	uint64_t *R = k->in.regs;
	dt_random_state(k);
	k->undef = x->undef;
	k->len = 0;
	switch (x->kind) {
	case K_ZR: case K_ZR0F: case K_ZR_IB: case K_ZR_IV: {
		prefix_size(k, size);
		int rex = (size == 8 ? 8 : 0) | (r >= 8 ? 1 : 0);
		if (rex || (size == 1 && dt_rnd(2)))
			dt_emit(k, 0x40 | rex, 1);
		if (x->kind == K_ZR0F)
			dt_emit(k, 0x0f, 1);
		dt_emit(k, x->b[0] + (r & 7), 1);
		if (x->kind == K_ZR_IB)
			dt_emit(k, dt_value(), 1);
		if (x->kind == K_ZR_IV)
			dt_emit(k, dt_value(), size);
		if (x->b[0] == 0x58 && r == 4) /* POP RSP: keep the stack */
			memcpy(k->in.mem + (DT_STACK - DT_DATA), &R[4], 8);
		return;
	}
	case K_ACC:
		prefix_size(k, size);
		if (size == 8)
			dt_emit(k, 0x48, 1);
		dt_emit(k, x->b[0], 1);
		dt_emit(k, dt_value(), size == 1 ? 1 : size == 2 ? 2 : 4);
		return;
	case K_PLAIN:
		k->in.rflags |= dt_rand() & DF;
		prefix_size(k, size);
		if (size == 8)
			dt_emit(k, 0x48, 1);
		for (int j = 0; j < x->n; j++)
			dt_emit(k, x->b[j], 1);
		return;
	case K_JCC8: case K_JCC32:
		for (int j = 0; j < x->n; j++)
			dt_emit(k, x->b[j], 1);
		dt_emit(k, 7, x->kind == K_JCC8 ? 1 : 4);
		marker(k);
		return;
	case K_LOOP:
		R[1] = dt_rnd(2) ? (uint64_t)dt_rnd(3) : dt_value();
		if (size == 4)
			dt_emit(k, 0x67, 1);
		dt_emit(k, x->b[0], 1);
		dt_emit(k, 7, 1);
		marker(k);
		return;
	case K_PUSH_I:
		prefix_size(k, size);
		dt_emit(k, x->b[0], 1);
		dt_emit(k, dt_value(), x->b[0] == 0x6a ? 1 : size == 2 ? 2 : 4);
		return;
	case K_CALL:
		dt_emit(k, 0xe8, 1);
		dt_emit(k, 0, 4);
		return;
	case K_CALL_R:
		while (r == 4)
			r = dt_rnd(16);
		if (r >= 8)
			dt_emit(k, 0x41, 1);
		dt_emit(k, 0xff, 1);
		dt_emit(k, x->b[0] + (r & 7), 1);
		R[r] = DT_INSN + k->len;
		return;
	case K_RET: {
		uint64_t end = DT_INSN + (x->b[0] == 0xc2 ? 3 : 1);
		memcpy(k->in.mem + (DT_STACK - DT_DATA), &end, 8);
		dt_emit(k, x->b[0], 1);
		if (x->b[0] == 0xc2)
			dt_emit(k, dt_rnd(64), 2);
		return;
	}
	case K_ENTER:
		R[5] = DT_DATA + 0x300 + 8 * dt_rnd(8);
		prefix_size(k, size);
		dt_emit(k, 0xc8, 1);
		dt_emit(k, dt_rnd(64), 2);
		dt_emit(k, dt_rnd(2) ? (uint64_t)dt_rnd(5) : dt_rand() & 0xff, 1);
		if ((k->bytes[k->len - 1] & 31) > 8)
			k->bytes[k->len - 1] = dt_rnd(9);
		return;
	case K_LEAVE:
		R[5] = DT_DATA + 0x300 + 8 * dt_rnd(8);
		prefix_size(k, size);
		dt_emit(k, 0xc9, 1);
		return;
	case K_XLAT:
		R[3] = DT_MEM_LO + dt_rnd(16);
		dt_emit(k, 0xd7, 1);
		return;
	}
}

/* String instructions: rSI/rDI inside the buffer, small rCX, either DF. */
static void gen_str(const struct dt_form *f, struct dt_case *k)
{
	const struct fixed *x = f->arg;
	int size = f->size;
	uint64_t *R = k->in.regs;
	dt_random_state(k);
	k->len = 0;
	k->in.rflags |= dt_rand() & DF;
	int cmp = x->b[1] == 0xa6 || x->b[1] == 0xae;
	if (cmp)
		for (int j = 0x100; j < 0x300; j++)
			k->in.mem[j] = dt_rnd(2) ? 0 : (uint8_t)dt_rnd(3);
	R[6] = DT_DATA + 0x180 + dt_rnd(0x100);
	R[7] = DT_DATA + 0x180 + dt_rnd(0x100);
	R[1] = dt_rnd(16);
	if (cmp && dt_rnd(2))
		R[0] = dt_rnd(3);
	if (x->n == 3) { /* address-size prefix: ESI/EDI/ECX */
		R[6] |= dt_rand() << 32;
		R[7] |= dt_rand() << 32;
		R[1] |= dt_rand() << 32;
		dt_emit(k, 0x67, 1);
	}
	if (x->b[0])
		dt_emit(k, x->b[0], 1);
	prefix_size(k, size);
	if (size == 8)
		dt_emit(k, 0x48, 1);
	dt_emit(k, x->b[1] + (size > 1), 1);
}

static void gen_moffs(const struct dt_form *f, struct dt_case *k)
{
	const struct fixed *x = f->arg;
	int size = f->size;
	dt_random_state(k);
	k->len = 0;
	prefix_size(k, size);
	if (size == 8)
		dt_emit(k, 0x48, 1);
	dt_emit(k, x->b[0] + (size > 1), 1);
	dt_emit(k, DT_MEM_LO + dt_rnd(0xf0), 8);
}

static void gen_cx8(const struct dt_form *f, struct dt_case *k)
{
	int wide = f->size == 16, base;
	uint64_t *R = k->in.regs;
	dt_random_state(k);
	k->undef = 0;
	k->len = 0;
	do
		base = dt_rnd(16);
	while (base < 6 || base == 12 || base == 13);
	uint64_t target = (DT_MEM_LO + dt_rnd(0xe0)) & ~(wide ? 15ull : 7ull);
	int rex = (wide ? 8 : 0) | (base >= 8 ? 1 : 0);
	if (rex)
		dt_emit(k, 0x40 | rex, 1);
	dt_emit(k, 0xc70f, 2);
	dt_emit(k, 0x08 | (base & 7), 1);
	R[base] = target;
	if (dt_rnd(2)) {
		uint64_t m[2];
		memcpy(m, k->in.mem + (target - DT_DATA), 16);
		if (wide) {
			R[0] = m[0];
			R[2] = m[1];
		} else {
			R[0] = (uint32_t)m[0] | (R[0] & ~0xffffffffull);
			R[2] = m[0] >> 32 | (R[2] & ~0xffffffffull);
		}
	}
}

#define X(n, k) {n, {0}, 0, k, 0}
static const struct fixed zr[] = {
	{"push_Zv", {0x50}, 1, K_ZR, 0}, {"pop_Zv", {0x58}, 1, K_ZR, 0},
	{"xchg_Zv_rAX", {0x90}, 1, K_ZR, 0}, {"bswap_Zv", {0xc8}, 1, K_ZR0F, 0},
	{"mov_Zb_Ib", {0xb0}, 1, K_ZR_IB, 0}, {"mov_Zv_Iv", {0xb8}, 1, K_ZR_IV, 0},
};
static const struct fixed acc[] = {
	{"add_AL_Ib", {0x04}, 1, K_ACC, 0}, {"add_eAX_Iz", {0x05}, 1, K_ACC, 0},
	{"or_AL_Ib", {0x0c}, 1, K_ACC, AF}, {"or_eAX_Iz", {0x0d}, 1, K_ACC, AF},
	{"adc_AL_Ib", {0x14}, 1, K_ACC, 0}, {"adc_eAX_Iz", {0x15}, 1, K_ACC, 0},
	{"sbb_AL_Ib", {0x1c}, 1, K_ACC, 0}, {"sbb_eAX_Iz", {0x1d}, 1, K_ACC, 0},
	{"and_AL_Ib", {0x24}, 1, K_ACC, AF}, {"and_eAX_Iz", {0x25}, 1, K_ACC, AF},
	{"sub_AL_Ib", {0x2c}, 1, K_ACC, 0}, {"sub_eAX_Iz", {0x2d}, 1, K_ACC, 0},
	{"xor_AL_Ib", {0x34}, 1, K_ACC, AF}, {"xor_eAX_Iz", {0x35}, 1, K_ACC, AF},
	{"cmp_AL_Ib", {0x3c}, 1, K_ACC, 0}, {"cmp_eAX_Iz", {0x3d}, 1, K_ACC, 0},
	{"test_AL_Ib", {0xa8}, 1, K_ACC, AF}, {"test_eAX_Iz", {0xa9}, 1, K_ACC, AF},
};
static const struct fixed plain[] = {
	{"cbw_cwde_cdqe", {0x98}, 1, K_PLAIN, 0}, {"cwd_cdq_cqo", {0x99}, 1, K_PLAIN, 0},
	{"lahf", {0x9f}, 1, K_PLAIN, 0}, {"sahf", {0x9e}, 1, K_PLAIN, 0},
	{"clc", {0xf8}, 1, K_PLAIN, 0}, {"stc", {0xf9}, 1, K_PLAIN, 0},
	{"cmc", {0xf5}, 1, K_PLAIN, 0}, {"cld", {0xfc}, 1, K_PLAIN, 0},
	{"std", {0xfd}, 1, K_PLAIN, 0}, {"nop", {0x90}, 1, K_PLAIN, 0},
	{"pause", {0xf3, 0x90}, 2, K_PLAIN, 0},
	{"jmp_Jb", {0xeb}, 1, K_JCC8, 0}, {"jmp_Jz", {0xe9}, 1, K_JCC32, 0},
	{"loop_Jb", {0xe2}, 1, K_LOOP, 0}, {"loope_Jb", {0xe1}, 1, K_LOOP, 0},
	{"loopne_Jb", {0xe0}, 1, K_LOOP, 0}, {"jrcxz_Jb", {0xe3}, 1, K_LOOP, 0},
	{"push_Iz", {0x68}, 1, K_PUSH_I, 0}, {"push_Ib", {0x6a}, 1, K_PUSH_I, 0},
	{"call_Jz", {0xe8}, 1, K_CALL, 0}, {"call_Ev_reg", {0xd0}, 1, K_CALL_R, 0},
	{"jmp_Ev_reg", {0xe0}, 1, K_CALL_R, 0}, {"ret", {0xc3}, 1, K_RET, 0},
	{"ret_Iw", {0xc2}, 1, K_RET, 0}, {"enter_Iw_Ib", {0xc8}, 1, K_ENTER, 0},
	{"leave", {0xc9}, 1, K_LEAVE, 0}, {"xlat", {0xd7}, 1, K_XLAT, 0},
};
static const char *const cc_names[16] = {
	"o", "no", "b", "ae", "e", "ne", "be", "a",
	"s", "ns", "p", "np", "l", "ge", "le", "g"};
static struct fixed jcc[32];
static char jcc_names[32][16];

/* String forms: b[0] the REP prefix (or 0), b[1] the byte opcode, n = 3
 * for the 67 variant. */
static const struct fixed str[] = {
	{"movs", {0, 0xa4}, 2, K_STR, 0}, {"rep_movs", {0xf3, 0xa4}, 2, K_STR, 0},
	{"stos", {0, 0xaa}, 2, K_STR, 0}, {"rep_stos", {0xf3, 0xaa}, 2, K_STR, 0},
	{"lods", {0, 0xac}, 2, K_STR, 0}, {"rep_lods", {0xf3, 0xac}, 2, K_STR, 0},
	{"cmps", {0, 0xa6}, 2, K_STR, 0}, {"repe_cmps", {0xf3, 0xa6}, 2, K_STR, 0},
	{"repne_cmps", {0xf2, 0xa6}, 2, K_STR, 0}, {"scas", {0, 0xae}, 2, K_STR, 0},
	{"repe_scas", {0xf3, 0xae}, 2, K_STR, 0}, {"repne_scas", {0xf2, 0xae}, 2, K_STR, 0},
	{"a32_rep_movs", {0xf3, 0xa4}, 3, K_STR, 0}, {"a32_rep_stos", {0xf3, 0xaa}, 3, K_STR, 0},
	{"a32_repe_cmps", {0xf3, 0xa6}, 3, K_STR, 0}, {"a32_repne_scas", {0xf2, 0xae}, 3, K_STR, 0},
};
static const struct fixed moffs[] = {
	{"mov_rAX_Ov", {0xa0}, 1, K_MOFFS, 0}, {"mov_Ov_rAX", {0xa2}, 1, K_MOFFS, 0},
};

/* See difftest.h. */
void dt_add_misc_forms(void)
{
	for (unsigned j = 0; j < sizeof zr / sizeof zr[0]; j++) {
		int lo = zr[j].kind == K_ZR_IB ? 1 : zr[j].b[0] == 0xc8 ? 4 : 2;
		int hi = zr[j].kind == K_ZR_IB ? 1 : 8;
		for (int s = lo; s <= hi; s *= 2)
			if (!(s == 4 && zr[j].kind == K_ZR && zr[j].b[0] != 0x90))
				dt_add_form(zr[j].name, gen_fixed, &zr[j], s, 0);
	}
	for (unsigned j = 0; j < sizeof acc / sizeof acc[0]; j++)
		for (int s = j % 2 ? 2 : 1; s <= (j % 2 ? 8 : 1); s *= 2)
			dt_add_form(acc[j].name, gen_fixed, &acc[j], s, 0);
	for (unsigned j = 0; j < sizeof plain / sizeof plain[0]; j++) {
		const struct fixed *p = &plain[j];
		if (p->b[0] == 0x98 || p->b[0] == 0x99)
			for (int s = 2; s <= 8; s *= 2)
				dt_add_form(p->name, gen_fixed, p, s, 0);
		else if (p->kind == K_PUSH_I || p->kind == K_ENTER ||
			 p->kind == K_LEAVE) {
			dt_add_form(p->name, gen_fixed, p, 2, 0);
			dt_add_form(p->name, gen_fixed, p, 8, 0);
		} else if (p->kind == K_LOOP) {
			dt_add_form(p->name, gen_fixed, p, 4, 0);
			dt_add_form(p->name, gen_fixed, p, 8, 0);
		} else {
			dt_add_form(p->name, gen_fixed, p, 8, 0);
		}
	}
	for (int cc = 0; cc < 16; cc++) {
		struct fixed *a = &jcc[cc], *b = &jcc[16 + cc];
		snprintf(jcc_names[cc], 16, "j%s_Jb", cc_names[cc]);
		snprintf(jcc_names[16 + cc], 16, "j%s_Jz", cc_names[cc]);
		*a = (struct fixed){jcc_names[cc], {0x70 + cc}, 1, K_JCC8, 0};
		*b = (struct fixed){jcc_names[16 + cc], {0x0f, 0x80 + cc}, 2,
				    K_JCC32, 0};
		dt_add_form(a->name, gen_fixed, a, 8, 0);
		dt_add_form(b->name, gen_fixed, b, 8, 0);
	}
	for (unsigned j = 0; j < sizeof str / sizeof str[0]; j++)
		for (int s = 1; s <= 8; s *= 2)
			dt_add_form(str[j].name, gen_str, &str[j], s, 1);
	for (unsigned j = 0; j < sizeof moffs / sizeof moffs[0]; j++)
		for (int s = 1; s <= 8; s *= 2)
			dt_add_form(moffs[j].name, gen_moffs, &moffs[j], s, 1);
	static const struct fixed cx8 = X("cmpxchg8b_Mq", K_CX8);
	static const struct fixed cx16 = X("cmpxchg16b_Mdq", K_CX8);
	dt_add_form(cx8.name, gen_cx8, &cx8, 8, 1);
	dt_add_form(cx16.name, gen_cx8, &cx16, 16, 1);
}
