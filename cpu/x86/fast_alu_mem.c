/*
 * cpu/x86/fast_alu_mem.c — specialized variants of the ALU handlers of
 * alu.c (ADD, OR, AND, SUB, XOR, CMP, TEST) with a 32- or 64-bit memory
 * operand, one per address shape (see fast.h for the rules every variant
 * follows).  As in alu.c, a read-modify-write checks write access on the
 * load, and stores before recording the flags, so a faulting store leaves
 * the flags as they were.
 */
#include "cpu/x86/fast.h"

/* [M] op= v; CMP and TEST only read. */
static inline int alu_M(struct cpu *c, const struct insn *i, int k, int op,
			int size, uint64_t v)
{
	uint64_t a, ea = x86_ea_of(c, i, k);
	int seg = x86_ea_seg(i, k);
	if (op == A_CMP || op == A_TEST) {
		TRY(x86_read(c, seg, ea, size, &a));
		x86_alu(c, op, size, a, v);
		return X86_OK;
	}
	TRY(x86_read_rmw(c, seg, ea, size, &a));
	uint64_t r = x86_alu_calc(op, size, a, v);
	TRY(x86_write(c, seg, ea, size, r));
	x86_alu_flags(c, op, size, r, a, v);
	return X86_OK;
}

/* G op= [M]. */
static inline int alu_G(struct cpu *c, const struct insn *i, int k, int op,
			int size)
{
	uint64_t v;
	TRY(x86_read(c, x86_ea_seg(i, k), x86_ea_of(c, i, k), size, &v));
	uint64_t r = x86_alu(c, op, size, c->regs[i->reg], v);
	if (op != A_CMP)
		c->regs[i->reg] = r;
	return X86_OK;
}

/* [M] op= G and [M] op= imm, in both sizes. */
#define ALU_M_VARIANTS(name, OP)                                               \
	static inline int name##_Mq_Gq(struct cpu *c, const struct insn *i,    \
				       int k)                                  \
	{                                                                      \
		return alu_M(c, i, k, OP, 8, c->regs[i->reg]);                 \
	}                                                                      \
	static inline int name##_Md_Gd(struct cpu *c, const struct insn *i,    \
				       int k)                                  \
	{                                                                      \
		return alu_M(c, i, k, OP, 4, c->regs[i->reg]);                 \
	}                                                                      \
	static inline int name##_Mq_I(struct cpu *c, const struct insn *i,     \
				      int k)                                   \
	{                                                                      \
		return alu_M(c, i, k, OP, 8, i->imm);                          \
	}                                                                      \
	static inline int name##_Md_I(struct cpu *c, const struct insn *i,     \
				      int k)                                   \
	{                                                                      \
		return alu_M(c, i, k, OP, 4, i->imm);                          \
	}                                                                      \
	EA_VARIANTS(op_##name##_Mq_Gq, name##_Mq_Gq);                          \
	EA_VARIANTS(op_##name##_Md_Gd, name##_Md_Gd);                          \
	EA_VARIANTS(op_##name##_Mq_I, name##_Mq_I);                            \
	EA_VARIANTS(op_##name##_Md_I, name##_Md_I)

/* G op= [M], in both sizes. */
#define ALU_G_VARIANTS(name, OP)                                               \
	static inline int name##_Gq_Mq(struct cpu *c, const struct insn *i,    \
				       int k)                                  \
	{                                                                      \
		return alu_G(c, i, k, OP, 8);                                  \
	}                                                                      \
	static inline int name##_Gd_Md(struct cpu *c, const struct insn *i,    \
				       int k)                                  \
	{                                                                      \
		return alu_G(c, i, k, OP, 4);                                  \
	}                                                                      \
	EA_VARIANTS(op_##name##_Gq_Mq, name##_Gq_Mq);                          \
	EA_VARIANTS(op_##name##_Gd_Md, name##_Gd_Md)

ALU_M_VARIANTS(add, A_ADD);
ALU_M_VARIANTS(or, A_OR);
ALU_M_VARIANTS(and, A_AND);
ALU_M_VARIANTS(sub, A_SUB);
ALU_M_VARIANTS(xor, A_XOR);
ALU_M_VARIANTS(cmp, A_CMP);
ALU_M_VARIANTS(test, A_TEST);
ALU_G_VARIANTS(add, A_ADD);
ALU_G_VARIANTS(or, A_OR);
ALU_G_VARIANTS(and, A_AND);
ALU_G_VARIANTS(sub, A_SUB);
ALU_G_VARIANTS(xor, A_XOR);
ALU_G_VARIANTS(cmp, A_CMP);

/* The table's handlers of one operation and their memory variants (by
 * operand size: [0] 64-bit, [1] 32-bit). */
struct alu_mem_forms {
	x86_handler Ev_Gv, Gv_Ev, Ev_Iz, Ev_Ib;
	const x86_handler *mg[2], *gm[2], *mi[2];
};

#define FORMS(n)                                                               \
	{op_##n##_Ev_Gv, op_##n##_Gv_Ev, op_##n##_Ev_Iz, op_##n##_Ev_Ib,       \
	 {op_##n##_Mq_Gq, op_##n##_Md_Gd}, {op_##n##_Gq_Mq, op_##n##_Gd_Md},   \
	 {op_##n##_Mq_I, op_##n##_Md_I}}

static const struct alu_mem_forms forms[] = {
	FORMS(add), FORMS(or), FORMS(and), FORMS(sub), FORMS(xor), FORMS(cmp),
	{op_test_Ev_Gv, NULL, op_test_Ev_Iz, NULL,
	 {op_test_Mq_Gq, op_test_Md_Gd}, {NULL, NULL},
	 {op_test_Mq_I, op_test_Md_I}},
};

/* See fast.h. */
x86_handler x86_fast_alu_mem(const struct insn *i, int code_bits)
{
	x86_handler f = i->fn;
	(void)code_bits;
	if (i->mod == 3 || (i->opsize != 4 && i->opsize != 8))
		return NULL;
	int d = i->opsize == 4;
	for (unsigned k = 0; k < sizeof forms / sizeof forms[0]; k++) {
		const struct alu_mem_forms *a = &forms[k];
		if (f == a->Ev_Gv)
			return a->mg[d][i->ea];
		if (a->Gv_Ev && f == a->Gv_Ev)
			return a->gm[d][i->ea];
		if (f == a->Ev_Iz || (a->Ev_Ib && f == a->Ev_Ib))
			return a->mi[d][i->ea];
	}
	return NULL;
}
