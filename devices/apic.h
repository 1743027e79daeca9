/*
 * devices/apic.h — the local xAPIC of each vCPU (SDM vol. 3 ch. 10,
 * "Advanced Programmable Interrupt Controller") and the APIC bus between
 * them, over which IPIs and IOAPIC messages travel.
 *
 * Every local APIC sits at physical 0xFEE00000.  The bus has one MMIO
 * region there; an access goes to the APIC of the vCPU that makes it
 * (bus->cpu_current, set by the run loop before each vCPU's turn).
 *
 * Each APIC is its CPU's interrupt controller (struct cpu_irq_ops): it
 * offers the highest fixed vector in IRR above the processor priority, or
 * else, when LINT0 is programmed for ExtINT, what the 8259 pair offers.
 * Delivery to a CPU goes only through the interrupt-delivery interface of
 * cpu/x86/cpu.h: irq_hint, nmi_pending, cpu_init_ipi and cpu_sipi.
 */
#ifndef MMULAB_DEVICES_APIC_H
#define MMULAB_DEVICES_APIC_H

#include <stdint.h>

#include "cpu/x86/cpu.h"
#include "devices/bus.h"
#include "devices/vclock.h"

#define APIC_BASE_ADDR 0xfee00000ull
#define APIC_MAX 64
#define APIC_BUS_HZ 1000000000ull /* timer input clock before the divider */
#define APIC_VERSION 0x00050014u  /* version 14H, 6 LVT entries */

/* Delivery modes (ICR, LVT and IOAPIC redirection bits 10:8). */
enum {
	APIC_DM_FIXED = 0, APIC_DM_LOWEST = 1, APIC_DM_SMI = 2,
	APIC_DM_NMI = 4, APIC_DM_INIT = 5, APIC_DM_STARTUP = 6,
	APIC_DM_EXTINT = 7,
};

/* The LVT entries, in register order. */
enum { LVT_CMCI, LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1,
       LVT_ERROR, LVT_N };

struct apic_bus;

struct lapic {
	struct cpu *cpu;
	struct apic_bus *abus;
	int index;
	uint8_t id; /* APIC ID, = the vCPU index */
	uint32_t tpr, ldr, dfr, svr, esr, esr_pending, icr_lo, icr_hi;
	uint32_t lvt[LVT_N];
	uint32_t irr[8], isr[8], tmr[8];
	uint32_t timer_icr, timer_dcr;
	uint64_t timer_start; /* tick at which the count was (re)loaded */
	struct vtimer timer;
	uint64_t ipis_sent, ipis_received, timer_fires;
};

struct apic_bus {
	struct lapic apic[APIC_MAX];
	int n;
	struct bus *bus;
	struct vclock *clock;
	/* The 8259 pair as an ExtINT source (LINT0 in virtual-wire mode). */
	int (*extint_pending)(void *opaque);
	int (*extint_ack)(void *opaque);
	void *extint_opaque;
	/* EOI of a level-triggered vector: the IOAPIC clears Remote IRR. */
	void (*eoi)(void *opaque, int vector);
	void *eoi_opaque;
	/* A watcher (the visualiser), or NULL: told of each interrupt message
	 * an APIC accepted from another's ICR (`from`, `to`: vCPU indexes). */
	void (*ipi_watch)(void *opaque, int from, int to, int mode, uint8_t vector);
	void *ipi_opaque;
};

/*
 * Give each of the `n` CPUs a local APIC (ID = index), make it the CPU's
 * interrupt controller, register the timers with `clock` and the MMIO
 * region with `bus`.  The bootstrap processor's APIC is left as a PC's
 * firmware leaves it (software-enabled, SVR 1FFH, LINT0 ExtINT, LINT1
 * NMI); the others are in their power-up state.  Returns 0, or -1 when the
 * bus or the clock is full.
 */
int apic_init(struct apic_bus *ab, struct cpu *cpus, int n, struct bus *bus,
	      struct vclock *clock);

/*
 * Send an interrupt message on the APIC bus, as an ICR write or an IOAPIC
 * redirection entry does: `dest` and `logical` select the targets (SDM
 * §10.6.2), `from` is the sender for the self/all-excluding-self
 * shorthands (-1: none).  Returns how many APICs accepted it.
 */
int apic_deliver(struct apic_bus *ab, int from, int shorthand, uint8_t dest,
		 int logical, int mode, uint8_t vector, int level_trig);

/* Register access by offset (the MMIO callbacks' work; for unit tests). */
uint32_t apic_read(struct lapic *l, uint32_t off);
void apic_write(struct lapic *l, uint32_t off, uint32_t val);

/* Current count of the timer (SDM §10.5.4), for tests and reports. */
uint32_t apic_timer_current(struct lapic *l);

#endif
