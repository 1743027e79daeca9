/*
 * devices/ioapic.c — the I/O APIC (Intel 82093AA data sheet §3).
 *
 * Redirection entry (64 bits): 7:0 vector, 10:8 delivery mode, 11
 * destination mode (1 logical), 12 delivery status (RO), 13 polarity, 14
 * Remote IRR (RO), 15 trigger mode (1 level), 16 mask, 63:56 destination.
 * An edge-triggered pin sends a message on each rising edge; a
 * level-triggered one sends while asserted and Remote IRR is clear, sets
 * Remote IRR, and the local APIC's EOI of that vector clears it.
 */
#include "devices/ioapic.h"

#include <string.h>

#define RE_DEST_LOGICAL (1ull << 11)
#define RE_REMOTE_IRR (1ull << 14)
#define RE_LEVEL (1ull << 15)
#define RE_MASKED (1ull << 16)
#define RE_WRITABLE 0xff0000000001afffull /* all but delivery status, RIRR */

static void service(struct ioapic *io, int pin)
{
	uint64_t re = io->redir[pin];
	if (!(io->lines >> pin & 1) || (re & RE_MASKED))
		return;
	if (re & RE_LEVEL) {
		if (re & RE_REMOTE_IRR)
			return;
		io->redir[pin] |= RE_REMOTE_IRR;
	}
	io->delivered++;
	apic_deliver(io->abus, -1, 0, (uint8_t)(re >> 56),
		     (re & RE_DEST_LOGICAL) != 0, (int)(re >> 8) & 7,
		     (uint8_t)re, (re & RE_LEVEL) != 0);
}

void ioapic_set_irq(struct ioapic *io, int pin, int level)
{
	if (pin < 0 || pin >= IOAPIC_PINS)
		return;
	uint32_t bit = 1u << pin;
	int rising = level && !(io->lines & bit);
	if (level)
		io->lines |= bit;
	else
		io->lines &= ~bit;
	if (io->redir[pin] & RE_LEVEL) {
		if (level)
			service(io, pin);
	} else if (rising) {
		service(io, pin);
	}
}

int ioapic_pin_open(const struct ioapic *io, int pin)
{
	return !(io->redir[pin] & RE_MASKED);
}

static void on_eoi(void *opaque, int vector)
{
	struct ioapic *io = opaque;
	for (int pin = 0; pin < IOAPIC_PINS; pin++) {
		uint64_t re = io->redir[pin];
		if ((re & RE_LEVEL) && (re & RE_REMOTE_IRR) && (uint8_t)re == vector) {
			io->redir[pin] &= ~RE_REMOTE_IRR;
			service(io, pin); /* still asserted: again */
		}
	}
}

static uint32_t reg_read(struct ioapic *io, uint32_t r)
{
	if (r == 0)
		return (uint32_t)io->id << 24;
	if (r == 1)
		return IOAPIC_VERSION;
	if (r == 2)
		return (uint32_t)io->id << 24; /* arbitration ID */
	if (r >= 0x10 && r < 0x10 + 2 * IOAPIC_PINS) {
		uint64_t re = io->redir[(r - 0x10) / 2];
		return (r & 1) ? (uint32_t)(re >> 32) : (uint32_t)re;
	}
	return 0;
}

static void reg_write(struct ioapic *io, uint32_t r, uint32_t v)
{
	if (r == 0) {
		io->id = (v >> 24) & 0xf;
		return;
	}
	if (r < 0x10 || r >= 0x10 + 2 * IOAPIC_PINS)
		return;
	int pin = (int)(r - 0x10) / 2;
	uint64_t re = io->redir[pin];
	if (r & 1)
		re = (re & 0xffffffffull) | (uint64_t)v << 32;
	else
		re = (re & ~0xffffffffull) | v;
	io->redir[pin] = (re & RE_WRITABLE) | (io->redir[pin] & RE_REMOTE_IRR);
	if (!(io->redir[pin] & RE_LEVEL))
		io->redir[pin] &= ~RE_REMOTE_IRR;
	else
		service(io, pin); /* unmasking an asserted level pin */
}

uint64_t ioapic_mmio_read(void *opaque, uint64_t addr, int size)
{
	struct ioapic *io = opaque;
	if (addr == 0)
		return io->sel;
	if (addr == 0x10)
		return reg_read(io, io->sel);
	return 0;
}

void ioapic_mmio_write(void *opaque, uint64_t addr, int size, uint64_t val)
{
	struct ioapic *io = opaque;
	if (addr == 0)
		io->sel = (uint32_t)val & 0xff;
	else if (addr == 0x10)
		reg_write(io, io->sel, (uint32_t)val);
}

int ioapic_init(struct ioapic *io, struct bus *b, struct apic_bus *abus)
{
	memset(io, 0, sizeof(*io));
	io->abus = abus;
	for (int i = 0; i < IOAPIC_PINS; i++)
		io->redir[i] = RE_MASKED;
	abus->eoi = on_eoi;
	abus->eoi_opaque = io;
	return bus_register_mmio(b, IOAPIC_BASE_ADDR, 0x1000, io, ioapic_mmio_read,
				 ioapic_mmio_write);
}
