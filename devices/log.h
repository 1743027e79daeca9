/*
 * devices/log.h — the -d log: one line per event of the chosen items,
 * written to the -D file or stderr.  Each line starts with the virtual
 * tick, so two runs of one command log the same lines.  With no item
 * chosen the cost is one predictable branch.
 */
#ifndef MMULAB_DEVICES_LOG_H
#define MMULAB_DEVICES_LOG_H

#include <stdint.h>
#include <stdio.h>

enum { LOG_IPI = 1u << 0, LOG_ATA = 1u << 1, LOG_IRQ = 1u << 2 };

extern unsigned dev_log_mask;

/* Choose the items and the destination (NULL: stderr). */
void dev_log_open(unsigned mask, FILE *f);

/* One line "TICK ITEM: MESSAGE". */
void dev_log(uint64_t tick, const char *item, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define DEV_LOG(bit, ...)                                              \
	do {                                                           \
		if (__builtin_expect(dev_log_mask & (bit), 0))         \
			dev_log(__VA_ARGS__);                          \
	} while (0)

#endif
