/*
 * drop_caches [N]: writes N (default 3: page cache and slab) to
 * /proc/sys/vm/drop_caches, as `echo 3 > /proc/sys/vm/drop_caches` does:
 * every clean page-cache page nobody maps is freed.
 */
#include <errno.h>

#include "procfs.h"

int main(int argc, char **argv)
{
	if (write_proc("/proc/sys/vm/drop_caches", argc > 1 ? argv[1] : "3")) {
		dprintf(2, "drop_caches: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
