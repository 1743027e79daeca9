/*
 * ownership.h — the frame-ownership channel: the kernel tells mmulab what
 * each physical frame is for and which process it is charged to, so that
 * the visualiser can colour the frame map with the guest's own view.  The
 * port protocol is defined in devices/ownership.h (mmulab's side); this is
 * the kernel's side of it.  The channel only ever writes: on QEMU the ports
 * are unclaimed, the writes vanish, and nothing in the kernel depends on
 * them.
 */
#ifndef OS_OWNERSHIP_H
#define OS_OWNERSHIP_H

#include "types.h"

/* What a frame is for; the numbers are the port protocol's. */
enum page_kind {
	PAGE_KIND_FREE = 0,
	PAGE_KIND_KERNEL = 1,	/* image, boot allocations, kernel pages */
	PAGE_KIND_SLAB = 2,
	PAGE_KIND_PGTABLE = 3,
	PAGE_KIND_ANON = 4,
	PAGE_KIND_FILE = 5,
	PAGE_KIND_ZERO = 6,	/* the shared zero page */
	PAGE_KIND_RESERVED = 7,	/* firmware, holes, never allocatable */
	NR_PAGE_KINDS
};

/* Reports frames pfn..pfn+nr-1 as `kind`, charged to `pid` (0: kernel). */
void ownership_report(unsigned long pfn, unsigned long nr, enum page_kind kind, pid_t pid);
/* Reports the name of process `pid` (a command name, at most 15 bytes). */
void ownership_report_comm(pid_t pid, const char *comm);
/* Reports that process `pid` ended with wait status `status` (exit code
 * in bits 15:8, or the killing signal in bits 6:0). */
void ownership_report_exit(pid_t pid, int status);
/* Reports that the OOM killer chose process `pid` as its victim (call it
 * when the kill is decided, before the victim's exit is reported). */
void ownership_report_oom_kill(pid_t pid);
/*
 * Reports a TLB shootdown: CPU `from_cpu` asks the CPUs in `cpumask` (bit
 * N for CPU N) to invalidate `nr_pages` pages of an address space each, or
 * all its entries when nr_pages is OWNERSHIP_FLUSH_ALL.  Call it where the
 * flush IPIs are sent (just before or after them); the visualiser then
 * draws a shootdown from the sender to each target and stops guessing
 * which IPIs are shootdowns.  A count of 3FFFFH or more is sent as 3FFFEH.
 */
#define OWNERSHIP_FLUSH_ALL	(~0ul)
void ownership_report_shootdown(int from_cpu, unsigned long cpumask, unsigned long nr_pages);
/*
 * Reports counters (event 83H): value[id] for ids 0 to n - 1, in the
 * protocol's order (devices/ownership.h: nr_free_pages, pgfault, ...).
 * The kernel gathers them in mm/vmstat.c (vm_report_counters).
 */
void ownership_report_counters(const u64 *value, unsigned int n);

#endif
