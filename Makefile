# mmulab — hand-written Makefile.  Each folder contributes a fragment
# (*/module.mk) that appends its sources; everything is built under build/.
#
#   make          build/mmulab and every guest image
#   make run      boot the demo guest
#   make test     every test tier; ends with "N passed, N failed, N skipped"
#   make soak     the long-running checks (SOAKS), same output; not in make test
#   make bench    guest MIPS on the benchmark kernel (and QEMU ratio)
#   make asan     the tests under AddressSanitizer + UBSan (build/asan/)
#   make fuzz     libFuzzer on the decoder/executor (clang)
#   make format   clang-format every C file
#   make clean

BUILD   ?= build
CC      ?= gcc
OPT     ?= -O2
PKGS    := sdl2 capstone check
CFLAGS  := -std=c11 $(OPT) -g -Wall -Wextra -Wno-unused-parameter \
	   -D_GNU_SOURCE -MMD -MP -I.
ifeq ($(CI),true)
CFLAGS  += -Werror
endif
SAN_FLAGS :=
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
endif
CFLAGS  += $(SAN_FLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SAN_FLAGS)

# Host libraries are found through pkg-config once the packages are present:
# variables that use these stay recursive (=), so they are expanded when a
# recipe runs, after mk/deps.sh has installed the packages.
pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

.DEFAULT_GOAL := all
.PHONY: all run test soak bench asan fuzz format clean deps deps-test

LIB_SRCS :=
EMU_SRCS :=
GUESTS   :=
TESTS    :=
SOAKS    :=

include mk/deps.mk
include devices/module.mk
include mmu/module.mk
include cpu/x86/module.mk
include firmware/module.mk
include emu/module.mk
include guests/module.mk
include tests/module.mk

LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
EMU_OBJS := $(EMU_SRCS:%.c=$(BUILD)/%.o)

$(BUILD)/libmmulab.a: $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/%.o: %.c | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CFLAGS_$(<D)) -c $< -o $@

all: $(BUILD)/mmulab $(GUESTS)

# Each piece adds a command printing PASS/FAIL/SKIP lines: SOAKS += "sh ...".
soak: all $(TESTS) $(BUILD)/.deps-test-ok
	@sh tests/run.sh $(SOAKS)

asan:
	$(MAKE) BUILD=build/asan SAN=1 OPT=-O1 test

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
