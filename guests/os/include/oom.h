/*
 * oom.h — the OOM killer (mm/oom_kill.c, Linux's <linux/oom.h>): when
 * reclaim can free nothing more, the task whose death frees the most
 * memory for the least harm is killed, as oom_badness() scores it.
 */
#ifndef OS_OOM_H
#define OS_OOM_H

#include "gfp.h"
#include "types.h"

#define OOM_SCORE_ADJ_MIN	(-1000)	/* never chosen */
#define OOM_SCORE_ADJ_MAX	1000

struct task_struct;

/*
 * What one out_of_memory() call knows and decides: the allocation that
 * failed, the memory a task could use (totalpages: RAM + swap), and the
 * task chosen with its score.
 */
struct oom_control {
	gfp_t gfp_mask;
	int order;
	unsigned long totalpages;
	struct task_struct *chosen;
	long chosen_points;
};

/*
 * Called by the page allocator when reclaim has failed: selects the task
 * with the highest oom_badness, prints the report and kills it (its
 * memory is reaped by the oom_reaper thread).  True when a task was
 * killed (or one is still dying), so the allocation may be retried.
 */
bool out_of_memory(gfp_t gfp_mask, unsigned int order);
/*
 * Linux's oom_badness: RSS + swap entries + page-table pages, plus
 * oom_score_adj * totalpages / 1000; LONG_MIN for a task that must never
 * be killed (init, kernel threads, oom_score_adj -1000, no mm).
 */
long oom_badness(struct task_struct *p, unsigned long totalpages);
/* /proc/PID/oom_score: (1000 + badness * 1000 / totalpages) * 2 / 3, 0 if exempt. */
unsigned long oom_score(struct task_struct *p);
/* RAM + swap in pages: what oom_badness scales by. */
unsigned long oom_totalpages(void);
/* Is current killed by the OOM killer (or by SIGKILL) and on its way out? */
bool current_is_oom_victim(void);
/* A page fault found no memory: the task is an OOM victim and dies on its way out. */
void pagefault_out_of_memory(void);
/* Starts the oom_reaper kernel thread. */
void oom_init(void);

#endif
