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
 * The other files, generated at open() as a snapshot (proc_read()):
 *
 *   /proc/meminfo     "Name:     N kB" lines from the allocators' own counters
 *                     (MemTotal is every frame the buddy allocator was given)
 *   /proc/buddyinfo   free blocks per order per zone, as the boot prints it
 *   /proc/vmstat      "name value": the fault and TLB-flush counters
 *   /proc/PID/stat    Linux's first 24 fields (pid, comm, state, ppid, ...,
 *                     minflt 10, majflt 12, vsize 23 in bytes, rss 24 in pages)
 *   /proc/PID/maps    as /proc/self/maps
 *   /proc/PID/smaps   each maps line followed by Size, Rss, Private_Dirty, Anonymous
 *
 * PID may be "self".  The zero page counts in no RSS (as Linux's
 * vm_normal_page() leaves it out).
 *
 * show_mem_summary() prints the frame counts a leak check needs (free,
 * page cache, slab), before init starts and when it ends: every other
 * frame processes took (anonymous memory, page tables, kernel stacks) must
 * have come back (tests/integration/os.sh checks the arithmetic).
 */
#include "errno.h"
#include "initrd.h"
#include "kernel.h"
#include "mman.h"
#include "mmzone.h"
#include "pgtable.h"
#include "sched.h"

#define MAPS_MAX (16ul << 10)
#define PROC_MAX (4ul << 10)	/* the other files */

/* Frames of VMA vma mapped (the zero page aside), and of those dirty ones. */
static unsigned long vma_rss(struct vm_area_struct *vma, unsigned long *dirty)
{
	unsigned long addr, n = 0;

	*dirty = 0;
	for (addr = vma->vm_start; addr < vma->vm_end; addr += PAGE_SIZE) {
		pteval_t *pte = get_pte(vma->vm_mm, addr, false);

		if (!pte || !(*pte & _PAGE_PRESENT) || pfn_to_page((*pte & PTE_PFN_MASK) >> PAGE_SHIFT) == zero_page)
			continue;
		n++;
		if (*pte & _PAGE_DIRTY)
			(*dirty)++;
	}
	return n;
}

/* The maps lines of mm, each followed by its smaps fields when smaps is set. */
static char *show_vmas(struct mm_struct *mm, unsigned long *len, bool smaps)
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

		if (n + 400 > MAPS_MAX)	/* room for a line and its smaps fields */
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
		if (smaps) {
			unsigned long dirty, rss = vma_rss(vma, &dirty);

			n += (unsigned long)snprintf(buf + n, MAPS_MAX - n,
						     "Size:           %8lu kB\nRss:            %8lu kB\n"
						     "Private_Dirty:  %8lu kB\nAnonymous:      %8lu kB\n",
						     (vma->vm_end - vma->vm_start) >> 10, rss * 4,
						     vma->vm_flags & VM_SHARED ? 0 : dirty * 4, vma->vm_file ? 0 : rss * 4);
		}
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* Frames of each kind, counted over mem_map (frames in use only). */
static void count_page_kinds(unsigned long nr[NR_PAGE_KINDS])
{
	for (int k = 0; k < NR_PAGE_KINDS; k++)
		nr[k] = 0;
	for (unsigned long pfn = 0; pfn < max_pfn; pfn++) {
		const struct page *p = pfn_to_page(pfn);

		if (p->kind < NR_PAGE_KINDS && page_ref_count(p) > 0)
			nr[p->kind]++;
	}
}

static unsigned long meminfo_line(char *buf, unsigned long n, const char *name, unsigned long kb)
{
	return n + (unsigned long)snprintf(buf + n, PROC_MAX - n, "%-16s%8lu kB\n", name, kb);
}

/*
 * /proc/meminfo.  AnonPages, PageTables and Slab are frames in use by
 * kind; KernelStack THREAD_SIZE per task; Committed_AS the private
 * writable pages of every address space (what they could all touch).
 */
static unsigned long show_meminfo(char *buf)
{
	unsigned long nr[NR_PAGE_KINDS], total = 0, committed = 0, tasks = 0, n = 0;
	struct list_head *pos;

	count_page_kinds(nr);
	for (int i = 0; i < MAX_NR_ZONES; i++)
		total += contig_page_data.node_zones[i].managed_pages;
	list_for_each(pos, &init_task.tasks) {
		struct task_struct *p = list_entry(pos, struct task_struct, tasks);
		struct vm_area_struct *vma;

		if (p->state == EXIT_DEAD)
			continue;
		tasks++;
		if (p->mm)
			for_each_vma(vma, p->mm)
				if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
					committed += (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
	}
	n = meminfo_line(buf, n, "MemTotal:", total * 4);
	n = meminfo_line(buf, n, "MemFree:", nr_free_pages() * 4);
	n = meminfo_line(buf, n, "Cached:", nr_file_pages() * 4);
	n = meminfo_line(buf, n, "AnonPages:", nr[PAGE_KIND_ANON] * 4);
	n = meminfo_line(buf, n, "Slab:", slab_pages() * 4);
	n = meminfo_line(buf, n, "KernelStack:", tasks * (THREAD_SIZE >> 10));
	n = meminfo_line(buf, n, "PageTables:", nr[PAGE_KIND_PGTABLE] * 4);
	n = meminfo_line(buf, n, "Committed_AS:", committed * 4);
	return n;
}

/* /proc/buddyinfo: the lines show_buddyinfo() prints at boot. */
static unsigned long show_buddyinfo_file(char *buf)
{
	unsigned long n = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];

		if (!populated_zone(z))
			continue;
		n += (unsigned long)snprintf(buf + n, PROC_MAX - n, "Node 0, zone %8s", z->name);
		for (int order = 0; order < NR_PAGE_ORDERS; order++)
			n += (unsigned long)snprintf(buf + n, PROC_MAX - n, " %6lu", z->free_area[order].nr_free);
		buf[n++] = '\n';
	}
	return n;
}

/* /proc/vmstat: Linux's names where it has them (nr_tlb_*: CONFIG_DEBUG_TLBFLUSH). */
static unsigned long show_vmstat(char *buf)
{
	return (unsigned long)snprintf(buf, PROC_MAX,
				       "nr_free_pages %lu\npgfault %lu\npgmajfault %lu\ncow_fault %lu\n"
				       "zero_page_fault %lu\nanon_fault %lu\nfile_fault %lu\n"
				       "nr_tlb_local_flush_one %lu\nnr_tlb_local_flush_all %lu\n",
				       nr_free_pages(), vmstat.pgfault, vmstat.pgmajfault, vmstat.cow_fault,
				       vmstat.zero_page_fault, vmstat.anon_fault, vmstat.file_fault,
				       vmstat.tlb_local_flush_one, vmstat.tlb_local_flush_all);
}

/* /proc/PID/stat: fields 1-24 of Linux's (fs/proc/array.c order). */
static unsigned long show_stat(char *buf, struct task_struct *p)
{
	char state = p->state == EXIT_ZOMBIE ? 'Z' : p->state == TASK_RUNNING ? 'R' : 'S';
	unsigned long vsize = p->mm ? p->mm->total_vm << PAGE_SHIFT : 0;
	unsigned long rss = p->mm ? p->mm->rss[MM_FILEPAGES] + p->mm->rss[MM_ANONPAGES] : 0;

	return (unsigned long)snprintf(buf, PROC_MAX,
				       "%d (%s) %c %d 0 0 0 -1 0 %lu %lu %lu %lu %lu %lu 0 0 20 0 1 0 0 %lu %lu\n",
				       p->pid, p->comm, state, p->parent ? p->parent->pid : 0, p->min_flt,
				       p->cmin_flt, p->maj_flt, p->cmaj_flt, p->utime, p->stime, vsize, rss);
}

char *proc_read(const char *path, unsigned long *len, long *err)
{
	struct task_struct *p = current;
	const char *file;
	char *buf;

	*err = -ENOENT;
	if (strncmp(path, "/proc/", 6))
		return NULL;
	path += 6;
	if (!strncmp(path, "self/", 5)) {
		file = path + 5;
	} else if (*path >= '1' && *path <= '9') {
		pid_t pid = 0;

		while (*path >= '0' && *path <= '9')
			pid = pid * 10 + *path++ - '0';
		if (*path != '/' || !(p = find_task_by_pid(pid)))
			return NULL;
		file = path + 1;
	} else {
		file = NULL;
	}
	if (file && (!strcmp(file, "maps") || !strcmp(file, "smaps"))) {
		if (!p->mm)
			return NULL;	/* a zombie: nothing mapped */
		*err = -ENOMEM;
		return show_vmas(p->mm, len, file[0] == 's');
	}
	if (file ? strcmp(file, "stat")
		 : strcmp(path, "meminfo") && strcmp(path, "buddyinfo") && strcmp(path, "vmstat"))
		return NULL;
	*err = -ENOMEM;
	if (!(buf = kmalloc(PROC_MAX, GFP_KERNEL)))
		return NULL;
	*len = file ? show_stat(buf, p)
	       : path[0] == 'm' ? show_meminfo(buf)
	       : path[0] == 'b' ? show_buddyinfo_file(buf) : show_vmstat(buf);
	return buf;
}

void show_mem_summary(const char *when)
{
	printk("frames %s: free %lu, page cache %lu, slab %lu\n", when, nr_free_pages(), nr_file_pages(),
	       slab_pages());
}
