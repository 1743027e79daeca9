# mmu: library sources, linked into build/libmmulab.a
LIB_SRCS += $(wildcard mmu/*.c)
