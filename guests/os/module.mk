# guests/os: the guest OS kernel (see guests/os/README.md).
# The host unit test of its allocators compiles mm/page_alloc.c and
# mm/slab.c into tests/unit/test_buddy.c with OS_HOST_TEST.
$(BUILD)/tests/unit/test_buddy: private CFLAGS += -Iguests/os/include
$(BUILD)/tests/unit/test_buddy: guests/os/mm/page_alloc.c guests/os/mm/slab.c

# The kernel: every .c and .S under arch/, mm/ and kernel/, linked by
# kernel.ld into kernel.elf64 (symbols, for gdb), then flattened into
# kernel.bin, the image to boot (-kernel): its Multiboot header carries the
# load addresses, so no ELF32 container is needed.
OS_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-ffreestanding -nostdlib -nostdinc -fno-builtin -mno-red-zone \
	-mgeneral-regs-only -mcmodel=kernel -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-strict-aliasing -Iguests/os/include -MMD -MP
ifeq ($(CI),true)
OS_CFLAGS += -Werror
endif
OS_SRCS := $(wildcard guests/os/arch/x86/*.c guests/os/arch/x86/*.S \
	guests/os/mm/*.c guests/os/kernel/*.c guests/os/drivers/*.c)
OS_OBJS := $(patsubst guests/os/%,$(BUILD)/guests/os/k/%.o,$(OS_SRCS))
OS_KERNEL := $(BUILD)/guests/os/kernel.bin

$(OS_OBJS): $(BUILD)/guests/os/k/%.o: guests/os/%
	@mkdir -p $(@D)
	$(GUEST_CC) $(OS_CFLAGS) -c $< -o $@

$(BUILD)/guests/os/kernel.elf64: $(OS_OBJS) guests/os/kernel.ld
	$(GUEST_CC) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,-z,max-page-size=4096 \
		-Wl,-z,noexecstack -Wl,--no-warn-rwx-segments -T guests/os/kernel.ld \
		-o $@ $(OS_OBJS) -lgcc

$(OS_KERNEL): $(BUILD)/guests/os/kernel.elf64
	objcopy -O binary $< $@

GUESTS += $(OS_KERNEL)

# `make os-run`: the guest OS with its initrd, init running user/demo.sh;
# OS_RUN_APPEND="script=" gives the interactive shell on the terminal,
# "script=/demo.sh poweroff=0" the script and then the shell (Ctrl-A X
# quits).  Status 1 is init's clean power-off, 0 Ctrl-A X.
OS_RUN_APPEND ?= script=/demo.sh
os-run: all
	@echo "$(BUILD)/mmulab -m 128 -append \"$(OS_RUN_APPEND)\" -initrd $(OS_INITRD) $(OS_KERNEL)"
	@$(BUILD)/mmulab -m 128 -append "$(OS_RUN_APPEND)" -initrd $(OS_INITRD) $(OS_KERNEL); s=$$?; \
	echo "(mmulab exit status $$s)"; [ $$s -le 1 ]
.PHONY: os-run

# `make run` (emu/module.mk) boots the same, with the visualiser's display.
RUN_KERNEL ?= $(OS_KERNEL)
RUN_ARGS ?= -m 128 -initrd $(OS_INITRD) -append '$(OS_RUN_APPEND)'

# The kernel's own test programs (guests/os/tests/sched.c: preemption,
# kill, wait4; vm.c: file mappings, munmap, mprotect, madvise, stack
# growth), alone in initrd-test.cpio, booted by tests/integration/os.sh
# with init=/bin/NAME.  Built with the user library, as the workloads.
OS_TEST_ROOT   := $(BUILD)/guests/os/tests/root
OS_TEST_PROGS  := sched vm
OS_TEST_INITRD := $(BUILD)/guests/os/initrd-test.cpio

$(BUILD)/guests/os/tests/%.o: guests/os/tests/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(OSU_CFLAGS) -c $< -o $@

$(OS_TEST_ROOT)/bin/%: $(BUILD)/guests/os/tests/%.o $(OSU_CRT0) $(OSU_LIBC) guests/os/lib/user.ld
	@mkdir -p $(@D)
	$(GUEST_CC) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $< $(OSU_LIBC) -lgcc

$(OS_TEST_INITRD): $(OSU_MKINITRD) $(OS_TEST_PROGS:%=$(OS_TEST_ROOT)/bin/%)
	cd $(OS_TEST_ROOT) && $(abspath $(OSU_MKINITRD)) -o $(abspath $@) bin $(OS_TEST_PROGS:%=bin/%)

.PRECIOUS: $(BUILD)/guests/os/tests/%.o
GUESTS += $(OS_TEST_INITRD)

# The memory-pressure tier's initrd (tests/integration/osmem.sh, make soak):
# every program of user/, the scripts of tests/mem/ at its root, and
# pagecache.dat, 256 pages of numbered text lines for the pagecache workload.
OS_MEM_ROOT    := $(BUILD)/guests/os/mem-root
OS_MEM_INITRD  := $(BUILD)/guests/os/initrd-mem.cpio
OS_MEM_SCRIPTS := $(wildcard guests/os/tests/mem/*.sh)

$(OS_MEM_INITRD): $(OSU_MKINITRD) $(OSU_BINS) $(OS_MEM_SCRIPTS)
	rm -rf $(OS_MEM_ROOT) && mkdir -p $(OS_MEM_ROOT)/bin
	for p in $(OSU_PROGS); do strip -o $(OS_MEM_ROOT)/bin/$$p $(OSU_DIR)/bin/$$p || exit 1; done
	cp $(OS_MEM_SCRIPTS) $(OS_MEM_ROOT)/
	awk 'BEGIN { for (i = 0; i < 16384; i++) printf "pagecache.dat line %09d %34s\n", i, "" }' \
		>$(OS_MEM_ROOT)/pagecache.dat
	cd $(OS_MEM_ROOT) && $(abspath $(OSU_MKINITRD)) -o $(abspath $@) \
		bin $(OSU_PROGS:%=bin/%) $(notdir $(OS_MEM_SCRIPTS)) pagecache.dat

GUESTS += $(OS_MEM_INITRD)
