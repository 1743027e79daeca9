/*
 * pthread.c — threads (pthread.h), CPU affinity and clone (sched.h).
 *
 * __clone is the only code that runs on two stacks: the raw clone system
 * call returns twice, in the parent with the child's tid and in the child
 * with 0 and RSP at the new stack, where __clone left fn and arg for it:
 *
 *   long __clone(flags, stack, ptid, ctid, tls, fn, arg)
 *                rdi    rsi    rdx   rcx   r8   r9  [rsp+8]
 *   clone(2):    rdi    rsi    rdx   r10   r8          (Linux x86-64 order)
 *
 * The child pops fn and arg, calls fn(arg) on a 16-byte aligned stack and
 * ends with exit(2) — that thread only, not exit_group.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

#define ARCH_SET_FS 0x1002
#define THREAD_STACK_SIZE (64 * 1024)

long __clone(unsigned long flags, void *stack, int *ptid, int *ctid, unsigned long tls, int (*fn)(void *),
	     void *arg);
__asm__(".text\n"
	".globl __clone\n"
	"__clone:\n"
	"	movq 8(%rsp), %rax\n"	/* arg */
	"	andq $-16, %rsi\n"
	"	subq $16, %rsi\n"
	"	movq %r9, (%rsi)\n"	/* fn and arg on the child's stack */
	"	movq %rax, 8(%rsi)\n"
	"	movq %rcx, %r10\n"
	"	movl $56, %eax\n"	/* SYS_clone */
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jnz 1f\n"
	"	xorl %ebp, %ebp\n"	/* the child: the outermost frame */
	"	popq %rax\n"
	"	popq %rdi\n"
	"	call *%rax\n"
	"	movl %eax, %edi\n"
	"	movl $60, %eax\n"	/* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	"1:	ret\n");

struct pthread {
	struct pthread *self;	/* %fs:0: pthread_self() */
	int tid;		/* written by clone (CLONE_PARENT_SETTID), cleared at exit */
	void *(*start)(void *);
	void *arg, *result;
	void *map;		/* the thread's stack mapping, with this struct at its top */
	size_t map_size;
};

static struct pthread main_thread;

int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	va_list ap;
	int *ptid, *ctid;
	void *tls;

	va_start(ap, arg);
	ptid = va_arg(ap, int *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, int *);
	va_end(ap);
	return (int)__syscall_ret(__clone((unsigned long)flags, stack, ptid, ctid, (unsigned long)tls, fn, arg));
}

pid_t gettid(void)
{
	return (pid_t)__syscall0(SYS_gettid);
}

long futex(int *uaddr, int op, int val, const void *timeout)
{
	return __syscall_ret(__syscall4(SYS_futex, (long)uaddr, op, val, (long)timeout));
}

int sched_setaffinity(pid_t pid, size_t size, const cpu_set_t *set)
{
	return (int)__syscall_ret(__syscall3(SYS_sched_setaffinity, pid, (long)size, (long)set));
}

int sched_getaffinity(pid_t pid, size_t size, cpu_set_t *set)
{
	long ret = __syscall3(SYS_sched_getaffinity, pid, (long)size, (long)set);

	if (ret < 0 && ret > -4096)
		return (int)__syscall_ret(ret);
	/* The kernel wrote `ret` bytes: the rest of the set is empty. */
	for (size_t i = (size_t)ret; i < size; i++)
		((char *)set)[i] = 0;
	return 0;
}

int __sched_cpucount(size_t size, const cpu_set_t *set)
{
	int n = 0;

	for (size_t i = 0; i < size / sizeof(unsigned long); i++)
		n += __builtin_popcountl(set->__bits[i]);
	return n;
}

int sched_getcpu(void)
{
	unsigned int cpu;

	return __syscall_ret(__syscall3(SYS_getcpu, (long)&cpu, 0, 0)) < 0 ? -1 : (int)cpu;
}

static int start_thread(void *p)
{
	struct pthread *t = p;

	t->result = t->start(t->arg);
	return 0;
}

pthread_t pthread_self(void)
{
	struct pthread *t;

	if (!main_thread.self)	/* no thread was made: FS base is still 0 */
		return &main_thread;
	__asm__ volatile("movq %%fs:0, %0" : "=r"(t));
	return t;
}

int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
	const int flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |
			  CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
	char *map;
	struct pthread *t;
	long tid;

	(void)attr;
	if (!main_thread.self) {	/* the main thread's FS base, so that pthread_self works there too */
		main_thread.self = &main_thread;
		main_thread.tid = gettid();
		if (__syscall2(SYS_arch_prctl, ARCH_SET_FS, (long)&main_thread) < 0)
			main_thread.self = NULL;
	}
	map = mmap(NULL, THREAD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return EAGAIN;
	t = (struct pthread *)(map + THREAD_STACK_SIZE) - 1;
	t->self = t;
	t->start = start;
	t->arg = arg;
	t->map = map;
	t->map_size = THREAD_STACK_SIZE;
	tid = __clone((unsigned long)flags, t, &t->tid, &t->tid, (unsigned long)t, start_thread, t);
	if (tid < 0) {
		munmap(map, THREAD_STACK_SIZE);
		return (int)-tid;
	}
	*thread = t;
	return 0;
}

int pthread_join(pthread_t t, void **result)
{
	int tid;

	/*
	 * The kernel zeroes t->tid when the thread is gone and wakes us
	 * (CLONE_CHILD_CLEARTID) with a shared FUTEX_WAKE: Linux keys shared and
	 * private futexes apart, so this wait is a shared one too.
	 */
	while ((tid = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE)) != 0)
		futex(&t->tid, FUTEX_WAIT, tid, NULL);
	if (result)
		*result = t->result;
	munmap(t->map, t->map_size);
	return 0;
}

void pthread_exit(void *result)
{
	pthread_self()->result = result;
	__syscall1(SYS_exit, 0);
	__builtin_unreachable();
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
	(void)attr;
	m->__lock = 0;
	return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
	return m->__lock ? EBUSY : 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
	int expected = 0;

	return __atomic_compare_exchange_n(&m->__lock, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) ? 0
													   : EBUSY;
}

/* 0 free, 1 taken, 2 taken and someone may sleep on it. */
int pthread_mutex_lock(pthread_mutex_t *m)
{
	int c = 0;

	if (__atomic_compare_exchange_n(&m->__lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	if (c != 2)
		c = __atomic_exchange_n(&m->__lock, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(&m->__lock, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2, NULL);
		c = __atomic_exchange_n(&m->__lock, 2, __ATOMIC_ACQUIRE);
	}
	return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
	if (__atomic_fetch_sub(&m->__lock, 1, __ATOMIC_RELEASE) != 1) {
		__atomic_store_n(&m->__lock, 0, __ATOMIC_RELEASE);
		futex(&m->__lock, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL);
	}
	return 0;
}

int pthread_barrier_init(pthread_barrier_t *b, const pthread_barrierattr_t *attr, unsigned int count)
{
	(void)attr;
	if (!count)
		return EINVAL;
	b->__count = count;
	b->__waiting = 0;
	b->__generation = 0;
	return 0;
}

int pthread_barrier_destroy(pthread_barrier_t *b)
{
	return b->__waiting ? EBUSY : 0;
}

/* The last of count threads to arrive starts a new generation and wakes the others. */
int pthread_barrier_wait(pthread_barrier_t *b)
{
	int gen = __atomic_load_n(&b->__generation, __ATOMIC_ACQUIRE);

	if (__atomic_add_fetch(&b->__waiting, 1, __ATOMIC_ACQ_REL) == b->__count) {
		__atomic_store_n(&b->__waiting, 0, __ATOMIC_RELAXED);
		__atomic_add_fetch(&b->__generation, 1, __ATOMIC_RELEASE);
		futex(&b->__generation, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 0x7fffffff, NULL);
		return PTHREAD_BARRIER_SERIAL_THREAD;
	}
	while (__atomic_load_n(&b->__generation, __ATOMIC_ACQUIRE) == gen)
		futex(&b->__generation, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, gen, NULL);
	return 0;
}
