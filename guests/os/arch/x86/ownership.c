/*
 * ownership.c — the kernel's side of mmulab's frame-ownership channel
 * (protocol: devices/ownership.h).  Writes only: three OUTs per run of
 * frames, one per byte of a process name, two per process event (exit,
 * OOM kill), three per TLB shootdown, three per counter.  On a PC without
 * the device (QEMU) the ports are unclaimed and the writes vanish.
 *
 * The device has one set of registers for all CPUs, and a report is
 * several OUTs (PID, then PFN and CMD), so reports are made under
 * ownership_lock, with interrupts off: another CPU, or an interrupt
 * handler on this one, must not write PID or PFN between them.
 */
#include "asm.h"
#include "ownership.h"
#include "spinlock.h"

#define OWN_PORT_PFN	0x590	/* outl: first frame of the next report */
#define OWN_PORT_PID	0x594	/* outl: owner pid of the next report, or of the next name */
#define OWN_PORT_CMD	0x598	/* outl: kind | count << 8 — commits the report */
#define OWN_PORT_COMM	0x59c	/* outb: a byte of a process name; 0 commits it */
#define OWN_MAX_COUNT	0xffffffu
#define OWN_EV_EXIT	0x80	/* CMD kinds 80H and up: events */
#define OWN_EV_OOM_KILL	0x81
#define OWN_EV_SHOOTDOWN 0x82	/* PFN, PID: the target CPUs; CMD: sender, pages */
#define OWN_SHOOTDOWN_FULL 0x3ffffu	/* the page count of a full flush */
#define OWN_EV_COUNTER	0x83	/* CMD: the counter's id; PFN, PID: its value, low and high */

static spinlock_t ownership_lock = __SPIN_LOCK_UNLOCKED;

void ownership_report(unsigned long pfn, unsigned long nr, enum page_kind kind, pid_t pid)
{
	unsigned long flags;

	spin_lock_irqsave(&ownership_lock, flags);
	outl(OWN_PORT_PID, (u32)pid);
	while (nr) {
		unsigned long n = nr < OWN_MAX_COUNT ? nr : OWN_MAX_COUNT;

		outl(OWN_PORT_PFN, (u32)pfn);
		outl(OWN_PORT_CMD, (u32)kind | (u32)n << 8);
		pfn += n;
		nr -= n;
	}
	spin_unlock_irqrestore(&ownership_lock, flags);
}

void ownership_report_comm(pid_t pid, const char *comm)
{
	unsigned long flags;

	spin_lock_irqsave(&ownership_lock, flags);
	outl(OWN_PORT_PID, (u32)pid);
	for (int i = 0; i < 15 && comm[i]; i++)
		outb(OWN_PORT_COMM, (u8)comm[i]);
	outb(OWN_PORT_COMM, 0);
	spin_unlock_irqrestore(&ownership_lock, flags);
}

/* A process event (exit, OOM kill): PID, then CMD. */
static void report_event(pid_t pid, u32 cmd)
{
	unsigned long flags;

	spin_lock_irqsave(&ownership_lock, flags);
	outl(OWN_PORT_PID, (u32)pid);
	outl(OWN_PORT_CMD, cmd);
	spin_unlock_irqrestore(&ownership_lock, flags);
}

void ownership_report_exit(pid_t pid, int status)
{
	report_event(pid, OWN_EV_EXIT | ((u32)status & 0xffffffu) << 8);
}

void ownership_report_oom_kill(pid_t pid)
{
	report_event(pid, OWN_EV_OOM_KILL);
}

void ownership_report_shootdown(int from_cpu, unsigned long cpumask, unsigned long nr_pages)
{
	unsigned long flags;
	u32 pages = nr_pages == OWNERSHIP_FLUSH_ALL ? OWN_SHOOTDOWN_FULL
		: nr_pages < OWN_SHOOTDOWN_FULL ? (u32)nr_pages : OWN_SHOOTDOWN_FULL - 1;

	spin_lock_irqsave(&ownership_lock, flags);
	outl(OWN_PORT_PFN, (u32)cpumask);		/* CPUs 0-31 */
	outl(OWN_PORT_PID, (u32)(cpumask >> 32));	/* CPUs 32-63 */
	outl(OWN_PORT_CMD, OWN_EV_SHOOTDOWN | ((u32)from_cpu & 0x3f) << 8 | pages << 14);
	spin_unlock_irqrestore(&ownership_lock, flags);
}

void ownership_report_counters(const u64 *value, unsigned int n)
{
	unsigned long flags;

	spin_lock_irqsave(&ownership_lock, flags);
	for (u32 id = 0; id < n; id++) {
		outl(OWN_PORT_PFN, (u32)value[id]);
		outl(OWN_PORT_PID, (u32)(value[id] >> 32));
		outl(OWN_PORT_CMD, OWN_EV_COUNTER | id << 8);
	}
	spin_unlock_irqrestore(&ownership_lock, flags);
}
