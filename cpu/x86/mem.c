/*
 * cpu/x86/mem.c — the slow path of every memory access: segmentation checks
 * (SDM vol. 3 §5.3 limit checking, §5.4 type checking), canonical-address
 * checks in 64-bit mode (§3.3.7.1), translation through the MMU, accesses
 * that straddle a page boundary, MMIO, and the stack helpers.
 */
#include "cpu/x86/x86.h"

#include "cpu/x86/system.h"

/* #SS(0) for stack-segment accesses, #GP(0) for the others. */
static int seg_fault(struct cpu *c, int seg)
{
	return x86_raise_err(c, seg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

/*
 * Segment part of an access: linear address of seg:off for `size` bytes,
 * with the limit and type checks of the current mode.  `access` is
 * MMU_READ, MMU_WRITE or MMU_EXEC.
 */
static int seg_linear(struct cpu *c, int seg, uint64_t off, int size,
		      int access, uint64_t *la)
{
	if (c->code_bits == 64) {
		uint64_t a = x86_la64(c, seg, off);
		if (!x86_canonical(c, a) || !x86_canonical(c, a + size - 1))
			return seg_fault(c, seg);
		*la = a;
		return X86_OK;
	}
	if (seg == SEG_NONE) { /* linear already (not used in 32-bit paths) */
		*la = off & 0xffffffffull;
		return X86_OK;
	}
	const struct x86_seg *s = &c->seg[seg];
	if (!x86_real(c)) {
		if (s->attr & SEG_ATTR_UNUSABLE)
			return seg_fault(c, seg);
		unsigned type = s->attr & SEG_ATTR_TYPE;
		int code = (s->attr & SEG_ATTR_S) && (type & 8);
		if (access == MMU_WRITE && (code || !(type & 2)))
			return seg_fault(c, seg);
		if (access == MMU_READ && code && !(type & 2))
			return seg_fault(c, seg);
		uint64_t last = off + size - 1;
		if (!code && (type & 4)) {
			/* Expand-down: valid offsets are limit+1 .. 0xffff or
			 * 0xffffffff by the B flag. */
			uint64_t top = (s->attr & SEG_ATTR_DB) ? 0xffffffffull : 0xffff;
			if (off <= s->limit || last > top)
				return seg_fault(c, seg);
		} else if (last > s->limit) {
			return seg_fault(c, seg);
		}
	} else if (off + size - 1 > s->limit) {
		return seg_fault(c, seg);
	}
	*la = (s->base + off) & 0xffffffffull;
	return X86_OK;
}

/* Translate one linear address; on failure record #PF (CR2 and error). */
static int xlate(struct cpu *c, uint64_t la, int access, uint64_t *pa)
{
	struct mmu_fault f;
	if (mmu_translate(&c->mmu, la, access, pa, &f) == 0)
		return X86_OK;
	c->cr2 = f.addr;
	return x86_raise_err(c, f.vector, f.error);
}

/*
 * Physical addresses of the bytes of an access: pa0 for the part in the
 * first page, pa1 for the rest (only when it straddles).  Both pages are
 * translated, and so checked, before anything is read or written.
 */
static int xlate_span(struct cpu *c, uint64_t la, int size, int access,
		      uint64_t *pa0, uint64_t *pa1, int *n0)
{
	int first = 4096 - (int)(la & 0xfff);
	TRY(xlate(c, la, access, pa0));
	if (first >= size) {
		*n0 = size;
		return X86_OK;
	}
	*n0 = first;
	uint64_t la1 = la + first;
	if (c->code_bits != 64)
		la1 &= 0xffffffffull;
	return xlate(c, la1, access, pa1);
}

static uint64_t phys_read_bytes(struct cpu *c, uint64_t pa, int n)
{
	if (n == 1 || n == 2 || n == 4 || n == 8)
		if ((pa & 0xfff) + n <= 4096 && !(pa & (n - 1)))
			return bus_phys_read(c->bus, pa, n);
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v |= bus_phys_read(c->bus, pa + i, 1) << (8 * i);
	return v;
}

static void phys_write_bytes(struct cpu *c, uint64_t pa, int n, uint64_t v)
{
	if (n == 1 || n == 2 || n == 4 || n == 8)
		if ((pa & 0xfff) + n <= 4096 && !(pa & (n - 1))) {
			bus_phys_write(c->bus, pa, n, v);
			return;
		}
	for (int i = 0; i < n; i++)
		bus_phys_write(c->bus, pa + i, 1, (v >> (8 * i)) & 0xff);
}

static int read_linear(struct cpu *c, uint64_t la, int size, uint64_t *v,
		       int access)
{
	uint64_t pa0, pa1 = 0;
	int n0;
	TRY(xlate_span(c, la, size, access, &pa0, &pa1, &n0));
	uint64_t x = phys_read_bytes(c, pa0, n0);
	if (n0 < size)
		x |= phys_read_bytes(c, pa1, size - n0) << (8 * n0);
	*v = x;
	return X86_OK;
}

static int write_linear(struct cpu *c, uint64_t la, int size, uint64_t v,
			int access)
{
	uint64_t pa0, pa1 = 0;
	int n0;
	TRY(xlate_span(c, la, size, access, &pa0, &pa1, &n0));
	phys_write_bytes(c, pa0, n0, v);
	if (n0 < size)
		phys_write_bytes(c, pa1, size - n0, v >> (8 * n0));
	return X86_OK;
}

int x86_read_slow(struct cpu *c, int seg, uint64_t off, int size, uint64_t *v,
		  int access)
{
	uint64_t la;
	TRY(seg_linear(c, seg, off, size, access, &la));
	return read_linear(c, la, size, v, access);
}

int x86_write_slow(struct cpu *c, int seg, uint64_t off, int size, uint64_t v)
{
	uint64_t la;
	TRY(seg_linear(c, seg, off, size, MMU_WRITE, &la));
	return write_linear(c, la, size, v, MMU_WRITE);
}

int x86_read16(struct cpu *c, int seg, uint64_t off, uint64_t v[2], int access)
{
	uint64_t la, pa0, pa1 = 0;
	int n0;
	TRY(seg_linear(c, seg, off, 16, access, &la));
	TRY(xlate_span(c, la, 16, access, &pa0, &pa1, &n0));
	uint8_t buf[16];
	for (int i = 0; i < 16; i++)
		buf[i] = (uint8_t)bus_phys_read(c->bus, i < n0 ? pa0 + i : pa1 + i - n0, 1);
	memcpy(v, buf, 16);
	return X86_OK;
}

int x86_write16(struct cpu *c, int seg, uint64_t off, const uint64_t v[2])
{
	uint64_t la, pa0, pa1 = 0;
	int n0;
	TRY(seg_linear(c, seg, off, 16, MMU_WRITE, &la));
	TRY(xlate_span(c, la, 16, MMU_WRITE, &pa0, &pa1, &n0));
	uint8_t buf[16];
	memcpy(buf, v, 16);
	for (int i = 0; i < 16; i++)
		bus_phys_write(c->bus, i < n0 ? pa0 + i : pa1 + i - n0, 1, buf[i]);
	return X86_OK;
}

uint64_t x86_stack_mask(const struct cpu *c)
{
	if (c->code_bits == 64)
		return ~0ull;
	return (c->seg[SEG_SS].attr & SEG_ATTR_DB) ? 0xffffffffull : 0xffffull;
}

/* Write RSP keeping the bits above the stack-address size. */
static void set_sp(struct cpu *c, uint64_t sp)
{
	uint64_t m = x86_stack_mask(c);
	c->regs[R_RSP] = (c->regs[R_RSP] & ~m) | (sp & m);
}

int x86_push(struct cpu *c, int size, uint64_t v)
{
	uint64_t m = x86_stack_mask(c);
	uint64_t sp = (c->regs[R_RSP] - size) & m;
	TRY(x86_write(c, SEG_SS, sp, size, v));
	set_sp(c, sp);
	return X86_OK;
}

int x86_pop(struct cpu *c, int size, uint64_t *v)
{
	uint64_t m = x86_stack_mask(c);
	uint64_t sp = c->regs[R_RSP] & m;
	TRY(x86_read(c, SEG_SS, sp, size, v));
	set_sp(c, sp + size);
	return X86_OK;
}

int x86_read_sys(struct cpu *c, uint64_t la, int size, uint64_t *v)
{
	if (c->code_bits == 64 && !x86_canonical(c, la))
		return x86_raise_err(c, EXC_GP, 0);
	if (c->code_bits != 64)
		la &= 0xffffffffull;
	return read_linear(c, la, size, v, MMU_READ | MMU_SUPER);
}

int x86_write_sys(struct cpu *c, uint64_t la, int size, uint64_t v)
{
	if (c->code_bits == 64 && !x86_canonical(c, la))
		return x86_raise_err(c, EXC_GP, 0);
	if (c->code_bits != 64)
		la &= 0xffffffffull;
	return write_linear(c, la, size, v, MMU_WRITE | MMU_SUPER);
}

int x86_fetch(struct cpu *c, uint64_t rip, uint8_t *buf, int n, uint64_t *pa)
{
	uint64_t la;
	if (c->code_bits == 64) {
		la = rip;
		if (!x86_canonical(c, la)) {
			x86_pend(c, EXC_GP, 1, 0);
			return -1;
		}
	} else {
		const struct x86_seg *cs = &c->seg[SEG_CS];
		if (rip > cs->limit) {
			x86_pend(c, EXC_GP, 1, 0);
			return -1;
		}
		if ((uint64_t)n > cs->limit - rip + 1)
			n = (int)(cs->limit - rip + 1);
		la = (cs->base + rip) & 0xffffffffull;
	}
	int got = 0;
	while (got < n) {
		uint64_t p;
		struct mmu_fault f;
		uint64_t a = la + got;
		if (c->code_bits != 64)
			a &= 0xffffffffull;
		else if (!x86_canonical(c, a))
			break;
		if (mmu_translate(&c->mmu, a, MMU_EXEC, &p, &f) != 0) {
			if (got == 0) {
				c->cr2 = f.addr;
				x86_pend(c, f.vector, 1, f.error);
				return -1;
			}
			break;
		}
		if (got == 0)
			*pa = p;
		int chunk = 4096 - (int)(a & 0xfff);
		if (chunk > n - got)
			chunk = n - got;
		for (int i = 0; i < chunk; i++)
			buf[got + i] = (uint8_t)bus_phys_read(c->bus, p + i, 1);
		got += chunk;
	}
	return got;
}
