/*
 * emu/gdbmon.c — the `monitor` commands gdb passes through (qRcmd): what
 * gdb itself cannot show about mmulab's MMU.  `walk VA` prints the
 * software walk of gdbwalk.c entry by entry with decoded bits and the
 * combined rights; `stats` the instruction and MMU/TLB counters of every
 * vCPU; `tlb` the valid entries of the current vCPU's TLB arrays and
 * paging-structure caches.  Nothing here changes guest or MMU state.
 */
#include "emu/gdbstub.h"

#include <stdlib.h>
#include <string.h>

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
		gdb_text_printf(t, "  %-5s[%3u] at 0x%012llx = 0x%0*llx ",
				gdb_level_names[s->level], s->index,
				(unsigned long long)s->entry_pa, w.wide ? 16 : 8,
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

/* MMU statistics of one vCPU: the counters struct mmu and its TLB keep. */
static void monitor_mmu_stats(struct gdb_text *t, const struct cpu *c)
{
	const struct mmu *m = &c->mmu;
	gdb_text_printf(t, "CPU %d: %llu instructions; %llu walks (%llu entry "
			"reads, %llu A/D writes), %llu page faults; misses: iTLB "
			"%llu, dTLB %llu, STLB %llu\n", c->id,
			(unsigned long long)c->icount,
			(unsigned long long)m->stats.walks,
			(unsigned long long)m->stats.walk_refs,
			(unsigned long long)m->stats.ad_writes,
			(unsigned long long)m->stats.faults,
			(unsigned long long)m->stats.misses[LVL_ITLB],
			(unsigned long long)m->stats.misses[LVL_DTLB],
			(unsigned long long)m->stats.misses[LVL_STLB]);
	for (int a = 0; a < TLB_NARRAYS; a++) {
		const struct tlb_array *arr = &m->tlb.a[a];
		if (!arr->ways)
			continue;
		gdb_text_printf(t, "  %-7s hits %llu misses %llu fills %llu "
				"evictions %llu\n", tlb_array_name(a),
				(unsigned long long)arr->st.hits,
				(unsigned long long)arr->st.misses,
				(unsigned long long)arr->st.fills,
				(unsigned long long)arr->st.evictions);
	}
}

/* The valid entries of the current vCPU's TLB arrays and paging-structure
 * caches, as mmu/tlb.h defines them: linear page (or region, for the
 * paging-structure caches), what it maps to, PCID and cached rights. */
static void monitor_tlb(struct gdb_text *t, const struct cpu *c)
{
	const struct tlb *tlb = &c->mmu.tlb;
	int n = 0;
	gdb_text_printf(t, "CPU %d TLB (current PCID %u):\n", c->id,
			mmu_pcid(&c->mmu));
	for (int a = 0; a < TLB_NARRAYS; a++) {
		const struct tlb_array *arr = &tlb->a[a];
		int psc = a >= TLB_PSC_PML5;
		for (int i = 0; i < arr->sets * arr->ways; i++) {
			const struct tlb_entry *e = &arr->e[i];
			if (!e->valid)
				continue;
			gdb_text_printf(t, "  %-7s set %3d way %2d  linear 0x%016llx "
					"-> %s 0x%llx  pcid %u%s",
					tlb_array_name(a), i / arr->ways, i % arr->ways,
					(unsigned long long)(e->vpn << e->shift),
					psc ? "table" : "frame",
					(unsigned long long)e->pa, e->pcid,
					e->global ? " G" : "");
			if (!psc)
				gdb_text_printf(t, " %s %s%s%s", e->rw ? "RW" : "RO",
						e->us ? "U" : "S", e->nx ? " XD" : "",
						e->dirty ? " D" : "");
			gdb_text_printf(t, "\n");
			n++;
		}
	}
	gdb_text_printf(t, "%d valid entries\n", n);
}

static const char monitor_help[] =
	"mmulab monitor commands:\n"
	"  walk VA   the page walk for linear address VA (hex), entry by entry\n"
	"  tlb       the current vCPU's TLB and paging-structure caches\n"
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
