/*
 * uaccess.c — the kernel reading and writing user memory (system-call
 * arguments, the results it returns).  Instead of letting the access fault
 * in kernel mode and fixing it up (Linux's exception tables), each page of
 * the range is checked against the VMAs and faulted in the way the MMU
 * would have (Linux's get_user_pages): missing pages are mapped, a write
 * to a COW page copies it, and a range the process may not access gives
 * -EFAULT.  The bytes are then copied through the direct map of the frame,
 * with a reference on it: reclaim may take a page away from its PTE at
 * any allocation (even while the next page is faulted in), but never frees
 * a frame someone holds.  A page written this way is marked dirty, as the
 * MMU would have set D.  These faults count in the task's min_flt, as
 * Linux counts them.
 */
#include "errno.h"
#include "kernel.h"
#include "mman.h"
#include "mmap_lock.h"
#include "sched.h"

/* The frame mapped at addr, faulted in for the access (a reference taken), or NULL. */
static struct page *__get_user_page(unsigned long addr, bool write)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;

	if (!mm || addr >= TASK_SIZE || !(vma = find_extend_vma(mm, addr)) ||
	    !(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
		return NULL;
	for (int tries = 0; tries < 64; tries++) {
		pteval_t *pte = get_pte(mm, addr & PAGE_MASK, false);

		if (pte && (*pte & _PAGE_PRESENT) && (!write || (*pte & _PAGE_RW))) {
			struct page *page = pfn_to_page((*pte & PTE_PFN_MASK) >> PAGE_SHIFT);

			get_page(page);
			if (write)
				*pte |= _PAGE_DIRTY | _PAGE_ACCESSED;
			else
				*pte |= _PAGE_ACCESSED;
			return page;
		}
		if (handle_mm_fault(vma, addr, FAULT_FLAG_USER | (write ? FAULT_FLAG_WRITE : 0)) != VM_FAULT_OK)
			return NULL;
	}
	return NULL;
}

/* The same, holding the address space's lock (its other threads may change it meanwhile). */
static struct page *get_user_page(unsigned long addr, bool write)
{
	struct mm_struct *mm = current->mm;
	struct page *page;

	if (!mm)
		return NULL;
	mmap_read_lock(mm);
	page = __get_user_page(addr, write);
	mmap_read_unlock(mm);
	return page;
}

/* Copies n bytes between kernel buffer kbuf and user address uaddr, page by page. */
static long access_user(void *kbuf, unsigned long uaddr, unsigned long n, bool write)
{
	if (uaddr + n < uaddr || uaddr + n > TASK_SIZE)
		return -EFAULT;
	while (n) {
		unsigned long off = uaddr & ~PAGE_MASK, k = min(n, PAGE_SIZE - off);
		struct page *page = get_user_page(uaddr, write);
		char *p;

		if (!page)
			return -EFAULT;
		p = (char *)page_address(page) + off;
		if (write)
			memcpy(p, kbuf, k);
		else
			memcpy(kbuf, p, k);
		put_page(page);
		kbuf = (char *)kbuf + k;
		uaddr += k;
		n -= k;
	}
	return 0;
}

long copy_to_user(void *to, const void *from, unsigned long n)
{
	return access_user((void *)from, (unsigned long)to, n, true);
}

long copy_from_user(void *to, const void *from, unsigned long n)
{
	return access_user(to, (unsigned long)from, n, false);
}

long strnlen_user(const char *s, long max)
{
	for (long n = 0; n < max; n++) {
		char c;

		if (access_user(&c, (unsigned long)(s + n), 1, false))
			return -EFAULT;
		if (!c)
			return n;
	}
	return max;
}
