/*
 * General utilities of mmulab's user C library: the allocator (lib/malloc.c),
 * process exit (lib/start.c) and number parsing (lib/stdlib.c).
 */
#ifndef _STDLIB_H
#define _STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/*
 * The allocator: requests below MMAP_THRESHOLD come from the brk heap,
 * larger ones get a mapping of their own that free() unmaps (glibc's default
 * M_MMAP_THRESHOLD is 128 KiB as well).
 */
#define MMAP_THRESHOLD (128 * 1024)

void *malloc(size_t size);
void free(void *ptr);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *ptr, size_t size);
/* malloc_usable_size: how many bytes the block at PTR can hold. */
size_t malloc_usable_size(void *ptr);

__attribute__((noreturn)) void exit(int status);
__attribute__((noreturn)) void abort(void);

int atoi(const char *s);
long atol(const char *s);
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
char *getenv(const char *name);

#endif
