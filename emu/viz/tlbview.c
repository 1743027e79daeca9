/*
 * emu/viz/tlbview.c — the TLB panel of the shown vCPU: every array (L1
 * iTLB and dTLB per page size, the STLB, the paging-structure caches)
 * drawn as sets x ways (sets across, ways down; a 4x4 cell per entry).
 * A valid entry is filled with its PCID's hue, a global one has a white
 * corner; an entry filled, evicted or invalidated in the last frames has
 * a green, red or yellow rim.  Beside them, the L1 hit rate and misses per
 * frame as a graph over the last samples, the counters, and the IPIs
 * between vCPUs (ipiview.c).
 */
#include "emu/viz/internal.h"

#include <inttypes.h>

static void draw_array(struct viz *v, const struct tlb_array *arr,
		       const uint32_t *flash, int x0, int y0)
{
	struct fb *f = &v->fb;
	for (int s = 0; s < arr->sets; s++)
		for (int w = 0; w < arr->ways; w++) {
			const struct tlb_entry *e = &arr->e[s * arr->ways + w];
			int x, y;
			layout_tlb_cell(x0, y0, arr->ways, s, w, &x, &y);
			fb_fill(f, x, y, 4, 4, e->valid ? viz_hue(e->pcid + 7, 0)
				: COL_TLB_EMPTY);
			if (e->valid && e->global)
				f->px[y * f->w + x + 3] = COL_GLOBAL;
			uint32_t fl = flash ? flash[s * arr->ways + w] : 0;
			if ((fl & 3) && v->gen - (fl >> 2) < v->flash_gens) {
				static const uint32_t col[] = { 0, COL_FLASH_FILL,
					COL_FLASH_EVICT, COL_FLASH_INVAL };
				fb_frame(f, x, y, 4, 4, col[fl & 3]);
			}
		}
}

static void graph(struct viz *v, const struct viz_cpu *c)
{
	struct fb *f = &v->fb;
	fb_text(f, GRAPH_X, GRAPH_Y - 12, COL_TITLE, "L1 hit rate / misses per frame");
	fb_frame(f, GRAPH_X - 1, GRAPH_Y - 1, GRAPH_W + 2, GRAPH_H + 2, COL_FREE);
	int n = c->nsamples < GRAPH_N ? c->nsamples : GRAPH_N;
	float maxm = 1;
	for (int i = 0; i < n; i++)
		if (c->mps[i] > maxm)
			maxm = c->mps[i];
	int px = -1, py = 0;
	for (int i = 0; i < n; i++) {
		int k = (c->nsamples - n + i) % GRAPH_N;
		int x = GRAPH_X + i;
		int mh = (int)((float)(GRAPH_H - 1) * c->mps[k] / maxm);
		fb_fill(f, x, GRAPH_Y + GRAPH_H - mh, 1, mh, COL_FLASH_EVICT);
		if (c->rate[k] < 0)
			continue;
		int y = GRAPH_Y + (int)((float)(GRAPH_H - 1) * (1.0f - c->rate[k]));
		if (px >= 0)
			fb_line(f, px, py, x, y, COL_FLASH_FILL);
		px = x;
		py = y;
	}
	fb_printf(f, GRAPH_X, GRAPH_Y + GRAPH_H + 4, COL_TEXT, "max %.0f misses/frame",
		  (double)maxm);
}

static void counters(struct viz *v, int cpu, const struct mmu *u, int y)
{
	struct fb *f = &v->fb;
	uint64_t h = 0, fills = 0, ev = 0, inv = 0;
	for (int a = 0; a < TLB_NARRAYS; a++) {
		const struct tlb_array_stats *st = &u->tlb.a[a].st;
		if (a <= TLB_STLB_1G)
			h += st->hits;
		fills += st->fills;
		ev += st->evictions;
		for (int k = 0; k < INV_NCAUSES; k++)
			inv += st->inval[k];
	}
	fb_printf(f, GRAPH_X, y, COL_TEXT, "hits %" PRIu64, h);
	fb_printf(f, GRAPH_X, y + LINE_H, COL_TEXT, "misses i%" PRIu64 " d%" PRIu64 " s%" PRIu64,
		  u->stats.misses[0], u->stats.misses[1], u->stats.misses[2]);
	fb_printf(f, GRAPH_X, y + 2 * LINE_H, COL_TEXT, "walks %" PRIu64 " refs %" PRIu64,
		  u->stats.walks, u->stats.walk_refs);
	fb_printf(f, GRAPH_X, y + 3 * LINE_H, COL_TEXT, "fills %" PRIu64 " evict %" PRIu64,
		  fills, ev);
	fb_printf(f, GRAPH_X, y + 4 * LINE_H, COL_TEXT, "invalidated %" PRIu64, inv);
	fb_printf(f, GRAPH_X, y + 5 * LINE_H, COL_TEXT, "A/D writes %" PRIu64 " #PF %" PRIu64,
		  u->stats.ad_writes, u->stats.faults);
	if (cpu < v->m->apics.n) {
		const struct lapic *l = &v->m->apics.apic[cpu];
		fb_printf(f, GRAPH_X, y + 6 * LINE_H, COL_TEXT, "IPIs sent %" PRIu64
			  " received %" PRIu64, l->ipis_sent, l->ipis_received);
	}
	y += LINE_H;
	fb_fill(f, GRAPH_X, y + 6 * LINE_H + 2, 4, 4, COL_FLASH_FILL);
	fb_text(f, GRAPH_X + 6, y + 6 * LINE_H, COL_TEXT, "fill");
	fb_fill(f, GRAPH_X + 40, y + 6 * LINE_H + 2, 4, 4, COL_FLASH_EVICT);
	fb_text(f, GRAPH_X + 46, y + 6 * LINE_H, COL_TEXT, "evict");
	fb_fill(f, GRAPH_X + 86, y + 6 * LINE_H + 2, 4, 4, COL_FLASH_INVAL);
	fb_text(f, GRAPH_X + 92, y + 6 * LINE_H, COL_TEXT, "inval");
	fb_fill(f, GRAPH_X + 132, y + 6 * LINE_H + 2, 4, 4, COL_GLOBAL);
	fb_text(f, GRAPH_X + 138, y + 6 * LINE_H, COL_TEXT, "global");
}

void viz_draw_tlb(struct viz *v)
{
	const struct mmu *u = &v->m->cpus[v->cpu].mmu;
	const struct viz_cpu *c = &v->cpus[v->cpu];
	int sets[TLB_NARRAYS], ways[TLB_NARRAYS], x[TLB_NARRAYS], y[TLB_NARRAYS];
	for (int a = 0; a < TLB_NARRAYS; a++) {
		sets[a] = u->tlb.a[a].sets;
		ways[a] = u->tlb.a[a].ways;
	}
	layout_tlb(TLB_NARRAYS, sets, ways, x, y);
	fb_printf(&v->fb, TLB_X, TLB_Y, COL_TITLE,
		  "TLB of cpu%d (PCID %u): sets across, ways down; colour = PCID",
		  v->cpu, (unsigned)mmu_pcid(u));
	for (int a = 0; a < TLB_NARRAYS; a++) {
		if (x[a] < 0)
			continue;
		const struct tlb_array *arr = &u->tlb.a[a];
		fb_printf(&v->fb, x[a], y[a] - LINE_H, COL_TEXT, "%s %d/%d", tlb_array_name(a),
			  arr->nvalid, arr->sets * arr->ways);
		draw_array(v, arr, c->flash[a], x[a], y[a]);
	}
	graph(v, c);
	counters(v, v->cpu, u, GRAPH_Y + GRAPH_H + 4 + 2 * LINE_H);
	viz_draw_ipis(v);
}
