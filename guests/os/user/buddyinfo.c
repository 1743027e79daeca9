/*
 * buddyinfo: prints /proc/buddyinfo, the buddy allocator's free blocks of each order 0-10 in each zone,
 * as Linux's /proc/buddyinfo.
 */
#include "procfs.h"

int main(void)
{
	return cat_proc("buddyinfo", "/proc/buddyinfo");
}
