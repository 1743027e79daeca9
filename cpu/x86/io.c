/*
 * cpu/x86/io.c — port I/O: IN, OUT, INS, OUTS, and the I/O permission check
 * of SDM vol. 1 §19.5 that guards them.
 *
 * Ports reach devices through the bus (bus_pio_read / bus_pio_write).  A
 * device may ask the run to end (isa-debug-exit); every I/O instruction
 * looks at bus->stop afterwards and returns X86_STOP, so the machine stops
 * right after the instruction that asked.
 *
 * String forms run up to STRING_CHUNK iterations per execution; when count
 * remains, the instruction is left pending (next_rip = rip) with RCX, RSI,
 * RDI updated, so interrupts are taken between iterations as on hardware
 * and a fault in iteration k leaves the registers at iteration k.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/system.h"

#define STRING_CHUNK 4096

/* 32-bit TSS: offset of the 16-bit I/O map base address (SDM vol. 3
 * figure 8-2; the same offset in the 64-bit TSS, figure 8-11). */
#define TSS_IOMAP_BASE 0x66
#define TSS_MIN_LIMIT  0x67

/* TSS descriptor types that have an I/O bitmap: 32-bit/64-bit available
 * and busy TSS (table 3-2). */
#define TSS_TYPE_AVAIL 9
#define TSS_TYPE_BUSY  11

/*
 * SDM vol. 1 §19.5.2 "I/O Permission Bit Map": each bit covers one port,
 * and all the bits of a multi-byte access must be clear.  "The processor
 * reads two bytes from the I/O bitmap for every access to an I/O port", so
 * both bytes must lie inside the TSS limit, else #GP(0).
 */
static int check_bitmap(struct cpu *c, uint16_t port, int size)
{
	const struct x86_seg *tr = &c->tr;
	unsigned type = tr->attr & SEG_ATTR_TYPE;
	if ((tr->attr & SEG_ATTR_UNUSABLE) || (tr->attr & SEG_ATTR_S) ||
	    (type != TSS_TYPE_AVAIL && type != TSS_TYPE_BUSY) ||
	    tr->limit < TSS_MIN_LIMIT)
		return x86_raise_err(c, EXC_GP, 0);
	uint64_t base;
	TRY(x86_read_sys(c, tr->base + TSS_IOMAP_BASE, 2, &base));
	uint64_t off = base + port / 8;
	if (off + 1 > tr->limit)
		return x86_raise_err(c, EXC_GP, 0);
	uint64_t bits;
	TRY(x86_read_sys(c, tr->base + off, 2, &bits));
	uint32_t mask = ((1u << size) - 1) << (port & 7);
	if (bits & mask)
		return x86_raise_err(c, EXC_GP, 0);
	return X86_OK;
}

/*
 * May the current code access ports port..port+size-1?  SDM vol. 1 §19.5.1:
 * in protected mode with CPL <= IOPL always; otherwise (CPL > IOPL, or
 * virtual-8086 mode) the I/O permission bitmap decides.  Real mode: always.
 */
int x86_check_io(struct cpu *c, uint16_t port, int size)
{
	if (x86_real(c))
		return X86_OK;
	int iopl = (int)((c->rflags & FL_IOPL) >> 12);
	if (!(c->rflags & FL_VM) && c->cpl <= iopl)
		return X86_OK;
	return check_bitmap(c, port, size);
}

/* Operand size of the eAX forms: 2 or 4 (REX.W does not make it 8). */
static int io_size(const struct insn *i)
{
	return i->opsize == 2 ? 2 : 4;
}

/* Store an IN result: AL keeps the rest of RAX, AX keeps bits 63:16, EAX
 * clears bits 63:32. */
static void set_acc(struct cpu *c, int size, uint32_t v)
{
	if (size == 1)
		c->regs[R_RAX] = (c->regs[R_RAX] & ~0xffull) | (v & 0xff);
	else
		x86_set_reg(c, R_RAX, size, v);
}

static int after_io(struct cpu *c)
{
	return c->bus->stop ? X86_STOP : X86_OK;
}

static int do_in(struct cpu *c, uint16_t port, int size)
{
	TRY(x86_check_io(c, port, size));
	set_acc(c, size, bus_pio_read(c->bus, port, size));
	return after_io(c);
}

static int do_out(struct cpu *c, uint16_t port, int size)
{
	TRY(x86_check_io(c, port, size));
	uint32_t v = (uint32_t)c->regs[R_RAX];
	bus_pio_write(c->bus, port, size,
		      size == 4 ? v : v & ((1u << (8 * size)) - 1));
	return after_io(c);
}

/* IN AL, imm8 (E4) / IN eAX, imm8 (E5) / IN AL, DX (EC) / IN eAX, DX (ED). */
int op_in_AL_Ib(struct cpu *c, const struct insn *i)
{
	return do_in(c, (uint8_t)i->imm, 1);
}

int op_in_eAX_Ib(struct cpu *c, const struct insn *i)
{
	return do_in(c, (uint8_t)i->imm, io_size(i));
}

int op_in_AL_DX(struct cpu *c, const struct insn *i)
{
	(void)i;
	return do_in(c, (uint16_t)c->regs[R_RDX], 1);
}

int op_in_eAX_DX(struct cpu *c, const struct insn *i)
{
	return do_in(c, (uint16_t)c->regs[R_RDX], io_size(i));
}

/* OUT imm8, AL (E6) / OUT imm8, eAX (E7) / OUT DX, AL (EE) / OUT DX, eAX (EF).
 */
int op_out_Ib_AL(struct cpu *c, const struct insn *i)
{
	return do_out(c, (uint8_t)i->imm, 1);
}

int op_out_Ib_eAX(struct cpu *c, const struct insn *i)
{
	return do_out(c, (uint8_t)i->imm, io_size(i));
}

int op_out_DX_AL(struct cpu *c, const struct insn *i)
{
	(void)i;
	return do_out(c, (uint16_t)c->regs[R_RDX], 1);
}

int op_out_DX_eAX(struct cpu *c, const struct insn *i)
{
	return do_out(c, (uint16_t)c->regs[R_RDX], io_size(i));
}

/* Address-size view of a string register: read masked, write back with
 * the rules of a register write of that size (4 clears bits 63:32 in
 * 64-bit mode, 2 keeps bits 63:16). */
static uint64_t areg(const struct cpu *c, const struct insn *i, int r)
{
	uint64_t v = c->regs[r];
	return i->addrsize == 8	  ? v
	       : i->addrsize == 4 ? (uint32_t)v
				  : (uint16_t)v;
}

static void set_areg(struct cpu *c, const struct insn *i, int r, uint64_t v)
{
	x86_set_reg(c, r, i->addrsize, v);
}

/*
 * INS / OUTS, one to STRING_CHUNK iterations (SDM vol. 2 "INS/INSB/INSW/
 * INSD", "OUTS/OUTSB/OUTSW/OUTSD", "REP").  INS stores to ES:rDI (no
 * segment override); OUTS loads from seg:rSI (DS unless overridden).  The
 * pointer moves by `size`, down when EFLAGS.DF = 1.
 */
static int string_io(struct cpu *c, const struct insn *i, int size, int in)
{
	uint16_t port = (uint16_t)c->regs[R_RDX];
	int rep = i->rep != 0;
	if (rep && areg(c, i, R_RCX) == 0)
		return X86_OK;
	TRY(x86_check_io(c, port, size));
	int64_t step = (c->rflags & FL_DF) ? -size : size;
	int ptr = in ? R_RDI : R_RSI;
	for (int n = 0;; n++) {
		uint64_t off = areg(c, i, ptr);
		if (in) {
			/* Probe the destination for a write first, so a page
			 * fault does not swallow data read from the port. */
			uint64_t old;
			TRY(x86_read_rmw(c, SEG_ES, off, size, &old));
			uint32_t v = bus_pio_read(c->bus, port, size);
			TRY(x86_write(c, SEG_ES, off, size, v));
		} else {
			uint64_t v;
			TRY(x86_read(c, i->seg, off, size, &v));
			bus_pio_write(c->bus, port, size, (uint32_t)v);
		}
		set_areg(c, i, ptr, off + (uint64_t)step);
		if (!rep)
			break;
		uint64_t count = areg(c, i, R_RCX) - 1;
		set_areg(c, i, R_RCX, count);
		if (count == 0)
			break;
		if (n + 1 == STRING_CHUNK || c->bus->stop) {
			c->next_rip = c->rip; /* continue with the next chunk */
			break;
		}
	}
	return after_io(c);
}

/* INSB (6C), INSW/INSD (6D). */
int op_insb(struct cpu *c, const struct insn *i)
{
	return string_io(c, i, 1, 1);
}

int op_insw(struct cpu *c, const struct insn *i)
{
	return string_io(c, i, io_size(i), 1);
}

/* OUTSB (6E), OUTSW/OUTSD (6F). */
int op_outsb(struct cpu *c, const struct insn *i)
{
	return string_io(c, i, 1, 0);
}

int op_outsw(struct cpu *c, const struct insn *i)
{
	return string_io(c, i, io_size(i), 0);
}
