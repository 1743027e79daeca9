/*
 * cpu/x86/special.c — the specialization hook of the decoder.
 *
 * The opcode table (opcodes.def) stays the one source of truth for what
 * each encoding is: the decoder picks its line, reads the operands and
 * stores the line's handler in insn.fn.  Then x86_specialize() asks each
 * file of variants (fast_mov.c, fast_alu.c, fast_alu_mem.c, fast_branch.c,
 * fast_cond.c) whether it has a faster handler for that table handler in
 * this instruction's shape — for example op_mov_Gv_Ev with a 64-bit
 * operand in memory at base + disp becomes op_mov_Gq_Mq_b.  The choice is made once per decode and cached
 * with the decoded instruction; x86_insn_name() still names the table line.
 */
#include "cpu/x86/fast.h"

/* See handlers.h. */
void x86_specialize(struct insn *i, int code_bits)
{
	x86_handler f = x86_fast_mov(i, code_bits);
	if (!f)
		f = x86_fast_alu(i, code_bits);
	if (!f)
		f = x86_fast_alu_mem(i, code_bits);
	if (!f)
		f = x86_fast_branch(i, code_bits);
	if (!f)
		f = x86_fast_cond(i, code_bits);
	if (f)
		i->fn = f;
}
