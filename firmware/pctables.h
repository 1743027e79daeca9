/*
 * firmware/pctables.h — the tables a PC's BIOS leaves in memory for a
 * kernel to find its CPUs, interrupt controllers and low memory:
 *
 *   BIOS data area   0x400: COM1/LPT1 ports, EBDA segment (40EH = 9FC0H),
 *                    equipment word, base memory in KiB (413H = 639),
 *                    text-mode fields; the 1 KiB EBDA at 0x9FC00
 *   ACPI             RSDP revision 2 at PCT_RSDP_ADDR (in the BIOS ROM
 *                    area 0xE0000-0xFFFFF where kernels scan for it); RSDT,
 *                    XSDT and MADT in the reserved last 128 KiB of RAM
 *   MP tables        Intel MultiProcessor Specification 1.4 floating
 *                    pointer at PCT_MPFP_ADDR and configuration table
 *                    after it: processors, ISA bus, I/O APIC, interrupt
 *                    assignments
 *
 * Both describe `ncpus` processors with local APIC IDs 0..ncpus-1, the
 * local APICs at 0xFEE00000, one I/O APIC (ID 0) at 0xFEC00000 with ISA
 * IRQ 0 on its pin 2 and IRQ n on pin n otherwise.
 */
#ifndef MMULAB_FIRMWARE_PCTABLES_H
#define MMULAB_FIRMWARE_PCTABLES_H

#include <stddef.h>
#include <stdint.h>

#include "devices/bus.h"

#define PCT_RSDP_ADDR 0xf0000u
#define PCT_MPFP_ADDR 0xf0040u
#define PCT_MPC_ADDR 0xf0100u
#define PCT_HIGH_TABLES 0x20000u /* the last 128 KiB of RAM (e820.c) */

/* Write the BIOS data area and the EBDA.  `serial`: COM1 is present. */
void bda_build(struct bus *b, int serial);

/* Write the ACPI tables.  Returns 0, or -1 with a reason in `err` (RAM
 * too small). */
int acpi_build(struct bus *b, int ncpus, char *err, size_t errlen);

/* Write the MP floating pointer and configuration table.  Returns 0, or
 * -1 with a reason in `err`. */
int mptable_build(struct bus *b, int ncpus, char *err, size_t errlen);

/* Byte sum helper: the value that makes `len` bytes at `p` sum to 0. */
uint8_t pct_checksum(const uint8_t *p, size_t len);

#endif
