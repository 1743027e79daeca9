/*
 * ata.c — a PIO driver for the disks on the primary ATA channel (ports
 * 1F0H-1F7H, control 3F6H), as Linux's legacy ata_piix/pata drivers talk
 * to them in PIO mode (ATA/ATAPI-7 vol. 1 §7, vol. 2 §11: the PIO data-in
 * and data-out protocols).  The swap areas live here (mm/swapfile.c):
 * /dev/sda is the master (mmulab and QEMU: -drive ...,index=0), /dev/sdb
 * the slave (index=1).
 *
 * Polled, no interrupts (nIEN set in Device Control): a command is
 * written to the task file with a 48-bit LBA (READ/WRITE SECTORS EXT),
 * then each sector waits for BSY clear and DRQ set and moves 256 words
 * with REP INSW / REP OUTSW.  The kernel does nothing else meanwhile (the
 * disk of an emulator answers at once).  Errors (ERR, DF) return -EIO.
 *
 * The channel has one task file: ata_lock keeps a command and its data
 * transfer together when several CPUs swap at once (kswapd writing on one
 * while a fault reads on another would otherwise interleave their
 * register writes).  Its holder never sleeps or waits for another CPU.
 */
#include "asm.h"
#include "ata.h"
#include "errno.h"
#include "kernel.h"
#include "spinlock.h"

#define ATA_DATA	0x1f0
#define ATA_ERROR	0x1f1
#define ATA_NSECT	0x1f2
#define ATA_LBAL	0x1f3
#define ATA_LBAM	0x1f4
#define ATA_LBAH	0x1f5
#define ATA_DEVICE	0x1f6
#define ATA_STATUS	0x1f7	/* write: command */
#define ATA_CTL		0x3f6	/* read: alternate status */

#define ATA_BUSY	0x80
#define ATA_DRDY	0x40
#define ATA_DF		0x20
#define ATA_DRQ		0x08
#define ATA_ERR		0x01
#define ATA_NIEN	0x02
#define ATA_LBA		0x40

#define ATA_CMD_READ_EXT	0x24
#define ATA_CMD_WRITE_EXT	0x34
#define ATA_CMD_FLUSH_EXT	0xea
#define ATA_CMD_ID_ATA		0xec

static u64 ata_sectors[2];	/* 0: absent */

static inline u8 ata_status(void)
{
	return inb(ATA_CTL);	/* alternate status: reading it changes nothing */
}

/* Waits for BSY to clear; the status, or 0xff after a (very) long time. */
static u8 ata_wait_idle(void)
{
	for (unsigned long i = 0; i < 100000000; i++) {
		u8 st = ata_status();

		if (!(st & ATA_BUSY))
			return st;
	}
	return 0xff;
}

/* Waits for a sector to be offered (DRQ): 0, or -EIO. */
static int ata_wait_drq(void)
{
	u8 st = ata_wait_idle();

	return (st & (ATA_ERR | ATA_DF)) || !(st & ATA_DRQ) ? -EIO : 0;
}

static void ata_select(int drive)
{
	outb(ATA_DEVICE, (u8)(0xa0 | ATA_LBA | (drive << 4)));
	ata_status();	/* the 400 ns after a select: four status reads on real hardware */
	ata_status();
	ata_status();
	ata_status();
}

/* The 48-bit task file (high bytes first: ATA-7 §6.20) and the command. */
static void ata_issue(int drive, u8 cmd, u64 lba, unsigned int nsect)
{
	ata_select(drive);
	ata_wait_idle();
	outb(ATA_NSECT, (u8)(nsect >> 8));
	outb(ATA_LBAL, (u8)(lba >> 24));
	outb(ATA_LBAM, (u8)(lba >> 32));
	outb(ATA_LBAH, (u8)(lba >> 40));
	outb(ATA_NSECT, (u8)nsect);
	outb(ATA_LBAL, (u8)lba);
	outb(ATA_LBAM, (u8)(lba >> 8));
	outb(ATA_LBAH, (u8)(lba >> 16));
	outb(ATA_STATUS, cmd);
}

static void insw(u16 port, void *buf, unsigned long words)
{
	__asm__ volatile("rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static void outsw(u16 port, const void *buf, unsigned long words)
{
	__asm__ volatile("rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

static spinlock_t ata_lock;

static int ata_transfer(int drive, u64 lba, u8 *p, unsigned int nsect, bool write)
{
	ata_issue(drive, write ? ATA_CMD_WRITE_EXT : ATA_CMD_READ_EXT, lba, nsect);
	for (unsigned int i = 0; i < nsect; i++, p += ATA_SECT_SIZE) {
		if (ata_wait_drq())
			return -EIO;
		if (write)
			outsw(ATA_DATA, p, ATA_SECT_SIZE / 2);
		else
			insw(ATA_DATA, p, ATA_SECT_SIZE / 2);
	}
	return ata_wait_idle() & (ATA_ERR | ATA_DF) ? -EIO : 0;
}

int ata_rw(int drive, u64 lba, void *buf, unsigned int nsect, bool write)
{
	int ret;

	if (drive < 0 || drive > 1 || !ata_sectors[drive] || !nsect || nsect > 256 ||
	    lba + nsect > ata_sectors[drive])
		return -EIO;
	spin_lock(&ata_lock);
	ret = ata_transfer(drive, lba, buf, nsect, write);
	spin_unlock(&ata_lock);
	return ret;
}

int ata_flush(int drive)
{
	int ret;

	if (drive < 0 || drive > 1 || !ata_sectors[drive])
		return -EIO;
	spin_lock(&ata_lock);
	ata_issue(drive, ATA_CMD_FLUSH_EXT, 0, 0);
	ret = ata_wait_idle() & (ATA_ERR | ATA_DF) ? -EIO : 0;
	spin_unlock(&ata_lock);
	return ret;
}

u64 ata_capacity(int drive)
{
	return drive >= 0 && drive <= 1 ? ata_sectors[drive] : 0;
}

/* IDENTIFY DEVICE: 256 words; words 100-103 the LBA48 capacity, 60-61 the LBA28 one. */
static void ata_identify(int drive)
{
	u16 id[256];
	char model[41];
	u8 st;

	ata_select(drive);
	if (!(ata_status() & ATA_DRDY))
		return;		/* no drive: every register reads 0 */
	outb(ATA_STATUS, ATA_CMD_ID_ATA);
	st = ata_wait_idle();
	if (!st || (st & ATA_ERR) || ata_wait_drq())
		return;
	insw(ATA_DATA, id, 256);
	ata_sectors[drive] = (u64)id[100] | (u64)id[101] << 16 | (u64)id[102] << 32 | (u64)id[103] << 48;
	if (!ata_sectors[drive])
		ata_sectors[drive] = (u64)id[60] | (u64)id[61] << 16;
	for (int i = 0; i < 20; i++) {	/* words 27-46: the model, two characters a word, high byte first */
		model[2 * i] = (char)(id[27 + i] >> 8);
		model[2 * i + 1] = (char)id[27 + i];
	}
	model[40] = '\0';
	for (int i = 39; i >= 0 && model[i] == ' '; i--)
		model[i] = '\0';
	printk("ata1.%02d: ATA: %s, %lu sectors, LBA48, PIO\n", drive, model, (unsigned long)ata_sectors[drive]);
	printk("sd 0:0:%d:0: [sd%c] %lu 512-byte logical blocks: (%lu MiB)\n", drive, 'a' + drive,
	       (unsigned long)ata_sectors[drive], (unsigned long)(ata_sectors[drive] >> 11));
}

void ata_init(void)
{
	outb(ATA_CTL, ATA_NIEN);	/* polled: no INTRQ */
	for (int drive = 0; drive < 2; drive++)
		ata_identify(drive);
}
