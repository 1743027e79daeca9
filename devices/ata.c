/*
 * devices/ata.c — ATA PIO protocol (ATA/ATAPI-7 vol. 2 §11, "PIO data-in"
 * and "PIO data-out" command protocols) on the primary channel.
 *
 * Status: 80H BSY, 40H DRDY, 20H DF, 10H DSC, 08H DRQ, 01H ERR.  Error:
 * 40H UNC, 10H IDNF, 04H ABRT.  Data-in: after the command the first
 * sector is in the buffer, DRQ and INTRQ are set; each 512 bytes read
 * through the data port bring the next sector (INTRQ again) or end the
 * command.  Data-out: DRQ without INTRQ for the first sector; each sector
 * written is stored, then INTRQ with DRQ for the next one or without at
 * the end.  Reading Status clears INTRQ; Alternate Status does not.  nIEN
 * in Device Control keeps INTRQ from reaching IRQ 14; SRST resets.
 *
 * A selected drive that is absent reads all its registers as zero (no
 * DRDY), as QEMU's does.
 */
#include "devices/ata.h"

#include "devices/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ST_BSY 0x80
#define ST_DRDY 0x40
#define ST_DSC 0x10
#define ST_DRQ 0x08
#define ST_ERR 0x01
#define ER_UNC 0x40
#define ER_IDNF 0x10
#define ER_ABRT 0x04
#define DC_NIEN 0x02
#define DC_SRST 0x04
#define DC_HOB 0x80

static struct ata_drive *cur(struct ata *a)
{
	struct ata_drive *d = &a->drive[(a->select >> 4) & 1];
	return d->fd >= 0 ? d : NULL;
}

static void irq(struct ata *a, int level)
{
	a->irq_level = level;
	int out = level && !(a->devctl & DC_NIEN);
	if (a->set_irq)
		a->set_irq(a->irq_opaque, ATA_IRQ, out);
}

static void reset(struct ata *a)
{
	/* ATA-7 §9.12, signature of a non-packet device after reset:
	 * sector count 01H, LBA 00:00:01H, error 01H (no error detected). */
	memset(&a->tf, 0, sizeof(a->tf));
	memset(&a->hob, 0, sizeof(a->hob));
	a->tf.nsect = 1;
	a->tf.lbal = 1;
	a->select = 0xa0;
	a->status = ST_DRDY | ST_DSC;
	a->error = 1;
	a->pos = 512;
	a->writing = 0;
	a->left = 0;
	irq(a, 0);
}

static void finish(struct ata *a, uint8_t error)
{
	a->pos = 512;
	a->writing = 0;
	a->left = 0;
	a->error = error;
	a->status = ST_DRDY | ST_DSC | (error ? ST_ERR : 0);
	irq(a, 1);
}

/* Put an ASCII string in IDENTIFY words, two characters a word, the first
 * in the high byte (ATA-7 §7.16 "IDENTIFY DEVICE", strings). */
static void id_string(uint16_t *w, int words, const char *s)
{
	size_t n = strlen(s);
	for (int i = 0; i < words * 2; i++) {
		char ch = (size_t)i < n ? s[i] : ' ';
		if (i & 1)
			w[i / 2] |= (uint8_t)ch;
		else
			w[i / 2] = (uint16_t)((uint8_t)ch << 8);
	}
}

static void identify(struct ata *a, struct ata_drive *d, int index)
{
	uint16_t w[256];
	memset(w, 0, sizeof(w));
	uint64_t n = d->sectors;
	uint64_t cyl = n / (16 * 63);
	if (cyl > 16383)
		cyl = 16383;
	uint32_t lba28 = n > 0x0fffffff ? 0x0fffffff : (uint32_t)n;
	uint64_t chs = cyl * 16 * 63;
	w[0] = 0x0040;                  /* fixed device, not removable */
	w[1] = w[54] = (uint16_t)cyl;   /* cylinders */
	w[3] = w[55] = 16;              /* heads */
	w[6] = w[56] = 63;              /* sectors per track */
	id_string(&w[10], 10, index ? "MMULAB-DISK-1" : "MMULAB-DISK-0");
	id_string(&w[23], 4, "1.0");
	id_string(&w[27], 20, "MMULAB HARDDISK");
	w[49] = 1u << 9;                /* LBA supported */
	w[53] = 1;                      /* words 54-58 valid */
	w[57] = (uint16_t)chs;
	w[58] = (uint16_t)(chs >> 16);
	w[60] = (uint16_t)lba28;
	w[61] = (uint16_t)(lba28 >> 16);
	w[80] = 0x00f0;                 /* ATA-4 to ATA-7 */
	w[82] = 0x4000;                 /* NOP */
	w[83] = 0x4000 | 0x2000 | 0x1000 | 0x0400; /* FLUSH EXT, FLUSH, LBA48 */
	w[84] = 0x4000;
	w[85] = 0x4000;
	w[86] = 0x2000 | 0x1000 | 0x0400;
	w[87] = 0x4000;
	for (int i = 0; i < 4; i++)
		w[100 + i] = (uint16_t)(n >> (16 * i));
	for (int i = 0; i < 256; i++) {
		a->buf[2 * i] = (uint8_t)w[i];
		a->buf[2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
}

/* Load sector a->lba into the buffer and offer it (DRQ, INTRQ). */
static void read_sector(struct ata *a)
{
	struct ata_drive *d = cur(a);
	if (a->lba >= d->sectors) {
		finish(a, ER_IDNF | ER_ABRT);
		return;
	}
	ssize_t got = pread(d->fd, a->buf, 512, (off_t)(a->lba * 512));
	if (got != 512) {
		finish(a, ER_UNC | ER_ABRT);
		return;
	}
	d->reads++;
	a->pos = 0;
	a->status = ST_DRDY | ST_DSC | ST_DRQ;
	irq(a, 1);
}

static void write_sector(struct ata *a)
{
	struct ata_drive *d = cur(a);
	ssize_t put = pwrite(d->fd, a->buf, 512, (off_t)(a->lba * 512));
	if (put != 512) {
		finish(a, ER_UNC | ER_ABRT);
		return;
	}
	d->writes++;
	a->lba++;
	if (--a->left == 0) {
		finish(a, 0);
		return;
	}
	if (a->lba >= d->sectors) {
		finish(a, ER_IDNF | ER_ABRT);
		return;
	}
	a->pos = 0;
	a->status = ST_DRDY | ST_DSC | ST_DRQ;
	irq(a, 1);
}

static uint64_t lba28(const struct ata *a)
{
	return (uint64_t)(a->select & 0xf) << 24 | (uint64_t)a->tf.lbah << 16 |
	       (uint64_t)a->tf.lbam << 8 | a->tf.lbal;
}

static uint64_t lba48(const struct ata *a)
{
	return (uint64_t)a->hob.lbah << 40 | (uint64_t)a->hob.lbam << 32 |
	       (uint64_t)a->hob.lbal << 24 | (uint64_t)a->tf.lbah << 16 |
	       (uint64_t)a->tf.lbam << 8 | a->tf.lbal;
}

static void command(struct ata *a, uint8_t cmd)
{
	struct ata_drive *d = cur(a);
	DEV_LOG(LOG_ATA, a->clock ? vclock_now(a->clock) : 0, "ata", "drive %d command 0x%02x nsect %u lba %02x%02x%02x "
		"select %02x", (a->select >> 4) & 1, cmd, a->tf.nsect, a->tf.lbah,
		a->tf.lbam, a->tf.lbal, a->select);
	if (!d)
		return; /* no device answers */
	irq(a, 0);
	int ext = cmd == 0x24 || cmd == 0x34 || cmd == 0x42;
	uint32_t count = ext ? ((uint32_t)a->hob.nsect << 8 | a->tf.nsect) : a->tf.nsect;
	if (count == 0)
		count = ext ? 65536 : 256;
	uint64_t lba = ext ? lba48(a) : lba28(a);
	int lba_mode = ext || (a->select & 0x40);
	switch (cmd) {
	case 0xec: /* IDENTIFY DEVICE */
		identify(a, d, (a->select >> 4) & 1);
		a->left = 1;
		a->pos = 0;
		a->error = 0;
		a->status = ST_DRDY | ST_DSC | ST_DRQ;
		irq(a, 1);
		return;
	case 0x20: case 0x21: case 0x24: /* READ SECTORS (EXT) */
	case 0x30: case 0x31: case 0x34: /* WRITE SECTORS (EXT) */
		if (!lba_mode || lba + count > d->sectors) {
			finish(a, lba_mode ? ER_IDNF | ER_ABRT : ER_ABRT);
			return;
		}
		a->lba = lba;
		a->left = count;
		a->error = 0;
		if (cmd >= 0x30) {
			a->writing = 1;
			a->pos = 0;
			a->status = ST_DRDY | ST_DSC | ST_DRQ; /* no INTRQ yet */
		} else {
			read_sector(a);
		}
		return;
	case 0x40: case 0x41: case 0x42: /* READ VERIFY SECTORS (EXT) */
		finish(a, lba_mode && lba + count <= d->sectors ? 0 : ER_IDNF | ER_ABRT);
		return;
	case 0xe7: case 0xea: /* FLUSH CACHE (EXT): writes are already out */
		finish(a, fdatasync(d->fd) == 0 || errno == EINVAL ? 0 : ER_ABRT);
		return;
	case 0xef: /* SET FEATURES */
	case 0x91: /* INITIALIZE DEVICE PARAMETERS */
		finish(a, 0);
		return;
	default:
		finish(a, ER_ABRT);
		return;
	}
}

static uint32_t data_read(struct ata *a, int size)
{
	if (a->pos >= 512 || a->writing)
		return 0xffffffffu;
	uint32_t v = 0;
	for (int i = 0; i < size && a->pos < 512; i++)
		v |= (uint32_t)a->buf[a->pos++] << (8 * i);
	if (a->pos == 512) {
		a->status &= ~ST_DRQ;
		if (--a->left > 0) {
			a->lba++;
			read_sector(a);
		}
	}
	return v;
}

static void data_write(struct ata *a, int size, uint32_t v)
{
	if (!a->writing || a->pos >= 512)
		return;
	for (int i = 0; i < size && a->pos < 512; i++)
		a->buf[a->pos++] = (uint8_t)(v >> (8 * i));
	if (a->pos == 512) {
		a->status &= ~ST_DRQ;
		write_sector(a);
	}
}

uint32_t ata_io_read(void *opaque, uint16_t port, int size)
{
	struct ata *a = opaque;
	if (port == 0x1f0)
		return cur(a) ? data_read(a, size) : 0;
	if (!cur(a))
		return 0; /* absent: every register reads zero */
	const struct ata_tf *t = (a->devctl & DC_HOB) ? &a->hob : &a->tf;
	switch (port) {
	case 0x1f1: return a->error;
	case 0x1f2: return t->nsect;
	case 0x1f3: return t->lbal;
	case 0x1f4: return t->lbam;
	case 0x1f5: return t->lbah;
	case 0x1f6: return a->select;
	case 0x1f7:
		irq(a, 0);
		return a->status;
	case 0x3f6: return a->status; /* alternate status */
	default: return 0xff;
	}
}

static void tf_write(struct ata *a, uint8_t *now, uint8_t *hob, uint8_t v)
{
	*hob = *now;
	*now = v;
}

void ata_io_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct ata *a = opaque;
	uint8_t v = (uint8_t)val;
	if (port != 0x1f0 && port != 0x3f6)
		a->devctl &= ~DC_HOB; /* a register write clears HOB */
	switch (port) {
	case 0x1f0:
		data_write(a, size, val);
		break;
	case 0x1f1: tf_write(a, &a->tf.feature, &a->hob.feature, v); break;
	case 0x1f2: tf_write(a, &a->tf.nsect, &a->hob.nsect, v); break;
	case 0x1f3: tf_write(a, &a->tf.lbal, &a->hob.lbal, v); break;
	case 0x1f4: tf_write(a, &a->tf.lbam, &a->hob.lbam, v); break;
	case 0x1f5: tf_write(a, &a->tf.lbah, &a->hob.lbah, v); break;
	case 0x1f6:
		a->select = v | 0xa0;
		break;
	case 0x1f7:
		command(a, v);
		break;
	case 0x3f6: {
		int srst = (v & DC_SRST) && !(a->devctl & DC_SRST);
		a->devctl = v;
		if (srst)
			reset(a);
		else
			irq(a, a->irq_level); /* nIEN may have changed */
		break;
	}
	default:
		break;
	}
}

int ata_attach(struct ata *a, int index, const char *path, char *err,
	       size_t errlen)
{
	struct ata_drive *d = &a->drive[index];
	int fd = open(path, O_RDWR | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot open drive '%s': %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_size < 512) {
		snprintf(err, errlen, "drive '%s' is not a regular file of at least "
			 "one 512-byte sector", path);
		close(fd);
		return -1;
	}
	if (d->fd >= 0)
		close(d->fd);
	d->fd = fd;
	d->sectors = (uint64_t)st.st_size / 512;
	return 0;
}

void ata_free(struct ata *a)
{
	for (int i = 0; i < 2; i++) {
		if (a->drive[i].fd >= 0)
			close(a->drive[i].fd);
		a->drive[i].fd = -1;
	}
}

int ata_init(struct ata *a, struct bus *b)
{
	memset(a, 0, sizeof(*a));
	a->drive[0].fd = a->drive[1].fd = -1;
	reset(a);
	if (bus_register_pio(b, 0x1f0, 8, a, ata_io_read, ata_io_write) != 0 ||
	    bus_register_pio(b, 0x3f6, 1, a, ata_io_read, ata_io_write) != 0)
		return -1;
	return 0;
}
