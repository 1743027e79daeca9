/*
 * sched.c — the round-robin scheduler.  Runnable tasks wait on one run
 * queue (FIFO); schedule() puts the current task at its tail if it is
 * still runnable and switches to the head.  The local APIC timer ticks HZ
 * times a second (arch/x86/apic.c): each tick that interrupts user mode
 * ends the running task's slice, so a task that never makes a system call
 * is still preempted.  The kernel itself is never preempted (interrupts
 * stay off in ring 0, except in the idle loop's HLT).
 *
 * pid 0, init_task, is the boot context turned idle task: it runs only when
 * nothing else can, halting until the next interrupt (cpu_idle).
 */
#include "asm.h"
#include "console.h"
#include "kernel.h"
#include "sched.h"

struct task_struct init_task = {
	.pid = 0,
	.state = TASK_RUNNING,
	.comm = "swapper/0",
	.children = LIST_HEAD_INIT(init_task.children),
	.tasks = LIST_HEAD_INIT(init_task.tasks),
};
volatile unsigned long jiffies;
static struct list_head runqueue = LIST_HEAD_INIT(runqueue);

void sched_init(void)
{
	INIT_LIST_HEAD(&runqueue);
	this_cpu()->current_task = &init_task;
}

struct task_struct *find_task_by_pid(pid_t pid)
{
	struct list_head *pos;

	list_for_each(pos, &init_task.tasks) {
		struct task_struct *p = list_entry(pos, struct task_struct, tasks);

		if (p->pid == pid && p->state != EXIT_DEAD)
			return p;
	}
	return NULL;
}

void wake_up_process(struct task_struct *p)
{
	if (p->state == TASK_INTERRUPTIBLE)
		p->state = TASK_RUNNING;
	if (p->state == TASK_RUNNING && !p->on_rq && p != &init_task) {
		list_add_tail(&p->run_list, &runqueue);
		p->on_rq = true;
	}
}

void schedule(void)
{
	struct task_struct *prev = current, *next;

	if (prev->on_rq) {
		list_del(&prev->run_list);
		prev->on_rq = false;
	}
	if (prev->state == TASK_RUNNING && prev != &init_task) {
		list_add_tail(&prev->run_list, &runqueue);
		prev->on_rq = true;
	}
	next = list_empty(&runqueue) ? &init_task : list_first_entry(&runqueue, struct task_struct, run_list);
	if (next != prev)
		switch_to(prev, next);
}

void scheduler_tick(struct pt_regs *regs)
{
	struct list_head *pos;

	jiffies++;
	serial_poll();
	if (user_mode(regs))
		current->utime++;
	else if (current != &init_task)
		current->stime++;
	list_for_each(pos, &init_task.tasks) {
		struct task_struct *p = list_entry(pos, struct task_struct, tasks);

		if (p->state == TASK_INTERRUPTIBLE && p->wake_jiffies && p->wake_jiffies <= jiffies) {
			p->wake_jiffies = 0;
			wake_up_process(p);
		}
	}
	if (user_mode(regs))	/* the slice is one tick */
		schedule();
}

void cpu_idle(void)
{
	for (;;) {
		while (!list_empty(&runqueue))
			schedule();
		/* STI's one-instruction shadow: no interrupt slips in before HLT. */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}
