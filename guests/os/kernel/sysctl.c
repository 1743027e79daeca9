/*
 * sysctl.c — the vm tunables, as Linux's kernel/sysctl.c and mm/ table
 * them: each is a name under /proc/sys/vm, an int it reads and writes, a
 * range, and a handler run after a write (min_free_kbytes and
 * watermark_scale_factor recompute the watermarks; overcommit_ratio and
 * overcommit_kbytes each zero the other, as Linux; drop_caches acts and
 * keeps nothing).  The kernel command line sets them at boot with
 * vm.NAME=N, after the defaults are worked out (sysctl_boot_params).
 */
#include "errno.h"
#include "kernel.h"
#include "mman.h"
#include "mmzone.h"
#include "setup.h"
#include "swap.h"
#include "sysctl.h"

static int drop_caches_value;

static void wmarks_handler(void)
{
	setup_per_zone_wmarks();
}

static void min_free_kbytes_handler(void)
{
	user_min_free_kbytes = min_free_kbytes;
	setup_per_zone_wmarks();
}

static void overcommit_ratio_handler(void)
{
	sysctl_overcommit_kbytes = 0;
}

static void overcommit_kbytes_handler(void)
{
	sysctl_overcommit_ratio = 0;
}

static void drop_caches_handler(void)
{
	if (drop_caches_value & 1)
		drop_pagecache();
	/* 2 (slab): the slab caches keep no reclaimable objects here. */
}

struct ctl_table {
	const char *procname;	/* under /proc/sys/ */
	int *data;
	long extra1, extra2;	/* the range a write must be in */
	void (*handler)(void);	/* after a write */
	bool write_only;
};

static const struct ctl_table vm_table[] = {
	{ "vm/min_free_kbytes", &min_free_kbytes, 0, 1 << 30, min_free_kbytes_handler, false },
	{ "vm/watermark_scale_factor", &watermark_scale_factor, 1, 3000, wmarks_handler, false },
	{ "vm/swappiness", &vm_swappiness, 0, 200, NULL, false },
	{ "vm/page-cluster", &page_cluster, 0, 10, NULL, false },
	{ "vm/overcommit_memory", &sysctl_overcommit_memory, 0, 2, NULL, false },
	{ "vm/overcommit_ratio", &sysctl_overcommit_ratio, 0, 1 << 30, overcommit_ratio_handler, false },
	{ "vm/overcommit_kbytes", &sysctl_overcommit_kbytes, 0, 1 << 30, overcommit_kbytes_handler, false },
	{ "vm/admin_reserve_kbytes", &sysctl_admin_reserve_kbytes, 0, 1 << 30, NULL, false },
	{ "vm/user_reserve_kbytes", &sysctl_user_reserve_kbytes, 0, 1 << 30, NULL, false },
	{ "vm/drop_caches", &drop_caches_value, 1, 3, drop_caches_handler, true },
};

static const struct ctl_table *find_ctl(const char *name)
{
	for (unsigned long i = 0; i < ARRAY_SIZE(vm_table); i++)
		if (!strcmp(vm_table[i].procname, name))
			return &vm_table[i];
	return NULL;
}

int kstrtol(const char *s, unsigned long len, long *res)
{
	unsigned long i = 0;
	bool neg = false;
	long v = 0;

	if (i < len && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	if (i == len || s[i] < '0' || s[i] > '9')
		return -EINVAL;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (1l << 40))
			return -EINVAL;
		v = v * 10 + (s[i] - '0');
	}
	if (i < len && s[i] == '\n')
		i++;
	if (i != len)
		return -EINVAL;
	*res = neg ? -v : v;
	return 0;
}

bool sysctl_exists(const char *name)
{
	return find_ctl(name) != NULL;
}

long sysctl_read(const char *name, char *buf, unsigned long size)
{
	const struct ctl_table *t = find_ctl(name);

	if (!t)
		return -ENOENT;
	if (t->write_only)
		return -EACCES;
	return snprintf(buf, size, "%d\n", *t->data);
}

long sysctl_write(const char *name, const char *buf, unsigned long len)
{
	const struct ctl_table *t = find_ctl(name);
	long v;

	if (!t)
		return -ENOENT;
	if (kstrtol(buf, len, &v) || v < t->extra1 || v > t->extra2)
		return -EINVAL;
	*t->data = (int)v;
	if (t->handler)
		t->handler();
	return (long)len;
}

void sysctl_boot_params(void)
{
	for (unsigned long i = 0; i < ARRAY_SIZE(vm_table); i++) {
		char key[40] = "vm.", val[24];

		strncpy(key + 3, vm_table[i].procname + 3, sizeof(key) - 4);
		if (vm_table[i].write_only || !cmdline_get(key, val, sizeof(val)))
			continue;
		if (sysctl_write(vm_table[i].procname, val, strlen(val)) < 0)
			printk("sysctl: %s=%s: invalid value\n", key, val);
		else
			printk("sysctl: %s = %s\n", key, val);
	}
}
