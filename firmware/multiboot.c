/*
 * firmware/multiboot.c — builds the Multiboot information structure in
 * guest RAM, following the layout documented in multiboot.h.
 *
 * The space QEMU reserves for command lines is computed from the raw
 * -initrd string (its length plus one), not from the unescaped module
 * command lines, so the boot loader name lands at the same address as under
 * QEMU even when ",," escapes shorten them.  mem_lower and mem_upper are
 * derived from the memory map as QEMU's option ROM derives them: mem_lower
 * from the first entry (INT 12h), mem_upper as the usable RAM contiguous
 * from 1 MiB.
 */
#include "firmware/multiboot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "firmware/e820.h"

static const char boot_loader_name[] = "qemu";

#define PAGE_ALIGN(x) (((x) + 0xfffull) & ~0xfffull)

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Usable RAM contiguous from 1 MiB, in KiB, walking the map in order. */
static uint32_t upper_kib(const struct e820_entry *map, int n)
{
	uint64_t end = 0x100000;
	for (int i = 0; i < n; i++) {
		const struct e820_entry *e = &map[i];
		if (e->type != E820_RAM || e->addr >> 32)
			continue;
		uint64_t top = e->addr + e->len;
		if (e->addr <= end && end < top)
			end = top;
	}
	return (uint32_t)((end - 0x100000) >> 10);
}

static int write_map(struct bus *b, uint32_t *length, uint32_t *lower,
		     uint32_t *upper)
{
	struct e820_entry map[E820_MAX];
	int n = e820_build(b->ram_size, map);
	uint8_t *p = bus_ram_range(b, MB_MMAP_ADDR, (uint64_t)n * MB_MMAP_ENTRY);
	if (!p)
		return -1;
	for (int i = 0; i < n; i++, p += MB_MMAP_ENTRY) {
		put32(p, MB_MMAP_ENTRY - 4);
		put32(p + 4, (uint32_t)map[i].addr);
		put32(p + 8, (uint32_t)(map[i].addr >> 32));
		put32(p + 12, (uint32_t)map[i].len);
		put32(p + 16, (uint32_t)(map[i].len >> 32));
		put32(p + 20, map[i].type);
	}
	*length = (uint32_t)n * MB_MMAP_ENTRY;
	*lower = (uint32_t)(map[0].len >> 10);
	*upper = upper_kib(map, n);
	return 0;
}

int64_t mb_build_info(struct bus *b, const struct mb_boot *boot, char *err,
		      size_t errlen)
{
	uint64_t base = boot->load_addr;
	uint64_t off_mods = PAGE_ALIGN((uint64_t)boot->kernel_size);
	uint64_t nmods = boot->initrd ? (uint64_t)boot->nmods : 0;
	uint64_t cmdline_len = strlen(boot->kernel_path) + 1 + strlen(boot->append) + 1;
	if (boot->initrd)
		cmdline_len += strlen(boot->initrd) + 1;
	uint64_t off_cmdlines = off_mods + nmods * MB_MOD_SIZE;
	uint64_t off_loader = off_cmdlines + cmdline_len;
	uint64_t size = PAGE_ALIGN(off_loader + sizeof(boot_loader_name));
	uint64_t *mod_at = calloc(nmods ? nmods : 1, sizeof(*mod_at));
	if (!mod_at) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (uint64_t i = 0; i < nmods; i++) {
		mod_at[i] = size;
		size = PAGE_ALIGN(size + boot->mods[i].size);
	}

	/* Everything from the end of the kernel to the last module. */
	uint8_t *area = bus_ram_range(b, base, size);
	if (!area || base + size > 0xffffffffull) {
		snprintf(err, errlen,
			 "kernel, command lines and modules (0x%llx-0x%llx) do not "
			 "fit in RAM (%llu MiB)",
			 (unsigned long long)base, (unsigned long long)(base + size),
			 (unsigned long long)(b->ram_size >> 20));
		free(mod_at);
		return -1;
	}
	memset(area + boot->kernel_size, 0, size - boot->kernel_size);

	uint64_t cursor = off_cmdlines;
	for (uint64_t i = 0; i < nmods; i++) {
		const struct mb_module *m = &boot->mods[i];
		size_t len = strlen(m->cmdline) + 1;
		memcpy(area + cursor, m->cmdline, len);
		memcpy(area + mod_at[i], m->data, m->size);
		uint8_t *ent = area + off_mods + i * MB_MOD_SIZE;
		put32(ent, (uint32_t)(base + mod_at[i]));
		put32(ent + 4, (uint32_t)(base + mod_at[i] + m->size));
		put32(ent + 8, (uint32_t)(base + cursor));
		cursor += len;
	}
	free(mod_at);
	uint64_t kcmd = cursor;
	snprintf((char *)area + kcmd, off_loader - kcmd, "%s %s", boot->kernel_path,
		 boot->append);
	memcpy(area + off_loader, boot_loader_name, sizeof(boot_loader_name));

	uint8_t *mbi = bus_ram_range(b, MB_INFO_ADDR, MBI_SIZE);
	uint32_t mmap_len, lower, upper;
	if (!mbi || write_map(b, &mmap_len, &lower, &upper) != 0) {
		snprintf(err, errlen, "RAM too small for the Multiboot information");
		return -1;
	}
	memset(mbi, 0, MBI_SIZE);
	put32(mbi + MBI_FLAGS, MBI_F_MEMORY | MBI_F_BOOT_DEVICE | MBI_F_CMDLINE |
				       MBI_F_MODS | MBI_F_MMAP | MBI_F_BOOT_LOADER_NAME);
	put32(mbi + MBI_MEM_LOWER, lower);
	put32(mbi + MBI_MEM_UPPER, upper);
	put32(mbi + MBI_BOOT_DEVICE, 0x8000ffffu); /* first BIOS disk, no partition */
	put32(mbi + MBI_CMDLINE, (uint32_t)(base + kcmd));
	put32(mbi + MBI_MODS_COUNT, (uint32_t)nmods);
	put32(mbi + MBI_MODS_ADDR, (uint32_t)(base + off_mods));
	put32(mbi + MBI_MMAP_LENGTH, mmap_len);
	put32(mbi + MBI_MMAP_ADDR, MB_MMAP_ADDR);
	put32(mbi + MBI_BOOT_LOADER_NAME, (uint32_t)(base + off_loader));
	return MB_INFO_ADDR;
}

int mb_split_initrd(const char *initrd, char ***out)
{
	int n = 1;
	for (const char *p = initrd; *p; p++) {
		if (p[0] == ',' && p[1] == ',')
			p++;
		else if (p[0] == ',')
			n++;
	}
	char **v = calloc((size_t)n, sizeof(*v));
	if (!v)
		return -1;
	const char *p = initrd;
	for (int i = 0; i < n; i++) {
		char *s = malloc(strlen(p) + 1);
		if (!s) {
			mb_free_split(v, i);
			return -1;
		}
		size_t k = 0;
		for (; *p; p++) {
			if (p[0] == ',' && p[1] == ',')
				p++;
			else if (p[0] == ',')
				break;
			s[k++] = *p;
		}
		s[k] = 0;
		v[i] = s;
		if (*p == ',')
			p++;
	}
	*out = v;
	return n;
}

void mb_free_split(char **v, int n)
{
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
