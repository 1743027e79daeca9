/*
 * futex.c — futex(2), FUTEX_WAIT and FUTEX_WAKE (Linux's kernel/futex/).
 *
 * A waiter is a struct futex_q on its own kernel stack, queued in a hash
 * bucket by its key (address space, user address: what Linux uses for
 * private futexes and for any futex in private memory; a word in shared
 * memory is not matched across processes here).  The order that makes a
 * wake-up impossible to lose, as Linux's:
 *
 *   waiter                              waker
 *   queue q (bucket lock)               *uaddr = new value
 *   read *uaddr: if != val, unqueue,    futex_wake: (bucket lock) unqueue
 *     -EAGAIN                             each q, mark it woken, wake its task
 *   (bucket lock) not woken yet:
 *     state = TASK_INTERRUPTIBLE
 *   schedule()
 *
 * A waker that changed the word before the waiter read it is seen by the
 * read; one that changed it after finds q queued.  The read happens with no
 * lock held and the task running (it may fault the page in).  FUTEX_WAIT
 * returns 0 when woken, -EAGAIN if the word held another value,
 * -ETIMEDOUT after its relative timeout, -EINTR when a signal came.
 */
#include "errno.h"
#include "futex.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"

#define FUTEX_HASH_SIZE 64

struct futex_q {
	struct list_head list;
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long uaddr;
	bool woken;
};

struct futex_hash_bucket {
	spinlock_t lock;
	struct list_head chain;
};

static struct futex_hash_bucket futex_queues[FUTEX_HASH_SIZE];

static struct futex_hash_bucket *hash_futex(const struct mm_struct *mm, unsigned long uaddr)
{
	unsigned long h = ((unsigned long)mm >> 6) * 31 + (uaddr >> 2);
	struct futex_hash_bucket *hb = &futex_queues[h % FUTEX_HASH_SIZE];

	if (!hb->chain.next) {	/* first use; zeroed memory is an unlocked lock */
		spin_lock(&hb->lock);
		if (!hb->chain.next)
			INIT_LIST_HEAD(&hb->chain);
		spin_unlock(&hb->lock);
	}
	return hb;
}

static long futex_wait(unsigned long uaddr, u32 val, unsigned long timeout_ticks)
{
	struct futex_q q = { .task = current, .mm = current->mm, .uaddr = uaddr };
	struct futex_hash_bucket *hb = hash_futex(q.mm, uaddr);
	unsigned long left = timeout_ticks;
	long ret = 0;
	u32 uval;

	spin_lock(&hb->lock);
	list_add_tail(&q.list, &hb->chain);
	spin_unlock(&hb->lock);
	if (copy_from_user(&uval, (void *)uaddr, sizeof(uval)))
		ret = -EFAULT;
	else if (uval != val)
		ret = -EAGAIN;
	while (!ret) {
		spin_lock(&hb->lock);
		if (q.woken) {
			spin_unlock(&hb->lock);
			break;
		}
		current->state = TASK_INTERRUPTIBLE;
		spin_unlock(&hb->lock);
		if (timeout_ticks)
			left = schedule_timeout(left);
		else
			schedule();
		current->state = TASK_RUNNING;
		if (q.woken)
			break;
		if (current->pending_signal)
			ret = -EINTR;
		else if (timeout_ticks && !left)
			ret = -ETIMEDOUT;
	}
	spin_lock(&hb->lock);
	if (!q.woken)
		list_del(&q.list);
	else
		ret = 0;
	spin_unlock(&hb->lock);
	return ret;
}

int futex_wake(unsigned long uaddr, int nr)
{
	struct mm_struct *mm = current->mm;
	struct futex_hash_bucket *hb = hash_futex(mm, uaddr);
	struct list_head *pos, *next;
	int woken = 0;

	spin_lock(&hb->lock);
	for (pos = hb->chain.next; pos != &hb->chain && woken < nr; pos = next) {
		struct futex_q *q = list_entry(pos, struct futex_q, list);

		next = pos->next;
		if (q->mm != mm || q->uaddr != uaddr)
			continue;
		list_del(&q->list);
		q->woken = true;
		wake_up_process(q->task);
		woken++;
	}
	spin_unlock(&hb->lock);
	return woken;
}

long sys_futex(struct pt_regs *regs)
{
	unsigned long uaddr = regs->rdi, timeout = regs->r10, ticks = 0;
	int op = (int)regs->rsi & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	u32 val = (u32)regs->rdx;

	if (uaddr & 3)
		return -EINVAL;
	switch (op) {
	case FUTEX_WAIT:
		if (timeout) {
			struct { long tv_sec, tv_nsec; } ts;

			if (copy_from_user(&ts, (void *)timeout, sizeof(ts)))
				return -EFAULT;
			if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= 1000000000)
				return -EINVAL;
			ticks = (unsigned long)ts.tv_sec * HZ + ((unsigned long)ts.tv_nsec * HZ + 999999999) / 1000000000;
			if (!ticks)
				return -ETIMEDOUT;
		}
		return futex_wait(uaddr, val, ticks);
	case FUTEX_WAKE:
		return futex_wake(uaddr, (int)val);
	default:
		return -ENOSYS;
	}
}
