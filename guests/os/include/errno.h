/*
 * errno.h — the error numbers system calls return, negated (-ENOENT),
 * with Linux's values (include/uapi/asm-generic/errno-base.h), because the
 * user programs are Linux programs.
 */
#ifndef OS_ERRNO_H
#define OS_ERRNO_H

#include "uapi/errno-base.h"

#endif
