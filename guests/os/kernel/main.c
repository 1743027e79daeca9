/*
 * main.c — start_kernel(), the C entry point (head.S jumps here with the
 * physical address of the Multiboot information), in the order Linux's
 * init/main.c does the same things:
 *
 *   console, CPU 0 (GDT, TSS, per-CPU area), IDT   — so that faults report
 *   setup_arch()    memory map -> memblock, page tables (paging_init)
 *   mm_init()       mem_map, zones, buddy allocator, watermarks
 *   self-checks     buddyinfo against the memory map, then the slab
 *                   allocator and the allocator self-tests
 *   lkdtm=NAME      an on-purpose crash, if asked for
 *   with an initrd  the in-memory file system, the zero page, SYSCALL,
 *                   the scheduler and its timer, then pid 1: init=PATH
 *                   (default /bin/init) with the script named by script=
 *                   (default /demo.sh; "script=" alone: an interactive
 *                   shell; poweroff=0: an interactive shell after the
 *                   script); pid 0 becomes the idle task.  The system
 *                   powers off when init exits, with its status
 *                   (kernel/exit.c).
 *
 * Without an initrd there is nothing to run: the kernel powers off
 * through isa-debug-exit, status 1 when every self-test passed, 3 if not.
 */
#include "asm.h"
#include "ata.h"
#include "console.h"
#include "initrd.h"
#include "kernel.h"
#include "mm.h"
#include "mmzone.h"
#include "oom.h"
#include "percpu.h"
#include "ptrace.h"
#include "mman.h"
#include "sched.h"
#include "setup.h"
#include "smp.h"
#include "tlbflush.h"
#include "swap.h"

void mm_init(void);
int selftest_buddyinfo(void);

/* Starts pid 1 from the initrd and becomes the idle task. */
static void rest_init(void)
{
	char init[64] = "/bin/init", script[64] = "/demo.sh", poweroff[8] = "1";
	const char *argv[4] = { init }, **arg = argv + 1;
	int files = initramfs_init();

	if (files < 0)
		panic("initramfs: the initrd is not a cpio newc archive");
	printk("Unpacking initramfs: %d files\n", files);
	cmdline_get("init", init, sizeof(init));
	cmdline_get("script", script, sizeof(script));
	cmdline_get("poweroff", poweroff, sizeof(poweroff));
	if (script[0] && poweroff[0] == '0')
		*arg++ = "-i";		/* an interactive shell after the script */
	if (script[0])
		*arg++ = script;
	*arg = NULL;
	zero_page_init();
	ata_init();
	sched_init();
	tlb_init();
	syscall_init();
	apic_timer_init();
	smp_init();		/* every CPU of the MADT: idle, ticking, ready for tasks */
	show_mem_summary("before init");
	printk("Run %s as init process\n", init);
	if (!kernel_init_task(init, argv))
		panic("No working init found.");
	kswapd_init();		/* kswapd0 and oom_reaper: kernel threads, pids after init's */
	oom_init();
	cpu_idle();
}

void start_kernel(unsigned long mbi_phys)
{
	char arg[32];
	int failures;

	serial_init();
	trap_init();
	cpu_init(0);
	printk("mmulab-os version 0.1 (x86_64, Multiboot, 4-level paging) #1 SMP\n");
	setup_arch(mbi_phys);
	mm_init();
	printk("buddyinfo:\n");
	show_buddyinfo();
	failures = selftest_buddyinfo();
	kmem_cache_init();
	lkdtm_run(cmdline_get("lkdtm", arg, sizeof(arg)));
	failures += run_selftests();
	printk("free frames after the self-tests: %lu\n", nr_free_pages());
	show_buddyinfo();
	if (initrd_end > initrd_start && !failures)
		rest_init();
	printk("reboot: Power down\n");
	machine_exit(failures ? EXIT_FAILED : EXIT_POWEROFF);
}
