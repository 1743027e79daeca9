/*
 * setup.c — setup_arch(): what start_kernel() learns from the Multiboot
 * loader and turns into memory.  The command line and the module list are
 * copied first (the loader left them in RAM nobody reserved); the memory
 * map becomes memblock.memory; low memory (the first MiB, as Linux
 * reserves it), the kernel image and the initrd become memblock.reserved;
 * max_pfn is the end of the highest RAM range; then paging_init() builds
 * the real page tables.
 */
#include "asm.h"
#include "kernel.h"
#include "memblock.h"
#include "mm.h"
#include "multiboot.h"
#include "pgtable.h"
#include "setup.h"

char boot_command_line[COMMAND_LINE_SIZE];
phys_addr_t initrd_start, initrd_end;
extern char _phys_load_start[], _phys_bss_end[];

static const char *e820_type(u32 type)
{
	switch (type) {
	case 1: return "usable";
	case 3: return "ACPI data";
	case 4: return "ACPI NVS";
	case 5: return "unusable";
	default: return "reserved";
	}
}

const char *cmdline_get(const char *key, char *buf, size_t size)
{
	size_t k = strlen(key);

	for (const char *p = boot_command_line; *p; p++) {
		if ((p == boot_command_line || p[-1] == ' ') && !strncmp(p, key, k) && p[k] == '=') {
			size_t n = 0;

			for (p += k + 1; *p && *p != ' ' && n + 1 < size; p++)
				buf[n++] = *p;
			buf[n] = '\0';
			return buf;
		}
	}
	return NULL;
}

void setup_arch(unsigned long mbi_phys)
{
	const struct multiboot_info *mbi = __va(mbi_phys);
	phys_addr_t end_of_ram = 0;

	if (mbi->flags & MULTIBOOT_INFO_CMDLINE)
		strncpy(boot_command_line, __va(mbi->cmdline), COMMAND_LINE_SIZE - 1);
	if ((mbi->flags & MULTIBOOT_INFO_MODS) && mbi->mods_count) {
		const struct multiboot_mod_list *mod = __va(mbi->mods_addr);

		initrd_start = mod->mod_start;
		initrd_end = mod->mod_end;
	}
	printk("Command line: %s\n", boot_command_line);
	if (!(mbi->flags & MULTIBOOT_INFO_MEM_MAP))
		panic("the boot loader gave no memory map");

	printk("BIOS-provided physical RAM map:\n");
	for (unsigned long off = 0; off < mbi->mmap_length;) {
		const struct multiboot_mmap_entry *e = __va(mbi->mmap_addr + off);

		printk("multiboot: [mem %#018lx-%#018lx] %s\n", (unsigned long)e->addr,
		       (unsigned long)(e->addr + e->len - 1), e820_type(e->type));
		if (e->type == MULTIBOOT_MEMORY_AVAILABLE) {
			memblock_add(e->addr, e->len);
			end_of_ram = max(end_of_ram, (phys_addr_t)ALIGN_DOWN(e->addr + e->len, PAGE_SIZE));
		}
		off += e->size + 4;
	}
	max_pfn = PFN_DOWN(end_of_ram);
	printk("last_pfn = %#lx max_arch_pfn = 0x400000000\n", max_pfn);

	memblock_reserve(0, 1ul << 20, PAGE_KIND_RESERVED, "low memory (BIOS, real-mode trampolines)");
	memblock_reserve((phys_addr_t)_phys_load_start, (phys_addr_t)(_phys_bss_end - _phys_load_start),
			 PAGE_KIND_KERNEL, "kernel image");
	if (initrd_end > initrd_start) {
		memblock_reserve(initrd_start, initrd_end - initrd_start, PAGE_KIND_FILE, "initrd");
		printk("RAMDISK: [mem %#010lx-%#010lx]\n", (unsigned long)initrd_start,
		       (unsigned long)(initrd_end - 1));
	}
	paging_init();
}
