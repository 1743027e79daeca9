/*
 * Scheduling and CPUs in mmulab's user C library (lib/pthread.c): CPU
 * affinity masks as glibc's cpu_set_t (1024 bits), the raw clone(2).
 */
#ifndef _SCHED_H
#define _SCHED_H

#include <sys/types.h>

#define CPU_SETSIZE 1024
typedef struct {
	unsigned long __bits[CPU_SETSIZE / (8 * sizeof(unsigned long))];
} cpu_set_t;

#define CPU_ZERO(set) __builtin_memset((set), 0, sizeof(cpu_set_t))
#define CPU_SET(cpu, set) ((set)->__bits[(cpu) / 64] |= 1ul << ((cpu) % 64))
#define CPU_CLR(cpu, set) ((set)->__bits[(cpu) / 64] &= ~(1ul << ((cpu) % 64)))
#define CPU_ISSET(cpu, set) (((set)->__bits[(cpu) / 64] >> ((cpu) % 64)) & 1)
int __sched_cpucount(size_t size, const cpu_set_t *set);
#define CPU_COUNT(set) __sched_cpucount(sizeof(cpu_set_t), (set))

#include "../../include/uapi/sched.h" /* clone's flags: the ABI, shared with the kernel */

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set);
int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set);
/* The CPU the caller runs on (getcpu(2)), or -1. */
int sched_getcpu(void);
int sched_yield(void);
/*
 * clone(2) as glibc's: the child starts fn(arg) on stack (its top), exits
 * with fn's result; returns the child's tid, or -1 with errno.
 */
int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...);
pid_t gettid(void);

#endif
