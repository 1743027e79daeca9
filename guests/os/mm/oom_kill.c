/*
 * oom_kill.c — the out-of-memory killer, as Linux's mm/oom_kill.c: when
 * the page allocator has reclaimed all it could and still has no frame,
 * out_of_memory() kills the task whose death frees the most memory,
 * weighted by what user space said about it (oom_score_adj).
 *
 *   oom_badness = RSS + swap entries + page-table pages
 *                 + oom_score_adj * (totalpages / 1000)
 *
 * totalpages being RAM + swap (Linux divides first, so the adjustment
 * moves in steps of totalpages / 1000).  init (pid 1), kernel threads and
 * tasks with oom_score_adj -1000 are never chosen; among equal scores the
 * last task in the task list wins (select_bad_process keeps a task whose
 * score is not below the best so far).  /proc/PID/oom_score shows
 * (1000 + badness * 1000 / totalpages) * 2 / 3.
 *
 * The kill prints Linux's report — who invoked the OOM killer, the task
 * table, then "Out of memory: Killed process ..." — sends SIGKILL, and
 * hands the victim's address space to the oom_reaper thread, which unmaps
 * its private memory at once rather than waiting for the victim to run
 * and exit.  While a victim's memory is still to be reaped no other task
 * is chosen: the allocating task yields so that the reaper and the
 * victim can run, and tries again.  One CPU at a time chooses (oom_lock,
 * taken only by trylock as Linux's __alloc_pages_may_oom does): a CPU that
 * finds it taken does not kill too, it yields and retries its allocation,
 * which the other CPU's kill is about to make possible.
 */
#include "kernel.h"
#include "mm_inline.h"
#include "mman.h"
#include "mmzone.h"
#include "oom.h"
#include "sched.h"
#include "swap.h"

#define LONG_MIN	(-__LONG_MAX__ - 1)
#define K(pages)	((pages) << (PAGE_SHIFT - 10))

static spinlock_t oom_lock = __SPIN_LOCK_UNLOCKED;	/* one chooser at a time */
static struct task_struct *oom_reaper_th;
static struct mm_struct *oom_reaper_mm;		/* queued for the reaper (a reference held) */
static pid_t oom_reaper_pid;			/* whose it was (the task may be gone by then) */
static char oom_reaper_comm[TASK_COMM_LEN];

unsigned long oom_totalpages(void)
{
	return totalram_pages() + (unsigned long)total_swap_pages;
}

static bool oom_unkillable_task(const struct task_struct *p)
{
	return p->pid == 1 || (p->flags & PF_KTHREAD) || p == &init_task;
}

long oom_badness(struct task_struct *p, unsigned long totalpages)
{
	long points, adj;

	if (oom_unkillable_task(p) || !p->mm || p->state == EXIT_ZOMBIE || p->state == EXIT_DEAD)
		return LONG_MIN;
	adj = p->oom_score_adj;
	if (adj == OOM_SCORE_ADJ_MIN || (p->mm->flags & (1ul << MMF_OOM_SKIP)))
		return LONG_MIN;
	points = (long)(get_mm_rss(p->mm) + p->mm->rss[MM_SWAPENTS] + p->mm->pgtables_bytes / PAGE_SIZE);
	adj *= (long)(totalpages / 1000);
	return points + adj;
}

unsigned long oom_score(struct task_struct *p)
{
	unsigned long totalpages = oom_totalpages();
	long badness = oom_badness(p, totalpages);

	if (badness == LONG_MIN)
		return 0;
	return (unsigned long)((1000 + badness * 1000 / (long)totalpages) * 2 / 3);
}

/* The task with the highest badness; (void *)-1 when a victim is still dying. */
static void select_bad_process(struct oom_control *oc)
{
	struct list_head *pos;

	oc->chosen = NULL;
	oc->chosen_points = LONG_MIN;
	list_for_each(pos, &init_task.tasks) {
		struct task_struct *p = list_entry(pos, struct task_struct, tasks);
		long points;

		if (oom_unkillable_task(p) || p->state == EXIT_DEAD)
			continue;
		if (p->oom_victim && p->mm && !(p->mm->flags & (1ul << MMF_OOM_SKIP))) {
			oc->chosen = (void *)-1ul;	/* its memory is coming: abort */
			return;
		}
		points = oom_badness(p, oc->totalpages);
		if (points == LONG_MIN || points < oc->chosen_points)
			continue;
		oc->chosen = p;
		oc->chosen_points = points;
	}
}

/* Linux's dump_tasks: memory values in pages. */
static void dump_tasks(void)
{
	struct list_head *pos;

	printk("Tasks state (memory values in pages):\n");
	printk("[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents "
	       "oom_score_adj name\n");
	list_for_each(pos, &init_task.tasks) {
		struct task_struct *p = list_entry(pos, struct task_struct, tasks);
		struct mm_struct *mm = p->mm;

		if (oom_unkillable_task(p) || !mm || p->state == EXIT_DEAD)
			continue;
		printk("[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %14lu %8lu         %5d %s\n", p->pid, 0, p->pid,
		       mm->total_vm, get_mm_rss(mm), mm->rss[MM_ANONPAGES], mm->rss[MM_FILEPAGES],
		       mm->rss[MM_SHMEMPAGES], mm->pgtables_bytes, mm->rss[MM_SWAPENTS], p->oom_score_adj, p->comm);
	}
}

static void dump_header(struct oom_control *oc, struct task_struct *victim)
{
	struct lruvec *lruvec = &contig_page_data.__lruvec;

	printk("%s invoked oom-killer: gfp_mask=%#x, order=%d, oom_score_adj=%d\n", current->comm, oc->gfp_mask,
	       oc->order, current->oom_score_adj);
	printk("Mem-Info:\n");
	printk("active_anon:%lu inactive_anon:%lu active_file:%lu inactive_file:%lu unevictable:%lu free:%lu "
	       "swap_free:%lu\n", lruvec->nr_pages[LRU_ACTIVE_ANON], lruvec->nr_pages[LRU_INACTIVE_ANON],
	       lruvec->nr_pages[LRU_ACTIVE_FILE], lruvec->nr_pages[LRU_INACTIVE_FILE],
	       lruvec->nr_pages[LRU_UNEVICTABLE], nr_free_pages(), (unsigned long)nr_swap_pages);
	dump_tasks();
	if (victim)
		printk("oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
		       "task_memcg=/,task=%s,pid=%d,uid=0\n", victim->comm, victim->pid);
}

static void queue_oom_reaper(struct task_struct *victim)
{
	if (oom_reaper_mm || !oom_reaper_th)
		return;
	victim->mm->mm_users++;		/* the reaper's reference (mmget) */
	oom_reaper_mm = victim->mm;
	oom_reaper_pid = victim->pid;
	memcpy(oom_reaper_comm, victim->comm, sizeof(oom_reaper_comm));
	wake_up_process(oom_reaper_th);
}

static void oom_kill_process(struct oom_control *oc, const char *message)
{
	struct task_struct *victim = oc->chosen;
	struct mm_struct *mm = victim->mm;

	dump_header(oc, victim);
	victim->oom_victim = true;
	send_sig(SIGKILL, victim);
	reclaim_stat.oom_kill++;
	ownership_report_oom_kill(victim->pid);
	printk("%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB, "
	       "UID:0 pgtables:%lukB oom_score_adj:%d\n", message, victim->pid, victim->comm, K(mm->total_vm),
	       K(mm->rss[MM_ANONPAGES]), K(mm->rss[MM_FILEPAGES]), K(mm->rss[MM_SHMEMPAGES]),
	       mm->pgtables_bytes >> 10, victim->oom_score_adj);
	queue_oom_reaper(victim);
}

/*
 * The allocating task steps aside so that the victim and the reaper can
 * run and free memory before it tries again (Linux's allocator sleeps a
 * tick at this point); a task that is itself dying just goes on.
 */
static bool oom_wait_for_victim(void)
{
	if (current->pending_signal != SIGKILL)
		schedule();
	return true;
}

bool out_of_memory(gfp_t gfp_mask, unsigned int order)
{
	struct oom_control oc = { .gfp_mask = gfp_mask, .order = (int)order, .totalpages = oom_totalpages() };

	if (!this_cpu()->current_task)
		return false;	/* early boot */
	/* A task already killed frees its memory on its way out: let it go. */
	if (current->pending_signal == SIGKILL || current->oom_victim)
		return true;
	if (!spin_trylock(&oom_lock))
		return oom_wait_for_victim();	/* another CPU is choosing */
	if (oom_reaper_mm) {
		spin_unlock(&oom_lock);
		return oom_wait_for_victim();
	}
	select_bad_process(&oc);
	if (oc.chosen == (void *)-1ul) {
		spin_unlock(&oom_lock);
		return oom_wait_for_victim();
	}
	if (!oc.chosen) {
		dump_header(&oc, NULL);
		printk("Out of memory and no killable processes...\n");
		panic("System is deadlocked on memory\n");
	}
	oom_kill_process(&oc, "Out of memory");
	spin_unlock(&oom_lock);
	return oom_wait_for_victim();
}

/*
 * Unmaps the private memory of a victim's address space (Linux's
 * __oom_reap_task_mm: shared mappings stay, their pages are not the
 * victim's alone) and marks it MMF_OOM_SKIP.
 */
static void oom_reap_task_mm(pid_t pid, const char *comm, struct mm_struct *mm)
{
	struct vm_area_struct *vma;

	for_each_vma(vma, mm)
		if (!(vma->vm_flags & VM_SHARED))
			zap_page_range(vma, vma->vm_start, vma->vm_end);
	mm->flags |= 1ul << MMF_OOM_SKIP;
	printk("oom_reaper: reaped process %d (%s), now anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB\n", pid, comm, K(mm->rss[MM_ANONPAGES]), K(mm->rss[MM_FILEPAGES]), K(mm->rss[MM_SHMEMPAGES]));
}

static int oom_reaper(void *unused)
{
	for (;;) {
		for (;;) {	/* state first: a wakeup after the test is not lost */
			current->state = TASK_INTERRUPTIBLE;
			if (oom_reaper_mm)
				break;
			schedule();
		}
		current->state = TASK_RUNNING;
		oom_reap_task_mm(oom_reaper_pid, oom_reaper_comm, oom_reaper_mm);
		mmput(oom_reaper_mm);
		oom_reaper_mm = NULL;
	}
	return 0;
}

void oom_init(void)
{
	oom_reaper_th = kthread_run(oom_reaper, NULL, "oom_reaper");
}

bool current_is_oom_victim(void)
{
	return this_cpu()->current_task && (current->oom_victim || current->pending_signal == SIGKILL);
}

void pagefault_out_of_memory(void)
{
	/* Only a task the OOM killer chose fails a fault: it dies on its way out. */
	if (current->pending_signal != SIGKILL)
		out_of_memory(GFP_KERNEL, 0);
}
