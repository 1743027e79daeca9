/*
 * One C function per Linux system call the guest OS implements, and errno.
 * Each returns what the kernel returned or, for -4095..-1, sets errno and
 * returns -1 (MAP_FAILED for mmap), as a Linux C library does.  brk and sbrk
 * keep the current break here: the kernel's brk returns the new break on
 * success and the unchanged one on failure, never an error number.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

int errno;

long __syscall_ret(long ret)
{
	if ((unsigned long)ret > -4096UL) {
		errno = (int)-ret;
		return -1;
	}
	return ret;
}

ssize_t read(int fd, void *buf, size_t n)
{
	return __syscall_ret(__syscall3(SYS_read, fd, (long)buf, (long)n));
}

ssize_t write(int fd, const void *buf, size_t n)
{
	return __syscall_ret(__syscall3(SYS_write, fd, (long)buf, (long)n));
}

int open(const char *path, int flags, ...)
{
	mode_t mode = 0;

	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		mode = va_arg(ap, mode_t);
		va_end(ap);
	}
	return (int)__syscall_ret(__syscall3(SYS_open, (long)path, flags, mode));
}

int close(int fd)
{
	return (int)__syscall_ret(__syscall1(SYS_close, fd));
}

pid_t fork(void)
{
	return (pid_t)__syscall_ret(__syscall0(SYS_fork));
}

int execve(const char *path, char *const argv[], char *const envp[])
{
	return (int)__syscall_ret(__syscall3(SYS_execve, (long)path, (long)argv, (long)envp));
}

pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage)
{
	return (pid_t)__syscall_ret(
		__syscall4(SYS_wait4, pid, (long)status, options, (long)usage));
}

pid_t waitpid(pid_t pid, int *status, int options)
{
	return wait4(pid, status, options, 0);
}

pid_t getpid(void)
{
	return (pid_t)__syscall0(SYS_getpid);
}

int kill(pid_t pid, int sig)
{
	return (int)__syscall_ret(__syscall2(SYS_kill, pid, sig));
}

int sched_yield(void)
{
	return (int)__syscall_ret(__syscall0(SYS_sched_yield));
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
	return (int)__syscall_ret(__syscall2(SYS_nanosleep, (long)req, (long)rem));
}

unsigned int sleep(unsigned int seconds)
{
	struct timespec ts = { seconds, 0 };

	if (nanosleep(&ts, &ts) < 0)
		return (unsigned int)ts.tv_sec;
	return 0;
}

void sync(void)
{
	__syscall0(SYS_sync);
}

int swapon(const char *path, int flags)
{
	return (int)__syscall_ret(__syscall2(SYS_swapon, (long)path, flags));
}

int getrusage(int who, struct rusage *usage)
{
	return (int)__syscall_ret(__syscall2(SYS_getrusage, who, (long)usage));
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	long ret = __syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);

	return (void *)__syscall_ret(ret);
}

int munmap(void *addr, size_t len)
{
	return (int)__syscall_ret(__syscall2(SYS_munmap, (long)addr, (long)len));
}

int mprotect(void *addr, size_t len, int prot)
{
	return (int)__syscall_ret(__syscall3(SYS_mprotect, (long)addr, (long)len, prot));
}

int madvise(void *addr, size_t len, int advice)
{
	return (int)__syscall_ret(__syscall3(SYS_madvise, (long)addr, (long)len, advice));
}

/* The current program break; 0 until the first brk/sbrk asks the kernel. */
static char *cur_brk;

int brk(void *addr)
{
	char *got = (char *)__syscall1(SYS_brk, (long)addr);

	cur_brk = got;
	if (got != addr) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}

void *sbrk(intptr_t incr)
{
	char *old;

	if (!cur_brk)
		cur_brk = (char *)__syscall1(SYS_brk, 0);
	old = cur_brk;
	if (incr == 0)
		return old;
	if (brk(old + incr) < 0)
		return (void *)-1;
	return old;
}
