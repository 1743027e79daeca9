/*
 * uaccess.c — the kernel reading and writing user memory (system-call
 * arguments, the results it returns).  Instead of letting the access fault
 * in kernel mode and fixing it up (Linux's exception tables), each page of
 * the range is first checked against the VMAs and faulted in the way the
 * MMU would have (Linux's get_user_pages): missing pages are mapped, a
 * write to a COW page copies it, and a range the process may not access
 * gives -EFAULT.  The kernel does not preempt itself, so the pages stay
 * mapped until the copy is done.  These faults count in the task's
 * min_flt, as Linux counts them.
 */
#include "errno.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"

static long fault_in_user(unsigned long addr, unsigned long n, bool write)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = addr + n;

	if (!mm || end < addr || end > TASK_SIZE)
		return -EFAULT;
	for (unsigned long a = ALIGN_DOWN(addr, PAGE_SIZE); a < end; a += PAGE_SIZE) {
		struct vm_area_struct *vma = find_extend_vma(mm, a);
		pteval_t *pte;

		if (!vma || !(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			return -EFAULT;
		pte = get_pte(mm, a, false);
		if (pte && (*pte & _PAGE_PRESENT) && (!write || (*pte & _PAGE_RW)))
			continue;
		if (handle_mm_fault(vma, a, FAULT_FLAG_USER | (write ? FAULT_FLAG_WRITE : 0)) != VM_FAULT_OK)
			return -EFAULT;
	}
	return 0;
}

long copy_to_user(void *to, const void *from, unsigned long n)
{
	if (fault_in_user((unsigned long)to, n, true))
		return -EFAULT;
	memcpy(to, from, n);
	return 0;
}

long copy_from_user(void *to, const void *from, unsigned long n)
{
	if (fault_in_user((unsigned long)from, n, false))
		return -EFAULT;
	memcpy(to, from, n);
	return 0;
}

long strnlen_user(const char *s, long max)
{
	for (long n = 0; n < max; n++) {
		if (fault_in_user((unsigned long)(s + n), 1, false))
			return -EFAULT;
		if (!s[n])
			return n;
	}
	return max;
}
