/* struct timespec and nanosleep(2), as Linux x86-64 lays them out. */
#ifndef _TIME_H
#define _TIME_H

#include <sys/types.h>

struct timespec {
	time_t tv_sec;
	long tv_nsec;
};

/* nanosleep: 0, or -1 with errno (EINTR: *REM holds what was left). */
int nanosleep(const struct timespec *req, struct timespec *rem);

#endif
