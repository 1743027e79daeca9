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

#define SIGKILL	9
#define SIGSEGV	11
#define SIGILL	4
#define SIGFPE	8
#define SIGCHLD	17

/* An open file: a file of the initrd, a snapshot (/proc), or the console (inode NULL). */
struct file {
	struct inode *f_inode;
	const u8 *data;		/* the bytes read() returns */
	unsigned long size, f_pos;
	void *snapshot;		/* kmalloc'ed data of a /proc file, freed with it */
	int f_count;
};

struct task_struct {
	pid_t pid;
	int state;		/* TASK_RUNNING ... */
	int exit_code;		/* wait4 status once a zombie */
	int pending_signal;	/* a fatal signal to act on before user mode */
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
/* The task with this pid, or NULL. */
struct task_struct *find_task_by_pid(pid_t pid);

/* kernel/fork.c */
/* A copy of current (fork): its pid, or -errno. */
long do_fork(struct pt_regs *regs);
/* Starts pid 1 running `path` with argv; returns its task or NULL. */
struct task_struct *kernel_init_task(const char *path, const char *const argv[]);

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
long do_wait4(pid_t pid, unsigned long status_addr, int options, unsigned long ru_addr);
/* Frees a zombie's stack and task (after wait4). */
void release_task(struct task_struct *p);

/* kernel/exec.c */
/* Replaces current's image with the program at path; 0 or -errno. */
long do_execve(const char *path, const char *const argv[], const char *const envp[], struct pt_regs *regs);

/* kernel/signal.c */
/* Sends sig to p; fatal signals end it on its way back to user mode. */
int send_sig(int sig, struct task_struct *p);
/* Acts on a pending fatal signal of current (called before user mode). */
void exit_to_user_mode(void);

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
/* kernel/proc.c: "frames WHEN: free N, page cache N, slab N". */
void show_mem_summary(const char *when);

/* arch/x86/process.c */
/* Switches to next (its mm, its stack); returns when prev runs again. */
void switch_to(struct task_struct *prev, struct task_struct *next);
/* Sets up a new task's kernel stack so that its first switch_to returns to user mode. */
void copy_thread(struct task_struct *p, const struct pt_regs *regs);
/* MSRs of SYSCALL/SYSRET. */
void syscall_init(void);

/* arch/x86/apic.c */
void apic_timer_init(void);
void apic_eoi(void);

#endif
