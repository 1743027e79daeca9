/*
 * devices/uart16550.h — a National Semiconductor 16550A UART (COM1 at
 * 0x3F8, IRQ 4 on a PC), the serial console of every mmulab guest.
 */
#ifndef MMULAB_DEVICES_UART16550_H
#define MMULAB_DEVICES_UART16550_H

#include <stdint.h>

#include "devices/bus.h"
#include "devices/chardev.h"

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ 4
#define UART_FIFO 16

/* The interrupt line: called with level 1/0 when it changes.  May be NULL
 * (no interrupt controller yet: the guest polls). */
typedef void (*uart_irq_fn)(void *opaque, int irq, int level);

struct uart16550 {
	struct chardev *out; /* transmit sink and receive source */
	uint16_t base;
	uint8_t ier, lcr, mcr, lsr, msr, scr, fcr;
	uint8_t dll, dlm;
	int thr_ipending;    /* THR-empty interrupt waiting to be seen in IIR */
	uint8_t rx[UART_FIFO];
	int rx_head, rx_count;
	int irq, irq_level;
	uart_irq_fn set_irq;
	void *irq_opaque;
	uint64_t tx_bytes, rx_bytes;
};

/* Reset the UART and claim ports base..base+7.  Returns 0, or -1 when the
 * bus's port table is full. */
int uart_init(struct uart16550 *u, struct bus *b, uint16_t base, int irq,
	      struct chardev *out);

/* Move host input that is ready now into the receive FIFO (non-blocking).
 * The machine calls this at quantum boundaries. */
void uart_poll_input(struct uart16550 *u);

/* Register access by offset 0..7 from the base port (also the bus
 * callbacks' work; exposed for unit tests). */
uint8_t uart_read(struct uart16550 *u, int reg);
void uart_write(struct uart16550 *u, int reg, uint8_t val);

#endif
