/*
 * meminfo: prints /proc/meminfo, the kernel's memory counters (MemTotal,
 * MemFree, AnonPages, PageTables, Committed_AS, ...) in kB, as Linux's.
 */
#include "procfs.h"

int main(void)
{
	return cat_proc("meminfo", "/proc/meminfo");
}
