/*
 * devices/e9.c — port 0xE9 console.  It shares the stdout chardev with the
 * UART when both go to stdout, so their bytes appear in the order the guest
 * wrote them.
 */
#include "devices/e9.h"

static uint32_t e9_read(void *opaque, uint16_t port, int size)
{
	return E9_PORT;
}

static void e9_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	chardev_write(opaque, (uint8_t)val);
}

int e9_init(struct bus *b, struct chardev *out)
{
	return bus_register_pio(b, E9_PORT, 1, out, e9_read, e9_write);
}
