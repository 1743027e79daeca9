/*
 * console.h — where printk's text goes: COM1 (arch/x86/serial.c).
 */
#ifndef OS_CONSOLE_H
#define OS_CONSOLE_H

#include "types.h"

void serial_init(void);
void serial_putc(char c);
/* Writes n bytes as they are. */
void console_write(const char *s, size_t n);

#endif
