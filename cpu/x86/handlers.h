/*
 * cpu/x86/handlers.h — the vocabulary of the opcode table (opcodes.def) and
 * a declaration for every handler it names.  The decoder and the table test
 * include it; instruction files include it to get their own prototypes
 * checked against the table.
 */
#ifndef MMULAB_CPU_X86_HANDLERS_H
#define MMULAB_CPU_X86_HANDLERS_H

#include "cpu/x86/x86.h"

/* Mandatory-prefix classes (see opcodes.def). */
enum { P_ANY, P_NONE, P_66, P_F3, P_F2 };
/* ModRM.mod constraints. */
enum { M_ANY, M_MEM, M_REG };
/* "Any" ModRM.reg / ModRM.rm. */
#define RA 8

/* Decode flags. */
#define D_MODRM (1u << 0)
#define D_IB (1u << 1)
#define D_IBS (1u << 2)
#define D_IW (1u << 3)
#define D_IZ (1u << 4)
#define D_IV (1u << 5)
#define D_JB (1u << 6)
#define D_JZ (1u << 7)
#define D_MOFFS (1u << 8)
#define D_AP (1u << 9)
#define D_IWIB (1u << 10)
#define D_BYTE (1u << 11)
#define D_D64 (1u << 12)
#define D_F64 (1u << 13)
#define D_I64 (1u << 14)
#define D_O64 (1u << 15)
#define D_LOCK (1u << 16)
#define D_CR (1u << 17)

/* One line of the table. */
struct x86_opcode {
	uint8_t map, opcode, prefix, reg, mod, rm;
	uint32_t flags;
	x86_handler fn;
	const char *name;
};

/* The table in source order, and its length. */
extern const struct x86_opcode x86_opcodes[];
extern const int x86_nopcodes;

/*
 * After the table has chosen a line, replace i->fn by a variant specialized
 * for the shape of this instruction (operand size, register or memory
 * operand, address form) when one exists (special.c).  A pure function of
 * the decoded instruction and the code size, like the decoder.
 */
void x86_specialize(struct insn *i, int code_bits);

#define X(map, op, pfx, reg, mod, rm, flags, fn)                               \
	int fn(struct cpu *c, const struct insn *i);
#include "cpu/x86/opcodes.def"
#undef X

#endif
