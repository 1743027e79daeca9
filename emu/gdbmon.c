/*
 * emu/gdbmon.c — what gdb reads through mmulab's eyes: guest memory by
 * linear address, a page walk it can print, and the `monitor` commands.
 *
 * gdb's addresses are linear addresses of the current vCPU (in 64-bit mode
 * segment bases are 0 for code and data).  They are translated here by a
 * software walk of the vCPU's page tables that only looks: it sets no
 * accessed or dirty bit, fills and counts nothing in the MMU, and reads
 * page tables and data only from RAM (never MMIO, whose reads have side
 * effects).  So a debugger session leaves the TLB statistics and the page
 * tables exactly as the guest left them.
 *
 * The walk follows SDM vol. 3 ch. 4 for each paging mode:
 *   32-bit (§4.3)  CR3[31:12] → PDE (linear bits 31:22) → PTE (21:12);
 *                  a PDE with PS=1 and CR4.PSE=1 maps 4 MiB.
 *   PAE (§4.4)     CR3[31:5] → PDPTE (31:30) → PDE (29:21) → PTE (20:12);
 *                  PDE.PS=1 maps 2 MiB.  (The CPU keeps the PDPTEs in
 *                  registers loaded at MOV to CR3; this walk reads memory.)
 *   4-level (§4.5) CR3 → PML4E (47:39) → PDPTE (38:30) → PDE (29:21) →
 *                  PTE (20:12); PS=1 in a PDPTE maps 1 GiB, in a PDE 2 MiB.
 *   5-level        a PML5E (56:48) above the PML4E when CR4.LA57=1.
 * Reserved bits are not checked: the walk shows what is there.
 */
#include "emu/gdbstub.h"

#include <stdlib.h>
#include <string.h>

#define ADDR_MASK (((1ull << MMU_MAXPHYADDR) - 1) & ~0xfffull)

static const char *const level_names[6] = { "", "PTE", "PDE", "PDPTE",
					    "PML4E", "PML5E" };

/* Entry `index` of the table at `table` (4 or 8 bytes wide); -1 when the
 * table is not in RAM. */
static int read_entry(const struct cpu *c, struct gdb_walk *w, int level,
		      uint64_t table, unsigned index)
{
	struct gdb_walk_step *s = &w->step[w->nsteps];
	s->level = level;
	s->index = index;
	s->entry_pa = table + index * (w->wide ? 8u : 4u);
	const uint8_t *p = bus_ram_range(c->bus, s->entry_pa, w->wide ? 8 : 4);
	if (!p) {
		snprintf(w->why, sizeof(w->why), "%s at %#llx is not in RAM",
			 level_names[level], (unsigned long long)s->entry_pa);
		return -1;
	}
	uint64_t e = 0;
	memcpy(&e, p, w->wide ? 8 : 4); /* x86 hosts only, as all of mmulab */
	s->entry = e;
	w->nsteps++;
	if (!(e & PTE_P)) {
		snprintf(w->why, sizeof(w->why), "%s not present",
			 level_names[level]);
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

int gdb_walk(const struct cpu *c, uint64_t la, struct gdb_walk *w)
{
	memset(w, 0, sizeof(*w));
	if (!(c->cr0 & CR0_PG)) {
		w->mode = "paging off";
		w->pa = c->long_mode ? la : la & 0xffffffffu;
		return 0;
	}
	if (!(c->efer & EFER_LMA) && la > 0xffffffffu) {
		w->mode = (c->cr4 & CR4_PAE) ? "PAE" : "32-bit";
		snprintf(w->why, sizeof(w->why), "above 4 GiB outside long mode");
		return -1;
	}
	if (!(c->cr4 & CR4_PAE)) {
		w->mode = "32-bit";
		if (read_entry(c, w, 2, c->cr3 & 0xfffff000u, (la >> 22) & 0x3ff))
			return -1;
		uint64_t pde = w->step[0].entry;
		if ((pde & PTE_PS) && (c->cr4 & CR4_PSE)) /* PSE-36: 20:13 → 39:32 */
			return leaf(w, la, (pde & 0xffc00000u) |
				    ((pde >> 13 & 0xff) << 32), 22);
		if (read_entry(c, w, 1, pde & 0xfffff000u, (la >> 12) & 0x3ff))
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
		if (read_entry(c, w, level, table, index))
			return -1;
		uint64_t e = w->step[w->nsteps - 1].entry;
		int large = (level == 2 || (level == 3 && top > 3)) && (e & PTE_PS);
		if (level == 1 || large)
			return leaf(w, la, e & ADDR_MASK & ~((1ull << shift) - 1),
				    shift);
		table = e & ADDR_MASK;
	}
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

/* ---- monitor commands ---- */

static void entry_bits(struct gdb_text *t, const struct gdb_walk *w,
		       const struct gdb_walk_step *s, int is_leaf)
{
	uint64_t e = s->entry;
	if (!(e & PTE_P)) {
		gdb_text_printf(t, " not present");
		return;
	}
	/* A PAE PDPTE holds only P, PWT, PCD and the address (§4.4.1). */
	int pae_pdpte = w->wide && s->level == 3 && !strcmp(w->mode, "PAE");
	gdb_text_printf(t, " P");
	if (!pae_pdpte)
		gdb_text_printf(t, " %s %s", e & PTE_W ? "RW" : "RO",
				e & PTE_U ? "U" : "S");
	if (e & PTE_PWT)
		gdb_text_printf(t, " PWT");
	if (e & PTE_PCD)
		gdb_text_printf(t, " PCD");
	if (!pae_pdpte && (e & PTE_A))
		gdb_text_printf(t, " A");
	if (is_leaf && (e & PTE_D))
		gdb_text_printf(t, " D");
	if (is_leaf && s->level > 1)
		gdb_text_printf(t, " PS");
	if (is_leaf && (e & PTE_G))
		gdb_text_printf(t, " G");
	if (w->wide && (e & PTE_NX))
		gdb_text_printf(t, " XD");
}

static void monitor_walk(struct gdb_text *t, const struct cpu *c, const char *arg)
{
	char *end;
	uint64_t la = strtoull(arg, &end, 16);
	if (end == arg || *end) {
		gdb_text_printf(t, "usage: monitor walk VA (hexadecimal)\n");
		return;
	}
	struct gdb_walk w;
	int rc = gdb_walk(c, la, &w);
	gdb_text_printf(t, "walk of %#llx on CPU %d: %s paging, CR3 %#llx\n",
			(unsigned long long)la, c->id, w.mode,
			(unsigned long long)c->cr3);
	int rw = 1, us = 1, xd = 0;
	for (int i = 0; i < w.nsteps; i++) {
		const struct gdb_walk_step *s = &w.step[i];
		int is_leaf = rc == 0 && i == w.nsteps - 1;
		gdb_text_printf(t, "  %-5s[%3u] at %#014llx = %#0*llx ",
				level_names[s->level], s->index,
				(unsigned long long)s->entry_pa, w.wide ? 18 : 10,
				(unsigned long long)s->entry);
		entry_bits(t, &w, s, is_leaf);
		gdb_text_printf(t, "\n");
		if (!(w.wide && s->level == 3 && !strcmp(w.mode, "PAE"))) {
			rw &= (s->entry & PTE_W) != 0;
			us &= (s->entry & PTE_U) != 0;
		}
		xd |= w.wide && (s->entry & PTE_NX);
	}
	if (rc != 0) {
		gdb_text_printf(t, "  no translation: %s\n", w.why);
		return;
	}
	if (!w.page_size) {
		gdb_text_printf(t, "  -> physical %#llx (no paging)\n",
				(unsigned long long)w.pa);
		return;
	}
	gdb_text_printf(t, "  -> %llu KiB page, physical %#llx; %s, %s, %s\n",
			(unsigned long long)(w.page_size >> 10),
			(unsigned long long)w.pa, rw ? "writable" : "read-only",
			us ? "user" : "supervisor-only",
			!xd ? "executable"
			: (c->efer & EFER_NXE) ? "not executable (XD)"
					       : "executable (XD ignored: EFER.NXE=0)");
	if (!bus_ram_ptr(c->bus, w.pa))
		gdb_text_printf(t, "  (not RAM: gdb cannot read it)\n");
}

/* MMU statistics of one vCPU: the counters struct mmu keeps. */
static void monitor_mmu_stats(struct gdb_text *t, const struct cpu *c)
{
	const struct mmu_stats *s = &c->mmu.stats;
	gdb_text_printf(t, "CPU %d: %llu instructions, %llu walks, %llu page "
			"faults, %llu host-pointer fills\n", c->id,
			(unsigned long long)c->icount, (unsigned long long)s->walks,
			(unsigned long long)s->faults,
			(unsigned long long)s->hp_fills);
}

/* The current vCPU's translation cache.  mmulab's TLB model is not there
 * yet: this shows the host-pointer cache, which the fast path uses and
 * which only ever holds translations the walker produced. */
static void monitor_tlb(struct gdb_text *t, const struct cpu *c)
{
	static const char *const kinds[3] = { "read", "write", "exec" };
	const struct mmu *m = &c->mmu;
	gdb_text_printf(t, "CPU %d: no TLB model in mmulab yet; its host-pointer "
			"cache (%u slots per access kind and privilege):\n",
			c->id, MMU_HP_SIZE);
	int n = 0;
	for (int k = 0; k < 3; k++)
		for (int u = 0; u < 2; u++)
			for (unsigned i = 0; i < MMU_HP_SIZE; i++) {
				uint64_t tag = m->hp_tag[k][u][i];
				if (tag & 0xfff) /* empty */
					continue;
				uintptr_t host = (uintptr_t)tag + m->hp_addend[k][u][i];
				gdb_text_printf(t, "  %-5s %-4s slot %3u: linear %#014llx "
						"-> physical %#llx\n", kinds[k],
						u ? "user" : "sup", i,
						(unsigned long long)tag,
						(unsigned long long)(host - (uintptr_t)c->bus->ram));
				n++;
			}
	gdb_text_printf(t, "%d entries\n", n);
}

static const char monitor_help[] =
	"mmulab monitor commands:\n"
	"  walk VA   the page walk for linear address VA (hex), entry by entry\n"
	"  tlb       the current vCPU's cached translations\n"
	"  stats     instructions and MMU counters of every vCPU\n"
	"  help      this text\n";

void gdb_monitor(struct gdbstub *g, const char *cmd, struct gdb_text *t)
{
	const struct cpu *c = &g->m->cpus[g->cur];
	while (*cmd == ' ')
		cmd++;
	if (strncmp(cmd, "walk", 4) == 0 && (cmd[4] == ' ' || !cmd[4])) {
		const char *a = cmd + 4;
		while (*a == ' ')
			a++;
		monitor_walk(t, c, a);
	} else if (strcmp(cmd, "tlb") == 0) {
		monitor_tlb(t, c);
	} else if (strcmp(cmd, "stats") == 0) {
		gdb_text_printf(t, "%llu instructions on %d CPU%s\n",
				(unsigned long long)machine_icount(g->m),
				g->m->ncpus, g->m->ncpus > 1 ? "s" : "");
		for (int i = 0; i < g->m->ncpus; i++)
			monitor_mmu_stats(t, &g->m->cpus[i]);
	} else if (strcmp(cmd, "help") == 0 || !*cmd) {
		gdb_text_printf(t, "%s", monitor_help);
	} else {
		gdb_text_printf(t, "unknown monitor command '%s'\n%s", cmd,
				monitor_help);
	}
}
