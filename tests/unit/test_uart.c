/*
 * tests/unit/test_uart.c — the 16550 UART's registers (devices/uart16550.c)
 * and isa-debug-exit / port 0xE9 through the bus.
 */
#include <check.h>
#include <stdlib.h>
#include <unistd.h>

#include "devices/debugexit.h"
#include "devices/e9.h"
#include "devices/uart16550.h"
#include "tests/unit/check_run.h"

static struct bus bus;
static struct uart16550 uart;
static struct chardev out;
static int pipefd[2];

static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, 2u << 20), 0);
	ck_assert_int_eq(pipe(pipefd), 0);
	chardev_open_stdout(&out);
	out.out_fd = pipefd[1];
	ck_assert_int_eq(uart_init(&uart, &bus, UART_COM1_BASE, 4, &out), 0);
}

static void teardown(void)
{
	close(pipefd[0]);
	close(pipefd[1]);
	bus_free(&bus);
}

START_TEST(transmit_reaches_chardev)
{
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fd, 1) & 0x60, 0x60); /* THRE|TEMT */
	bus_pio_write(&bus, 0x3f8, 1, 'h');
	bus_pio_write(&bus, 0x3f8, 1, 'i');
	bus_pio_write(&bus, 0x3f8, 1, '\n'); /* newline flushes */
	char buf[8];
	ck_assert_int_eq(read(pipefd[0], buf, sizeof(buf)), 3);
	ck_assert_int_eq(buf[0], 'h');
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fd, 1) & 0x60, 0x60);
}
END_TEST

START_TEST(divisor_latch)
{
	bus_pio_write(&bus, 0x3fb, 1, 0x83); /* DLAB, 8N1 */
	bus_pio_write(&bus, 0x3f8, 1, 0x01);
	bus_pio_write(&bus, 0x3f9, 1, 0x00);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3f8, 1), 0x01);
	bus_pio_write(&bus, 0x3fb, 1, 0x03);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fb, 1), 0x03);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3f9, 1), 0x00); /* IER */
	ck_assert_uint_eq(uart.tx_bytes, 0); /* DLL writes are not data */
}
END_TEST

START_TEST(loopback_probe)
{
	/* The classic "is the UART there" test: loopback, send 0xAE, read it. */
	bus_pio_write(&bus, 0x3fc, 1, 0x1e);
	bus_pio_write(&bus, 0x3f8, 1, 0xae);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fd, 1) & 1, 1); /* DR */
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3f8, 1), 0xae);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fd, 1) & 1, 0);
	/* MSR mirrors MCR: RTS->CTS, OUT1->RI, OUT2->DCD. */
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fe, 1) & 0xf0, 0xd0);
	bus_pio_write(&bus, 0x3fc, 1, 0x0f);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fe, 1) & 0xf0, 0xb0);
}
END_TEST

START_TEST(iir_thre_and_fifo)
{
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fa, 1), 0x01); /* nothing */
	bus_pio_write(&bus, 0x3fa, 1, 0x07);                   /* FIFO on */
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fa, 1), 0xc1);
	bus_pio_write(&bus, 0x3f9, 1, 0x02); /* THRE interrupt enable */
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fa, 1), 0xc2);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fa, 1), 0xc1); /* acknowledged */
	bus_pio_write(&bus, 0x3f8, 1, 'x');
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fa, 1), 0xc2);
}
END_TEST

/* Host input fills the receiver only as far as it holds: one byte (RBR)
   without the FIFO, 16 with it (PC16550D datasheet, "FIFO Control
   Register"); the rest waits in the host, so none is lost to overrun. */
START_TEST(receiver_capacity_and_flow)
{
	int in[2];
	ck_assert_int_eq(pipe(in), 0);
	out.in_fd = in[0];
	ck_assert_int_eq(write(in[1], "abcdefghijklmnopqrstuvwxyz", 26), 26);
	uart_poll_input(&uart);
	ck_assert_uint_eq(uart.rx_count, 1);
	uart_poll_input(&uart);
	ck_assert_uint_eq(uart.rx_count, 1);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fd, 1) & 0x03, 0x01); /* DR, no OE */
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3f8, 1), 'a');
	bus_pio_write(&bus, 0x3fa, 1, 0x01); /* FIFO on (clears it: empty anyway) */
	uart_poll_input(&uart);
	ck_assert_uint_eq(uart.rx_count, 16);
	for (int i = 0; i < 16; i++)
		ck_assert_uint_eq(bus_pio_read(&bus, 0x3f8, 1), 'b' + i);
	uart_poll_input(&uart);
	ck_assert_uint_eq(uart.rx_count, 9);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3f8, 1), 'r');
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3fd, 1) & 0x02, 0); /* never OE */
	close(in[0]);
	close(in[1]);
}
END_TEST

START_TEST(scratch)
{
	bus_pio_write(&bus, 0x3ff, 1, 0x5a);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x3ff, 1), 0x5a);
}
END_TEST

START_TEST(debug_exit_status)
{
	ck_assert_int_eq(debugexit_init(&bus, 0xf4, 4), 0);
	ck_assert_int_eq(bus.stop, 0);
	bus_pio_write(&bus, 0xf4, 4, 0x21);
	ck_assert_int_eq(bus.stop, BUS_STOP_DEBUG_EXIT);
	ck_assert_int_eq(bus.exit_status, 0x43);
}
END_TEST

START_TEST(e9_console)
{
	ck_assert_int_eq(e9_init(&bus, &out), 0);
	ck_assert_uint_eq(bus_pio_read(&bus, 0xe9, 1), 0xe9);
	bus_pio_write(&bus, 0xe9, 1, 'Z');
	chardev_flush(&out);
	char c;
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	ck_assert_int_eq(c, 'Z');
}
END_TEST

int main(void)
{
	Suite *s = suite_create("uart");
	TCase *t = tcase_create("regs");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, transmit_reaches_chardev);
	tcase_add_test(t, divisor_latch);
	tcase_add_test(t, loopback_probe);
	tcase_add_test(t, iir_thre_and_fifo);
	tcase_add_test(t, receiver_capacity_and_flow);
	tcase_add_test(t, scratch);
	tcase_add_test(t, debug_exit_status);
	tcase_add_test(t, e9_console);
	suite_add_tcase(s, t);
	return check_run(s);
}
