/*
 * emu/viz/walkview.c — the page-walk panel: the shown vCPU's last walk
 * as its walk_step events told it.  The linear address split into its
 * index fields (9 bits per level in PAE and IA-32e paging, 10 in 32-bit
 * paging, then the 12-bit offset), then one line per paging-structure
 * entry read, top level first: its name, physical address, raw value and
 * decoded bits, with the A and D bits this walk set in magenta, and the
 * page fault the walk ended in, if any, with its error code decoded.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <stdio.h>

static const char *const level_names[] = { "?", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };

void viz_draw_walk(struct viz *v)
{
	struct fb *f = &v->fb;
	const struct viz_walk *w = &v->cpus[v->cpu].walk;
	const struct mmu *u = &v->m->cpus[v->cpu].mmu;
	fb_printf(f, WALK_X, WALK_Y, COL_TITLE, "last page walk on cpu%d", v->cpu);
	if (!w->n) {
		fb_text(f, WALK_X, WALK_LINE_Y(0), COL_TEXT, "(no walk yet)");
		return;
	}
	int wide = (u->ctl.cr4 & CR4_PAE) || (u->ctl.efer & EFER_LMA);
	fb_printf(f, WALK_X, WALK_LINE_Y(0), COL_TEXT, "la=%016" PRIx64 "  CR3=%016" PRIx64,
		  w->la, u->ctl.cr3);
	/* Index fields, from the top level walked down to the offset. */
	int x = fb_text(f, WALK_X, WALK_LINE_Y(1), COL_TEXT, "fields:");
	for (int i = 0; i < w->n; i++) {
		int lv = w->s[i].level;
		int shift = 12 + (lv - 1) * (wide ? 9 : 10);
		uint64_t idx = (w->la >> shift) & (wide ? (lv == 3 && !(u->ctl.efer & EFER_LMA) ? 3 : 511) : 1023);
		x = fb_printf(f, x + FONT_W, WALK_LINE_Y(1), viz_hue((uint32_t)lv, 0), "%s[%" PRIu64 "]",
			      level_names[lv <= 5 && lv >= 1 ? lv : 0], idx);
	}
	int last = w->s[w->n - 1].level;
	int oshift = 12 + (last - 1) * (wide ? 9 : 10);
	fb_printf(f, x + FONT_W, WALK_LINE_Y(1), COL_TEXT, "offset %#" PRIx64,
		  (uint64_t)(w->la & ((1ull << oshift) - 1)));
	for (int i = 0; i < w->n; i++) {
		int lv = w->s[i].level, y = WALK_LINE_Y(2 + i);
		uint64_t e = w->s[i].val, set = w->s[i].set;
		x = fb_printf(f, WALK_X, y, COL_TEXT, "%-5s @%012" PRIx64 " = %016" PRIx64,
			      level_names[lv <= 5 && lv >= 1 ? lv : 0], w->s[i].pa, e);
		static const struct { uint64_t bit; const char *name; } bits[] = {
			{ PTE_P, "P" }, { PTE_W, "W" }, { PTE_U, "U" }, { PTE_PWT, "PWT" },
			{ PTE_PCD, "PCD" }, { PTE_A, "A" }, { PTE_D, "D" }, { PTE_PS, "PS" },
			{ PTE_G, "G" }, { PTE_NX, "XD" },
		};
		for (unsigned k = 0; k < sizeof(bits) / sizeof(bits[0]); k++)
			if (e & bits[k].bit)
				x = fb_text(f, x + FONT_W, y, (set & bits[k].bit) ? COL_AD_SET
					    : COL_TEXT, bits[k].name);
		if (!(e & PTE_P))
			x = fb_text(f, x + FONT_W, y, COL_FAULT, "not present");
		if (set)
			fb_text(f, x + FONT_W, y, COL_AD_SET, "(set by this walk)");
	}
	int y = WALK_LINE_Y(2 + w->n);
	if (w->faulted)
		fb_printf(f, WALK_X, y, COL_FAULT, "#PF error %#x: %s, %s, %s%s%s", w->error,
			  (w->error & PF_ERR_P) ? "protection" : "not present",
			  (w->error & PF_ERR_W) ? "write" : "read",
			  (w->error & PF_ERR_U) ? "user" : "supervisor",
			  (w->error & PF_ERR_RSVD) ? ", reserved bit" : "",
			  (w->error & PF_ERR_I) ? ", fetch" : "");
}
