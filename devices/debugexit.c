/*
 * devices/debugexit.c — isa-debug-exit.  The exit status is always odd, so
 * it never collides with mmulab's own (even) statuses; the process status
 * keeps its low 8 bits, as with QEMU.
 */
#include "devices/debugexit.h"

static uint32_t debugexit_read(void *opaque, uint16_t port, int size)
{
	return 0;
}

static void debugexit_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct bus *b = opaque;
	bus_request_stop(b, BUS_STOP_DEBUG_EXIT, (int)((val << 1) | 1));
}

int debugexit_init(struct bus *b, uint16_t base, uint16_t size)
{
	return bus_register_pio(b, base, size, b, debugexit_read, debugexit_write);
}
