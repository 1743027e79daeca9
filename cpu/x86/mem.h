/*
 * cpu/x86/mem.h — how instructions reach memory: segmentation, then the MMU.
 *
 * Every access names a segment register and an offset (already truncated to
 * the address size by the caller).  The inline fast path covers 64-bit mode
 * accesses that hit the MMU's host-pointer cache; everything else takes the
 * slow path in mem.c: segment limit and type checks (#GP / #SS), canonical
 * checks, translation (#PF), page-straddling accesses (both pages checked
 * before either is written), MMIO, and self-modifying-code detection.
 *
 * All functions return X86_OK or X86_EXC (exception recorded in the CPU).
 */
#ifndef MMULAB_CPU_X86_MEM_H
#define MMULAB_CPU_X86_MEM_H

#include <string.h>

#include "cpu/x86/x86.h"

int x86_read_slow(struct cpu *c, int seg, uint64_t off, int size, uint64_t *v,
		  int access) WUR;
int x86_write_slow(struct cpu *c, int seg, uint64_t off, int size,
		   uint64_t v) WUR;

/* Bits 63:47 (63:56 with 5-level paging) all equal (SDM vol. 1
 * §3.3.7.1). */
static inline int x86_canonical(const struct cpu *c, uint64_t a)
{
	int sh = (c->cr4 & CR4_LA57) ? 64 - 57 : 64 - 48;
	return (uint64_t)((int64_t)(a << sh) >> sh) == a;
}

/* Load/store `size` bytes at a host pointer; constant sizes fold. */
static inline uint64_t x86_host_ld(const uint8_t *p, int size)
{
	switch (size) {
	case 1: return *p;
	case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
	case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
	default: { uint64_t v; memcpy(&v, p, 8); return v; }
	}
}

static inline void x86_host_st(uint8_t *p, int size, uint64_t v)
{
	switch (size) {
	case 1: *p = (uint8_t)v; break;
	case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
	case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
	default: memcpy(p, &v, 8); break;
	}
}

static inline int x86_user(const struct cpu *c)
{
	return c->cpl == 3;
}

/* Linear address of seg:off in 64-bit mode (only FS and GS have a base). */
static inline uint64_t x86_la64(const struct cpu *c, int seg, uint64_t off)
{
	return seg >= SEG_FS && seg != SEG_NONE ? off + c->seg[seg].base : off;
}

/* Load `size` (1, 2, 4, 8) bytes, zero-extended. */
static inline WUR int x86_read(struct cpu *c, int seg, uint64_t off, int size,
			       uint64_t *v)
{
	if (__builtin_expect(c->code_bits == 64, 1)) {
		uint8_t *p = mmu_hp_lookup(&c->mmu, x86_la64(c, seg, off),
					   MMU_READ, x86_user(c), size);
		if (p) {
			*v = x86_host_ld(p, size);
			return 0;
		}
	}
	return x86_read_slow(c, seg, off, size, v, MMU_READ);
}

/* Load for a read-modify-write: faults as a write would (SDM: the #PF error
 * code of a locked or RMW access has W set). */
static inline WUR int x86_read_rmw(struct cpu *c, int seg, uint64_t off,
				   int size, uint64_t *v)
{
	if (__builtin_expect(c->code_bits == 64, 1)) {
		uint8_t *p = mmu_hp_lookup(&c->mmu, x86_la64(c, seg, off),
					   MMU_WRITE, x86_user(c), size);
		if (p) {
			*v = x86_host_ld(p, size);
			return 0;
		}
	}
	return x86_read_slow(c, seg, off, size, v, MMU_WRITE);
}

/* Store the low `size` bytes of v. */
static inline WUR int x86_write(struct cpu *c, int seg, uint64_t off, int size,
				uint64_t v)
{
	if (__builtin_expect(c->code_bits == 64, 1)) {
		uint8_t *p = mmu_hp_lookup(&c->mmu, x86_la64(c, seg, off),
					   MMU_WRITE, x86_user(c), size);
		if (p) {
			x86_host_st(p, size, v);
			return 0;
		}
	}
	return x86_write_slow(c, seg, off, size, v);
}

/* 16-byte accesses (CMPXCHG16B): two 8-byte halves, checked together. */
int x86_read16(struct cpu *c, int seg, uint64_t off, uint64_t v[2], int access) WUR;
int x86_write16(struct cpu *c, int seg, uint64_t off, const uint64_t v[2]) WUR;

/* Stack: push/pop `size` bytes (2, 4, 8) with the stack-address size of SS
 * (or 64 bits in 64-bit mode).  x86_pop leaves RSP unchanged on a fault. */
int x86_push(struct cpu *c, int size, uint64_t v) WUR;
int x86_pop(struct cpu *c, int size, uint64_t *v) WUR;
/* Stack-address-size mask: 0xffff, 0xffffffff or all ones. */
uint64_t x86_stack_mask(const struct cpu *c);

/* Implicit supervisor accesses by linear address (descriptor tables, TSS,
 * IDT): privilege checks as at CPL 0. */
int x86_read_sys(struct cpu *c, uint64_t la, int size, uint64_t *v) WUR;
int x86_write_sys(struct cpu *c, uint64_t la, int size, uint64_t v) WUR;

/* Copy up to `n` instruction bytes at CS:RIP into buf (stops at the first
 * page that does not translate, after at least one byte).  Returns the count,
 * or raises (#PF, #GP on CS limit) and returns -1 when not even the first
 * byte can be fetched.  *pa receives the physical address of the first. */
int x86_fetch(struct cpu *c, uint64_t rip, uint8_t *buf, int n, uint64_t *pa);

#endif
