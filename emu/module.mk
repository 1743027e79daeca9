# emu: the program.  main.c holds only main(); everything else is library
# code so tests can drive a machine without a process.
EMU_SRCS := emu/main.c
LIB_SRCS += $(filter-out emu/main.c,$(wildcard emu/*.c))
CFLAGS_emu := $(call pc_cflags,capstone)
EMU_LIBS := $(call pc_libs,capstone) -lm

$(BUILD)/mmulab: $(EMU_OBJS) $(BUILD)/libmmulab.a
	$(CC) $(LDFLAGS) -o $@ $^ $(EMU_LIBS)

run: all
	$(BUILD)/mmulab $(RUN_KERNEL)
