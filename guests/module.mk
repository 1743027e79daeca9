# guests: freestanding bare-metal programs that run inside mmulab (and QEMU).
# They are built with the host gcc but never with the host CFLAGS: no libc,
# no sanitizers, no red zone, no SSE.  Each image is linked as 64-bit code at
# 1 MiB and converted to an ELF32 container, which Multiboot v1 loaders
# (QEMU's -kernel among them) accept; the .elf64 beside it is for gdb/objdump.
GUEST_CC      ?= gcc
GUEST_CFLAGS  := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-ffreestanding -nostdlib -nostdinc -fno-builtin -mno-red-zone \
	-mgeneral-regs-only -mcmodel=small -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-strict-aliasing -Iguests/common -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -Wl,--no-warn-rwx-segments \
	-T guests/common/link.ld

GUEST_COMMON_SRCS := $(wildcard guests/common/*.c guests/common/*.S)
GUEST_COMMON_OBJS := $(patsubst %,$(BUILD)/%.o,$(GUEST_COMMON_SRCS))

# One image per test, plus the benchmark and the demo.
GUEST_TESTS := $(patsubst guests/tests/%.c,%,$(wildcard guests/tests/*.c))
GUEST_IMAGES := $(GUEST_TESTS:%=$(BUILD)/guests/tests/%.elf) \
	$(BUILD)/guests/bench/bench.elf $(BUILD)/guests/bench/tlbbench.elf \
	$(BUILD)/guests/demo.elf
GUESTS += $(GUEST_IMAGES)

$(BUILD)/guests/%.c.o: guests/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -c $< -o $@

$(BUILD)/guests/%.S.o: guests/%.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -c $< -o $@

$(BUILD)/guests/%.elf64: $(BUILD)/guests/%.c.o $(GUEST_COMMON_OBJS) guests/common/link.ld
	$(GUEST_CC) $(GUEST_LDFLAGS) -o $@ $(filter %.o,$^) -lgcc

$(BUILD)/guests/%.elf: $(BUILD)/guests/%.elf64
	objcopy -I elf64-x86-64 -O elf32-i386 $< $@

.PRECIOUS: $(BUILD)/guests/%.elf64 $(BUILD)/guests/%.c.o $(BUILD)/guests/%.S.o

guests: $(GUEST_IMAGES)
.PHONY: guests

# make bench [BENCH_ITERS=N] [TLBBENCH_ACCESSES=N]: guest MIPS on the
# benchmark kernel and the QEMU ratio, then ns per access of the TLB-bound
# pointer chase (tlbbench).
BENCH_ITERS ?= 24
TLBBENCH_ACCESSES ?= 8388608
bench: $(BUILD)/mmulab $(BUILD)/guests/bench/bench.elf $(BUILD)/guests/bench/tlbbench.elf
	@sh guests/bench/bench.sh $(BUILD) $(BENCH_ITERS)
	@sh guests/bench/tlbbench.sh $(BUILD) $(TLBBENCH_ACCESSES)
include guests/os/user.mk
include guests/os/module.mk
