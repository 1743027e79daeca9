/*
 * emu/viz/ipiview.c — interrupt messages between vCPUs as they arrive:
 * the APIC bus tells the visualiser of each message an APIC accepted
 * from another's ICR (devices/apic.h, ipi_watch), and the strip at the
 * bottom right of the TLB panel draws a box per vCPU and an arc from
 * sender to receiver for the latest ones (fixed in cyan, NMI in red,
 * INIT and start-up in white).
 *
 * A TLB shootdown is the guest's business (DESIGN.md): one CPU changes a
 * page table, sends IPIs, and each receiver invalidates (INVLPG, INVPCID,
 * a CR3 write) in its handler.  A guest that says so through the
 * ownership channel (event 82H, devices/ownership.h: sender, target CPUs,
 * pages or a full flush) gets each shootdown drawn as arcs from the
 * sender to every target in the shootdown colour, over the IPIs' own, and
 * a line "shootdown cpu0 -> {1,3}: 5 pages" in the log.
 *
 * For a guest that never reports one, the visualiser guesses, and says
 * it guesses ("likely shootdown", arcs in a darker colour): a fixed IPI
 * from another vCPU is a likely shootdown when the receiver, while
 * handling it, invalidates TLB entries — by INVLPG, INVPCID, a MOV to CR4
 * that flushes, or a MOV to CR3 that loads the very value CR3 held.
 * "While handling it" is what the receiver's local APIC says: the IPI's
 * vector is the highest one in service (ISRV, SDM vol. 3 §10.8.3.1), so
 * the handler has begun and not yet written EOI, and no higher-priority
 * interrupt's handler has come in between; and the IPI came at most
 * SHOOTDOWN_WINDOW ticks before (a vector may serve other sources too,
 * long after the last IPI of it).  A reschedule IPI whose
 * handler only asks for a context switch, done after EOI or the IRET, is
 * not marked, nor is the CR3 write to other tables that follows.  What it
 * misses: a handler that writes EOI before it flushes (as Linux's do) —
 * such guests should report.  Once a guest reports a shootdown, the
 * guessing stops for the rest of the run.
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define SHOOTDOWN_WINDOW 100000 /* ticks: an IPI older than this is not guessed at */

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
	p->likely = 0;
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

/* The highest vector in service at APIC `l` (ISRV), or -1. */
static int in_service(const struct lapic *l)
{
	for (int i = 7; i >= 0; i--)
		if (l->isr[i])
			return i * 32 + 31 - __builtin_clz(l->isr[i]);
	return -1;
}

static int bit_set(const uint32_t *reg, int vector)
{
	return (reg[vector / 32] >> (vector % 32)) & 1;
}

void viz_ipi_inval(struct viz *v, int cpu, int cause, const struct tlb_entry *e)
{
	const struct lapic *l = &v->m->apics.apic[cpu];
	if (v->nsds || cpu >= v->m->apics.n)
		return; /* the guest reports its shootdowns: no guessing */
	if (cause != INV_INVLPG && (cause < INV_INVPCID0 || cause > INV_INVPCID3) &&
	    cause != INV_CR4 && !(cause == INV_CR3 && v->cpus[cpu].cr3_reload))
		return;
	int vec = in_service(l);
	if (vec < 0)
		return;
	/* The IPI being handled: the latest fixed one of that vector from
	 * another vCPU, or the one before it if the latest still waits in
	 * IRR behind it. */
	uint64_t now = vclock_now(&v->m->clock);
	int skip = bit_set(l->irr, vec);
	uint64_t first = v->nipis > VIZ_IPIS ? v->nipis - VIZ_IPIS : 0;
	for (uint64_t k = v->nipis; k-- > first;) {
		struct viz_ipi *p = &v->ipis[k % VIZ_IPIS];
		if (p->to != cpu || p->from == cpu || p->vector != vec ||
		    (p->mode != APIC_DM_FIXED && p->mode != APIC_DM_LOWEST))
			continue;
		if (skip) {
			skip = 0;
			continue;
		}
		if (p->likely || now - p->tick > SHOOTDOWN_WINDOW)
			return;
		p->likely = 1;
		p->gen = v->gen; /* draw it again, in the shootdown colour */
		v->likely++;
		viz_log(v, cpu, COL_SHOOTDOWN_LIKELY, "cpu%d likely shootdown: in the handler of "
			"IPI %#04x from cpu%d, %s va=%" PRIx64, cpu, p->vector, p->from,
			tlb_cause_name(cause), e->vpn << e->shift);
		return;
	}
}

void viz_shootdown_reported(struct viz *v, const struct ownership_event *e)
{
	struct viz_shootdown *sd = &v->sds[v->nsds++ % VIZ_IPIS];
	char cpus[64];
	size_t len = 0;
	sd->gen = v->gen;
	sd->from = e->from_cpu;
	sd->cpumask = e->cpumask;
	cpus[0] = 0;
	for (int i = 0; i < 64; i++) {
		if (!((e->cpumask >> i) & 1))
			continue;
		if (len + 8 >= sizeof(cpus)) {
			snprintf(cpus + len, sizeof(cpus) - len, ",...");
			break;
		}
		len += (size_t)snprintf(cpus + len, sizeof(cpus) - len, "%s%d", len ? "," : "", i);
	}
	if (e->nr_pages == OWN_SHOOTDOWN_FULL)
		viz_log(v, e->from_cpu, COL_SHOOTDOWN, "shootdown cpu%d -> {%s}: full flush",
			e->from_cpu, cpus);
	else
		viz_log(v, e->from_cpu, COL_SHOOTDOWN, "shootdown cpu%d -> {%s}: %u page%s",
			e->from_cpu, cpus, e->nr_pages, e->nr_pages == 1 ? "" : "s");
}

static void arc(struct fb *f, int n, int from, int to, uint32_t col)
{
	int xf, xt, w;
	layout_ipi_box(from, n, &xf, &w);
	xf += w / 2;
	layout_ipi_box(to, n, &xt, &w);
	xt += w / 2;
	int d = from > to ? from - to : to - from;
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
	fb_printf(f, IPI_X, IPI_Y, COL_TITLE, "IPIs %" PRIu64 "  shootdowns %" PRIu64
		  "  likely %" PRIu64, v->nipis, v->nsds, v->likely);
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
	 * last one always (so a snapshot shows the most recent); then the
	 * shootdowns the guest reported, over them. */
	uint32_t fade = v->flash_gens > 1 ? v->flash_gens : 1;
	uint64_t first = v->nipis > VIZ_IPIS ? v->nipis - VIZ_IPIS : 0;
	for (uint64_t k = first; k < v->nipis; k++) {
		const struct viz_ipi *p = &v->ipis[k % VIZ_IPIS];
		if (p->from >= n || p->to >= n)
			continue;
		if (k == v->nipis - 1 || v->gen - p->gen < fade)
			arc(f, n, p->from, p->to, p->likely ? COL_SHOOTDOWN_LIKELY
			    : mode_colour(p->mode));
	}
	first = v->nsds > VIZ_IPIS ? v->nsds - VIZ_IPIS : 0;
	for (uint64_t k = first; k < v->nsds; k++) {
		const struct viz_shootdown *sd = &v->sds[k % VIZ_IPIS];
		if (sd->from < 0 || sd->from >= n || (k != v->nsds - 1 && v->gen - sd->gen >= fade))
			continue;
		for (int t = 0; t < n; t++)
			if (t != sd->from && ((sd->cpumask >> t) & 1))
				arc(f, n, sd->from, t, COL_SHOOTDOWN);
	}
}
