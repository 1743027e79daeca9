/*
 * devices/debugexit.h — QEMU's isa-debug-exit device (iobase 0xf4, iosize
 * 4): a guest ends the run, and chooses mmulab's exit status, with one OUT.
 */
#ifndef MMULAB_DEVICES_DEBUGEXIT_H
#define MMULAB_DEVICES_DEBUGEXIT_H

#include <stdint.h>

#include "devices/bus.h"

#define DEBUGEXIT_BASE 0xf4
#define DEBUGEXIT_SIZE 4

/* Claim ports base..base+size-1: a write of value v (of any width) stops
 * the machine with exit status (v << 1) | 1, as QEMU exits.  Returns 0, or
 * -1 when the bus's port table is full. */
int debugexit_init(struct bus *b, uint16_t base, uint16_t size);

#endif
