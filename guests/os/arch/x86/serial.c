/*
 * serial.c — the console: COM1, a 16550 UART at port 0x3f8, 115200 8N1,
 * FIFOs on.  A byte goes out once the line status register says the
 * transmit holding register is empty (LSR bit 5); the wait is bounded so
 * that a UART without a status register cannot hang the kernel.
 */
#include "asm.h"
#include "console.h"
#include "spinlock.h"

#define COM1 0x3f8
#define UART_TX 0
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_LSR_THRE 0x20

void serial_poll(void);

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);	/* DLAB: divisor latch */
	outb(COM1 + 0, 0x01);		/* 115200 / 1 */
	outb(COM1 + 1, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1 */
	serial_poll();			/* a byte already typed: keep it */
	outb(COM1 + UART_FCR, 0x07);	/* FIFOs on, both emptied */
	outb(COM1 + UART_MCR, 0x03);
}

void serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & UART_LSR_THRE); i++)
		;
	outb(COM1 + UART_TX, (u8)c);
}

/* One writer at a time: a write(2) or a printk comes out whole, whatever the other CPUs print. */
static spinlock_t console_lock = __SPIN_LOCK_UNLOCKED;

void console_write(const char *s, size_t n)
{
	unsigned long flags;

	spin_lock_irqsave(&console_lock, flags);
	for (size_t i = 0; i < n; i++)
		serial_putc(s[i]);
	spin_unlock_irqrestore(&console_lock, flags);
}

/*
 * Input: the UART's receive FIFO holds 16 bytes and drops what comes after
 * (LSR.OE), so the timer tick and the readers empty it into a ring of
 * their own (Linux's tty flip buffer), with CR turned into NL (ICRNL).
 */
#define UART_RX		0
#define UART_LSR_DR	0x01
#define TTY_BUF_SIZE	4096

static char tty_buf[TTY_BUF_SIZE];
static unsigned long tty_head, tty_tail;
static spinlock_t tty_lock = __SPIN_LOCK_UNLOCKED;	/* the ring: CPU 0's tick and readers anywhere */

static void __serial_poll(void)
{
	while ((inb(COM1 + UART_LSR) & UART_LSR_DR) && tty_head - tty_tail < TTY_BUF_SIZE) {
		char c = (char)inb(COM1 + UART_RX);

		tty_buf[tty_head++ % TTY_BUF_SIZE] = c == '\r' ? '\n' : c;
	}
}

void serial_poll(void)
{
	unsigned long flags;

	spin_lock_irqsave(&tty_lock, flags);
	__serial_poll();
	spin_unlock_irqrestore(&tty_lock, flags);
}

size_t console_read(char *buf, size_t n)
{
	unsigned long flags;
	size_t got = 0;

	spin_lock_irqsave(&tty_lock, flags);
	__serial_poll();
	while (got < n && tty_tail != tty_head)
		buf[got++] = tty_buf[tty_tail++ % TTY_BUF_SIZE];
	spin_unlock_irqrestore(&tty_lock, flags);
	return got;
}
