/*
 * util.c — overcommit accounting (Linux's mm/util.c and mm/mmap.c): how
 * much memory the address spaces have been promised, and whether one more
 * promise may be made.
 *
 * Every private writable mapping (data, bss, heap, stack, anonymous
 * mmap), and every shared anonymous object once, is "committed" when it is
 * created or grows: its pages are added to vm_committed_as (Committed_AS
 * in /proc/meminfo), whether or not they are ever touched, and taken off
 * when it goes.  Such VMAs carry VM_ACCOUNT.  __vm_enough_memory decides
 * by the mode in vm.overcommit_memory:
 *
 *   0 OVERCOMMIT_GUESS   refuse only a single request larger than all of
 *                        RAM and swap together;
 *   1 OVERCOMMIT_ALWAYS  never refuse (the OOM killer settles it later);
 *   2 OVERCOMMIT_NEVER   refuse once Committed_AS (with the request) would
 *                        reach CommitLimit = RAM * overcommit_ratio / 100
 *                        (or overcommit_kbytes) + swap, less, for the
 *                        requesting address space, min(total_vm / 32,
 *                        user_reserve_kbytes), and for a task without
 *                        CAP_SYS_ADMIN admin_reserve_kbytes too.
 *
 * Every process here runs as root, so the admin reserve is never taken
 * off (as for root on Linux).  A refused request fails with ENOMEM at
 * mmap, brk, fork, mprotect or stack growth — never at touch time.
 */
#include "errno.h"
#include "kernel.h"
#include "mman.h"
#include "mmzone.h"
#include "swap.h"

int sysctl_overcommit_memory = OVERCOMMIT_GUESS;
int sysctl_overcommit_ratio = 50;
int sysctl_overcommit_kbytes;
int sysctl_admin_reserve_kbytes = 1 << 13;
int sysctl_user_reserve_kbytes = 1 << 17;
long vm_committed_as;

void vm_acct_memory(long pages)
{
	__atomic_add_fetch(&vm_committed_as, pages, __ATOMIC_RELAXED);
}

void vm_unacct_memory(long pages)
{
	vm_acct_memory(-pages);
}

unsigned long vm_commit_limit(void)
{
	unsigned long allowed;

	if (sysctl_overcommit_kbytes)
		allowed = (unsigned long)sysctl_overcommit_kbytes >> (PAGE_SHIFT - 10);
	else
		allowed = totalram_pages() * (unsigned long)sysctl_overcommit_ratio / 100;
	return allowed + total_swap_pages;
}

int __vm_enough_memory(struct mm_struct *mm, long pages, bool cap_sys_admin)
{
	long allowed;

	vm_acct_memory(pages);
	if (sysctl_overcommit_memory == OVERCOMMIT_ALWAYS)
		return 0;
	if (sysctl_overcommit_memory == OVERCOMMIT_GUESS) {
		if ((unsigned long)pages > totalram_pages() + total_swap_pages)
			goto error;
		return 0;
	}
	allowed = (long)vm_commit_limit();
	if (!cap_sys_admin)
		allowed -= sysctl_admin_reserve_kbytes >> (PAGE_SHIFT - 10);
	if (mm) {
		long reserve = sysctl_user_reserve_kbytes >> (PAGE_SHIFT - 10);

		allowed -= min((long)mm->total_vm / 32, reserve);
	}
	if (__atomic_load_n(&vm_committed_as, __ATOMIC_RELAXED) < allowed)
		return 0;
error:
	vm_unacct_memory(pages);
	return -ENOMEM;
}

int security_vm_enough_memory_mm(struct mm_struct *mm, long pages)
{
	return __vm_enough_memory(mm, pages, true);	/* every task is root */
}

/* Linux's init_user_reserve and init_admin_reserve: 1/32 of free memory, capped. */
void init_reserves(void)
{
	unsigned long free_kbytes = nr_free_pages() << (PAGE_SHIFT - 10);

	sysctl_user_reserve_kbytes = (int)min(free_kbytes / 32, 1ul << 17);
	sysctl_admin_reserve_kbytes = (int)min(free_kbytes / 32, 1ul << 13);
}
