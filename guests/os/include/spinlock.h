/*
 * spinlock.h — spinlocks and interrupt flags.  A lock is taken in ticket
 * order (below); waiters spin on a plain read with PAUSE, so that the line
 * stays shared until the holder lets go.
 *
 * Interrupts and locks (the rules the kernel keeps, as Linux's):
 *   - a lock an interrupt handler takes (run queues, the task list, the
 *     IPI queues, the console) is always taken with spin_lock_irqsave, so
 *     that the handler cannot interrupt its own CPU's holder — or a waiter
 *     already in line — and spin forever;
 *   - such a lock is held briefly and its holder never waits for another
 *     CPU: a CPU spinning for it with interrupts off would not answer;
 *   - a CPU waiting for others to answer an IPI (a TLB shootdown,
 *     arch/x86/smp.c) holds no such lock, and keeps running the requests
 *     queued for itself while it waits.
 *
 * Host unit tests (OS_HOST_TEST) run at CPL 3, where CLI would fault:
 * there the interrupt-flag half is a no-op.
 */
#ifndef OS_SPINLOCK_H
#define OS_SPINLOCK_H

#include "types.h"

/*
 * A ticket lock (Linux's before queued spinlocks): a waiter takes the next
 * ticket (LOCK XADD) and spins until `owner` reaches it, so the lock goes
 * to waiters in the order they came.  A plain test-and-set lock can starve
 * a CPU forever when another keeps letting go and taking it back — and
 * mmulab's vCPUs, which give up their turn at PAUSE, would show exactly
 * that: a fault handler waiting for mmap_lock while a thread on another
 * CPU calls mmap in a loop.  Zeroed memory is an unlocked lock.
 */
typedef struct {
	volatile u16 owner;	/* the ticket being served */
	volatile u16 next;	/* the ticket the next waiter takes */
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED { 0, 0 }

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void spin_lock_init(spinlock_t *l)
{
	l->owner = 0;
	l->next = 0;
}

/* Takes a ticket: the lock is the caller's once owner equals it. */
static inline u16 spin_lock_ticket(spinlock_t *l)
{
	return __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);
}

static inline bool spin_ticket_is_served(const spinlock_t *l, u16 ticket)
{
	return __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) == ticket;
}

/* Takes the lock if it is free; true when it did. */
static inline bool spin_trylock(spinlock_t *l)
{
	u16 owner = __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE), next = owner;

	/* Free means no ticket is out beyond the one served: take that one in one step. */
	return __atomic_compare_exchange_n(&l->next, &next, (u16)(owner + 1), false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_lock(spinlock_t *l)
{
	u16 ticket = spin_lock_ticket(l);

	while (!spin_ticket_is_served(l, ticket))
		cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->owner, (u16)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const spinlock_t *l)
{
	return __atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != __atomic_load_n(&l->next, __ATOMIC_ACQUIRE);
}

#ifdef OS_HOST_TEST
static inline unsigned long arch_local_irq_save(void) { return 0; }
static inline void arch_local_irq_restore(unsigned long flags) { (void)flags; }
#else
/* Returns RFLAGS as it was and clears IF. */
static inline unsigned long arch_local_irq_save(void)
{
	unsigned long flags;

	__asm__ volatile("pushfq; popq %0; cli" : "=r"(flags) : : "memory");
	return flags;
}

static inline void arch_local_irq_restore(unsigned long flags)
{
	if (flags & (1ul << 9))
		__asm__ volatile("sti" ::: "memory");
}
#endif

#define local_irq_save(flags) ((flags) = arch_local_irq_save())
#define local_irq_restore(flags) arch_local_irq_restore(flags)

/* Interrupts off, then the lock (in line with them off: see the rules above). */
static inline unsigned long __spin_lock_irqsave(spinlock_t *l)
{
	unsigned long flags = arch_local_irq_save();

	spin_lock(l);
	return flags;
}

#define spin_lock_irqsave(l, flags) ((flags) = __spin_lock_irqsave(l))

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	arch_local_irq_restore(flags);
}

#endif
