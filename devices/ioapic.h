/*
 * devices/ioapic.h — an Intel 82093AA I/O APIC at 0xFEC00000 with 24
 * redirection entries (ID 0, version 20H, as QEMU's).  ISA IRQ n arrives on
 * pin n, except IRQ 0 (the PIT), which arrives on pin 2, as the MADT's
 * interrupt source override and the MP table say.
 */
#ifndef MMULAB_DEVICES_IOAPIC_H
#define MMULAB_DEVICES_IOAPIC_H

#include <stdint.h>

#include "devices/apic.h"
#include "devices/bus.h"

#define IOAPIC_BASE_ADDR 0xfec00000ull
#define IOAPIC_PINS 24
#define IOAPIC_VERSION 0x00170020u /* 24 entries (max index 17H), v 20H */

struct ioapic {
	uint32_t sel;
	uint8_t id;
	uint64_t redir[IOAPIC_PINS];
	uint32_t lines; /* input levels */
	struct apic_bus *abus;
	uint64_t delivered;
};

/* Reset (every entry masked) and claim the MMIO page.  Registers itself
 * as the APIC bus's EOI listener.  Returns 0 or -1 (bus full). */
int ioapic_init(struct ioapic *io, struct bus *b, struct apic_bus *abus);

/* Drive input pin `pin` to `level`. */
void ioapic_set_irq(struct ioapic *io, int pin, int level);

/* Is `pin` unmasked (an interrupt on it would reach some APIC)? */
int ioapic_pin_open(const struct ioapic *io, int pin);

/* Register access through IOREGSEL (offset 0) and IOWIN (offset 10H). */
uint64_t ioapic_mmio_read(void *opaque, uint64_t addr, int size);
void ioapic_mmio_write(void *opaque, uint64_t addr, int size, uint64_t val);

#endif
