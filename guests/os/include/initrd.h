/*
 * initrd.h — the in-memory file system: the files of the cpio "newc"
 * archive the boot loader passed as the first Multiboot module, read in
 * place (kernel/initramfs.c).  A file is its bytes in the archive,
 * reached through the direct map; the archive is the RAM disk under the
 * page cache: writeback (mm/filemap.c) copies dirty pages into it, within
 * each file's size.
 */
#ifndef OS_INITRD_H
#define OS_INITRD_H

#include "types.h"

struct inode {
	const char *name;	/* path in the archive, without a leading '/' */
	u8 *data;		/* its bytes (direct map of the initrd): the backing store */
	unsigned long size;
	unsigned int mode;	/* S_IFREG | 0755 ... as cpio stored it */
	unsigned int ino;	/* index in the archive: the page cache's key */
	/* shared anonymous memory (mm/shmem.c): a nameless file of zeroes */
	bool shmem;
	int i_count;		/* VMAs using a shmem inode; initrd files: 0, never freed */
	/* the page cache of this file (mm/filemap.c): page i_pages[index], or NULL */
	struct page **i_pages;
	unsigned long i_pages_size;	/* entries i_pages has room for */
};

#define S_IFMT	0170000
#define S_IFDIR	0040000
#define S_IFREG	0100000

/*
 * Walks the archive between initrd_start and initrd_end and indexes its
 * entries; returns how many, or -1 when the archive is malformed.
 */
int initramfs_init(void);
/* The file at `path` ("/bin/sh", "bin/sh", "./demo.sh"), or NULL. */
struct inode *initrd_lookup(const char *path);
/* The i-th file of the archive, or NULL past the last (sync walks them). */
struct inode *initrd_file(int i);

#endif
