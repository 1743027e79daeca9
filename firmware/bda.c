/*
 * firmware/bda.c — the BIOS data area at 0x400 as SeaBIOS fills it under
 * qemu-system-x86_64 7.2 (read with the QEMU monitor at kernel entry):
 *
 *   400H  COM1 base 3F8H          408H  LPT1 base 378H
 *   40EH  EBDA segment 9FC0H      410H  equipment word
 *   413H  base memory 639 KiB     449H  video mode 3, 80 columns
 *   44CH  page size 1000H         460H  cursor shape 0607H
 *   463H  CRTC base 3D4H          484H  rows - 1 = 24, char height 16
 *
 * and the first word of the EBDA: its size, 1 KiB.
 */
#include "firmware/pctables.h"

#include <string.h>

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

void bda_build(struct bus *b, int serial)
{
	uint8_t *bda = bus_ram_range(b, 0x400, 0x100);
	uint8_t *ebda = bus_ram_range(b, 0x9fc00, 0x400);
	if (!bda || !ebda)
		return;
	memset(bda, 0, 0x100);
	if (serial)
		put16(bda + 0x00, 0x3f8);
	put16(bda + 0x08, 0x378);
	put16(bda + 0x0e, 0x9fc0);
	/* Equipment word: what SeaBIOS reports without a serial port (4027H),
	 * plus the serial port count in bits 11:9. */
	put16(bda + 0x10, (uint16_t)(0x4027 | (serial ? 1u << 9 : 0)));
	put16(bda + 0x13, 639);
	bda[0x49] = 3;
	put16(bda + 0x4a, 80);
	put16(bda + 0x4c, 0x1000);
	put16(bda + 0x60, 0x0607);
	put16(bda + 0x63, 0x3d4);
	bda[0x84] = 24;
	bda[0x85] = 16;
	memset(ebda, 0, 0x400);
	put16(ebda, 1);
}
