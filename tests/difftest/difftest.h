/*
 * tests/difftest/difftest.h — shared between the differential test's
 * harness (run on the host CPU and in mmulab, compare) and its table of
 * instruction forms (which bytes and which inputs each case gets).
 */
#ifndef MMULAB_TESTS_DIFFTEST_H
#define MMULAB_TESTS_DIFFTEST_H

#include <stdint.h>

/* Addresses shared by the host run and the guest (identity-mapped). */
#define DT_DATA 0x10000000ull      /* memory operands and the stack */
#define DT_DATA_SIZE 1024
#define DT_MEM_LO (DT_DATA + 0x100) /* memory operands live here */
#define DT_MEM_HI (DT_DATA + 0x200)
#define DT_STACK (DT_DATA + 0x3c0)  /* initial RSP */
#define DT_CODE 0x10100000ull       /* host prologue */
#define DT_INSN (DT_CODE + 0x100)   /* the instruction under test */

/* Architectural state a case starts from and ends in. */
struct dt_state {
	uint64_t regs[16];
	uint64_t rflags;
	uint8_t mem[DT_DATA_SIZE];
};

/* One generated case. */
struct dt_case {
	uint8_t bytes[32];
	int len;               /* bytes of the snippet (HLT follows) */
	struct dt_state in;
	uint64_t undef;        /* RFLAGS bits the SDM leaves undefined */
	int skip_reg;          /* a register whose result is undefined, or -1 */
	int may_de;            /* DIV/IDIV: #DE allowed (must match) */
};

/* An instruction form: name and a generator for its cases. */
struct dt_form {
	const char *name;
	void (*gen)(const struct dt_form *f, struct dt_case *k);
	const void *arg;
	int size;   /* operand size in bytes */
	int mem;    /* memory form */
};

/* All forms; builds the list on first call. */
const struct dt_form *dt_forms(int *n);

/* Random numbers (xorshift64*), seeded by the harness; dt_rnd(n) is in
 * [0, n); dt_value() is biased towards values where flags change. */
uint64_t dt_rand(void);
void dt_seed(uint64_t s);
int dt_rnd(int n);
uint64_t dt_value(void);

/* Helpers for generators: random registers/flags/memory (RSP = DT_STACK,
 * DF clear), and appending n little-endian bytes of v to the snippet. */
void dt_random_state(struct dt_case *k);
void dt_emit(struct dt_case *k, uint64_t v, int n);

/* Register a form; forms_misc.c adds the forms without a plain ModRM. */
void dt_add_form(const char *name,
		 void (*gen)(const struct dt_form *, struct dt_case *),
		 const void *arg, int size, int mem);
void dt_add_misc_forms(void);

/* RFLAGS bits (as cpu.h; the host side does not include it). */
#define CF (1ull << 0)
#define PF (1ull << 2)
#define AF (1ull << 4)
#define ZF (1ull << 6)
#define SF (1ull << 7)
#define DF (1ull << 10)
#define OF (1ull << 11)
#define ARITH (CF | PF | AF | ZF | SF | OF)

#endif
