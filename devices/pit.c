/*
 * devices/pit.c — the 8254 counters (Intel 8254 data sheet, "Modes").
 *
 * A counter is computed, not stepped: from the tick its count was loaded
 * at, the number of elapsed 1.193182 MHz cycles gives the value and OUT of
 * each mode.  With N the count (0 meaning 65536) and e the elapsed cycles:
 *
 *   mode 0, 1, 4, 5  value N - e (wrapping through FFFFH); OUT (modes 0/1)
 *                    goes high when e reaches N
 *   mode 2           value N - (e mod N); OUT low only while value is 1,
 *                    so it rises every N cycles
 *   mode 3           square wave: OUT high for the first half of each N
 *                    cycles, the value counts down by two
 *
 * A gate held low (only channel 2's can be) stops the count at N.
 */
#include "devices/pit.h"

#include <string.h>

static int gate_ok(const struct pit_channel *c)
{
	return c->gate && c->loaded;
}

static uint64_t elapsed(struct pit8254 *p, const struct pit_channel *c)
{
	return vclock_to_hz(p->clock, vclock_now(p->clock) - c->start, PIT_HZ);
}

uint16_t pit_count(struct pit8254 *p, int n)
{
	struct pit_channel *c = &p->ch[n];
	if (!gate_ok(c))
		return (uint16_t)c->reload;
	uint64_t e = elapsed(p, c), N = c->reload;
	switch (c->mode) {
	case 2:
		return (uint16_t)(N - e % N);
	case 3: {
		uint64_t v = (N - (2 * e) % N) & ~1ull;
		return (uint16_t)(v ? v : N);
	}
	default:
		return (uint16_t)(N - e);
	}
}

int pit_out(struct pit8254 *p, int n)
{
	struct pit_channel *c = &p->ch[n];
	if (!c->loaded)
		return c->mode != 0;
	if (!c->gate)
		return c->mode != 0;
	uint64_t e = elapsed(p, c), N = c->reload;
	switch (c->mode) {
	case 0:
	case 1:
		return e >= N;
	case 2:
		return N - e % N != 1;
	case 3:
		return e % N < (N + 1) / 2;
	default:
		return 1;
	}
}

/* Arm channel 0's timer for its next rising OUT edge after `now`. */
static void arm0(struct pit8254 *p)
{
	struct pit_channel *c = &p->ch[0];
	p->timer.when = VTIMER_OFF;
	if (!gate_ok(c))
		return;
	uint64_t e = elapsed(p, c), N = c->reload, k;
	switch (c->mode) {
	case 0:
		if (e >= N)
			return; /* terminal count passed: one edge only */
		k = N;
		break;
	case 2:
	case 3:
		k = (e / N + 1) * N;
		break;
	default:
		return;
	}
	p->timer.when = c->start + vclock_from_hz(p->clock, k, PIT_HZ);
}

static void fire0(void *opaque, uint64_t due)
{
	struct pit8254 *p = opaque;
	p->irq0_count++;
	if (p->set_irq) {
		/* A rising edge on IRQ 0 (edge-triggered at PIC and IOAPIC). */
		p->set_irq(p->irq_opaque, 0, 1);
		p->set_irq(p->irq_opaque, 0, 0);
	}
	struct pit_channel *c = &p->ch[0];
	if (c->mode == 2 || c->mode == 3) {
		uint64_t N = c->reload;
		uint64_t k = vclock_to_hz(p->clock, due - c->start, PIT_HZ) / N + 1;
		p->timer.when = c->start + vclock_from_hz(p->clock, k * N, PIT_HZ);
		if (p->timer.when <= due)
			p->timer.when = due + 1;
	}
}

static int wakes0(void *opaque)
{
	struct pit8254 *p = opaque;
	return p->irq_wakes && p->irq_wakes(p->irq_opaque, 0);
}

static void load(struct pit8254 *p, int n, uint32_t count)
{
	struct pit_channel *c = &p->ch[n];
	c->reload = count ? count : 65536;
	c->loaded = 1;
	c->start = vclock_now(p->clock);
	if (n == 0)
		arm0(p);
}

static void latch_count(struct pit8254 *p, int n)
{
	struct pit_channel *c = &p->ch[n];
	if (c->latched)
		return; /* a second latch before reading is ignored */
	c->latch = pit_count(p, n);
	c->latched = c->access == 3 ? 2 : 1;
	c->latch_msb = c->access == 2;
}

static uint8_t read_counter(struct pit8254 *p, int n)
{
	struct pit_channel *c = &p->ch[n];
	if (c->status_latched) {
		c->status_latched = 0;
		return c->status;
	}
	uint16_t v;
	int msb;
	if (c->latched) {
		v = c->latch;
		msb = c->latch_msb;
		c->latch_msb ^= 1;
		c->latched--;
	} else {
		v = pit_count(p, n);
		msb = c->access == 2 || (c->access == 3 && c->read_msb);
		if (c->access == 3)
			c->read_msb ^= 1;
	}
	return msb ? (uint8_t)(v >> 8) : (uint8_t)v;
}

static void write_counter(struct pit8254 *p, int n, uint8_t v)
{
	struct pit_channel *c = &p->ch[n];
	switch (c->access) {
	case 1:
		load(p, n, v);
		break;
	case 2:
		load(p, n, (uint32_t)v << 8);
		break;
	default:
		if (!c->write_msb) {
			c->lsb = v;
			c->write_msb = 1;
		} else {
			c->write_msb = 0;
			load(p, n, c->lsb | (uint32_t)v << 8);
		}
		break;
	}
}

static void control(struct pit8254 *p, uint8_t v)
{
	int sc = v >> 6;
	if (sc == 3) {
		/* Read-back command: bit 5 = 0 latches counts, bit 4 = 0
		 * latches status, bits 3:1 select counters 2..0. */
		for (int n = 0; n < 3; n++) {
			if (!(v & (2 << n)))
				continue;
			struct pit_channel *c = &p->ch[n];
			if (!(v & 0x20))
				latch_count(p, n);
			if (!(v & 0x10) && !c->status_latched) {
				c->status = (uint8_t)(pit_out(p, n) << 7 |
						      (!c->loaded) << 6 |
						      c->access << 4 | c->mode << 1);
				c->status_latched = 1;
			}
		}
		return;
	}
	struct pit_channel *c = &p->ch[sc];
	int access = (v >> 4) & 3;
	if (access == 0) {
		latch_count(p, sc); /* counter latch command */
		return;
	}
	c->access = (uint8_t)access;
	c->mode = (v >> 1) & 7;
	if (c->mode > 5)
		c->mode -= 4; /* 110b and 111b are modes 2 and 3 */
	c->write_msb = c->read_msb = 0;
	c->latched = 0;
	c->loaded = 0; /* "the Counter is not loaded ... until a count is
			* written" */
	if (sc == 0)
		p->timer.when = VTIMER_OFF;
}

uint32_t pit_io_read(void *opaque, uint16_t port, int size)
{
	struct pit8254 *p = opaque;
	if (port == 0x61) {
		/* Bit 4 toggles with each DRAM refresh (every 15.085 us), bit
		 * 5 is OUT2; bits 0 and 1 read back. */
		uint64_t ns = vclock_to_hz(p->clock, vclock_now(p->clock), 1000000000ull);
		return (uint32_t)(p->ch[2].gate | p->speaker << 1 |
				  ((ns / 15085) & 1) << 4 | pit_out(p, 2) << 5);
	}
	if (port == 0x43)
		return 0xff; /* the control word register cannot be read */
	return read_counter(p, port - 0x40);
}

void pit_io_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct pit8254 *p = opaque;
	if (port == 0x61) {
		struct pit_channel *c = &p->ch[2];
		uint8_t gate = val & 1;
		/* A rising gate restarts the count (modes 1, 2, 3, 5) and
		 * lets mode 0 count; mmulab restarts it in every mode. */
		if (gate && !c->gate && c->loaded)
			c->start = vclock_now(p->clock);
		c->gate = gate;
		p->speaker = (val >> 1) & 1;
	} else if (port == 0x43) {
		control(p, (uint8_t)val);
	} else {
		write_counter(p, port - 0x40, (uint8_t)val);
	}
}

int pit_init(struct pit8254 *p, struct bus *b, struct vclock *clock)
{
	memset(p, 0, sizeof(*p));
	p->clock = clock;
	p->timer.fire = fire0;
	p->timer.wakes = wakes0;
	p->timer.opaque = p;
	if (vclock_add(clock, &p->timer) != 0)
		return -1;
	for (int n = 0; n < 3; n++) {
		p->ch[n].gate = n != 2; /* channels 0, 1 gated high */
		p->ch[n].mode = 3;
		p->ch[n].access = 3;
		p->ch[n].reload = 65536;
	}
	/* SeaBIOS: channel 0 in mode 2 with the maximum count, 18.2 Hz. */
	p->ch[0].mode = 2;
	load(p, 0, 0);
	if (bus_register_pio(b, 0x40, 4, p, pit_io_read, pit_io_write) != 0 ||
	    bus_register_pio(b, 0x61, 1, p, pit_io_read, pit_io_write) != 0)
		return -1;
	return 0;
}
