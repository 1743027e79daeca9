/*
 * devices/apic.c — the local xAPIC (SDM vol. 3 ch. 10): registers, the
 * IRR/ISR/TMR priority logic, interprocessor interrupts through the ICR,
 * and the APIC timer on virtual time.
 *
 * Register map (SDM table 10-1), 16-byte aligned 32-bit registers at
 * 0xFEE00000 + offset; the rest of the 4 KiB page reads as zero.
 */
#include "devices/apic.h"

#include "devices/log.h"

#include <stddef.h>
#include <string.h>

enum {
	REG_ID = 0x20, REG_VERSION = 0x30, REG_TPR = 0x80, REG_APR = 0x90,
	REG_PPR = 0xa0, REG_EOI = 0xb0, REG_RRD = 0xc0, REG_LDR = 0xd0,
	REG_DFR = 0xe0, REG_SVR = 0xf0, REG_ISR = 0x100, REG_TMR = 0x180,
	REG_IRR = 0x200, REG_ESR = 0x280, REG_LVT_CMCI = 0x2f0,
	REG_ICR_LO = 0x300, REG_ICR_HI = 0x310, REG_LVT_TIMER = 0x320,
	REG_TIMER_ICR = 0x380, REG_TIMER_CCR = 0x390, REG_TIMER_DCR = 0x3e0,
};

#define LVT_MASKED (1u << 16)
#define SVR_ENABLE (1u << 8)
#define ESR_RECV_ILLEGAL (1u << 6)
#define ESR_SEND_ILLEGAL (1u << 5)
#define APIC_BASE_MSR_EN (1ull << 11)

/* Writable bits of each LVT (SDM figure 10-8): vector, delivery mode,
 * polarity, trigger mode, mask, timer mode. */
static const uint32_t lvt_writable[LVT_N] = {
	[LVT_CMCI] = 0x107ff, [LVT_TIMER] = 0x700ff, [LVT_THERMAL] = 0x107ff,
	[LVT_PERF] = 0x107ff, [LVT_LINT0] = 0x1a7ff, [LVT_LINT1] = 0x1a7ff,
	[LVT_ERROR] = 0x100ff,
};

static int bit_get(const uint32_t *v, int n) { return v[n >> 5] >> (n & 31) & 1; }
static void bit_set(uint32_t *v, int n) { v[n >> 5] |= 1u << (n & 31); }
static void bit_clr(uint32_t *v, int n) { v[n >> 5] &= ~(1u << (n & 31)); }

static int highest(const uint32_t *v)
{
	for (int i = 7; i >= 0; i--)
		if (v[i])
			return i * 32 + 31 - __builtin_clz(v[i]);
	return -1;
}

static int hw_enabled(const struct lapic *l)
{
	return (l->cpu->apic_base & APIC_BASE_MSR_EN) != 0;
}

static int sw_enabled(const struct lapic *l)
{
	return hw_enabled(l) && (l->svr & SVR_ENABLE);
}

/* SDM §10.8.3.1: PPR = TPR if TPR[7:4] >= ISRV[7:4], else ISRV[7:4]:0. */
static uint32_t ppr(const struct lapic *l)
{
	int isrv = highest(l->isr);
	if (isrv < 0)
		isrv = 0;
	if ((l->tpr & 0xf0) >= ((uint32_t)isrv & 0xf0))
		return l->tpr & 0xff;
	return (uint32_t)isrv & 0xf0;
}

static void kick(struct lapic *l)
{
	l->cpu->irq_hint = 1;
}

/* ---- the timer (SDM §10.5.4) ---- */

static uint32_t divisor(const struct lapic *l)
{
	/* DCR bits 0, 1 and 3: 0000b = ÷2 ... 0111b = ÷256, 1011b = ÷1. */
	uint32_t v = (l->timer_dcr & 3) | ((l->timer_dcr >> 1) & 4);
	return v == 7 ? 1 : 2u << v;
}

static int timer_periodic(const struct lapic *l)
{
	return ((l->lvt[LVT_TIMER] >> 17) & 3) == 1;
}

static void timer_arm(struct lapic *l)
{
	if (!l->timer_icr) {
		l->timer.when = VTIMER_OFF;
		return;
	}
	uint64_t clocks = (uint64_t)l->timer_icr * divisor(l);
	l->timer.when = l->timer_start +
			vclock_from_hz(l->abus->clock, clocks, APIC_BUS_HZ);
}

uint32_t apic_timer_current(struct lapic *l)
{
	if (!l->timer_icr)
		return 0;
	uint64_t now = vclock_now(l->abus->clock);
	uint64_t el = vclock_to_hz(l->abus->clock, now - l->timer_start,
				   APIC_BUS_HZ) / divisor(l);
	if (timer_periodic(l))
		return l->timer_icr - (uint32_t)(el % l->timer_icr);
	/* One-shot: "the count ... stays at zero until reprogrammed". */
	if (el >= l->timer_icr || l->timer.when == VTIMER_OFF)
		return 0;
	return l->timer_icr - (uint32_t)el;
}

static void accept_fixed(struct lapic *l, uint8_t vector, int level_trig);

static void timer_fire(void *opaque, uint64_t due)
{
	struct lapic *l = opaque;
	l->timer_fires++;
	uint32_t lvt = l->lvt[LVT_TIMER];
	if (!(lvt & LVT_MASKED) && sw_enabled(l))
		accept_fixed(l, (uint8_t)lvt, 0);
	if (timer_periodic(l)) {
		/* "the current-count register is automatically reloaded from
		 * the initial-count register and the count-down is repeated" */
		l->timer_start = due;
		timer_arm(l);
	}
}

static int timer_wakes(void *opaque)
{
	struct lapic *l = opaque;
	return !(l->lvt[LVT_TIMER] & LVT_MASKED) && sw_enabled(l) &&
	       !l->cpu->wait_for_sipi && (x86_get_rflags(l->cpu) & FL_IF);
}

/* ---- accepting interrupts ---- */

static void accept_fixed(struct lapic *l, uint8_t vector, int level_trig)
{
	/* SDM §10.5.3: vectors 0-15 are illegal; "Receive Illegal Vector". */
	if (vector < 16) {
		l->esr_pending |= ESR_RECV_ILLEGAL;
		return;
	}
	bit_set(l->irr, vector);
	if (level_trig)
		bit_set(l->tmr, vector);
	else
		bit_clr(l->tmr, vector);
	kick(l);
}

static void apic_reset(struct lapic *l)
{
	uint8_t id = l->id;
	struct vtimer t = l->timer;
	/* SDM §10.4.7.1 / table 10-1 and §10.4.7.3: after reset or INIT
	 * everything is zero except the LVTs (masked), DFR (all ones) and
	 * SVR (0FFH); INIT keeps the APIC ID. */
	memset(&l->tpr, 0, offsetof(struct lapic, timer) - offsetof(struct lapic, tpr));
	l->id = id;
	l->dfr = 0xffffffffu;
	l->svr = 0xff;
	for (int i = 0; i < LVT_N; i++)
		l->lvt[i] = LVT_MASKED;
	l->timer = t;
	l->timer.when = VTIMER_OFF;
}

/* One APIC takes a message, by delivery mode (SDM §10.6.1, ICR bits 10:8).
 * Returns 1 when it did. */
static int accept(struct lapic *l, int mode, uint8_t vector, int level_trig)
{
	switch (mode) {
	case APIC_DM_FIXED:
	case APIC_DM_LOWEST:
		/* §10.4.7.2: a software-disabled APIC still takes NMI, INIT,
		 * SMI and start-up messages, but no fixed interrupts. */
		if (!sw_enabled(l))
			return 0;
		l->ipis_received++;
		accept_fixed(l, vector, level_trig);
		break;
	case APIC_DM_NMI:
		l->ipis_received++;
		l->cpu->nmi_pending = 1;
		break;
	case APIC_DM_INIT:
		/* INIT level de-assert (level 0, trigger level) is handled by
		 * the caller: it does nothing on a Pentium 4 or later. */
		l->ipis_received++;
		apic_reset(l);
		cpu_init_ipi(l->cpu);
		break;
	case APIC_DM_STARTUP:
		l->ipis_received++;
		cpu_sipi(l->cpu, vector);
		break;
	default:
		return 0; /* SMI, ExtINT as a message: not modelled */
	}
	return 1;
}

/* SDM §10.6.2.1-2: physical destination = APIC ID (FFH: all); logical:
 * flat model (DFR[31:28] = 1111b) ANDs the 8-bit mask with LDR[31:24];
 * cluster model (0000b) compares the cluster in the high nibble and ANDs
 * the low nibbles. */
static int dest_match(const struct lapic *l, uint8_t dest, int logical)
{
	if (!logical)
		return dest == 0xff || dest == l->id;
	uint8_t ld = (uint8_t)(l->ldr >> 24);
	if ((l->dfr >> 28) == 0xf)
		return (ld & dest) != 0;
	if (dest == 0xff)
		return 1;
	return (ld >> 4) == (dest >> 4) && (ld & dest & 0xf) != 0;
}

int apic_deliver(struct apic_bus *ab, int from, int shorthand, uint8_t dest,
		 int logical, int mode, uint8_t vector, int level_trig)
{
	int n = 0;
	for (int i = 0; i < ab->n; i++) {
		struct lapic *t = &ab->apic[i];
		int hit;
		switch (shorthand) {
		case 1: hit = i == from; break;            /* self */
		case 2: hit = 1; break;                    /* all including self */
		case 3: hit = i != from; break;            /* all excluding self */
		default: hit = dest_match(t, dest, logical); break;
		}
		if (!hit || !hw_enabled(t))
			continue;
		if (accept(t, mode, vector, level_trig) && from >= 0 && ab->ipi_watch)
			ab->ipi_watch(ab->ipi_opaque, from, i, mode, vector);
		n++;
		/* Lowest priority: one CPU takes it; mmulab picks the first
		 * match (the SDM leaves the arbitration model-specific). */
		if (mode == APIC_DM_LOWEST)
			break;
	}
	return n;
}

/* ICR write (SDM §10.6.1, figure 10-12). */
static void send_ipi(struct lapic *l)
{
	uint32_t lo = l->icr_lo;
	int mode = (lo >> 8) & 7, shorthand = (lo >> 18) & 3;
	int level = (lo >> 14) & 1, trig = (lo >> 15) & 1;
	uint8_t vector = (uint8_t)lo;
	if (mode == APIC_DM_INIT && !level && trig)
		return; /* INIT level de-assert: no effect on this processor */
	if ((mode == APIC_DM_FIXED || mode == APIC_DM_LOWEST) && vector < 16) {
		l->esr_pending |= ESR_SEND_ILLEGAL;
		return;
	}
	l->ipis_sent++;
	/* The sender gives up the rest of its turn (the CPU leaves its block
	 * and stops), so the target runs soon and spin-waits stay cheap. */
	cpu_yield(l->cpu);
	DEV_LOG(LOG_IPI, vclock_now(l->abus->clock), "ipi",
		"cpu %d ICR %08x:%08x (mode %d, vector 0x%02x, shorthand %d)",
		l->index, l->icr_hi, lo, mode, vector, shorthand);
	apic_deliver(l->abus, l->index, shorthand, (uint8_t)(l->icr_hi >> 24),
		     (lo >> 11) & 1, mode, vector, trig);
}

/* ---- the CPU's view: struct cpu_irq_ops ---- */

static int extint_ready(const struct lapic *l)
{
	const struct apic_bus *ab = l->abus;
	if (!ab->extint_pending)
		return 0;
	/* With the APIC disabled in IA32_APIC_BASE the INTR pin reaches the
	 * CPU directly; otherwise LINT0 must be unmasked ExtINT. */
	uint32_t lint0 = l->lvt[LVT_LINT0];
	if (hw_enabled(l) && ((lint0 & LVT_MASKED) || ((lint0 >> 8) & 7) != APIC_DM_EXTINT))
		return 0;
	return 1;
}

static int fixed_ready(const struct lapic *l)
{
	int v = highest(l->irr);
	if (v < 0 || !hw_enabled(l))
		return -1;
	return ((uint32_t)v & 0xf0) > (ppr(l) & 0xf0) ? v : -1;
}

static int irq_pending(void *opaque)
{
	struct lapic *l = opaque;
	int v = fixed_ready(l);
	if (v >= 0)
		return v;
	if (extint_ready(l))
		return l->abus->extint_pending(l->abus->extint_opaque);
	return -1;
}

static int irq_ack(void *opaque)
{
	struct lapic *l = opaque;
	int v = fixed_ready(l);
	if (v >= 0) {
		bit_clr(l->irr, v);
		bit_set(l->isr, v);
		kick(l);
		return v;
	}
	if (extint_ready(l)) {
		kick(l);
		return l->abus->extint_ack(l->abus->extint_opaque);
	}
	return -1;
}

static const struct cpu_irq_ops lapic_ops = { irq_pending, irq_ack };

/* ---- registers ---- */

uint32_t apic_read(struct lapic *l, uint32_t off)
{
	off &= 0xff0;
	if (off >= REG_ISR && off < REG_ISR + 0x80)
		return l->isr[(off - REG_ISR) >> 4];
	if (off >= REG_TMR && off < REG_TMR + 0x80)
		return l->tmr[(off - REG_TMR) >> 4];
	if (off >= REG_IRR && off < REG_IRR + 0x80)
		return l->irr[(off - REG_IRR) >> 4];
	if (off == REG_LVT_CMCI)
		return l->lvt[LVT_CMCI];
	if (off >= REG_LVT_TIMER && off <= 0x370)
		return l->lvt[LVT_TIMER + ((off - REG_LVT_TIMER) >> 4)];
	switch (off) {
	case REG_ID: return (uint32_t)l->id << 24;
	case REG_VERSION: return APIC_VERSION;
	case REG_TPR: return l->tpr;
	case REG_APR: return 0;
	case REG_PPR: return ppr(l);
	case REG_LDR: return l->ldr;
	case REG_DFR: return l->dfr;
	case REG_SVR: return l->svr;
	case REG_ESR: return l->esr;
	case REG_ICR_LO: return l->icr_lo & ~(1u << 12); /* delivery: idle */
	case REG_ICR_HI: return l->icr_hi;
	case REG_TIMER_ICR: return l->timer_icr;
	case REG_TIMER_CCR: return apic_timer_current(l);
	case REG_TIMER_DCR: return l->timer_dcr;
	default: return 0;
	}
}

static void write_lvt(struct lapic *l, int i, uint32_t val)
{
	val &= lvt_writable[i];
	/* §10.4.7.2: while software-disabled the mask bits stay set. */
	if (!(l->svr & SVR_ENABLE))
		val |= LVT_MASKED;
	int was_periodic = timer_periodic(l);
	l->lvt[i] = val;
	if (i == LVT_TIMER && was_periodic != timer_periodic(l) && l->timer_icr)
		timer_arm(l);
	if (i == LVT_LINT0)
		kick(l);
}

void apic_write(struct lapic *l, uint32_t off, uint32_t val)
{
	off &= 0xff0;
	if (off == REG_LVT_CMCI) {
		write_lvt(l, LVT_CMCI, val);
		return;
	}
	if (off >= REG_LVT_TIMER && off <= 0x370) {
		write_lvt(l, LVT_TIMER + (int)((off - REG_LVT_TIMER) >> 4), val);
		return;
	}
	switch (off) {
	case REG_TPR:
		l->tpr = val & 0xff;
		kick(l);
		break;
	case REG_EOI: {
		/* §10.8.5: EOI retires the highest-priority ISR bit; for a
		 * level-triggered one the IOAPIC hears of it. */
		int v = highest(l->isr);
		if (v >= 0) {
			bit_clr(l->isr, v);
			if (bit_get(l->tmr, v) && l->abus->eoi)
				l->abus->eoi(l->abus->eoi_opaque, v);
		}
		kick(l);
		break;
	}
	case REG_LDR:
		l->ldr = val & 0xff000000u;
		break;
	case REG_DFR:
		l->dfr = val | 0x0fffffffu;
		break;
	case REG_SVR:
		/* Vector, APIC enable, focus checking; bit 12 (EOI
		 * broadcast suppression) is reserved: version bit 24 is 0. */
		l->svr = val & 0x3ff;
		if (!(val & SVR_ENABLE))
			for (int i = 0; i < LVT_N; i++)
				l->lvt[i] |= LVT_MASKED;
		kick(l);
		break;
	case REG_ESR:
		/* §10.5.3: a write loads ESR with the errors seen since. */
		l->esr = l->esr_pending;
		l->esr_pending = 0;
		break;
	case REG_ICR_HI:
		l->icr_hi = val & 0xff000000u;
		break;
	case REG_ICR_LO:
		l->icr_lo = val & 0x000cdfffu;
		send_ipi(l);
		break;
	case REG_TIMER_ICR:
		/* §10.5.4: writing the initial count starts the timer; zero
		 * stops it. */
		l->timer_icr = val;
		l->timer_start = vclock_now(l->abus->clock);
		timer_arm(l);
		break;
	case REG_TIMER_DCR:
		l->timer_dcr = val & 0xb;
		break;
	default:
		break; /* read-only or reserved: ignored */
	}
}

/* ---- MMIO: the page at 0xFEE00000, routed to the running vCPU's APIC ---- */

static struct lapic *current(struct apic_bus *ab)
{
	int i = ab->bus->cpu_current;
	return &ab->apic[i >= 0 && i < ab->n ? i : 0];
}

static uint64_t mmio_read(void *opaque, uint64_t addr, int size)
{
	uint32_t v = apic_read(current(opaque), (uint32_t)addr);
	/* Registers are 32 bits wide at 16-byte boundaries; narrower reads
	 * inside the first dword see its bytes. */
	unsigned sh = (unsigned)(addr & 3) * 8;
	return (addr & 0xc) ? 0 : v >> sh;
}

static void mmio_write(void *opaque, uint64_t addr, int size, uint64_t val)
{
	if ((addr & 0xf) || size < 4)
		return; /* the SDM requires aligned 32-bit accesses */
	apic_write(current(opaque), (uint32_t)addr, (uint32_t)val);
}

int apic_init(struct apic_bus *ab, struct cpu *cpus, int n, struct bus *bus,
	      struct vclock *clock)
{
	memset(ab, 0, sizeof(*ab));
	ab->n = n;
	ab->bus = bus;
	ab->clock = clock;
	for (int i = 0; i < n; i++) {
		struct lapic *l = &ab->apic[i];
		l->cpu = &cpus[i];
		l->abus = ab;
		l->index = i;
		l->id = (uint8_t)i;
		l->timer.fire = timer_fire;
		l->timer.wakes = timer_wakes;
		l->timer.opaque = l;
		apic_reset(l);
		if (vclock_add(clock, &l->timer) != 0)
			return -1;
		cpus[i].irq = &lapic_ops;
		cpus[i].irq_opaque = l;
	}
	/* The bootstrap processor as SeaBIOS leaves it under QEMU (read with
	 * QEMU's "info lapic" at kernel entry): virtual-wire mode. */
	ab->apic[0].svr = 0x1ff;
	ab->apic[0].lvt[LVT_LINT0] = 0x8700;
	ab->apic[0].lvt[LVT_LINT1] = 0x8400;
	return bus_register_mmio(bus, APIC_BASE_ADDR, 0x1000, ab, mmio_read,
				 mmio_write);
}
