/*
 * errno.h — the error numbers system calls return, negated (-ENOENT),
 * with Linux's values (include/uapi/asm-generic/errno-base.h), because the
 * user programs are Linux programs.
 */
#ifndef OS_ERRNO_H
#define OS_ERRNO_H

#define EPERM	1
#define ENOENT	2
#define ESRCH	3
#define EINTR	4
#define EIO	5
#define E2BIG	7
#define ENOEXEC	8
#define EBADF	9
#define ECHILD	10
#define EAGAIN	11
#define ENOMEM	12
#define EACCES	13
#define EFAULT	14
#define EEXIST	17
#define ENOTDIR	20
#define EISDIR	21
#define EINVAL	22
#define EMFILE	24
#define EROFS	30
#define ENOSYS	38

#endif
