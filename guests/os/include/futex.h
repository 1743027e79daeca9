/*
 * futex.h — fast user-space mutexes (Linux's futex(2)): a thread sleeps
 * on a user word while it holds an expected value, another wakes sleepers
 * of that word after changing it.  kernel/futex.c.
 */
#ifndef OS_FUTEX_H
#define OS_FUTEX_H

#include "ptrace.h"

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256

/* Wakes up to nr tasks of current's mm waiting on uaddr; how many it woke. */
int futex_wake(unsigned long uaddr, int nr);
/* futex(uaddr, op, val, timeout, uaddr2, val3): FUTEX_WAIT and FUTEX_WAKE. */
long sys_futex(struct pt_regs *regs);

#endif
