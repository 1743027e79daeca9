/*
 * emu/viz/memview.c — the physical memory panel: a cell per 4 KiB frame,
 * twice.  Left, the guest's view from the ownership channel
 * (devices/ownership.h): kind, and for anonymous and file pages a hue per
 * owning process.  Right, what the MMU sees: the page tables of the shown
 * vCPU's current CR3, walked here read-only (plain reads of guest RAM, no
 * A/D bits set, no TLB touched, nothing counted), marking the frames that
 * hold paging structures and the frames they map, for user or for
 * supervisor only.  Beside them the legend, with process names as the
 * guest reported them.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <string.h>

struct tree {
	struct bus *bus;
	uint8_t *map;
	uint64_t nframes;
	int wide;     /* 8-byte entries (PAE, IA-32e) or 4-byte (32-bit) */
	int pse;      /* 32-bit paging: CR4.PSE */
	long budget;  /* entries still to look at (a guard against odd trees) */
};

#define ADDR_MASK 0x000ffffffffff000ull

static void mark(struct tree *t, uint64_t pa, uint64_t len, int what)
{
	for (uint64_t f = pa >> 12; f < (pa + len) >> 12 && f < t->nframes; f++)
		if (t->map[f] != MV_PGTABLE && (what == MV_PGTABLE || t->map[f] < what))
			t->map[f] = (uint8_t)what;
}

/* The paging structure at `table` for `level` (1: page table), reached
 * with user access allowed so far (`user`). */
static void walk_table(struct tree *t, uint64_t table, int level, int user)
{
	int n = t->wide ? 512 : 1024;
	const uint8_t *p = bus_ram_range(t->bus, table, 4096);
	if (!p)
		return;
	mark(t, table, 4096, MV_PGTABLE);
	for (int i = 0; i < n && t->budget > 0; i++, t->budget--) {
		uint64_t e = 0;
		memcpy(&e, p + i * (t->wide ? 8 : 4), t->wide ? 8 : 4);
		if (!(e & PTE_P))
			continue;
		int u = user && (e & PTE_U);
		int big = level == 1 || ((e & PTE_PS) && (t->wide ? level <= 3 : t->pse && level == 2));
		if (big) {
			uint64_t size = 1ull << (12 + (level - 1) * (t->wide ? 9 : 10));
			uint64_t base = t->wide ? (e & ADDR_MASK & ~(size - 1)) : (e & 0xfffff000u & ~(size - 1));
			mark(t, base, size, u ? MV_USER : MV_SUPER);
		} else {
			walk_table(t, t->wide ? e & ADDR_MASK : e & 0xfffff000u, level - 1, u);
		}
	}
}

/* Recompute v->mmu_map for the shown vCPU's current page tables. */
static void mmu_view(struct viz *v)
{
	struct machine *m = v->m;
	const struct mmu *u = &m->cpus[v->cpu].mmu;
	struct tree t = { .bus = &m->bus, .map = v->mmu_map,
			  .nframes = m->ownership.nframes, .budget = 4l << 20 };
	memset(v->mmu_map, MV_NONE, t.nframes);
	const struct mmu_ctl *c = &u->ctl;
	if (!(c->cr0 & CR0_PG))
		return;
	if (c->efer & EFER_LMA) {
		t.wide = 1;
		walk_table(&t, c->cr3 & ADDR_MASK, (c->cr4 & CR4_LA57) ? 5 : 4, 1);
	} else if (c->cr4 & CR4_PAE) {
		t.wide = 1;
		for (int i = 0; i < 4; i++)
			if (u->pdpte[i] & PTE_P)
				walk_table(&t, u->pdpte[i] & ADDR_MASK, 2, 1);
	} else {
		t.pse = (c->cr4 & CR4_PSE) != 0;
		walk_table(&t, c->cr3 & 0xfffff000u, 2, 1);
	}
}

static uint32_t mmu_colour(int what)
{
	static const uint32_t col[] = { COL_UNMAPPED, COL_MAP_SUPER, COL_MAP_USER, COL_PGTABLE };
	return col[what];
}

static void swatch(struct fb *f, int x, int y, uint32_t c, const char *fmt,
		   uint64_t n)
{
	fb_fill(f, x, y, 8, 7, c);
	fb_printf(f, x + 12, y, COL_TEXT, fmt, n);
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
	/* Processes owning anon or file frames, each with its hue. */
	enum { NP = 12 };
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
	y += 4;
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
	y += 4;
	uint64_t mc[4] = { 0 };
	for (uint64_t i = 0; i < o->nframes; i++)
		mc[v->mmu_map[i]]++;
	fb_printf(f, LEGEND_X, y, COL_TITLE, "MMU's view, cpu%d CR3", v->cpu);
	y += LINE_H;
	swatch(f, LEGEND_X, y, COL_PGTABLE, "paging structure %" PRIu64, mc[MV_PGTABLE]);
	swatch(f, LEGEND_X, y + LINE_H, COL_MAP_USER, "mapped, user %" PRIu64, mc[MV_USER]);
	swatch(f, LEGEND_X, y + 2 * LINE_H, COL_MAP_SUPER, "mapped, supervisor %" PRIu64,
	       mc[MV_SUPER]);
	swatch(f, LEGEND_X, y + 3 * LINE_H, COL_UNMAPPED, "not mapped %" PRIu64, mc[MV_NONE]);
}

void viz_draw_memory(struct viz *v)
{
	struct fb *f = &v->fb;
	const struct ownership *o = &v->m->ownership;
	int cs;
	uint64_t fpc;
	layout_mem_scale(o->nframes, &cs, &fpc);
	/* The tree walk is the dearest part of a frame: in the window, redo
	 * it six times a second (or when the vCPU shown changed). */
	if (!v->win || v->gen % 10 == 0 || v->mmu_view_cpu != v->cpu) {
		mmu_view(v);
		v->mmu_view_cpu = v->cpu;
	}
	fb_printf(f, MEM_X0, MEM_Y - 12, COL_TITLE,
		  "physical memory, guest's view: %" PRIu64 " frames, %" PRIu64 " per cell",
		  o->nframes, fpc);
	fb_printf(f, MEM_X1, MEM_Y - 12, COL_TITLE,
		  "what the MMU sees: cpu%d CR3=%" PRIx64, v->cpu,
		  v->m->cpus[v->cpu].mmu.ctl.cr3);
	for (uint64_t p = 0; p < o->nframes; p += fpc) {
		int x, y, best = MV_NONE;
		layout_mem_cell(o->nframes, 0, p, &x, &y, &cs);
		fb_fill(f, x, y, cs, cs, viz_kind_colour(o->kind[p], o->pid[p]));
		for (uint64_t q = p; q < p + fpc && q < o->nframes; q++)
			if (v->mmu_map[q] > best)
				best = v->mmu_map[q];
		layout_mem_cell(o->nframes, 1, p, &x, &y, &cs);
		fb_fill(f, x, y, cs, cs, mmu_colour(best));
	}
	legend(v);
}
