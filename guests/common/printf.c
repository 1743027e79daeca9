/*
 * printf.c — printf-lite for mmulab guests, writing to the serial console.
 * Conversions: %c %s %d %i %u %x %X %p %%, length modifiers l, ll, z, and
 * the flags '-', '0', '#' with a field width.  Enough for test transcripts.
 */
#include "guest.h"

struct spec {
	int left, zero, alt, width;
};

static int emit(char c)
{
	serial_putc(c);
	return 1;
}

static int pad(int n, char c)
{
	int out = 0;

	while (n-- > 0)
		out += emit(c);
	return out;
}

/* Prints the digits in buf[0..len) with prefix, padded per spec. */
static int field(const struct spec *s, const char *prefix, const char *buf, int len)
{
	int plen = (int)strlen(prefix), out = 0;
	int fill = s->width - plen - len;

	if (!s->left && !s->zero)
		out += pad(fill, ' ');
	for (int i = 0; i < plen; i++)
		out += emit(prefix[i]);
	if (!s->left && s->zero)
		out += pad(fill, '0');
	for (int i = 0; i < len; i++)
		out += emit(buf[i]);
	if (s->left)
		out += pad(fill, ' ');
	return out;
}

static int number(const struct spec *s, uint64_t v, int base, int upper, int neg, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24], buf[24];
	int n = 0;

	do {
		tmp[n++] = digits[v % (uint64_t)base];
		v /= (uint64_t)base;
	} while (v);
	for (int i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return field(s, neg ? "-" : prefix, buf, n);
}

int vprintf(const char *fmt, va_list ap)
{
	int out = 0;

	for (; *fmt; fmt++) {
		struct spec s = { 0, 0, 0, 0 };
		int lng = 0;

		if (*fmt != '%') {
			out += emit(*fmt);
			continue;
		}
		for (;; fmt++) {
			if (fmt[1] == '-')
				s.left = 1;
			else if (fmt[1] == '0')
				s.zero = 1;
			else if (fmt[1] == '#')
				s.alt = 1;
			else
				break;
		}
		while (fmt[1] >= '0' && fmt[1] <= '9')
			s.width = s.width * 10 + (*++fmt - '0');
		while (fmt[1] == 'l' || fmt[1] == 'z') {
			lng = 1;
			fmt++;
		}
		switch (*++fmt) {
		case 'c': {
			char c = (char)va_arg(ap, int);
			out += field(&s, "", &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			out += field(&s, "", str, (int)strlen(str));
			break;
		}
		case 'd':
		case 'i': {
			int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
			out += number(&s, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, 0, v < 0, "");
			break;
		}
		case 'u':
			out += number(&s, lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t), 10, 0, 0, "");
			break;
		case 'x':
		case 'X': {
			uint64_t v = lng ? va_arg(ap, uint64_t) : va_arg(ap, uint32_t);
			out += number(&s, v, 16, *fmt == 'X', 0, s.alt ? "0x" : "");
			break;
		}
		case 'p':
			out += number(&s, (uint64_t)va_arg(ap, void *), 16, 0, 0, "0x");
			break;
		case '%':
			out += emit('%');
			break;
		default:
			out += emit('%');
			if (!*fmt)
				return out;
			out += emit(*fmt);
		}
	}
	return out;
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintf(fmt, ap);
	va_end(ap);
	return n;
}
