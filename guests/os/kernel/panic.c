/*
 * panic.c — the ways the kernel stops: panic() for a broken invariant
 * ("Kernel panic - not syncing: ..."), and machine_exit() through QEMU's
 * isa-debug-exit device (port 0xf4), which both QEMU and mmulab turn into
 * the exit status (code << 1) | 1.  Without that device the CPU halts with
 * interrupts off.
 */
#include "asm.h"
#include "kernel.h"

void machine_exit(u32 code)
{
	outl(0xf4, code);
	for (;;) {
		local_irq_disable();
		halt();
	}
}

void panic(const char *fmt, ...)
{
	va_list ap;

	local_irq_disable();
	printk("Kernel panic - not syncing: ");
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n---[ end Kernel panic - not syncing ]---\n");
	machine_exit(EXIT_PANIC);
}
