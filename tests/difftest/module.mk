# tests/difftest: mmulab's integer instructions against the host CPU.
#   make difftest            one million random cases
#   make difftest N=5000000  more (SEED=... to change the seed)
DIFFTEST_SRCS := $(wildcard tests/difftest/*.c)
DIFFTEST_OBJS := $(DIFFTEST_SRCS:%.c=$(BUILD)/%.o)
DIFFTEST := $(BUILD)/tests/difftest/difftest

$(DIFFTEST): $(DIFFTEST_OBJS) $(BUILD)/libmmulab.a
	@mkdir -p $(@D)
	$(CC) -o $@ $(DIFFTEST_OBJS) $(BUILD)/libmmulab.a $(call pc_libs,capstone) $(LDFLAGS)

TESTS += $(DIFFTEST)
TIERS += "$(DIFFTEST) --cases 1000000"

N ?= 1000000
SEED ?= 20240601
.PHONY: difftest
difftest: $(DIFFTEST)
	$(DIFFTEST) --cases $(N) --seed $(SEED)
