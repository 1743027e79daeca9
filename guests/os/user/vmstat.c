/*
 * vmstat: prints /proc/vmstat, the kernel's event counters (pgfault, pgmajfault, COW faults, TLB
 * flushes...), "name value" lines as Linux's /proc/vmstat.
 */
#include "procfs.h"

int main(void)
{
	return cat_proc("vmstat", "/proc/vmstat");
}
