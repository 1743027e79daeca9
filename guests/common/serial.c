/*
 * serial.c — output on COM1, a 16550 UART at I/O port 0x3F8: 115200 baud,
 * 8 data bits, no parity, 1 stop bit, FIFOs on, no interrupts.  A byte is
 * written once the line status register says the transmit holding register
 * is empty (LSR bit 5); the wait is bounded so that a UART model without a
 * status register cannot hang the guest.
 */
#include "guest.h"

#define COM1		0x3F8
#define UART_THR	0	/* transmit holding register (DLAB = 0) */
#define UART_IER	1	/* interrupt enable (DLAB = 0) */
#define UART_DLL	0	/* divisor latch low (DLAB = 1) */
#define UART_DLM	1	/* divisor latch high (DLAB = 1) */
#define UART_FCR	2	/* FIFO control */
#define UART_LCR	3	/* line control; bit 7 is DLAB */
#define UART_MCR	4	/* modem control */
#define UART_LSR	5	/* line status */
#define LSR_THRE	0x20

void serial_init(void)
{
	outb(COM1 + UART_IER, 0x00);
	outb(COM1 + UART_LCR, 0x80);
	outb(COM1 + UART_DLL, 0x01);	/* 115200 / 1 */
	outb(COM1 + UART_DLM, 0x00);
	outb(COM1 + UART_LCR, 0x03);	/* 8N1, DLAB = 0 */
	outb(COM1 + UART_FCR, 0x07);	/* enable and clear FIFOs */
	outb(COM1 + UART_MCR, 0x03);	/* DTR, RTS */
}

void serial_putc(char c)
{
	for (int i = 0; i < 100000 && !(inb(COM1 + UART_LSR) & LSR_THRE); i++)
		;
	outb(COM1 + UART_THR, (uint8_t)c);
}
