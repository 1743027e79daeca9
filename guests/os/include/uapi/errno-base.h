/*
 * uapi/errno-base.h — the error numbers of the system-call ABI, Linux's
 * values (include/uapi/asm-generic/errno-base.h), shared by the kernel
 * (which returns them negated) and the user C library (errno).
 */
#ifndef OS_UAPI_ERRNO_BASE_H
#define OS_UAPI_ERRNO_BASE_H

#define EPERM	1
#define ENOENT	2
#define ESRCH	3
#define EINTR	4
#define EIO	5
#define ENXIO	6
#define E2BIG	7
#define ENOEXEC	8
#define EBADF	9
#define ECHILD	10
#define EAGAIN	11
#define ENOMEM	12
#define EACCES	13
#define EFAULT	14
#define EBUSY	16
#define EEXIST	17
#define ENOTDIR	20
#define EISDIR	21
#define EINVAL	22
#define EMFILE	24
#define ENOSPC	28
#define EROFS	30
#define ERANGE	34
#define ENAMETOOLONG	36
#define ENOSYS	38
#define ETIMEDOUT	110

#endif
