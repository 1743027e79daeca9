/*
 * tests/fuzz/fuzz_exec.c — libFuzzer entry point for the decoder and
 * executor: every input runs on a fresh machine (fuzz_machine.c).  Built
 * with clang -fsanitize=fuzzer,address,undefined by `make fuzz`.
 */
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_run_one(data, size, NULL);
	return 0;
}
