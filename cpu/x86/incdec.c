/*
 * cpu/x86/incdec.c — INC and DEC (SDM vol. 2 "INC", "DEC"): add or
 * subtract one, every arithmetic flag but CF, which they keep.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

/* Record the flags of src +/- 1 = r; CF is carried over. */
static inline void incdec_flags(struct cpu *c, int dec, int size, uint64_t r,
				uint64_t src)
{
	uint64_t cf = x86_cf(c);
	x86_lf_set(c, dec ? LF_DEC : LF_INC, size, r, src, 1);
	c->lf_cf_in = cf;
}

static inline int incdec_E(struct cpu *c, const struct insn *i, int size,
			   int dec)
{
	uint64_t a, ea = 0;
	TRY(x86_E_rmw_get(c, i, size, &a, &ea));
	uint64_t r = (dec ? a - 1 : a + 1) & x86_size_mask(size);
	TRY(x86_E_rmw_put(c, i, size, ea, r));
	incdec_flags(c, dec, size, r, a);
	return X86_OK;
}

int op_inc_Eb(struct cpu *c, const struct insn *i)
{
	return incdec_E(c, i, 1, 0);
}

int op_dec_Eb(struct cpu *c, const struct insn *i)
{
	return incdec_E(c, i, 1, 1);
}

int op_inc_Ev(struct cpu *c, const struct insn *i)
{
	return incdec_E(c, i, i->opsize, 0);
}

int op_dec_Ev(struct cpu *c, const struct insn *i)
{
	return incdec_E(c, i, i->opsize, 1);
}

/* 40+r / 48+r outside 64-bit mode (there they are REX prefixes). */
int op_inc_Zv(struct cpu *c, const struct insn *i)
{
	return incdec_E(c, i, i->opsize, 0);
}

int op_dec_Zv(struct cpu *c, const struct insn *i)
{
	return incdec_E(c, i, i->opsize, 1);
}
