/*
 * Linux x86-64 system call numbers: the contract between mmulab's user
 * programs and the guest kernel (guests/os/).  The numbers are Linux's, so a
 * program built against this library runs unchanged on the host Linux and on
 * the guest OS.  Only the calls the guest OS implements in issue 5 are listed.
 */
#ifndef _SYS_SYSCALL_H
#define _SYS_SYSCALL_H

#define SYS_read 0
#define SYS_write 1
#define SYS_open 2
#define SYS_close 3
#define SYS_mmap 9
#define SYS_mprotect 10
#define SYS_munmap 11
#define SYS_brk 12
#define SYS_sched_yield 24
#define SYS_madvise 28
#define SYS_nanosleep 35
#define SYS_getpid 39
#define SYS_clone 56
#define SYS_fork 57
#define SYS_execve 59
#define SYS_exit 60
#define SYS_wait4 61
#define SYS_kill 62
#define SYS_getrusage 98
#define SYS_arch_prctl 158
#define SYS_sync 162
#define SYS_swapon 167
#define SYS_gettid 186
#define SYS_futex 202
#define SYS_sched_setaffinity 203
#define SYS_sched_getaffinity 204
#define SYS_set_tid_address 218
#define SYS_exit_group 231
#define SYS_getcpu 309

#endif
