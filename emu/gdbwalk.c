/*
 * emu/gdbwalk.c — guest memory as gdb sees it: by linear address of one
 * vCPU, translated by a software walk of its page tables that only looks.
 * It sets no accessed or dirty bit, fills and counts nothing in the MMU,
 * and reads page tables and data only from RAM (never MMIO, whose reads
 * have side effects).  So a debugger session leaves the TLB statistics and
 * the page tables exactly as the guest left them.  gdb's addresses are
 * linear addresses (in 64-bit mode the segment bases of code and data are
 * 0); `monitor walk` prints the same walk entry by entry (gdbmon.c), and
 * the visualiser's walk for a typed address is this one too
 * (gdb_walk_paging on an address space it recorded, emu/viz/pgtree.c).
 *
 * The walk follows SDM vol. 3 ch. 4 for each paging mode:
 *   32-bit (§4.3)  CR3[31:12] → PDE (linear bits 31:22) → PTE (21:12);
 *                  a PDE with PS=1 and CR4.PSE=1 maps 4 MiB.
 *   PAE (§4.4)     CR3[31:5] → PDPTE (31:30) → PDE (29:21) → PTE (20:12);
 *                  PDE.PS=1 maps 2 MiB.  (The CPU keeps the PDPTEs in
 *                  registers loaded at MOV to CR3; gdb's walk reads memory,
 *                  the visualiser's passes the registers it recorded.)
 *   4-level (§4.5) CR3 → PML4E (47:39) → PDPTE (38:30) → PDE (29:21) →
 *                  PTE (20:12); PS=1 in a PDPTE maps 1 GiB, in a PDE 2 MiB.
 *   5-level        a PML5E (56:48) above the PML4E when CR4.LA57=1.
 * Reserved bits are not checked: the walk shows what is there.
 */
#include "emu/gdbstub.h"

#include <string.h>

#define ADDR_MASK (((1ull << MMU_MAXPHYADDR) - 1) & ~0xfffull)

const char *const gdb_level_names[6] = { "", "PTE", "PDE", "PDPTE",
					"PML4E", "PML5E" };

/* Entry `index` of the table at `table` (4 or 8 bytes wide), or of the
 * PDPTE registers `regs` when given; -1 when the table is not in RAM or
 * the entry is not present. */
static int read_entry(struct bus *b, struct gdb_walk *w, int level,
		      uint64_t table, unsigned index, const uint64_t *regs)
{
	struct gdb_walk_step *s = &w->step[w->nsteps];
	s->level = level;
	s->index = index;
	s->entry_pa = table + index * (w->wide ? 8u : 4u);
	uint64_t e = 0;
	if (regs) {
		e = regs[index];
	} else {
		const uint8_t *p = bus_ram_range(b, s->entry_pa, w->wide ? 8 : 4);
		if (!p) {
			snprintf(w->why, sizeof(w->why), "%s at %#llx is not in RAM",
				 gdb_level_names[level], (unsigned long long)s->entry_pa);
			return -1;
		}
		memcpy(&e, p, w->wide ? 8 : 4); /* x86 hosts only, as all of mmulab */
	}
	s->entry = e;
	w->nsteps++;
	if (!(e & PTE_P)) {
		snprintf(w->why, sizeof(w->why), "%s not present",
			 gdb_level_names[level]);
		return -1;
	}
	return 0;
}

static int leaf(struct gdb_walk *w, uint64_t la, uint64_t base, int shift)
{
	w->page_size = 1ull << shift;
	w->pa = base + (la & (w->page_size - 1));
	return 0;
}

int gdb_walk_paging(struct bus *b, const struct gdb_paging *c, uint64_t la,
		    struct gdb_walk *w)
{
	memset(w, 0, sizeof(*w));
	if (!(c->cr0 & CR0_PG)) {
		w->mode = "paging off";
		w->pa = la & 0xffffffffu; /* no long mode without paging */
		return 0;
	}
	if (!(c->efer & EFER_LMA) && la > 0xffffffffu) {
		w->mode = (c->cr4 & CR4_PAE) ? "PAE" : "32-bit";
		snprintf(w->why, sizeof(w->why), "above 4 GiB outside long mode");
		return -1;
	}
	if (!(c->cr4 & CR4_PAE)) {
		w->mode = "32-bit";
		if (read_entry(b, w, 2, c->cr3 & 0xfffff000u, (la >> 22) & 0x3ff, NULL))
			return -1;
		uint64_t pde = w->step[0].entry;
		if ((pde & PTE_PS) && (c->cr4 & CR4_PSE)) /* PSE-36: 20:13 → 39:32 */
			return leaf(w, la, (pde & 0xffc00000u) |
				    ((pde >> 13 & 0xff) << 32), 22);
		if (read_entry(b, w, 1, pde & 0xfffff000u, (la >> 12) & 0x3ff, NULL))
			return -1;
		return leaf(w, la, w->step[1].entry & 0xfffff000u, 12);
	}
	w->wide = 1;
	int top;
	uint64_t table;
	if (!(c->efer & EFER_LMA)) {
		w->mode = "PAE";
		top = 3;
		table = c->cr3 & 0xffffffe0u;
	} else {
		int la57 = (c->cr4 & CR4_LA57) != 0;
		int bits = la57 ? 57 : 48;
		int64_t sext = (int64_t)(la << (64 - bits)) >> (64 - bits);
		w->mode = la57 ? "5-level" : "4-level";
		if ((uint64_t)sext != la) {
			snprintf(w->why, sizeof(w->why), "not canonical");
			return -1;
		}
		top = la57 ? 5 : 4;
		table = c->cr3 & ADDR_MASK;
	}
	for (int level = top;; level--) {
		int shift = 12 + 9 * (level - 1);
		unsigned index = (unsigned)(la >> shift) & 511;
		if (top == 3 && level == 3) /* the PAE PDPT has 4 entries */
			index = (unsigned)(la >> 30) & 3;
		if (read_entry(b, w, level, table, index,
			       top == 3 && level == 3 ? c->pdpte : NULL))
			return -1;
		uint64_t e = w->step[w->nsteps - 1].entry;
		int large = (level == 2 || (level == 3 && top > 3)) && (e & PTE_PS);
		if (level == 1 || large)
			return leaf(w, la, e & ADDR_MASK & ~((1ull << shift) - 1),
				    shift);
		table = e & ADDR_MASK;
	}
}

int gdb_walk(const struct cpu *c, uint64_t la, struct gdb_walk *w)
{
	const struct gdb_paging p = { c->cr0, c->cr3, c->cr4, c->efer, NULL };
	return gdb_walk_paging(c->bus, &p, la, w);
}

/* Physical address for `la` and how many bytes of RAM follow it in the
 * same page; 0 when there are none. */
static size_t span(const struct cpu *c, uint64_t la, uint64_t *pa)
{
	struct gdb_walk w;
	if (gdb_walk(c, la, &w) != 0)
		return 0;
	size_t in_page = 4096 - (la & 0xfff);
	if (!bus_ram_range(c->bus, w.pa, in_page))
		return 0;
	*pa = w.pa;
	return in_page;
}

size_t gdb_read_virt(const struct cpu *c, uint64_t la, uint8_t *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		uint64_t pa;
		size_t k = span(c, la + done, &pa);
		if (!k)
			break;
		if (k > len - done)
			k = len - done;
		memcpy(buf + done, c->bus->ram + pa, k);
		done += k;
	}
	return done;
}

size_t gdb_write_virt(struct cpu *c, uint64_t la, const uint8_t *buf, size_t len)
{
	size_t done = 0;
	while (done < len) {
		uint64_t pa;
		size_t k = span(c, la + done, &pa);
		if (!k)
			break;
		if (k > len - done)
			k = len - done;
		memcpy(c->bus->ram + pa, buf + done, k);
		bus_note_write(c->bus, pa >> 12); /* decoded code there is stale */
		done += k;
	}
	return done;
}
