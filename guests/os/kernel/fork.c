/*
 * fork.c — new tasks.  do_fork() copies the current one (Linux's
 * copy_process, reduced to what this kernel has): a task_struct from its
 * slab cache, a kernel stack, a copy of the address space with every
 * private page shared copy-on-write (dup_mm), the open files shared, and
 * the user registers copied with RAX = 0, so that the child returns from
 * the same fork with 0.  kernel_init_task() makes pid 1 from nothing and
 * execs the first program into it.
 */
#include "asm.h"
#include "errno.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"
#include "segment.h"

static struct kmem_cache *task_struct_cachep;
static pid_t last_pid;

/* A task with a pid, a kernel stack and a parent (current), not yet runnable. */
static struct task_struct *alloc_task(void)
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
	p->pid = ++last_pid;
	set_page_owner(stack, THREAD_SIZE_ORDER, PAGE_KIND_KERNEL, p->pid);
	p->stack = page_address(stack);
	p->state = TASK_RUNNING;
	p->parent = current;
	INIT_LIST_HEAD(&p->children);
	list_add_tail(&p->sibling, &current->children);
	list_add_tail(&p->tasks, &init_task.tasks);
	memcpy(p->comm, current->comm, sizeof(p->comm));
	return p;
}

void release_task(struct task_struct *p)
{
	list_del(&p->sibling);
	list_del(&p->tasks);
	free_pages((unsigned long)p->stack, THREAD_SIZE_ORDER);
	kmem_cache_free(task_struct_cachep, p);
}

long do_fork(struct pt_regs *regs)
{
	struct task_struct *p = alloc_task();

	if (!p)
		return -ENOMEM;
	if (!(p->mm = dup_mm(current->mm, p->pid))) {
		p->state = EXIT_DEAD;
		release_task(p);
		return -ENOMEM;
	}
	for (int fd = 0; fd < NR_OPEN; fd++)
		p->files[fd] = current->files[fd] ? get_file(current->files[fd]) : NULL;
	copy_thread(p, regs);
	task_pt_regs(p)->rax = 0;
	ownership_report_comm(p->pid, p->comm);
	wake_up_process(p);
	return p->pid;
}

struct task_struct *kernel_init_task(const char *path, const char *const argv[])
{
	static const char *const envp[] = { "HOME=/", "PATH=/bin", "TERM=linux", NULL };
	static struct file console = { .f_count = 1 };
	struct task_struct *p = alloc_task(), *idle = current;
	struct pt_regs regs = { .cs = __USER_CS, .ss = __USER_DS, .flags = X86_EFLAGS_IF };
	long err;

	if (!p)
		return NULL;
	for (int fd = 0; fd < 3; fd++)
		p->files[fd] = get_file(&console);
	copy_thread(p, &regs);
	/* execve runs as the new task, in its own (empty) address space. */
	this_cpu()->current_task = p;
	err = do_execve(path, argv, envp, task_pt_regs(p));
	this_cpu()->current_task = idle;
	write_cr(3, __pa(init_top_pgt));
	if (err) {
		printk("Failed to execute %s (error %ld)\n", path, err);
		return NULL;
	}
	wake_up_process(p);
	return p;
}
