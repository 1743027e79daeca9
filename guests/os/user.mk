# guests/os/user.mk: the guest OS's user side — the user C library (lib/),
# the workload programs (user/) and the initrd that carries them (tools/).
# Included from guests/module.mk.  Everything lands under $(BUILD)/guests/os/:
#   lib/libc.a, lib/crt0.o      the user C library
#   bin/NAME                    one static ELF64 executable per user/NAME.c
#   initrd/                     the archive's tree (stripped programs, scripts)
#   initrd.cpio                 cpio "newc", passed to the kernel with -initrd
#   tools/mkinitrd              the host tool that writes (and lists) it
# The programs follow the Linux x86-64 ABI (syscall numbers, entry stack), so
# they also run on the host Linux: tests/integration/osuser.sh does that.
OSU_DIR    := $(BUILD)/guests/os
OSU_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Wno-unused-parameter \
	-ffreestanding -nostdlib -nostdinc \
	-isystem $(shell $(GUEST_CC) -print-file-name=include) \
	-Iguests/os/lib/include -mgeneral-regs-only -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables \
	-fcf-protection=none -fno-tree-loop-distribute-patterns -MMD -MP
ifeq ($(CI),true)
OSU_CFLAGS += -Werror
endif
OSU_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096 -Wl,-z,noexecstack -T guests/os/lib/user.ld

OSU_LIB_SRCS := $(filter-out guests/os/lib/crt0.S,$(wildcard guests/os/lib/*.c))
OSU_LIB_OBJS := $(OSU_LIB_SRCS:guests/os/lib/%.c=$(OSU_DIR)/lib/%.o)
OSU_CRT0     := $(OSU_DIR)/lib/crt0.o
OSU_LIBC     := $(OSU_DIR)/lib/libc.a
OSU_PROGS    := $(patsubst guests/os/user/%.c,%,$(wildcard guests/os/user/*.c))
OSU_BINS     := $(OSU_PROGS:%=$(OSU_DIR)/bin/%)
# OS_INITRD_EXTRA: more files for the archive's root (e.g. the kernel's test
# scripts); set it before this file is included.
OSU_SCRIPTS  := $(wildcard guests/os/user/*.sh) $(OS_INITRD_EXTRA)
OSU_MKINITRD := $(OSU_DIR)/tools/mkinitrd
OS_INITRD    := $(OSU_DIR)/initrd.cpio

$(OSU_DIR)/lib/%.o: guests/os/lib/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(OSU_CFLAGS) -c $< -o $@

$(OSU_CRT0): guests/os/lib/crt0.S
	@mkdir -p $(@D)
	$(GUEST_CC) $(OSU_CFLAGS) -c $< -o $@

$(OSU_LIBC): $(OSU_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

$(OSU_DIR)/user/%.o: guests/os/user/%.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(OSU_CFLAGS) -c $< -o $@

$(OSU_DIR)/bin/%: $(OSU_DIR)/user/%.o $(OSU_CRT0) $(OSU_LIBC) guests/os/lib/user.ld
	@mkdir -p $(@D)
	$(GUEST_CC) $(OSU_LDFLAGS) -o $@ $(OSU_CRT0) $< $(OSU_LIBC) -lgcc

# The host tool: one file, built straight from source (no pattern rule).
$(OSU_MKINITRD): guests/os/tools/mkinitrd.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $<

# The archive holds bin/NAME (stripped) and the scripts at its root.
$(OS_INITRD): $(OSU_MKINITRD) $(OSU_BINS) $(OSU_SCRIPTS)
	rm -rf $(OSU_DIR)/initrd && mkdir -p $(OSU_DIR)/initrd/bin
	for p in $(OSU_PROGS); do strip -o $(OSU_DIR)/initrd/bin/$$p $(OSU_DIR)/bin/$$p || exit 1; done
	cp $(OSU_SCRIPTS) $(OSU_DIR)/initrd/
	cd $(OSU_DIR)/initrd && $(abspath $(OSU_MKINITRD)) -o ../initrd.cpio \
		bin $(OSU_PROGS:%=bin/%) $(notdir $(OSU_SCRIPTS))

.PRECIOUS: $(OSU_DIR)/user/%.o
GUESTS += $(OS_INITRD)
os-initrd: $(OS_INITRD)
.PHONY: os-initrd
