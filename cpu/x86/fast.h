/*
 * cpu/x86/fast.h — what the specialized handlers share.
 *
 * opcodes.def says what an encoding is and names the handler that carries
 * it out in every shape.  For the shapes that ordinary compiled code runs
 * most (a 32- or 64-bit operand, a register operand, a 64-bit address of
 * the form base + index*scale + disp), x86_specialize() (special.c) may
 * put a variant of that handler into the decoded instruction: the same
 * semantics with the questions the decoder has already answered taken out
 * (no switch on the operand size, no general effective-address code, no
 * register-or-memory test).  A variant must be indistinguishable from the
 * table's handler in registers, flags, memory and exceptions; the
 * differential test and the guest kernels check both.
 *
 * Variant names extend the manual's notation: d and q for 32- and 64-bit
 * operands, R for a ModRM.rm register, M for memory, I for an immediate
 * already sign-extended by the decoder (op_add_Rq_Gq, op_mov_Gd_Md).
 */
#ifndef MMULAB_CPU_X86_FAST_H
#define MMULAB_CPU_X86_FAST_H

#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

/* Offset of the memory operand for a decoded shape `k` (a constant in each
 * variant); EA_ANY takes the general path. */
static inline uint64_t x86_ea_of(const struct cpu *c, const struct insn *i,
				 int k)
{
	switch (k) {
	case EA_B: return c->regs[i->base] + (uint64_t)i->disp;
	case EA_BI:
		return c->regs[i->base] + (c->regs[i->index] << i->scale) +
		       (uint64_t)i->disp;
	case EA_I: return (c->regs[i->index] << i->scale) + (uint64_t)i->disp;
	case EA_RIP: return c->next_rip + (uint64_t)i->disp;
	default: return x86_modrm_ea(c, i);
	}
}

/* The segment of the memory operand: for the shapes other than EA_ANY the
 * decoder has seen that it is not FS or GS, and saying so (the & 3) lets
 * the compiler drop the segment-base test of the memory fast path. */
static inline int x86_ea_seg(const struct insn *i, int k)
{
	return k == EA_ANY ? i->seg : i->seg & 3;
}

/*
 * One handler per address shape from an inline worker `w(c, i, kind)`:
 * defines the five functions and the table `name[EA_KINDS]` that
 * x86_specialize() indexes with i->ea.
 */
#define EA_VARIANTS(name, w)                                                   \
	static int name##_any(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return w(c, i, EA_ANY);                                        \
	}                                                                      \
	static int name##_b(struct cpu *c, const struct insn *i)               \
	{                                                                      \
		return w(c, i, EA_B);                                          \
	}                                                                      \
	static int name##_bi(struct cpu *c, const struct insn *i)              \
	{                                                                      \
		return w(c, i, EA_BI);                                         \
	}                                                                      \
	static int name##_i(struct cpu *c, const struct insn *i)               \
	{                                                                      \
		return w(c, i, EA_I);                                          \
	}                                                                      \
	static int name##_rip(struct cpu *c, const struct insn *i)             \
	{                                                                      \
		return w(c, i, EA_RIP);                                        \
	}                                                                      \
	static const x86_handler name[EA_KINDS] = {                            \
		name##_any, name##_b, name##_bi, name##_i, name##_rip}

/* The sixteen conditions (SDM vol. 1 appendix B) as X(name, cc), for
 * variants with the condition as a constant. */
#define X86_CONDITIONS(X)                                                      \
	X(o, 0) X(no, 1) X(b, 2) X(ae, 3) X(e, 4) X(ne, 5) X(be, 6) X(a, 7)    \
	X(s, 8) X(ns, 9) X(p, 10) X(np, 11) X(l, 12) X(ge, 13) X(le, 14)       \
	X(g, 15)

/* The ALU operations of the variants (fast_alu.c, fast_alu_mem.c). */
enum { A_ADD, A_OR, A_AND, A_SUB, A_XOR, A_CMP, A_TEST };

/* a op b on `size`-byte operands (4 or 8), flags not yet recorded. */
static inline uint64_t x86_alu_calc(int op, int size, uint64_t a, uint64_t b)
{
	uint64_t m = x86_size_mask(size);
	switch (op) {
	case A_ADD: return (a + b) & m;
	case A_SUB: case A_CMP: return (a - b) & m;
	case A_OR: return (a | b) & m;
	case A_XOR: return (a ^ b) & m;
	default: return a & b & m;
	}
}

/* Record the flags of r = a op b as alu.c does. */
static inline void x86_alu_flags(struct cpu *c, int op, int size, uint64_t r,
				 uint64_t a, uint64_t b)
{
	uint64_t m = x86_size_mask(size);
	if (op == A_ADD || op == A_SUB || op == A_CMP) {
		x86_lf_set(c, op == A_ADD ? LF_ADD : LF_SUB, size, r, a & m,
			   b & m);
		return;
	}
	c->lf_op = LF_LOGIC;
	c->lf_size = size;
	c->lf_res = r;
}

/* a op b, flags recorded. */
static inline uint64_t x86_alu(struct cpu *c, int op, int size, uint64_t a,
			       uint64_t b)
{
	uint64_t r = x86_alu_calc(op, size, a, b);
	x86_alu_flags(c, op, size, r, a, b);
	return r;
}

/* A byte register operand that is not AH/CH/DH/BH. */
static inline int x86_low_byte_reg(const struct insn *i, int r)
{
	return i->rex || (r & 0xc) != 4;
}

/*
 * The choosers, one per file of variants: each returns the variant for a
 * decoded instruction whose table handler it knows, or NULL.
 */
x86_handler x86_fast_mov(const struct insn *i, int code_bits);
x86_handler x86_fast_alu(const struct insn *i, int code_bits);
x86_handler x86_fast_branch(const struct insn *i, int code_bits);
x86_handler x86_fast_cond(const struct insn *i, int code_bits);
x86_handler x86_fast_alu_mem(const struct insn *i, int code_bits);

#endif
