/*
 * emu/viz/walkview.c — the page-walk panel: the shown vCPU's last walk
 * as its walk_step events told it, or a walk the user asked for (a typed
 * address, a clicked frame, walk=ADDR), which pgtree.c reads without
 * setting an A or D bit or touching the TLB.  The linear address split
 * into its index fields (9 bits per level in PAE and IA-32e paging, 10 in
 * 32-bit paging, then the offset), then one line per paging-structure
 * entry, top level first: its name, physical address, raw value and
 * decoded bits, with the A and D bits the MMU's walk set in magenta; then
 * where the walk ended: the physical address, page size and the rights
 * the levels combine to, or the entry that was not present, or the page
 * fault the walk raised with its error code decoded.  In slow motion (key
 * a) a walk appears one level at a time.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const level_names[] = { "?", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

static const char *level_name(int lv)
{
	return level_names[lv >= 1 && lv <= 5 ? lv : 0];
}

void viz_request_walk(struct viz *v, uint64_t la)
{
	v->req = 1;
	v->req_fixed = 0;
	v->req_la = la;
	v->anim_gen = v->gen;
}

int viz_walk_steps_shown(struct viz *v, const struct viz_walk *w)
{
	if (!v->slowmo || !v->win)
		return w->n;
	if (!w->soft && v->anim_walk != v->cpus[v->cpu].walks) {
		v->anim_walk = v->cpus[v->cpu].walks;
		v->anim_gen = v->gen;
	}
	int k = 1 + (int)((v->gen - v->anim_gen) / LEVEL_FRAMES);
	return k < w->n ? k : w->n;
}

/* Where the MMU's own walk ended, read from its last entry: fills in
 * done, pa, size and the combined rights like a soft walk. */
static void finish_observed(struct viz_walk *w, const struct viz_space *s)
{
	int user = 1, write = 1, nx = 0, wide = s->mode != PGM_32;
	const uint64_t mask = ((1ull << MMU_MAXPHYADDR) - 1) & ~0xfffull;
	for (int i = 0; i < w->n; i++) {
		uint64_t e = w->s[i].val;
		int lv = w->s[i].level;
		if (!(e & PTE_P)) {
			w->not_present = lv;
			return;
		}
		if (!(s->mode == PGM_PAE && lv == 3)) {
			user = user && (e & PTE_U);
			write = write && (e & PTE_W);
		}
		nx = nx || (s->nxe && wide && (e & PTE_NX));
		int leaf = lv == 1 || (lv <= 3 && (e & PTE_PS) && !(s->mode == PGM_PAE && lv == 3) &&
				       (s->mode != PGM_32 || (lv == 2 && s->pse)));
		if (leaf && i == w->n - 1) {
			uint64_t size = 1ull << (12 + (lv - 1) * (wide ? 9 : 10));
			uint64_t base = wide ? e & mask : lv == 2 ? (e & 0xffc00000u) |
				((e >> 13) & 0xff) << 32 : e & 0xfffff000u;
			w->pa = (base & ~(size - 1)) | (w->la & (size - 1));
			w->size = size;
			w->user = user;
			w->write = write;
			w->nx = nx;
			w->done = 1;
		}
	}
}

static void fields(struct fb *f, const struct viz_walk *w, const struct viz_space *s)
{
	int wide = s->mode != PGM_32, top = viz_space_top(s), last = 1;
	int x = fb_text(f, WALK_X, WALK_LINE_Y(1), COL_TEXT, "fields:");
	for (int lv = top; lv >= 1; lv--) {
		int shift = 12 + (lv - 1) * (wide ? 9 : 10);
		uint64_t idx = (w->la >> shift) & (wide ? (lv == 3 && s->mode == PGM_PAE ? 3 : 511) : 1023);
		x = fb_printf(f, x + FONT_W, WALK_LINE_Y(1), viz_hue((uint32_t)lv, 0), "%s[%" PRIu64 "]",
			      level_name(lv), idx);
		last = lv;
		if (w->done && w->size == 1ull << shift)
			break;
	}
	int oshift = 12 + (last - 1) * (wide ? 9 : 10);
	fb_printf(f, x + FONT_W, WALK_LINE_Y(1), COL_TEXT, "offset %#" PRIx64,
		  (uint64_t)(w->la & ((1ull << oshift) - 1)));
}

static void entry_line(struct fb *f, int y, int lv, uint64_t pa, uint64_t e, uint64_t set)
{
	static const struct { uint64_t bit; const char *name; } bits[] = {
		{ PTE_P, "P" }, { PTE_W, "W" }, { PTE_U, "U" }, { PTE_PWT, "PWT" },
		{ PTE_PCD, "PCD" }, { PTE_A, "A" }, { PTE_D, "D" }, { PTE_PS, "PS" },
		{ PTE_G, "G" }, { PTE_NX, "XD" },
	};
	int x = fb_printf(f, WALK_X, y, COL_TEXT, "%-5s @%012" PRIx64 " = %016" PRIx64,
			  level_name(lv), pa, e);
	for (unsigned k = 0; k < sizeof(bits) / sizeof(bits[0]); k++)
		if (e & bits[k].bit)
			x = fb_text(f, x + FONT_W, y, (set & bits[k].bit) ? COL_AD_SET : COL_TEXT,
				    bits[k].name);
	if (!(e & PTE_P))
		x = fb_text(f, x + FONT_W, y, COL_FAULT, "not present");
	if (set)
		fb_text(f, x + FONT_W, y, COL_AD_SET, "(set by this walk)");
}

static void result(struct fb *f, int y, const struct viz_walk *w)
{
	if (w->faulted) {
		fb_printf(f, WALK_X, y, COL_FAULT, "#PF error %#x: %s, %s, %s%s%s", w->error,
			  (w->error & PF_ERR_P) ? "protection" : "not present",
			  (w->error & PF_ERR_W) ? "write" : "read",
			  (w->error & PF_ERR_U) ? "user" : "supervisor",
			  (w->error & PF_ERR_RSVD) ? ", reserved bit" : "",
			  (w->error & PF_ERR_I) ? ", fetch" : "");
	} else if (w->done) {
		uint64_t sz = w->size >> 10;
		fb_printf(f, WALK_X, y, COL_MAP_USER, "-> pa %012" PRIx64 ", %" PRIu64 "%s page, %s, %s, %s",
			  w->pa, sz >= 1024 ? sz >> 10 : sz, sz >= 1024 ? "M" : "K",
			  w->user ? "user" : "supervisor only", w->write ? "writable" : "read-only",
			  w->nx ? "no execute" : "executable");
	} else if (w->not_present) {
		fb_printf(f, WALK_X, y, COL_FAULT, "-> %s not present: any access faults (#PF, P=0)",
			  level_name(w->not_present));
	}
}

void viz_draw_walk(struct viz *v)
{
	struct fb *f = &v->fb;
	struct viz_space s;
	struct viz_walk soft, observed;
	const struct viz_walk *w;
	if (v->req) {
		if (v->req_fixed)
			s = v->req_space;
		else
			viz_space_of(&v->m->cpus[v->cpu].mmu, &s);
		viz_soft_walk(&v->m->bus, &s, v->req_la, &soft);
		w = &soft;
		fb_printf(f, WALK_X, WALK_Y, COL_TITLE, "walk of %" PRIx64 " asked for "
			  "(read only: no A/D set, TLB untouched)%s", v->req_la, v->win ? "; l: last" : "");
	} else {
		viz_space_of(&v->m->cpus[v->cpu].mmu, &s);
		observed = v->cpus[v->cpu].walk;
		finish_observed(&observed, &s);
		w = &observed;
		fb_printf(f, WALK_X, WALK_Y, COL_TITLE, "last page walk on cpu%d%s", v->cpu,
			  v->slowmo && v->win ? " (slow motion: a level at a time)" : "");
	}
	if (v->entry) {
		fb_fill(f, WALK_X, WALK_Y - 1, EVENTS_X - 16 - WALK_X, LINE_H, COL_BG);
		fb_printf(f, WALK_X, WALK_Y, COL_FLASH_FILL, "walk address: 0x%s_   "
			  "(hex; Enter walks, Esc cancels)", v->entry_text);
	}
	if (v->req && s.mode == PGM_OFF) {
		fb_text(f, WALK_X, WALK_LINE_Y(0), COL_TEXT, "(paging is off: linear = physical)");
		return;
	}
	if (!w->n) {
		fb_text(f, WALK_X, WALK_LINE_Y(0), COL_TEXT, "(no walk yet)");
		return;
	}
	fb_printf(f, WALK_X, WALK_LINE_Y(0), COL_TEXT, "la=%016" PRIx64 "  CR3=%016" PRIx64,
		  w->la, v->req ? w->cr3 : v->m->cpus[v->cpu].mmu.ctl.cr3);
	fields(f, w, &s);
	int n = viz_walk_steps_shown(v, w);
	for (int i = 0; i < n; i++)
		entry_line(f, WALK_LINE_Y(2 + i), w->s[i].level, w->s[i].pa, w->s[i].val,
			   w->s[i].set);
	if (n == w->n)
		result(f, WALK_LINE_Y(2 + w->n), w);
}
