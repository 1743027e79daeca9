/*
 * emu/viz/ipiview.c — interrupt messages between vCPUs as they arrive:
 * the APIC bus tells the visualiser of each message an APIC accepted
 * from another's ICR (devices/apic.h, ipi_watch), and the strip at the
 * bottom right of the TLB panel draws a box per vCPU and an arc from
 * sender to receiver for the latest ones (fixed in cyan, NMI in red,
 * INIT and start-up in white).
 *
 * A TLB shootdown is the guest's business (DESIGN.md): one CPU changes a
 * page table, sends an IPI, and the receiver invalidates (INVLPG,
 * INVPCID, a CR3 write) in its handler.  The visualiser reads it so: an
 * invalidation a vCPU makes (INVLPG, INVPCID, or a CR3 write that reloads
 * the same tables) of an entry of its current PCID (or a global one)
 * within SHOOTDOWN_WINDOW instructions of virtual time
 * after it accepted a fixed IPI, and before it switched to other page
 * tables (a reschedule IPI is often followed by a context switch that
 * drops a recycled PCID's entries), marks that IPI a shootdown
 * (its arc turns yellow, a line goes to the event log).  This is the
 * visualiser's reading of the guest, not an architectural event, and it
 * can be wrong: a reschedule IPI after which the vCPU reloads its CR3
 * with a flush for reasons of its own is marked too.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SHOOTDOWN_WINDOW 100000 /* ticks after a fixed IPI */

static const char *mode_name(int mode)
{
	switch (mode) {
	case APIC_DM_FIXED: return "fixed";
	case APIC_DM_LOWEST: return "lowest";
	case APIC_DM_NMI: return "NMI";
	case APIC_DM_INIT: return "INIT";
	case APIC_DM_STARTUP: return "SIPI";
	default: return "?";
	}
}

static uint32_t mode_colour(int mode)
{
	return mode == APIC_DM_NMI ? COL_IPI_NMI : mode == APIC_DM_INIT ||
		mode == APIC_DM_STARTUP ? COL_IPI_INIT : COL_IPI_FIXED;
}

void viz_on_ipi(void *opaque, int from, int to, int mode, uint8_t vector)
{
	struct viz *v = opaque;
	uint64_t now = vclock_now(&v->m->clock);
	struct viz_ipi *p = &v->ipis[v->nipis % VIZ_IPIS];
	p->tick = now;
	p->gen = v->gen;
	p->from = from;
	p->to = to;
	p->mode = mode;
	p->vector = vector;
	p->shootdown = 0;
	if (to < v->m->ncpus && (mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST)) {
		v->cpus[to].ipi_tick = now;
		v->cpus[to].ipi_index = (int)(v->nipis % VIZ_IPIS);
	}
	v->nipis++;
	/* One log line per message; a broadcast's receivers join it. */
	struct viz_event *e = v->nev ? &v->ev[(v->nev - 1) % VIZ_EVENTS] : NULL;
	int key = 0x10000 | mode << 8 | vector;
	if (e && e->cause == key && e->cpu == from && e->tick == now) {
		size_t len = strlen(e->text);
		if (len + 8 < sizeof(e->text))
			snprintf(e->text + len, sizeof(e->text) - len, ",%d", to);
		return;
	}
	viz_log(v, from, mode_colour(mode), "cpu%d IPI %s vector %#04x -> cpu%d", from,
		mode_name(mode), vector, to);
	v->ev[(v->nev - 1) % VIZ_EVENTS].cause = key;
}

void viz_ipi_inval(struct viz *v, int cpu, int cause, const struct tlb_entry *e)
{
	struct viz_cpu *c = &v->cpus[cpu];
	/* INVLPG, INVPCID, or a CR3 write that reloads the same tables (a
	 * switch to another address space is a context switch instead), of
	 * an entry of the address space the vCPU runs in. */
	if (c->ipi_index < 0 || (cause != INV_INVLPG && !(cause == INV_CR3 && c->cr3_reload) &&
				 (cause < INV_INVPCID0 || cause > INV_INVPCID3)))
		return;
	if (!e->global && e->pcid != mmu_pcid(&v->m->cpus[cpu].mmu))
		return;
	struct viz_ipi *p = &v->ipis[c->ipi_index];
	if (p->to != cpu || p->tick != c->ipi_tick ||
	    vclock_now(&v->m->clock) - c->ipi_tick > SHOOTDOWN_WINDOW) {
		c->ipi_index = -1;
		return;
	}
	if (p->shootdown)
		return;
	p->shootdown = 1;
	p->gen = v->gen; /* draw it again, in yellow */
	v->shootdowns++;
	viz_log(v, cpu, COL_SHOOTDOWN, "cpu%d shootdown: IPI from cpu%d, then %s va=%" PRIx64,
		cpu, p->from, tlb_cause_name(cause), e->vpn << e->shift);
}

static void arc(struct fb *f, int n, const struct viz_ipi *p, uint32_t col)
{
	int xf, xt, w;
	layout_ipi_box(p->from, n, &xf, &w);
	xf += w / 2;
	layout_ipi_box(p->to, n, &xt, &w);
	xt += w / 2;
	int d = p->from > p->to ? p->from - p->to : p->to - p->from;
	int h = 6 + 4 * d, y = IPI_BOX_Y - 1;
	if (h > IPI_BOX_Y - IPI_Y - LINE_H - 4)
		h = IPI_BOX_Y - IPI_Y - LINE_H - 4;
	if (xf == xt) { /* a self IPI: a small loop */
		fb_frame(f, xt - 3, y - 6, 7, 7, col);
		return;
	}
	fb_line(f, xf, y, xf, y - h, col);
	fb_line(f, xf, y - h, xt, y - h, col);
	fb_line(f, xt, y - h, xt, y, col);
	fb_line(f, xt - 2, y - 2, xt, y, col); /* the arrow's head */
	fb_line(f, xt + 2, y - 2, xt, y, col);
}

void viz_draw_ipis(struct viz *v)
{
	struct fb *f = &v->fb;
	int n = v->m->ncpus;
	fb_printf(f, IPI_X, IPI_Y, COL_TITLE, "IPIs %" PRIu64 "  shootdowns %" PRIu64,
		  v->nipis, v->shootdowns);
	for (int i = 0; i < n; i++) {
		int x, w;
		layout_ipi_box(i, n, &x, &w);
		fb_fill(f, x, IPI_BOX_Y, w, IPI_BOX_H, COL_FREE);
		if (i == v->cpu)
			fb_frame(f, x, IPI_BOX_Y, w, IPI_BOX_H, COL_TEXT);
		if (w >= 14)
			fb_printf(f, x + 2, IPI_BOX_Y + 2, COL_TEXT, "%d", i);
	}
	/* The latest messages: those of the last frames bright, the very
	 * last one always (so a snapshot shows the most recent). */
	uint32_t fade = v->flash_gens > 1 ? v->flash_gens : 1;
	uint64_t first = v->nipis > VIZ_IPIS ? v->nipis - VIZ_IPIS : 0;
	for (uint64_t k = first; k < v->nipis; k++) {
		const struct viz_ipi *p = &v->ipis[k % VIZ_IPIS];
		if (p->from >= n || p->to >= n)
			continue;
		if (k == v->nipis - 1 || v->gen - p->gen < fade)
			arc(f, n, p, p->shootdown ? COL_SHOOTDOWN : mode_colour(p->mode));
	}
}
