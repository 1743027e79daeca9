# emu: the program.  main.c holds only main(); everything else is library
# code so tests can drive a machine without a process.
EMU_SRCS := emu/main.c
# The visualiser links into the program only (SDL2, libpng): tests that
# use libmmulab.a need neither.
VIZ_SRCS := $(wildcard emu/viz/*.c)
EMU_SRCS += $(VIZ_SRCS)
CFLAGS_emu/viz = $(call pc_cflags,sdl2 libpng)
LIB_SRCS += $(filter-out emu/main.c,$(wildcard emu/*.c))
CFLAGS_emu = $(call pc_cflags,capstone)
EMU_LIBS = $(call pc_libs,capstone sdl2 libpng) -lm

# (prerequisites expand now: name the objects here, not through EMU_OBJS)
$(BUILD)/mmulab: $(EMU_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/libmmulab.a
	$(CC) $(LDFLAGS) -o $@ $^ $(EMU_LIBS)

# The guest `make run` boots, RUN_KERNEL with RUN_ARGS: the guest OS running
# user/demo.sh (set in guests/os/module.mk); `make run
# RUN_KERNEL=$(BUILD)/guests/demo.elf RUN_ARGS=` boots the bare-metal demo.
# isa-debug-exit statuses are (value << 1) | 1: both end with 1 when all
# went well (the OS: init exited with 0), which is success here, not a make
# error.  With a display
# the visualiser's window opens; without one, it writes PNG snapshots.
run: all
	@if [ -n "$$DISPLAY" ]; then disp="-display sdl,hold"; \
	else mkdir -p $(BUILD)/run-png; disp="-display png:$(BUILD)/run-png"; fi; \
	echo "$(BUILD)/mmulab $$disp $(RUN_ARGS) $(RUN_KERNEL)"; \
	$(BUILD)/mmulab $$disp $(RUN_ARGS) $(RUN_KERNEL); s=$$?; \
	echo "(mmulab exit status $$s)"; \
	[ $$s -le 1 ]
