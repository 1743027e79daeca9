/*
 * emu/mmutrace.c — `-d mmu`: a text trace of what each vCPU's MMU does,
 * written through the MMU observer interface (mmu/mmu.h): every walk step
 * (entry address, value, A/D bits set), TLB and paging-structure-cache
 * fills, evictions and invalidations (with their cause), page faults and
 * CR3 writes.  TLB hits are not traced (there are billions), so the
 * host-pointer fast path stays on.
 */
#include "emu/emu.h"

#include <inttypes.h>
#include <stdio.h>

struct mmutrace {
	FILE *out;
	int cpu;
};

static struct mmutrace traces[MACHINE_MAX_CPUS];

static void on_walk(void *opaque, uint64_t la, int level, uint64_t pa,
		    uint64_t entry, uint64_t set)
{
	static const char *const names[] = { "?", "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };
	struct mmutrace *t = opaque;
	fprintf(t->out, "cpu%d mmu walk la=%016" PRIx64 " %-5s @%012" PRIx64
		" = %016" PRIx64 "%s%s\n", t->cpu, la,
		names[level >= 1 && level <= 5 ? level : 0], pa, entry,
		(set & (1u << 5)) ? " +A" : "", (set & (1u << 6)) ? " +D" : "");
}

static void on_tlb(void *opaque, int ev, int a, int set, int way,
		   const struct tlb_entry *e, int cause)
{
	static const char *const evs[] = { "hit", "miss", "fill", "evict", "inval" };
	struct mmutrace *t = opaque;
	if (ev == TLB_EV_HIT)
		return; /* hits are counted (--stats), not traced */
	fprintf(t->out, "cpu%d mmu tlb %-5s %-6s set %d way %d va=%016" PRIx64
		" pa=%012" PRIx64 " pcid=%u%s%s%s%s%s%s%s\n", t->cpu, evs[ev],
		tlb_array_name(a), set, way, e->vpn << e->shift, e->pa,
		(unsigned)e->pcid, e->global ? " G" : "", e->rw ? " RW" : " RO",
		e->us ? " U" : " S", e->nx ? " XD" : "", e->dirty ? " D" : "",
		ev == TLB_EV_INVAL ? " by " : "",
		ev == TLB_EV_INVAL ? tlb_cause_name(cause) : "");
}

static void on_fault(void *opaque, uint64_t la, uint32_t error)
{
	struct mmutrace *t = opaque;
	fprintf(t->out, "cpu%d mmu #PF la=%016" PRIx64 " error=%#x (%s %s %s%s%s)\n",
		t->cpu, la, error, (error & 1) ? "protection" : "not-present",
		(error & 2) ? "write" : "read", (error & 4) ? "user" : "supervisor",
		(error & 8) ? " reserved-bit" : "", (error & 16) ? " fetch" : "");
}

static void on_cr3(void *opaque, uint64_t v)
{
	struct mmutrace *t = opaque;
	fprintf(t->out, "cpu%d mmu cr3 <- %016" PRIx64 "\n", t->cpu, v);
}

static const struct mmu_observer trace_observer = {
	.walk_step = on_walk,
	.tlb = on_tlb,
	.fault = on_fault,
	.cr3 = on_cr3,
	.wants_hits = 0,
};

void mmutrace_attach(struct machine *m, FILE *out)
{
	for (int i = 0; i < m->ncpus && i < MACHINE_MAX_CPUS; i++) {
		traces[i].out = out;
		traces[i].cpu = i;
		if (obsfan_attach(m, i, &trace_observer, &traces[i]) != 0)
			report_msg(m, "-d mmu: cannot trace CPU %d (out of memory)", i);
	}
}
