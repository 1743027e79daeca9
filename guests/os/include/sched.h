/*
 * sched.h — processes: struct task_struct (Linux's name and, for what
 * this kernel has, its fields), the states a task goes through, and the
 * faces of kernel/sched.c (the round-robin scheduler), kernel/fork.c,
 * kernel/exit.c, kernel/exec.c and kernel/signal.c.
 *
 * Each task has a kernel stack of THREAD_SIZE bytes; the registers of
 * its user mode sit at the very top (task_pt_regs), where the CPU (an
 * interrupt from ring 3, through TSS.RSP0) or the SYSCALL entry put them.
 */
#ifndef OS_SCHED_H
#define OS_SCHED_H

#include "list.h"
#include "mm_types.h"
#include "percpu.h"
#include "ptrace.h"
#include "spinlock.h"

#define THREAD_SIZE_ORDER 2
#define THREAD_SIZE	(4096ul << THREAD_SIZE_ORDER)
#define TASK_COMM_LEN	16
#define NR_OPEN		16
#define HZ		100	/* timer ticks per second */

/* Task states (Linux's values). */
#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define EXIT_DEAD		16
#define EXIT_ZOMBIE		32

/* current->flags (Linux's PF_*) */
#define PF_MEMALLOC	0x00000800	/* reclaiming: allocations may use the reserves, never reclaim */
#define PF_KSWAPD	0x00020000	/* kswapd */
#define PF_KTHREAD	0x00200000	/* a kernel thread: no mm, never OOM-killed */

#define SIGKILL	9
#define SIGSEGV	11
#define SIGBUS	7
#define SIGILL	4
#define SIGFPE	8
#define SIGCHLD	17

/* An open file: a file of the initrd, a snapshot (/proc), or the console (inode NULL). */
struct file {
	struct inode *f_inode;
	const u8 *data;		/* the bytes read() returns */
	unsigned long size, f_pos;
	void *snapshot;		/* kmalloc'ed data of a /proc file, freed with it */
	char *proc_path;	/* a /proc file opened for writing: its path (kmalloc'ed) */
	int f_count;
	unsigned int f_mode;	/* an initrd file: FMODE_READ, FMODE_WRITE as opened */
};

#define FMODE_READ	0x1
#define FMODE_WRITE	0x2

struct task_struct {
	pid_t pid;
	int state;		/* TASK_RUNNING ... */
	int exit_code;		/* wait4 status once a zombie */
	int pending_signal;	/* a fatal signal to act on before user mode */
	unsigned int flags;	/* PF_* */
	short oom_score_adj;	/* -1000 (never killed) .. 1000, inherited by fork */
	bool oom_victim;	/* chosen by the OOM killer, not yet gone */
	int (*kthread_fn)(void *);	/* a kernel thread's work (PF_KTHREAD) */
	void *kthread_arg;
	char comm[TASK_COMM_LEN];
	struct mm_struct *mm;	/* NULL for the idle task */
	struct task_struct *parent;
	struct list_head children, sibling;	/* the parent's children list */
	struct list_head tasks;			/* every task, from init_task */
	struct list_head run_list;		/* on the run queue */
	bool on_rq;
	void *stack;			/* the kernel stack, THREAD_SIZE bytes */
	unsigned long sp;		/* kernel RSP saved by __switch_to_asm */
	unsigned long wake_jiffies;	/* nanosleep: when to wake */
	unsigned long min_flt, maj_flt;		/* ru_minflt, ru_majflt */
	unsigned long cmin_flt, cmaj_flt, cmaxrss;	/* of reaped children */
	unsigned long maxrss;		/* peak RSS (pages) of earlier images (execve) */
	unsigned long utime, stime;	/* ticks */
	struct file *files[NR_OPEN];
	/* SMP and threads (kernel/sched.c, kernel/fork.c, kernel/exit.c) */
	int cpu;			/* the CPU whose run queue it belongs to */
	u64 cpus_allowed;		/* where it may run (sched_setaffinity), a cpumask */
	int usage;			/* references: its own until its last switch, its reaper's */
	pid_t tgid;			/* thread group id: the leader's pid (getpid) */
	struct task_struct *group_leader;	/* the task the group's process is */
	struct list_head thread_group;	/* on the leader's list (the leader: its head) */
	int nr_threads;			/* leader: tasks of the group not yet exited */
	int group_exit_code;		/* leader: wait status of exit_group or a fatal signal */
	bool group_exit;		/* leader: the group is ending (SIGNAL_GROUP_EXIT) */
	unsigned long clear_child_tid;	/* CLONE_CHILD_CLEARTID / set_tid_address */
	unsigned long fsbase;		/* FS base (arch_prctl ARCH_SET_FS, CLONE_SETTLS) */
	struct list_head timer_list;	/* on the sleepers' list while wake_jiffies is set */
	unsigned long nvcsw, nivcsw;	/* context switches: voluntary, preempted by the tick */
};

extern struct task_struct init_task;	/* pid 0: the idle task, boot stack */
extern volatile unsigned long jiffies;

static inline struct task_struct *get_current(void)
{
	return this_cpu()->current_task;
}
#define current get_current()

static inline struct pt_regs *task_pt_regs(struct task_struct *p)
{
	return (struct pt_regs *)((char *)p->stack + THREAD_SIZE) - 1;
}

/* kernel/sched.c */
void sched_init(void);
/* Runs the next runnable task (current goes to the tail if still runnable). */
void schedule(void);
/* Makes p runnable. */
void wake_up_process(struct task_struct *p);
/* The timer tick: jiffies, sleepers, the time slice of a task in user mode. */
void scheduler_tick(struct pt_regs *regs);
/* The idle loop of pid 0: never returns. */
void cpu_idle(void) __attribute__((noreturn));
/* The task with this pid, or NULL (caller holds tasklist_lock, or keeps a reference). */
struct task_struct *find_task_by_pid(pid_t pid);
/*
 * tasklist_lock guards the task list, parents and children, thread groups
 * and pids; taken with interrupts off (the tick's sleeper scan takes it).
 */
extern spinlock_t tasklist_lock;
/* The second half of a context switch, run by the task switched to (ret_from_fork too). */
void schedule_tail(void);
void finish_task_switch(void);
/* Makes idle the idle task of cpu (swapper/N). */
void init_idle(struct task_struct *idle, int cpu);
/* Puts a new task on a run queue: the least loaded CPU it may use. */
void wake_up_new_task(struct task_struct *p);
/* Sleeps (the caller set current's state) for at most ticks; ticks left when woken earlier. */
unsigned long schedule_timeout(unsigned long ticks);
/* Restricts p to the CPUs of mask (online ones); 0 or -EINVAL. */
int sched_setaffinity(struct task_struct *p, u64 mask);
/* References on a task: it is freed when the last goes (stack and task_struct). */
static inline void get_task_struct(struct task_struct *p)
{
	__atomic_add_fetch(&p->usage, 1, __ATOMIC_SEQ_CST);
}
void put_task_struct(struct task_struct *p);
static inline bool thread_group_leader(const struct task_struct *p)
{
	return p->group_leader == p;
}
/* Context switches of every CPU (/proc/stat's ctxt). */
unsigned long nr_context_switches(void);

/* kernel/fork.c */
/* A copy of current (fork): its pid, or -errno. */
long do_fork(struct pt_regs *regs);
/* Starts pid 1 running `path` with argv; returns its task or NULL. */
struct task_struct *kernel_init_task(const char *path, const char *const argv[]);
/* A kernel thread (PF_KTHREAD, no mm) running fn(arg), runnable; NULL when out of memory. */
struct task_struct *kthread_run(int (*fn)(void *), void *arg, const char *name);
/*
 * clone(2): a new task sharing what flags say (CLONE_VM | CLONE_THREAD... as
 * Linux's), starting on newsp (if nonzero) with RAX = 0; its tid or -errno.
 */
long do_clone(struct pt_regs *regs, unsigned long flags, unsigned long newsp, unsigned long parent_tid,
	      unsigned long child_tid, unsigned long tls);
/* p's address space with a reference (mmput), or NULL: exited, or a kernel thread. */
struct mm_struct *get_task_mm(struct task_struct *p);
/* Frees task p whose references are gone (put_task_struct). */
void free_task(struct task_struct *p);

/* Linux's struct rusage (x86-64): two timevals, then 14 longs. */
struct rusage {
	long ru_utime[2], ru_stime[2];
	long ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
	long ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};

/* kernel/exit.c */
/* The totals of p's reaped children (RUSAGE_CHILDREN) into *ru. */
void fill_children_rusage(const struct task_struct *p, struct rusage *ru);
void do_exit(int code) __attribute__((noreturn));
/* exit_group(2) and fatal signals: every thread of current's group ends with code. */
void do_group_exit(int code) __attribute__((noreturn));
long do_wait4(pid_t pid, unsigned long status_addr, int options, unsigned long ru_addr);
/* Frees a zombie's stack and task (after wait4). */
void release_task(struct task_struct *p);
/* Processes (thread groups, kernel threads included) from fork until reaped, as Linux's. */
unsigned long nr_processes(void);

/* kernel/exec.c */
/* Replaces current's image with the program at path; 0 or -errno. */
long do_execve(const char *path, const char *const argv[], const char *const envp[], struct pt_regs *regs);

/* kernel/signal.c */
/* Sends sig to p; fatal signals end it on its way back to user mode. */
int send_sig(int sig, struct task_struct *p);
/* Acts on a pending fatal signal of current (called before user mode). */
void exit_to_user_mode(void);

/* System calls defined next to what they use (kernel/sys.c lists them). */
long sys_clone(struct pt_regs *regs);			/* kernel/fork.c */
long sys_set_tid_address(struct pt_regs *regs);
long sys_sched_setaffinity(struct pt_regs *regs);	/* kernel/sched.c */
long sys_sched_getaffinity(struct pt_regs *regs);
long sys_getcpu(struct pt_regs *regs);
long sys_arch_prctl(struct pt_regs *regs);		/* arch/x86/process.c */

/* kernel/sys.c */
void do_syscall_64(struct pt_regs *regs);
struct file *get_file(struct file *f);
void fput(struct file *f);
/*
 * The text of the /proc file at path (/proc/meminfo, /proc/PID/stat...,
 * kernel/proc.c) in a kmalloc'ed buffer of *len bytes; NULL with *err set
 * (-ENOENT, -ENOMEM) when there is none.
 */
char *proc_read(const char *path, unsigned long *len, long *err);
/* Can the /proc file at path be written (/proc/sys/vm/..., /proc/PID/oom_score_adj)? */
bool proc_writable(const char *path);
/* Writes len bytes of buf to that file: len, or -errno. */
long proc_write(const char *path, const char *buf, unsigned long len);
/* kernel/proc.c: "frames WHEN: free N, page cache N, slab N". */
void show_mem_summary(const char *when);

/* arch/x86/process.c */
/* Switches to next (its mm, its stack); returns when prev runs again. */
void switch_to(struct task_struct *prev, struct task_struct *next);
/* Sets up a new task's kernel stack so that its first switch_to returns to user mode. */
void copy_thread(struct task_struct *p, const struct pt_regs *regs);
/* The same for a kernel thread: its first switch_to calls p->kthread_fn(p->kthread_arg). */
void copy_thread_kernel(struct task_struct *p);
/* MSRs of SYSCALL/SYSRET. */
void syscall_init(void);
/* Sets this CPU's FS base (and remembers it for switch_to). */
void load_fsbase(unsigned long base);

/* arch/x86/apic.c */
void apic_timer_init(void);
void apic_eoi(void);

#endif
