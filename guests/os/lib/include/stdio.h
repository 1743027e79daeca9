/*
 * Formatted output of mmulab's user C library (lib/printf.c).  There is no
 * FILE buffering: printf formats into a buffer on the stack and hands it to
 * one write(2), so output from a parent and a forked child never duplicates
 * and lines appear in the order the processes wrote them.
 *
 * Conversions: %d %i %u %x %X %o %c %s %p %%, with the flags '-' '0' ' ' '+'
 * '#', a width and precision (numbers or '*'), and the length modifiers
 * hh h l ll z t j.  A single call prints at most 1024 bytes.
 */
#ifndef _STDIO_H
#define _STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);
int puts(const char *s);
int putchar(int c);
/* perror: "S: strerror(errno)\n" on standard error. */
void perror(const char *s);

#endif
