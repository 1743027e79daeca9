/*
 * devices/rtc.c — MC146818 clock registers on virtual time (data sheet:
 * registers 0-9 seconds..year, A-D status) and plain CMOS bytes.
 *
 *   register A  bit 7 UIP: "update in progress", set during the last
 *               244 us of each second; 6:0 as SeaBIOS programs them (26H)
 *   register B  bit 2 DM (1 binary, 0 BCD), bit 1 24/12; writable
 *   register C  interrupt flags: none are raised (reads 0)
 *   register D  bit 7 VRT: the battery is good
 *
 * Writes to the time registers are kept in CMOS but the clock goes on from
 * the epoch: mmulab's clock cannot be set.
 */
#include "devices/rtc.h"

#include <string.h>

static uint8_t bcd(const struct rtc *r, unsigned v)
{
	if (r->cmos[0x0b] & 4)
		return (uint8_t)v; /* binary mode */
	return (uint8_t)((v / 10) << 4 | v % 10);
}

/* Days since 1970-01-01 to year/month/day (proleptic Gregorian). */
static void civil(int64_t days, unsigned *y, unsigned *m, unsigned *d)
{
	days += 719468;
	int64_t era = days / 146097;
	unsigned doe = (unsigned)(days - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (unsigned)(yoe + era * 400) + (*m <= 2);
}

uint8_t rtc_read(struct rtc *r, uint8_t reg)
{
	uint64_t ns = vclock_to_hz(r->clock, vclock_now(r->clock), 1000000000ull);
	/* 2024-01-01 is day 19723 after 1970-01-01. */
	uint64_t secs = ns / 1000000000ull + 19723ull * 86400;
	unsigned y, mo, d;
	civil((int64_t)(secs / 86400), &y, &mo, &d);
	unsigned sod = (unsigned)(secs % 86400);
	switch (reg) {
	case 0x00: return bcd(r, sod % 60);
	case 0x02: return bcd(r, sod / 60 % 60);
	case 0x04: return bcd(r, sod / 3600);
	case 0x06: return bcd(r, (unsigned)((secs / 86400 + 4) % 7) + 1); /* 1 = Sunday */
	case 0x07: return bcd(r, d);
	case 0x08: return bcd(r, mo);
	case 0x09: return bcd(r, y % 100);
	case 0x32: return bcd(r, y / 100);
	case 0x0a:
		return (uint8_t)((r->cmos[0x0a] & 0x7f) |
				 (ns % 1000000000ull >= 1000000000ull - 244000 ? 0x80 : 0));
	case 0x0c: return 0;
	case 0x0d: return 0x80;
	default: return r->cmos[reg & 0x7f];
	}
}

static uint32_t io_read(void *opaque, uint16_t port, int size)
{
	struct rtc *r = opaque;
	return port == 0x71 ? rtc_read(r, r->index) : 0xff;
}

static void io_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct rtc *r = opaque;
	if (port == 0x70)
		r->index = val & 0x7f; /* bit 7 masks NMI: no NMI source here */
	else if (r->index != 0x0c && r->index != 0x0d)
		r->cmos[r->index] = (uint8_t)val;
}

int rtc_init(struct rtc *r, struct bus *b, struct vclock *clock,
	     uint64_t ram_size, int ncpus)
{
	memset(r, 0, sizeof(*r));
	r->clock = clock;
	r->cmos[0x0a] = 0x26; /* 32.768 kHz time base, 1024 Hz rate */
	r->cmos[0x0b] = 0x02; /* 24-hour, BCD */
	r->cmos[0x15] = 0x80; /* base memory 640 KiB */
	r->cmos[0x16] = 0x02;
	/* 17H-18H and 30H-31H: KiB above 1 MiB (at most 65535); 34H-35H:
	 * 64 KiB units above 16 MiB, below 4 GiB; 5BH-5DH above 4 GiB. */
	uint64_t ext = ram_size > (1 << 20) ? (ram_size - (1 << 20)) >> 10 : 0;
	if (ext > 65535)
		ext = 65535;
	r->cmos[0x17] = r->cmos[0x30] = (uint8_t)ext;
	r->cmos[0x18] = r->cmos[0x31] = (uint8_t)(ext >> 8);
	uint64_t above16 = ram_size > (16 << 20) ? (ram_size - (16 << 20)) >> 16 : 0;
	if (above16 > 65535)
		above16 = 65535;
	r->cmos[0x34] = (uint8_t)above16;
	r->cmos[0x35] = (uint8_t)(above16 >> 8);
	r->cmos[0x5f] = (uint8_t)(ncpus - 1);
	return bus_register_pio(b, 0x70, 2, r, io_read, io_write);
}
