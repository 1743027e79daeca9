/*
 * devices/chardev.h — host end of a guest character device: where the bytes
 * a guest writes to the UART or port 0xE9 go, and where UART input comes
 * from.  Spelled as QEMU's -serial backends: "stdio", "file:PATH", "none".
 *
 * Output is buffered in the chardev and flushed at every newline, when the
 * buffer fills, at every quantum end (machine_run calls chardev_flush) and
 * before mmulab writes a message of its own, so guest output, mmulab's
 * messages and the exit status always agree.
 */
#ifndef MMULAB_DEVICES_CHARDEV_H
#define MMULAB_DEVICES_CHARDEV_H

#include <stddef.h>
#include <stdint.h>

enum chardev_kind { CHARDEV_NONE, CHARDEV_STDIO, CHARDEV_FILE };

#define CHARDEV_BUF 4096

struct chardev {
	int kind;      /* enum chardev_kind */
	int out_fd;    /* -1: output discarded */
	int in_fd;     /* -1: no input */
	int raw_tty;   /* the terminal was switched to raw input: restore it */
	int escape;    /* a terminal Ctrl-A was typed: the next key is a command */
	int quit;      /* Ctrl-A X was typed: the user ends the run */
	size_t len;    /* bytes waiting in buf */
	uint8_t buf[CHARDEV_BUF];
};

/* Input from a terminal (raw mode) knows QEMU's escapes: Ctrl-A X sets
 * `quit`, Ctrl-A Ctrl-A sends one Ctrl-A to the guest, Ctrl-A followed by
 * anything else is dropped.  Input from a pipe or file passes unchanged. */

/* Open the backend named by `spec` ("stdio", "file:PATH", "none").  Returns
 * 0, or -1 with a one-line reason in `err` (nothing to free then). */
int chardev_open(struct chardev *c, const char *spec, char *err, size_t errlen);

/* Standard output only, no input and no terminal change: the port 0xE9
 * console when the serial port is not on stdio. */
void chardev_open_stdout(struct chardev *c);

/* Queue one byte of guest output; flushes at '\n' and when full. */
void chardev_write(struct chardev *c, uint8_t byte);

/* Write out everything queued. */
void chardev_flush(struct chardev *c);

/* Read up to `max` bytes of input that are ready now, without blocking.
 * Returns the count (0 when nothing is ready or there is no input). */
size_t chardev_read(struct chardev *c, uint8_t *buf, size_t max);

/* Flush, restore the terminal, close a file.  Safe to call twice. */
void chardev_close(struct chardev *c);

/* Put every terminal mmulab changed back as it found it.  Async-signal-safe;
 * for exit paths (atexit, fatal signals). */
void chardev_restore_terminals(void);

#endif
