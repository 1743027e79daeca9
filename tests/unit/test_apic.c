/*
 * tests/unit/test_apic.c — the local APICs and the APIC bus
 * (devices/apic.c) on three CPUs, and the virtual clock they time with
 * (devices/vclock.c): IPI delivery modes and destinations, the IRR/ISR
 * priority rule, EOI, INIT and Start-up, the timer, and MMIO routed to
 * the running vCPU's APIC.  Expectations from SDM vol. 3 ch. 10.
 */
#include <check.h>
#include <stdlib.h>

#include "cpu/x86/cpu.h"
#include "devices/apic.h"
#include "tests/unit/check_run.h"

#define NCPU 3

static struct bus bus;
static struct cpu cpus[NCPU];
static struct vclock clk;
static struct apic_bus ab;

static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, 2u << 20), 0);
	vclock_init(&clk, 0);
	for (int i = 0; i < NCPU; i++)
		ck_assert_int_eq(cpu_init(&cpus[i], &bus, i), 0);
	ck_assert_int_eq(apic_init(&ab, cpus, NCPU, &bus, &clk), 0);
	for (int i = 0; i < NCPU; i++)
		apic_write(&ab.apic[i], 0xf0, 0x1ff); /* software-enable */
}

static void teardown(void)
{
	for (int i = 0; i < NCPU; i++)
		cpu_free(&cpus[i]);
	bus_free(&bus);
}

static int irr(int cpu, int v)
{
	return ab.apic[cpu].irr[v >> 5] >> (v & 31) & 1;
}

static void icr(int from, uint8_t dest, uint32_t lo)
{
	apic_write(&ab.apic[from], 0x310, (uint32_t)dest << 24);
	apic_write(&ab.apic[from], 0x300, lo);
}

START_TEST(fixed_physical)
{
	icr(0, 2, 0x40);
	ck_assert(irr(2, 0x40));
	ck_assert(!irr(0, 0x40) && !irr(1, 0x40));
	ck_assert_int_eq(cpus[2].irq_hint, 1);
	/* The CPU's view: pending, then INTA moves it to ISR. */
	ck_assert_int_eq(cpus[2].irq->pending(cpus[2].irq_opaque), 0x40);
	ck_assert_int_eq(cpus[2].irq->ack(cpus[2].irq_opaque), 0x40);
	ck_assert(!irr(2, 0x40));
	ck_assert_uint_eq(apic_read(&ab.apic[2], 0x100 + 0x20) & 1, 1); /* ISR bit 0x40 */
	ck_assert_int_eq(cpus[2].irq->pending(cpus[2].irq_opaque), -1);
	apic_write(&ab.apic[2], 0xb0, 0); /* EOI */
	ck_assert_uint_eq(apic_read(&ab.apic[2], 0x120), 0);
}
END_TEST

/* §10.8.3.1: deliverable only if the vector's class is above PPR's. */
START_TEST(task_priority)
{
	apic_write(&ab.apic[1], 0x80, 0x50);
	icr(0, 1, 0x45);
	ck_assert(irr(1, 0x45));
	ck_assert_int_eq(cpus[1].irq->pending(cpus[1].irq_opaque), -1);
	icr(0, 1, 0x61);
	ck_assert_int_eq(cpus[1].irq->pending(cpus[1].irq_opaque), 0x61);
	ck_assert_int_eq(cpus[1].irq->ack(cpus[1].irq_opaque), 0x61);
	/* In service 0x61: PPR = 60H, 0x45 still held. */
	ck_assert_uint_eq(apic_read(&ab.apic[1], 0xa0), 0x60);
	apic_write(&ab.apic[1], 0xb0, 0);
	apic_write(&ab.apic[1], 0x80, 0);
	ck_assert_int_eq(cpus[1].irq->pending(cpus[1].irq_opaque), 0x45);
}
END_TEST

START_TEST(shorthands_and_logical)
{
	icr(1, 0, 0x50 | (3u << 18)); /* all excluding self */
	ck_assert(irr(0, 0x50) && !irr(1, 0x50) && irr(2, 0x50));
	icr(1, 0, 0x51 | (1u << 18)); /* self */
	ck_assert(!irr(0, 0x51) && irr(1, 0x51) && !irr(2, 0x51));
	icr(0, 0xff, 0x52); /* physical broadcast */
	ck_assert(irr(0, 0x52) && irr(1, 0x52) && irr(2, 0x52));
	/* Flat logical model: LDR bits 1 and 4. */
	apic_write(&ab.apic[1], 0xd0, 0x01000000);
	apic_write(&ab.apic[2], 0xd0, 0x10000000);
	icr(0, 0x11, 0x53 | (1u << 11));
	ck_assert(!irr(0, 0x53) && irr(1, 0x53) && irr(2, 0x53));
	/* Cluster model: cluster 1, member bit 0 only. */
	for (int i = 0; i < NCPU; i++)
		apic_write(&ab.apic[i], 0xe0, 0x0fffffff);
	apic_write(&ab.apic[1], 0xd0, 0x11000000);
	apic_write(&ab.apic[2], 0xd0, 0x12000000);
	icr(0, 0x11, 0x54 | (1u << 11));
	ck_assert(irr(1, 0x54) && !irr(2, 0x54));
	/* Illegal vector: not delivered, "send illegal vector" in ESR. */
	icr(0, 1, 0x05);
	apic_write(&ab.apic[0], 0x280, 0);
	ck_assert_uint_eq(apic_read(&ab.apic[0], 0x280), 1u << 5);
}
END_TEST

START_TEST(nmi_init_sipi)
{
	icr(0, 1, 4u << 8);
	ck_assert_int_eq(cpus[1].nmi_pending, 1);
	icr(0, 2, (5u << 8) | (1u << 14)); /* INIT assert */
	ck_assert_int_eq(cpus[2].wait_for_sipi, 1);
	/* INIT resets the APIC but keeps its ID. */
	ck_assert_uint_eq(apic_read(&ab.apic[2], 0xf0), 0xff);
	ck_assert_uint_eq(apic_read(&ab.apic[2], 0x20), 2u << 24);
	icr(0, 2, (6u << 8) | 0x07); /* Start-up, vector 07H */
	ck_assert_int_eq(cpus[2].wait_for_sipi, 0);
	ck_assert_uint_eq(cpus[2].seg[SEG_CS].base, 0x7000);
	ck_assert_uint_eq(cpus[2].seg[SEG_CS].sel, 0x0700);
	ck_assert_uint_eq(cpus[2].rip, 0);
	ck_assert_int_eq(cpus[2].code_bits, 16);
	/* A second SIPI is ignored. */
	icr(0, 2, (6u << 8) | 0x08);
	ck_assert_uint_eq(cpus[2].seg[SEG_CS].base, 0x7000);
}
END_TEST

START_TEST(timer_one_shot_and_periodic)
{
	struct lapic *l = &ab.apic[0];
	apic_write(l, 0x3e0, 0x3);     /* divide by 16 */
	apic_write(l, 0x320, 0x41);    /* one-shot, vector 41H */
	apic_write(l, 0x380, 1000);    /* 16000 ticks at 1 GHz */
	ck_assert_uint_eq(vclock_next(&clk), 16000);
	clk.base = 1600;
	ck_assert_uint_eq(apic_timer_current(l), 900);
	ck_assert_int_eq(vclock_fire_due(&clk, 15999), 0);
	ck_assert_int_eq(vclock_fire_due(&clk, 16000), 1);
	clk.base = 16000;
	ck_assert(irr(0, 0x41));
	ck_assert_uint_eq(apic_read(l, 0x390), 0);
	ck_assert_uint_eq(vclock_next(&clk), VTIMER_OFF);
	/* Periodic: reloads and fires again every 16000 ticks. */
	apic_write(l, 0x320, 0x41 | (1u << 17));
	apic_write(l, 0x380, 1000);
	ck_assert_uint_eq(vclock_next(&clk), 32000);
	ck_assert_int_eq(vclock_fire_due(&clk, 48000), 2);
	ck_assert_uint_eq(vclock_next(&clk), 64000);
	clk.base = 52000;
	ck_assert_uint_eq(apic_timer_current(l), 750);
	apic_write(l, 0x380, 0); /* stops it */
	ck_assert_uint_eq(vclock_next(&clk), VTIMER_OFF);
	/* Masked (LVT bit 16): it counts and expires, but interrupts not. */
	l->irr[0x41 >> 5] = 0;
	apic_write(l, 0x320, 0x41 | (1u << 16));
	ck_assert_uint_eq(apic_read(l, 0x320), 0x10041);
	apic_write(l, 0x380, 10);
	ck_assert_int_eq(vclock_fire_due(&clk, 100000), 1);
	ck_assert(!irr(0, 0x41));
}
END_TEST

START_TEST(mmio_goes_to_current_cpu)
{
	bus.cpu_current = 1;
	ck_assert_uint_eq(bus_phys_read(&bus, APIC_BASE_ADDR + 0x20, 4), 1u << 24);
	bus.cpu_current = 2;
	ck_assert_uint_eq(bus_phys_read(&bus, APIC_BASE_ADDR + 0x20, 4), 2u << 24);
	ck_assert_uint_eq(bus_phys_read(&bus, APIC_BASE_ADDR + 0x30, 4), APIC_VERSION);
	bus_phys_write(&bus, APIC_BASE_ADDR + 0x80, 4, 0x20);
	ck_assert_uint_eq(ab.apic[2].tpr, 0x20);
	ck_assert_uint_eq(ab.apic[1].tpr, 0);
}
END_TEST

START_TEST(clock_conversions)
{
	struct vclock k;
	vclock_init(&k, 2000000); /* --ips 2e6: 500 ns per tick */
	ck_assert_uint_eq(vclock_to_hz(&k, 2000000, 1000000000ull), 1000000000ull);
	ck_assert_uint_eq(vclock_from_hz(&k, 1, 1000000000ull), 1); /* rounds up */
	ck_assert_uint_eq(vclock_from_hz(&k, 1193182, 1193182), 2000000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("apic");
	TCase *t = tcase_create("apic");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, fixed_physical);
	tcase_add_test(t, task_priority);
	tcase_add_test(t, shorthands_and_logical);
	tcase_add_test(t, nmi_init_sipi);
	tcase_add_test(t, timer_one_shot_and_periodic);
	tcase_add_test(t, mmio_goes_to_current_cpu);
	tcase_add_test(t, clock_conversions);
	suite_add_tcase(s, t);
	return check_run(s);
}
