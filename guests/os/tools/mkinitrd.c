/*
 * mkinitrd: the host tool that writes the guest OS's initrd, a cpio archive
 * in the "newc" format (the one Linux's initramfs reads), and reads it back.
 *
 *   mkinitrd -o ARCHIVE PATH...   archive each PATH (file or directory entry,
 *                                 not recursive) under the name PATH
 *   mkinitrd -t ARCHIVE           list: "MODE SIZE NAME" per entry (octal mode)
 *   mkinitrd -x ARCHIVE NAME      copy entry NAME's data to standard output
 *
 * A newc entry is a 110-byte ASCII header — the magic "070701" and thirteen
 * 8-digit hex fields: ino, mode, uid, gid, nlink, mtime, filesize, devmajor,
 * devminor, rdevmajor, rdevminor, namesize (with the NUL), check — then the
 * name and its NUL padded to a multiple of 4 bytes, then the data padded to a
 * multiple of 4.  The entry named "TRAILER!!!" ends the archive.  The output
 * is reproducible: inode numbers count from 1, owners and times are 0, and a
 * file's mode is 0755 if its owner may execute it, else 0644 (0755 for
 * directories).  Exit status 0, or 1 with a message on standard error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NEWC_MAGIC "070701"
#define NEWC_HDR 110
#define TRAILER "TRAILER!!!"

static int die(const char *what, const char *name)
{
	fprintf(stderr, "mkinitrd: %s%s%s\n", what, name ? ": " : "", name ? name : "");
	return 1;
}

static void pad4(FILE *out, unsigned long len)
{
	while (len++ % 4)
		fputc(0, out);
}

static void put_header(FILE *out, unsigned ino, unsigned mode, unsigned long size,
		       const char *name)
{
	unsigned long namesize = strlen(name) + 1;

	fprintf(out, "%s%08X%08X%08X%08X%08X%08X%08lX%08X%08X%08X%08X%08lX%08X", NEWC_MAGIC,
		ino, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u, size, 0u, 0u, 0u, 0u, namesize,
		0u);
	fwrite(name, 1, namesize, out);
	pad4(out, NEWC_HDR + namesize);
}

/* add: append PATH to OUT as entry INO; 0, or 1 after a message. */
static int add(FILE *out, unsigned ino, const char *path)
{
	struct stat st;
	unsigned mode;
	char *data = NULL;
	unsigned long size = 0;

	if (stat(path, &st) < 0)
		return die(strerror(errno), path);
	if (S_ISDIR(st.st_mode)) {
		mode = S_IFDIR | 0755;
	} else if (S_ISREG(st.st_mode)) {
		FILE *in = fopen(path, "rb");
		mode = S_IFREG | ((st.st_mode & S_IXUSR) ? 0755 : 0644);
		size = (unsigned long)st.st_size;
		data = malloc(size ? size : 1);
		if (!in || !data || fread(data, 1, size, in) != size) {
			if (in)
				fclose(in);
			free(data);
			return die("cannot read", path);
		}
		fclose(in);
	} else {
		return die("neither a file nor a directory", path);
	}
	put_header(out, ino, mode, size, path);
	if (size)
		fwrite(data, 1, size, out);
	pad4(out, size);
	free(data);
	return 0;
}

static int create(const char *archive, int n, char **paths)
{
	FILE *out = fopen(archive, "wb");
	int rc = 0;

	if (!out)
		return die(strerror(errno), archive);
	for (int i = 0; i < n && !rc; i++)
		rc = add(out, (unsigned)i + 1, paths[i]);
	put_header(out, 0, 0, 0, TRAILER);
	if (fclose(out) != 0 && !rc)
		rc = die("write failed", archive);
	if (rc)
		remove(archive);
	return rc;
}

/* hex8: the 8-digit hex field at P; -1 if it is not hex. */
static long hex8(const unsigned char *p)
{
	long v = 0;

	for (int i = 0; i < 8; i++) {
		int c = p[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/*
 * walk: read ARCHIVE entry by entry; list each, or with WANT copy that
 * entry's data to standard output.  0, or 1 after a message.
 */
static int walk(const char *archive, const char *want)
{
	FILE *in = fopen(archive, "rb");
	unsigned char *buf;
	long len, off = 0;

	if (!in)
		return die(strerror(errno), archive);
	fseek(in, 0, SEEK_END);
	len = ftell(in);
	rewind(in);
	buf = malloc((size_t)len + 1);
	if (!buf || fread(buf, 1, (size_t)len, in) != (size_t)len) {
		fclose(in);
		return die("cannot read", archive);
	}
	fclose(in);
	for (;;) {
		long mode, size, namesize;
		const char *name;

		if (off + NEWC_HDR > len || memcmp(buf + off, NEWC_MAGIC, 6))
			return die("bad header", archive);
		mode = hex8(buf + off + 14);
		size = hex8(buf + off + 54);
		namesize = hex8(buf + off + 94);
		if (mode < 0 || size < 0 || namesize < 1 || off + NEWC_HDR + namesize > len)
			return die("bad header fields", archive);
		name = (const char *)buf + off + NEWC_HDR;
		if (name[namesize - 1] != 0)
			return die("name not terminated", archive);
		off = (off + NEWC_HDR + namesize + 3) & ~3L;
		if (!strcmp(name, TRAILER))
			break;
		if (off + size > len)
			return die("truncated data", name);
		if (!want)
			printf("%06lo %ld %s\n", mode, size, name);
		else if (!strcmp(name, want)) {
			fwrite(buf + off, 1, (size_t)size, stdout);
			free(buf);
			return 0;
		}
		off = (off + size + 3) & ~3L;
	}
	free(buf);
	return want ? die("no such entry", want) : 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "-o"))
		return create(argv[2], argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "-t"))
		return walk(argv[2], NULL);
	if (argc == 4 && !strcmp(argv[1], "-x"))
		return walk(argv[2], argv[3]);
	fprintf(stderr, "usage: mkinitrd -o ARCHIVE PATH... | -t ARCHIVE | -x ARCHIVE NAME\n");
	return 1;
}
