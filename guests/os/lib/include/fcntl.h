/* open(2) and its flags, as Linux x86-64 numbers them. */
#ifndef _FCNTL_H
#define _FCNTL_H

#include <sys/types.h>

#define O_RDONLY 0
#define O_WRONLY 1
#define O_RDWR 2
#define O_CREAT 0100
#define O_TRUNC 01000
#define O_APPEND 02000

/* open: a file descriptor, or -1 with errno.  MODE only with O_CREAT. */
int open(const char *path, int flags, ...);

#endif
