/*
 * emu/viz/state.c — what the visualiser hears from each vCPU's MMU
 * through the observer interface (mmu/mmu.h), and its event log.  Walk
 * steps are gathered into the last walk; TLB fills, evictions and
 * invalidations mark the entry to flash for a few frames; page faults,
 * CR3 writes and INVLPG/INVPCID/#PF invalidations become log lines.  TLB
 * hits are not asked for, so the host-pointer fast path stays on: the hit
 * rate comes from the always-on counters instead (viz_sample).
 */
#include "emu/viz/internal.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void viz_log(struct viz *v, int cpu, uint32_t colour, const char *fmt, ...)
{
	struct viz_event *e = &v->ev[v->nev++ % VIZ_EVENTS];
	va_list ap;
	e->tick = vclock_now(&v->m->clock);
	e->colour = colour;
	e->cpu = cpu;
	e->cause = -1;
	e->count = 1;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

/* A new walk starts with a plain read (no bits set) of another address,
 * or of a level at or above the one read last. */
static void on_walk(void *opaque, uint64_t la, int level, uint64_t pa,
		    uint64_t entry, uint64_t set)
{
	struct viz_cpu *c = opaque;
	struct viz_walk *w = &c->walk;
	if (set && w->n && w->s[w->n - 1].level == level && w->la == la) {
		w->s[w->n - 1].val = entry;
		w->s[w->n - 1].set |= set;
		return;
	}
	if (!w->n || w->la != la || level >= w->s[w->n - 1].level || w->n == 6) {
		memset(w, 0, sizeof(*w));
		w->la = la;
	}
	w->s[w->n].level = level;
	w->s[w->n].pa = pa;
	w->s[w->n].val = entry;
	w->s[w->n].set = set;
	w->n++;
}

static void on_tlb(void *opaque, int ev, int a, int set, int way,
		   const struct tlb_entry *e, int cause)
{
	struct viz_cpu *c = opaque;
	struct viz *v = c->v;
	const struct tlb_array *arr = &v->m->cpus[c->id].mmu.tlb.a[a];
	int kind = ev == TLB_EV_FILL ? FLASH_FILL : ev == TLB_EV_EVICT ? FLASH_EVICT
			: ev == TLB_EV_INVAL ? FLASH_INVAL : FLASH_NONE;
	if (kind == FLASH_NONE || !c->flash[a] || set >= arr->sets || way >= arr->ways)
		return;
	c->flash[a][set * arr->ways + way] = v->gen << 2 | (uint32_t)kind;
	if (ev != TLB_EV_INVAL || cause == INV_CR3 || cause == INV_CR0 ||
	    cause == INV_CR4)
		return; /* CR writes are logged by themselves */
	struct viz_event *last = v->nev ? &v->ev[(v->nev - 1) % VIZ_EVENTS] : NULL;
	uint64_t va = e->vpn << e->shift;
	if (last && last->cause == cause && last->cpu == c->id &&
	    last->tick == vclock_now(&v->m->clock)) {
		last->count++;
		snprintf(last->text, sizeof(last->text), "cpu%d %s: %d entries dropped "
			 "(last %s va=%" PRIx64 " pcid %u)", c->id, tlb_cause_name(cause),
			 last->count, tlb_array_name(a), va, (unsigned)e->pcid);
		return;
	}
	viz_log(v, c->id, COL_FLASH_INVAL, "cpu%d %s: dropped %s va=%" PRIx64 " pcid %u",
		c->id, tlb_cause_name(cause), tlb_array_name(a), va, (unsigned)e->pcid);
	v->ev[(v->nev - 1) % VIZ_EVENTS].cause = cause;
}

static void on_fault(void *opaque, uint64_t la, uint32_t error)
{
	struct viz_cpu *c = opaque;
	if (c->walk.la == la) {
		c->walk.faulted = 1;
		c->walk.error = error;
	}
	viz_log(c->v, c->id, COL_FAULT, "cpu%d #PF la=%016" PRIx64 " err=%#x %s %s %s%s%s%s",
		c->id, la, error, (error & PF_ERR_P) ? "protection" : "not-present",
		(error & PF_ERR_W) ? "write" : "read", (error & PF_ERR_U) ? "user" : "supervisor",
		(error & PF_ERR_RSVD) ? " rsvd" : "", (error & PF_ERR_I) ? " fetch" : "",
		(error & PF_ERR_PK) ? " pkey" : "");
}

static void on_cr3(void *opaque, uint64_t val)
{
	struct viz_cpu *c = opaque;
	viz_log(c->v, c->id, COL_TITLE, "cpu%d CR3 <- %016" PRIx64 "%s", c->id, val,
		(val & CR3_NOFLUSH) ? " (no flush)" : "");
}

const struct mmu_observer viz_observer = {
	.walk_step = on_walk,
	.tlb = on_tlb,
	.fault = on_fault,
	.cr3 = on_cr3,
	.wants_hits = 0,
};

static uint64_t l1_hits(const struct mmu *u)
{
	uint64_t h = 0;
	for (int a = TLB_ITLB_4K; a <= TLB_DTLB_1G; a++)
		h += u->tlb.a[a].st.hits;
	return h;
}

void viz_sample(struct viz *v)
{
	struct machine *m = v->m;
	for (int i = 0; i < m->ncpus; i++) {
		struct viz_cpu *c = &v->cpus[i];
		const struct mmu *u = &m->cpus[i].mmu;
		uint64_t h = l1_hits(u), mi = u->stats.misses[LVL_ITLB] + u->stats.misses[LVL_DTLB];
		uint64_t dh = h - c->prev_hits, dm = mi - c->prev_misses;
		int k = c->nsamples++ % GRAPH_N;
		c->rate[k] = dh + dm ? (float)dh / (float)(dh + dm) : -1.0f;
		c->mps[k] = (float)dm;
		c->prev_hits = h;
		c->prev_misses = mi;
		if (i < m->apics.n) {
			const struct lapic *l = &m->apics.apic[i];
			if (l->ipis_received != c->prev_ipis)
				viz_log(v, i, COL_SLAB, "cpu%d IPIs received: %" PRIu64
					" (+%" PRIu64 "), sent %" PRIu64, i, l->ipis_received,
					l->ipis_received - c->prev_ipis, l->ipis_sent);
			c->prev_ipis = l->ipis_received;
		}
	}
}
