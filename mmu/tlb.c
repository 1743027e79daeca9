/*
 * mmu/tlb.c — TLB geometry: presets, the --tlb syntax, allocation, names.
 *
 * The default geometry is that of an Intel Skylake core, as the Intel 64
 * and IA-32 Architectures Optimization Reference Manual lists it (§2.2,
 * "Skylake microarchitecture", TLB parameters table):
 *
 *   L1 ITLB  4 KiB pages       128 entries, 8-way
 *            2/4 MiB pages       8 entries, fully associative (per thread)
 *   L1 DTLB  4 KiB pages        64 entries, 4-way
 *            2/4 MiB pages      32 entries, 4-way
 *            1 GiB pages         4 entries, fully associative
 *   STLB     4 KiB + 2 MiB    1536 entries, 12-way
 *            1 GiB pages        16 entries, 4-way
 *
 * Intel documents no sizes for the paging-structure caches; mmulab's
 * choice, after the measurements in the literature on Intel MMU caches, is
 * PML5E 2, PML4E 4 and PDPTE 4 entries (fully associative) and a PDE cache
 * of 32 entries, 4-way.  The "tiny" preset, for teaching, has 8 entries
 * 2-way wherever Skylake has more, so that evictions are easy to watch.
 */
#include "mmu/tlb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const array_names[TLB_NARRAYS] = {
	"itlb4k", "itlb2m", "dtlb4k", "dtlb2m", "dtlb1g", "stlb", "stlb1g",
	"pml5", "pml4", "pdpt", "pd",
};

static const char *const cause_names[INV_NCAUSES] = {
	"invlpg", "invpcid0", "invpcid1", "invpcid2", "invpcid3",
	"cr3", "cr4", "cr0", "pagefault",
};

static const struct tlb_geometry skylake = {
	.entries = { 128, 8, 64, 32, 4, 1536, 16, 2, 4, 4, 32 },
	.ways = { 8, 8, 4, 4, 4, 12, 4, 2, 4, 4, 4 },
};

static const struct tlb_geometry tiny = {
	.entries = { 8, 4, 8, 4, 2, 16, 4, 2, 2, 2, 4 },
	.ways = { 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2 },
};

const char tlb_help[] =
	"  --tlb SPEC          TLB geometry: a preset, skylake (default) or tiny\n"
	"                      (8 entries 2-way, for watching evictions), then\n"
	"                      optional ,ARRAY=ENTRIES:WAYS items; ARRAY is one\n"
	"                      of itlb4k itlb2m dtlb4k dtlb2m dtlb1g stlb stlb1g\n"
	"                      (TLBs) pml5 pml4 pdpt pd (paging-structure\n"
	"                      caches); 0 entries removes an array; entries /\n"
	"                      ways must be a power of two (the sets).\n"
	"                      e.g. --tlb tiny,stlb=0:0  --tlb skylake,pd=0:0\n";

const char *tlb_array_name(int a)
{
	return a >= 0 && a < TLB_NARRAYS ? array_names[a] : "?";
}

const char *tlb_cause_name(int cause)
{
	return cause >= 0 && cause < INV_NCAUSES ? cause_names[cause] : "?";
}

static int find_array(const char *name, size_t len)
{
	for (int a = 0; a < TLB_NARRAYS; a++)
		if (strlen(array_names[a]) == len &&
		    strncmp(array_names[a], name, len) == 0)
			return a;
	return -1;
}

int tlb_parse_geometry(const char *spec, struct tlb_geometry *g, char *err,
		       int errlen)
{
	*g = skylake;
	if (!spec || !*spec)
		return 0;
	const char *p = spec;
	size_t n = strcspn(p, ",");
	if (n == 7 && strncmp(p, "skylake", 7) == 0) {
		*g = skylake;
	} else if (n == 4 && strncmp(p, "tiny", 4) == 0) {
		*g = tiny;
	} else if (memchr(p, '=', n) == NULL) {
		snprintf(err, errlen, "--tlb: unknown preset '%.*s' (skylake, tiny)",
			 (int)n, p);
		return -1;
	} else {
		n = 0; /* no preset named: items start at once */
	}
	p += n;
	while (*p) {
		if (*p == ',')
			p++;
		size_t len = strcspn(p, ",");
		const char *eq = memchr(p, '=', len);
		int a = eq ? find_array(p, (size_t)(eq - p)) : -1;
		unsigned entries, ways;
		char tail;
		char item[64];
		snprintf(item, sizeof(item), "%.*s", (int)len, p);
		const char *val = eq ? strchr(item, '=') + 1 : "";
		if (a < 0 || sscanf(val, "%u:%u%c", &entries, &ways, &tail) != 2 ||
		    (entries && (!ways || entries % ways ||
				 ((entries / ways) & (entries / ways - 1)))) ||
		    entries > 65536) {
			snprintf(err, errlen,
				 "--tlb: bad item '%s' (ARRAY=ENTRIES:WAYS, "
				 "ENTRIES / WAYS a power of two)", item);
			return -1;
		}
		g->entries[a] = (int)entries;
		g->ways[a] = entries ? (int)ways : 0;
		p += len;
	}
	return 0;
}

int tlb_init(struct tlb *t, const struct tlb_geometry *g)
{
	memset(t, 0, sizeof(*t));
	for (int a = 0; a < TLB_NARRAYS; a++) {
		struct tlb_array *arr = &t->a[a];
		if (g->entries[a] <= 0 || g->ways[a] <= 0)
			continue;
		arr->ways = g->ways[a];
		arr->sets = g->entries[a] / g->ways[a];
		arr->set_mask = (uint64_t)arr->sets - 1;
		arr->e = calloc((size_t)g->entries[a], sizeof(*arr->e));
		if (!arr->e) {
			tlb_free(t);
			return -1;
		}
		for (int i = 0; i < g->entries[a]; i++) {
			arr->e[i].array = (uint8_t)a;
			arr->e[i].key = TLB_NOKEY;
		}
	}
	return 0;
}

void tlb_free(struct tlb *t)
{
	for (int a = 0; a < TLB_NARRAYS; a++) {
		free(t->a[a].e);
		t->a[a].e = NULL;
		t->a[a].sets = t->a[a].ways = 0;
	}
}
