/*
 * sys.c — the system calls: do_syscall_64() dispatches on RAX through
 * sys_call_table (Linux x86-64 numbers, arch/x86/entry/syscalls/
 * syscall_64.tbl) with the arguments in RDI, RSI, RDX, R10, R8, R9 and
 * puts the result, or -errno, in RAX.  The calls that belong elsewhere
 * (fork, execve, wait4, exit, mmap...) are thin wrappers here around
 * kernel/ and mm/.
 *
 * Files: fds 0-2 are the console (COM1: reads poll the UART, sleeping a
 * tick when nothing has come; writes go out as they are); open() finds
 * initrd files — O_RDWR or O_WRONLY allowed, written within their size
 * through the page cache (mm/filemap.c; nothing is created) — and the
 * /proc files of kernel/proc.c
 * (/proc/self/maps, /proc/meminfo, /proc/PID/stat...), each a snapshot
 * in Linux's format taken at open; /proc/sys/vm/NAME and
 * /proc/PID/oom_score_adj may be opened for writing, each write(2) then
 * setting the value.  swapon(2) takes /dev/sda or /dev/sdb (no swap
 * flags); sync(2) writes every dirty page-cache page back to the initrd.
 */
#include "asm.h"
#include "console.h"
#include "errno.h"
#include "initrd.h"
#include "kernel.h"
#include "futex.h"
#include "mman.h"
#include "mmap_lock.h"
#include "sched.h"
#include "swap.h"

#define __NR_read		0
#define __NR_write		1
#define __NR_open		2
#define __NR_close		3
#define __NR_mmap		9
#define __NR_mprotect		10
#define __NR_munmap		11
#define __NR_brk		12
#define __NR_sched_yield	24
#define __NR_madvise		28
#define __NR_nanosleep		35
#define __NR_getpid		39
#define __NR_clone		56
#define __NR_fork		57
#define __NR_execve		59
#define __NR_exit		60
#define __NR_wait4		61
#define __NR_kill		62
#define __NR_getrusage		98
#define __NR_getppid		110
#define __NR_arch_prctl		158
#define __NR_sync		162
#define __NR_swapon		167
#define __NR_gettid		186
#define __NR_futex		202
#define __NR_sched_setaffinity	203
#define __NR_sched_getaffinity	204
#define __NR_set_tid_address	218
#define __NR_exit_group		231
#define __NR_getcpu		309
#define NR_syscalls		310

#define O_ACCMODE	3
#define O_WRONLY	1
#define O_CREAT		0100
#define RUSAGE_SELF	0
#define RUSAGE_CHILDREN	(-1)

typedef long (*sys_call_ptr_t)(struct pt_regs *regs);

static struct kmem_cache *filp_cachep;

struct file *get_file(struct file *f)
{
	__atomic_add_fetch(&f->f_count, 1, __ATOMIC_SEQ_CST);	/* shared by processes on other CPUs */
	return f;
}

void fput(struct file *f)
{
	if (__atomic_sub_fetch(&f->f_count, 1, __ATOMIC_ACQ_REL))
		return;
	kfree(f->snapshot);
	kfree(f->proc_path);
	kmem_cache_free(filp_cachep, f);
}

static struct file *fget(unsigned long fd)
{
	return fd < NR_OPEN ? current->files[fd] : NULL;
}

static long sys_read(struct pt_regs *regs)
{
	struct file *f = fget(regs->rdi);
	unsigned long n = regs->rdx;
	char buf[64];
	long got = 0;

	if (!f)
		return -EBADF;
	if (f->f_inode) {
		long ret = f->f_mode & FMODE_READ ? filemap_read(f->f_inode, f->f_pos, (char *)regs->rsi, n) : -EBADF;

		if (ret > 0)
			f->f_pos += (unsigned long)ret;
		return ret;
	}
	if (f->data) {
		n = min(n, f->size - min(f->f_pos, f->size));
		if (copy_to_user((void *)regs->rsi, f->data + f->f_pos, n))
			return -EFAULT;
		f->f_pos += n;
		return (long)n;
	}
	if (f->f_inode)
		return 0;
	/* The console: wait for the first byte, then take what has come (with ECHO). */
	while (!(got = (long)console_read(buf, min(n, sizeof(buf))))) {
		if (current->pending_signal)
			return -EINTR;
		current->wake_jiffies = jiffies + 1;
		current->state = TASK_INTERRUPTIBLE;
		schedule();
	}
	console_write(buf, (size_t)got);
	return copy_to_user((void *)regs->rsi, buf, (unsigned long)got) ? -EFAULT : got;
}

static long sys_write(struct pt_regs *regs)
{
	struct file *f = fget(regs->rdi);
	unsigned long n = regs->rdx, done = 0;
	char buf[256];

	if (!f)
		return -EBADF;
	if (f->proc_path) {
		if (n > sizeof(buf))
			return -EINVAL;
		if (copy_from_user(buf, (const char *)regs->rsi, n))
			return -EFAULT;
		return proc_write(f->proc_path, buf, n);
	}
	if (f->f_inode) {
		long ret = f->f_mode & FMODE_WRITE ? filemap_write(f->f_inode, f->f_pos, (const char *)regs->rsi, n)
						   : -EBADF;

		if (ret > 0)
			f->f_pos += (unsigned long)ret;
		return ret;
	}
	if (f->data)
		return -EBADF;	/* a /proc snapshot */
	while (done < n) {
		unsigned long k = min(n - done, sizeof(buf));

		if (copy_from_user(buf, (const char *)regs->rsi + done, k))
			return done ? (long)done : -EFAULT;
		console_write(buf, k);
		done += k;
	}
	return (long)done;
}

static long sys_open(struct pt_regs *regs)
{
	char path[128];
	long len = strnlen_user((const char *)regs->rdi, sizeof(path));
	struct inode *inode = NULL;
	bool proc = false;
	struct file *f;
	int fd;

	if (len < 0)
		return len;
	if (len == sizeof(path))
		return -ENOENT;
	if (copy_from_user(path, (const char *)regs->rdi, (unsigned long)len + 1))
		return -EFAULT;
	for (fd = 0; fd < NR_OPEN && current->files[fd]; fd++)
		;
	if (fd == NR_OPEN)
		return -EMFILE;
	if (!strncmp(path, "/proc/", 6))
		proc = true;
	else if (!(inode = initrd_lookup(path)))
		return (regs->rsi & O_CREAT) ? -EROFS : -ENOENT;
	if ((regs->rsi & O_ACCMODE) != 0 && proc && !proc_writable(path))
		return -EACCES;
	if (inode && (inode->mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if (!filp_cachep)
		filp_cachep = kmem_cache_create("filp", sizeof(struct file), 0, 0, NULL);
	if (!(f = kmem_cache_alloc(filp_cachep, __GFP_ZERO)))
		return -ENOMEM;
	f->f_count = 1;
	f->f_inode = inode;
	if (inode) {
		f->data = inode->data;
		f->size = inode->size;
		f->f_mode = ((regs->rsi & O_ACCMODE) != O_WRONLY ? FMODE_READ : 0) |
			    ((regs->rsi & O_ACCMODE) != 0 ? FMODE_WRITE : 0);
	} else if (proc && (regs->rsi & O_ACCMODE) != 0) {	/* written, never read */
		if (!(f->proc_path = kmalloc((unsigned long)len + 1, GFP_KERNEL))) {
			kmem_cache_free(filp_cachep, f);
			return -ENOMEM;
		}
		memcpy(f->proc_path, path, (unsigned long)len + 1);
	} else if (proc) {
		long err;

		if (!(f->snapshot = proc_read(path, &f->size, &err))) {
			kmem_cache_free(filp_cachep, f);
			return err;
		}
		f->data = f->snapshot;
	}
	current->files[fd] = f;
	return fd;
}

static long sys_close(struct pt_regs *regs)
{
	struct file *f = fget(regs->rdi);

	if (!f)
		return -EBADF;
	current->files[regs->rdi] = NULL;
	fput(f);
	return 0;
}

/* The calls that change the address space hold its lock (mmap_lock.h): threads share it. */
static long sys_mmap(struct pt_regs *regs)
{
	long ret;

	mmap_write_lock(current->mm);
	ret = do_mmap(regs->rdi, regs->rsi, (int)regs->rdx, (int)regs->r10, (int)regs->r8, regs->r9);
	mmap_write_unlock(current->mm);
	return ret;
}

static long sys_mprotect(struct pt_regs *regs)
{
	long ret;

	mmap_write_lock(current->mm);
	ret = do_mprotect(regs->rdi, regs->rsi, (int)regs->rdx);
	mmap_write_unlock(current->mm);
	return ret;
}

static long sys_munmap(struct pt_regs *regs)
{
	long ret;

	if (!regs->rsi)
		return -EINVAL;
	mmap_write_lock(current->mm);
	ret = do_munmap(current->mm, regs->rdi, regs->rsi);
	mmap_write_unlock(current->mm);
	return ret;
}

static long sys_brk(struct pt_regs *regs)
{
	long ret;

	mmap_write_lock(current->mm);
	ret = (long)do_brk(regs->rdi);
	mmap_write_unlock(current->mm);
	return ret;
}

static long sys_sched_yield(struct pt_regs *regs)
{
	schedule();
	return 0;
}

static long sys_madvise(struct pt_regs *regs)
{
	long ret;

	mmap_write_lock(current->mm);
	ret = do_madvise(regs->rdi, regs->rsi, (int)regs->rdx);
	mmap_write_unlock(current->mm);
	return ret;
}

static long sys_nanosleep(struct pt_regs *regs)
{
	struct { long tv_sec, tv_nsec; } ts;
	unsigned long ticks;

	if (copy_from_user(&ts, (void *)regs->rdi, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
		return -EINVAL;
	ticks = (unsigned long)ts.tv_sec * HZ + ((unsigned long)ts.tv_nsec * HZ + 999999999) / 1000000000;
	if (!ticks)
		return 0;
	current->wake_jiffies = jiffies + ticks;
	while (current->wake_jiffies) {
		if (current->pending_signal)
			return -EINTR;
		current->state = TASK_INTERRUPTIBLE;
		schedule();
	}
	return 0;
}

static long sys_getpid(struct pt_regs *regs)
{
	return current->tgid;	/* the process: its thread group */
}

static long sys_gettid(struct pt_regs *regs)
{
	return current->pid;
}

static long sys_getppid(struct pt_regs *regs)
{
	return current->parent ? current->parent->pid : 0;
}

static long sys_fork(struct pt_regs *regs)
{
	return do_fork(regs);
}

/* Copies a user NULL-terminated vector of strings into strs[], space from *buf. */
static long copy_user_strings(const char *const *uvec, const char **strs, int max, char **buf, char *end)
{
	int n = 0;

	for (; uvec; n++) {
		const char *s;
		long len;

		if (copy_from_user(&s, &uvec[n], sizeof(s)))
			return -EFAULT;
		if (!s)
			break;
		if (n == max)
			return -E2BIG;
		if ((len = strnlen_user(s, end - *buf)) < 0)
			return len;
		if (*buf + len >= end)
			return -E2BIG;
		if (copy_from_user(*buf, s, (unsigned long)len + 1))
			return -EFAULT;
		strs[n] = *buf;
		*buf += len + 1;
	}
	strs[n] = NULL;
	return 0;
}

static long sys_execve(struct pt_regs *regs)
{
	enum { MAX = 256, SPACE = 32 << 10 };
	const char **argv = kmalloc(2 * (MAX + 1) * sizeof(char *), GFP_KERNEL), **envp = argv + MAX + 1;
	char *space = kmalloc(SPACE, GFP_KERNEL), *buf = space, *path = space;
	long err;

	if (!argv || !space) {
		err = -ENOMEM;
		goto out;
	}
	if ((err = strnlen_user((const char *)regs->rdi, 256)) < 0)
		goto out;
	if (err == 256 || copy_from_user(path, (const char *)regs->rdi, (unsigned long)err + 1)) {
		err = err == 256 ? -ENOENT : -EFAULT;
		goto out;
	}
	buf += err + 1;
	if (!(err = copy_user_strings((const char *const *)regs->rsi, argv, MAX, &buf, space + SPACE)) &&
	    !(err = copy_user_strings((const char *const *)regs->rdx, envp, MAX, &buf, space + SPACE)))
		err = do_execve(path, argv, envp, regs);
out:
	kfree(argv);
	kfree(space);
	return err;
}

static long sys_exit(struct pt_regs *regs)
{
	do_exit((int)(regs->rdi & 0xff) << 8);	/* this thread only */
}

static long sys_exit_group(struct pt_regs *regs)
{
	do_group_exit((int)(regs->rdi & 0xff) << 8);
}

static long sys_wait4(struct pt_regs *regs)
{
	return do_wait4((pid_t)regs->rdi, regs->rsi, (int)regs->rdx, regs->r10);
}

static long sys_kill(struct pt_regs *regs)
{
	int sig = (int)regs->rsi;
	struct task_struct *p;
	unsigned long flags;
	long ret = 0;

	if ((pid_t)regs->rdi <= 0)
		return -EINVAL;		/* no process groups */
	if (sig < 0 || sig > 64)
		return -EINVAL;
	spin_lock_irqsave(&tasklist_lock, flags);
	p = find_task_by_pid((pid_t)regs->rdi);
	/* A process whose leader exited lives on in its other threads. */
	if (p && p->state == EXIT_ZOMBIE && p->nr_threads && !list_empty(&p->thread_group))
		p = list_first_entry(&p->thread_group, struct task_struct, thread_group);
	if (!p || p->state == EXIT_ZOMBIE)
		ret = -ESRCH;
	else if (p->tgid != 1 && sig)	/* init has no handlers: signals to it are dropped, as Linux */
		ret = send_sig(sig, p);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return ret;
}

static long sys_getrusage(struct pt_regs *regs)
{
	struct task_struct *t = current;
	struct rusage ru = { 0 };
	long who = (long)regs->rdi;

	if (who == RUSAGE_SELF) {
		ru.ru_minflt = (long)t->min_flt;
		ru.ru_majflt = (long)t->maj_flt;
		ru.ru_maxrss = (long)max(t->maxrss, t->mm ? t->mm->hiwater_rss : 0) << (PAGE_SHIFT - 10);
		ru.ru_utime[1] = (long)t->utime * (1000000 / HZ);
		ru.ru_stime[1] = (long)t->stime * (1000000 / HZ);
		ru.ru_utime[0] = ru.ru_utime[1] / 1000000, ru.ru_utime[1] %= 1000000;
		ru.ru_stime[0] = ru.ru_stime[1] / 1000000, ru.ru_stime[1] %= 1000000;
	} else if (who == RUSAGE_CHILDREN) {
		fill_children_rusage(t, &ru);
	} else {
		return -EINVAL;
	}
	return copy_to_user((void *)regs->rsi, &ru, sizeof(ru)) ? -EFAULT : 0;
}

static long sys_sync(struct pt_regs *regs)
{
	sync_pagecache();
	return 0;
}

static long sys_swapon(struct pt_regs *regs)
{
	char path[32];
	long len = strnlen_user((const char *)regs->rdi, sizeof(path));

	if (len < 0)
		return len;
	if (len == sizeof(path))
		return -ENAMETOOLONG;
	if (copy_from_user(path, (const char *)regs->rdi, (unsigned long)len + 1))
		return -EFAULT;
	return sys_swapon_path(path);
}

static const sys_call_ptr_t sys_call_table[NR_syscalls] = {
	[__NR_read] = sys_read,
	[__NR_write] = sys_write,
	[__NR_open] = sys_open,
	[__NR_close] = sys_close,
	[__NR_mmap] = sys_mmap,
	[__NR_mprotect] = sys_mprotect,
	[__NR_munmap] = sys_munmap,
	[__NR_brk] = sys_brk,
	[__NR_sched_yield] = sys_sched_yield,
	[__NR_madvise] = sys_madvise,
	[__NR_nanosleep] = sys_nanosleep,
	[__NR_getpid] = sys_getpid,
	[__NR_fork] = sys_fork,
	[__NR_execve] = sys_execve,
	[__NR_exit] = sys_exit,
	[__NR_wait4] = sys_wait4,
	[__NR_kill] = sys_kill,
	[__NR_getrusage] = sys_getrusage,
	[__NR_getppid] = sys_getppid,
	[__NR_sync] = sys_sync,
	[__NR_swapon] = sys_swapon,
	[__NR_clone] = sys_clone,
	[__NR_arch_prctl] = sys_arch_prctl,
	[__NR_gettid] = sys_gettid,
	[__NR_futex] = sys_futex,
	[__NR_sched_setaffinity] = sys_sched_setaffinity,
	[__NR_sched_getaffinity] = sys_sched_getaffinity,
	[__NR_set_tid_address] = sys_set_tid_address,
	[__NR_exit_group] = sys_exit_group,
	[__NR_getcpu] = sys_getcpu,
};

void do_syscall_64(struct pt_regs *regs)
{
	unsigned long nr = regs->rax;

	local_irq_enable();	/* SYSCALL cleared IF (FMASK): IPIs may come in again */
	regs->rax = (unsigned long)-ENOSYS;
	if (nr < NR_syscalls && sys_call_table[nr])
		regs->rax = (unsigned long)sys_call_table[nr](regs);
	local_irq_disable();	/* until SYSRET: the per-CPU stack and GS are in play */
	exit_to_user_mode();
}
