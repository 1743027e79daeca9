/*
 * firmware/e820.c — the memory map, entry for entry what SeaBIOS reports
 * under qemu-system-x86_64 7.2 (pc machine, default qemu64 CPU), as read by
 * a probe kernel booted with -m 2, 16, 128, 1G and 3G:
 *
 *   0x0          - 0x9fc00       usable    conventional memory
 *   0x9fc00      - 0xa0000       reserved  extended BIOS data area
 *   0xf0000      - 0x100000      reserved  BIOS ROM
 *   0x100000     - RAM end-128K  usable
 *   RAM end-128K - RAM end       reserved  SeaBIOS's high tables
 *   0xfffc0000   - 4 GiB         reserved  BIOS flash mapping
 *   0xfd00000000 - 1 TiB         reserved  HyperTransport hole (QEMU adds it
 *                                          for its AMD-vendor default CPU)
 */
#include "firmware/e820.h"

int e820_build(uint64_t ram_size, struct e820_entry *map)
{
	const uint64_t high_tables = 0x20000;
	int n = 0;
	map[n++] = (struct e820_entry){ 0, 0x9fc00, E820_RAM };
	map[n++] = (struct e820_entry){ 0x9fc00, 0x400, E820_RESERVED };
	map[n++] = (struct e820_entry){ 0xf0000, 0x10000, E820_RESERVED };
	map[n++] = (struct e820_entry){ 0x100000, ram_size - high_tables - 0x100000,
					E820_RAM };
	map[n++] = (struct e820_entry){ ram_size - high_tables, high_tables,
					E820_RESERVED };
	map[n++] = (struct e820_entry){ 0xfffc0000, 0x40000, E820_RESERVED };
	map[n++] = (struct e820_entry){ 0xfd00000000ull, 0x300000000ull,
					E820_RESERVED };
	return n;
}
