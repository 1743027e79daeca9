/*
 * devices/log.c — the -d log's destination and line format (log.h).
 */
#include "devices/log.h"

#include <stdarg.h>

unsigned dev_log_mask;
static FILE *log_out;

void dev_log_open(unsigned mask, FILE *f)
{
	dev_log_mask = mask;
	log_out = f;
}

void dev_log(uint64_t tick, const char *item, const char *fmt, ...)
{
	FILE *f = log_out ? log_out : stderr;
	va_list ap;
	fprintf(f, "%llu %s: ", (unsigned long long)tick, item);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}
