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
 *
 * Processes and the scheduler come next; for now the kernel powers off
 * through isa-debug-exit: status 1 when every self-test passed, 3 if not.
 */
#include "asm.h"
#include "console.h"
#include "kernel.h"
#include "mm.h"
#include "mmzone.h"
#include "percpu.h"
#include "ptrace.h"
#include "setup.h"

void mm_init(void);
int selftest_buddyinfo(void);

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
	printk("reboot: Power down\n");
	machine_exit(failures ? EXIT_FAILED : EXIT_POWEROFF);
}
