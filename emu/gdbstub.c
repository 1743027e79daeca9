/*
 * emu/gdbstub.c — gdb's remote serial protocol over TCP on the loopback
 * interface (-s, -S, -gdb tcp::PORT): the connection, packet framing and
 * run control.
 *
 * Run control is all-stop, on the run loop's one host thread.  The run
 * loop hands each vCPU's quantum to gdbstub_run(), which first looks at the
 * socket (a new connection, Ctrl-C = byte 0x03, gdb gone) and, while the
 * machine is stopped, serves packets until gdb continues.  Breakpoints never
 * patch guest memory: while any exists the vCPU runs one instruction at a
 * time (cpu_run(c, 1)) and stops before an instruction whose RIP is a
 * breakpoint address; with none it runs whole quanta at full speed.  A
 * single step is one cpu_run(c, 1) of the stepped vCPU alone.
 *
 * A gdb that connects stops the machine, as QEMU's gdbstub does.  When the
 * run ends while gdb waits for a stop reply, gdb gets "W" with the exit
 * status; `kill` ends the run with status 10; `detach` (or the connection
 * closing) lets the guest run on.
 *
 * The packets themselves are handled in gdbcmd.c.
 */
#include "emu/gdbstub.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static const char hexdig[] = "0123456789abcdef";

void gdb_text_printf(struct gdb_text *t, const char *fmt, ...)
{
	for (;;) {
		va_list ap;
		size_t room = t->cap - t->len;
		va_start(ap, fmt);
		int n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return;
		if ((size_t)n < room) {
			t->len += (size_t)n;
			return;
		}
		size_t cap = t->cap ? t->cap * 2 : 256;
		while (cap < t->len + (size_t)n + 1)
			cap *= 2;
		char *s = realloc(t->s, cap);
		if (!s)
			return;
		t->s = s;
		t->cap = cap;
	}
}

/* ---- the connection ---- */

static int send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int gdb_send(struct gdbstub *g, const char *data, size_t len)
{
	if (g->fd < 0)
		return -1;
	size_t need = 2 * len + 5;
	if (need > g->out_cap) {
		char *o = realloc(g->out, need);
		if (!o)
			return -1;
		g->out = o;
		g->out_cap = need;
	}
	size_t n = 0;
	unsigned sum = 0;
	g->out[n++] = '$';
	for (size_t i = 0; i < len; i++) {
		char ch = data[i];
		if (ch == '#' || ch == '$' || ch == '}' || ch == '*') {
			g->out[n++] = '}';
			sum += '}';
			ch ^= 0x20;
		}
		g->out[n++] = ch;
		sum += (uint8_t)ch;
	}
	g->out[n++] = '#';
	g->out[n++] = hexdig[(sum >> 4) & 15];
	g->out[n++] = hexdig[sum & 15];
	g->out_len = n;
	return send_all(g->fd, g->out, n);
}

int gdb_send_str(struct gdbstub *g, const char *s)
{
	return gdb_send(g, s, strlen(s));
}

void gdb_drop_client(struct gdbstub *g)
{
	if (g->fd >= 0)
		close(g->fd);
	g->fd = -1;
	g->noack = 0;
	g->awaiting = 0;
	g->in_pos = g->in_len = 0;
	g->nbp = 0;
	g->stopped = 0;
}

/* Next byte from gdb, blocking.  -1: connection gone, -2: a signal. */
static int next_byte(struct gdbstub *g)
{
	if (g->in_pos == g->in_len) {
		ssize_t r = recv(g->fd, g->in, sizeof(g->in), 0);
		if (r < 0 && errno == EINTR)
			return -2;
		if (r <= 0)
			return -1;
		g->in_pos = 0;
		g->in_len = (size_t)r;
	}
	return g->in[g->in_pos++];
}

/* Read one packet into g->pkt.  Returns its length, -1 when gdb is gone,
 * -2 on a signal.  Acks it unless in no-ack mode; answers '-' with the
 * last packet again; a Ctrl-C while stopped is ignored. */
static int get_packet(struct gdbstub *g)
{
	for (;;) {
		int ch = next_byte(g);
		if (ch < 0)
			return ch;
		if (ch == '-' && g->out_len) {
			if (send_all(g->fd, g->out, g->out_len) != 0)
				return -1;
			continue;
		}
		if (ch != '$')
			continue;
		size_t n = 0;
		unsigned sum = 0;
		while ((ch = next_byte(g)) >= 0 && ch != '#') {
			if (n < GDB_PKT_MAX)
				g->pkt[n++] = (char)ch;
			sum += (unsigned)ch;
		}
		if (ch < 0)
			return ch;
		int c1 = next_byte(g), c2 = c1 < 0 ? c1 : next_byte(g);
		if (c2 < 0)
			return c2;
		g->pkt[n] = 0;
		int ok = gdb_hexval(c1) >= 0 && gdb_hexval(c2) >= 0 &&
			 (unsigned)(gdb_hexval(c1) << 4 | gdb_hexval(c2)) == (sum & 0xff);
		if (!g->noack && send_all(g->fd, ok ? "+" : "-", 1) != 0)
			return -1;
		if (ok || g->noack)
			return (int)n;
	}
}

/* ---- stop replies ---- */

void gdb_send_stop_reply(struct gdbstub *g)
{
	char r[64];
	snprintf(r, sizeof(r), "T%02xthread:%x;", g->stop_sig, g->stop_cpu + 1);
	gdb_send_str(g, r);
}

/* Thread id text at *p: -1 (all), 0 (any) or a CPU's id.  Returns the CPU
 * index, -1 for "all", -2 for "any", -3 when bad or not a CPU. */
static int serve(struct gdbstub *g)
{
	if (g->awaiting) {
		g->awaiting = 0;
		gdb_send_stop_reply(g);
	}
	while (g->stopped) {
		int n = get_packet(g);
		if (n == -2) {
			g->interrupted = 1;
			return CPU_STOP_BUDGET;
		}
		if (n < 0) { /* gdb went away: as a detach */
			gdb_drop_client(g);
			return GDB_RESUME;
		}
		int r = gdb_handle(g, (size_t)n);
		if (r != GDB_STAY)
			return r;
	}
	return GDB_RESUME;
}

static void stop_at(struct gdbstub *g, int cpu, int sig)
{
	g->stopped = 1;
	g->stop_cpu = g->cur = cpu;
	g->stop_sig = sig;
}

/* Between quanta (while running, at most every 2 ms of host time): a new
 * connection (blocking with -S until gdb comes), or a Ctrl-C or hang-up
 * from the connected gdb. */
static void look_at_socket(struct gdbstub *g, int cpu)
{
	if (!g->stopped) { /* running: a look every 2 ms of host time is enough */
		struct timespec now;
		clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
		int64_t ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
		if (ms - g->last_look_ms < 2 && ms >= g->last_look_ms)
			return;
		g->last_look_ms = ms;
	}
	if (g->fd < 0) {
		if (g->stopped) { /* -S: nothing runs before gdb is here */
			struct pollfd p = { .fd = g->listen_fd, .events = POLLIN };
			if (poll(&p, 1, -1) < 0) {
				if (errno == EINTR)
					g->interrupted = 1;
				return;
			}
		}
		int fd = accept(g->listen_fd, NULL, NULL);
		if (fd < 0) /* EAGAIN: nobody */
			return;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		g->fd = fd;
		g->cur = cpu;
		g->cont = -1;
		stop_at(g, cpu, 5);
		return;
	}
	uint8_t buf[256];
	ssize_t r = recv(g->fd, buf, sizeof(buf), MSG_DONTWAIT);
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
		       errno != EINTR)) {
		gdb_drop_client(g);
		return;
	}
	/* While the guest runs gdb sends nothing but acks and Ctrl-C. */
	if (r > 0 && memchr(buf, 0x03, (size_t)r))
		stop_at(g, cpu, 2);
}

static int at_breakpoint(struct gdbstub *g, int cpu, uint64_t rip)
{
	if (g->skip_cpu == cpu) {
		g->skip_cpu = -1;
		if (rip == g->skip_rip)
			return 0;
	}
	for (int i = 0; i < g->nbp; i++)
		if (g->bp[i].addr == rip)
			return 1;
	return 0;
}

int gdbstub_run(struct gdbstub *g, struct cpu *c, uint64_t budget)
{
	int cpu = (int)(c - g->m->cpus);
	if (g->interrupted)
		return CPU_STOP_BUDGET; /* the run loop ends the run */
	look_at_socket(g, cpu);
	if (g->stopped) {
		int r = serve(g);
		if (r != GDB_RESUME)
			return r;
	}
	if (!g->nbp)
		return cpu_run(c, budget);
	for (uint64_t n = 0; n < budget; n++) {
		if (at_breakpoint(g, cpu, c->rip)) {
			stop_at(g, cpu, 5);
			int r = serve(g);
			return r == GDB_RESUME ? CPU_STOP_BUDGET : r;
		}
		int why = cpu_run(c, 1);
		if (why != CPU_STOP_BUDGET)
			return why;
	}
	return CPU_STOP_BUDGET;
}

struct gdbstub *gdbstub_open(struct machine *m, int port, int wait, char *err,
			     size_t errlen)
{
	struct gdbstub *g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	g->m = m;
	g->port = port;
	g->fd = -1;
	g->skip_cpu = -1;
	g->cont = -1;
	g->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (g->listen_fd < 0) {
		snprintf(err, errlen, "-gdb: cannot make a socket: %s", strerror(errno));
		free(g);
		return NULL;
	}
	int one = 1;
	/* Binding still fails while another socket listens on the port;
	 * REUSEADDR only lets a new run reuse it at once after an old one. */
	setsockopt(g->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (bind(g->listen_fd, (struct sockaddr *)&a, sizeof(a)) != 0 ||
	    listen(g->listen_fd, 1) != 0) {
		snprintf(err, errlen, "-gdb tcp::%d: %s", port,
			 errno == EADDRINUSE ? "port already in use"
					     : strerror(errno));
		close(g->listen_fd);
		free(g);
		return NULL;
	}
	fcntl(g->listen_fd, F_SETFL, fcntl(g->listen_fd, F_GETFL) | O_NONBLOCK);
	if (wait)
		stop_at(g, 0, 5);
	return g;
}

void gdbstub_end(struct gdbstub *g, int status)
{
	if (g->fd >= 0 && g->awaiting) {
		char r[8];
		snprintf(r, sizeof(r), "W%02x", status & 0xff);
		gdb_send_str(g, r);
	}
	gdb_drop_client(g);
}

void gdbstub_close(struct gdbstub *g)
{
	if (!g)
		return;
	gdb_drop_client(g);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	free(g->out);
	free(g);
}
