/*
 * firmware/e820.h — the PC's physical memory map as the BIOS reports it
 * (INT 15h, AX=E820h), for Multiboot's mmap and, later, ACPI.
 */
#ifndef MMULAB_FIRMWARE_E820_H
#define MMULAB_FIRMWARE_E820_H

#include <stdint.h>

#define E820_RAM 1
#define E820_RESERVED 2

#define E820_MAX 8

struct e820_entry {
	uint64_t addr, len;
	uint32_t type;
};

/* Fill `map` (E820_MAX entries) with the map of a machine with `ram_size`
 * bytes of RAM from address 0 (ram_size >= 2 MiB, below 3.5 GiB) and return
 * the number of entries. */
int e820_build(uint64_t ram_size, struct e820_entry *map);

#endif
