/*
 * emu/viz/memview.c — the physical memory panel: a cell per 4 KiB frame,
 * twice.  Left, the guest's view from the ownership channel
 * (devices/ownership.h): kind, and for anonymous and file pages a hue per
 * owning process.  Right, what the MMU sees: the page tables of every
 * address space the visualiser knows (viz_known_spaces: each vCPU's
 * current CR3 and the CR3 values loaded lately whose tables the guest has
 * not freed), read by pgtree.c (no A/D bit set, no TLB touched, nothing
 * counted), marking the frames that hold paging structures and the frames
 * they map, for user or for supervisor only.  A frame is drawn bright
 * when the shown vCPU's current CR3 alone makes it what it is drawn as,
 * dim when only other recently loaded CR3s do (the page tables of a
 * process that is not running, the pages only it maps for user).
 *
 * Work is bounded: the tables shared by several address spaces (a
 * kernel half) are read once per map, since a subtree reached again at
 * the same level with the same user/supervisor right marks the same
 * frames; all spaces together read at most MMU_VIEW_BUDGET entries; and
 * in the window the map is remade at most every 12th frame.  Instead of the
 * MMU's view the right map can show an overlay (key o, overlay=): heat
 * from recent accesses (state.c) or the A and D bits of the leaf entries
 * that map each frame.  Beside them the legend, with process names as
 * the guest reported them, and what the guest reported of its processes.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <string.h>

#define MMU_VIEW_BUDGET (4l << 20) /* entries read per map, all spaces */

struct view {
	uint8_t *map;
	uint16_t *seen; /* tables read for this map: bit per (level, user) */
	uint64_t nframes;
	int cur;        /* marking the shown vCPU's current CR3 */
};

static int more_telling(int k, int than)
{
	return than != MV_PGTABLE && (k == MV_PGTABLE || k > than);
}

static void mark(struct view *t, uint64_t pa, uint64_t len, int what, int bits)
{
	uint64_t f = pa >> 12, end = (pa + len) >> 12;
	for (; f < end && f < t->nframes; f++) {
		unsigned b = t->map[f];
		unsigned k = b & MV_KIND, c = MV_CUR(b);
		if (more_telling(what, (int)k))
			k = (unsigned)what;
		if (t->cur && more_telling(what, (int)c))
			c = (unsigned)what;
		t->map[f] = (uint8_t)((b & ~(MV_KIND | MV_KIND << MV_CUR_SHIFT)) | k |
				      c << MV_CUR_SHIFT | (unsigned)bits);
	}
}

static int on_table(void *opaque, uint64_t pa, int level, int user)
{
	struct view *t = opaque;
	uint64_t f = pa >> 12;
	uint16_t bit = (uint16_t)(1u << ((level - 1) * 2 + (user != 0)));
	if (f < t->nframes) {
		if (t->seen[f] & bit)
			return 1; /* read already for this map: its frames are marked */
		t->seen[f] |= bit;
	}
	mark(t, pa, 4096, MV_PGTABLE, 0);
	return 0;
}

static int on_leaf(void *opaque, const struct viz_leaf *l)
{
	int bits = MV_LEAF | ((l->entry & PTE_A) ? MV_A : 0) | ((l->entry & PTE_D) ? MV_D : 0);
	mark(opaque, l->pa, l->size, l->user ? MV_USER : MV_SUPER, bits);
	return 0;
}

/* Remake v->mmu_map from the known address spaces, the shown vCPU's
 * current one first (the only one whose tables are read with t.cur). */
static void mmu_view(struct viz *v)
{
	struct machine *m = v->m;
	struct viz_space sp[MACHINE_MAX_CPUS + VIZ_SPACES];
	struct view t = { .map = v->mmu_map, .seen = v->mmu_seen,
			  .nframes = m->ownership.nframes };
	int n = viz_known_spaces(v, v->cpu, sp);
	long budget = MMU_VIEW_BUDGET;
	memset(t.map, MV_NONE, t.nframes);
	memset(t.seen, 0, t.nframes * sizeof(*t.seen));
	struct viz_space cur;
	viz_space_of(&m->cpus[v->cpu].mmu, &cur);
	v->mmu_spaces = 0;
	for (int i = 0; i < n && budget > 0; i++) {
		/* (Entries are read as the space's paging mode says: tables
		 * seen in another mode are read again.) */
		if (i && sp[i].mode != sp[i - 1].mode)
			memset(t.seen, 0, t.nframes * sizeof(*t.seen));
		t.cur = sp[i].cr3 == cur.cr3 && sp[i].mode == cur.mode;
		budget -= viz_tree_walk(&m->bus, &sp[i], budget, on_leaf, on_table, &t);
		v->mmu_spaces++;
	}
}

static const uint32_t mv_colour[] = { COL_UNMAPPED, COL_MAP_SUPER, COL_MAP_USER, COL_PGTABLE };
static const uint32_t mv_colour_recent[] = { COL_UNMAPPED, COL_MAP_SUPER_RECENT,
					     COL_MAP_USER_RECENT, COL_PGTABLE_RECENT };

static uint32_t mmu_colour(const struct viz *v, uint64_t p, uint64_t fpc)
{
	uint64_t n = v->m->ownership.nframes;
	int best = 0, bright = 0;
	unsigned bits = 0, heat = 0;
	/* A cell of several frames shows the most telling of them, bright
	 * if the current CR3 makes one of those what it is. */
	for (uint64_t q = p; q < p + fpc && q < n; q++) {
		int k = v->mmu_map[q] & MV_KIND, mine = MV_CUR(v->mmu_map[q]) == k;
		if (q == p || more_telling(k, best)) {
			best = k;
			bright = mine;
		} else if (k == best && mine) {
			bright = 1;
		}
		bits |= v->mmu_map[q];
		if (v->heat[q] > heat)
			heat = v->heat[q];
	}
	switch (v->overlay) {
	case OVERLAY_HEAT:
		return layout_heat_colour(heat);
	case OVERLAY_AD:
		if (!(bits & MV_LEAF))
			return COL_UNMAPPED;
		return (bits & MV_D) ? COL_AD_D : (bits & MV_A) ? COL_AD_A : COL_AD_NONE;
	default:
		return bright ? mv_colour[best] : mv_colour_recent[best];
	}
}

static void swatch(struct fb *f, int x, int y, uint32_t c, const char *fmt,
		   uint64_t n)
{
	fb_fill(f, x, y, 8, 7, c);
	fb_printf(f, x + 12, y, COL_TEXT, fmt, n);
}

static int processes(struct viz *v, int y)
{
	struct fb *f = &v->fb;
	const struct ownership *o = &v->m->ownership;
	enum { NP = 10 };
	uint32_t pids[NP];
	uint64_t np[NP];
	int n = 0;
	for (uint64_t i = 0; i < o->nframes; i++) {
		if (o->kind[i] != OWN_ANON && o->kind[i] != OWN_FILE)
			continue;
		int j;
		for (j = 0; j < n && pids[j] != o->pid[i]; j++)
			;
		if (j == n && n < NP) {
			pids[n] = o->pid[i];
			np[n++] = 0;
		}
		if (j < n)
			np[j]++;
	}
	fb_text(f, LEGEND_X, y, COL_TITLE, "processes (anon / file)");
	y += LINE_H;
	for (int j = 0; j < n; j++, y += LINE_H) {
		const char *name = ownership_comm(o, pids[j]);
		fb_fill(f, LEGEND_X, y, 4, 7, viz_kind_colour(OWN_ANON, pids[j]));
		fb_fill(f, LEGEND_X + 4, y, 4, 7, viz_kind_colour(OWN_FILE, pids[j]));
		fb_printf(f, LEGEND_X + 12, y, COL_TEXT, "%u %-12s %" PRIu64, pids[j],
			  name ? name : "?", np[j]);
	}
	if (!n) {
		fb_text(f, LEGEND_X, y, COL_TEXT, "(none reported)");
		y += LINE_H;
	}
	return y;
}

static void legend(struct viz *v)
{
	struct fb *f = &v->fb;
	const struct ownership *o = &v->m->ownership;
	static const char *const kinds[] = { "free", "kernel", "slab", "page table",
					     "anon", "file", "zero page", "reserved" };
	uint64_t counts[OWN_NR_KINDS];
	ownership_count(o, counts);
	int y = MEM_Y;
	fb_text(f, LEGEND_X, y - 12, COL_TITLE, "guest's view (frames)");
	for (int k = 0; k < OWN_NR_KINDS; k++, y += LINE_H) {
		char fmt[40];
		snprintf(fmt, sizeof(fmt), "%-10s %%" PRIu64, kinds[k]);
		swatch(f, LEGEND_X, y, k == OWN_ANON || k == OWN_FILE ? COL_TEXT
			: viz_kind_colour(k, 0), fmt, counts[k]);
	}
	y = processes(v, y + 2);
	fb_printf(f, LEGEND_X, y, COL_TEXT, "oom kills %" PRIu64 "  signalled %" PRIu64
		  "  exits %" PRIu64, v->oom_kills, v->exits_signal, v->exits);
	y += LINE_H + 2;
	uint64_t mc[4] = { 0 }, recent[4] = { 0 }, ad[3] = { 0 };
	for (uint64_t i = 0; i < o->nframes; i++) {
		int k = v->mmu_map[i] & MV_KIND;
		mc[k]++;
		recent[k] += MV_CUR(v->mmu_map[i]) != k;
		if (v->mmu_map[i] & MV_LEAF)
			ad[(v->mmu_map[i] & MV_D) ? 2 : (v->mmu_map[i] & MV_A) ? 1 : 0]++;
	}
	if (v->overlay == OVERLAY_HEAT) {
		fb_text(f, LEGEND_X, y, COL_TITLE, "heat: recent accesses");
		for (int i = 0; i < 8; i++)
			fb_fill(f, LEGEND_X + i * 8, y + LINE_H, 8, 7, layout_heat_colour(i ? i * 32 + 31 : 0));
		fb_text(f, LEGEND_X + 70, y + LINE_H, COL_TEXT, "cold .. hot");
		fb_printf(f, LEGEND_X, y + 2 * LINE_H, COL_TEXT, "halves every %d ms", HEAT_HALF_MS);
		return;
	}
	if (v->overlay == OVERLAY_AD) {
		fb_printf(f, LEGEND_X, y, COL_TITLE, "A/D bits, %d address spaces", v->mmu_spaces);
		swatch(f, LEGEND_X, y + LINE_H, COL_AD_D, "dirty %" PRIu64, ad[2]);
		swatch(f, LEGEND_X, y + 2 * LINE_H, COL_AD_A, "accessed %" PRIu64, ad[1]);
		swatch(f, LEGEND_X, y + 3 * LINE_H, COL_AD_NONE, "neither %" PRIu64, ad[0]);
		return;
	}
	/* Bright: as the shown vCPU's CR3 has it; dim: as only the other
	 * recently loaded CR3s have it (their count in brackets). */
	fb_printf(f, LEGEND_X, y, COL_TITLE, "MMU's view: cpu%d CR3 + %d recent", v->cpu,
		  v->mmu_spaces > 0 ? v->mmu_spaces - 1 : 0);
	static const char *const what[] = { "not mapped", "mapped, supervisor", "mapped, user",
					     "paging structure" };
	for (int k = MV_PGTABLE, i = 1; k >= MV_NONE; k--, i++) {
		int ly = y + i * LINE_H;
		fb_fill(f, LEGEND_X, ly, 4, 7, mv_colour[k]);
		fb_fill(f, LEGEND_X + 4, ly, 4, 7, mv_colour_recent[k]);
		if (k == MV_NONE)
			fb_printf(f, LEGEND_X + 12, ly, COL_TEXT, "%s %" PRIu64, what[k], mc[k]);
		else
			fb_printf(f, LEGEND_X + 12, ly, COL_TEXT, "%s %" PRIu64 " (%" PRIu64 ")",
				  what[k], mc[k], recent[k]);
	}
}

uint64_t viz_frame_at(const struct viz *v, int x, int y)
{
	uint64_t n = v->m->ownership.nframes, fpc;
	int cs;
	layout_mem_scale(n, &cs, &fpc);
	int x0 = x >= MEM_X1 ? MEM_X1 : MEM_X0;
	if (x < x0 || x >= x0 + MEM_COLS * cs || y < MEM_Y)
		return ~0ull;
	uint64_t c = (uint64_t)((y - MEM_Y) / cs) * MEM_COLS + (uint64_t)((x - x0) / cs);
	return c * fpc < n ? c * fpc : ~0ull;
}

static const char *const overlay_names[] = { "what the MMU sees", "heat", "A/D bits" };

void viz_draw_memory(struct viz *v)
{
	struct fb *f = &v->fb;
	const struct ownership *o = &v->m->ownership;
	int cs;
	uint64_t fpc;
	layout_mem_scale(o->nframes, &cs, &fpc);
	/* The tree walk is the dearest part of a frame: in the window, while
	 * the guest runs, redo it at most every 12th frame (or when the vCPU
	 * shown changed); paused or ended, once for the state it stopped in. */
	uint64_t icount = machine_icount(v->m);
	if (!v->win || v->mmu_view_cpu != v->cpu || (icount != v->mmu_view_icount &&
	    (v->gen - v->mmu_view_gen >= 12 || v->paused || v->ended))) {
		mmu_view(v);
		v->mmu_view_cpu = v->cpu;
		v->mmu_view_gen = v->gen;
		v->mmu_view_icount = icount;
	}
	fb_printf(f, MEM_X0, MEM_Y - 12, COL_TITLE,
		  "physical memory, guest's view: %" PRIu64 " frames, %" PRIu64 " per cell",
		  o->nframes, fpc);
	fb_printf(f, MEM_X1, MEM_Y - 12, COL_TITLE, "%s: cpu%d CR3=%" PRIx64,
		  overlay_names[v->overlay], v->cpu, v->m->cpus[v->cpu].mmu.ctl.cr3);
	for (uint64_t p = 0; p < o->nframes; p += fpc) {
		int x, y;
		uint32_t c[2] = { viz_kind_colour(o->kind[p], o->pid[p]), mmu_colour(v, p, fpc) };
		for (int map = 0; map < 2; map++) {
			layout_mem_cell(o->nframes, map, p, &x, &y, &cs);
			uint32_t *px = f->px + (size_t)y * (size_t)f->w + (size_t)x;
			for (int j = 0; j < cs; j++, px += f->w)
				for (int i = 0; i < cs; i++)
					px[i] = c[map];
		}
	}
	if (v->sel_pfn < o->nframes) {
		for (int map = 0; map < 2; map++) {
			int x, y;
			layout_mem_cell(o->nframes, map, v->sel_pfn, &x, &y, &cs);
			fb_frame(f, x - 2, y - 2, cs + 4, cs + 4, COL_SELECTED);
		}
	}
	legend(v);
}
