/*
 * firmware/acpi.c — ACPI tables (ACPI 6.4 §5.2): a revision-2 RSDP in the
 * BIOS ROM area, pointing at both an RSDT (32-bit entries) and an XSDT
 * (64-bit entries), each listing the MADT.
 *
 * MADT (§5.2.12): local APIC address FEE00000H, flags PCAT_COMPAT (8259s
 * present), then
 *   type 0  Processor Local APIC, one per CPU: ACPI UID = APIC ID = index,
 *           flags Enabled
 *   type 1  I/O APIC: ID 0, address FEC00000H, GSI base 0
 *   type 2  Interrupt Source Override: ISA IRQ 0 -> GSI 2, conforming
 *   type 4  Local APIC NMI: all processors (UID FFH), LINT1
 */
#include "firmware/pctables.h"

#include <stdio.h>
#include <string.h>

#define ACPI_HDR 36

uint8_t pct_checksum(const uint8_t *p, size_t len)
{
	uint8_t s = 0;
	for (size_t i = 0; i < len; i++)
		s += p[i];
	return (uint8_t)-s;
}

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* System description table header (§5.2.6); checksum filled by seal(). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "MMULAB", 6);
	memcpy(t + 16, "MMULABPC", 8);
	put32(t + 24, 1);              /* OEM revision */
	memcpy(t + 28, "MMUL", 4);     /* creator ID */
	put32(t + 32, 1);              /* creator revision */
}

static void seal(uint8_t *t, uint32_t len)
{
	t[9] = 0;
	t[9] = pct_checksum(t, len);
}

int acpi_build(struct bus *b, int ncpus, char *err, size_t errlen)
{
	uint64_t base = b->ram_size - PCT_HIGH_TABLES;
	uint32_t madt_len = ACPI_HDR + 8 + 8 * (uint32_t)ncpus + 12 + 10 + 6;
	uint32_t rsdt_at = (uint32_t)base, xsdt_at = rsdt_at + 0x40,
		 madt_at = xsdt_at + 0x40;
	uint8_t *rsdt = bus_ram_range(b, rsdt_at, 0x80 + madt_len);
	uint8_t *rsdp = bus_ram_range(b, PCT_RSDP_ADDR, 36);
	if (!rsdt || !rsdp) {
		snprintf(err, errlen, "no room for the ACPI tables");
		return -1;
	}
	uint8_t *xsdt = rsdt + 0x40, *madt = rsdt + 0x80;
	memset(rsdt, 0, 0x80 + madt_len);

	header(madt, "APIC", madt_len, 1);
	put32(madt + 36, 0xfee00000u);
	put32(madt + 40, 1); /* PCAT_COMPAT */
	uint8_t *e = madt + 44;
	for (int i = 0; i < ncpus; i++, e += 8) {
		e[0] = 0;
		e[1] = 8;
		e[2] = (uint8_t)i; /* ACPI processor UID */
		e[3] = (uint8_t)i; /* APIC ID */
		put32(e + 4, 1);   /* Enabled */
	}
	e[0] = 1;
	e[1] = 12;
	e[2] = 0; /* I/O APIC ID */
	put32(e + 4, 0xfec00000u);
	put32(e + 8, 0);
	e += 12;
	e[0] = 2;
	e[1] = 10;
	e[2] = 0; /* bus: ISA */
	e[3] = 0; /* source IRQ 0 */
	put32(e + 4, 2);
	put16(e + 8, 0); /* conforming polarity and trigger */
	e += 10;
	e[0] = 4;
	e[1] = 6;
	e[2] = 0xff; /* all processors */
	put16(e + 3, 0);
	e[5] = 1; /* LINT1 */
	seal(madt, madt_len);

	header(rsdt, "RSDT", ACPI_HDR + 4, 1);
	put32(rsdt + 36, madt_at);
	seal(rsdt, ACPI_HDR + 4);
	header(xsdt, "XSDT", ACPI_HDR + 8, 1);
	put64(xsdt + 36, madt_at);
	seal(xsdt, ACPI_HDR + 8);

	/* RSDP (§5.2.5.3): checksum over the first 20 bytes, extended
	 * checksum over all 36. */
	memset(rsdp, 0, 36);
	memcpy(rsdp, "RSD PTR ", 8);
	memcpy(rsdp + 9, "MMULAB", 6);
	rsdp[15] = 2;
	put32(rsdp + 16, rsdt_at);
	put32(rsdp + 20, 36);
	put64(rsdp + 24, xsdt_at);
	rsdp[8] = pct_checksum(rsdp, 20);
	rsdp[32] = pct_checksum(rsdp, 36);
	return 0;
}
