/*
 * What the SMP workloads (mmapstorm, pcidswitch, tlbstale) share: the TLB
 * counters of /proc/vmstat read in one snapshot (one open(), so that they
 * agree with each other), and the CPUs the process may use.  On a Linux
 * host the mmulab-only lines are missing: their values read as -1.
 */
#ifndef USER_TLBSTAT_H
#define USER_TLBSTAT_H

#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "procfs.h"

struct tlb_counters {
	long remote_flush;	/* nr_tlb_remote_flush: flushes that needed other CPUs */
	long received;		/* nr_tlb_remote_flush_received */
	long ipi;		/* nr_tlb_shootdown_ipi: the IPIs they sent */
	long flush_one;		/* nr_tlb_local_flush_one */
	long flush_all;		/* nr_tlb_local_flush_all */
	long cr3_noflush;	/* nr_tlb_cr3_noflush */
	long cr3_flush;		/* nr_tlb_cr3_flush */
	long asid_recycle;	/* nr_tlb_asid_recycle */
	long deferred;		/* nr_tlb_deferred_flush */
	long skipped;		/* nr_tlb_skipped_shootdown */
};

/* The number after "NAME " at the start of a line of buf, or -1. */
static inline long vmstat_field(const char *buf, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = buf; *p; p++) {
		if ((p == buf || p[-1] == '\n') && !strncmp(p, name, n) && p[n] == ' ') {
			long v = 0;

			for (p += n + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + *p - '0';
			return v;
		}
	}
	return -1;
}

static inline void read_tlb_counters(struct tlb_counters *c)
{
	static char buf[8192];

	if (read_proc("/proc/vmstat", buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	c->remote_flush = vmstat_field(buf, "nr_tlb_remote_flush");
	c->received = vmstat_field(buf, "nr_tlb_remote_flush_received");
	c->ipi = vmstat_field(buf, "nr_tlb_shootdown_ipi");
	c->flush_one = vmstat_field(buf, "nr_tlb_local_flush_one");
	c->flush_all = vmstat_field(buf, "nr_tlb_local_flush_all");
	c->cr3_noflush = vmstat_field(buf, "nr_tlb_cr3_noflush");
	c->cr3_flush = vmstat_field(buf, "nr_tlb_cr3_flush");
	c->asid_recycle = vmstat_field(buf, "nr_tlb_asid_recycle");
	c->deferred = vmstat_field(buf, "nr_tlb_deferred_flush");
	c->skipped = vmstat_field(buf, "nr_tlb_skipped_shootdown");
}

/* after - before, or -1 when the counter does not exist here. */
static inline long tlb_delta(long before, long after)
{
	return before < 0 || after < 0 ? -1 : after - before;
}

/* The CPUs this process may run on (sched_getaffinity), at least 1. */
static inline int online_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return 1;
	return CPU_COUNT(&set) ? CPU_COUNT(&set) : 1;
}

/* The lowest CPU of this process's mask but `not` (-1 for none), or -1. */
static inline int pick_cpu(int not)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return -1;
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &set) && cpu != not)
			return cpu;
	return -1;
}

/* Pins the calling thread to one CPU; 0 or -1. */
static inline int pin_to_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

#endif
