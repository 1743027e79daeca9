/*
 * emu/viz/pgtree.c — page tables read by the visualiser, never written:
 * plain reads of guest RAM through bus_ram_range(), so no accessed or
 * dirty bit is set, no TLB entry is filled or dropped, nothing is counted
 * and MMIO is never touched.  Two uses: the whole tree of an address
 * space, leaf by leaf (the MMU's frame map, the A/D overlay and the frame
 * inspector's reverse lookup); the walk of one linear address the user
 * asks for is gdb's side-effect-free walk (emu/gdbwalk.c), at the end.
 *
 * The structures follow SDM vol. 3 ch. 4:
 *   32-bit (§4.3)  CR3[31:12] -> PDE (linear 31:22) -> PTE (21:12); a PDE
 *                  with PS=1 and CR4.PSE=1 maps 4 MiB (PA bits 39:32 in
 *                  PDE bits 20:13).  4-byte entries.
 *   PAE (§4.4)     four PDPTEs (linear 31:30) -> PDE (29:21) -> PTE (20:12);
 *                  PDE.PS=1 maps 2 MiB.
 *   4-level (§4.5) CR3 -> PML4E (47:39) -> PDPTE (38:30) -> PDE (29:21) ->
 *                  PTE (20:12); PS=1 maps 1 GiB in a PDPTE, 2 MiB in a PDE.
 *   5-level        a PML5E (56:48) above, with CR4.LA57=1.
 * Rights combine as the SDM's §4.6 says: user only if U=1 at every level,
 * writable only if R/W=1 at every level, execute-disable if XD=1 at any
 * level (with EFER.NXE=1).
 */
#include "emu/viz/internal.h"
#include "emu/gdbstub.h"

#include <string.h>

#define ADDR_MASK (((1ull << MMU_MAXPHYADDR) - 1) & ~0xfffull)

void viz_space_of(const struct mmu *u, struct viz_space *s)
{
	const struct mmu_ctl *c = &u->ctl;
	memset(s, 0, sizeof(*s));
	s->cr3 = c->cr3 & ~CR3_NOFLUSH;
	s->nxe = (c->efer & EFER_NXE) != 0;
	if (!(c->cr0 & CR0_PG))
		s->mode = PGM_OFF;
	else if (c->efer & EFER_LMA)
		s->mode = (c->cr4 & CR4_LA57) ? PGM_5 : PGM_4;
	else if (c->cr4 & CR4_PAE)
		s->mode = PGM_PAE;
	else
		s->mode = PGM_32;
	s->pse = (c->cr4 & CR4_PSE) != 0;
	s->pcid = (s->mode >= PGM_4 && (c->cr4 & CR4_PCIDE)) ? (uint16_t)(s->cr3 & 0xfff) : 0;
	if (s->mode == PGM_PAE) {
		memcpy(s->pdpte, u->pdpte, sizeof(s->pdpte));
		s->pdpte_loaded = 1;
	}
}

int viz_space_top(const struct viz_space *s)
{
	switch (s->mode) {
	case PGM_5: return 5;
	case PGM_4: return 4;
	case PGM_PAE: return 3;
	case PGM_32: return 2;
	default: return 0;
	}
}

/* Entry `i` of the table at `table`; 0 (not present) outside RAM. */
static uint64_t read_entry(struct bus *b, int wide, uint64_t table, unsigned i,
			   uint64_t *pa)
{
	uint64_t e = 0;
	*pa = table + (uint64_t)i * (wide ? 8u : 4u);
	const uint8_t *p = bus_ram_range(b, *pa, wide ? 8 : 4);
	if (p)
		memcpy(&e, p, wide ? 8 : 4);
	return e;
}

/* The shift of the linear-address bits that index level `lv`. */
static int level_shift(const struct viz_space *s, int lv)
{
	return 12 + (lv - 1) * (s->mode == PGM_32 ? 10 : 9);
}

/* Does entry `e` at level `lv` map a page (rather than point to a table)? */
static int is_leaf(const struct viz_space *s, int lv, uint64_t e)
{
	if (lv == 1)
		return 1;
	if (s->mode == PGM_32)
		return lv == 2 && s->pse && (e & PTE_PS);
	if (s->mode == PGM_PAE && lv == 3)
		return 0; /* a PDPTE register never maps a page */
	return lv <= 3 && (e & PTE_PS);
}

/* Physical base of the page a leaf maps, or of the next table. */
static uint64_t entry_addr(const struct viz_space *s, int lv, uint64_t e, int leaf)
{
	if (s->mode == PGM_32) {
		if (leaf && lv == 2)
			return (e & 0xffc00000u) | ((e >> 13) & 0xff) << 32;
		return e & 0xfffff000u;
	}
	uint64_t a = e & ADDR_MASK;
	if (leaf)
		a &= ~((1ull << level_shift(s, lv)) - 1);
	return a;
}

/* Linear addresses are canonical: sign-extend from bit 47 or 56. */
static uint64_t canonical(const struct viz_space *s, uint64_t la)
{
	int top = s->mode == PGM_5 ? 56 : s->mode == PGM_4 ? 47 : 63;
	if (top < 63 && (la >> top) & 1)
		la |= ~0ull << top;
	return la;
}

struct tree {
	struct bus *bus;
	const struct viz_space *s;
	long budget;
	viz_leaf_fn leaf;
	viz_table_fn table;
	void *opaque;
	int stop;
};

static void walk_table(struct tree *t, uint64_t table, int lv, uint64_t va,
		       int user, int write, int nx)
{
	const struct viz_space *s = t->s;
	int wide = s->mode != PGM_32, n = s->mode == PGM_32 ? 1024 : 512;
	if (!bus_ram_range(t->bus, table, 4096))
		return;
	if (t->table && t->table(t->opaque, table, lv, user))
		return;
	for (int i = 0; i < n && t->budget > 0 && !t->stop; i++, t->budget--) {
		uint64_t epa, e = read_entry(t->bus, wide, table, (unsigned)i, &epa);
		if (!(e & PTE_P))
			continue;
		uint64_t a = va | (uint64_t)i << level_shift(s, lv);
		int u = user && (e & PTE_U), w = write && (e & PTE_W);
		int x = nx || (s->nxe && wide && (e & PTE_NX));
		if (is_leaf(s, lv, e)) {
			struct viz_leaf l = {
				.va = canonical(s, a), .pa = entry_addr(s, lv, e, 1),
				.size = 1ull << level_shift(s, lv), .entry = e,
				.entry_pa = epa, .level = lv, .user = u, .write = w, .nx = x,
			};
			if (t->leaf(t->opaque, &l))
				t->stop = 1;
		} else {
			walk_table(t, entry_addr(s, lv, e, 0), lv - 1, a, u, w, x);
		}
	}
}

long viz_tree_walk(struct bus *b, const struct viz_space *s, long budget,
		   viz_leaf_fn leaf, viz_table_fn table, void *opaque)
{
	struct tree t = { .bus = b, .s = s, .budget = budget, .leaf = leaf,
			  .table = table, .opaque = opaque };
	switch (s->mode) {
	case PGM_OFF:
		break;
	case PGM_PAE:
		for (unsigned i = 0; i < 4 && !t.stop; i++) {
			uint64_t pa, e = s->pdpte_loaded ? s->pdpte[i]
				: read_entry(b, 1, s->cr3 & 0xffffffe0u, i, &pa);
			if (e & PTE_P)
				walk_table(&t, e & ADDR_MASK, 2, (uint64_t)i << 30, 1, 1, 0);
		}
		break;
	case PGM_32:
		walk_table(&t, s->cr3 & 0xfffff000u, 2, 0, 1, 1, 0);
		break;
	default:
		walk_table(&t, s->cr3 & ADDR_MASK, viz_space_top(s), 0, 1, 1, 0);
		break;
	}
	return budget - t.budget;
}

/* The walk for an address the user asked for: gdb's side-effect-free walk
 * (emu/gdbwalk.c) on the recorded address space, with PAE's PDPTE
 * registers as recorded, and the rights combined over its entries. */
int viz_soft_walk(struct bus *b, const struct viz_space *s, uint64_t la,
		  struct viz_walk *vw)
{
	memset(vw, 0, sizeof(*vw));
	vw->la = la;
	vw->cr3 = s->cr3;
	vw->soft = 1;
	vw->mode = s->mode;
	if (s->mode == PGM_OFF)
		return -1;
	const struct gdb_paging p = {
		.cr0 = CR0_PE | CR0_PG,
		.cr3 = s->cr3,
		.cr4 = (s->pse ? CR4_PSE : 0) | (s->mode != PGM_32 ? CR4_PAE : 0) |
		       (s->mode == PGM_5 ? CR4_LA57 : 0),
		.efer = (s->mode >= PGM_4 ? EFER_LME | EFER_LMA : 0) | (s->nxe ? EFER_NXE : 0),
		.pdpte = s->pdpte_loaded ? s->pdpte : NULL,
	};
	struct gdb_walk w;
	int r = gdb_walk_paging(b, &p, la, &w);
	int user = 1, write = 1, nx = 0;
	for (int i = 0; i < w.nsteps; i++) {
		uint64_t e = w.step[i].entry;
		int lv = w.step[i].level;
		vw->s[vw->n].level = lv;
		vw->s[vw->n].pa = w.step[i].entry_pa;
		vw->s[vw->n].val = e;
		vw->n++;
		if (!(e & PTE_P)) {
			vw->not_present = lv;
			return -1;
		}
		if (!(s->mode == PGM_PAE && lv == 3)) { /* PDPTEs carry no rights */
			user = user && (e & PTE_U);
			write = write && (e & PTE_W);
		}
		nx = nx || (s->nxe && w.wide && (e & PTE_NX));
	}
	if (r)
		return -1;
	vw->pa = w.pa;
	vw->size = w.page_size;
	vw->user = user;
	vw->write = write;
	vw->nx = nx;
	vw->done = 1;
	return 0;
}
