# firmware: library sources, linked into build/libmmulab.a
LIB_SRCS += $(wildcard firmware/*.c)
