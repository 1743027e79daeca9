/*
 * shmem.c — shared anonymous memory (mmap MAP_SHARED|MAP_ANONYMOUS), as
 * Linux does it: the mapping is backed by a nameless file whose pages
 * start as zero and live in the page cache, so that every process mapping
 * it — the parent and its children after fork — finds the same frames
 * (mm/memory.c, do_shared_fault).  The inode counts the VMAs that use it;
 * the last one to go (munmap, exit) drops its pages.  /proc/self/maps names
 * it "/dev/zero (deleted)", as Linux.  Its size is committed once, when it
 * is set up (Linux's shmem_acct_size), and given back with the inode.
 */
#include "initrd.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"

static unsigned int shmem_ino = 1u << 20;	/* above any archive index */

struct inode *shmem_file_setup(unsigned long size)
{
	long pages = (long)(ALIGN(size, PAGE_SIZE) >> PAGE_SHIFT);
	struct inode *inode;

	if (security_vm_enough_memory_mm(current->mm, pages))
		return NULL;
	if (!(inode = kzalloc(sizeof(*inode), GFP_KERNEL))) {
		vm_unacct_memory(pages);
		return NULL;
	}
	inode->name = "dev/zero (deleted)";
	inode->size = size;
	inode->mode = S_IFREG | 0600;
	inode->ino = shmem_ino++;
	inode->shmem = true;
	inode->i_count = 1;
	return inode;
}

struct inode *igrab(struct inode *inode)
{
	if (inode && inode->shmem)
		inode->i_count++;
	return inode;
}

void iput(struct inode *inode)
{
	if (!inode || !inode->shmem || --inode->i_count)
		return;
	truncate_inode_pages(inode);
	vm_unacct_memory((long)(ALIGN(inode->size, PAGE_SIZE) >> PAGE_SHIFT));
	kfree(inode);
}
