/*
 * lkdtm.c — crash the kernel on purpose, to show (and test) that the
 * protections paging_init() set up hold and that the Oops report is
 * right.  Named after Linux's Kernel Dump Test Module; chosen with
 * lkdtm=NAME on the command line:
 *   ACCESS_NULL  read address 0 (not present: error code 0x0000)
 *   WRITE_RO     write to rodata (R/W = 0 in the PTE: 0x0003)
 *   WRITE_KERN   write to kernel text (R/W = 0: 0x0003)
 *   EXEC_DATA    jump into a data buffer (XD = 1: 0x0011)
 *   EXCEPTION    execute UD2 (invalid opcode)
 */
#include "kernel.h"
#include "setup.h"

static const unsigned long rodata_target = 0x5a5a5a5a;
static unsigned char data_area[64] __attribute__((aligned(16)));

void lkdtm_do_nothing(void);
__attribute__((noinline)) void lkdtm_do_nothing(void)
{
}

void lkdtm_run(const char *name)
{
	if (!name)
		return;
	printk("lkdtm: Performing direct entry %s\n", name);
	if (!strcmp(name, "ACCESS_NULL")) {
		printk("lkdtm: attempting bad read at %p\n", (void *)0);
		(void)*(volatile unsigned long *)0;
	} else if (!strcmp(name, "WRITE_RO")) {
		*(volatile unsigned long *)&rodata_target = 0xabcdef;
	} else if (!strcmp(name, "WRITE_KERN")) {
		*(volatile unsigned char *)lkdtm_do_nothing = 0xc3;
	} else if (!strcmp(name, "EXEC_DATA")) {
		data_area[0] = 0xc3;	/* RET */
		((void (*)(void))data_area)();
	} else if (!strcmp(name, "EXCEPTION")) {
		__asm__ volatile("ud2");
	} else {
		printk("lkdtm: %s is not a crash type\n", name);
		return;
	}
	printk("lkdtm: %s did not crash\n", name);
}
