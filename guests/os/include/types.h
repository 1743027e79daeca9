/*
 * types.h — the basic types of the mmulab guest OS, with Linux's short
 * names (u8..u64, phys_addr_t, pid_t, gfp_t).  The kernel is freestanding
 * and defines them itself; the host unit tests of the allocators compile
 * the same sources with OS_HOST_TEST defined and take them from the host's
 * C headers instead.
 */
#ifndef OS_TYPES_H
#define OS_TYPES_H

#ifdef OS_HOST_TEST
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#else
typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
typedef unsigned long size_t;
typedef long ssize_t;
typedef unsigned long uintptr_t;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#define offsetof(t, m) __builtin_offsetof(t, m)
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#endif

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int64_t s64;
typedef uint64_t phys_addr_t;
typedef int pid_t;
typedef unsigned int gfp_t;

#endif
