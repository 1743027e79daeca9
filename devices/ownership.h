/*
 * devices/ownership.h — the frame-ownership channel: a paravirtual
 * device of mmulab's through which the guest OS says what each physical
 * frame is for and which process it is charged to, so that the visualiser
 * can show the guest's view of memory beside what the MMU sees.  QEMU has
 * no such device: there the ports are unclaimed, writes vanish and reads
 * return all ones, so a guest must never need an answer.
 *
 * Ports (32-bit OUT unless said otherwise):
 *   0x590 PFN   first frame of the next report; reading it returns
 *               OWNERSHIP_MAGIC ("OWN1") on mmulab
 *   0x594 PID   owner of the next report (0: the kernel), and the pid whose
 *               name the next COMM bytes give
 *   0x598 CMD   bits 7:0 kind, bits 31:8 count: frames PFN..PFN+count-1
 *               become `kind` owned by PID; PFN then advances by count.
 *               Kinds 80H and up are events instead, which take their
 *               operands from bits 31:8 and the PFN and PID registers:
 *                 80H process PID ended, bits 31:8 its wait status as
 *                     Linux encodes it (exit code in 15:8, or the killing
 *                     signal in 6:0); PFN is left alone
 *                 81H the OOM killer chose process PID as its victim (bits
 *                     31:8 zero); PFN is left alone
 *                 82H a TLB shootdown: the CPU in bits 13:8 asked the CPUs
 *                     whose bits are set in PFN (CPUs 0-31) and PID (CPUs
 *                     32-63) to invalidate bits 31:14 pages each, or all
 *                     their entries of the address space when that field
 *                     is 3FFFFH (a full flush; a count that does not fit
 *                     is sent as 3FFFEH); PFN and PID must be written
 *                     again before the next report
 *                 83H a counter of the guest's (its /proc/vmstat and
 *                     /proc/meminfo): the counter's id in bits 31:8, its
 *                     64-bit value in PFN (low 32 bits) and PID (high 32
 *                     bits); PFN and PID must be written again before the
 *                     next report.  Ids, with Linux's names:
 *                       0 nr_free_pages   4 pswpin    8 nr_tlb_local_flush_one
 *                       1 pgfault         5 pswpout   9 nr_tlb_local_flush_all
 *                       2 pgmajfault      6 oom_kill 10 Committed_AS (kB)
 *                       3 cow_fault       7 nr_tlb_remote_flush
 *                                                    11 nr_processes
 *                     (cow_fault is mmulab's name; ids from 12 up are
 *                     ignored)
 *   0x59C COMM  (8-bit OUT) the next byte of a process name; 0 ends the name
 *               and records it for PID (names longer than 15 bytes are cut)
 * Kinds: 0 free, 1 kernel, 2 slab, 3 page table, 4 anonymous, 5 file
 * (page cache, initrd), 6 the shared zero page, 7 reserved (not RAM the
 * allocator owns).  Frames outside RAM are ignored.
 */
#ifndef MMULAB_DEVICES_OWNERSHIP_H
#define MMULAB_DEVICES_OWNERSHIP_H

#include <stdint.h>

#include "devices/bus.h"

#define OWNERSHIP_BASE 0x590
#define OWNERSHIP_SIZE 16
#define OWNERSHIP_MAGIC 0x314e574fu /* "OWN1" */
#define OWNERSHIP_NAMES 256

/* Events (CMD kinds 80H and up). */
enum { OWN_EV_EXIT = 0x80, OWN_EV_OOM_KILL = 0x81, OWN_EV_SHOOTDOWN = 0x82, OWN_EV_COUNTER = 0x83 };
#define OWN_SHOOTDOWN_FULL 0x3ffffu /* nr_pages of a full flush */

/* Counter ids (event 83H); OWN_COUNTER_NAMES gives their names in id order. */
enum {
	OWN_CTR_NR_FREE_PAGES, OWN_CTR_PGFAULT, OWN_CTR_PGMAJFAULT, OWN_CTR_COW_FAULT,
	OWN_CTR_PSWPIN, OWN_CTR_PSWPOUT, OWN_CTR_OOM_KILL, OWN_CTR_NR_TLB_REMOTE_FLUSH,
	OWN_CTR_NR_TLB_LOCAL_FLUSH_ONE, OWN_CTR_NR_TLB_LOCAL_FLUSH_ALL, OWN_CTR_COMMITTED_AS_KB,
	OWN_CTR_NR_PROCESSES, OWN_NR_COUNTERS
};
#define OWN_COUNTER_NAMES                                                                  \
	{ "nr_free_pages", "pgfault", "pgmajfault", "cow_fault", "pswpin", "pswpout",      \
	  "oom_kill", "nr_tlb_remote_flush", "nr_tlb_local_flush_one",                     \
	  "nr_tlb_local_flush_all", "Committed_AS", "nr_processes" }

/* One event, decoded. */
struct ownership_event {
	uint32_t type;      /* OWN_EV_* */
	uint32_t pid, arg;  /* exit, OOM kill: the process, bits 31:8 of CMD */
	char comm[16];      /* its name when the event came, or "" */
	int from_cpu;       /* shootdown: the CPU that sent the IPIs, */
	uint64_t cpumask;   /* the CPUs asked to flush (bit N: CPU N), */
	uint32_t nr_pages;  /* pages each invalidates, or OWN_SHOOTDOWN_FULL */
	uint32_t counter;   /* counter: its id (OWN_CTR_*), */
	uint64_t value;     /* and its value */
};

enum ownership_kind {
	OWN_FREE, OWN_KERNEL, OWN_SLAB, OWN_PGTABLE, OWN_ANON, OWN_FILE, OWN_ZERO,
	OWN_RESERVED, OWN_NR_KINDS
};

struct ownership {
	uint64_t nframes;
	uint8_t *kind;    /* per frame: enum ownership_kind; OWN_RESERVED until told */
	uint32_t *pid;    /* per frame: owner */
	uint32_t next_pfn, next_pid;
	char comm[16];
	int comm_len;
	struct {
		uint32_t pid;
		char comm[16];
	} names[OWNERSHIP_NAMES]; /* the latest names, a ring */
	int next_name;
	uint64_t reports;
	uint64_t nevents; /* events in all */
	/* A watcher (the visualiser), or NULL: told of each event as the
	 * guest reports it. */
	void (*watch)(void *opaque, const struct ownership_event *e);
	void *watch_opaque;
};

/* Claim the ports and allocate the per-frame arrays for ram_size bytes.
 * Returns 0, or -1 (bus full or out of memory). */
int ownership_init(struct ownership *o, struct bus *b, uint64_t ram_size);
void ownership_free(struct ownership *o);
/* Frames of each kind, into counts[OWN_NR_KINDS]. */
void ownership_count(const struct ownership *o, uint64_t counts[OWN_NR_KINDS]);
/* The name last reported for pid, or NULL. */
const char *ownership_comm(const struct ownership *o, uint32_t pid);

#endif
