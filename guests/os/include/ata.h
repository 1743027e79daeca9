/*
 * ata.h — the disks on the primary ATA channel (drivers/ata.c): drive 0
 * (master, /dev/sda) and drive 1 (slave, /dev/sdb), 512-byte sectors.
 */
#ifndef OS_ATA_H
#define OS_ATA_H

#include "types.h"

#define ATA_SECT_SIZE 512

/* Finds the drives (IDENTIFY DEVICE) and prints what they are. */
void ata_init(void);
/* Sectors of a drive, 0 if there is none. */
u64 ata_capacity(int drive);
/* Reads or writes nsect (1-256) sectors at lba; 0 or -EIO. */
int ata_rw(int drive, u64 lba, void *buf, unsigned int nsect, bool write);
/* FLUSH CACHE EXT; 0 or -EIO. */
int ata_flush(int drive);

#endif
