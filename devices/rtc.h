/*
 * devices/rtc.h — the MC146818 real-time clock and CMOS memory at
 * 0x70 (index, bit 7 = NMI disable) / 0x71 (data).
 *
 * The clock shows RTC_EPOCH plus the virtual time (devices/vclock.h), never
 * the host's: two runs of one command read the same dates.  The CMOS bytes
 * beyond the clock hold what SeaBIOS and QEMU put there: memory sizes
 * (15H-18H, 30H-31H, 34H-35H, 5BH-5DH), the century (32H) and the CPU
 * count minus one (5FH).
 */
#ifndef MMULAB_DEVICES_RTC_H
#define MMULAB_DEVICES_RTC_H

#include <stdint.h>

#include "devices/bus.h"
#include "devices/vclock.h"

/* 2024-01-01 00:00:00 UTC, a Monday: what the clock reads at tick 0. */
#define RTC_EPOCH_YEAR 2024

struct rtc {
	uint8_t index;
	uint8_t cmos[128];
	struct vclock *clock;
};

/* Fill the CMOS for a machine with `ram_size` bytes and `ncpus` CPUs and
 * claim ports 0x70-0x71.  Returns 0 or -1 (bus full). */
int rtc_init(struct rtc *r, struct bus *b, struct vclock *clock,
	     uint64_t ram_size, int ncpus);

/* CMOS register `reg` as the guest reads it now. */
uint8_t rtc_read(struct rtc *r, uint8_t reg);

#endif
