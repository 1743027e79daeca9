# cpu/x86: library sources, linked into build/libmmulab.a
LIB_SRCS += $(wildcard cpu/x86/*.c)
