/*
 * pmap PID: the address space of process PID as `pmap -x` shows it, one
 * line per VMA: start address, size, resident and dirty KiB, mode
 * (r, w, x, then s for a shared mapping), and what backs it (the file's
 * name, [ heap ], [ stack ] or [ anon ]), then the totals.  It reads
 * /proc/PID/smaps: each maps line followed by Size, Rss, Private_Dirty
 * and Anonymous in kB.
 */
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

static char buf[16384];

/* The value of "KEY:   N kB" at line, or 0. */
static unsigned long kb(const char *line, const char *key)
{
	size_t n = strlen(key);

	return strncmp(line, key, n) ? 0 : strtoul(line + n, NULL, 10);
}

int main(int argc, char **argv)
{
	unsigned long start = 0, size = 0, rss = 0, dirty = 0, tsize = 0, trss = 0, tdirty = 0;
	char path[32], mode[6] = "-----", name[64] = "", *line, *next, *comm, *end;
	int pid = argc > 1 ? atoi(argv[1]) : 0;

	if (pid <= 0) {
		dprintf(2, "usage: pmap PID\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_proc(path, buf, sizeof(buf)) <= 0 || !(comm = strchr(buf, '(')) || !(end = strrchr(buf, ')'))) {
		dprintf(2, "pmap: no process %d\n", pid);
		return 1;
	}
	*end = '\0';
	printf("%d:   %s\n", pid, comm + 1);
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if (read_proc(path, buf, sizeof(buf)) < 0) {
		dprintf(2, "pmap: cannot read %s\n", path);
		return 1;
	}
	printf("Address           Kbytes     RSS   Dirty Mode  Mapping\n");
	for (line = buf; *line; line = next) {
		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		else
			next = line + strlen(line);
		if ((*line >= '0' && *line <= '9') || (*line >= 'a' && *line <= 'f')) {	/* a maps line */
			char *p = line, *slash;
			int field = 0;

			start = strtoul(line, &p, 16);
			while (*p && *p != ' ')
				p++;
			p++;
			mode[0] = p[0], mode[1] = p[1], mode[2] = p[2];
			mode[3] = p[3] == 's' ? 's' : '-';
			for (; *p && field < 4; field++) {	/* past perms, offset, dev, inode */
				while (*p && *p != ' ')
					p++;
				while (*p == ' ')
					p++;
			}
			slash = strrchr(p, '/');
			snprintf(name, sizeof(name), "%s", !*p ? "[ anon ]" : !strcmp(p, "[heap]") ? "[ heap ]"
							      : !strcmp(p, "[stack]") ? "[ stack ]" : slash ? slash + 1 : p);
			continue;
		}
		size += kb(line, "Size:");
		rss += kb(line, "Rss:");
		dirty += kb(line, "Private_Dirty:");
		if (!strncmp(line, "Anonymous:", 10)) {	/* the last field of a VMA */
			printf("%016lx %7lu %7lu %7lu %s %s\n", start, size, rss, dirty, mode, name);
			tsize += size, trss += rss, tdirty += dirty;
			size = rss = dirty = 0;
		}
	}
	printf("---------------- ------- ------- -------\n");
	printf("total kB         %7lu %7lu %7lu\n", tsize, trss, tdirty);
	return 0;
}
