/*
 * disk.c — the primary ATA channel in PIO mode (ATA/ATAPI-7): IDENTIFY
 * DEVICE, WRITE and READ SECTORS with 28-bit LBAs, their EXT forms with
 * 48-bit LBAs, FLUSH CACHE, an out-of-range read aborted, IRQ 14 through
 * the IOAPIC, and an absent slave reading as absent.
 *
 * Run with a raw image of at least 4 MiB as the primary master
 * (-drive file=IMG,format=raw,index=0).  Each written sector holds the
 * 32-byte record "mmulab disk test, sector NNNNNN\n" sixteen times, so
 * the host can check the image afterwards.  Without a drive it only
 * checks that both positions read as absent.
 */
#include "guest.h"

#define ATA_DATA	0x1F0
#define ATA_ERROR	0x1F1
#define ATA_NSECT	0x1F2
#define ATA_LBAL	0x1F3
#define ATA_LBAM	0x1F4
#define ATA_LBAH	0x1F5
#define ATA_DEVICE	0x1F6
#define ATA_STATUS	0x1F7	/* write: command */
#define ATA_CTRL	0x3F6	/* read: alternate status */
#define ST_BSY		0x80
#define ST_DRDY		0x40
#define ST_DRQ		0x08
#define ST_ERR		0x01
#define ER_ABRT		0x04
#define CTRL_NIEN	0x02

#define LAPIC_BASE	0xFEE00000ul
#define IOAPIC_BASE	0xFEC00000ul
#define VEC_ATA		0x4E

static volatile uint32_t ata_irqs;

static uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
static void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port)); }

/* Wait until BSY clears; returns the status (read through Alternate
 * Status, which leaves INTRQ alone). */
static uint8_t wait_ready(void)
{
	uint8_t st = inb(ATA_CTRL);
	for (long i = 0; (st & ST_BSY) && i < 10000000; i++)
		st = inb(ATA_CTRL);
	return st;
}

static void record(uint8_t *sec, uint64_t lba)
{
	for (int r = 0; r < 16; r++) {
		char *p = (char *)sec + 32 * r;
		memcpy(p, "mmulab disk test, sector ", 25);
		uint64_t v = lba;
		for (int d = 5; d >= 0; d--, v /= 10)
			p[25 + d] = (char)('0' + v % 10);
		p[31] = '\n';
	}
}

/* Issue a PIO command; `ext` loads the 48-bit task file (high bytes
 * first, ATA-7 §6.20: the previous contents are the HOB). */
static void issue(uint8_t cmd, uint64_t lba, uint16_t count, int ext)
{
	wait_ready();
	if (ext) {
		outb(ATA_DEVICE, 0x40);
		outb(ATA_NSECT, (uint8_t)(count >> 8));
		outb(ATA_LBAL, (uint8_t)(lba >> 24));
		outb(ATA_LBAM, (uint8_t)(lba >> 32));
		outb(ATA_LBAH, (uint8_t)(lba >> 40));
	} else {
		outb(ATA_DEVICE, (uint8_t)(0xE0 | ((lba >> 24) & 0xF)));
	}
	outb(ATA_NSECT, (uint8_t)count);
	outb(ATA_LBAL, (uint8_t)lba);
	outb(ATA_LBAM, (uint8_t)(lba >> 8));
	outb(ATA_LBAH, (uint8_t)(lba >> 16));
	outb(ATA_STATUS, cmd);
}

/* PIO data-out: one DRQ block of 256 words per sector.  Returns 0 on
 * success, else the final status. */
static int write_sectors(uint64_t lba, int n, int ext)
{
	static uint8_t sec[512];
	issue(ext ? 0x34 : 0x30, lba, (uint16_t)n, ext);
	for (int s = 0; s < n; s++) {
		uint8_t st = wait_ready();
		if (!(st & ST_DRQ) || (st & ST_ERR))
			return st | 0x100;
		record(sec, lba + (uint64_t)s);
		for (int i = 0; i < 256; i++)
			outw(ATA_DATA, (uint16_t)(sec[2 * i] | sec[2 * i + 1] << 8));
	}
	uint8_t st = wait_ready();
	inb(ATA_STATUS); /* acknowledge INTRQ */
	return (st & (ST_ERR | ST_DRQ)) ? st | 0x100 : 0;
}

/* PIO data-in and compare with the records.  Returns the number of
 * sectors that matched. */
static int read_check(uint64_t lba, int n, int ext)
{
	static uint8_t want[512];
	int good = 0;
	issue(ext ? 0x24 : 0x20, lba, (uint16_t)n, ext);
	for (int s = 0; s < n; s++) {
		uint8_t st = wait_ready();
		if (!(st & ST_DRQ) || (st & ST_ERR))
			break;
		inb(ATA_STATUS);
		record(want, lba + (uint64_t)s);
		int same = 1;
		for (int i = 0; i < 256; i++) {
			uint16_t w = inw(ATA_DATA);
			same &= w == (uint16_t)(want[2 * i] | want[2 * i + 1] << 8);
		}
		good += same;
	}
	return good;
}

static void ata_handler(struct trap_frame *f)
{
	ata_irqs++;
	*(volatile uint32_t *)(LAPIC_BASE + 0xB0) = 0; /* EOI */
}

static void ioapic_wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + 0x10) = v;
}

int kmain(struct multiboot_info *mbi)
{
	printf("# disk: ATA PIO on the primary channel\n");
	outb(ATA_CTRL, CTRL_NIEN); /* polled until the IRQ check */
	outb(ATA_DEVICE, 0xB0);
	CHECK_EQ(inb(ATA_STATUS), 0, "absent slave: status reads 0");
	outb(ATA_DEVICE, 0xA0);
	uint8_t st = inb(ATA_STATUS);
	if (st == 0 || st == 0xFF) {
		printf("# no primary master: give -drive file=IMG,format=raw\n");
		test_done();
	}

	/* IDENTIFY DEVICE (ATA-7 §6.17). */
	static uint16_t id[256];
	issue(0xEC, 0, 0, 0);
	st = wait_ready();
	CHECK((st & (ST_DRQ | ST_ERR)) == ST_DRQ, "IDENTIFY offers its data (DRQ)");
	for (int i = 0; i < 256; i++)
		id[i] = inw(ATA_DATA);
	CHECK(!(id[0] & 0x8000), "IDENTIFY word 0: an ATA device");
	CHECK(id[49] & (1 << 9), "IDENTIFY word 49: LBA supported");
	CHECK(id[83] & (1 << 10), "IDENTIFY word 83: 48-bit addresses supported");
	uint64_t sectors = id[100] | (uint64_t)id[101] << 16 | (uint64_t)id[102] << 32 |
			   (uint64_t)id[103] << 48;
	uint32_t lba28 = id[60] | (uint32_t)id[61] << 16;
	CHECK_EQ(sectors, cmdline_number("sectors", 8192), "IDENTIFY: the image's size in sectors");
	CHECK_EQ(lba28, sectors, "IDENTIFY words 60-61 agree for a small disk");

	CHECK_EQ(write_sectors(10, 4, 0), 0, "WRITE SECTORS: 4 sectors at LBA 10");
	CHECK_EQ(read_check(10, 4, 0), 4, "READ SECTORS returns what was written");
	CHECK_EQ(write_sectors(sectors - 3, 3, 1), 0, "WRITE SECTORS EXT: the last 3 sectors");
	CHECK_EQ(read_check(sectors - 3, 3, 1), 3, "READ SECTORS EXT returns them");
	CHECK_EQ(write_sectors(300, 256, 0), 0, "WRITE SECTORS with count 0 means 256");
	CHECK_EQ(read_check(300, 256, 0), 256, "READ SECTORS: all 256 back");

	issue(0x20, sectors, 1, 0);
	st = wait_ready();
	uint8_t err = inb(ATA_ERROR);
	inb(ATA_STATUS);
	CHECK((st & ST_ERR) && (err & ER_ABRT), "a read past the end is aborted");

	issue(0xE7, 0, 0, 0);
	st = wait_ready();
	inb(ATA_STATUS);
	CHECK((st & (ST_ERR | ST_DRQ | ST_BSY)) == 0 && (st & ST_DRDY), "FLUSH CACHE completes");

	/* IRQ 14 through IOAPIC pin 14 to this CPU, edge-triggered. */
	map_page(LAPIC_BASE, LAPIC_BASE, PTE_P | PTE_W | (1ul << 4));
	map_page(IOAPIC_BASE, IOAPIC_BASE, PTE_P | PTE_W | (1ul << 4));
	*(volatile uint32_t *)(LAPIC_BASE + 0xF0) = 0x1FF;
	trap_set_handler(VEC_ATA, ata_handler);
	uint32_t bsp = *(volatile uint32_t *)(LAPIC_BASE + 0x20) >> 24;
	ioapic_wr(0x10 + 2 * 14 + 1, bsp << 24);
	ioapic_wr(0x10 + 2 * 14, VEC_ATA);
	outb(ATA_CTRL, 0); /* nIEN = 0 */
	issue(0x20, 10, 1, 0);
	while (ata_irqs == 0)
		__asm__ volatile("sti; hlt; cli");
	st = inb(ATA_STATUS);
	CHECK(ata_irqs == 1 && (st & ST_DRQ), "IRQ 14 announces the sector (DRQ)");
	for (int i = 0; i < 256; i++)
		inw(ATA_DATA);
	ioapic_wr(0x10 + 2 * 14, (1u << 16) | VEC_ATA);
	test_done();
}
