/*
 * devices/chardev.c — host backends for guest character devices.
 *
 * "stdio" writes to fd 1 and reads fd 0; when fd 0 is a terminal it is put
 * in non-canonical, no-echo mode so the guest sees keys as they are typed,
 * but ISIG stays on: Ctrl-C still stops mmulab (status 130).  The saved
 * terminal state is restored by chardev_close() and by
 * chardev_restore_terminals() on every exit path.
 */
#include "devices/chardev.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

static struct termios saved_tty;
static volatile int saved_tty_valid;

static void tty_make_raw(struct chardev *c)
{
	if (!isatty(c->in_fd) || tcgetattr(c->in_fd, &saved_tty) != 0)
		return;
	struct termios t = saved_tty;
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
	t.c_iflag &= ~(tcflag_t)(ICRNL | IXON);
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(c->in_fd, TCSANOW, &t) == 0) {
		saved_tty_valid = 1;
		c->raw_tty = 1;
	}
}

void chardev_restore_terminals(void)
{
	if (saved_tty_valid) {
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
		saved_tty_valid = 0;
	}
}

int chardev_open(struct chardev *c, const char *spec, char *err, size_t errlen)
{
	memset(c, 0, sizeof(*c));
	c->out_fd = -1;
	c->in_fd = -1;
	if (strcmp(spec, "none") == 0 || strcmp(spec, "null") == 0) {
		c->kind = CHARDEV_NONE;
		return 0;
	}
	if (strcmp(spec, "stdio") == 0) {
		c->kind = CHARDEV_STDIO;
		c->out_fd = STDOUT_FILENO;
		c->in_fd = STDIN_FILENO;
		tty_make_raw(c);
		return 0;
	}
	if (strncmp(spec, "file:", 5) == 0 && spec[5]) {
		int fd = open(spec + 5, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		if (fd < 0) {
			snprintf(err, errlen, "-serial: cannot open '%s': %s",
				 spec + 5, strerror(errno));
			return -1;
		}
		c->kind = CHARDEV_FILE;
		c->out_fd = fd;
		return 0;
	}
	snprintf(err, errlen,
		 "-serial: unknown backend '%s' (use stdio, file:PATH or none)",
		 spec);
	return -1;
}

void chardev_open_stdout(struct chardev *c)
{
	memset(c, 0, sizeof(*c));
	c->kind = CHARDEV_STDIO;
	c->out_fd = STDOUT_FILENO;
	c->in_fd = -1;
}

void chardev_flush(struct chardev *c)
{
	size_t off = 0;
	while (off < c->len) {
		ssize_t n = write(c->out_fd, c->buf + off, c->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* a closed pipe: the output is lost, as on QEMU */
		off += (size_t)n;
	}
	c->len = 0;
}

void chardev_write(struct chardev *c, uint8_t byte)
{
	if (c->out_fd < 0)
		return;
	c->buf[c->len++] = byte;
	if (byte == '\n' || c->len == sizeof(c->buf))
		chardev_flush(c);
}

size_t chardev_read(struct chardev *c, uint8_t *buf, size_t max)
{
	if (c->in_fd < 0 || max == 0)
		return 0;
	struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
	if (poll(&p, 1, 0) != 1 || !(p.revents & (POLLIN | POLLHUP)))
		return 0;
	ssize_t n = read(c->in_fd, buf, max);
	if (n <= 0) {
		c->in_fd = -1; /* end of input: stop polling */
		return 0;
	}
	if (!c->raw_tty)
		return (size_t)n;
	size_t out = 0;
	for (ssize_t k = 0; k < n; k++) {
		uint8_t b = buf[k];
		if (c->escape) {
			c->escape = 0;
			if (b == 'x' || b == 'X')
				c->quit = 1;
			else if (b == 0x01)
				buf[out++] = b;
		} else if (b == 0x01) {
			c->escape = 1;
		} else {
			buf[out++] = b;
		}
	}
	return out;
}

void chardev_close(struct chardev *c)
{
	if (c->out_fd >= 0)
		chardev_flush(c);
	if (c->raw_tty) {
		chardev_restore_terminals();
		c->raw_tty = 0;
	}
	if (c->kind == CHARDEV_FILE && c->out_fd >= 0)
		close(c->out_fd);
	c->out_fd = -1;
	c->in_fd = -1;
}
