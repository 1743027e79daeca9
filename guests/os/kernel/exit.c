/*
 * exit.c — the end of a task and its parent's wait4.  do_exit() gives
 * back the address space and the files at once, hands the children to
 * init (pid 1), becomes a zombie holding only its exit status (Linux's
 * encoding: exit code in bits 8-15, or the killing signal in bits 0-6)
 * and its fault counts, wakes the parent and switches away for good.
 * wait4() reaps a zombie child: its counts join the parent's children
 * totals (RUSAGE_CHILDREN), its stack and task are freed.
 *
 * Threads (CLONE_THREAD): a thread that exits reaps itself (it is nobody's
 * child); the group's leader stays a zombie its parent cannot reap until
 * the last thread has gone.  exit_group and fatal signals end the whole
 * group (do_group_exit): every other thread gets SIGKILL and exits on its
 * way back to user mode, the group's status being the first one's.  A
 * thread made with CLONE_CHILD_CLEARTID clears that word at exit and wakes
 * a futex waiter on it (Linux's mm_release: pthread_join).
 *
 * The task's memory (stack, task_struct) goes with its last reference
 * (kernel/sched.c: its own, dropped after its last switch, and its
 * reaper's).
 *
 * When init itself ends, the system powers off through isa-debug-exit
 * with init's exit status s (bits 8-15 of code, or 128 + the signal
 * that killed it, as a shell reports it), which mmulab and QEMU
 * turn into their own exit status (s << 1) | 1: 1 for success, 3 for
 * status 1, and so on (so a script's status 2 and 3 look like panic.c's
 * and an Oops's codes: their console lines tell them apart).
 */
#include "asm.h"
#include "errno.h"
#include "kernel.h"
#include "futex.h"
#include "mman.h"
#include "sched.h"
#include "tlbflush.h"

#define WNOHANG 1

/* CLONE_CHILD_CLEARTID: 0 in the tid word and a futex wake, for whoever joins (Linux's mm_release). */
static void mm_release(struct task_struct *tsk, struct mm_struct *mm)
{
	unsigned long addr = tsk->clear_child_tid;
	int zero = 0;

	tsk->clear_child_tid = 0;
	if (addr && __atomic_load_n(&mm->mm_users, __ATOMIC_SEQ_CST) > 1 &&
	    !copy_to_user((void *)addr, &zero, sizeof(zero)))
		futex_wake(addr, 1);
}

static void exit_mm(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;
	unsigned long flags;

	if (!mm)
		return;
	mm_release(tsk, mm);
	tsk->maxrss = max(tsk->maxrss, mm->hiwater_rss);
	spin_lock_irqsave(&tasklist_lock, flags);	/* /proc readers look at tsk->mm */
	tsk->mm = NULL;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	leave_mm();	/* this CPU off the tables, which may be freed now */
	mmput(mm);
}

/* The counters printed when init ends. */
static void show_vmstat_summary(void)
{
	struct vm_event_state ev;
	struct tlb_stat tlb;

	all_vm_events(&ev);
	tlb_stat_sum(&tlb);
	printk("vmstat: pgfault %lu pgmajfault %lu cow_fault %lu zero_page_fault %lu anon_fault %lu "
	       "file_fault %lu tlb_local_flush_one %lu tlb_local_flush_all %lu\n",
	       ev.pgfault, ev.pgmajfault, ev.cow_fault, ev.zero_page_fault, ev.anon_fault, ev.file_fault,
	       tlb.local_flush_one, tlb.local_flush_all);
}

void do_exit(int code)
{
	struct task_struct *tsk = current, *leader = tsk->group_leader, *init;
	unsigned long flags;
	bool notify;

	local_irq_enable();	/* exit_mm may wait for other CPUs */
	if (leader->group_exit)
		code = leader->group_exit_code;
	if (thread_group_leader(tsk))
		ownership_report_exit(tsk->pid, code);
	vm_report_counters();
	exit_mm(tsk);
	for (int fd = 0; fd < NR_OPEN; fd++)
		if (tsk->files[fd]) {
			fput(tsk->files[fd]);
			tsk->files[fd] = NULL;
		}
	if (tsk->pid == 1) {
		int status = code & 0x7f ? 128 + (code & 0x7f) : (code >> 8) & 0xff;

		printk("init: exited with status %d\n", status);
		show_vmstat_summary();
		show_mem_summary("at power-off");
		printk("reboot: Power down\n");
		machine_exit(status);
	}
	spin_lock_irqsave(&tasklist_lock, flags);
	if (!thread_group_leader(tsk)) {
		/* A thread reaps itself; the leader may now be reapable. */
		list_del(&tsk->thread_group);
		list_del(&tsk->tasks);
		notify = --leader->nr_threads == 0 && leader->state == EXIT_ZOMBIE;
		tsk->exit_code = code;
		tsk->state = EXIT_DEAD;
		__atomic_sub_fetch(&tsk->usage, 1, __ATOMIC_SEQ_CST);	/* its reaper's reference */
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (notify)
			wake_up_process(leader->parent);
		schedule();
		panic("do_exit: a dead thread ran again");
	}
	/* Orphans go to init, which reaps them. */
	init = find_task_by_pid(1);
	while (!list_empty(&tsk->children)) {
		struct task_struct *c = list_first_entry(&tsk->children, struct task_struct, sibling);

		list_del(&c->sibling);
		c->parent = init;
		list_add_tail(&c->sibling, &init->children);
		if (c->state == EXIT_ZOMBIE)
			wake_up_process(init);
	}
	tsk->exit_code = code;
	notify = --tsk->nr_threads == 0;
	tsk->state = EXIT_ZOMBIE;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	if (notify)
		wake_up_process(tsk->parent);
	schedule();
	panic("do_exit: a zombie ran again");
}

void do_group_exit(int code)
{
	struct task_struct *tsk = current, *leader = tsk->group_leader, *t;
	struct list_head *pos;
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	if (leader->group_exit) {
		code = leader->group_exit_code;
	} else if (leader->nr_threads > 1 || !thread_group_leader(tsk)) {
		leader->group_exit = true;
		leader->group_exit_code = code;
		if (leader != tsk && leader->state != EXIT_ZOMBIE)
			send_sig(SIGKILL, leader);
		list_for_each(pos, &leader->thread_group) {
			t = list_entry(pos, struct task_struct, thread_group);
			if (t != tsk)
				send_sig(SIGKILL, t);
		}
	}
	spin_unlock_irqrestore(&tasklist_lock, flags);
	do_exit(code);
}

void fill_children_rusage(const struct task_struct *p, struct rusage *ru)
{
	ru->ru_minflt = (long)p->cmin_flt;
	ru->ru_majflt = (long)p->cmaj_flt;
	ru->ru_maxrss = (long)p->cmaxrss << (PAGE_SHIFT - 10);
}

/* The zombie child of current's process that pid selects (marked EXIT_DEAD: ours), or NULL; *any: one exists. */
static struct task_struct *find_zombie_child(pid_t pid, bool *any)
{
	struct task_struct *leader = current->group_leader;
	struct list_head *pos;

	*any = false;
	list_for_each(pos, &leader->children) {
		struct task_struct *p = list_entry(pos, struct task_struct, sibling);

		if (pid > 0 && p->pid != pid)
			continue;
		*any = true;
		if (p->state == EXIT_ZOMBIE && !p->nr_threads) {
			p->state = EXIT_DEAD;
			return p;
		}
	}
	return NULL;
}

long do_wait4(pid_t pid, unsigned long status_addr, int options, unsigned long ru_addr)
{
	struct task_struct *tsk = current, *p;
	unsigned long flags;
	long ret = 0;
	bool any;

	if (options & ~WNOHANG)
		return -EINVAL;
	for (;;) {
		spin_lock_irqsave(&tasklist_lock, flags);
		/* Asleep before looking: a child that exits after the look wakes us. */
		tsk->state = TASK_INTERRUPTIBLE;
		p = find_zombie_child(pid, &any);
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (p || !any || (options & WNOHANG) || tsk->pending_signal)
			break;
		schedule();
	}
	tsk->state = TASK_RUNNING;
	if (!p)
		return !any ? -ECHILD : (options & WNOHANG) ? 0 : -EINTR;
	if (status_addr && copy_to_user((void *)status_addr, &p->exit_code, sizeof(p->exit_code)))
		ret = -EFAULT;
	if (ru_addr && !ret) {	/* the child's own usage and its children's, as Linux */
		struct rusage ru = { 0 };

		fill_children_rusage(p, &ru);
		ru.ru_minflt += (long)p->min_flt;
		ru.ru_majflt += (long)p->maj_flt;
		ru.ru_maxrss = max(ru.ru_maxrss, (long)p->maxrss << (PAGE_SHIFT - 10));
		if (copy_to_user((void *)ru_addr, &ru, sizeof(ru)))
			ret = -EFAULT;
	}
	tsk->cmin_flt += p->min_flt + p->cmin_flt;
	tsk->cmaj_flt += p->maj_flt + p->cmaj_flt;
	tsk->cmaxrss = max(tsk->cmaxrss, max(p->maxrss, p->cmaxrss));
	ret = ret ? ret : p->pid;
	release_task(p);
	return ret;
}
