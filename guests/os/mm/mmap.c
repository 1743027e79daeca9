/*
 * mmap.c — the VMAs of an address space and the system calls that change
 * them: mmap, munmap, mprotect, madvise(MADV_DONTNEED), brk; mm_alloc,
 * dup_mm (fork) and mmput (exit, execve).
 *
 * mm->mmap lists the VMAs sorted by address, never overlapping.  A call
 * that covers part of a VMA first splits it (split_vma) so that each VMA
 * keeps one set of flags.  New mappings go top-down below mmap_base =
 * TASK_SIZE - 128 MiB (Linux's legacy-free layout without randomisation:
 * the stack's 8 MiB limit is raised to the 128 MiB minimum gap), the heap
 * grows up from the end of the program's .bss.
 */
#include "errno.h"
#include "initrd.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"
#include "tlbflush.h"

#define MMAP_MIN_GAP	(128ul << 20)
#define PAGE_ALIGN(x)	ALIGN(x, PAGE_SIZE)

static struct kmem_cache *vm_area_cachep, *mm_cachep;

struct mm_struct *mm_alloc(pid_t owner)
{
	struct mm_struct *mm;

	if (!mm_cachep) {
		mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 0, 0, NULL);
		vm_area_cachep = kmem_cache_create("vm_area_struct", sizeof(struct vm_area_struct), 0, 0, NULL);
	}
	if (!(mm = kmem_cache_alloc(mm_cachep, __GFP_ZERO)))
		return NULL;
	mm->owner = owner;
	if (!(mm->pgd = pgd_alloc(mm))) {
		kmem_cache_free(mm_cachep, mm);
		return NULL;
	}
	INIT_LIST_HEAD(&mm->mmap);
	mm->mm_users = 1;
	spin_lock_init(&mm->mmap_lock);
	init_new_context(mm);
	mm->mmap_base = PAGE_ALIGN(TASK_SIZE - MMAP_MIN_GAP);
	mmlist_add(mm);
	return mm;
}

static void remove_vma(struct vm_area_struct *vma)
{
	if (vma->vm_flags & VM_ACCOUNT)
		vm_unacct_memory((long)((vma->vm_end - vma->vm_start) >> PAGE_SHIFT));
	iput(vma->vm_file);
	list_del(&vma->vm_list);
	vma->vm_mm->map_count--;
	vma->vm_mm->total_vm -= (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	kmem_cache_free(vm_area_cachep, vma);
}

void mmput(struct mm_struct *mm)
{
	if (__atomic_sub_fetch(&mm->mm_users, 1, __ATOMIC_ACQ_REL))	/* threads share it */
		return;
	while (!list_empty(&mm->mmap)) {
		struct vm_area_struct *vma = list_first_entry(&mm->mmap, struct vm_area_struct, vm_list);

		zap_page_range(vma, vma->vm_start, vma->vm_end);
		remove_vma(vma);
	}
	free_pgtables(mm);
	mmlist_del(mm);
	kmem_cache_free(mm_cachep, mm);
}

struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	for_each_vma(vma, mm)
		if (addr < vma->vm_end)
			return addr >= vma->vm_start ? vma : NULL;
	return NULL;
}

/* Inserts vma in address order. */
static void vma_link(struct mm_struct *mm, struct vm_area_struct *vma)
{
	struct vm_area_struct *next;

	for_each_vma(next, mm)
		if (next->vm_start >= vma->vm_end)
			break;
	list_add_tail(&vma->vm_list, &next->vm_list);	/* before next (or at the end) */
	mm->map_count++;
	mm->total_vm += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

static struct vm_area_struct *vm_area_alloc(struct mm_struct *mm)
{
	struct vm_area_struct *vma = kmem_cache_alloc(vm_area_cachep, __GFP_ZERO);

	if (vma)
		vma->vm_mm = mm;
	return vma;
}

/* Splits vma at addr: vma keeps [start, addr), a new VMA gets [addr, end). 0 or -ENOMEM. */
static int split_vma(struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *new = vm_area_alloc(vma->vm_mm);

	if (!new)
		return -ENOMEM;
	*new = *vma;
	new->vm_start = addr;
	igrab(new->vm_file);
	if (vma->vm_file)
		new->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
	vma->vm_end = addr;
	list_add(&new->vm_list, &vma->vm_list);
	vma->vm_mm->map_count++;
	return 0;
}

int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len)
{
	unsigned long end = start + PAGE_ALIGN(len);
	struct vm_area_struct *vma, *next;

	if (!IS_ALIGNED(start, PAGE_SIZE) || end > TASK_SIZE || end < start)
		return -EINVAL;
	for (vma = list_entry(mm->mmap.next, struct vm_area_struct, vm_list); &vma->vm_list != &mm->mmap; vma = next) {
		if (vma->vm_start >= end)
			break;
		if (vma->vm_end <= start) {
			next = list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
			continue;
		}
		if (vma->vm_start < start) {
			if (split_vma(vma, start))
				return -ENOMEM;
			next = list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
			continue;	/* the part at start comes next */
		}
		if (vma->vm_end > end && split_vma(vma, end))
			return -ENOMEM;
		next = list_entry(vma->vm_list.next, struct vm_area_struct, vm_list);
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		remove_vma(vma);
	}
	return 0;
}

struct vm_area_struct *mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
				   unsigned long vm_flags, struct inode *file, unsigned long pgoff)
{
	struct vm_area_struct *vma;
	long charged = 0;

	if (do_munmap(mm, addr, len))
		return NULL;
	/* Linux's accountable_mapping: private writable memory is committed now. */
	if ((vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE) {
		charged = (long)(PAGE_ALIGN(len) >> PAGE_SHIFT);
		if (security_vm_enough_memory_mm(mm, charged))
			return NULL;
		vm_flags |= VM_ACCOUNT;
	}
	if (!(vma = vm_area_alloc(mm))) {
		vm_unacct_memory(charged);
		return NULL;
	}
	vma->vm_start = addr;
	vma->vm_end = addr + PAGE_ALIGN(len);
	vma->vm_flags = vm_flags;
	vma->vm_file = igrab(file);
	vma->vm_pgoff = pgoff;
	vma->vm_file_end = file ? file->size : 0;
	vma_link(mm, vma);
	return vma;
}

unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len)
{
	unsigned long addr = mm->mmap_base - len;
	struct vm_area_struct *vma;

	if (len > mm->mmap_base - mmap_min_addr)
		return 0;
	/* Walk down from the highest VMA, moving below each one in the way. */
	for (vma = list_entry(mm->mmap.prev, struct vm_area_struct, vm_list); &vma->vm_list != &mm->mmap;
	     vma = list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list)) {
		if (vma->vm_start >= addr + len)
			continue;
		if (vma->vm_end <= addr)
			break;
		if (vma->vm_start < len + mmap_min_addr)
			return 0;
		addr = vma->vm_start - len;
	}
	return addr >= PAGE_ALIGN(mm->brk) ? addr : 0;
}

static bool range_is_free(struct mm_struct *mm, unsigned long addr, unsigned long len)
{
	struct vm_area_struct *vma;

	for_each_vma(vma, mm)
		if (vma->vm_start < addr + len && addr < vma->vm_end)
			return false;
	return true;
}

long do_mmap(unsigned long addr, unsigned long len, int prot, int flags, int fd, unsigned long off)
{
	struct mm_struct *mm = current->mm;
	struct inode *inode = NULL, *shmem = NULL;
	unsigned long vm_flags = 0;
	long ret;
	int type = flags & (MAP_SHARED | MAP_PRIVATE);

	if (!len || (type != MAP_SHARED && type != MAP_PRIVATE) || !IS_ALIGNED(off, PAGE_SIZE))
		return -EINVAL;
	len = PAGE_ALIGN(len);
	if (!len || len > TASK_SIZE)
		return -ENOMEM;
	if (!(flags & MAP_ANONYMOUS)) {
		struct file *f = fd >= 0 && fd < NR_OPEN ? current->files[fd] : NULL;

		if (!f || !f->f_inode)
			return -EBADF;
		if (!(f->f_mode & FMODE_READ))
			return -EACCES;		/* opened O_WRONLY */
		if (type == MAP_SHARED && !(f->f_mode & FMODE_WRITE)) {
			if (prot & PROT_WRITE)
				return -EACCES;		/* opened read-only */
		} else {
			vm_flags |= VM_MAYWRITE;
		}
		inode = f->f_inode;
	} else {
		vm_flags |= VM_MAYWRITE;
	}
	vm_flags |= (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) |
		    (prot & PROT_EXEC ? VM_EXEC : 0) | (type == MAP_SHARED ? VM_SHARED : 0);
	if ((flags & MAP_NORESERVE) && sysctl_overcommit_memory != OVERCOMMIT_NEVER)
		vm_flags |= VM_NORESERVE;
	if (flags & MAP_FIXED) {
		if (!IS_ALIGNED(addr, PAGE_SIZE) || addr < mmap_min_addr || addr + len > TASK_SIZE)
			return -EINVAL;
	} else if (!(addr && IS_ALIGNED(addr, PAGE_SIZE) && addr >= mmap_min_addr && addr + len <= TASK_SIZE &&
		     addr + len > addr && range_is_free(mm, addr, len))) {
		if (!(addr = get_unmapped_area(mm, len)))
			return -ENOMEM;
	}
	if ((flags & MAP_ANONYMOUS) && type == MAP_SHARED) {
		if (!(inode = shmem = shmem_file_setup(len)))
			return -ENOMEM;
		off = 0;
	}
	ret = mmap_region(mm, addr, len, vm_flags, inode, off >> PAGE_SHIFT) ? (long)addr : -ENOMEM;
	iput(shmem);	/* the VMA holds its own reference */
	return ret;
}

long do_mprotect(unsigned long start, unsigned long len, int prot)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + PAGE_ALIGN(len), flags;
	struct vm_area_struct *vma;

	if (!IS_ALIGNED(start, PAGE_SIZE) || end < start || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	flags = (prot & PROT_READ ? VM_READ : 0) | (prot & PROT_WRITE ? VM_WRITE : 0) | (prot & PROT_EXEC ? VM_EXEC : 0);
	/* The range must be mapped without holes (-ENOMEM, as Linux). */
	for (unsigned long a = start; a < end; a = vma->vm_end)
		if (!(vma = find_vma(mm, a)))
			return -ENOMEM;
	for (unsigned long a = start; a < end; a = vma->vm_end) {
		vma = find_vma(mm, a);
		if ((vma->vm_flags & VM_SHARED) && (flags & VM_WRITE) && !(vma->vm_flags & VM_MAYWRITE))
			return -EACCES;	/* an initrd file, opened read-only */
		if (vma->vm_start < a) {
			if (split_vma(vma, a))
				return -ENOMEM;
			vma = find_vma(mm, a);
		}
		if (vma->vm_end > end && split_vma(vma, end))
			return -ENOMEM;
		/* Made writable for the first time: committed now (Linux's mprotect_fixup). */
		if ((flags & VM_WRITE) && !(vma->vm_flags & (VM_ACCOUNT | VM_WRITE | VM_SHARED | VM_NORESERVE))) {
			if (security_vm_enough_memory_mm(mm, (long)((vma->vm_end - vma->vm_start) >> PAGE_SHIFT)))
				return -ENOMEM;
			vma->vm_flags |= VM_ACCOUNT;
		}
		vma->vm_flags = (vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC)) | flags;
		change_protection(vma, vma->vm_start, vma->vm_end);
	}
	return 0;
}

long do_madvise(unsigned long start, unsigned long len, int advice)
{
	struct mm_struct *mm = current->mm;
	unsigned long end = start + PAGE_ALIGN(len);
	struct vm_area_struct *vma;

	if (advice != MADV_DONTNEED || !IS_ALIGNED(start, PAGE_SIZE) || end < start)
		return -EINVAL;
	for_each_vma(vma, mm)
		if (vma->vm_start < end && start < vma->vm_end)
			zap_page_range(vma, max(start, vma->vm_start), min(end, vma->vm_end));
	return 0;
}

unsigned long do_brk(unsigned long brk)
{
	struct mm_struct *mm = current->mm;
	unsigned long newbrk = PAGE_ALIGN(brk), oldbrk = PAGE_ALIGN(mm->brk);
	struct vm_area_struct *vma;

	if (brk < mm->start_brk)
		return mm->brk;
	if (newbrk <= oldbrk) {
		if (newbrk < oldbrk && do_munmap(mm, newbrk, oldbrk - newbrk))
			return mm->brk;
		mm->brk = brk;
		return brk;
	}
	if (newbrk > mm->mmap_base || !range_is_free(mm, oldbrk, newbrk - oldbrk + PAGE_SIZE))
		return mm->brk;
	vma = oldbrk > mm->start_brk ? find_vma(mm, oldbrk - 1) : NULL;
	if (vma && (vma->vm_flags & VM_HEAP) && vma->vm_end == oldbrk) {
		if (security_vm_enough_memory_mm(mm, (long)((newbrk - oldbrk) >> PAGE_SHIFT)))
			return mm->brk;
		vma->vm_end = newbrk;		/* the heap VMA grows */
		mm->total_vm += (newbrk - oldbrk) >> PAGE_SHIFT;
	} else if (!mmap_region(mm, oldbrk, newbrk - oldbrk, VM_READ | VM_WRITE | VM_HEAP, NULL, 0)) {
		return mm->brk;
	}
	mm->brk = brk;
	return brk;
}

int expand_stack(struct vm_area_struct *vma, unsigned long addr)
{
	struct vm_area_struct *prev;
	unsigned long start = ALIGN_DOWN(addr, PAGE_SIZE);

	if (!(vma->vm_flags & VM_GROWSDOWN) || vma->vm_end - start > STACK_RLIMIT || start < mmap_min_addr)
		return -ENOMEM;
	prev = vma->vm_list.prev != &vma->vm_mm->mmap ? list_entry(vma->vm_list.prev, struct vm_area_struct, vm_list)
						       : NULL;
	if (prev && prev->vm_end + 256 * PAGE_SIZE > start)	/* Linux's stack_guard_gap */
		return -ENOMEM;
	if ((vma->vm_flags & VM_ACCOUNT) &&	/* Linux's acct_stack_growth */
	    security_vm_enough_memory_mm(vma->vm_mm, (long)((vma->vm_start - start) >> PAGE_SHIFT)))
		return -ENOMEM;
	vma->vm_mm->total_vm += (vma->vm_start - start) >> PAGE_SHIFT;
	vma->vm_start = start;
	return 0;
}

struct mm_struct *dup_mm(struct mm_struct *oldmm, pid_t owner)
{
	struct mm_struct *mm = mm_alloc(owner);
	struct vm_area_struct *vma, *new;
	struct list_head mmlist;
	unsigned long *pgd;

	if (!mm)
		return NULL;
	pgd = mm->pgd;
	mmlist = mm->mmlist;
	*mm = *oldmm;
	mm->pgd = pgd;
	mm->mmlist = mmlist;
	mm->flags = 0;
	mm->owner = owner;
	mm->mm_users = 1;
	spin_lock_init(&mm->mmap_lock);	/* the copy took oldmm's, held */
	mm->mmap_lock_owner = NULL;
	init_new_context(mm);
	mm->map_count = 0;
	mm->total_vm = 0;
	mm->pgtables_bytes = 0;
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		mm->rss[i] = 0;
	mm->hiwater_rss = 0;
	INIT_LIST_HEAD(&mm->mmap);
	for_each_vma(vma, oldmm) {
		long pages = (long)((vma->vm_end - vma->vm_start) >> PAGE_SHIFT);

		/* The child's copy is committed too (Linux's dup_mmap): fork may fail here. */
		if ((vma->vm_flags & VM_ACCOUNT) && security_vm_enough_memory_mm(oldmm, pages)) {
			mmput(mm);
			return NULL;
		}
		if (!(new = vm_area_alloc(mm))) {
			if (vma->vm_flags & VM_ACCOUNT)
				vm_unacct_memory(pages);
			mmput(mm);
			return NULL;
		}
		*new = *vma;
		new->vm_mm = mm;
		igrab(new->vm_file);
		vma_link(mm, new);
		if (copy_page_range(mm, vma)) {
			mmput(mm);
			return NULL;
		}
	}
	return mm;
}

/* The VMA for addr, growing the stack VMA above it down to addr if it may. */
struct vm_area_struct *find_extend_vma(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;

	for_each_vma(vma, mm) {
		if (addr >= vma->vm_end)
			continue;
		if (addr >= vma->vm_start)
			return vma;
		return expand_stack(vma, addr) ? NULL : vma;
	}
	return NULL;
}
