# tests/integration: whole-program tiers.  cli.sh checks mmulab's command
# line, bad-input handling and exit statuses (needs only sh, printf, dd/head),
# and with QEMU installed compares the Multiboot information the probe
# kernel mbprobe.S prints under both.
MBPROBE := $(BUILD)/tests/integration/mbprobe.elf
$(MBPROBE): tests/integration/mbprobe.S
	@mkdir -p $(@D)
	$(CC) -c $< -o $@.o
	ld -m elf_x86_64 -N -e _start -Ttext=0x100000 --build-id=none \
		--no-warn-rwx-segments -o $@.64 $@.o
	objcopy -I elf64-x86-64 -O elf32-i386 $@.64 $@
TESTS += $(MBPROBE)
TIERS += "sh tests/integration/cli.sh $(BUILD)"
# guests.sh boots every guests/tests kernel on mmulab and QEMU (when
# installed) and compares each transcript with guests/tests/NAME.expect.
TIERS += "sh tests/integration/guests.sh $(BUILD)"
# gdb.sh debugs guests/tests/gdbtarget with the real gdb through -S -gdb
# (SKIP without gdb).
TIERS += "sh tests/integration/gdb.sh $(BUILD)"
TIERS += "sh tests/integration/smp.sh $(BUILD)"
# tlbbench.sh: the TLB benchmark kernel with a small N gives the final
# pointer guests/bench/tlbchain.awk predicts, on mmulab and QEMU alike.
TIERS += "sh tests/integration/tlbbench.sh $(BUILD)"
# mmu.sh: the TLB model from the command line: --stats JSON identical with and
# without the fast path, determinism, --tlb tiny, -d mmu, bad --tlb.
TIERS += "sh tests/integration/mmu.sh $(BUILD)"
TIERS += "sh tests/integration/osuser.sh $(BUILD)"
TIERS += "sh tests/integration/os.sh $(BUILD)"
# ossmp.sh: the guest OS on 1, 2 and 4 CPUs (issue 7): threads, PCIDs and
# TLB shootdowns, exact transcripts on mmulab, numbers by smp.awk's
# arithmetic on mmulab and QEMU, a shootdown skipped on purpose detected.
TIERS += "sh tests/integration/ossmp.sh $(BUILD)"
# osmem.sh: the guest OS under memory pressure (issue 8): watermarks,
# overcommit, OOM kills, page cache and swap, by arithmetic on each run.
TIERS += "sh tests/integration/osmem.sh $(BUILD)"
# make soak: over 4 GiB swapped in and out with every word checked.
SOAKS += "sh tests/integration/ossoak.sh $(BUILD)"
# make soak: mmapstorm's 10 million checked reads at -smp 4 (issue 7).
SOAKS += "sh tests/integration/ossmpsoak.sh $(BUILD)"
# viz.sh: the visualiser headless; vizcheck reads its PNGs back (libpng)
# with the geometry of emu/viz/layout.h and the font of emu/viz/font.c.
VIZCHECK := $(BUILD)/tests/integration/vizcheck
$(VIZCHECK): tests/integration/vizcheck.c emu/viz/fb.c emu/viz/font.c emu/viz/layout.h | $(BUILD)/.deps-ok
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(call pc_cflags,libpng) -o $@ $(filter %.c,$^) $(call pc_libs,libpng) $(LDFLAGS)
# vizguest.S speaks only the ownership protocol (process names, frames,
# exit and OOM-kill events), for the event log and legend checks.
VIZGUEST := $(BUILD)/tests/integration/vizguest.elf
$(VIZGUEST): tests/integration/vizguest.S
	@mkdir -p $(@D)
	$(CC) -c $< -o $@.o
	ld -m elf_x86_64 -N -e _start -Ttext=0x100000 --build-id=none \
		--no-warn-rwx-segments -o $@.64 $@.o
	objcopy -I elf64-x86-64 -O elf32-i386 $@.64 $@
# vizsmp.c: two vCPUs, a second address space and IPIs with and without
# flushes in their handlers, for the MMU's map and the shootdown marks;
# it reports shootdowns through the guest OS's own ownership.c.
VIZSMP := $(BUILD)/tests/integration/vizsmp.elf
$(BUILD)/tests/integration/os-ownership.o: guests/os/arch/x86/ownership.c
	@mkdir -p $(@D)
	$(GUEST_CC) $(filter-out -mcmodel=kernel,$(OS_CFLAGS)) -mcmodel=small -c $< -o $@
$(VIZSMP:.elf=.elf64): tests/integration/vizsmp.c $(BUILD)/tests/integration/os-ownership.o \
		$(GUEST_COMMON_OBJS) guests/common/link.ld
	@mkdir -p $(@D)
	$(GUEST_CC) $(GUEST_CFLAGS) $(GUEST_LDFLAGS) -o $@ $< \
		$(BUILD)/tests/integration/os-ownership.o $(GUEST_COMMON_OBJS) -lgcc
$(VIZSMP): $(VIZSMP:.elf=.elf64)
	objcopy -I elf64-x86-64 -O elf32-i386 $< $@
TESTS += $(VIZCHECK) $(VIZGUEST) $(VIZSMP)
TIERS += "sh tests/integration/viz.sh $(BUILD)"
# vizwin.sh: the real window under Xvfb, driven by xdotool (SKIP without).
TIERS += "sh tests/integration/vizwin.sh $(BUILD)"
