/*
 * ps: one line per process, as `ps -o pid,comm,vsz,rss,min_flt,maj_flt`
 * shows it: pid, name, virtual size and resident set in KiB, minor and
 * major faults.  Everything comes from /proc/PID/stat (Linux's field
 * order: comm in parentheses is field 2, minflt 10, majflt 12, vsize 23
 * in bytes, rss 24 in pages).  There is no readdir: pids 1 to ps's own
 * (the newest process) are tried in turn.
 */
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

int main(void)
{
	pid_t self = getpid();

	printf("    PID COMMAND              VSZ      RSS  MINFL  MAJFL\n");
	for (pid_t pid = 1; pid <= self; pid++) {
		char path[32], buf[512], *comm, *end, *p;
		unsigned long field[25] = { 0 };

		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		if (read_proc(path, buf, sizeof(buf)) <= 0 || !(comm = strchr(buf, '(')) ||
		    !(end = strrchr(buf, ')')))
			continue;
		*end = '\0';
		p = end + 2;		/* field 3, the state */
		for (int i = 3; i <= 24 && *p; i++) {
			field[i] = strtoul(p, &p, 10);
			while (*p == ' ' || (*p >= 'A' && *p <= 'Z'))
				p++;	/* the state letter, then blanks */
		}
		printf("%7d %-16s %8lu %8lu %6lu %6lu\n", pid, comm + 1, field[23] / 1024, field[24] * 4,
		       field[10], field[12]);
	}
	return 0;
}
