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
 *               Kinds 80H and up are events about process PID instead
 *               (PFN is left alone): 80H the process ended, bits 31:8 its
 *               wait status as Linux encodes it (exit code in 15:8, or
 *               the killing signal in 6:0); 81H the OOM killer chose it
 *               as its victim (bits 31:8 zero)
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
#define OWNERSHIP_EVENTS 64

/* Events (CMD kinds 80H and up). */
enum { OWN_EV_EXIT = 0x80, OWN_EV_OOM_KILL = 0x81 };

struct ownership_event {
	uint32_t type, pid, arg; /* OWN_EV_*, the process, bits 31:8 of CMD */
	char comm[16];           /* its name when the event came, or "" */
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
	struct ownership_event events[OWNERSHIP_EVENTS]; /* a ring */
	uint64_t nevents; /* events in all; the latest at (nevents - 1) % size */
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
