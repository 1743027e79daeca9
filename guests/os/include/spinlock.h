/*
 * spinlock.h — spinlocks and interrupt flags.  The kernel runs on one CPU
 * for now, but every shared allocator structure already has its lock, so
 * that starting the other CPUs adds no locking later.  A lock is one word
 * taken with an atomic exchange (XCHG is locked implicitly: SDM vol. 3
 * §9.1.2.2); waiters spin on a plain read with PAUSE.
 *
 * spin_lock_irqsave also clears RFLAGS.IF so that an interrupt handler on
 * the same CPU cannot deadlock on a lock its own CPU holds.  Host unit
 * tests (OS_HOST_TEST) run at CPL 3, where CLI would fault: there the
 * interrupt-flag half is a no-op.
 */
#ifndef OS_SPINLOCK_H
#define OS_SPINLOCK_H

#include "types.h"

typedef struct {
	volatile int locked;
} spinlock_t;

#define __SPIN_LOCK_UNLOCKED { 0 }

static inline void cpu_relax(void)
{
	__asm__ volatile("pause" ::: "memory");
}

static inline void spin_lock_init(spinlock_t *l)
{
	l->locked = 0;
}

static inline void spin_lock(spinlock_t *l)
{
	while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
		while (l->locked)
			cpu_relax();
}

static inline void spin_unlock(spinlock_t *l)
{
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
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

#define spin_lock_irqsave(l, flags)                  \
	do {                                         \
		(flags) = arch_local_irq_save();     \
		spin_lock(l);                        \
	} while (0)

static inline void spin_unlock_irqrestore(spinlock_t *l, unsigned long flags)
{
	spin_unlock(l);
	arch_local_irq_restore(flags);
}

#endif
