/*
 * tests/unit/test_pcdev.c — the PC's legacy devices and firmware tables
 * through the bus: 8259 pair (devices/pic.c), 8254 (pit.c), RTC/CMOS
 * (rtc.c), fw_cfg (fwcfg.c), ATA PIO (ata.c), and the ACPI and MP tables
 * (firmware/acpi.c, mptable.c).  Expectations from the data sheets and
 * specifications named in each file.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "devices/ata.h"
#include "devices/fwcfg.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "firmware/pctables.h"
#include "tests/unit/check_run.h"

static struct bus bus;
static struct vclock clk;

static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, 16u << 20), 0);
	vclock_init(&clk, 0);
}

static void teardown(void)
{
	bus_free(&bus);
}

static uint8_t in8(uint16_t p) { return (uint8_t)bus_pio_read(&bus, p, 1); }
static void out8(uint16_t p, uint8_t v) { bus_pio_write(&bus, p, 1, v); }

START_TEST(pic_firmware_state_and_remap)
{
	static struct pic_pair pic;
	ck_assert_int_eq(pic_init(&pic, &bus), 0);
	ck_assert_uint_eq(in8(0x21), 0xb8);
	ck_assert_uint_eq(in8(0xa1), 0x8e);
	/* IRQ 0 is open in the firmware state: vector 08H. */
	pic_set_irq(&pic, 0, 1);
	ck_assert_int_eq(pic_pending(&pic), 0x08);
	/* Remap as every kernel does: ICW1-ICW4, then unmask. */
	out8(0x20, 0x11); out8(0x21, 0x20); out8(0x21, 0x04); out8(0x21, 0x01);
	out8(0xa0, 0x11); out8(0xa1, 0x28); out8(0xa1, 0x02); out8(0xa1, 0x01);
	ck_assert_uint_eq(in8(0x21), 0); /* ICW1 clears IMR */
	ck_assert_int_eq(pic_pending(&pic), -1); /* edge seen before: gone */
	pic_set_irq(&pic, 0, 0);
	pic_set_irq(&pic, 1, 1);
	pic_set_irq(&pic, 10, 1);
	ck_assert_int_eq(pic_pending(&pic), 0x21);
	ck_assert_int_eq(pic_ack(&pic), 0x21);
	/* IRQ 1 in service blocks IRQ 2 (the slave's 10) until EOI. */
	ck_assert_int_eq(pic_pending(&pic), -1);
	out8(0x20, 0x0b); /* OCW3: read ISR */
	ck_assert_uint_eq(in8(0x20), 0x02);
	out8(0x20, 0x20); /* non-specific EOI */
	ck_assert_int_eq(pic_pending(&pic), 0x2a);
	ck_assert_int_eq(pic_ack(&pic), 0x2a);
	out8(0xa0, 0x20);
	out8(0x20, 0x20);
	/* IRQ 10 is level-triggered (ELCR 0C00H): requested while high. */
	ck_assert_int_eq(pic_pending(&pic), 0x2a);
	pic_set_irq(&pic, 10, 0);
	ck_assert_int_eq(pic_pending(&pic), -1);
}
END_TEST

START_TEST(pit_modes)
{
	static struct pit8254 pit;
	ck_assert_int_eq(pit_init(&pit, &bus, &clk), 0);
	/* Channel 0: mode 2, count 65536 from tick 0; first edge after
	 * 65536 cycles of 1.193182 MHz. */
	ck_assert_uint_eq(vclock_next(&clk), vclock_from_hz(&clk, 65536, PIT_HZ));
	/* Channel 2, mode 0, count 1000, gated by port 61H bit 0. */
	out8(0x43, 0xb0);
	out8(0x42, 1000 & 0xff);
	out8(0x42, 1000 >> 8);
	out8(0x61, 1);
	ck_assert_uint_eq(in8(0x61) & 0x20, 0); /* OUT2 low while counting */
	clk.base = vclock_from_hz(&clk, 400, PIT_HZ);
	out8(0x43, 0x80); /* latch channel 2 */
	uint16_t v = in8(0x42);
	v |= (uint16_t)(in8(0x42) << 8);
	ck_assert_uint_eq(v, 600);
	clk.base = vclock_from_hz(&clk, 1000, PIT_HZ);
	ck_assert_uint_eq(in8(0x61) & 0x20, 0x20); /* terminal count */
	/* Read-back status of channel 2: OUT, access 3, mode 0. */
	out8(0x43, 0xe8);
	ck_assert_uint_eq(in8(0x42), 0x80 | 0x30);
}
END_TEST

START_TEST(rtc_epoch_on_virtual_time)
{
	static struct rtc rtc;
	ck_assert_int_eq(rtc_init(&rtc, &bus, &clk, 128u << 20, 4), 0);
	/* 2024-01-01 00:00:00, a Monday (day 2), BCD. */
	ck_assert_uint_eq(rtc_read(&rtc, 0x09), 0x24);
	ck_assert_uint_eq(rtc_read(&rtc, 0x32), 0x20);
	ck_assert_uint_eq(rtc_read(&rtc, 0x08), 0x01);
	ck_assert_uint_eq(rtc_read(&rtc, 0x07), 0x01);
	ck_assert_uint_eq(rtc_read(&rtc, 0x06), 0x02);
	clk.base = 1000000000ull * (86400ull * 60 + 3600 * 13 + 61); /* +60 days */
	ck_assert_uint_eq(rtc_read(&rtc, 0x00), 0x01);
	ck_assert_uint_eq(rtc_read(&rtc, 0x02), 0x01);
	ck_assert_uint_eq(rtc_read(&rtc, 0x04), 0x13);
	ck_assert_uint_eq(rtc_read(&rtc, 0x08), 0x03); /* leap year: 1 March */
	ck_assert_uint_eq(rtc_read(&rtc, 0x07), 0x01);
	out8(0x70, 0x5f);
	ck_assert_uint_eq(in8(0x71), 3); /* CPUs - 1 */
	out8(0x70, 0x0d);
	ck_assert_uint_eq(in8(0x71), 0x80);
}
END_TEST

START_TEST(fwcfg_items)
{
	static struct fwcfg f;
	ck_assert_int_eq(fwcfg_init(&f, &bus, 256u << 20, 6), 0);
	bus_pio_write(&bus, 0x510, 2, 0);
	char sig[5] = { 0 };
	for (int i = 0; i < 4; i++)
		sig[i] = (char)in8(0x511);
	ck_assert_str_eq(sig, "QEMU");
	bus_pio_write(&bus, 0x510, 2, 5);
	uint8_t lo = in8(0x511), hi = in8(0x511);
	ck_assert_uint_eq(lo | hi << 8, 6);
}
END_TEST

START_TEST(ata_pio)
{
	static struct ata a;
	char path[] = "/tmp/mmulab-ata-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, 64 * 512), 0);
	char err[256];
	ck_assert_int_eq(ata_init(&a, &bus), 0);
	ck_assert_int_eq(ata_attach(&a, 0, path, err, sizeof(err)), 0);
	out8(0x1f6, 0xb0);
	ck_assert_uint_eq(in8(0x1f7), 0); /* absent slave */
	out8(0x1f6, 0xa0);
	ck_assert_uint_eq(in8(0x1f7), 0x50);
	out8(0x1f7, 0xec);
	ck_assert_uint_eq(in8(0x1f7), 0x58);
	uint16_t id[256];
	for (int i = 0; i < 256; i++)
		id[i] = (uint16_t)bus_pio_read(&bus, 0x1f0, 2);
	ck_assert_uint_eq(id[60], 64);
	ck_assert_uint_eq(id[100], 64);
	/* WRITE SECTORS at LBA 5: the file has it at once. */
	out8(0x1f6, 0xe0);
	out8(0x1f2, 1);
	out8(0x1f3, 5); out8(0x1f4, 0); out8(0x1f5, 0);
	out8(0x1f7, 0x30);
	ck_assert_uint_eq(in8(0x1f7) & 0x08, 0x08);
	for (int i = 0; i < 256; i++)
		bus_pio_write(&bus, 0x1f0, 2, 0x4100u + (unsigned)i);
	ck_assert_uint_eq(in8(0x1f7), 0x50);
	uint8_t sec[512];
	ck_assert_int_eq(pread(fd, sec, 512, 5 * 512), 512);
	ck_assert_uint_eq(sec[0], 0x00);
	ck_assert_uint_eq(sec[1], 0x41);
	ck_assert_uint_eq(sec[511], 0x41);
	/* READ SECTORS EXT of it: HOB bytes written first. */
	out8(0x1f6, 0x40);
	out8(0x1f2, 0); out8(0x1f3, 0); out8(0x1f4, 0); out8(0x1f5, 0);
	out8(0x1f2, 1); out8(0x1f3, 5); out8(0x1f4, 0); out8(0x1f5, 0);
	out8(0x1f7, 0x24);
	ck_assert_uint_eq(in8(0x1f7), 0x58);
	ck_assert_uint_eq(bus_pio_read(&bus, 0x1f0, 4), 0x41014100u);
	/* Past the end: aborted. */
	out8(0x1f6, 0xe0);
	out8(0x1f2, 1); out8(0x1f3, 64);
	out8(0x1f7, 0x20);
	ck_assert_uint_eq(in8(0x1f7) & 0x01, 0x01);
	ck_assert_uint_eq(in8(0x1f1) & 0x04, 0x04);
	ata_free(&a);
	close(fd);
	unlink(path);
	/* A missing file is an error with a reason. */
	ck_assert_int_eq(ata_attach(&a, 0, "/nonexistent/x.img", err, sizeof(err)), -1);
	ck_assert(strstr(err, "cannot open drive") != NULL);
}
END_TEST

static int sum(const uint8_t *p, size_t n)
{
	uint8_t s = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	return s;
}

START_TEST(acpi_and_mp_tables)
{
	char err[256];
	ck_assert_int_eq(acpi_build(&bus, 5, err, sizeof(err)), 0);
	ck_assert_int_eq(mptable_build(&bus, 5, err, sizeof(err)), 0);
	const uint8_t *rsdp = bus.ram + PCT_RSDP_ADDR;
	ck_assert(memcmp(rsdp, "RSD PTR ", 8) == 0);
	ck_assert_int_eq(sum(rsdp, 20), 0);
	ck_assert_int_eq(sum(rsdp, 36), 0);
	ck_assert_uint_eq(rsdp[15], 2);
	uint64_t xsdt_at;
	uint32_t rsdt_at, madt_at;
	memcpy(&rsdt_at, rsdp + 16, 4);
	memcpy(&xsdt_at, rsdp + 24, 8);
	const uint8_t *xsdt = bus.ram + xsdt_at, *rsdt = bus.ram + rsdt_at;
	ck_assert(memcmp(xsdt, "XSDT", 4) == 0 && memcmp(rsdt, "RSDT", 4) == 0);
	ck_assert_int_eq(sum(xsdt, 44), 0);
	memcpy(&madt_at, rsdt + 36, 4);
	const uint8_t *madt = bus.ram + madt_at;
	ck_assert(memcmp(madt, "APIC", 4) == 0);
	uint32_t len;
	memcpy(&len, madt + 4, 4);
	ck_assert_int_eq(sum(madt, len), 0);
	int lapics = 0, ioapics = 0;
	for (uint32_t off = 44; off < len; off += madt[off + 1]) {
		if (madt[off] == 0) {
			ck_assert_uint_eq(madt[off + 3], lapics);
			lapics++;
		}
		ioapics += madt[off] == 1;
	}
	ck_assert_int_eq(lapics, 5);
	ck_assert_int_eq(ioapics, 1);
	/* The tables sit in the reserved last 128 KiB. */
	ck_assert_uint_ge(rsdt_at, (16u << 20) - PCT_HIGH_TABLES);
	const uint8_t *fp = bus.ram + PCT_MPFP_ADDR;
	ck_assert(memcmp(fp, "_MP_", 4) == 0);
	ck_assert_int_eq(sum(fp, 16), 0);
	const uint8_t *mpc = bus.ram + PCT_MPC_ADDR;
	uint16_t mlen;
	memcpy(&mlen, mpc + 4, 2);
	ck_assert(memcmp(mpc, "PCMP", 4) == 0);
	ck_assert_int_eq(sum(mpc, mlen), 0);
	ck_assert_uint_eq(mpc[44 + 3], 3); /* CPU 0: enabled, bootstrap */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pcdev");
	TCase *t = tcase_create("pcdev");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, pic_firmware_state_and_remap);
	tcase_add_test(t, pit_modes);
	tcase_add_test(t, rtc_epoch_on_virtual_time);
	tcase_add_test(t, fwcfg_items);
	tcase_add_test(t, ata_pio);
	tcase_add_test(t, acpi_and_mp_tables);
	suite_add_tcase(s, t);
	return check_run(s);
}
