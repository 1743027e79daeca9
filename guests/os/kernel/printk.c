/*
 * printk.c — formatted output: vsnprintf() and printk() to the console.
 * Conversions: %c %s %d %i %u %x %X %p %%, length modifiers l, ll, z, the
 * flags '-', '0', '#' and a field width — what the kernel's messages use.
 * printk formats into a buffer first, so a line from one CPU comes out in
 * one piece.
 */
#include "console.h"
#include "kernel.h"
#include "spinlock.h"

struct out {
	char *buf;
	size_t size, len;	/* len counts what would have been written */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void pad(struct out *o, int n, char c)
{
	while (n-- > 0)
		put(o, c);
}

struct spec {
	int left, zero, alt, width;
};

static void field(struct out *o, const struct spec *s, const char *prefix, const char *str, int len)
{
	int plen = (int)strlen(prefix), fill = s->width - plen - len;

	if (!s->left && !s->zero)
		pad(o, fill, ' ');
	while (*prefix)
		put(o, *prefix++);
	if (!s->left && s->zero)
		pad(o, fill, '0');
	for (int i = 0; i < len; i++)
		put(o, str[i]);
	if (s->left)
		pad(o, fill, ' ');
}

static void number(struct out *o, const struct spec *s, u64 v, unsigned base, bool upper, const char *prefix)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = sizeof(tmp);

	do {
		tmp[--n] = digits[v % base];
		v /= base;
	} while (v);
	field(o, s, prefix, tmp + n, (int)sizeof(tmp) - n);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		struct spec s = { 0, 0, 0, 0 };
		bool lng = false;

		if (*fmt != '%') {
			put(&o, *fmt);
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
			lng = true;
			fmt++;
		}
		switch (*++fmt) {
		case 'c': {
			char c = (char)va_arg(ap, int);
			field(&o, &s, "", &c, 1);
			break;
		}
		case 's': {
			const char *str = va_arg(ap, const char *);
			if (!str)
				str = "(null)";
			field(&o, &s, "", str, (int)strlen(str));
			break;
		}
		case 'd':
		case 'i': {
			s64 v = lng ? va_arg(ap, s64) : va_arg(ap, int);
			number(&o, &s, v < 0 ? -(u64)v : (u64)v, 10, false, v < 0 ? "-" : "");
			break;
		}
		case 'u':
			number(&o, &s, lng ? va_arg(ap, u64) : va_arg(ap, u32), 10, false, "");
			break;
		case 'x':
		case 'X':
			number(&o, &s, lng ? va_arg(ap, u64) : va_arg(ap, u32), 16, *fmt == 'X', s.alt ? "0x" : "");
			break;
		case 'p':
			number(&o, &s, (u64)va_arg(ap, void *), 16, false, "0x");
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static spinlock_t printk_lock = __SPIN_LOCK_UNLOCKED;

int vprintk(const char *fmt, va_list ap)
{
	static char buf[1024];
	unsigned long flags;
	int n;

	spin_lock_irqsave(&printk_lock, flags);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	console_write(buf, min((size_t)n, sizeof(buf) - 1));
	spin_unlock_irqrestore(&printk_lock, flags);
	return n;
}

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vprintk(fmt, ap);
	va_end(ap);
	return n;
}
