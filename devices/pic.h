/*
 * devices/pic.h — the PC's two cascaded Intel 8259A programmable interrupt
 * controllers: master at 0x20/0x21 (IRQ 0-7), slave at 0xA0/0xA1 (IRQ
 * 8-15, cascaded on the master's IRQ 2), and the edge/level control
 * registers at 0x4D0/0x4D1.
 *
 * At power-on they are left as SeaBIOS leaves them under QEMU (read with
 * QEMU's "info pic" at kernel entry): master vectors 08H-0FH with IMR B8H
 * (IRQ 0, 1, 2, 6 open), slave vectors 70H-77H with IMR 8EH, ELCR 0C00H.
 */
#ifndef MMULAB_DEVICES_PIC_H
#define MMULAB_DEVICES_PIC_H

#include <stdint.h>

#include "devices/bus.h"

struct pic8259 {
	uint8_t irr, isr, imr, base;
	uint8_t elcr;        /* level-triggered lines */
	uint8_t lines;       /* current input levels */
	uint8_t init_step;   /* 0: operational; 2..4: expecting ICW2..ICW4 */
	uint8_t icw4_needed, auto_eoi, read_isr, single;
};

struct pic_pair {
	struct pic8259 chip[2]; /* master, slave */
	/* Called when the INTR output may have changed (the CPUs' APICs look
	 * again). */
	void (*notify)(void *opaque);
	void *notify_opaque;
	uint64_t acks, spurious;
};

/* Put both chips in the firmware state and claim their ports.  Returns 0,
 * or -1 when the bus's port table is full. */
int pic_init(struct pic_pair *p, struct bus *b);

/* Drive ISA interrupt line `irq` (0-15) to `level`. */
void pic_set_irq(struct pic_pair *p, int irq, int level);

/* The vector the pair would hand the CPU now (INTR asserted), or -1. */
int pic_pending(void *opaque);

/* INTA cycle: returns the vector and moves it in service (a spurious
 * IRQ 7 / 15 when the request went away). */
int pic_ack(void *opaque);

/* Register access by port, for the bus and unit tests. */
uint32_t pic_io_read(void *opaque, uint16_t port, int size);
void pic_io_write(void *opaque, uint16_t port, int size, uint32_t val);

#endif
