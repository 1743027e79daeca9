/*
 * errno and the Linux error numbers the user programs name.  A system call
 * wrapper that gets -E from the kernel stores E here and returns -1, as a
 * C library on Linux does.  One global: threads come in a later issue.
 */
#ifndef _ERRNO_H
#define _ERRNO_H

extern int errno;

#include "../../include/uapi/errno-base.h" /* the ABI, shared with the kernel */

/* strerror: a short English name for an error number (never NULL). */
const char *strerror(int err);

#endif
