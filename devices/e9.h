/*
 * devices/e9.h — the port 0xE9 console (Bochs' "port e9 hack", QEMU's
 * -debugcon): every byte written goes to the host's standard output.
 */
#ifndef MMULAB_DEVICES_E9_H
#define MMULAB_DEVICES_E9_H

#include "devices/bus.h"
#include "devices/chardev.h"

#define E9_PORT 0xe9

/* Claim port 0xE9: writes send their low byte to `out`, reads return 0xE9
 * (so a guest can detect the console).  `out` must outlive the bus.
 * Returns 0, or -1 when the bus's port table is full. */
int e9_init(struct bus *b, struct chardev *out);

#endif
