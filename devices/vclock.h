/*
 * devices/vclock.h — virtual time and the timers that fire from it.
 *
 * mmulab's clock is made of instructions: one tick is one instruction
 * retired, and --ips says how many ticks make a second (default 1e9, one
 * nanosecond each).  The run loop (emu/machine.c) runs all vCPUs in slices
 * of virtual time; a slice starts at `base` and, while a vCPU runs, the
 * time that vCPU sees is `base` plus what it has retired since the slice
 * began.  So a device reading the time mid-slice (an APIC current-count
 * read, a PIT latch) gets a value that depends only on instruction counts.
 *
 * Timers are owned by the devices (PIT, local APIC timers); the clock only
 * keeps pointers to them.  Between slices the loop fires every timer whose
 * deadline has come and ends the next slice at the earliest deadline, so a
 * timer fires at its exact tick when no CPU is running mid-slice.
 */
#ifndef MMULAB_DEVICES_VCLOCK_H
#define MMULAB_DEVICES_VCLOCK_H

#include <stdint.h>

#define VTIMER_OFF UINT64_MAX
#define VCLOCK_MAX_TIMERS 80

struct vtimer {
	uint64_t when; /* tick at which it fires; VTIMER_OFF: idle */
	/* Called once `when` has passed, with the tick it was due at; the
	 * callback sets `when` again to re-arm (periodic timers). */
	void (*fire)(void *opaque, uint64_t due);
	/* Could firing now bring a halted CPU back (an unmasked route to a
	 * CPU with interrupts on)?  NULL means yes.  Used to decide between
	 * jumping time forward and reporting "guest halted". */
	int (*wakes)(void *opaque);
	void *opaque;
};

struct vclock {
	uint64_t base;           /* ticks at the start of the current slice */
	const uint64_t *icount;  /* retired-instruction counter of the running
				  * vCPU, or NULL between slices */
	uint64_t icount0;        /* its value when the vCPU's turn began */
	uint64_t ips;            /* ticks per virtual second */
	struct vtimer *timers[VCLOCK_MAX_TIMERS];
	int ntimers;
};

/* Start the clock at tick 0 with `ips` ticks per second (0: 1e9). */
void vclock_init(struct vclock *k, uint64_t ips);

/* Register a timer (idle until its owner sets `when`).  Returns 0, or -1
 * when the table is full (a machine-assembly bug). */
int vclock_add(struct vclock *k, struct vtimer *t);

/* The current tick as the running vCPU (or the loop) sees it. */
static inline uint64_t vclock_now(const struct vclock *k)
{
	return k->base + (k->icount ? *k->icount - k->icount0 : 0);
}

/* Earliest deadline of any armed timer, or VTIMER_OFF. */
uint64_t vclock_next(const struct vclock *k);

/* Is an armed timer able to wake a halted CPU (see vtimer.wakes)? */
int vclock_can_wake(const struct vclock *k);

/* Fire, in deadline order, every timer due at or before `now`.  Returns
 * how many fired. */
int vclock_fire_due(struct vclock *k, uint64_t now);

/* Ticks converted to a device clock of `hz` Hz (rounded down), and the
 * number of ticks `n` cycles of an `hz` Hz clock take (rounded up). */
uint64_t vclock_to_hz(const struct vclock *k, uint64_t ticks, uint64_t hz);
uint64_t vclock_from_hz(const struct vclock *k, uint64_t n, uint64_t hz);

#endif
