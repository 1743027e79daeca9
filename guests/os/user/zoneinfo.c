/*
 * zoneinfo: prints /proc/zoneinfo — each zone's free frames, its min, low
 * and high watermarks, spanned/present/managed frames and protection
 * (lowmem_reserve), and the node's LRU list sizes, as Linux's.
 */
#include "procfs.h"

int main(void)
{
	return cat_proc("zoneinfo", "/proc/zoneinfo");
}
