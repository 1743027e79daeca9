/*
 * emu/viz/frameview.c — the frame inspector: for the frame under the
 * pointer (or the one clicked, or frame=PFN) its number, what the guest
 * says it is (kind and owner, from the ownership channel) and what the
 * MMU sees, then every virtual address that maps it: a reverse lookup
 * over the page tables of the address spaces the visualiser knows — the
 * current CR3 of every vCPU and the CR3 values recently written (the
 * observer's cr3 event) — read by pgtree.c, so nothing in the guest
 * changes.  A CR3 whose root frame the guest has since reported as free
 * or reused for data is dropped: its tables are gone.  A leaf entry
 * reached from several address spaces (the kernel half every process
 * shares) is listed once, with how many spaces share it.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <string.h>

void viz_note_cr3(struct viz *v, int cpu, uint64_t cr3)
{
	cr3 &= ~CR3_NOFLUSH;
	int i;
	for (i = 0; i < v->nspaces - 1 && v->spaces[i].cr3 != cr3; i++)
		;
	if (i >= v->nspaces || v->spaces[i].cr3 != cr3)
		i = v->nspaces < VIZ_SPACES ? v->nspaces++ : VIZ_SPACES - 1;
	/* Most recent first. */
	memmove(&v->spaces[1], &v->spaces[0], (size_t)i * sizeof(v->spaces[0]));
	v->spaces[0].cr3 = cr3;
	v->spaces[0].cpu = cpu;
}

uint64_t viz_inspected(const struct viz *v)
{
	return v->hover_pfn != ~0ull ? v->hover_pfn : v->sel_pfn;
}

/* Are the tables under this root still page tables, as far as the guest
 * has said? */
static int root_alive(const struct viz *v, uint64_t cr3)
{
	const struct ownership *o = &v->m->ownership;
	uint64_t f = (cr3 & ~0xfffull & ((1ull << MMU_MAXPHYADDR) - 1)) >> 12;
	if (!o->reports || f >= o->nframes)
		return 1;
	int k = o->kind[f];
	return k == OWN_PGTABLE || k == OWN_KERNEL || k == OWN_RESERVED;
}

struct rmap {
	struct viz *v;
	const struct viz_space *space;
	uint64_t pa; /* the frame's address */
};

static int on_leaf(void *opaque, const struct viz_leaf *l)
{
	struct rmap *r = opaque;
	struct viz *v = r->v;
	if (r->pa < l->pa || r->pa - l->pa >= l->size)
		return 0;
	for (int i = 0; i < v->nmaps; i++)
		if (v->maps[i].entry_pa == l->entry_pa && v->maps[i].va == l->va) {
			v->maps[i].spaces++;
			return 0;
		}
	v->nmaps_total++;
	if (v->nmaps == VIZ_MAPPINGS)
		return 0;
	struct viz_mapping *m = &v->maps[v->nmaps++];
	m->space = *r->space;
	m->va = l->va + (r->pa - l->pa);
	m->size = l->size;
	m->pa = l->pa;
	m->entry = l->entry;
	m->entry_pa = l->entry_pa;
	m->level = l->level;
	m->user = l->user;
	m->write = l->write;
	m->nx = l->nx;
	m->spaces = 1;
	return 0;
}

int viz_known_spaces(const struct viz *v, int first, struct viz_space *sp)
{
	const struct machine *m = v->m;
	int n = 0;
	for (int k = 0; k < m->ncpus + v->nspaces; k++) {
		struct viz_space s;
		if (k < m->ncpus) {
			viz_space_of(&m->cpus[(first + k) % m->ncpus].mmu, &s);
		} else {
			int i = k - m->ncpus, c = v->spaces[i].cpu;
			viz_space_of(&m->cpus[c].mmu, &s);
			if (s.cr3 != v->spaces[i].cr3) {
				s.cr3 = v->spaces[i].cr3;
				s.pcid = s.mode >= PGM_4 && (m->cpus[c].mmu.ctl.cr4 & CR4_PCIDE)
					? (uint16_t)(s.cr3 & 0xfff) : 0;
				s.pdpte_loaded = 0; /* read from memory, not the registers */
			}
		}
		int dup = s.mode == PGM_OFF || !root_alive(v, s.cr3);
		for (int j = 0; j < n && !dup; j++)
			dup = sp[j].cr3 == s.cr3 && sp[j].mode == s.mode;
		if (!dup)
			sp[n++] = s;
	}
	return n;
}

/* Find every mapping of frame `pfn`. */
static void rmap(struct viz *v, uint64_t pfn)
{
	struct machine *m = v->m;
	struct viz_space sp[MACHINE_MAX_CPUS + VIZ_SPACES];
	int n = viz_known_spaces(v, 0, sp);
	v->nmaps = v->nmaps_total = 0;
	v->maps_pfn = pfn;
	v->maps_gen = v->gen;
	for (int i = 0; i < n; i++) {
		struct rmap r = { .v = v, .space = &sp[i], .pa = pfn << 12 };
		viz_tree_walk(&m->bus, &sp[i], 4l << 20, on_leaf, NULL, &r);
	}
}

static void update(struct viz *v, uint64_t pfn)
{
	if (pfn != v->maps_pfn || !v->win || v->gen - v->maps_gen >= 30)
		rmap(v, pfn);
}

void viz_walk_frame(struct viz *v, uint64_t pfn)
{
	if (pfn >= v->m->ownership.nframes)
		return;
	rmap(v, pfn);
	const struct viz_mapping *best = NULL;
	for (int i = 0; i < v->nmaps; i++)
		if (!best || (v->maps[i].user && !best->user))
			best = &v->maps[i];
	if (!best)
		return;
	v->req = 1;
	v->req_fixed = 1;
	v->req_space = best->space;
	v->anim_gen = v->gen;
	v->req_la = best->va;
}

static const char *size_name(uint64_t size)
{
	return size == 1ull << 30 ? "1G" : size == 4ull << 20 ? "4M" : size == 2ull << 20 ? "2M" : "4K";
}

static const char *const kind_names[] = { "free", "kernel", "slab", "page table",
					  "anon", "file", "zero page", "reserved" };

void viz_draw_frame(struct viz *v)
{
	struct fb *f = &v->fb;
	const struct ownership *o = &v->m->ownership;
	uint64_t pfn = viz_inspected(v);
	fb_text(f, FRAME_X, FRAME_Y, COL_TITLE, "frame inspector: who maps this frame");
	if (pfn >= o->nframes) {
		fb_text(f, FRAME_X, FRAME_LINE_Y(0), COL_TEXT,
			v->win ? "(point at a frame; click to pin it and walk to it)"
			       : "(-display png:DIR,frame=PFN inspects a frame)");
		return;
	}
	update(v, pfn);
	static const char *const mv[] = { "not mapped", "mapped supervisor", "mapped user",
					  "paging structure" };
	const char *comm = ownership_comm(o, o->pid[pfn]);
	int x = fb_printf(f, FRAME_X, FRAME_LINE_Y(0), COL_TEXT, "frame %#" PRIx64 " pa %012" PRIx64
			  ": guest %s", pfn, pfn << 12, o->reports ? kind_names[o->kind[pfn]]
			  : "(no reports)");
	if (o->reports && (o->kind[pfn] == OWN_ANON || o->kind[pfn] == OWN_FILE || o->pid[pfn]))
		x = fb_printf(f, x, FRAME_LINE_Y(0), COL_TEXT, " pid %u (%s)", o->pid[pfn],
			      comm ? comm : "?");
	int k = v->mmu_map[pfn] & MV_KIND, cur = MV_CUR(v->mmu_map[pfn]);
	x = fb_printf(f, x, FRAME_LINE_Y(0), COL_TEXT, "; MMU: %s", mv[k]);
	if (cur != k)
		x = fb_printf(f, x, FRAME_LINE_Y(0), COL_TEXT, " (cpu%d's CR3: %s)", v->cpu, mv[cur]);
	fb_printf(f, x, FRAME_LINE_Y(0), COL_TEXT, "; %d mapping%s", v->nmaps_total,
		  v->nmaps_total == 1 ? "" : "s");
	int lines = FRAME_LINES - 1;
	for (int i = 0; i < v->nmaps && i < lines; i++) {
		const struct viz_mapping *mp = &v->maps[i];
		int y = FRAME_LINE_Y(1 + i);
		if (i == lines - 1 && v->nmaps_total > lines) {
			fb_printf(f, FRAME_X, y, COL_TEXT, "... and %d more", v->nmaps_total - i);
			break;
		}
		x = fb_printf(f, FRAME_X, y, mp->user ? COL_MAP_USER : COL_MAP_SUPER,
			      "va %016" PRIx64 " %s %s %s %s %s %s", mp->va, size_name(mp->size),
			      mp->user ? "U" : "S", mp->write ? "RW" : "RO", mp->nx ? "NX" : "X ",
			      (mp->entry & PTE_A) ? "A" : "-", (mp->entry & PTE_D) ? "D" : "-");
		x = fb_printf(f, x + FONT_W, y, COL_TEXT, " CR3 %012" PRIx64 " pcid %u",
			      mp->space.cr3, (unsigned)mp->space.pcid);
		if (mp->spaces > 1)
			fb_printf(f, x, y, COL_TEXT, " (%d spaces)", mp->spaces);
	}
}
