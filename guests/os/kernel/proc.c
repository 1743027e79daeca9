/*
 * proc.c — the /proc views this kernel offers.  /proc/self/maps is built
 * as Linux's fs/proc/task_mmu.c prints it: one line per VMA,
 *
 *   start-end perms offset dev inode   name
 *
 * perms being r/w/x and p (private) or s (shared); the file's path for a
 * file mapping (initrd files have device 00:00 and their archive index as
 * inode), [heap] for the brk area and [stack] for the stack.
 *
 * show_mem_summary() prints the frame counts a leak check needs (free,
 * page cache, slab), before init starts and when it ends: every other
 * frame processes took (anonymous memory, page tables, kernel stacks) must
 * have come back (tests/integration/os.sh checks the arithmetic).
 */
#include "initrd.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"

#define MAPS_MAX (16ul << 10)

char *show_maps(struct mm_struct *mm, unsigned long *len)
{
	char *buf = kmalloc(MAPS_MAX, GFP_KERNEL);
	struct vm_area_struct *vma;
	unsigned long n = 0;

	if (!buf || !mm) {
		kfree(buf);
		return NULL;
	}
	for_each_vma(vma, mm) {
		const char *name = vma->vm_file ? vma->vm_file->name
				   : (vma->vm_flags & VM_HEAP) ? "[heap]"
				   : (vma->vm_flags & VM_GROWSDOWN) ? "[stack]" : "";
		int w;

		if (n + 200 > MAPS_MAX)
			break;
		w = snprintf(buf + n, MAPS_MAX - n, "%08lx-%08lx %c%c%c%c %08lx 00:00 %u ", vma->vm_start,
			     vma->vm_end, vma->vm_flags & VM_READ ? 'r' : '-', vma->vm_flags & VM_WRITE ? 'w' : '-',
			     vma->vm_flags & VM_EXEC ? 'x' : '-', vma->vm_flags & VM_SHARED ? 's' : 'p',
			     vma->vm_file ? vma->vm_pgoff << PAGE_SHIFT : 0, vma->vm_file ? vma->vm_file->ino + 1 : 0);
		n += (unsigned long)w;
		if (*name) {
			while (w++ < 73)
				buf[n++] = ' ';
			n += (unsigned long)snprintf(buf + n, MAPS_MAX - n, "%s%s", vma->vm_file ? "/" : "", name);
		}
		buf[n++] = '\n';
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

void show_mem_summary(const char *when)
{
	printk("frames %s: free %lu, page cache %lu, slab %lu\n", when, nr_free_pages(), nr_file_pages(),
	       slab_pages());
}
