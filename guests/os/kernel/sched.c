/*
 * sched.c — the round-robin scheduler, one run queue per CPU.
 *
 * Each CPU has a struct rq: a FIFO of its runnable tasks (the running one
 * included, as Linux counts it) under a lock, and its idle task
 * (swapper/N), which runs only when the queue is empty and halts until the
 * next interrupt (cpu_idle).  schedule() puts the current task at the tail
 * if it is still runnable and switches to the head.  The local APIC timer
 * ticks HZ times a second on every CPU (arch/x86/apic.c): each tick that
 * interrupts user mode ends the running task's slice, so a task that never
 * makes a system call is still preempted.  The kernel itself is never
 * preempted: a tick in kernel mode only counts.
 *
 * Where tasks run: a new task goes to the least loaded CPU it may use
 * (wake_up_new_task); a task stays on its CPU (task->cpu) unless its
 * affinity changes (sched_setaffinity) or an idle CPU pulls it from a busy
 * one (idle_balance).  A woken task goes back to its own CPU's queue; if
 * that CPU is idle, a reschedule IPI wakes it from HLT.
 *
 * The run queue's lock is held across the switch (taken in schedule() by
 * the task leaving, released in finish_task_switch() by the task
 * arriving), so that no other CPU can take a task off a queue while its
 * stack is still in use.  A task that moves to another CPU is put on that
 * CPU's queue only after its old CPU left its stack (finish_task_switch),
 * and a task that exited is freed only after its last switch.
 *
 * Timekeeping: CPU 0's tick advances jiffies, polls the UART and wakes the
 * sleepers whose time has come (nanosleep, timeouts).
 */
#include "asm.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"
#include "smp.h"
#include "tlbflush.h"

struct task_struct init_task = {
	.pid = 0,
	.state = TASK_RUNNING,
	.comm = "swapper/0",
	.children = LIST_HEAD_INIT(init_task.children),
	.tasks = LIST_HEAD_INIT(init_task.tasks),
	.thread_group = LIST_HEAD_INIT(init_task.thread_group),
	.group_leader = &init_task,
	.cpus_allowed = ~0ul,
	.usage = 1,
};
volatile unsigned long jiffies;
spinlock_t tasklist_lock = __SPIN_LOCK_UNLOCKED;

struct rq {
	spinlock_t lock;
	struct list_head queue;		/* runnable tasks, the running one included, FIFO */
	unsigned int nr_running;	/* tasks on queue */
	struct task_struct *curr, *idle;
	struct task_struct *prev;	/* the task the last switch left, for finish_task_switch */
	struct task_struct *migrate;	/* prev, runnable, but it may not stay on this CPU */
	unsigned long nr_switches;
};

static struct rq runqueues[NR_CPUS];

static struct rq *this_rq(void)
{
	return &runqueues[smp_processor_id()];
}

void sched_init(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&runqueues[cpu].lock);
		INIT_LIST_HEAD(&runqueues[cpu].queue);
	}
	init_idle(&init_task, 0);
}

void init_idle(struct task_struct *idle, int cpu)
{
	struct rq *rq = &runqueues[cpu];

	idle->cpu = cpu;
	idle->state = TASK_RUNNING;
	rq->idle = rq->curr = idle;
	cpu_data[cpu].idle = idle;
	cpu_data[cpu].current_task = idle;
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

/* Locks the run queue p belongs to (p->cpu may change until it is locked). */
static struct rq *task_rq_lock(struct task_struct *p, unsigned long *flags)
{
	for (;;) {
		struct rq *rq = &runqueues[__atomic_load_n(&p->cpu, __ATOMIC_ACQUIRE)];

		spin_lock_irqsave(&rq->lock, *flags);
		if (rq == &runqueues[p->cpu])
			return rq;
		spin_unlock_irqrestore(&rq->lock, *flags);
	}
}

static void enqueue_task(struct rq *rq, struct task_struct *p)
{
	list_add_tail(&p->run_list, &rq->queue);
	p->on_rq = true;
	rq->nr_running++;
}

static void dequeue_task(struct rq *rq, struct task_struct *p)
{
	list_del(&p->run_list);
	p->on_rq = false;
	rq->nr_running--;
}

/*
 * Puts runnable p on rq (locked); true when rq's CPU is idle and must be
 * woken.  A runnable task on no queue is one on its way to another CPU
 * (rq->migrate, sched_setaffinity): only the mover queues it.
 */
static bool activate_task(struct rq *rq, struct task_struct *p)
{
	if (p->on_rq || p == rq->idle)
		return false;
	enqueue_task(rq, p);
	return rq->curr == rq->idle && rq != this_rq();
}

void wake_up_process(struct task_struct *p)
{
	unsigned long flags;
	struct rq *rq = task_rq_lock(p, &flags);
	int cpu = p->cpu;
	bool kick = false;

	if (p->state == TASK_INTERRUPTIBLE) {
		p->state = TASK_RUNNING;
		kick = activate_task(rq, p);
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick)
		smp_send_reschedule(cpu);
}

/* The online CPU of p's mask with the fewest runnable tasks (lowest number on a tie). */
static int select_task_rq(const struct task_struct *p)
{
	int cpu, best = -1;

	for_each_online_cpu(cpu) {
		if (!((p->cpus_allowed >> cpu) & 1))
			continue;
		if (best < 0 || runqueues[cpu].nr_running < runqueues[best].nr_running)
			best = cpu;
	}
	return best < 0 ? smp_processor_id() : best;
}

void wake_up_new_task(struct task_struct *p)
{
	unsigned long flags;
	struct rq *rq;
	bool kick;
	int cpu;

	local_irq_save(flags);
	cpu = select_task_rq(p);
	rq = &runqueues[cpu];
	spin_lock(&rq->lock);
	p->cpu = cpu;
	p->state = TASK_RUNNING;
	kick = activate_task(rq, p);
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick)
		smp_send_reschedule(cpu);
}

/* Moves a runnable task that is on no queue (rq->migrate) to a CPU it may use. */
static void move_queued_task(struct task_struct *p)
{
	unsigned long flags;
	int cpu = select_task_rq(p);
	struct rq *rq = &runqueues[cpu];
	bool kick;

	spin_lock_irqsave(&rq->lock, flags);
	__atomic_store_n(&p->cpu, cpu, __ATOMIC_RELEASE);
	kick = p->state == TASK_RUNNING && activate_task(rq, p);
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick)
		smp_send_reschedule(cpu);
}

void put_task_struct(struct task_struct *p)
{
	if (!__atomic_sub_fetch(&p->usage, 1, __ATOMIC_ACQ_REL))
		free_task(p);
}

void finish_task_switch(void)
{
	struct rq *rq = this_rq();
	struct task_struct *prev = rq->prev, *migrate = rq->migrate;

	rq->prev = rq->migrate = NULL;
	spin_unlock(&rq->lock);
	if (migrate)	/* off this CPU's stack now: another CPU may run it */
		move_queued_task(migrate);
	/* A task that exited never runs again: drop the reference its running held. */
	if (prev && (prev->state == EXIT_ZOMBIE || prev->state == EXIT_DEAD))
		put_task_struct(prev);
}

void schedule_tail(void)
{
	finish_task_switch();
}

static void __schedule(bool preempt)
{
	struct task_struct *prev = current, *next;
	unsigned long flags;
	struct rq *rq;

	local_irq_save(flags);
	rq = this_rq();
	spin_lock(&rq->lock);
	if (prev->on_rq)
		dequeue_task(rq, prev);
	if (prev->state == TASK_RUNNING && prev != rq->idle) {
		if ((prev->cpus_allowed >> smp_processor_id()) & 1)
			enqueue_task(rq, prev);
		else
			rq->migrate = prev;
	}
	next = list_empty(&rq->queue) ? rq->idle : list_first_entry(&rq->queue, struct task_struct, run_list);
	if (next == prev) {
		spin_unlock(&rq->lock);
		local_irq_restore(flags);
		return;
	}
	rq->curr = next;
	rq->prev = prev;
	rq->nr_switches++;
	if (preempt)
		prev->nivcsw++;
	else
		prev->nvcsw++;
	/* The address space: next's own, or (kernel threads, idle) lazily the one loaded. */
	if (next->mm)
		switch_mm_irqs_off(next->mm);
	else
		enter_lazy_tlb();
	switch_to(prev, next);
	/* Back in prev, maybe on another CPU, once someone switched to it. */
	finish_task_switch();
	local_irq_restore(flags);
}

void schedule(void)
{
	__schedule(false);
}

unsigned long nr_context_switches(void)
{
	unsigned long n = 0;

	for (int cpu = 0; cpu < NR_CPUS; cpu++)
		n += runqueues[cpu].nr_switches;
	return n;
}

unsigned long schedule_timeout(unsigned long ticks)
{
	unsigned long expire = jiffies + ticks;

	current->wake_jiffies = expire;
	schedule();
	current->wake_jiffies = 0;
	return (long)(expire - jiffies) > 0 ? expire - jiffies : 0;
}

void spin_lock_sleepable(spinlock_t *l)
{
	u16 ticket = spin_lock_ticket(l);

	/* In line; a holder asleep on this CPU gets to run when others may. */
	for (unsigned int n = 1; !spin_ticket_is_served(l, ticket); n++) {
		cpu_relax();
		if (!(n % 64) && this_rq()->nr_running > 1)
			schedule();
	}
}

int sched_setaffinity(struct task_struct *p, u64 mask)
{
	unsigned long flags;
	struct rq *rq;

	mask &= cpu_online_mask.bits;
	if (!mask)
		return -EINVAL;
	rq = task_rq_lock(p, &flags);
	p->cpus_allowed = mask;
	if (!((mask >> p->cpu) & 1) && p != rq->curr) {
		bool queued = p->on_rq;

		if (queued)
			dequeue_task(rq, p);
		/* Not running: it may move at once (a sleeper moves when woken). */
		p->cpu = __builtin_ctzl(mask);
		spin_unlock_irqrestore(&rq->lock, flags);
		if (queued) {
			rq = task_rq_lock(p, &flags);
			activate_task(rq, p);
			spin_unlock_irqrestore(&rq->lock, flags);
			smp_send_reschedule(p->cpu);
		}
		return 0;
	}
	spin_unlock_irqrestore(&rq->lock, flags);
	if (p == current && !((mask >> smp_processor_id()) & 1))
		schedule();	/* leaves this CPU (rq->migrate) */
	return 0;
}

/* CPU 0's share of the tick: the clock, the console, the sleepers. */
static void do_timer(void)
{
	struct list_head *pos;

	jiffies++;
	serial_poll();
	spin_lock(&tasklist_lock);	/* interrupts are off in the handler */
	list_for_each(pos, &init_task.tasks) {
		struct task_struct *p = list_entry(pos, struct task_struct, tasks);

		if (p->state == TASK_INTERRUPTIBLE && p->wake_jiffies && (long)(p->wake_jiffies - jiffies) <= 0) {
			p->wake_jiffies = 0;
			wake_up_process(p);
		}
	}
	spin_unlock(&tasklist_lock);
}

void scheduler_tick(struct pt_regs *regs)
{
	struct task_struct *p = current;

	if (smp_processor_id() == 0)
		do_timer();
	if (smp_processor_id() == 0 && jiffies % 100 == 0)
		vm_report_counters();
	if (user_mode(regs))
		p->utime++;
	else if (p != this_cpu()->idle)
		p->stime++;
	if (user_mode(regs))	/* the slice is one tick */
		__schedule(true);
}

/*
 * An idle CPU takes a waiting task from the busiest other queue, if one
 * may run here: not the one running there, which is on that CPU's stack.
 */
static void idle_balance(void)
{
	int self = smp_processor_id(), cpu, busiest = -1;
	struct rq *src, *dst = &runqueues[self];
	struct list_head *pos;
	unsigned long flags;

	for_each_online_cpu(cpu)
		if (cpu != self && runqueues[cpu].nr_running >= 2 &&
		    (busiest < 0 || runqueues[cpu].nr_running > runqueues[busiest].nr_running))
			busiest = cpu;
	if (busiest < 0)
		return;
	src = &runqueues[busiest];
	local_irq_save(flags);
	/* Two run queues: the lower-numbered lock first. */
	spin_lock(busiest < self ? &src->lock : &dst->lock);
	spin_lock(busiest < self ? &dst->lock : &src->lock);
	list_for_each(pos, &src->queue) {
		struct task_struct *p = list_entry(pos, struct task_struct, run_list);

		if (p == src->curr || !((p->cpus_allowed >> self) & 1))
			continue;
		dequeue_task(src, p);
		p->cpu = self;
		enqueue_task(dst, p);
		break;
	}
	spin_unlock(&src->lock);
	spin_unlock(&dst->lock);
	local_irq_restore(flags);
}

void cpu_idle(void)
{
	struct rq *rq = this_rq();

	for (;;) {
		while (rq->nr_running)
			schedule();
		idle_balance();
		if (rq->nr_running)
			continue;
		/* STI's one-instruction shadow: no interrupt slips in before HLT. */
		__asm__ volatile("sti; hlt; cli" ::: "memory");
	}
}

/* The task pid names for the affinity calls (0: current), with a reference; NULL if none. */
static struct task_struct *get_affinity_task(pid_t pid)
{
	struct task_struct *p = current;
	unsigned long flags;

	spin_lock_irqsave(&tasklist_lock, flags);
	if (pid)
		p = find_task_by_pid(pid);
	if (p)
		get_task_struct(p);
	spin_unlock_irqrestore(&tasklist_lock, flags);
	return p;
}

/* sched_setaffinity(pid, len, user_mask_ptr) */
long sys_sched_setaffinity(struct pt_regs *regs)
{
	struct task_struct *p;
	u64 mask = 0;
	long ret;

	if (copy_from_user(&mask, (void *)regs->rdx, min(regs->rsi, sizeof(mask))))
		return -EFAULT;
	if (!(p = get_affinity_task((pid_t)regs->rdi)))
		return -ESRCH;
	ret = sched_setaffinity(p, mask);
	put_task_struct(p);
	return ret;
}

/* sched_getaffinity(pid, len, user_mask_ptr): the mask's size in bytes, as Linux's raw call. */
long sys_sched_getaffinity(struct pt_regs *regs)
{
	struct task_struct *p;
	u64 mask;

	if (regs->rsi < sizeof(mask) || (regs->rsi & 7))
		return -EINVAL;
	if (!(p = get_affinity_task((pid_t)regs->rdi)))
		return -ESRCH;
	mask = p->cpus_allowed & cpu_online_mask.bits;
	put_task_struct(p);
	return copy_to_user((void *)regs->rdx, &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}

/* getcpu(cpu, node, tcache): the CPU the caller runs on, node 0. */
long sys_getcpu(struct pt_regs *regs)
{
	unsigned int cpu = (unsigned int)smp_processor_id(), node = 0;

	if (regs->rdi && copy_to_user((void *)regs->rdi, &cpu, sizeof(cpu)))
		return -EFAULT;
	if (regs->rsi && copy_to_user((void *)regs->rsi, &node, sizeof(node)))
		return -EFAULT;
	return 0;
}
