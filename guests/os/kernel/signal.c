/*
 * signal.c — signals, as far as this kernel goes: only default actions.
 * A signal whose default action is to terminate (all of them but SIGCHLD,
 * SIGCONT, SIGURG and SIGWINCH, which are ignored; there are no handlers,
 * no core dumps and no stopping) is recorded on the task and acted on when
 * the task is next about to return to user mode: its whole thread group
 * exits with the signal as its wait status (do_group_exit).  A sleeping
 * task is woken to do so.
 */
#include "asm.h"
#include "kernel.h"
#include "sched.h"

#define SIGCONT		18
#define SIGURG		23
#define SIGWINCH	28

int send_sig(int sig, struct task_struct *p)
{
	if (sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH)
		return 0;
	if (!p->pending_signal || sig == SIGKILL)
		p->pending_signal = sig;
	wake_up_process(p);
	return 0;
}

void exit_to_user_mode(void)
{
	int sig = current->pending_signal;

	if (sig) {
		local_irq_enable();	/* exiting may wait for other CPUs */
		do_group_exit(sig & 0x7f);
	}
}
