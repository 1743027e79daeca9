/*
 * emu/obsfan.c — more than one MMU observer per vCPU.  An MMU holds one
 * observer (mmu_set_observer); the fan-out is that observer and passes
 * every event on to each one attached here, in attachment order, so that
 * the -d mmu trace and the visualiser can watch the same run.  TLB hits
 * are asked for when any attached observer wants them.
 */
#include "emu/emu.h"

#include <stdlib.h>

#define OBSFAN_MAX 4

struct obsfan {
	struct mmu_observer self;
	int n;
	struct {
		const struct mmu_observer *o;
		void *opaque;
	} sub[OBSFAN_MAX];
};

static void fan_walk(void *opaque, uint64_t la, int level, uint64_t pa,
		     uint64_t entry, uint64_t set)
{
	struct obsfan *f = opaque;
	for (int i = 0; i < f->n; i++)
		if (f->sub[i].o->walk_step)
			f->sub[i].o->walk_step(f->sub[i].opaque, la, level, pa, entry, set);
}

static void fan_tlb(void *opaque, int ev, int a, int set, int way,
		    const struct tlb_entry *e, int cause)
{
	struct obsfan *f = opaque;
	for (int i = 0; i < f->n; i++)
		if (f->sub[i].o->tlb && (ev != TLB_EV_HIT || f->sub[i].o->wants_hits))
			f->sub[i].o->tlb(f->sub[i].opaque, ev, a, set, way, e, cause);
}

static void fan_fault(void *opaque, uint64_t la, uint32_t error)
{
	struct obsfan *f = opaque;
	for (int i = 0; i < f->n; i++)
		if (f->sub[i].o->fault)
			f->sub[i].o->fault(f->sub[i].opaque, la, error);
}

static void fan_cr3(void *opaque, uint64_t v)
{
	struct obsfan *f = opaque;
	for (int i = 0; i < f->n; i++)
		if (f->sub[i].o->cr3)
			f->sub[i].o->cr3(f->sub[i].opaque, v);
}

int obsfan_attach(struct machine *m, int cpu, const struct mmu_observer *o,
		  void *opaque)
{
	if (!m->obsfan) {
		m->obsfan = calloc((size_t)m->ncpus, sizeof(*m->obsfan));
		if (!m->obsfan)
			return -1;
	}
	struct obsfan *f = &m->obsfan[cpu];
	if (f->n == OBSFAN_MAX)
		return -1;
	f->sub[f->n].o = o;
	f->sub[f->n].opaque = opaque;
	f->n++;
	f->self.walk_step = fan_walk;
	f->self.tlb = fan_tlb;
	f->self.fault = fan_fault;
	f->self.cr3 = fan_cr3;
	f->self.wants_hits |= o->wants_hits;
	mmu_set_observer(&m->cpus[cpu].mmu, &f->self, f);
	return 0;
}

void obsfan_free(struct machine *m)
{
	free(m->obsfan);
	m->obsfan = NULL;
}
