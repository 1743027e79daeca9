/*
 * lib.c — the few C library routines mmulab guests use (the compiler may
 * also emit calls to memcpy and memset for structure copies), and access to
 * the Multiboot command line.
 */
#include "guest.h"

void *memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	if (d < s)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n--; x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n--; a++, b++) {
		if (*a != *b)
			return (uint8_t)*a - (uint8_t)*b;
		if (!*a)
			return 0;
	}
	return 0;
}

const char *cmdline(void)
{
	const struct multiboot_info *mbi = (const struct multiboot_info *)mb_info;

	if (!mbi || !(mbi->flags & MBI_CMDLINE) || !mbi->cmdline)
		return "";
	return (const char *)(uint64_t)mbi->cmdline;
}

uint64_t cmdline_number(const char *key, uint64_t dflt)
{
	const char *p = cmdline();
	size_t k = strlen(key);

	for (; *p; p++) {
		if ((p == cmdline() || p[-1] == ' ') && !strncmp(p, key, k) && p[k] == '=') {
			uint64_t v = 0;

			for (p += k + 1; *p >= '0' && *p <= '9'; p++)
				v = v * 10 + (uint64_t)(*p - '0');
			return v;
		}
	}
	return dflt;
}
