/*
 * devices/pit.h — the Intel 8254 programmable interval timer at 0x40-0x43
 * (1.193182 MHz input) and port 0x61 (channel 2 gate, speaker, OUT2).
 *
 * Channel 0 drives ISA IRQ 0; channel 2's gate and output are bits 0 and 5
 * of port 0x61, which is how kernels calibrate their clocks.  Channel 1
 * (DRAM refresh) counts but drives nothing.  At power-on channel 0 runs in
 * mode 2 with count 65536 (18.2 Hz), as SeaBIOS leaves it.  The counters
 * run on virtual time (devices/vclock.h).
 */
#ifndef MMULAB_DEVICES_PIT_H
#define MMULAB_DEVICES_PIT_H

#include <stdint.h>

#include "devices/bus.h"
#include "devices/vclock.h"

#define PIT_HZ 1193182ull

struct pit_channel {
	uint32_t reload;     /* the count (1..65536) */
	uint8_t mode;        /* 0-5 */
	uint8_t access;      /* 1 LSB, 2 MSB, 3 LSB then MSB */
	uint8_t write_msb;   /* next write of access 3 is the MSB */
	uint8_t read_msb;    /* next read of access 3 is the MSB */
	uint8_t latched;     /* bytes of `latch` still to read (0-2) */
	uint8_t latch_msb;   /* next latched byte is the MSB */
	uint16_t latch;
	uint8_t status_latched, status;
	uint8_t loaded;      /* a count has been written since the mode */
	uint8_t gate;
	uint8_t lsb;         /* LSB written, MSB awaited */
	uint64_t start;      /* tick at which the count was loaded */
};

struct pit8254 {
	struct pit_channel ch[3];
	struct vclock *clock;
	struct vtimer timer;  /* channel 0's next rising OUT edge */
	uint8_t speaker;      /* port 0x61 bit 1 */
	void (*set_irq)(void *opaque, int irq, int level);
	int (*irq_wakes)(void *opaque, int irq); /* is IRQ 0 routed to a CPU? */
	void *irq_opaque;
	uint64_t irq0_count;
};

/* Reset to the firmware state and claim 0x40-0x43 and 0x61; registers the
 * channel 0 timer with `clock`.  The owner sets set_irq / irq_wakes /
 * irq_opaque.  Returns 0 or -1 (bus or clock full). */
int pit_init(struct pit8254 *p, struct bus *b, struct vclock *clock);

/* The counter value and OUT level of channel `n` now. */
uint16_t pit_count(struct pit8254 *p, int n);
int pit_out(struct pit8254 *p, int n);

uint32_t pit_io_read(void *opaque, uint16_t port, int size);
void pit_io_write(void *opaque, uint16_t port, int size, uint32_t val);

#endif
