/*
 * firmware/mptable.c — Intel MultiProcessor Specification 1.4 tables
 * (chapter 4): the 16-byte floating pointer structure "_MP_" in the BIOS
 * ROM area, and the configuration table "PCMP" it points at, with its
 * entries in the order §4.3 requires:
 *
 *   processor (20 bytes)  one per CPU: APIC ID, version 14H, enabled, the
 *                         first one flagged bootstrap processor
 *   bus (8)               bus 0 "ISA"
 *   I/O APIC (8)          ID 0, version 20H, at FEC00000H
 *   I/O interrupt (8)     ISA IRQ 0 -> pin 2, IRQ 1, 3-15 -> pin n
 *   local interrupt (8)   ExtINT -> LINT0, NMI -> LINT1, all processors
 */
#include "firmware/pctables.h"

#include <stdio.h>
#include <string.h>

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

int mptable_build(struct bus *b, int ncpus, char *err, size_t errlen)
{
	int nint = 15, nentries = ncpus + 1 + 1 + nint + 2;
	uint32_t len = 44 + 20 * (uint32_t)ncpus + 8 * (uint32_t)(nentries - ncpus);
	uint8_t *fp = bus_ram_range(b, PCT_MPFP_ADDR, 16);
	uint8_t *t = bus_ram_range(b, PCT_MPC_ADDR, len);
	if (!fp || !t || PCT_MPC_ADDR + len > 0x100000) {
		snprintf(err, errlen, "no room for the MP tables");
		return -1;
	}
	memset(t, 0, len);
	memcpy(t, "PCMP", 4);
	put16(t + 4, (uint16_t)len);
	t[6] = 4; /* specification revision 1.4 */
	memcpy(t + 8, "MMULAB  ", 8);
	memcpy(t + 16, "MMULAB PC   ", 12);
	put16(t + 34, (uint16_t)nentries);
	put32(t + 36, 0xfee00000u);
	uint8_t *e = t + 44;
	for (int i = 0; i < ncpus; i++, e += 20) {
		e[0] = 0;
		e[1] = (uint8_t)i;
		e[2] = 0x14;
		e[3] = (uint8_t)(1 | (i == 0 ? 2 : 0)); /* EN, BP */
		put32(e + 4, 0x000806f8u); /* CPUID signature: family/model */
		put32(e + 8, 0x00000201u); /* feature flags: FPU, APIC */
	}
	e[0] = 1;
	e[1] = 0;
	memcpy(e + 2, "ISA   ", 6);
	e += 8;
	e[0] = 2;
	e[1] = 0;
	e[2] = 0x20;
	e[3] = 1; /* usable */
	put32(e + 4, 0xfec00000u);
	e += 8;
	for (int irq = 0; irq < 16; irq++) {
		if (irq == 2)
			continue; /* the cascade: no ISA device */
		e[0] = 3;
		e[1] = 0;       /* INT */
		put16(e + 2, 0); /* conforming polarity and trigger */
		e[4] = 0;       /* source bus ISA */
		e[5] = (uint8_t)irq;
		e[6] = 0;       /* I/O APIC ID */
		e[7] = (uint8_t)(irq == 0 ? 2 : irq);
		e += 8;
	}
	for (int lint = 0; lint < 2; lint++, e += 8) {
		e[0] = 4;
		e[1] = (uint8_t)(lint == 0 ? 3 : 1); /* ExtINT, NMI */
		put16(e + 2, 0);
		e[4] = 0;
		e[5] = 0;
		e[6] = 0xff; /* all local APICs */
		e[7] = (uint8_t)lint;
	}
	t[7] = pct_checksum(t, len);

	memset(fp, 0, 16);
	memcpy(fp, "_MP_", 4);
	put32(fp + 4, PCT_MPC_ADDR);
	fp[8] = 1;   /* length in 16-byte units */
	fp[9] = 4;   /* revision 1.4 */
	fp[10] = pct_checksum(fp, 16);
	return 0;
}
