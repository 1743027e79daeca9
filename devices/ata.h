/*
 * devices/ata.h — the primary ATA channel (command block 0x1F0-0x1F7,
 * control block 0x3F6, IRQ 14) with up to two PIO disks, master and slave,
 * backed by raw image files.
 *
 * Commands (ATA/ATAPI-7 vol. 1): IDENTIFY DEVICE (ECH), READ SECTORS
 * (20H/21H), READ SECTORS EXT (24H), WRITE SECTORS (30H/31H), WRITE
 * SECTORS EXT (34H), READ VERIFY SECTORS (40H/41H/42H), FLUSH CACHE
 * (E7H/EAH), SET FEATURES (EFH), INITIALIZE DEVICE PARAMETERS (91H);
 * anything else is aborted.  Each written sector goes to the file with
 * pwrite() at once, so nothing is lost however the run ends.
 */
#ifndef MMULAB_DEVICES_ATA_H
#define MMULAB_DEVICES_ATA_H

#include <stddef.h>
#include <stdint.h>

#include "devices/bus.h"
#include "devices/vclock.h"

#define ATA_IRQ 14

struct ata_drive {
	int fd;           /* -1: no drive */
	uint64_t sectors;
	uint64_t reads, writes; /* sectors transferred */
};

/* Task-file registers: the value last written and, for LBA48, the one
 * before it (the "high order byte", read back with HOB set). */
struct ata_tf {
	uint8_t feature, nsect, lbal, lbam, lbah;
};

struct ata {
	struct ata_drive drive[2];
	struct ata_tf tf, hob;
	uint8_t select;   /* device/head register (bit 4: slave) */
	uint8_t status, error, devctl;
	uint8_t buf[512];
	int pos;          /* next byte of buf for the data port; 512: none */
	int writing;      /* PIO data-out: buf is being filled */
	uint64_t lba;     /* sector for the buffer */
	uint32_t left;    /* sectors still to transfer, this one included */
	int irq_level;
	const struct vclock *clock; /* for log lines; may be NULL */
	void (*set_irq)(void *opaque, int irq, int level);
	void *irq_opaque;
};

/* Reset the channel (no drives) and claim its ports.  Returns 0 or -1. */
int ata_init(struct ata *a, struct bus *b);

/* Attach the raw image `path` as drive `index` (0 master, 1 slave).
 * Returns 0, or -1 with a one-line reason in `err`. */
int ata_attach(struct ata *a, int index, const char *path, char *err,
	       size_t errlen);

/* Close the image files. */
void ata_free(struct ata *a);

uint32_t ata_io_read(void *opaque, uint16_t port, int size);
void ata_io_write(void *opaque, uint16_t port, int size, uint32_t val);

#endif
