/*
 * smp.c — CPUs asking each other for work through IPIs (Linux's
 * kernel/smp.c and arch/x86/kernel/smp.c, reduced): the reschedule IPI,
 * which only wakes a CPU from HLT so that it looks at its run queue, and
 * smp_call_function_many(), which makes other CPUs run a function and
 * waits until they all have — what a TLB shootdown needs.
 *
 * Each CPU has a queue of call requests (call_single_data, csd).  The
 * caller fills one csd per target (its own, csd_data[caller][target]: one
 * call at a time per caller), queues it on the target, sends
 * CALL_FUNCTION_VECTOR, and spins until each target has cleared its csd's
 * `pending` — after running the function, so the caller's arguments (on its
 * stack) stay valid until then.  While it waits it also runs the requests
 * queued for its own CPU, so two CPUs shooting at each other, or a caller
 * with interrupts off, cannot wait for each other forever.
 */
#include "asm.h"
#include "kernel.h"
#include "list.h"
#include "sched.h"
#include "smp.h"
#include "spinlock.h"

struct call_single_data {
	struct list_head list;
	void (*func)(void *info);
	void *info;
	int pending;
};

struct call_queue {
	spinlock_t lock;
	struct list_head list;
};

static struct call_single_data csd_data[NR_CPUS][NR_CPUS];
static struct call_queue call_queues[NR_CPUS];

void smp_send_reschedule(int cpu)
{
	apic_send_IPI(cpu_data[cpu].apicid, RESCHEDULE_VECTOR);
}

void smp_reschedule_interrupt(void)
{
	/* Nothing more: the idle loop or the next tick looks at the run queue. */
}

/* Runs every request queued for this CPU (interrupts off). */
static void flush_smp_call_function_queue(void)
{
	struct call_queue *q = &call_queues[smp_processor_id()];
	struct list_head todo;

	spin_lock(&q->lock);
	if (list_empty(&q->list)) {
		spin_unlock(&q->lock);
		return;
	}
	/* Take the whole queue: todo becomes its head. */
	todo = q->list;
	todo.next->prev = &todo;
	todo.prev->next = &todo;
	INIT_LIST_HEAD(&q->list);
	spin_unlock(&q->lock);
	while (!list_empty(&todo)) {
		struct call_single_data *csd = list_first_entry(&todo, struct call_single_data, list);

		list_del(&csd->list);
		csd->func(csd->info);
		__atomic_store_n(&csd->pending, 0, __ATOMIC_RELEASE);	/* the caller may go on */
	}
}

void smp_call_function_interrupt(void)
{
	flush_smp_call_function_queue();
}

void smp_call_function_many(u64 mask, void (*func)(void *), void *info)
{
	int self = smp_processor_id(), cpu;
	unsigned long flags;

	mask &= cpu_online_mask.bits & ~(1ul << self);
	for_each_cpu_in(cpu, mask) {
		struct call_single_data *csd = &csd_data[self][cpu];
		struct call_queue *q = &call_queues[cpu];

		csd->func = func;
		csd->info = info;
		csd->pending = 1;
		spin_lock_irqsave(&q->lock, flags);
		list_add_tail(&csd->list, &q->list);
		spin_unlock_irqrestore(&q->lock, flags);
		apic_send_IPI(cpu_data[cpu].apicid, CALL_FUNCTION_VECTOR);
	}
	for_each_cpu_in(cpu, mask) {
		while (__atomic_load_n(&csd_data[self][cpu].pending, __ATOMIC_ACQUIRE)) {
			local_irq_save(flags);
			flush_smp_call_function_queue();
			local_irq_restore(flags);
			cpu_relax();
		}
	}
}

void smp_call_init(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		spin_lock_init(&call_queues[cpu].lock);
		INIT_LIST_HEAD(&call_queues[cpu].list);
	}
}
