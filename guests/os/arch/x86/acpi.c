/*
 * acpi.c — the processors the firmware describes, from the ACPI tables
 * (ACPI 6.4 §5.2):
 *
 *   RSDP (§5.2.5)  "RSD PTR " on a 16-byte boundary in the first KiB of the
 *                  EBDA (its segment is the word at 40EH) or in the BIOS
 *                  area E0000H-FFFFFH; the first 20 bytes sum to 0;
 *                  revision 2 and later add the XSDT's address (offset 24,
 *                  checked by the 36-byte extended checksum)
 *   XSDT / RSDT    a header of 36 bytes, then 64-bit (XSDT) or 32-bit (RSDT)
 *                  addresses of the other tables
 *   MADT "APIC"    (§5.2.12) after the header the local APIC address (4
 *                  bytes) and flags (4), then entries of (type, length):
 *                  type 0 Processor Local APIC: UID, APIC ID, flags (bit 0
 *                  Enabled, bit 1 Online Capable)
 *
 * Tables lie in RAM the memory map calls reserved (mmulab and QEMU both
 * put them in the last 128 KiB) or in the BIOS area: read through the
 * direct map, or through an uncached mapping of their own when they lie
 * above it.
 */
#include "kernel.h"
#include "mm.h"
#include "pgtable.h"
#include "smp.h"

void *ioremap_2m(phys_addr_t pa);

/* The kernel address of physical address pa (len bytes, within one 2 MiB page). */
static const u8 *acpi_map(phys_addr_t pa)
{
	if (pa < ALIGN(PFN_PHYS(max_pfn), PMD_SIZE))
		return __va(pa);
	return ioremap_2m(pa);
}

static bool acpi_checksum_ok(const u8 *p, u32 len)
{
	u8 sum = 0;

	for (u32 i = 0; i < len; i++)
		sum += p[i];
	return sum == 0;
}

static const u8 *scan_rsdp(phys_addr_t start, phys_addr_t end)
{
	for (phys_addr_t pa = start; pa + 20 <= end; pa += 16) {
		const u8 *p = acpi_map(pa);

		if (!memcmp(p, "RSD PTR ", 8) && acpi_checksum_ok(p, 20) && (p[15] < 2 || acpi_checksum_ok(p, 36)))
			return p;
	}
	return NULL;
}

static const u8 *find_rsdp(void)
{
	phys_addr_t ebda = (phys_addr_t)*(const u16 *)acpi_map(0x40e) << 4;
	const u8 *rsdp = NULL;

	if (ebda >= 0x80000 && ebda < 0xa0000)
		rsdp = scan_rsdp(ebda, ebda + 1024);
	return rsdp ? rsdp : scan_rsdp(0xe0000, 0x100000);
}

/* The table with this signature, through the XSDT (revision >= 2) or the RSDT. */
static const u8 *acpi_get_table(const u8 *rsdp, const char *sig)
{
	bool xsdt = rsdp[15] >= 2;
	u64 sdt_pa = xsdt ? *(const u64 *)(rsdp + 24) : *(const u32 *)(rsdp + 16);
	const u8 *sdt = acpi_map(sdt_pa);
	u32 len = *(const u32 *)(sdt + 4), step = xsdt ? 8 : 4;

	if (!acpi_checksum_ok(sdt, len))
		return NULL;
	for (u32 off = 36; off + step <= len; off += step) {
		u64 pa = xsdt ? *(const u64 *)(sdt + off) : *(const u32 *)(sdt + off);
		const u8 *t = acpi_map(pa);

		if (!memcmp(t, sig, 4) && acpi_checksum_ok(t, *(const u32 *)(t + 4)))
			return t;
	}
	return NULL;
}

int acpi_parse_madt(u32 *apicids, int max)
{
	const u8 *rsdp = find_rsdp(), *madt;
	u32 len;
	int n = 0;

	if (!rsdp || !(madt = acpi_get_table(rsdp, "APIC")))
		return 0;
	len = *(const u32 *)(madt + 4);
	for (u32 off = 44; off + 2 <= len && madt[off + 1] >= 2; off += madt[off + 1]) {
		const u8 *e = madt + off;

		if (e[0] == 0 && (e[4] & 1) && n < max)	/* Processor Local APIC, Enabled */
			apicids[n++] = e[3];
	}
	return n;
}
