/*
 * mman.h — processes' memory: the user ABI constants (PROT_*, MAP_*,
 * MADV_*, Linux's values) and the faces of mm/pgtable.c (page tables of an
 * address space), mm/mmap.c (VMAs, mmap, munmap, mprotect, brk),
 * mm/memory.c (the page-fault handlers), mm/filemap.c (the page cache)
 * and mm/uaccess.c (copying to and from user memory).
 */
#ifndef OS_MMAN_H
#define OS_MMAN_H

#include "mm.h"
#include "pgtable.h"
#include "tlbflush.h"

/* User space: PGD entries 0-255, minus the last page (as Linux's TASK_SIZE). */
#define TASK_SIZE	0x00007ffffffff000ul
#define STACK_TOP	TASK_SIZE
#define STACK_RLIMIT	(8ul << 20)	/* the stack VMA may grow down to 8 MiB */
#define mmap_min_addr	0x10000ul

#define PROT_NONE	0x0
#define PROT_READ	0x1
#define PROT_WRITE	0x2
#define PROT_EXEC	0x4
#define MAP_SHARED	0x01
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define MAP_NORESERVE	0x4000
#define MADV_DONTNEED	4

/* vm_flags (Linux's values for the ones it shares). */
#define VM_READ		0x0001ul
#define VM_WRITE	0x0002ul
#define VM_EXEC		0x0004ul
#define VM_SHARED	0x0008ul
#define VM_MAYWRITE	0x0020ul	/* a shared file mapping may be made writable (opened O_RDWR) */
#define VM_GROWSDOWN	0x0100ul	/* the stack */
#define VM_ACCOUNT	0x00100000ul	/* its pages are in vm_committed_as (mm/util.c) */
#define VM_NORESERVE	0x00200000ul	/* MAP_NORESERVE outside mode 2: not committed */
#define VM_HEAP		0x10000ul	/* [heap]: the brk area (for pmap) */

/* Page-fault reasons (Linux's FAULT_FLAG_*). */
#define FAULT_FLAG_WRITE	0x01
#define FAULT_FLAG_USER		0x02
#define FAULT_FLAG_INSTRUCTION	0x04
#define FAULT_FLAG_HW		0x08	/* raised by the MMU: it dropped its TLB entry already */

/* Results of handle_mm_fault (Linux's vm_fault_t). */
#define VM_FAULT_OK	0
#define VM_FAULT_OOM	1
#define VM_FAULT_SIGSEGV 2
#define VM_FAULT_SIGBUS	3	/* a swap read failed or did not check out */
#define VM_FAULT_RETRY	4	/* the PTE changed under the handler: try again */

/*
 * Event counters (Linux's vm_event_states): one set per CPU, bumped by the
 * CPU that counts (`vmstat.pgfault++` is its own set: no atomics, no
 * lost counts); all_vm_events() adds them up for /proc/vmstat.  The TLB
 * counters are arch/x86/tlb.c's (tlbflush.h, struct tlb_stat).
 */
struct vm_event_state {
	unsigned long pgfault, pgmajfault, cow_fault, zero_page_fault, anon_fault, file_fault;
};
extern struct vm_event_state vm_event_states[NR_CPUS];
#define vmstat (vm_event_states[smp_processor_id()])
/* mm/pgtable.c: the counters of every CPU, added up. */
void all_vm_events(struct vm_event_state *sum);
/* Sends the counters the visualiser shows through the ownership channel (mm/vmstat.c). */
void vm_report_counters(void);
extern struct page *zero_page;

/* ---- mm/pgtable.c ---- */
/* A new PGD with the kernel half of init_top_pgt, or NULL. */
unsigned long *pgd_alloc(struct mm_struct *mm);
/* The PTE for addr; with alloc, the tables on the way are created (NULL: no memory). */
pteval_t *get_pte(struct mm_struct *mm, unsigned long addr, bool alloc);
/* Unmaps [start, end) of vma, dropping the frames' references. */
void zap_page_range(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* Copies the PTEs of vma into dst (fork), write-protecting private writable pages. 0 or -ENOMEM. */
int copy_page_range(struct mm_struct *dst, struct vm_area_struct *vma);
/* Frees every user page table and the PGD. */
void free_pgtables(struct mm_struct *mm);
/* Changes the permissions of the present PTEs in [start, end). */
void change_protection(struct vm_area_struct *vma, unsigned long start, unsigned long end);
/* The PTE bits a VMA's flags give (user, NX unless exec, RW if writable and shared). */
pteval_t vm_get_page_prot(unsigned long vm_flags);
/* Counts one more mapped frame of a kind, for RSS and its peak. */
void add_mm_counter(struct mm_struct *mm, int member, long value);

/* ---- mm/rmap.c: every address space, for the reverse map ---- */
void mmlist_add(struct mm_struct *mm);
void mmlist_del(struct mm_struct *mm);

/* ---- mm/mmap.c ---- */
#define for_each_vma(vma, mm) \
	for (vma = list_entry((mm)->mmap.next, struct vm_area_struct, vm_list); \
	     &vma->vm_list != &(mm)->mmap; vma = list_entry(vma->vm_list.next, struct vm_area_struct, vm_list))

/* An empty address space whose frames are charged to owner, or NULL. */
struct mm_struct *mm_alloc(pid_t owner);
/* Drops a user of mm; the last frees VMAs, frames and page tables. */
void mmput(struct mm_struct *mm);
/* A copy of mm for fork (COW), or NULL when out of memory. */
struct mm_struct *dup_mm(struct mm_struct *oldmm, pid_t owner);
/* The VMA containing addr, or NULL. */
struct vm_area_struct *find_vma(struct mm_struct *mm, unsigned long addr);
/* Maps [addr, addr + len) with flags, replacing what was there; the VMA or NULL. */
struct vm_area_struct *mmap_region(struct mm_struct *mm, unsigned long addr, unsigned long len,
				   unsigned long vm_flags, struct inode *file, unsigned long pgoff);
/* A free range of len bytes below mmap_base (top-down), or 0. */
unsigned long get_unmapped_area(struct mm_struct *mm, unsigned long len);
int do_munmap(struct mm_struct *mm, unsigned long start, unsigned long len);
long do_mmap(unsigned long addr, unsigned long len, int prot, int flags, int fd, unsigned long off);
long do_mprotect(unsigned long start, unsigned long len, int prot);
long do_madvise(unsigned long start, unsigned long len, int advice);
unsigned long do_brk(unsigned long brk);
/* The VMA for addr, growing the stack VMA above it down to addr; or NULL. */
struct vm_area_struct *find_extend_vma(struct mm_struct *mm, unsigned long addr);
/* Grows a VM_GROWSDOWN vma down to cover addr; 0 or -ENOMEM. */
int expand_stack(struct vm_area_struct *vma, unsigned long addr);

/* ---- mm/memory.c ---- */
/* Allocates the shared zero page (boot). */
void zero_page_init(void);
/* Resolves a fault at addr in vma: VM_FAULT_OK, _OOM or _SIGSEGV. */
int handle_mm_fault(struct vm_area_struct *vma, unsigned long addr, unsigned int flags);

/* ---- mm/filemap.c ---- */
/* The page-cache frame holding page `index` of inode (a reference taken), or NULL. */
struct page *find_get_page(const struct inode *inode, unsigned long index);
/* Frames in the page cache. */
unsigned long nr_file_pages(void);
/* Drops every page-cache frame of inode (a shmem inode nobody maps). */
void truncate_inode_pages(const struct inode *inode);
/* sync(2): every dirty page of every initrd file written back; how many. */
unsigned long sync_pagecache(void);
/* read(2) / write(2) of an initrd file at pos: bytes done or -errno (write: within its size). */
long filemap_read(struct inode *inode, unsigned long pos, char *ubuf, unsigned long n);
long filemap_write(struct inode *inode, unsigned long pos, const char *ubuf, unsigned long n);

/* ---- mm/shmem.c ---- */
/* A shmem inode of size bytes (one reference), or NULL. */
struct inode *shmem_file_setup(unsigned long size);
/* Takes / drops a reference on a shmem inode (no-ops for initrd files). */
struct inode *igrab(struct inode *inode);
void iput(struct inode *inode);

/* ---- mm/util.c: overcommit ---- */
#define OVERCOMMIT_GUESS	0
#define OVERCOMMIT_ALWAYS	1
#define OVERCOMMIT_NEVER	2
extern int sysctl_overcommit_memory, sysctl_overcommit_ratio, sysctl_overcommit_kbytes;
extern int sysctl_admin_reserve_kbytes, sysctl_user_reserve_kbytes;
extern long vm_committed_as;	/* pages promised to VM_ACCOUNT mappings: Committed_AS */
void vm_acct_memory(long pages);
void vm_unacct_memory(long pages);
/* CommitLimit in pages: RAM * overcommit_ratio / 100 (or overcommit_kbytes) + swap. */
unsigned long vm_commit_limit(void);
/* Accounts pages more for mm if the overcommit mode allows: 0, or -ENOMEM (nothing accounted). */
int __vm_enough_memory(struct mm_struct *mm, long pages, bool cap_sys_admin);
int security_vm_enough_memory_mm(struct mm_struct *mm, long pages);
/* Sets user_reserve_kbytes and admin_reserve_kbytes from the free memory (boot). */
void init_reserves(void);

/* ---- mm/swapfile.c (the parts mm/ needs): swap space in pages ---- */
extern long total_swap_pages;

/* ---- mm/filemap.c: drop_caches ---- */
/* Drops every clean page-cache frame nobody maps (echo 1 > /proc/sys/vm/drop_caches). */
void drop_pagecache(void);

/* ---- mm/uaccess.c ---- */
/* 0, or -EFAULT when some byte is not accessible to the process. */
long copy_to_user(void *to, const void *from, unsigned long n);
long copy_from_user(void *to, const void *from, unsigned long n);
/* Length of the user string at s (at most max), or -EFAULT. */
long strnlen_user(const char *s, long max);

#endif
