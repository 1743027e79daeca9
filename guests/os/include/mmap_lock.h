/*
 * mmap_lock.h — the lock of an address space (Linux's mmap_lock), held by
 * whoever reads or changes its VMAs or page tables: the mmap family of
 * system calls, the page-fault handler, copy_to_user/copy_from_user
 * (fault-in and copy under one hold, so the pages stay), fork's dup_mm,
 * /proc readers of another process's mm.  Threads of one process share
 * their mm, so these can run on several CPUs at once.
 *
 * It is exclusive (Linux's is a reader/writer semaphore: mmap_read_lock
 * here takes it exclusively too), and not recursive.  Its holder may wait
 * for other CPUs (TLB shootdowns) but never sleeps holding it; a waiter
 * spins with interrupts on, so that it still answers IPIs, and lets the
 * other tasks of its CPU run meanwhile (kernel/sched.c,
 * spin_lock_sleepable), so that a holder that did sleep on the same CPU
 * would still get to run.
 *
 * The holder is remembered (mm->mmap_lock_owner) for reclaim: the reverse
 * map (mm/rmap.c) walks other address spaces with mmap_read_trylock, and
 * walks the one whose lock its own task already holds (a fault that
 * reclaims) as it is (mmap_lock_is_held).
 */
#ifndef OS_MMAP_LOCK_H
#define OS_MMAP_LOCK_H

#include "mm_types.h"
#include "sched.h"
#include "spinlock.h"

/* kernel/sched.c: spins for l, running other tasks of this CPU while it waits. */
void spin_lock_sleepable(spinlock_t *l);

static inline void mmap_write_lock(struct mm_struct *mm)
{
	spin_lock_sleepable(&mm->mmap_lock);
	mm->mmap_lock_owner = current;
}

static inline void mmap_write_unlock(struct mm_struct *mm)
{
	mm->mmap_lock_owner = NULL;
	spin_unlock(&mm->mmap_lock);
}

static inline void mmap_read_lock(struct mm_struct *mm)
{
	mmap_write_lock(mm);
}

static inline void mmap_read_unlock(struct mm_struct *mm)
{
	mmap_write_unlock(mm);
}

/* True when it took the lock (reclaim: never wait for an mm). */
static inline bool mmap_read_trylock(struct mm_struct *mm)
{
	if (!spin_trylock(&mm->mmap_lock))
		return false;
	mm->mmap_lock_owner = current;
	return true;
}

/* True when the running task holds mm's lock. */
static inline bool mmap_lock_is_held(const struct mm_struct *mm)
{
	return __atomic_load_n(&mm->mmap_lock_owner, __ATOMIC_RELAXED) == current;
}

#endif
