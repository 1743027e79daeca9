# tests/fuzz: the corpus replay tier of `make test`, and `make fuzz`.
#
#   make fuzz [FUZZ_TIME=600]   libFuzzer (clang, ASan + UBSan) on the
#                               decoder/executor for FUZZ_TIME seconds, on a
#                               work corpus in $(BUILD)/fuzz/corpus seeded
#                               from tests/fuzz/corpus; inputs that add
#                               coverage are then saved back there (at most
#                               FUZZ_KEEP files in all).

FUZZ_TIME ?= 600
FUZZ_KEEP ?= 200
FUZZ_CC   ?= clang
FUZZ_BUILD = $(BUILD)/fuzz
FUZZ_SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer \
	     -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -std=c11 -O1 -g -Wall -Wextra -Wno-unused-parameter \
	      -D_GNU_SOURCE -MMD -MP -I. $(FUZZ_SAN) -fsanitize=fuzzer-no-link

# Replay: every saved input, twice, with the normal CFLAGS (ASan + UBSan
# under `make asan`).
$(BUILD)/tests/fuzz/replay: tests/fuzz/replay.c tests/fuzz/fuzz_machine.c \
		tests/fuzz/fuzz.h $(BUILD)/libmmulab.a | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ tests/fuzz/replay.c tests/fuzz/fuzz_machine.c \
		$(BUILD)/libmmulab.a $(call pc_libs,capstone) $(LDFLAGS)
TESTS += $(BUILD)/tests/fuzz/replay
TIERS += "$(BUILD)/tests/fuzz/replay tests/fuzz/corpus"

# libFuzzer build: the library again, instrumented, in $(BUILD)/fuzz/.
# clang and its runtime (libFuzzer, sanitizers) come from mk/deps.sh.
FUZZ_LIB_OBJS = $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)

$(FUZZ_BUILD)/.deps-ok: mk/deps.sh
	@sh mk/deps.sh clang libclang-rt-14-dev
	@mkdir -p $(@D) && touch $@

$(FUZZ_BUILD)/obj/%.o: %.c | $(BUILD)/.deps-ok $(FUZZ_BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CFLAGS_$(<D)) $(FUZZ_EXTRA) -c $< -o $@

# The decoder scans the opcode table for every instruction it decodes;
# comparison tracing there makes each cold decode ~100 times slower and
# adds nothing the coverage counters do not already show.
$(FUZZ_BUILD)/obj/cpu/x86/decode.o: FUZZ_EXTRA := -fno-sanitize-coverage=trace-cmp

$(FUZZ_BUILD)/libmmulab.a: $(FUZZ_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_exec: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_exec.o \
		$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_machine.o $(FUZZ_BUILD)/libmmulab.a
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $^ $(call pc_libs,capstone)

fuzz: $(FUZZ_BUILD)/fuzz_exec
	@mkdir -p $(FUZZ_BUILD)/corpus
	@cp tests/fuzz/corpus/* $(FUZZ_BUILD)/corpus/ 2>/dev/null || true
	$(FUZZ_BUILD)/fuzz_exec -max_total_time=$(FUZZ_TIME) -max_len=4096 \
		-timeout=20 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_BUILD)/ $(FUZZ_BUILD)/corpus
	sh tests/fuzz/save.sh $(FUZZ_BUILD)/fuzz_exec $(FUZZ_BUILD)/corpus \
		tests/fuzz/corpus $(FUZZ_KEEP)
