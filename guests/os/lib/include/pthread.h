/*
 * Threads in mmulab's user C library (lib/pthread.c): a small part of
 * POSIX threads, on clone(2) and futex(2) as glibc's NPTL does it.
 *   pthread_create   a stack of its own (mmap), the thread's struct at its
 *                    top, clone with CLONE_VM | CLONE_THREAD | ... |
 *                    CLONE_SETTLS (FS base -> the struct: pthread_self) |
 *                    CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID
 *   pthread_join     sleeps on the tid word (futex) until the kernel clears
 *                    it as the thread exits, then unmaps the stack
 *   mutexes          a futex word: 0 free, 1 taken, 2 taken with waiters
 *                    (the classic three-state futex mutex)
 *   barriers         a count and a generation word to sleep on
 * Not here: attributes, cancellation, condition variables, TLS for C
 * (errno is shared by all threads), a thread-safe malloc.
 */
#ifndef _PTHREAD_H
#define _PTHREAD_H

#include <sys/types.h>

typedef struct pthread *pthread_t;
typedef struct {
	int __unused;
} pthread_attr_t;
typedef struct {
	int __lock;
} pthread_mutex_t;
typedef struct {
	int __unused;
} pthread_mutexattr_t;
typedef struct {
	unsigned int __count, __waiting;
	int __generation;
} pthread_barrier_t;
typedef struct {
	int __unused;
} pthread_barrierattr_t;

#define PTHREAD_MUTEX_INITIALIZER { 0 }
#define PTHREAD_BARRIER_SERIAL_THREAD (-1)

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg);
int pthread_join(pthread_t thread, void **result);
__attribute__((noreturn)) void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr);
int pthread_mutex_lock(pthread_mutex_t *m);
int pthread_mutex_trylock(pthread_mutex_t *m);
int pthread_mutex_unlock(pthread_mutex_t *m);
int pthread_mutex_destroy(pthread_mutex_t *m);
int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned int count);
int pthread_barrier_wait(pthread_barrier_t *b);
int pthread_barrier_destroy(pthread_barrier_t *b);

/* futex(2): FUTEX_WAIT / FUTEX_WAKE on a private word (what the above use). */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_PRIVATE_FLAG 128
long futex(int *uaddr, int op, int val, const void *timeout);

#endif
