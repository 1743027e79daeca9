/*
 * What the /proc viewers in guests/os/user/ (meminfo, buddyinfo, vmstat,
 * ps, pmap) share: reading a whole /proc file, which the kernel serves
 * as a snapshot taken at open().  Static inline, so that each viewer
 * stays one self-contained program.
 */
#ifndef USER_PROCFS_H
#define USER_PROCFS_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* read_proc: PATH into BUF (NUL-ended, at most SIZE - 1 bytes); its length, or -1. */
static inline long read_proc(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	long n = 0, got;

	if (fd < 0)
		return -1;
	while (n < (long)size - 1 && (got = read(fd, buf + n, size - 1 - (size_t)n)) > 0)
		n += got;
	close(fd);
	buf[n] = '\0';
	return n;
}

/* cat_proc: prints PATH as it is; 0, or 1 (with a message) when it cannot be read. */
static inline int cat_proc(const char *name, const char *path)
{
	static char buf[8192];
	long n = read_proc(path, buf, sizeof(buf));

	if (n < 0) {
		dprintf(2, "%s: cannot read %s\n", name, path);
		return 1;
	}
	write(1, buf, (size_t)n);
	return 0;
}

/* proc_value: the number after "NAME" (":" and blanks skipped) in the /proc file PATH, or -1. */
static inline long proc_value(const char *path, const char *name)
{
	static char buf[8192];
	unsigned long n = 0;
	const char *p;

	if (read_proc(path, buf, sizeof(buf)) < 0)
		return -1;
	while (name[n])
		n++;
	for (p = buf; *p; p++) {
		if ((p == buf || p[-1] == '\n') && !strncmp(p, name, n) &&
		    (p[n] == ':' || p[n] == ' ' || p[n] == '\t')) {
			long v = 0;

			for (p += n; *p == ':' || *p == ' ' || *p == '\t'; p++)
				;
			if (*p < '0' || *p > '9')
				return -1;
			while (*p >= '0' && *p <= '9')
				v = v * 10 + *p++ - '0';
			return v;
		}
	}
	return -1;
}

/* write_proc: writes the text VALUE to PATH; 0, or -1 with errno. */
static inline int write_proc(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY), ok;
	unsigned long n = 0;

	if (fd < 0)
		return -1;
	while (value[n])
		n++;
	ok = write(fd, value, n) == (long)n;
	close(fd);
	return ok ? 0 : -1;
}

#endif
