/*
 * firmware/multiboot.h — what a Multiboot v1 boot loader hands the kernel:
 * the information structure (Multiboot specification 0.6.96 §3.3), built
 * exactly where and as qemu-system-x86_64 7.2 builds it for -kernel, so a
 * kernel sees the same addresses under mmulab and under QEMU.
 *
 * QEMU's layout, which mmulab reproduces:
 *
 *   0x9000          memory map (e820 entries, each preceded by its size)
 *   0x9500          the 88-byte information structure (EBX at entry)
 *   load_addr + K'  module list (16 bytes per module), where K' is the
 *                   kernel's size (load_addr .. end of bss) rounded up to
 *                   4 KiB; then the module command lines, the kernel command
 *                   line ("PATH APPEND": the kernel path as given, a space,
 *                   the -append string), and the boot loader name "qemu"
 *   next 4 KiB      each module's contents, each starting on a 4 KiB boundary
 */
#ifndef MMULAB_FIRMWARE_MULTIBOOT_H
#define MMULAB_FIRMWARE_MULTIBOOT_H

#include <stddef.h>
#include <stdint.h>

#include "devices/bus.h"

#define MB_HEADER_MAGIC 0x1badb002u     /* in the kernel image */
#define MB_BOOTLOADER_MAGIC 0x2badb002u /* in EAX at entry */
#define MB_HEADER_SEARCH 8192           /* header lies in the first 8 KiB */

/* Header flags (spec §3.1.2). */
#define MB_HF_PAGE_ALIGN (1u << 0)
#define MB_HF_MEMORY_INFO (1u << 1)
#define MB_HF_VIDEO_MODE (1u << 2)
#define MB_HF_AOUT_KLUDGE (1u << 16) /* load addresses are in the header */

/* Where QEMU puts the map and the information structure. */
#define MB_MMAP_ADDR 0x9000u
#define MB_INFO_ADDR 0x9500u

/* Information structure: byte offsets of its fields and its flags. */
enum {
	MBI_FLAGS = 0,
	MBI_MEM_LOWER = 4,
	MBI_MEM_UPPER = 8,
	MBI_BOOT_DEVICE = 12,
	MBI_CMDLINE = 16,
	MBI_MODS_COUNT = 20,
	MBI_MODS_ADDR = 24,
	MBI_MMAP_LENGTH = 44,
	MBI_MMAP_ADDR = 48,
	MBI_BOOT_LOADER_NAME = 64,
	MBI_SIZE = 88,
};
#define MBI_F_MEMORY (1u << 0)
#define MBI_F_BOOT_DEVICE (1u << 1)
#define MBI_F_CMDLINE (1u << 2)
#define MBI_F_MODS (1u << 3)
#define MBI_F_MMAP (1u << 6)
#define MBI_F_BOOT_LOADER_NAME (1u << 9)

#define MB_MOD_SIZE 16   /* mod_start, mod_end, string, reserved */
#define MB_MMAP_ENTRY 24 /* size (=20), base_addr, length, type */

/* One module, already read into host memory. */
struct mb_module {
	const uint8_t *data;
	uint32_t size;
	const char *cmdline; /* "FILE ARGS" as the -initrd element gave it */
};

/* What the loader found, and the command line around it. */
struct mb_boot {
	uint32_t load_addr;   /* lowest address of the kernel image */
	uint32_t kernel_size; /* load_addr .. end of bss, bytes */
	const char *kernel_path;   /* as given on mmulab's command line */
	const char *append;        /* -append string, "" when none */
	const char *initrd;        /* raw -initrd string, or NULL */
	const struct mb_module *mods;
	int nmods;
};

/*
 * Write the memory map, the module list, the command lines, the boot loader
 * name and the modules into guest RAM and the information structure at
 * MB_INFO_ADDR.  Returns MB_INFO_ADDR, or -1 with a one-line reason in
 * `err` when it does not fit in RAM.
 */
int64_t mb_build_info(struct bus *b, const struct mb_boot *boot, char *err,
		      size_t errlen);

/*
 * Split an -initrd string into module command lines as QEMU does: elements
 * are separated by ',' and ",," stands for a literal comma; the file name is
 * the element up to its first space.  Returns the number of elements and
 * stores a malloc'd array of malloc'd strings in `*out` (free with
 * mb_free_split), or -1 when out of memory.
 */
int mb_split_initrd(const char *initrd, char ***out);
void mb_free_split(char **v, int n);

#endif
