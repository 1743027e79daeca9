/*
 * tests/fuzz/fuzz.h — one fuzz input run on a fresh small machine, shared
 * by the libFuzzer entry point (fuzz_exec.c) and the corpus replayer
 * (replay.c).
 */
#ifndef MMULAB_TESTS_FUZZ_FUZZ_H
#define MMULAB_TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* What a run ended with: enough to check that two runs of one input agree
 * (mmulab is deterministic, DESIGN.md principle 3). */
struct fuzz_result {
	int stop; /* enum cpu_stop */
	uint64_t icount;
	uint64_t rip;
	uint64_t regs[16];
	uint64_t rflags;
	uint64_t cr0, cr3, cr4, efer;
	uint64_t ram_hash; /* FNV-1a of the first FUZZ_HASH_BYTES of RAM */
};

/* Upper bound on instructions per input. */
#define FUZZ_BUDGET 10000

/*
 * Run `data` as one fuzz input: data[0] chooses the start state (see
 * fuzz_machine.c), the rest is code.  Returns 0 and fills *r (may be NULL),
 * or -1 when the host could not provide the machine's memory.
 */
int fuzz_run_one(const uint8_t *data, size_t size, struct fuzz_result *r);

#endif
