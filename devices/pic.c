/*
 * devices/pic.c — the 8259A pair (Intel 8259A data sheet: "Initialization
 * Command Words", "Operation Command Words").  Fixed priority (IRQ 0
 * highest), normal and automatic EOI, specific and non-specific EOI, the
 * IRR/ISR read-back of OCW3, edge and level triggering per ELCR.
 * Rotation, special mask and poll modes are accepted and ignored.
 */
#include "devices/pic.h"

#include <string.h>

/* Highest-priority bit set in `v` (bit 0 first), or -1. */
static int prio(uint8_t v)
{
	return v ? __builtin_ctz(v) : -1;
}

/* The IRQ the chip would raise INTR for: the highest unmasked request
 * above everything in service. */
static int chip_output(const struct pic8259 *c)
{
	int r = prio(c->irr & ~c->imr);
	if (r < 0)
		return -1;
	int s = prio(c->isr);
	return (s < 0 || r < s) ? r : -1;
}

static void update(struct pic_pair *p)
{
	/* The slave's INTR is the master's IRQ 2 input. */
	struct pic8259 *m = &p->chip[0];
	int out = chip_output(&p->chip[1]) >= 0;
	if (out && !(m->lines & 4))
		m->irr |= 4;
	if (out)
		m->lines |= 4;
	else {
		m->lines &= ~4;
		m->irr &= ~4;
	}
	if (p->notify)
		p->notify(p->notify_opaque);
}

static void chip_set(struct pic8259 *c, int n, int level)
{
	uint8_t bit = (uint8_t)(1u << n);
	if (c->elcr & bit) {
		/* Level: IRR follows the line. */
		if (level)
			c->irr |= bit;
		else
			c->irr &= ~bit;
	} else if (level && !(c->lines & bit)) {
		c->irr |= bit; /* rising edge */
	}
	if (level)
		c->lines |= bit;
	else
		c->lines &= ~bit;
}

void pic_set_irq(struct pic_pair *p, int irq, int level)
{
	if (irq < 0 || irq > 15 || irq == 2)
		return;
	chip_set(&p->chip[irq >> 3], irq & 7, level);
	update(p);
}

int pic_pending(void *opaque)
{
	struct pic_pair *p = opaque;
	int irq = chip_output(&p->chip[0]);
	if (irq < 0)
		return -1;
	if (irq == 2) {
		int s = chip_output(&p->chip[1]);
		return p->chip[1].base + (s < 0 ? 7 : s);
	}
	return p->chip[0].base + irq;
}

/* Acknowledge `irq` on chip `c`: into ISR (unless AEOI), out of IRR for
 * an edge-triggered line. */
static void chip_ack(struct pic8259 *c, int irq)
{
	uint8_t bit = (uint8_t)(1u << irq);
	if (!(c->elcr & bit))
		c->irr &= ~bit;
	if (!c->auto_eoi)
		c->isr |= bit;
}

int pic_ack(void *opaque)
{
	struct pic_pair *p = opaque;
	struct pic8259 *m = &p->chip[0], *s = &p->chip[1];
	int irq = chip_output(m);
	int vector;
	p->acks++;
	if (irq < 0) {
		/* The request went away before INTA: spurious IRQ 7. */
		p->spurious++;
		vector = m->base + 7;
	} else if (irq == 2) {
		chip_ack(m, 2);
		int si = chip_output(s);
		if (si < 0) {
			p->spurious++;
			si = 7;
		} else {
			chip_ack(s, si);
		}
		vector = s->base + si;
	} else {
		chip_ack(m, irq);
		vector = m->base + irq;
	}
	update(p);
	return vector;
}

static void chip_write(struct pic8259 *c, int a0, uint8_t v)
{
	if (!a0) {
		if (v & 0x10) {
			/* ICW1 starts the initialisation sequence; the data
			 * sheet: "the Interrupt Mask Register is cleared". */
			c->init_step = 2;
			c->icw4_needed = v & 1;
			c->single = (v >> 1) & 1;
			c->imr = c->isr = 0;
			c->irr &= c->elcr; /* edge detection restarts */
			c->read_isr = 0;
			c->auto_eoi = 0;
		} else if (v & 0x08) {
			/* OCW3: RR/RIS select which register reads at A0=0. */
			if (v & 2)
				c->read_isr = v & 1;
		} else {
			/* OCW2: EOI commands (bits 7:5). */
			int cmd = v >> 5;
			if (cmd == 1 || cmd == 5) { /* non-specific (rotate) */
				int s = prio(c->isr);
				if (s >= 0)
					c->isr &= ~(1u << s);
			} else if (cmd == 3 || cmd == 7) { /* specific */
				c->isr &= ~(1u << (v & 7));
			}
		}
		return;
	}
	switch (c->init_step) {
	case 2:
		c->base = v & 0xf8;
		c->init_step = c->single ? (c->icw4_needed ? 4 : 0) : 3;
		break;
	case 3:
		c->init_step = c->icw4_needed ? 4 : 0;
		break;
	case 4:
		c->auto_eoi = (v >> 1) & 1;
		c->init_step = 0;
		break;
	default:
		c->imr = v; /* OCW1 */
		break;
	}
}

uint32_t pic_io_read(void *opaque, uint16_t port, int size)
{
	struct pic_pair *p = opaque;
	if (port == 0x4d0 || port == 0x4d1)
		return p->chip[port & 1].elcr;
	struct pic8259 *c = &p->chip[port >= 0xa0];
	if (port & 1)
		return c->imr;
	return c->read_isr ? c->isr : c->irr;
}

void pic_io_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct pic_pair *p = opaque;
	if (port == 0x4d0 || port == 0x4d1) {
		/* IRQ 0, 1, 2, 8 and 13 are always edge-triggered. */
		p->chip[port & 1].elcr = (uint8_t)val & (port & 1 ? 0xde : 0xf8);
	} else {
		chip_write(&p->chip[port >= 0xa0], port & 1, (uint8_t)val);
	}
	update(p);
}

int pic_init(struct pic_pair *p, struct bus *b)
{
	memset(p, 0, sizeof(*p));
	p->chip[0].base = 0x08;
	p->chip[0].imr = 0xb8;
	p->chip[1].base = 0x70;
	p->chip[1].imr = 0x8e;
	p->chip[1].elcr = 0x0c;
	if (bus_register_pio(b, 0x20, 2, p, pic_io_read, pic_io_write) != 0 ||
	    bus_register_pio(b, 0xa0, 2, p, pic_io_read, pic_io_write) != 0 ||
	    bus_register_pio(b, 0x4d0, 2, p, pic_io_read, pic_io_write) != 0)
		return -1;
	return 0;
}
