# emu: the program.  main.c holds only main(); everything else is library
# code so tests can drive a machine without a process.
EMU_SRCS := emu/main.c
LIB_SRCS += $(filter-out emu/main.c,$(wildcard emu/*.c))
CFLAGS_emu := $(call pc_cflags,capstone)
EMU_LIBS := $(call pc_libs,capstone) -lm

# (prerequisites expand now: name the objects here, not through EMU_OBJS)
$(BUILD)/mmulab: $(EMU_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/libmmulab.a
	$(CC) $(LDFLAGS) -o $@ $^ $(EMU_LIBS)

# The guest `make run` boots (guests/module.mk builds it).
RUN_KERNEL ?= $(BUILD)/guests/demo.elf

run: all
	$(BUILD)/mmulab $(RUN_KERNEL)
