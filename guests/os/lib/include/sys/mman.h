/*
 * mmap(2) and friends with Linux x86-64's flag values.  MADV_NOHUGEPAGE is
 * there for the host: the workloads use it to keep Linux's transparent huge
 * pages from changing their fault counts (the guest OS may refuse it).
 */
#ifndef _SYS_MMAN_H
#define _SYS_MMAN_H

#include <sys/types.h>

#define PROT_NONE 0
#define PROT_READ 1
#define PROT_WRITE 2
#define PROT_EXEC 4

#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#define MAP_NORESERVE 0x4000
#define MAP_FAILED ((void *)-1)

#define MADV_NORMAL 0
#define MADV_DONTNEED 4
#define MADV_NOHUGEPAGE 15

/* mmap: the mapping's address, or MAP_FAILED with errno. */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int madvise(void *addr, size_t len, int advice);

#endif
