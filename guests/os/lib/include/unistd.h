/*
 * POSIX process and I/O calls of mmulab's user C library (lib/syscalls.c),
 * each one Linux system call.
 */
#ifndef _UNISTD_H
#define _UNISTD_H

#include <stddef.h>
#include <sys/types.h>

#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

extern char **environ;

ssize_t read(int fd, void *buf, size_t n);
ssize_t write(int fd, const void *buf, size_t n);
int close(int fd);
pid_t fork(void);
int execve(const char *path, char *const argv[], char *const envp[]);
pid_t getpid(void);
int sched_yield(void);
__attribute__((noreturn)) void _exit(int status);
/* brk: set the program break to ADDR; 0 or -1 with errno ENOMEM. */
int brk(void *addr);
/* sbrk: move the break by INCR bytes; the old break, or (void *)-1. */
void *sbrk(intptr_t incr);
unsigned int sleep(unsigned int seconds);
/* sync: write every dirty page-cache page back. */
void sync(void);

#endif
