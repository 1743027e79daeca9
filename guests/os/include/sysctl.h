/*
 * sysctl.h — the vm tunables (kernel/sysctl.c): /proc/sys/vm/NAME files,
 * read as "N\n" and written with a number, and the same names on the
 * kernel command line as vm.NAME=N (Linux's sysctl.vm.NAME=N).
 */
#ifndef OS_SYSCTL_H
#define OS_SYSCTL_H

#include "types.h"

/* Applies every vm.NAME=N of the command line (after the watermarks are set). */
void sysctl_boot_params(void);
/* The text of /proc/sys/vm/NAME (name = "vm/NAME") into buf; its length, or -ENOENT. */
long sysctl_read(const char *name, char *buf, unsigned long size);
/* Writes the number in buf (len bytes) to vm/NAME; len, or -errno (-EINVAL: not a number or out of range). */
long sysctl_write(const char *name, const char *buf, unsigned long len);
/* Is there a sysctl vm/NAME? */
bool sysctl_exists(const char *name);
/* A decimal number with an optional sign and trailing newline; 0 or -EINVAL. */
int kstrtol(const char *s, unsigned long len, long *res);

#endif
