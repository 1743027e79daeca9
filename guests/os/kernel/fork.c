/*
 * fork.c — new tasks.  do_clone() copies the current one (Linux's
 * copy_process, reduced to what this kernel has): a task_struct from its
 * slab cache, a kernel stack, the address space — shared (CLONE_VM: a
 * thread), or copied with every private page shared copy-on-write
 * (dup_mm, fork) — the open files, and the user registers with RAX = 0,
 * so that the child returns from the same call with 0, on its own stack
 * if clone gave one.  CLONE_THREAD puts it in current's thread group (same
 * tgid: getpid; not a child: it reaps itself at exit), CLONE_SETTLS sets
 * its FS base, CLONE_PARENT_SETTID / CLONE_CHILD_SETTID write its tid to
 * user memory before it runs, and CLONE_CHILD_CLEARTID makes its exit
 * clear that word and wake a futex waiter on it (pthread_join).  fork is
 * clone(SIGCHLD).  kernel_init_task() makes pid 1 from nothing and
 * execs the first program into it; kthread_run() makes a kernel thread
 * (kswapd0, oom_reaper), which has no address space and runs a kernel
 * function.
 */
#include "asm.h"
#include "errno.h"
#include "kernel.h"
#include "mman.h"
#include "mmap_lock.h"
#include "sched.h"
#include "segment.h"
#include "tlbflush.h"
#include "uapi/sched.h"

/* What this kernel does: the rest is -EINVAL. */
#define CLONE_SUPPORTED (CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM | \
			 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | CLONE_DETACHED | CLONE_CHILD_SETTID)

static struct kmem_cache *task_struct_cachep;
static pid_t last_pid;

/*
 * A task with a pid (0 for an idle task) and a kernel stack, a copy of current's name and
 * affinity, not yet on any list.  Two references: one its running holds
 * until its last switch, one for whoever reaps it.
 */
static struct task_struct *alloc_task(bool idle)
{
	struct task_struct *p;
	struct page *stack;

	if (!task_struct_cachep)
		task_struct_cachep = kmem_cache_create("task_struct", sizeof(struct task_struct), 0,
						       SLAB_HWCACHE_ALIGN, NULL);
	if (!(p = kmem_cache_alloc(task_struct_cachep, __GFP_ZERO)))
		return NULL;
	if (!(stack = alloc_pages(GFP_KERNEL, THREAD_SIZE_ORDER))) {
		kmem_cache_free(task_struct_cachep, p);
		return NULL;
	}
	p->pid = idle ? 0 : __atomic_add_fetch(&last_pid, 1, __ATOMIC_SEQ_CST);
	set_page_owner(stack, THREAD_SIZE_ORDER, PAGE_KIND_KERNEL, p->pid);
	p->stack = page_address(stack);
	p->state = TASK_RUNNING;
	p->usage = 2;
	p->cpus_allowed = current->cpus_allowed;
	p->cpu = smp_processor_id();
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_LIST_HEAD(&p->thread_group);
	memcpy(p->comm, current->comm, sizeof(p->comm));
	return p;
}

/* Makes p a process (its own thread group, a child of current's) or a thread of current's group. */
static void link_task(struct task_struct *p, bool thread)
{
	struct task_struct *leader = current->group_leader;
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	if (thread) {
		p->tgid = leader->tgid;
		p->group_leader = leader;
		p->parent = leader->parent;
		list_add_tail(&p->thread_group, &leader->thread_group);
		leader->nr_threads++;
	} else {
		p->tgid = p->pid;
		p->group_leader = p;
		p->nr_threads = 1;
		p->parent = leader;
		list_add_tail(&p->sibling, &leader->children);
	}
	list_add_tail(&p->tasks, &init_task.tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
}

void free_task(struct task_struct *p)
{
	free_pages((unsigned long)p->stack, THREAD_SIZE_ORDER);
	kmem_cache_free(task_struct_cachep, p);
}

void release_task(struct task_struct *p)
{
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	list_del(&p->sibling);
	list_del(&p->tasks);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	put_task_struct(p);	/* the reaper's reference */
}

unsigned long nr_processes(void)
{
	unsigned long n = 0, flags;
	struct list_head *pos;

	spin_lock_irqsave(&tasklist_lock, flags);
	list_for_each(pos, &init_task.tasks)
		n += thread_group_leader(list_entry(pos, struct task_struct, tasks));
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return n;
}

struct task_struct *fork_idle(int cpu)
{
	struct task_struct *p = alloc_task(true);

	if (!p)
		return NULL;
	p->usage = 1;
	p->group_leader = p;
	snprintf(p->comm, sizeof(p->comm), "swapper/%d", cpu);
	init_idle(p, cpu);
	return p;
}

long do_clone(struct pt_regs *regs, unsigned long flags, unsigned long newsp, unsigned long parent_tid,
	      unsigned long child_tid, unsigned long tls)
{
	bool thread = flags & CLONE_THREAD;
	struct task_struct *p;
	pid_t pid;

	if ((flags & ~CLONE_SUPPORTED) || (thread && !(flags & CLONE_SIGHAND)) ||
	    ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM)))
		return -EINVAL;
	if (!(p = alloc_task(false)))
		return -ENOMEM;
	if (flags & CLONE_VM) {
		__atomic_add_fetch(&current->mm->mm_users, 1, __ATOMIC_SEQ_CST);	/* mmget */
		p->mm = current->mm;
	} else {
		mmap_write_lock(current->mm);	/* its other threads may be changing it */
		p->mm = dup_mm(current->mm, p->pid);
		mmap_write_unlock(current->mm);
		if (!p->mm) {
			free_task(p);
			return -ENOMEM;
		}
	}
	/* The descriptors are copied, also for CLONE_FILES (one table per task here). */
	for (int fd = 0; fd < NR_OPEN; fd++)
		p->files[fd] = current->files[fd] ? get_file(current->files[fd]) : NULL;
	p->oom_score_adj = current->oom_score_adj;
	p->fsbase = (flags & CLONE_SETTLS) ? tls : current->fsbase;
	if (flags & CLONE_CHILD_CLEARTID)
		p->clear_child_tid = child_tid;
	copy_thread(p, regs);
	task_pt_regs(p)->rax = 0;
	if (newsp)
		task_pt_regs(p)->sp = newsp;
	pid = p->pid;
	/* Linux writes the tids before the child can run (pthread_join relies on it). */
	if ((flags & CLONE_PARENT_SETTID) && copy_to_user((void *)parent_tid, &pid, sizeof(pid)))
		goto fault;
	if ((flags & CLONE_CHILD_SETTID) && (flags & CLONE_VM) && copy_to_user((void *)child_tid, &pid, sizeof(pid)))
		goto fault;
	link_task(p, thread);
	if (!thread)
		ownership_report_comm(pid, p->comm);
	wake_up_new_task(p);
	return pid;
fault:
	for (int fd = 0; fd < NR_OPEN; fd++)
		if (p->files[fd])
			fput(p->files[fd]);
	mmput(p->mm);
	free_task(p);
	return -EFAULT;
}

long do_fork(struct pt_regs *regs)
{
	return do_clone(regs, SIGCHLD, 0, 0, 0, 0);
}

struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *name)
{
	struct task_struct *p = alloc_task(false);

	if (!p)
		return NULL;
	p->flags = PF_KTHREAD;
	p->kthread_fn = fn;
	p->kthread_arg = arg;
	strncpy(p->comm, name, sizeof(p->comm) - 1);
	copy_thread_kernel(p);
	link_task(p, false);
	ownership_report_comm(p->pid, p->comm);
	wake_up_new_task(p);
	return p;
}

struct task_struct *kernel_init_task(const char *path, const char *const argv[])
{
	static const char *const envp[] = { "HOME=/", "PATH=/bin", "TERM=linux", NULL };
	static struct file console = { .f_count = 1 };
	struct task_struct *p = alloc_task(false), *idle = current;
	struct pt_regs regs = { .cs = __USER_CS, .ss = __USER_DS, .flags = X86_EFLAGS_IF };
	long err;

	if (!p)
		return NULL;
	for (int fd = 0; fd < 3; fd++)
		p->files[fd] = get_file(&console);
	copy_thread(p, &regs);
	link_task(p, false);
	/* execve runs as the new task, in its own (empty) address space. */
	this_cpu()->current_task = p;
	err = do_execve(path, argv, envp, task_pt_regs(p));
	this_cpu()->current_task = idle;
	leave_mm();
	if (err) {
		printk("Failed to execute %s (error %ld)\n", path, err);
		return NULL;
	}
	wake_up_new_task(p);
	return p;
}

struct mm_struct *get_task_mm(struct task_struct *p)
{
	struct mm_struct *mm;
	unsigned long flags;

	/* exit_mm and execve change p->mm under tasklist_lock, before they drop their reference. */
	spin_lock_irqsave(&tasklist_lock, flags);
	if ((mm = p->mm))
		__atomic_add_fetch(&mm->mm_users, 1, __ATOMIC_SEQ_CST);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return mm;
}

long sys_clone(struct pt_regs *regs)
{
	return do_clone(regs, regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8);
}

long sys_set_tid_address(struct pt_regs *regs)
{
	current->clear_child_tid = regs->rdi;
	return current->pid;
}
