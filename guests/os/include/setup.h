/*
 * setup.h — what the boot code found out about the machine, for the rest
 * of the kernel: the command line, the initrd, and start_kernel's helpers.
 */
#ifndef OS_SETUP_H
#define OS_SETUP_H

#include "types.h"

#define COMMAND_LINE_SIZE 256
extern char boot_command_line[COMMAND_LINE_SIZE];
/* The first Multiboot module (-initrd): the cpio archive. Size 0 if none. */
extern phys_addr_t initrd_start, initrd_end;

/* arch/x86/setup.c: Multiboot info, memory map, memblock, paging_init. */
void setup_arch(unsigned long mbi_phys);
/* Value of "key=value" on the command line, or NULL. */
const char *cmdline_get(const char *key, char *buf, size_t size);

/* kernel/selftest.c: allocator self-tests; returns the failures. */
int run_selftests(void);
/* kernel/lkdtm.c: provoke the crash named by lkdtm=NAME, if any. */
void lkdtm_run(const char *name);

#endif
