/*
 * cpu/x86/x86.h — internal header of the x86 processor: the decoded
 * instruction, the handler signature, and the calls shared between the
 * decoder, the instruction files and the execution loop.
 *
 * Every handler has the signature x86_handler.  It runs with c->rip at the
 * instruction and c->next_rip at the instruction after it; a branch stores
 * its target in c->next_rip.  It returns:
 *   X86_OK    the instruction completed; the loop commits next_rip;
 *   X86_EXC   it raised an exception (x86_raise*), nothing is committed and
 *             the loop delivers it (fault semantics: RIP stays);
 *   X86_STOP  it completed and the loop must return to the machine (HLT,
 *             an I/O write that may have asked the run to end).
 */
#ifndef MMULAB_CPU_X86_X86_H
#define MMULAB_CPU_X86_X86_H

#include <stdint.h>

#include "cpu/x86/cpu.h"

#define WUR __attribute__((warn_unused_result))

enum { X86_OK = 0, X86_EXC = 1, X86_STOP = 2 };

/* Propagate a nonzero status. */
#define TRY(expr)                                                              \
	do {                                                                   \
		int try_rc_ = (expr);                                          \
		if (try_rc_)                                                   \
			return try_rc_;                                        \
	} while (0)

struct insn;
typedef int (*x86_handler)(struct cpu *c, const struct insn *i);

/*
 * Shape of a ModRM memory operand with a 64-bit address size in ES, CS, SS
 * or DS (no segment base in 64-bit mode), for the specialized handlers
 * (fast.h); every other memory operand (16/32-bit addresses, displacement
 * only, FS/GS) and every register operand is EA_ANY.
 */
enum x86_ea_kind {
	EA_ANY,  /* use x86_modrm_ea() */
	EA_B,    /* base + disp */
	EA_BI,   /* base + index << scale + disp */
	EA_I,    /* index << scale + disp */
	EA_RIP,  /* next RIP + disp */
	EA_KINDS
};

/*
 * A decoded instruction: the output of x86_decode(), a pure function of the
 * bytes and the code size.  Everything a handler needs is here, so handlers
 * never look at instruction bytes.  `fn` is the handler the opcode table
 * names, or a specialized variant of it (special.c).
 */
struct insn {
	x86_handler fn;
	uint8_t len;      /* bytes, 1..15 */
	uint8_t opsize;   /* effective operand size in bytes: 2, 4 or 8;
			     1 for byte forms (D_BYTE in opcodes.def) */
	uint8_t addrsize; /* effective address size in bytes: 2, 4 or 8 */
	uint8_t seg;      /* segment of the memory operand (override or default) */
	uint8_t map;      /* 0: one-byte, 1: 0F, 2: 0F38, 3: 0F3A */
	uint8_t opcode;   /* last opcode byte */
	uint8_t modrm_present;
	uint8_t mod;      /* ModRM.mod; 3 means register operand */
	uint8_t reg;      /* ModRM.reg extended by REX.R (0..15) */
	uint8_t rm;       /* ModRM.rm extended by REX.B, when mod == 3; for
			     "+r" opcodes (50+r, B8+r...) the register */
	uint8_t base;     /* base register, or 0xff for none */
	uint8_t index;    /* index register, or 0xff for none */
	uint8_t scale;    /* shift count 0..3 */
	uint8_t rip_rel;  /* RIP-relative (64-bit mode, mod 0 rm 5) */
	uint8_t rex;      /* the REX byte, 0 if absent */
	uint8_t rep;      /* 0, 0xf3 (REP/REPE) or 0xf2 (REPNE) */
	uint8_t lock;     /* LOCK prefix present */
	uint8_t opsize_prefix; /* 0x66 seen */
	uint8_t ea;       /* enum x86_ea_kind */
	int64_t disp;     /* displacement, sign-extended */
	uint64_t imm;     /* first immediate, sign- or zero-extended per form */
	uint64_t imm2;    /* second immediate (ENTER level, far selector) */
	uint16_t entry;   /* index of the matching line in x86_opcodes[] */
};

/* Name of the handler a decoded instruction runs ("op_add_Ev_Gv"). */
const char *x86_insn_name(const struct insn *i);

/*
 * Decode one instruction from `bytes` (at most `avail` of them, up to 15) for
 * a CPU whose code segment has default size `code_bits` (16, 32 or 64).
 * Returns the length (1..15) and fills *out; returns 0 when more bytes are
 * needed than `avail`; returns -1 for an invalid encoding (#UD), with
 * out->len set to the bytes consumed.  Never reads past bytes[avail-1].
 */
int x86_decode(const uint8_t *bytes, int avail, int code_bits,
	       struct insn *out);

/* Raise an exception from a handler; both return X86_EXC. */
int x86_raise(struct cpu *c, int vector) WUR;
int x86_raise_err(struct cpu *c, int vector, uint32_t error) WUR;
/* The same, for code that records an exception without returning at once. */
static inline void x86_pend(struct cpu *c, int vector, int has_error,
			    uint32_t error)
{
	c->exc_vector = vector;
	c->exc_has_error = has_error;
	c->exc_error = error;
}

/*
 * Operand helpers used by the system-instruction files; operand.c (with
 * the decoder) implements the first two.
 *   x86_ea:      offset of the ModRM memory operand, truncated to the
 *                address size (RIP-relative from c->next_rip).
 *   x86_set_reg: write general register `reg` (0..15) with `size` bytes
 *                (2, 4 or 8; 4 zero-extends to 64 bits, 2 keeps the rest).
 */
uint64_t x86_ea(struct cpu *c, const struct insn *i);
void x86_set_reg(struct cpu *c, int reg, int size, uint64_t v);

/* Offset `ea` + `delta` wrapped to the instruction's address size. */
static inline uint64_t x86_ea_add(const struct cpu *c, const struct insn *i,
				  uint64_t ea, int64_t delta)
{
	(void)c;
	uint64_t v = ea + (uint64_t)delta;
	return i->addrsize == 8 ? v : i->addrsize == 4 ? (uint32_t)v : (uint16_t)v;
}

#include "cpu/x86/mem.h"

#endif
