# tests: host-side test programs and the tier list `make test` runs.
# Each tier is one shell command printing PASS/FAIL/SKIP lines (tests/run.sh).
CHECK_CFLAGS = $(call pc_cflags,check)
CHECK_LIBS   = $(call pc_libs,check)

# Unit tests: one check program per tests/unit/test_*.c.
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
$(BUILD)/tests/unit/%: tests/unit/%.c $(BUILD)/libmmulab.a | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CHECK_CFLAGS) -o $@ $< $(BUILD)/libmmulab.a $(CHECK_LIBS) $(LDFLAGS)
TESTS += $(UNIT_BINS)
TIERS += "sh tests/unit/run.sh $(BUILD)"

-include tests/difftest/module.mk
-include tests/integration/module.mk
-include tests/fuzz/module.mk

test: all $(TESTS) $(BUILD)/.deps-test-ok
	@sh tests/run.sh $(TIERS)
