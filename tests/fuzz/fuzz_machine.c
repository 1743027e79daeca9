/*
 * tests/fuzz/fuzz_machine.c — the machine a fuzz input runs on.
 *
 * 4 MiB of RAM, isa-debug-exit at 0xf4, a port device at 0x80 that answers
 * reads and swallows writes.  The first input byte chooses the start state:
 *
 *   bits 1:0  0, 1: 64-bit mode at CPL 0   2: 32-bit protected mode, paging
 *             off (the Multiboot state)     3: 64-bit mode at CPL 3
 *   bit 2     no IDT (limit 0): the first exception ends in a triple fault
 *   bit 3     exception handlers return (IRET, dropping any error code)
 *             instead of "push vector; hlt"
 *   bit 4     EFLAGS.IOPL = 3
 *   bit 5     the page at 2 MiB is not present, the one at 4 MiB is NX
 *   bits 7:6  unused
 *
 * The remaining bytes are code at CODE, followed by HLTs; general
 * registers start as addresses inside RAM, so memory operands usually hit
 * mapped memory.
 * Page tables (identity map of the first GiB, 2 MiB pages, user and
 * writable), GDT, IDT, TSS and handler stubs live in low memory where the
 * code may overwrite them: that is part of what gets fuzzed.
 */
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "cpu/x86/system.h"
#include "devices/debugexit.h"

#define RAM	 (4u << 20)
#define PML4	 0x1000u
#define PDPT	 0x2000u
#define PD	 0x3000u
#define GDT	 0x4000u
#define IDT64	 0x5000u
#define IDT32	 0x6000u
#define STUBS	 0x7000u /* 16 bytes per vector */
#define TSS	 0x9000u
#define CODE	 0x10000u
#define DATA	 0x20000u
#define RSP0	 0x60000u
#define STACK	 0x70000u
#define CODE_MAX (DATA - CODE)

#define IOMAP_OFF	0x68u
#define TSS_LIMIT	(IOMAP_OFF + 8192u)
#define FUZZ_HASH_BYTES (1u << 20)

#define SEL_CODE64  0x08
#define SEL_DATA    0x10
#define SEL_CODE32  0x18
#define SEL_UDATA   0x20
#define SEL_UCODE64 0x28
#define SEL_UCODE32 0x30
#define SEL_TSS	    0x38

enum { F_MODE = 3, F_NOIDT = 4, F_IRET = 8, F_IOPL = 16, F_HOLES = 32 };

static void put64(struct bus *b, uint64_t pa, uint64_t v)
{
	memcpy(b->ram + pa, &v, 8);
}

static uint32_t port80_read(void *o, uint16_t port, int size)
{
	(void)o, (void)size;
	return 0x12345678u ^ port;
}

static void port80_write(void *o, uint16_t port, int size, uint32_t v)
{
	(void)o, (void)port, (void)size, (void)v;
}

static int has_error_code(int v)
{
	return v == 8 || (v >= 10 && v <= 14) || v == 17 || v == 21 ||
	       v == 29 || v == 30;
}

/* Handler stub for vector v in 64-bit or 32-bit code. */
static void stub(uint8_t *s, int v, int wide, int iret)
{
	int n = 0;
	if (!iret) {
		s[n++] = 0x6a; /* push imm8 */
		s[n++] = (uint8_t)v;
		s[n++] = 0xf4; /* hlt */
		return;
	}
	if (has_error_code(v)) {
		if (wide)
			s[n++] = 0x48; /* add rsp, 8 */
		s[n++] = 0x83;
		s[n++] = 0xc4;
		s[n++] = wide ? 8 : 4;
	}
	if (wide)
		s[n++] = 0x48; /* iretq */
	s[n++] = 0xcf;
}

static void build_tables(struct bus *b, int flags, int wide)
{
	put64(b, PML4, PDPT | 7);
	put64(b, PDPT, PD | 7);
	for (uint64_t k = 0; k < 512; k++)
		put64(b, PD + 8 * k, (k << 21) | 0x87); /* P W U PS */
	if (flags & F_HOLES) {
		put64(b, PD + 8, 0);
		put64(b, PD + 16, (2ull << 21) | 0x87 | (1ull << 63));
	}

	put64(b, GDT + 0x08, 0x00209a0000000000ull); /* code64 DPL0 */
	put64(b, GDT + 0x10, 0x00cf92000000ffffull); /* data DPL0 */
	put64(b, GDT + 0x18, 0x00cf9a000000ffffull); /* code32 DPL0 */
	put64(b, GDT + 0x20, 0x00cff2000000ffffull); /* data DPL3 */
	put64(b, GDT + 0x28, 0x0020fa0000000000ull); /* code64 DPL3 */
	put64(b, GDT + 0x30, 0x00cffa000000ffffull); /* code32 DPL3 */
	put64(b, GDT + SEL_TSS,
	      (TSS_LIMIT & 0xffff) | ((uint64_t)TSS << 16) | (0x89ull << 40));

	for (int v = 0; v < 256; v++) {
		uint64_t off = STUBS + 16 * v;
		stub(b->ram + off, v, wide, flags & F_IRET);
		uint64_t lo32 = (off & 0xffff) | ((uint64_t)SEL_CODE32 << 16) |
				(0x8eull << 40) | ((off >> 16) << 48);
		put64(b, IDT32 + 8 * v, lo32);
		uint64_t lo64 = (off & 0xffff) | ((uint64_t)SEL_CODE64 << 16) |
				(0x8eull << 40) |
				(((off >> 16) & 0xffff) << 48);
		put64(b, IDT64 + 16 * v, lo64);
		put64(b, IDT64 + 16 * v + 8, off >> 32);
	}
	/* 64-bit TSS: RSP0, and an I/O bitmap allowing 0x80-0x87 and 0xf4. */
	put64(b, TSS + 4, RSP0);
	b->ram[TSS + 0x66] = IOMAP_OFF;
	memset(b->ram + TSS + IOMAP_OFF, 0xff, 8192 + 1);
	b->ram[TSS + IOMAP_OFF + 0x80 / 8] = 0;
	b->ram[TSS + IOMAP_OFF + 0xf4 / 8] = 0xef;
}

static void start_state(struct cpu *c, int flags)
{
	int mode = flags & F_MODE;
	if (mode == 2)
		cpu_enter_multiboot(c, CODE, 0);
	else
		cpu_enter_long_flat(c, PML4);
	c->gdtr = (struct x86_dtr){GDT, 0x47};
	if (flags & F_NOIDT)
		c->idtr = (struct x86_dtr){0, 0};
	else if (mode == 2)
		c->idtr = (struct x86_dtr){IDT32, 0x7ff};
	else
		c->idtr = (struct x86_dtr){IDT64, 0xfff};
	c->tr = (struct x86_seg){SEL_TSS, TSS, TSS_LIMIT, SEG_ATTR_P | 11};
	if (mode == 3) {
		c->seg[SEG_CS] = (struct x86_seg){
		    SEL_UCODE64 | 3, 0, 0xffffffff,
		    SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_L | SEG_ATTR_G |
			(3 << SEG_ATTR_DPL_SHIFT) | 0xb};
		struct x86_seg d = {SEL_UDATA | 3, 0, 0xffffffff,
				    SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB |
					SEG_ATTR_G | (3 << SEG_ATTR_DPL_SHIFT) |
					3};
		for (int s = 0; s < 6; s++)
			if (s != SEG_CS)
				c->seg[s] = d;
		c->cpl = 3;
	}
	if (flags & F_IOPL)
		c->rflags |= FL_IOPL;
	for (int r = 0; r < 16; r++)
		c->regs[r] = DATA + 0x100 * r;
	c->regs[R_RSP] = STACK;
	c->rip = CODE;
	x86_update_mode(c);
}

/*
 * cpu_run, one instruction at a time, for at most FUZZ_BUDGET steps.  A
 * repeated string instruction retires as one instruction per chunk of up
 * to tens of thousands of iterations (cpu/x86/string.c, io.c), so a budget
 * in instructions does not bound the time an input takes: also stop after
 * FUZZ_REPEATS steps that left RIP where it was.  A fault that the IRET
 * handlers return to fires again and again; stop after FUZZ_EVENTS
 * entries into the handler stubs, the rest would teach nothing new.
 */
#define FUZZ_REPEATS 8
#define FUZZ_EVENTS  32

static int run_bounded(struct cpu *c)
{
	int repeats = 0, events = 0;
	for (int n = 0; n < FUZZ_BUDGET; n++) {
		uint64_t rip = c->rip, icount = c->icount;
		int stop = cpu_run(c, 1);
		if (stop == CPU_STOP_YIELD)
			continue; /* PAUSE or an IPI ended the turn */
		if (stop != CPU_STOP_BUDGET)
			return stop;
		if (c->rip == rip && c->icount != icount &&
		    ++repeats > FUZZ_REPEATS)
			break;
		if (c->rip - STUBS < 16 * 256 && rip - STUBS >= 16 * 256 &&
		    ++events > FUZZ_EVENTS)
			break;
	}
	return CPU_STOP_BUDGET;
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t k = 0; k < n; k++)
		h = (h ^ p[k]) * 0x100000001b3ull;
	return h;
}

int fuzz_run_one(const uint8_t *data, size_t size, struct fuzz_result *r)
{
	static struct bus bus;
	static struct cpu cpu;
	if (size < 1)
		return 0;
	if (bus_init(&bus, RAM))
		return -1;
	if (cpu_init(&cpu, &bus, 0)) {
		bus_free(&bus);
		return -1;
	}
	if (debugexit_init(&bus, 0xf4, 4) ||
	    bus_register_pio(&bus, 0x80, 8, NULL, port80_read, port80_write))
		goto out;

	int flags = data[0];
	build_tables(&bus, flags, (flags & F_MODE) != 2);
	size_t n = size - 1 < CODE_MAX ? size - 1 : CODE_MAX;
	memset(bus.ram + CODE, 0xf4, CODE_MAX); /* HLT after the input */
	memcpy(bus.ram + CODE, data + 1, n);
	start_state(&cpu, flags);

	int stop = run_bounded(&cpu);
	if (r) {
		memset(r, 0, sizeof(*r));
		r->stop = stop;
		r->icount = cpu.icount;
		r->rip = cpu.rip;
		memcpy(r->regs, cpu.regs, sizeof(r->regs));
		r->rflags = x86_get_rflags(&cpu);
		r->cr0 = cpu.cr0;
		r->cr3 = cpu.cr3;
		r->cr4 = cpu.cr4;
		r->efer = cpu.efer;
		r->ram_hash = fnv1a(bus.ram, FUZZ_HASH_BYTES);
	}
out:
	cpu_free(&cpu);
	bus_free(&bus);
	return 0;
}
