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
 *   /proc/PID/status  Name, Pid, PPid and the memory lines (VmSize, VmRSS,
 *                     RssAnon, RssFile, RssShmem, VmPTE, VmSwap)
 *   /proc/PID/oom_score, oom_score_adj   the OOM killer's view (mm/oom_kill.c);
 *                     oom_score_adj may be written (-1000..1000)
 *   /proc/zoneinfo, /proc/swaps   mm/vmstat.c, mm/swapfile.c
 *   /proc/sys/vm/NAME the vm tunables (kernel/sysctl.c), read and written
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
#include "mm_inline.h"
#include "mmap_lock.h"
#include "mmzone.h"
#include "oom.h"
#include "pgtable.h"
#include "sched.h"
#include "swap.h"
#include "sysctl.h"

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
	mmap_read_lock(mm);	/* its threads may be changing it */
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
	mmap_read_unlock(mm);
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
 * /proc/meminfo, in Linux's order.  AnonPages, PageTables and Slab are
 * frames in use by kind; the LRU lines the lists' sizes; KernelStack
 * THREAD_SIZE per task; CommitLimit and Committed_AS the overcommit
 * accounting (mm/util.c).
 */
static unsigned long show_meminfo(char *buf)
{
	const unsigned long *lru = contig_page_data.__lruvec.nr_pages;
	unsigned long nr[NR_PAGE_KINDS], tasks = 0, n = 0;
	struct list_head *pos;

	count_page_kinds(nr);
	list_for_each(pos, &init_task.tasks)
		tasks += list_entry(pos, struct task_struct, tasks)->state != EXIT_DEAD;
	n = meminfo_line(buf, n, "MemTotal:", totalram_pages() * 4);
	n = meminfo_line(buf, n, "MemFree:", nr_free_pages() * 4);
	n = meminfo_line(buf, n, "Cached:", nr_file_pages() * 4);
	n = meminfo_line(buf, n, "SwapCached:", nr_swapcache_pages() * 4);
	n = meminfo_line(buf, n, "Active:", (lru[LRU_ACTIVE_ANON] + lru[LRU_ACTIVE_FILE]) * 4);
	n = meminfo_line(buf, n, "Inactive:", (lru[LRU_INACTIVE_ANON] + lru[LRU_INACTIVE_FILE]) * 4);
	n = meminfo_line(buf, n, "Active(anon):", lru[LRU_ACTIVE_ANON] * 4);
	n = meminfo_line(buf, n, "Inactive(anon):", lru[LRU_INACTIVE_ANON] * 4);
	n = meminfo_line(buf, n, "Active(file):", lru[LRU_ACTIVE_FILE] * 4);
	n = meminfo_line(buf, n, "Inactive(file):", lru[LRU_INACTIVE_FILE] * 4);
	n = meminfo_line(buf, n, "Unevictable:", lru[LRU_UNEVICTABLE] * 4);
	n = meminfo_line(buf, n, "SwapTotal:", (unsigned long)total_swap_pages * 4);
	n = meminfo_line(buf, n, "SwapFree:", (unsigned long)nr_swap_pages * 4);
	n = meminfo_line(buf, n, "AnonPages:", nr[PAGE_KIND_ANON] * 4);
	n = meminfo_line(buf, n, "Slab:", slab_pages() * 4);
	n = meminfo_line(buf, n, "KernelStack:", tasks * (THREAD_SIZE >> 10));
	n = meminfo_line(buf, n, "PageTables:", nr[PAGE_KIND_PGTABLE] * 4);
	n = meminfo_line(buf, n, "CommitLimit:", vm_commit_limit() * 4);
	n = meminfo_line(buf, n, "Committed_AS:", (unsigned long)max(vm_committed_as, 0l) * 4);
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

/*
 * /proc/vmstat: Linux's names where it has them (nr_tlb_*: CONFIG_DEBUG_TLBFLUSH;
 * nr_tlb_remote_flush counts flushes that needed other CPUs, as Linux, and
 * nr_tlb_shootdown_ipi the IPIs they sent; the cr3, asid, deferred,
 * invpcid and skipped lines are mmulab's, arch/x86/tlb.c).
 */
static unsigned long show_vmstat(char *buf)
{
	struct vm_event_state ev;
	struct tlb_stat t;
	unsigned long n;

	all_vm_events(&ev);
	tlb_stat_sum(&t);
	n = (unsigned long)snprintf(buf, PROC_MAX,
				    "nr_free_pages %lu\npgfault %lu\npgmajfault %lu\ncow_fault %lu\n"
				    "zero_page_fault %lu\nanon_fault %lu\nfile_fault %lu\n"
				    "nr_tlb_remote_flush %lu\nnr_tlb_remote_flush_received %lu\nnr_tlb_shootdown_ipi %lu\n"
				    "nr_tlb_local_flush_one %lu\nnr_tlb_local_flush_all %lu\n"
				    "nr_tlb_cr3_noflush %lu\nnr_tlb_cr3_flush %lu\nnr_tlb_asid_recycle %lu\n"
				    "nr_tlb_deferred_flush %lu\nnr_tlb_invpcid %lu\nnr_tlb_skipped_shootdown %lu\n",
				    nr_free_pages(), ev.pgfault, ev.pgmajfault, ev.cow_fault, ev.zero_page_fault,
				    ev.anon_fault, ev.file_fault, t.remote_flush, t.remote_flush_received, t.shootdown_ipi,
				    t.local_flush_one, t.local_flush_all, t.cr3_noflush, t.cr3_flush, t.asid_recycle,
				    t.deferred_flush, t.invpcid, t.skipped_shootdown);
	return n + show_vmstat_reclaim(buf + n, PROC_MAX - n);
}

/* /proc/stat: what of Linux's this kernel counts (context switches of every CPU). */
static unsigned long show_proc_stat(char *buf)
{
	return (unsigned long)snprintf(buf, PROC_MAX, "ctxt %lu\n", nr_context_switches());
}

/* /proc/PID/stat: fields 1-24 of Linux's (fs/proc/array.c order); mm is p's (a reference) or NULL. */
static unsigned long show_stat(char *buf, struct task_struct *p, struct mm_struct *mm)
{
	char state = p->state == EXIT_ZOMBIE ? 'Z' : p->state == TASK_RUNNING ? 'R' : 'S';
	unsigned long vsize = mm ? mm->total_vm << PAGE_SHIFT : 0;
	unsigned long rss = mm ? get_mm_rss(mm) : 0;

	return (unsigned long)snprintf(buf, PROC_MAX,
				       "%d (%s) %c %d 0 0 0 -1 0 %lu %lu %lu %lu %lu %lu 0 0 20 0 1 0 0 %lu %lu\n",
				       p->pid, p->comm, state, p->parent ? p->parent->pid : 0, p->min_flt,
				       p->cmin_flt, p->maj_flt, p->cmaj_flt, p->utime, p->stime, vsize, rss);
}

/* /proc/PID/status: the memory lines of Linux's (fs/proc/task_mmu.c task_mem), in kB. */
static unsigned long show_status(char *buf, struct task_struct *p, struct mm_struct *mm)
{
	unsigned long n = (unsigned long)snprintf(buf, PROC_MAX, "Name:\t%s\nPid:\t%d\nPPid:\t%d\n", p->comm, p->pid,
						  p->parent ? p->parent->pid : 0);

	if (mm)
		n += (unsigned long)snprintf(buf + n, PROC_MAX - n,
					     "VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\nRssAnon:\t%8lu kB\n"
					     "RssFile:\t%8lu kB\nRssShmem:\t%8lu kB\nVmPTE:\t%8lu kB\nVmSwap:\t%8lu kB\n",
					     mm->total_vm * 4, get_mm_rss(mm) * 4, mm->rss[MM_ANONPAGES] * 4,
					     mm->rss[MM_FILEPAGES] * 4, mm->rss[MM_SHMEMPAGES] * 4, mm->pgtables_bytes >> 10,
					     mm->rss[MM_SWAPENTS] * 4);
	return n;
}

/* The file of a task (with references on p and its mm, or mm NULL) or of /proc itself (file NULL). */
static char *proc_read_file(const char *path, const char *file, struct task_struct *p, struct mm_struct *mm,
			    unsigned long *len, long *err)
{
	char *buf;

	if (file && (!strcmp(file, "maps") || !strcmp(file, "smaps"))) {
		if (!mm)
			return NULL;	/* a zombie: nothing mapped */
		*err = -ENOMEM;
		return show_vmas(mm, len, file[0] == 's');
	}
	if (file ? strcmp(file, "stat") && strcmp(file, "status") && strcmp(file, "oom_score") &&
			   strcmp(file, "oom_score_adj")
		 : strcmp(path, "meminfo") && strcmp(path, "buddyinfo") && strcmp(path, "vmstat") &&
			   strcmp(path, "stat") && strcmp(path, "zoneinfo") && strcmp(path, "swaps") &&
			   (strncmp(path, "sys/", 4) || !sysctl_exists(path + 4)))
		return NULL;
	*err = -ENOMEM;
	if (!(buf = kmalloc(PROC_MAX, GFP_KERNEL)))
		return NULL;
	if (!file && !strncmp(path, "sys/", 4)) {
		long n = sysctl_read(path + 4, buf, PROC_MAX);

		*len = n < 0 ? 0 : (unsigned long)n;	/* write-only (drop_caches): empty */
		return buf;
	}
	*len = !file ? (!strcmp(path, "meminfo")     ? show_meminfo(buf)
			: !strcmp(path, "buddyinfo") ? show_buddyinfo_file(buf)
			: !strcmp(path, "vmstat")    ? show_vmstat(buf)
			: !strcmp(path, "stat")      ? show_proc_stat(buf)
			: !strcmp(path, "zoneinfo")  ? show_zoneinfo(buf, PROC_MAX)
						     : show_swaps(buf, PROC_MAX))
	       : !strcmp(file, "stat")      ? show_stat(buf, p, mm)
	       : !strcmp(file, "status")    ? show_status(buf, p, mm)
	       : !strcmp(file, "oom_score") ? (unsigned long)snprintf(buf, PROC_MAX, "%lu\n", oom_score(p))
					    : (unsigned long)snprintf(buf, PROC_MAX, "%d\n", p->oom_score_adj);
	return buf;
}

char *proc_read(const char *path, unsigned long *len, long *err)
{
	struct task_struct *p = current;
	struct mm_struct *mm = NULL;
	const char *file;
	unsigned long flags;
	bool held = false;
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
		if (*path != '/')
			return NULL;
		file = path + 1;
		/* Another task may exit meanwhile: hold it (and below its mm). */
		spin_lock_irqsave(&tasklist_lock, flags);
		if ((p = find_task_by_pid(pid)))
			get_task_struct(p);
		spin_unlock_irqrestore(&tasklist_lock, flags);
		if (!p)
			return NULL;
		held = true;
	} else {
		file = NULL;
		p = NULL;
	}
	if (p)
		mm = get_task_mm(p);
	buf = proc_read_file(path, file, p, mm, len, err);
	if (mm)
		mmput(mm);
	if (held)
		put_task_struct(p);
	return buf;
}

bool proc_writable(const char *path)
{
	const char *rest = path + 6;

	if (!strncmp(path, "/proc/sys/", 10))
		return sysctl_exists(path + 10);
	if (strncmp(path, "/proc/", 6))
		return false;
	if (!strncmp(rest, "self/", 5)) {
		rest += 4;
	} else {
		while (*rest >= '0' && *rest <= '9')
			rest++;
		if (rest == path + 6)
			return false;
	}
	return !strcmp(rest, "/oom_score_adj");
}

long proc_write(const char *path, const char *buf, unsigned long len)
{
	struct task_struct *p = current;
	long v;

	if (!strncmp(path, "/proc/sys/", 10))
		return sysctl_write(path + 10, buf, len);
	if (strncmp(path, "/proc/self/", 11)) {
		pid_t pid = 0;

		for (path += 6; *path >= '0' && *path <= '9'; path++)
			pid = pid * 10 + *path - '0';
		if (!(p = find_task_by_pid(pid)))
			return -ESRCH;
	}
	if (kstrtol(buf, len, &v) || v < OOM_SCORE_ADJ_MIN || v > OOM_SCORE_ADJ_MAX)
		return -EINVAL;
	p->oom_score_adj = (short)v;
	return (long)len;
}

void show_mem_summary(const char *when)
{
	printk("frames %s: free %lu, page cache %lu, slab %lu\n", when, nr_free_pages(), nr_file_pages(),
	       slab_pages());
}
