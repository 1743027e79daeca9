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

/* Moves what the UART received into the console's input ring (timer tick). */
void serial_poll(void);
/* Up to n bytes of console input, 0 if none has come. */
size_t console_read(char *buf, size_t n);

#endif
