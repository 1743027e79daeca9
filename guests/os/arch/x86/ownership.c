/*
 * ownership.c — the kernel's side of mmulab's frame-ownership channel
 * (protocol: devices/ownership.h).  Writes only: three OUTs per run of
 * frames, one per byte of a process name, two per process event (exit,
 * OOM kill).  On a PC without the device
 * (QEMU) the ports are unclaimed and the writes vanish.
 */
#include "asm.h"
#include "ownership.h"

#define OWN_PORT_PFN	0x590	/* outl: first frame of the next report */
#define OWN_PORT_PID	0x594	/* outl: owner pid of the next report, or of the next name */
#define OWN_PORT_CMD	0x598	/* outl: kind | count << 8 — commits the report */
#define OWN_PORT_COMM	0x59c	/* outb: a byte of a process name; 0 commits it */
#define OWN_MAX_COUNT	0xffffffu
#define OWN_EV_EXIT	0x80	/* CMD kinds 80H and up: events about process PID */
#define OWN_EV_OOM_KILL	0x81

void ownership_report(unsigned long pfn, unsigned long nr, enum page_kind kind, pid_t pid)
{
	outl(OWN_PORT_PID, (u32)pid);
	while (nr) {
		unsigned long n = nr < OWN_MAX_COUNT ? nr : OWN_MAX_COUNT;

		outl(OWN_PORT_PFN, (u32)pfn);
		outl(OWN_PORT_CMD, (u32)kind | (u32)n << 8);
		pfn += n;
		nr -= n;
	}
}

void ownership_report_comm(pid_t pid, const char *comm)
{
	outl(OWN_PORT_PID, (u32)pid);
	for (int i = 0; i < 15 && comm[i]; i++)
		outb(OWN_PORT_COMM, (u8)comm[i]);
	outb(OWN_PORT_COMM, 0);
}

void ownership_report_exit(pid_t pid, int status)
{
	outl(OWN_PORT_PID, (u32)pid);
	outl(OWN_PORT_CMD, OWN_EV_EXIT | ((u32)status & 0xffffffu) << 8);
}

void ownership_report_oom_kill(pid_t pid)
{
	outl(OWN_PORT_PID, (u32)pid);
	outl(OWN_PORT_CMD, OWN_EV_OOM_KILL);
}
