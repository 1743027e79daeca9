/*
 * devices/pcmisc.c — the 8042's idle face, port 92H, the CRTC registers.
 * See pcmisc.h.
 */
#include "devices/pcmisc.h"

#include <string.h>

uint32_t pcmisc_io_read(void *opaque, uint16_t port, int size)
{
	struct pcmisc *p = opaque;
	switch (port) {
	case 0x60: return 0;
	case 0x64: return KBC_STATUS_IDLE;
	case 0x92: return p->port92 | 2; /* bit 1: A20 enabled */
	case 0x3d4: return p->crtc_index;
	case 0x3d5: return p->crtc_index < 32 ? p->crtc[p->crtc_index] : 0xff;
	case 0x3da:
		p->retrace ^= 9; /* bit 3 vertical retrace, bit 0 display off */
		return p->retrace;
	default: return 0xff;
	}
}

void pcmisc_io_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct pcmisc *p = opaque;
	switch (port) {
	case 0x64:
		p->kbc_cmd = (uint8_t)val;
		break;
	case 0x92:
		p->port92 = (uint8_t)val & ~1u; /* bit 0 (reset) is not kept */
		break;
	case 0x3d4:
		p->crtc_index = (uint8_t)val;
		break;
	case 0x3d5:
		if (p->crtc_index < 32)
			p->crtc[p->crtc_index] = (uint8_t)val;
		break;
	default:
		break; /* 0x60: data for a command nobody answers */
	}
}

int pcmisc_init(struct pcmisc *p, struct bus *b)
{
	memset(p, 0, sizeof(*p));
	/* Text mode 3 as the BIOS leaves it: cursor scan lines 6-7 (BDA
	 * 460H holds 0607H), cursor at the top left. */
	p->crtc[0x0a] = 0x06;
	p->crtc[0x0b] = 0x07;
	if (bus_register_pio(b, 0x60, 1, p, pcmisc_io_read, pcmisc_io_write) != 0 ||
	    bus_register_pio(b, 0x64, 1, p, pcmisc_io_read, pcmisc_io_write) != 0 ||
	    bus_register_pio(b, 0x92, 1, p, pcmisc_io_read, pcmisc_io_write) != 0 ||
	    bus_register_pio(b, 0x3d4, 2, p, pcmisc_io_read, pcmisc_io_write) != 0 ||
	    bus_register_pio(b, 0x3da, 1, p, pcmisc_io_read, pcmisc_io_write) != 0)
		return -1;
	return 0;
}
