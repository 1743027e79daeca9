/*
 * initramfs.c — the cpio "newc" reader: the archive the boot loader passed
 * as the first Multiboot module (-initrd) becomes the in-memory file
 * system.  Nothing is copied: the archive stays where the loader put it
 * (memblock reserved it, setup.c) and each file is its bytes in place,
 * reached through the direct map — a RAM disk, which writeback
 * (mm/filemap.c) updates in place; files keep their sizes.  Linux's init/initramfs.c unpacks the
 * same format into a tmpfs; this kernel only indexes it.
 *
 * A newc entry is a 110-byte ASCII header — "070701" and thirteen 8-digit
 * hex fields (ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
 * devminor, rdevmajor, rdevminor, namesize with its NUL, check) — then the
 * name padded so that header + name end on a multiple of 4, then the data
 * padded to a multiple of 4.  "TRAILER!!!" ends the archive.
 */
#include "initrd.h"
#include "kernel.h"
#include "mm.h"
#include "setup.h"

#define NEWC_HDR	110
#define MAX_FILES	64

static struct inode files[MAX_FILES];
static int nr_files;

/* Field i (0 = ino ... 12 = check) of the header at h, or ~0 if not hex. */
static unsigned long newc_field(const u8 *h, int i)
{
	unsigned long v = 0;

	for (const u8 *p = h + 6 + 8 * i; p < h + 14 + 8 * i; p++) {
		int d = *p >= '0' && *p <= '9' ? *p - '0'
			: *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
			: *p >= 'A' && *p <= 'F' ? *p - 'A' + 10 : -1;
		if (d < 0)
			return ~0ul;
		v = v << 4 | (unsigned long)d;
	}
	return v;
}

int initramfs_init(void)
{
	u8 *base = __va(initrd_start), *end = __va(initrd_end);
	unsigned long off = 0, len = initrd_end - initrd_start;

	while (off + NEWC_HDR <= len) {
		u8 *h = base + off;
		unsigned long size = newc_field(h, 6), namesize = newc_field(h, 11);
		const char *name = (const char *)h + NEWC_HDR;

		if (memcmp(h, "070701", 6) || size == ~0ul || namesize == ~0ul || !namesize ||
		    off + ALIGN(NEWC_HDR + namesize, 4) + size > len || name[namesize - 1])
			return -1;
		if (!strcmp(name, "TRAILER!!!"))
			return nr_files;
		if (nr_files == MAX_FILES)
			return -1;
		while (name[0] == '.' && name[1] == '/')
			name += 2;
		files[nr_files] = (struct inode){ .name = name, .data = h + ALIGN(NEWC_HDR + namesize, 4),
						  .size = size, .mode = (unsigned int)newc_field(h, 1),
						  .ino = (unsigned int)nr_files };
		nr_files++;
		off += ALIGN(ALIGN(NEWC_HDR + namesize, 4) + size, 4);
		if (base + off > end)
			return -1;
	}
	return -1;
}

struct inode *initrd_lookup(const char *path)
{
	while (*path == '/' || (path[0] == '.' && path[1] == '/'))
		path += *path == '/' ? 1 : 2;
	for (int i = 0; i < nr_files; i++)
		if (!strcmp(files[i].name, path))
			return &files[i];
	return NULL;
}

struct inode *initrd_file(int i)
{
	return i >= 0 && i < nr_files ? &files[i] : NULL;
}
