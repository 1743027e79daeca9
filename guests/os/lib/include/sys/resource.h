/*
 * getrusage(2) and struct rusage, laid out as Linux x86-64's.  The memory
 * workloads read ru_minflt (minor faults: resolved without I/O), ru_majflt
 * (faults that waited for I/O, e.g. swap-in) and ru_maxrss (the peak
 * resident set, in KiB).
 */
#ifndef _SYS_RESOURCE_H
#define _SYS_RESOURCE_H

#include <sys/types.h>

struct timeval {
	time_t tv_sec;
	long tv_usec;
};

struct rusage {
	struct timeval ru_utime;
	struct timeval ru_stime;
	long ru_maxrss;
	long ru_ixrss;
	long ru_idrss;
	long ru_isrss;
	long ru_minflt;
	long ru_majflt;
	long ru_nswap;
	long ru_inblock;
	long ru_oublock;
	long ru_msgsnd;
	long ru_msgrcv;
	long ru_nsignals;
	long ru_nvcsw;
	long ru_nivcsw;
};

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)

int getrusage(int who, struct rusage *usage);

#endif
