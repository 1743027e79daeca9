/*
 * demo.c — the guest `make run` boots: a short tour of what a kernel sees
 * after a Multiboot loader hands over.  It greets, prints the Multiboot
 * memory map and command line, shows the long-mode control registers, and
 * then walks its own page tables in software for two addresses — the way
 * the MMU does it in hardware (SDM vol. 3 §4.5) — printing every entry with
 * its flags.  It ends through isa-debug-exit with status 1 under QEMU.
 */
#include "guest.h"

static const char *const mmap_types[] = { "?", "available", "reserved", "ACPI reclaimable", "ACPI NVS", "bad" };

static void show_memory_map(const struct multiboot_info *mbi)
{
	if (mbi->flags & MBI_MEM)
		printf("memory: %u KiB below 1 MiB, %u KiB above\n", mbi->mem_lower, mbi->mem_upper);
	if (!(mbi->flags & MBI_MMAP)) {
		printf("no memory map from the loader\n");
		return;
	}
	printf("memory map (Multiboot):\n");
	for (uint64_t p = mbi->mmap_addr; p < (uint64_t)mbi->mmap_addr + mbi->mmap_length;) {
		const struct multiboot_mmap_entry *e = (const struct multiboot_mmap_entry *)p;

		printf("  %016lx - %016lx  %s\n", e->addr, e->addr + e->len - 1,
		       e->type < ARRAY_SIZE(mmap_types) ? mmap_types[e->type] : "other");
		p += e->size + 4;	/* `size` does not count itself */
	}
}

static void flags_of(uint64_t e, int leaf)
{
	if (!(e & PTE_P)) {
		printf(" (P=0: the other bits are free for software)");
		return;
	}
	printf("%s%s%s%s%s%s%s", e & PTE_P ? " P" : "", e & PTE_W ? " RW" : " RO", e & PTE_U ? " US" : " S",
	       e & PTE_A ? " A" : "", (leaf && (e & PTE_D)) ? " D" : "", e & PTE_PS ? " PS" : "", e & PTE_NX ? " XD" : "");
}

/*
 * The 4-level walk: CR3 -> PML4E (bits 47:39) -> PDPTE (38:30) -> PDE
 * (29:21) -> PTE (20:12); a PS = 1 entry at the PDPT or PD level ends it.
 */
static void page_walk(uint64_t va, const char *what)
{
	static const char *const names[] = { "", "PTE  ", "PDE  ", "PDPTE", "PML4E" };
	uint64_t table = READ_CR(3) & PTE_ADDR;

	printf("\npage walk of %#lx (%s):\n", va, what);
	printf("  CR3   = %016lx\n", READ_CR(3));
	for (int level = 4; level >= 1; level--) {
		unsigned index = (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
		uint64_t e = ((uint64_t *)table)[index];
		int leaf = level == 1 || ((level == 2 || level == 3) && (e & PTE_PS));

		printf("  %s [%3u] at %08lx = %016lx", names[level], index, table + 8 * index, e);
		flags_of(e, leaf);
		printf("\n");
		if (!(e & PTE_P)) {
			printf("  not present: a #PF with error code P=0\n");
			return;
		}
		if (leaf) {
			uint64_t size = 1ul << (12 + 9 * (level - 1));
			uint64_t pa = (e & PTE_ADDR & ~(size - 1)) | (va & (size - 1));

			printf("  -> %lu KiB page, physical address %#lx\n", size >> 10, pa);
			return;
		}
		table = e & PTE_ADDR;
	}
}

int kmain(struct multiboot_info *mbi)
{
	static const char greeting[] = "Hello from mmulab's demo guest!";

	printf("%s\n", greeting);
	printf("Multiboot magic %#lx, info at %#lx\n", mb_magic, mb_info);
	printf("command line: \"%s\"\n", cmdline());
	show_memory_map(mbi);

	uint32_t r[4];
	char vendor[13];

	cpuid(0, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = 0;
	printf("CPU vendor: %s\n", vendor);
	printf("\nlong mode: CR0=%#lx CR4=%#lx EFER=%#lx CS=%#x\n", READ_CR(0), READ_CR(4), rdmsr(MSR_EFER), read_cs());

	page_walk((uint64_t)greeting, "the greeting string, in a 2 MiB page");
	map_page(0x00007F0000001000ul, (uint64_t)greeting & ~0xFFFul, PTE_P | PTE_NX);
	page_walk(0x00007F0000001000ul + ((uint64_t)greeting & 0xFFF), "the same bytes through a 4 KiB read-only XD alias");
	printf("  reads back: \"%s\"\n", (const char *)(0x00007F0000001000ul + ((uint64_t)greeting & 0xFFF)));
	page_walk(0x00007F0000200000ul, "nothing mapped there");

	printf("\nbye (isa-debug-exit)\n");
	return EXIT_PASS;
}
