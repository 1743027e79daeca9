/*
 * tests/unit/test_fast.c — the specialized handlers (cpu/x86/fast.h) do
 * what the table's handlers do.
 *
 * 1. x86_cond_try() agrees with x86_cond() for every condition after every
 *    kind of lazy flags record, operand size and edge-biased operands.
 * 2. Random register-operand encodings of the specialized instructions
 *    (MOV, MOVZX/MOVSX, ALU, TEST, INC/DEC, IMUL, shifts, Jcc, JMP, SETcc,
 *    CMOVcc) run through the variant x86_decode() chose and through the
 *    table's handler on copies of one random state: registers, RFLAGS,
 *    next RIP, status and exception must be equal.  (Memory and stack forms are
 *    compared with the host CPU by the difftest.)
 * 3. For memory operands of every shape, x86_ea_of() with the decoded
 *    shape gives the offset x86_modrm_ea() gives.
 */
#include <check.h>
#include <string.h>

#include "cpu/x86/fast.h"
#include "tests/unit/check_run.h"

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545f4914f6cdd1dull;
}

/* An operand value biased towards the edges where flags change. */
static uint64_t value(void)
{
	static const uint64_t edge[] = {
		0, 1, 2, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
		0x7fffffff, 0x80000000, 0xffffffff, 0x7fffffffffffffffull,
		0x8000000000000000ull, ~0ull, 0x0f, 0x10};
	switch (rnd() % 4) {
	case 0: return edge[rnd() % (sizeof edge / sizeof edge[0])];
	case 1: return edge[rnd() % (sizeof edge / sizeof edge[0])] - 1;
	default: return rnd();
	}
}

/* A lazy flags record as some instruction would leave it. */
static void random_flags(struct cpu *c)
{
	static const int sizes[] = {1, 2, 4, 8};
	int size = sizes[rnd() % 4], op = (int)(rnd() % 9);
	uint64_t m = x86_size_mask(size), a = value() & m, b = value() & m;
	uint64_t cf = rnd() & 1, r;
	c->rflags = 2 | (rnd() & FL_ARITH);
	switch (op) {
	case LF_ADD: r = a + b; break;
	case LF_ADC: r = a + b + cf; break;
	case LF_SUB: r = a - b; break;
	case LF_SBB: r = a - b - cf; break;
	case LF_INC: b = 1; r = a + 1; break;
	case LF_DEC: b = 1; r = a - 1; break;
	case LF_RES: r = a; cf = rnd() & (FL_CF | FL_OF | FL_AF); break;
	default: r = a & b; break;
	}
	if (op == LF_NONE)
		c->lf_op = LF_NONE;
	else
		x86_lf_set(c, op, size, r & m, a, b);
	c->lf_cf_in = cf;
}

START_TEST(cond_try_agrees)
{
	static struct cpu c;
	for (int n = 0; n < 200000; n++) {
		random_flags(&c);
		for (int cc = 0; cc < 16; cc++) {
			int v = x86_cond_try(&c, cc), want = x86_cond(&c, cc);
			ck_assert_msg(v < 0 || v == want,
				      "op %u size %u cc %d: %d, want %d",
				      c.lf_op, c.lf_size, cc, v, want);
		}
	}
}
END_TEST

/* Append `n` little-endian bytes of v. */
static int emit(uint8_t *b, int len, uint64_t v, int n)
{
	for (int k = 0; k < n; k++)
		b[len++] = (uint8_t)(v >> (8 * k));
	return len;
}

/* Opcode shapes: bytes; ModRM.reg extension (-1: any, -2: no ModRM);
 * immediate bytes (-1: Iz by operand size, -2: Iv); how many opcodes
 * follow from the last byte (+r forms, Jcc). */
struct shape {
	uint8_t op[2];
	int nop, ext, imm, vary;
};

static const struct shape shapes[] = {
	{{0x89}, 1, -1, 0, 1}, {{0x8b}, 1, -1, 0, 1}, {{0xc7}, 1, 0, -1, 1},
	{{0xb8}, 1, -2, -2, 8}, {{0x0f, 0xb6}, 2, -1, 0, 1},
	{{0x0f, 0xb7}, 2, -1, 0, 1}, {{0x0f, 0xbe}, 2, -1, 0, 1},
	{{0x63}, 1, -1, 0, 1},
	{{0x01}, 1, -1, 0, 1}, {{0x03}, 1, -1, 0, 1}, {{0x09}, 1, -1, 0, 1},
	{{0x0b}, 1, -1, 0, 1}, {{0x21}, 1, -1, 0, 1}, {{0x23}, 1, -1, 0, 1},
	{{0x29}, 1, -1, 0, 1}, {{0x2b}, 1, -1, 0, 1}, {{0x31}, 1, -1, 0, 1},
	{{0x33}, 1, -1, 0, 1}, {{0x39}, 1, -1, 0, 1}, {{0x3b}, 1, -1, 0, 1},
	{{0x85}, 1, -1, 0, 1}, {{0x05}, 1, -2, -1, 1}, {{0x0d}, 1, -2, -1, 1},
	{{0x25}, 1, -2, -1, 1}, {{0x2d}, 1, -2, -1, 1}, {{0x35}, 1, -2, -1, 1},
	{{0x3d}, 1, -2, -1, 1}, {{0xa9}, 1, -2, -1, 1}, {{0x81}, 1, -1, -1, 1},
	{{0x83}, 1, -1, 1, 1}, {{0xf7}, 1, 0, -1, 1}, {{0xff}, 1, 0, 0, 1},
	{{0xff}, 1, 1, 0, 1}, {{0x0f, 0xaf}, 2, -1, 0, 1},
	{{0x69}, 1, -1, -1, 1}, {{0x6b}, 1, -1, 1, 1}, {{0xc1}, 1, 4, 1, 1},
	{{0xc1}, 1, 5, 1, 1}, {{0xc1}, 1, 7, 1, 1}, {{0xd1}, 1, 4, 0, 1},
	{{0xd1}, 1, 5, 0, 1}, {{0xd1}, 1, 7, 0, 1}, {{0x70}, 1, -2, 1, 16},
	{{0x0f, 0x80}, 2, -2, 4, 16}, {{0xeb}, 1, -2, 1, 1},
	{{0xe9}, 1, -2, 4, 1}, {{0x40}, 1, -2, 0, 16},
	{{0x0f, 0x90}, 2, -1, 0, 16}, {{0x0f, 0x40}, 2, -1, 0, 16},
};

/* A random register-operand encoding of one shape for `bits`-bit code. */
static int encode(const struct shape *s, int bits, uint8_t *b, int *osize)
{
	int len = 0, p66 = rnd() % 4 == 0, w = bits == 64 && rnd() % 2;
	if (p66)
		b[len++] = 0x66;
	*osize = w ? 8 : (bits == 16) != p66 ? 2 : 4;
	if (bits == 64 && (w || rnd() % 2))
		b[len++] = 0x40 | (w ? 8 : 0) | (rnd() & 7);
	for (int k = 0; k < s->nop; k++)
		b[len++] = s->op[k];
	b[len - 1] += rnd() % s->vary;
	if (s->ext != -2)
		b[len++] = 0xc0 | (s->ext >= 0 ? s->ext : (int)(rnd() & 7)) << 3 |
			   (rnd() & 7);
	int imm = s->imm == -1 ? (*osize == 2 ? 2 : 4)
		: s->imm == -2 ? *osize : s->imm;
	uint64_t v = s->op[0] == 0xc1 ? rnd() % 70 : value();
	return emit(b, len, v, imm);
}

static void random_state(struct cpu *c, int bits)
{
	memset(c, 0, sizeof *c);
	for (int r = 0; r < 16; r++)
		c->regs[r] = value();
	random_flags(c);
	c->code_bits = bits;
	c->seg[SEG_CS].limit = 0xffffffff;
	c->rip = bits == 64 ? (rnd() % 3 ? rnd() & 0x7fffffffffffull
					 : 0x7ffffffffff0ull + rnd() % 64)
			    : rnd() & 0xffffffff;
	c->exc_vector = -1;
}

START_TEST(variants_agree)
{
	static const int modes[] = {64, 32, 16};
	static struct cpu a, b;
	int tried = 0;
	for (int n = 0; n < 300000; n++) {
		const struct shape *s = &shapes[rnd() % (sizeof shapes / sizeof shapes[0])];
		int bits = modes[rnd() % 3], osize;
		uint8_t bytes[16];
		struct insn in;
		int len = encode(s, bits, bytes, &osize);
		if (x86_decode(bytes, len, bits, &in) != len)
			continue;
		x86_handler table = x86_opcodes[in.entry].fn;
		if (in.fn == table)
			continue;
		tried++;
		random_state(&a, bits);
		uint64_t mask = bits == 64 ? ~0ull : bits == 32 ? 0xffffffff : 0xffff;
		a.next_rip = (a.rip + in.len) & mask;
		b = a;
		int ra = in.fn(&a, &in), rb = table(&b, &in);
		const char *name = x86_insn_name(&in);
		ck_assert_msg(ra == rb, "%s: status %d, want %d", name, ra, rb);
		ck_assert_msg(a.exc_vector == b.exc_vector, "%s: exception", name);
		if (ra != X86_OK)
			continue;
		for (int r = 0; r < 16; r++)
			ck_assert_msg(a.regs[r] == b.regs[r],
				      "%s (%d-bit, osize %d): reg %d %llx, want %llx",
				      name, bits, osize, r,
				      (unsigned long long)a.regs[r],
				      (unsigned long long)b.regs[r]);
		ck_assert_msg(x86_get_rflags(&a) == x86_get_rflags(&b),
			      "%s: rflags %llx, want %llx", name,
			      (unsigned long long)x86_get_rflags(&a),
			      (unsigned long long)x86_get_rflags(&b));
		ck_assert_msg(a.next_rip == b.next_rip, "%s: next rip", name);
	}
	ck_assert_int_gt(tried, 100000);
}
END_TEST

START_TEST(ea_shapes_agree)
{
	static struct cpu c;
	int seen[EA_KINDS] = {0};
	for (int n = 0; n < 200000; n++) {
		uint8_t b[16];
		int len = 0, mod = (int)(rnd() % 3), rm = (int)(rnd() & 7);
		if (rnd() % 4 == 0)
			b[len++] = (uint8_t[]){0x64, 0x65, 0x2e, 0x36, 0x67}[rnd() % 5];
		b[len++] = 0x48 | (rnd() & 7); /* REX.W, random X and B */
		b[len++] = 0x8b;
		b[len++] = (uint8_t)(mod << 6 | (rnd() & 7) << 3 | rm);
		len = emit(b, len, rnd(), 1 + 4); /* SIB and up to disp32 */
		struct insn in;
		if (x86_decode(b, len, 64, &in) <= 0)
			continue;
		for (int r = 0; r < 16; r++)
			c.regs[r] = rnd();
		c.next_rip = rnd();
		seen[in.ea]++;
		ck_assert_uint_eq(x86_ea_of(&c, &in, in.ea), x86_modrm_ea(&c, &in));
		ck_assert_int_eq(x86_ea_seg(&in, in.ea), in.seg);
	}
	for (int k = 0; k < EA_KINDS; k++)
		ck_assert_int_gt(seen[k], 200);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fast");
	TCase *t = tcase_create("fast");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, cond_try_agrees);
	tcase_add_test(t, variants_agree);
	tcase_add_test(t, ea_shapes_agree);
	suite_add_tcase(s, t);
	return check_run(s);
}
