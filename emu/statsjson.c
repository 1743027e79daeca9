/*
 * emu/statsjson.c — `--stats=FILE.json`: every always-on counter of every
 * vCPU written as JSON when the run ends.  Only deterministic figures go
 * in (no wall-clock time), so two runs of the same command line, or a run
 * with and without the host-pointer fast path, give identical files.
 *
 * Per vCPU: instructions retired; per TLB level (itlb, dtlb, stlb) lookups
 * and misses; per array (L1 arrays, STLB, paging-structure caches) its
 * geometry, entries valid at the end, hits, fills, evictions and invalidations by cause; walks, walk
 * memory references, A/D writes, page faults in all and by error code.
 */
#include "emu/emu.h"

#include <inttypes.h>
#include <stdio.h>

static uint64_t level_hits(const struct mmu *u, int lvl)
{
	static const int first[] = { TLB_ITLB_4K, TLB_DTLB_4K, TLB_STLB };
	static const int last[] = { TLB_ITLB_2M, TLB_DTLB_1G, TLB_STLB_1G };
	uint64_t h = 0;
	for (int a = first[lvl]; a <= last[lvl]; a++)
		h += u->tlb.a[a].st.hits;
	return h;
}

static void write_cpu(FILE *f, const struct cpu *c)
{
	const struct mmu *u = &c->mmu;
	static const char *const lv[] = { "itlb", "dtlb", "stlb" };
	fprintf(f, "    {\n      \"cpu\": %d,\n      \"instructions\": %" PRIu64 ",\n",
		c->id, c->icount);
	fprintf(f, "      \"levels\": {");
	for (int l = 0; l < 3; l++) {
		uint64_t h = level_hits(u, l);
		fprintf(f, "%s\n        \"%s\": { \"lookups\": %" PRIu64
			", \"misses\": %" PRIu64 " }", l ? "," : "", lv[l],
			h + u->stats.misses[l], u->stats.misses[l]);
	}
	fprintf(f, "\n      },\n      \"arrays\": {");
	for (int a = 0; a < TLB_NARRAYS; a++) {
		const struct tlb_array *arr = &u->tlb.a[a];
		fprintf(f, "%s\n        \"%s\": { \"entries\": %d, \"ways\": %d, "
			"\"valid\": %d, \"hits\": %" PRIu64 ", \"fills\": %" PRIu64
			", \"evictions\": %" PRIu64 ", \"invalidations\": {",
			a ? "," : "", tlb_array_name(a), arr->sets * arr->ways,
			arr->ways, arr->nvalid, arr->st.hits, arr->st.fills,
			arr->st.evictions);
		for (int k = 0; k < INV_NCAUSES; k++)
			fprintf(f, "%s \"%s\": %" PRIu64, k ? "," : "",
				tlb_cause_name(k), arr->st.inval[k]);
		fprintf(f, " } }");
	}
	fprintf(f, "\n      },\n      \"walks\": %" PRIu64 ",\n      \"walk_refs\": %"
		PRIu64 ",\n      \"ad_writes\": %" PRIu64 ",\n      \"page_faults\": %"
		PRIu64 ",\n      \"page_faults_by_error\": {", u->stats.walks,
		u->stats.walk_refs, u->stats.ad_writes, u->stats.faults);
	int first = 1;
	for (int e = 0; e < 64; e++)
		if (u->stats.pf_by_error[e]) {
			fprintf(f, "%s \"%#x\": %" PRIu64, first ? "" : ",", e,
				u->stats.pf_by_error[e]);
			first = 0;
		}
	fprintf(f, " }\n    }");
}

int stats_write_json(const struct machine *m, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "{\n  \"mmulab\": \"%s\",\n  \"cpus\": [\n", MMULAB_VERSION);
	for (int i = 0; i < m->ncpus; i++) {
		write_cpu(f, &m->cpus[i]);
		fprintf(f, "%s\n", i + 1 < m->ncpus ? "," : "");
	}
	fprintf(f, "  ]\n}\n");
	return fclose(f) == 0 ? 0 : -1;
}
