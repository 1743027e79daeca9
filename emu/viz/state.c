/*
 * emu/viz/state.c — what the visualiser hears from each vCPU's MMU
 * through the observer interface (mmu/mmu.h), and its event log.  Walk
 * steps are gathered into the last walk; TLB fills, evictions and
 * invalidations mark the entry to flash for a few frames; page faults,
 * CR3 writes and INVLPG/INVPCID/#PF invalidations become log lines, and
 * so do the process exits, OOM kills and TLB shootdowns the guest reports
 * through the ownership channel (its watcher hook, as it reports them);
 * of the /proc-style counters it reports, the latest value of each is kept.
 * TLB hits are not asked for, so the host-pointer fast path stays on: the
 * hit rate comes from the always-on counters instead (viz_sample).
 *
 * Heat (the overlay of recent accesses) is a byte per frame: a page walk
 * warms the paging structures it reads and the frame it reaches, and at
 * every rendered frame each TLB entry used since the last one (its LRU
 * stamp moved: the fast path refreshes it too) warms its frame.  It
 * halves every HEAT_HALF_MS of virtual time.
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
#define HEAT_WALK 48 /* a walk's read of a frame */
#define HEAT_USE 96  /* a TLB entry used since the last frame */

static void warm(struct viz *v, uint64_t pa, unsigned by)
{
	uint64_t f = pa >> 12;
	if (f < v->m->ownership.nframes)
		v->heat[f] = (uint8_t)(v->heat[f] + by > 255 ? 255 : v->heat[f] + by);
}

static void on_walk(void *opaque, uint64_t la, int level, uint64_t pa,
		    uint64_t entry, uint64_t set)
{
	struct viz_cpu *c = opaque;
	struct viz_walk *w = &c->walk;
	warm(c->v, pa, HEAT_WALK);
	if (set && w->n && w->s[w->n - 1].level == level && w->la == la) {
		w->s[w->n - 1].val = entry;
		w->s[w->n - 1].set |= set;
		return;
	}
	if (!w->n || w->la != la || level >= w->s[w->n - 1].level || w->n == 6) {
		memset(w, 0, sizeof(*w));
		w->la = la;
		c->walks++;
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
	if (ev == TLB_EV_FILL && a <= TLB_STLB_1G && c->walk.la >> e->shift == e->vpn)
		warm(v, e->pa + (c->walk.la & ((1ull << e->shift) - 1)), HEAT_WALK);
	if (ev != TLB_EV_INVAL)
		return;
	viz_ipi_inval(v, c->id, cause, e);
	if (cause == INV_CR3 || cause == INV_CR0 || cause == INV_CR4)
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
	c->faults++;
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
	/* (The MMU tells before it loads: ctl.cr3 is still the old value.) */
	c->cr3_reload = !((c->v->m->cpus[c->id].mmu.ctl.cr3 ^ val) & ~CR3_NOFLUSH);
	viz_note_cr3(c->v, c->id, val);
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

/* TLB entries used since the last sample warm their frames. */
static void sample_heat(struct viz *v, struct viz_cpu *c, const struct mmu *u)
{
	for (int a = 0; a <= TLB_STLB; a++) {
		const struct tlb_array *arr = &u->tlb.a[a];
		if (!c->lru[a])
			continue;
		for (int i = 0; i < arr->sets * arr->ways; i++) {
			const struct tlb_entry *e = &arr->e[i];
			if (e->valid && e->lru != c->lru[a][i] && e->shift == 12)
				warm(v, e->pa, HEAT_USE);
			c->lru[a][i] = e->lru;
		}
	}
}

void viz_sample(struct viz *v)
{
	struct machine *m = v->m;
	uint64_t icount = machine_icount(m);
	if (icount == v->sampled_icount && v->gen)
		return; /* paused: nothing new to plot */
	v->sampled_icount = icount;
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
		sample_heat(v, c, u);
	}
}

void viz_heat_decay(struct viz *v)
{
	uint64_t half = (uint64_t)HEAT_HALF_MS * (v->m->clock.ips / 1000);
	uint64_t now = vclock_now(&v->m->clock);
	if (!half || now - v->heat_tick < half)
		return;
	uint64_t k = (now - v->heat_tick) / half;
	v->heat_tick += k * half;
	int sh = k > 8 ? 8 : (int)k;
	uint8_t *h = v->heat;
	for (uint64_t f = 0; f < v->m->ownership.nframes; f++)
		h[f] = (uint8_t)(h[f] >> sh);
}

void viz_on_guest_event(void *opaque, const struct ownership_event *e)
{
	struct viz *v = opaque;
	const char *name = e->comm[0] ? e->comm : "?";
	switch (e->type) {
	case OWN_EV_EXIT:
		v->exits++;
		/* Linux's wait status: a signal in bits 6:0, else the exit
		 * code in bits 15:8. */
		if (e->arg & 0x7f) {
			v->exits_signal++;
			viz_log(v, -1, COL_FAULT, "guest: pid %u (%s) killed by signal %u",
				e->pid, name, e->arg & 0x7f);
		} else {
			viz_log(v, -1, COL_TEXT, "guest: pid %u (%s) exited with status %u",
				e->pid, name, (e->arg >> 8) & 0xff);
		}
		break;
	case OWN_EV_OOM_KILL:
		v->oom_kills++;
		viz_log(v, -1, COL_FAULT, "guest: OOM killer killed pid %u (%s)", e->pid, name);
		break;
	case OWN_EV_SHOOTDOWN:
		viz_shootdown_reported(v, e);
		break;
	case OWN_EV_COUNTER: /* the latest value is kept, render.c shows it */
		v->counter[e->counter] = e->value;
		v->counters_seen |= 1u << e->counter;
		break;
	}
}
