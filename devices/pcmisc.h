/*
 * devices/pcmisc.h — what a PC offers that kernels quietly rely on:
 *
 *   0x60, 0x64   8042 keyboard controller: status reads idle (no byte to
 *                read, ready for one), data reads 0, commands are ignored
 *   0x92         "fast A20" system control port A: A20 reads enabled
 *   0x3D4/0x3D5  CGA/VGA CRTC index and data: the 25 registers keep what
 *                is written (the cursor position among them)
 *   0x3DA        input status 1: display-enable and retrace bits toggle
 *                with each read, so retrace waits end
 *
 * CGA text memory at 0xB8000 is ordinary RAM here (RAM covers the whole
 * first MiB), so text written there stays.
 */
#ifndef MMULAB_DEVICES_PCMISC_H
#define MMULAB_DEVICES_PCMISC_H

#include <stdint.h>

#include "devices/bus.h"

#define KBC_STATUS_IDLE 0x14 /* system flag, keyboard not inhibited */

struct pcmisc {
	uint8_t crtc_index;
	uint8_t crtc[32];
	uint8_t port92;
	uint8_t kbc_cmd;   /* last 8042 command */
	uint8_t retrace;
};

/* Claim the ports.  Returns 0 or -1 (bus full). */
int pcmisc_init(struct pcmisc *p, struct bus *b);

uint32_t pcmisc_io_read(void *opaque, uint16_t port, int size);
void pcmisc_io_write(void *opaque, uint16_t port, int size, uint32_t val);

#endif
