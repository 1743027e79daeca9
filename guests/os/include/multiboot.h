/*
 * multiboot.h — what a Multiboot v1 loader hands the kernel (Multiboot
 * specification 0.6.96, §3.3): the information structure EBX points to,
 * its memory map entries and its module list.  Addresses are physical.
 */
#ifndef OS_MULTIBOOT_H
#define OS_MULTIBOOT_H

#include "types.h"

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002
#define MULTIBOOT_INFO_MEMORY	(1u << 0)
#define MULTIBOOT_INFO_CMDLINE	(1u << 2)
#define MULTIBOOT_INFO_MODS	(1u << 3)
#define MULTIBOOT_INFO_MEM_MAP	(1u << 6)
#define MULTIBOOT_MEMORY_AVAILABLE 1

struct multiboot_info {
	u32 flags;
	u32 mem_lower, mem_upper;
	u32 boot_device;
	u32 cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
} __attribute__((packed));

/* One memory-map entry; `size` does not count itself. */
struct multiboot_mmap_entry {
	u32 size;
	u64 addr, len;
	u32 type;
} __attribute__((packed));

struct multiboot_mod_list {
	u32 mod_start, mod_end;	/* [start, end) */
	u32 cmdline;
	u32 pad;
};

#endif
