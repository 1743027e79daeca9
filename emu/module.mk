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

# The guest `make run` boots (guests/module.mk builds it).
RUN_KERNEL ?= $(BUILD)/guests/demo.elf

# isa-debug-exit statuses are (value << 1) | 1: the demo ends with 1 when
# all went well, which is success here, not a make error.  With a display
# the visualiser's window opens; without one, it writes PNG snapshots.
run: all
	@if [ -n "$$DISPLAY" ]; then disp="-display sdl"; \
	else mkdir -p $(BUILD)/run-png; disp="-display png:$(BUILD)/run-png"; fi; \
	echo "$(BUILD)/mmulab $$disp $(RUN_ARGS) $(RUN_KERNEL)"; \
	$(BUILD)/mmulab $$disp $(RUN_ARGS) $(RUN_KERNEL); s=$$?; \
	echo "(mmulab exit status $$s)"; \
	[ $$s -eq 1 ]
