/*
 * devices/uart16550.c — the 16550A UART, as the data sheet defines its
 * registers (offsets from the base port; DLAB is LCR bit 7):
 *
 *   0  RBR (read) / THR (write)        DLL when DLAB=1
 *   1  IER                              DLM when DLAB=1
 *   2  IIR (read) / FCR (write)
 *   3  LCR    4  MCR    5  LSR    6  MSR    7  SCR
 *
 * Transmission is instantaneous: a byte written to THR goes straight to the
 * chardev, so LSR always shows THRE|TEMT.  In loopback (MCR bit 4) a
 * transmitted byte comes back in RBR and MSR mirrors MCR, which is how
 * guests probe for a working UART.  Choices where mmulab simplifies, as QEMU
 * does: the receive-data interrupt fires at any fill level (no trigger
 * levels or character timeout), and OUT2 does not gate the IRQ line.
 */
#include "devices/uart16550.h"

#include <string.h>

#define IER_RDA 0x01  /* received data available */
#define IER_THRE 0x02 /* transmitter holding register empty */
#define IER_RLS 0x04  /* receiver line status */
#define IER_MSI 0x08  /* modem status */

#define IIR_NONE 0x01
#define IIR_MSI 0x00
#define IIR_THRE 0x02
#define IIR_RDA 0x04
#define IIR_RLS 0x06
#define IIR_FIFO 0xc0

#define FCR_ENABLE 0x01
#define FCR_CLEAR_RX 0x02

#define LCR_DLAB 0x80

#define MCR_DTR 0x01
#define MCR_RTS 0x02
#define MCR_OUT1 0x04
#define MCR_OUT2 0x08
#define MCR_LOOP 0x10

#define LSR_DR 0x01
#define LSR_OE 0x02
#define LSR_BI 0x10
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

#define MSR_DCTS 0x01
#define MSR_DDSR 0x02
#define MSR_TERI 0x04
#define MSR_DDCD 0x08
#define MSR_CTS 0x10
#define MSR_DSR 0x20
#define MSR_RI 0x40
#define MSR_DCD 0x80
#define MSR_DELTA 0x0f

/* Highest-priority pending interrupt, in IIR encoding (SDM of the 16550:
 * line status, then received data, then THR empty, then modem status). */
static uint8_t pending_iir(const struct uart16550 *u)
{
	if ((u->ier & IER_RLS) && (u->lsr & (LSR_OE | LSR_BI)))
		return IIR_RLS;
	if ((u->ier & IER_RDA) && u->rx_count)
		return IIR_RDA;
	if ((u->ier & IER_THRE) && u->thr_ipending)
		return IIR_THRE;
	if ((u->ier & IER_MSI) && (u->msr & MSR_DELTA))
		return IIR_MSI;
	return IIR_NONE;
}

static void update_irq(struct uart16550 *u)
{
	int level = pending_iir(u) != IIR_NONE;
	if (level != u->irq_level) {
		u->irq_level = level;
		if (u->set_irq)
			u->set_irq(u->irq_opaque, u->irq, level);
	}
}

/* The receiver holds 16 bytes in FIFO mode, one (RBR) without. */
static int rx_capacity(const struct uart16550 *u)
{
	return (u->fcr & FCR_ENABLE) ? UART_FIFO : 1;
}

static void rx_push(struct uart16550 *u, uint8_t byte)
{
	if (u->rx_count >= rx_capacity(u)) {
		u->lsr |= LSR_OE;
		return;
	}
	u->rx[(u->rx_head + u->rx_count) % UART_FIFO] = byte;
	u->rx_count++;
	u->rx_bytes++;
	u->lsr |= LSR_DR;
}

/* MSR as the modem lines say.  In loopback the outputs drive the inputs. */
static void set_modem_lines(struct uart16550 *u, uint8_t lines)
{
	uint8_t old = u->msr;
	uint8_t delta = 0;
	if ((old ^ lines) & MSR_CTS)
		delta |= MSR_DCTS;
	if ((old ^ lines) & MSR_DSR)
		delta |= MSR_DDSR;
	if ((old ^ lines) & MSR_DCD)
		delta |= MSR_DDCD;
	if ((old & MSR_RI) && !(lines & MSR_RI))
		delta |= MSR_TERI;
	u->msr = (uint8_t)(lines | (old & MSR_DELTA) | delta);
}

static void set_mcr(struct uart16550 *u, uint8_t val)
{
	u->mcr = val & 0x1f;
	uint8_t lines;
	if (u->mcr & MCR_LOOP) {
		lines = 0;
		if (u->mcr & MCR_RTS)
			lines |= MSR_CTS;
		if (u->mcr & MCR_DTR)
			lines |= MSR_DSR;
		if (u->mcr & MCR_OUT1)
			lines |= MSR_RI;
		if (u->mcr & MCR_OUT2)
			lines |= MSR_DCD;
	} else {
		lines = MSR_DCD | MSR_DSR | MSR_CTS; /* a connected terminal */
	}
	set_modem_lines(u, lines);
}

static void transmit(struct uart16550 *u, uint8_t byte)
{
	if (u->mcr & MCR_LOOP)
		rx_push(u, byte);
	else if (u->out)
		chardev_write(u->out, byte);
	u->tx_bytes++;
	u->thr_ipending = 1; /* sent at once: THR is empty again */
}

uint8_t uart_read(struct uart16550 *u, int reg)
{
	uint8_t v = 0xff;
	switch (reg) {
	case 0:
		if (u->lcr & LCR_DLAB) {
			v = u->dll;
			break;
		}
		v = 0;
		if (u->rx_count) {
			v = u->rx[u->rx_head];
			u->rx_head = (u->rx_head + 1) % UART_FIFO;
			if (--u->rx_count == 0)
				u->lsr &= ~LSR_DR;
		}
		break;
	case 1:
		v = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
		break;
	case 2:
		v = pending_iir(u);
		if (v == IIR_THRE)
			u->thr_ipending = 0; /* reading IIR acknowledges THRE */
		if (u->fcr & FCR_ENABLE)
			v |= IIR_FIFO;
		break;
	case 3:
		v = u->lcr;
		break;
	case 4:
		v = u->mcr;
		break;
	case 5:
		v = u->lsr;
		u->lsr &= ~(LSR_OE | LSR_BI); /* error bits clear on read */
		break;
	case 6:
		v = u->msr;
		u->msr &= ~MSR_DELTA;
		break;
	case 7:
		v = u->scr;
		break;
	}
	update_irq(u);
	return v;
}

void uart_write(struct uart16550 *u, int reg, uint8_t val)
{
	switch (reg) {
	case 0:
		if (u->lcr & LCR_DLAB)
			u->dll = val;
		else
			transmit(u, val);
		break;
	case 1:
		if (u->lcr & LCR_DLAB) {
			u->dlm = val;
			break;
		}
		/* Enabling the THRE interrupt while THR is empty raises it. */
		if ((val & IER_THRE) && !(u->ier & IER_THRE))
			u->thr_ipending = 1;
		u->ier = val & 0x0f;
		break;
	case 2:
		if ((val ^ u->fcr) & FCR_ENABLE || (val & FCR_CLEAR_RX)) {
			u->rx_count = 0; /* toggling FIFO mode also clears it */
			u->rx_head = 0;
			u->lsr &= ~LSR_DR;
		}
		u->fcr = val & 0xc9; /* trigger level, DMA mode, enable */
		break;
	case 3:
		u->lcr = val;
		break;
	case 4:
		set_mcr(u, val);
		break;
	case 5:
		break; /* LSR is read-only (factory test mode not modelled) */
	case 6:
		break;
	case 7:
		u->scr = val;
		break;
	}
	update_irq(u);
}

void uart_poll_input(struct uart16550 *u)
{
	/* Host input waits while the receiver is full, as a terminal's flow
	   control would have it: nothing is lost to overrun. */
	if (!u->out || (u->mcr & MCR_LOOP) || u->rx_count >= rx_capacity(u))
		return;
	uint8_t buf[UART_FIFO];
	size_t n = chardev_read(u->out, buf, (size_t)(rx_capacity(u) - u->rx_count));
	for (size_t i = 0; i < n; i++)
		rx_push(u, buf[i]);
	if (n)
		update_irq(u);
}

static uint32_t uart_pio_read(void *opaque, uint16_t port, int size)
{
	struct uart16550 *u = opaque;
	return uart_read(u, port - u->base);
}

static void uart_pio_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct uart16550 *u = opaque;
	uart_write(u, port - u->base, (uint8_t)val);
}

int uart_init(struct uart16550 *u, struct bus *b, uint16_t base, int irq,
	      struct chardev *out)
{
	memset(u, 0, sizeof(*u));
	u->out = out;
	u->base = base;
	u->irq = irq;
	u->lsr = LSR_THRE | LSR_TEMT;
	u->lcr = 0x03; /* 8N1, as firmware leaves it */
	u->dll = 0x0c; /* 9600 baud */
	set_mcr(u, 0);
	u->msr &= ~MSR_DELTA;
	return bus_register_pio(b, base, 8, u, uart_pio_read, uart_pio_write);
}
