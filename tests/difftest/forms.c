/*
 * tests/difftest/forms.c — the instruction forms the differential test
 * runs, and how each form's random cases are built: the instruction bytes
 * (prefixes, REX, opcode, ModRM/SIB/displacement, immediate) and the
 * incoming registers, flags and memory.
 *
 * Undefined flags, per the SDM instruction pages, are listed in each row
 * (`undef`) or computed per case (shifts and rotates: it depends on the
 * count).  Everything else — all 16 GPRs, the 1 KiB data buffer, the six
 * arithmetic flags and DF — must match the host CPU exactly.
 */
#include <stdlib.h>
#include <string.h>

#include "tests/difftest/difftest.h"


static uint64_t rng = 0x9e3779b97f4a7c15ull;

void dt_seed(uint64_t s)
{
	rng = s ? s : 1;
}

uint64_t dt_rand(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

int dt_rnd(int n)
{
	return (int)(dt_rand() % (uint64_t)n);
}

/* A random operand value, biased towards the edges where flags change. */
uint64_t dt_value(void)
{
	static const uint64_t edge[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffull,
		0x8000000000000000ull, ~0ull, 0x0f, 0x10, 0x99};
	switch (dt_rnd(8)) {
	case 0: return edge[dt_rnd(sizeof edge / sizeof edge[0])];
	case 1: return edge[dt_rnd(sizeof edge / sizeof edge[0])] + dt_rnd(3) - 1;
	case 2: return dt_rand() & 0xff;
	case 3: return (uint64_t)(int64_t)(int8_t)dt_rand();
	default: return dt_rand();
	}
}

/* Random registers, flags (DF clear) and memory; RSP is the stack. */
void dt_random_state(struct dt_case *k)
{
	for (int r = 0; r < 16; r++)
		k->in.regs[r] = dt_value();
	k->in.regs[4] = DT_STACK;
	k->in.rflags = (dt_rand() & ARITH) | 0x202;
	for (int j = 0; j < DT_DATA_SIZE; j++)
		k->in.mem[j] = (uint8_t)dt_value();
	k->undef = 0;
	k->skip_reg = -1;
	k->may_de = 0;
}

void dt_emit(struct dt_case *k, uint64_t v, int n)
{
	for (int j = 0; j < n; j++)
		k->bytes[k->len++] = (uint8_t)(v >> (8 * j));
}

enum {
	SP_NONE, SP_COUNT_CL, SP_COUNT_IB, SP_COUNT_1, SP_DIV, SP_BT, SP_BSF,
	SP_CMPXCHG, SP_SHD_CL, SP_SHD_IB,
};

/* A ModRM form: one row of the table below. */
struct spec {
	const char *name;
	uint8_t pfx, esc; /* mandatory prefix byte; 1: 0F, 2: 0F 38 */
	uint8_t op;       /* opcode */
	int8_t ext;       /* ModRM.reg extension, or -1: a G register */
	uint8_t imm;      /* immediate bytes: 0, 1, or 4 (Iz) */
	uint8_t esize;    /* E operand size when it differs (MOVZX...) */
	unsigned sizes;   /* bit s set: operand size s bytes allowed */
	unsigned modes;   /* 1 register, 2 memory */
	uint64_t undef;
	int special;
};

#define S8 (1u << 1)
#define SV ((1u << 2) | (1u << 4) | (1u << 8))
#define SW ((1u << 4) | (1u << 8))
#define RM 3

/* Count for shifts: the cases that matter are 0, 1, the size and around. */
static int count(int size)
{
	int b = size * 8;
	switch (dt_rnd(6)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return b + dt_rnd(3) - 1;
	case 3: return dt_rnd(256);
	default: return dt_rnd(b < 32 ? 32 : 64);
	}
}

/* Undefined flags of a shift/rotate (ModRM.reg = op) by count n. */
static uint64_t shift_undef(int op, int size, int n)
{
	int m = n & (size == 8 ? 63 : 31);
	if (!m)
		return 0;
	uint64_t u = m != 1 ? OF : 0;
	if (op >= 4)
		u |= AF;
	if ((op == 4 || op == 5 || op == 6) && m >= size * 8)
		u |= CF;
	return u;
}

/* Specials that load rAX, rCX or rDX must not use them as a base/index. */
static int needs_acd(int special)
{
	return special == SP_COUNT_CL || special == SP_SHD_CL ||
	       special == SP_DIV || special == SP_CMPXCHG;
}

static void gen_modrm(const struct dt_form *f, struct dt_case *k)
{
	const struct spec *s = f->arg;
	int size = f->size, esz = s->esize ? s->esize : size;
	dt_random_state(k);
	k->undef = s->undef;
	k->len = 0;
	int g = dt_rnd(16), e = dt_rnd(16), base = 0, index = -1, scale = 0;
	int acd = needs_acd(s->special);
	uint64_t target = 0;
	if (s->pfx)
		dt_emit(k, s->pfx, 1);
	if (size == 2)
		dt_emit(k, 0x66, 1);
	if (f->mem) {
		do
			base = dt_rnd(16);
		while (base == 4 || base == 12 || (acd && base < 3));
		if (dt_rnd(2))
			do
				index = dt_rnd(16);
			while (index == 4 || index == base || (acd && index < 3));
		scale = dt_rnd(4);
		if (s->special == SP_BT)
			while (g == base || g == index)
				g = dt_rnd(16);
	}
	int rex = (size == 8 ? 8 : 0) | (s->ext < 0 && g >= 8 ? 4 : 0) |
		  (index >= 8 ? 2 : 0) | ((f->mem ? base : e) >= 8 ? 1 : 0);
	if (rex || ((size == 1 || esz == 1) && dt_rnd(2)))
		dt_emit(k, 0x40 | rex, 1);
	if (s->esc)
		dt_emit(k, 0x0f, 1);
	if (s->esc == 2)
		dt_emit(k, 0x38, 1);
	dt_emit(k, s->op, 1);
	int reg = s->ext >= 0 ? s->ext : g & 7;
	if (!f->mem) {
		dt_emit(k, 0xc0 | reg << 3 | (e & 7), 1);
	} else {
		target = DT_MEM_LO + dt_rnd(0x100 - 16);
		if (s->special == SP_CMPXCHG || (s->op == 0xc7 && s->esc))
			target &= ~15ull;
		int32_t disp = dt_rnd(256) - 128;
		uint64_t iv = 0;
		if (index >= 0) {
			dt_emit(k, 0x84 | reg << 3, 1);
			dt_emit(k, scale << 6 | (index & 7) << 3 | (base & 7), 1);
			iv = dt_rnd(8);
			k->in.regs[index] = iv;
		} else {
			dt_emit(k, 0x80 | reg << 3 | (base & 7), 1);
		}
		dt_emit(k, (uint32_t)disp, 4);
		k->in.regs[base] = target - disp - (iv << scale);
	}
	uint64_t imm = 0;
	if (s->imm) {
		imm = dt_value();
		if (s->special == SP_COUNT_IB || s->special == SP_SHD_IB)
			imm = count(size);
		dt_emit(k, imm, s->imm == 4 && size == 2 ? 2 : s->imm);
	}
	uint64_t *cx = &k->in.regs[1];
	switch (s->special) {
	case SP_COUNT_CL:
		*cx = (*cx & ~0xffull) | count(size);
		k->undef = shift_undef(s->ext, size, (int)(*cx & 0xff));
		break;
	case SP_COUNT_IB:
		k->undef = shift_undef(s->ext, size, (int)(imm & 0xff));
		break;
	case SP_COUNT_1:
		k->undef = shift_undef(s->ext, size, 1);
		break;
	case SP_SHD_CL:
	case SP_SHD_IB: {
		int n = s->special == SP_SHD_IB ? (int)(imm & 0xff) : count(size);
		int m = n & (size == 8 ? 63 : 31);
		if (size == 2 && m > 16) { /* result undefined: use a legal one */
			n = m = dt_rnd(17);
			if (s->special == SP_SHD_IB)
				k->bytes[k->len - 1] = (uint8_t)n;
		}
		if (s->special == SP_SHD_CL)
			*cx = (*cx & ~0xffull) | n;
		k->undef = m == 0 ? 0 : AF | (m != 1 ? OF : 0);
		break;
	}
	case SP_DIV:
		k->may_de = 1;
		if (dt_rnd(4)) { /* mostly divisions that fit */
			uint64_t hi = esz == 1 ? 0 : dt_rand() & 0xff;
			if (s->ext == 7) /* IDIV: sign-extend rAX */
				hi = (int64_t)(k->in.regs[0] << (64 - 8 * size)) < 0
					     ? ~0ull : 0;
			if (size == 1)
				k->in.regs[0] = (k->in.regs[0] & ~0xff00ull) |
						((hi & 0xff) << 8);
			else
				k->in.regs[2] = hi;
		}
		break;
	case SP_BT:
		if (f->mem)
			k->in.regs[g] = (uint64_t)(int64_t)(dt_rnd(400) - 200);
		break;
	case SP_CMPXCHG:
		if (dt_rnd(2)) {
			uint64_t v = 0;
			if (f->mem)
				memcpy(&v, k->in.mem + (target - DT_DATA), 8);
			else
				v = k->in.regs[e];
			k->in.regs[0] = v;
		}
		break;
	case SP_BSF: /* source zero: destination undefined ("BSF", "BSR") */
		if (f->mem)
			k->in.mem[target - DT_DATA] |= 1;
		else if (!(k->in.regs[e] << (64 - 8 * size)))
			k->skip_reg = g;
		break;
	}
}

static const struct spec specs[] = {
#define ALU(n, b)                                                              \
	{n "_Eb_Gb", 0, 0, b + 0, -1, 0, 0, S8, RM, 0, 0},                     \
	{n "_Ev_Gv", 0, 0, b + 1, -1, 0, 0, SV, RM, 0, 0},                     \
	{n "_Gb_Eb", 0, 0, b + 2, -1, 0, 0, S8, RM, 0, 0},                     \
	{n "_Gv_Ev", 0, 0, b + 3, -1, 0, 0, SV, RM, 0, 0},                     \
	{n "_Eb_Ib", 0, 0, 0x80, b / 8, 1, 0, S8, RM, 0, 0},                   \
	{n "_Ev_Iz", 0, 0, 0x81, b / 8, 4, 0, SV, RM, 0, 0},                   \
	{n "_Ev_Ib", 0, 0, 0x83, b / 8, 1, 0, SV, RM, 0, 0}
	ALU("add", 0x00), ALU("or", 0x08), ALU("adc", 0x10), ALU("sbb", 0x18),
	ALU("and", 0x20), ALU("sub", 0x28), ALU("xor", 0x30), ALU("cmp", 0x38),
	{"test_Eb_Gb", 0, 0, 0x84, -1, 0, 0, S8, RM, AF, 0},
	{"test_Ev_Gv", 0, 0, 0x85, -1, 0, 0, SV, RM, AF, 0},
	{"test_Eb_Ib", 0, 0, 0xf6, 0, 1, 0, S8, RM, AF, 0},
	{"test_Ev_Iz", 0, 0, 0xf7, 0, 4, 0, SV, RM, AF, 0},
	{"not_Eb", 0, 0, 0xf6, 2, 0, 0, S8, RM, 0, 0},
	{"not_Ev", 0, 0, 0xf7, 2, 0, 0, SV, RM, 0, 0},
	{"neg_Eb", 0, 0, 0xf6, 3, 0, 0, S8, RM, 0, 0},
	{"neg_Ev", 0, 0, 0xf7, 3, 0, 0, SV, RM, 0, 0},
	{"mul_Eb", 0, 0, 0xf6, 4, 0, 0, S8, RM, SF | ZF | AF | PF, 0},
	{"mul_Ev", 0, 0, 0xf7, 4, 0, 0, SV, RM, SF | ZF | AF | PF, 0},
	{"imul_Eb", 0, 0, 0xf6, 5, 0, 0, S8, RM, SF | ZF | AF | PF, 0},
	{"imul_Ev", 0, 0, 0xf7, 5, 0, 0, SV, RM, SF | ZF | AF | PF, 0},
	{"div_Eb", 0, 0, 0xf6, 6, 0, 0, S8, RM, ARITH, SP_DIV},
	{"div_Ev", 0, 0, 0xf7, 6, 0, 0, SV, RM, ARITH, SP_DIV},
	{"idiv_Eb", 0, 0, 0xf6, 7, 0, 0, S8, RM, ARITH, SP_DIV},
	{"idiv_Ev", 0, 0, 0xf7, 7, 0, 0, SV, RM, ARITH, SP_DIV},
	{"imul_Gv_Ev", 0, 1, 0xaf, -1, 0, 0, SV, RM, SF | ZF | AF | PF, 0},
	{"imul_Gv_Ev_Iz", 0, 0, 0x69, -1, 4, 0, SV, RM, SF | ZF | AF | PF, 0},
	{"imul_Gv_Ev_Ib", 0, 0, 0x6b, -1, 1, 0, SV, RM, SF | ZF | AF | PF, 0},
	{"inc_Eb", 0, 0, 0xfe, 0, 0, 0, S8, RM, 0, 0},
	{"dec_Eb", 0, 0, 0xfe, 1, 0, 0, S8, RM, 0, 0},
	{"inc_Ev", 0, 0, 0xff, 0, 0, 0, SV, RM, 0, 0},
	{"dec_Ev", 0, 0, 0xff, 1, 0, 0, SV, RM, 0, 0},
#define SHIFT(n, x)                                                            \
	{n "_Eb_Ib", 0, 0, 0xc0, x, 1, 0, S8, RM, 0, SP_COUNT_IB},             \
	{n "_Ev_Ib", 0, 0, 0xc1, x, 1, 0, SV, RM, 0, SP_COUNT_IB},             \
	{n "_Eb_1", 0, 0, 0xd0, x, 0, 0, S8, RM, 0, SP_COUNT_1},               \
	{n "_Ev_1", 0, 0, 0xd1, x, 0, 0, SV, RM, 0, SP_COUNT_1},               \
	{n "_Eb_CL", 0, 0, 0xd2, x, 0, 0, S8, RM, 0, SP_COUNT_CL},             \
	{n "_Ev_CL", 0, 0, 0xd3, x, 0, 0, SV, RM, 0, SP_COUNT_CL}
	SHIFT("rol", 0), SHIFT("ror", 1), SHIFT("rcl", 2), SHIFT("rcr", 3),
	SHIFT("shl", 4), SHIFT("shr", 5), SHIFT("sal", 6), SHIFT("sar", 7),
	{"shld_Ev_Gv_Ib", 0, 1, 0xa4, -1, 1, 0, SV, RM, 0, SP_SHD_IB},
	{"shld_Ev_Gv_CL", 0, 1, 0xa5, -1, 0, 0, SV, RM, 0, SP_SHD_CL},
	{"shrd_Ev_Gv_Ib", 0, 1, 0xac, -1, 1, 0, SV, RM, 0, SP_SHD_IB},
	{"shrd_Ev_Gv_CL", 0, 1, 0xad, -1, 0, 0, SV, RM, 0, SP_SHD_CL},
#define BTU (OF | SF | AF | PF)
	{"bt_Ev_Gv", 0, 1, 0xa3, -1, 0, 0, SV, RM, BTU, SP_BT},
	{"bts_Ev_Gv", 0, 1, 0xab, -1, 0, 0, SV, RM, BTU, SP_BT},
	{"btr_Ev_Gv", 0, 1, 0xb3, -1, 0, 0, SV, RM, BTU, SP_BT},
	{"btc_Ev_Gv", 0, 1, 0xbb, -1, 0, 0, SV, RM, BTU, SP_BT},
	{"bt_Ev_Ib", 0, 1, 0xba, 4, 1, 0, SV, RM, BTU, 0},
	{"bts_Ev_Ib", 0, 1, 0xba, 5, 1, 0, SV, RM, BTU, 0},
	{"btr_Ev_Ib", 0, 1, 0xba, 6, 1, 0, SV, RM, BTU, 0},
	{"btc_Ev_Ib", 0, 1, 0xba, 7, 1, 0, SV, RM, BTU, 0},
	{"bsf_Gv_Ev", 0, 1, 0xbc, -1, 0, 0, SV, RM, CF | OF | SF | AF | PF, SP_BSF},
	{"bsr_Gv_Ev", 0, 1, 0xbd, -1, 0, 0, SV, RM, CF | OF | SF | AF | PF, SP_BSF},
	{"lzcnt_Gv_Ev", 0xf3, 1, 0xbd, -1, 0, 0, SV, RM, OF | SF | AF | PF, 0},
	{"popcnt_Gv_Ev", 0xf3, 1, 0xb8, -1, 0, 0, SV, RM, 0, 0},
	{"mov_Eb_Gb", 0, 0, 0x88, -1, 0, 0, S8, RM, 0, 0},
	{"mov_Ev_Gv", 0, 0, 0x89, -1, 0, 0, SV, RM, 0, 0},
	{"mov_Gb_Eb", 0, 0, 0x8a, -1, 0, 0, S8, RM, 0, 0},
	{"mov_Gv_Ev", 0, 0, 0x8b, -1, 0, 0, SV, RM, 0, 0},
	{"mov_Eb_Ib", 0, 0, 0xc6, 0, 1, 0, S8, RM, 0, 0},
	{"mov_Ev_Iz", 0, 0, 0xc7, 0, 4, 0, SV, RM, 0, 0},
	{"movzx_Gv_Eb", 0, 1, 0xb6, -1, 0, 1, SV, RM, 0, 0},
	{"movzx_Gv_Ew", 0, 1, 0xb7, -1, 0, 2, SV, RM, 0, 0},
	{"movsx_Gv_Eb", 0, 1, 0xbe, -1, 0, 1, SV, RM, 0, 0},
	{"movsx_Gv_Ew", 0, 1, 0xbf, -1, 0, 2, SV, RM, 0, 0},
	{"movsxd_Gv_Ed", 0, 0, 0x63, -1, 0, 4, SV, RM, 0, 0},
	{"movbe_Gv_Mv", 0, 2, 0xf0, -1, 0, 0, SV, 2, 0, 0},
	{"movbe_Mv_Gv", 0, 2, 0xf1, -1, 0, 0, SV, 2, 0, 0},
	{"lea_Gv_M", 0, 0, 0x8d, -1, 0, 0, SV, 2, 0, 0},
	{"xchg_Eb_Gb", 0, 0, 0x86, -1, 0, 0, S8, RM, 0, 0},
	{"xchg_Ev_Gv", 0, 0, 0x87, -1, 0, 0, SV, RM, 0, 0},
	{"cmpxchg_Eb_Gb", 0, 1, 0xb0, -1, 0, 0, S8, RM, 0, SP_CMPXCHG},
	{"cmpxchg_Ev_Gv", 0, 1, 0xb1, -1, 0, 0, SV, RM, 0, SP_CMPXCHG},
	{"xadd_Eb_Gb", 0, 1, 0xc0, -1, 0, 0, S8, RM, 0, 0},
	{"xadd_Ev_Gv", 0, 1, 0xc1, -1, 0, 0, SV, RM, 0, 0},
	{"push_Ev", 0, 0, 0xff, 6, 0, 0, SW, RM, 0, 0},
	{"pop_Ev", 0, 0, 0x8f, 0, 0, 0, SW, 2, 0, 0},
	{"nop_Ev", 0, 1, 0x1f, 0, 0, 0, SV, RM, 0, 0},
#define CC(n, x)                                                               \
	{"cmov" n "_Gv_Ev", 0, 1, 0x40 + x, -1, 0, 0, SV, RM, 0, 0},           \
	{"set" n "_Eb", 0, 1, 0x90 + x, 0, 0, 0, S8, RM, 0, 0}
	CC("o", 0), CC("no", 1), CC("b", 2), CC("ae", 3), CC("e", 4),
	CC("ne", 5), CC("be", 6), CC("a", 7), CC("s", 8), CC("ns", 9),
	CC("p", 10), CC("np", 11), CC("l", 12), CC("ge", 13), CC("le", 14),
	CC("g", 15),
};

/* The list, built once: every spec row at every size and mode. */
static struct dt_form *forms;
static int nforms;

void dt_add_form(const char *name,
		 void (*gen)(const struct dt_form *, struct dt_case *),
		 const void *arg, int size, int mem)
{
	forms = realloc(forms, (nforms + 1) * sizeof *forms);
	forms[nforms++] = (struct dt_form){name, gen, arg, size, mem};
}

const struct dt_form *dt_forms(int *n)
{
	if (!forms) {
		for (unsigned s = 0; s < sizeof specs / sizeof specs[0]; s++)
			for (int size = 1; size <= 8; size *= 2)
				for (int mem = 0; mem < 2; mem++)
					if ((specs[s].sizes & (1u << size)) &&
					    (specs[s].modes & (1u << mem)))
						dt_add_form(specs[s].name, gen_modrm,
						    &specs[s], size, mem);
		dt_add_misc_forms();
	}
	*n = nforms;
	return forms;
}
