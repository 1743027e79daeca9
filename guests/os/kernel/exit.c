/*
 * exit.c — the end of a task and its parent's wait4.  do_exit() gives
 * back the address space and the files at once, hands the children to
 * init (pid 1), becomes a zombie holding only its exit status (Linux's
 * encoding: exit code in bits 8-15, or the killing signal in bits 0-6)
 * and its fault counts, wakes the parent and switches away for good.
 * wait4() reaps a zombie child: its counts join the parent's children
 * totals (RUSAGE_CHILDREN), its stack and task are freed.
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
#include "mman.h"
#include "sched.h"

#define WNOHANG 1

static void exit_mm(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	if (!mm)
		return;
	tsk->maxrss = max(tsk->maxrss, mm->hiwater_rss);
	tsk->mm = NULL;
	write_cr(3, __pa(init_top_pgt));	/* off the tables about to be freed */
	mmput(mm);
}

void do_exit(int code)
{
	struct task_struct *tsk = current, *init = find_task_by_pid(1);

	ownership_report_exit(tsk->pid, code);
	exit_mm(tsk);
	for (int fd = 0; fd < NR_OPEN; fd++)
		if (tsk->files[fd]) {
			fput(tsk->files[fd]);
			tsk->files[fd] = NULL;
		}
	if (tsk->pid == 1) {
		int status = code & 0x7f ? 128 + (code & 0x7f) : (code >> 8) & 0xff;

		printk("init: exited with status %d\n", status);
		printk("vmstat: pgfault %lu pgmajfault %lu cow_fault %lu zero_page_fault %lu anon_fault %lu "
		       "file_fault %lu tlb_local_flush_one %lu tlb_local_flush_all %lu\n",
		       vmstat.pgfault, vmstat.pgmajfault, vmstat.cow_fault, vmstat.zero_page_fault, vmstat.anon_fault,
		       vmstat.file_fault, vmstat.tlb_local_flush_one, vmstat.tlb_local_flush_all);
		show_mem_summary("at power-off");
		printk("reboot: Power down\n");
		machine_exit(status);
	}
	/* Orphans go to init, which reaps them. */
	while (!list_empty(&tsk->children)) {
		struct task_struct *c = list_first_entry(&tsk->children, struct task_struct, sibling);

		list_del(&c->sibling);
		c->parent = init;
		list_add_tail(&c->sibling, &init->children);
		if (c->state == EXIT_ZOMBIE)
			wake_up_process(init);
	}
	tsk->exit_code = code;
	tsk->state = EXIT_ZOMBIE;
	wake_up_process(tsk->parent);
	schedule();
	panic("do_exit: a zombie ran again");
}

void fill_children_rusage(const struct task_struct *p, struct rusage *ru)
{
	ru->ru_minflt = (long)p->cmin_flt;
	ru->ru_majflt = (long)p->cmaj_flt;
	ru->ru_maxrss = (long)p->cmaxrss << (PAGE_SHIFT - 10);
}

long do_wait4(pid_t pid, unsigned long status_addr, int options, unsigned long ru_addr)
{
	struct task_struct *tsk = current;

	if (options & ~WNOHANG)
		return -EINVAL;
	for (;;) {
		struct list_head *pos;
		bool any = false;

		list_for_each(pos, &tsk->children) {
			struct task_struct *p = list_entry(pos, struct task_struct, sibling);
			pid_t got = p->pid;
			int status = p->exit_code;

			if (pid > 0 && p->pid != pid)
				continue;
			any = true;
			if (p->state != EXIT_ZOMBIE)
				continue;
			if (status_addr && copy_to_user((void *)status_addr, &status, sizeof(status)))
				return -EFAULT;
			if (ru_addr) {	/* the child's own usage and its children's, as Linux */
				struct rusage ru = { 0 };

				fill_children_rusage(p, &ru);
				ru.ru_minflt += (long)p->min_flt;
				ru.ru_majflt += (long)p->maj_flt;
				ru.ru_maxrss = max(ru.ru_maxrss, (long)p->maxrss << (PAGE_SHIFT - 10));
				if (copy_to_user((void *)ru_addr, &ru, sizeof(ru)))
					return -EFAULT;
			}
			tsk->cmin_flt += p->min_flt + p->cmin_flt;
			tsk->cmaj_flt += p->maj_flt + p->cmaj_flt;
			tsk->cmaxrss = max(tsk->cmaxrss, max(p->maxrss, p->cmaxrss));
			p->state = EXIT_DEAD;
			release_task(p);
			return got;
		}
		if (!any)
			return -ECHILD;
		if (options & WNOHANG)
			return 0;
		if (tsk->pending_signal)
			return -EINTR;
		tsk->state = TASK_INTERRUPTIBLE;
		schedule();
	}
}
