/*
 * emu/gdbstub.c — gdb's remote serial protocol over TCP on the loopback
 * interface (-s, -S, -gdb tcp::PORT): the connection, packet framing, the
 * commands, and run control.
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
 * Packets handled: ? g G p P m M X c s vCont vCont? H T Z0/Z1 z0/z1 D k
 * vKill qSupported QStartNoAckMode qXfer:features:read qAttached qC
 * qfThreadInfo qsThreadInfo qThreadExtraInfo qRcmd qSymbol; anything else
 * gets the empty reply ("not supported").
 */
#include "emu/gdbstub.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

enum { GDB_STAY = -2, GDB_RESUME = -1 }; /* else an enum cpu_stop */

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

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Hex number at *p, advancing it; -1 when there is none ("-1" thread ids
 * are handled by the caller). */
static int parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;
	for (; hexval(*s) >= 0 && n < 16; s++, n++)
		x = x << 4 | (uint64_t)hexval(*s);
	if (!n)
		return -1;
	*p = s;
	*v = x;
	return 0;
}

/* Decode `n` bytes of hex text; returns bytes decoded. */
static size_t unhex(const char *s, uint8_t *out, size_t n)
{
	size_t i;
	for (i = 0; i < n; i++) {
		int hi = hexval(s[2 * i]), lo = hi < 0 ? -1 : hexval(s[2 * i + 1]);
		if (lo < 0)
			break;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return i;
}

static void hex_append(struct gdb_text *t, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		gdb_text_printf(t, "%c%c", hexdig[p[i] >> 4], hexdig[p[i] & 15]);
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

static int send_str(struct gdbstub *g, const char *s)
{
	return gdb_send(g, s, strlen(s));
}

static void drop_client(struct gdbstub *g)
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
		int ok = hexval(c1) >= 0 && hexval(c2) >= 0 &&
			 (unsigned)(hexval(c1) << 4 | hexval(c2)) == (sum & 0xff);
		if (!g->noack && send_all(g->fd, ok ? "+" : "-", 1) != 0)
			return -1;
		if (ok || g->noack)
			return (int)n;
	}
}

/* ---- stop replies and threads ---- */

static int ncpus(const struct gdbstub *g)
{
	return g->m->ncpus;
}

static void send_stop_reply(struct gdbstub *g)
{
	char r[64];
	snprintf(r, sizeof(r), "T%02xthread:%x;", g->stop_sig, g->stop_cpu + 1);
	send_str(g, r);
}

/* Thread id text at *p: -1 (all), 0 (any) or a CPU's id.  Returns the CPU
 * index, -1 for "all", -2 for "any", -3 when bad or not a CPU. */
static int parse_thread(const char **p)
{
	uint64_t v;
	if ((*p)[0] == '-' && (*p)[1] == '1') {
		*p += 2;
		return -1;
	}
	if (parse_hex(p, &v) != 0)
		return -3;
	return v == 0 ? -2 : v > 0x7fffffff ? -3 : (int)v - 1;
}

static int valid_cpu(const struct gdbstub *g, int i)
{
	return i >= 0 && i < ncpus(g);
}

static void reply_threads(struct gdbstub *g)
{
	struct gdb_text t = { 0 };
	gdb_text_printf(&t, "m");
	for (int i = 0; i < ncpus(g); i++)
		gdb_text_printf(&t, "%s%x", i ? "," : "", i + 1);
	gdb_send(g, t.s, t.len);
	free(t.s);
}

static void reply_extra_info(struct gdbstub *g, const char *arg)
{
	int i = parse_thread(&arg);
	if (!valid_cpu(g, i)) {
		send_str(g, "E02");
		return;
	}
	const struct cpu *c = &g->m->cpus[i];
	char s[96];
	snprintf(s, sizeof(s), "CPU %d, %d-bit%s, CPL %d", i, c->code_bits,
		 c->halted ? ", halted" : "", c->cpl);
	struct gdb_text t = { 0 };
	hex_append(&t, (const uint8_t *)s, strlen(s));
	gdb_send(g, t.s, t.len);
	free(t.s);
}

/* ---- commands ---- */

static struct cpu *cur_cpu(struct gdbstub *g)
{
	return &g->m->cpus[valid_cpu(g, g->cur) ? g->cur : 0];
}

static void reply_registers(struct gdbstub *g)
{
	struct gdb_text t = { 0 };
	const struct cpu *c = cur_cpu(g);
	for (int n = 0; n < gdb_reg_count(); n++)
		gdb_reg_read(c, n, &t);
	gdb_send(g, t.s, t.len);
	free(t.s);
}

static void write_registers(struct gdbstub *g, const char *hex)
{
	struct cpu *c = cur_cpu(g);
	int bad = 0;
	for (int n = 0; n < gdb_reg_count() && *hex; n++) {
		uint8_t raw[16];
		int size = gdb_reg_size(n);
		if (strlen(hex) < (size_t)size * 2)
			break;
		/* Bytes gdb sends as "xx" (unavailable) are left alone. */
		if (unhex(hex, raw, (size_t)size) == (size_t)size &&
		    gdb_reg_write(c, n, raw, size) != 0)
			bad = 1;
		hex += 2 * size;
	}
	send_str(g, bad ? "E01" : "OK");
}

static void reply_one_register(struct gdbstub *g, const char *arg)
{
	uint64_t n;
	struct gdb_text t = { 0 };
	if (parse_hex(&arg, &n) != 0 || n >= (uint64_t)gdb_reg_count()) {
		send_str(g, "E01");
		return;
	}
	gdb_reg_read(cur_cpu(g), (int)n, &t);
	gdb_send(g, t.s, t.len);
	free(t.s);
}

static void write_one_register(struct gdbstub *g, const char *arg)
{
	uint64_t n;
	uint8_t raw[16];
	if (parse_hex(&arg, &n) != 0 || *arg != '=' ||
	    n >= (uint64_t)gdb_reg_count()) {
		send_str(g, "E01");
		return;
	}
	int size = gdb_reg_size((int)n);
	arg++;
	if (unhex(arg, raw, (size_t)size) != (size_t)size) {
		send_str(g, "E01");
		return;
	}
	send_str(g, gdb_reg_write(cur_cpu(g), (int)n, raw, size) == 0 ? "OK"
								       : "E01");
}

/* "ADDR,LEN" then, for writes, ':' */
static int parse_addr_len(const char **p, uint64_t *addr, uint64_t *len)
{
	if (parse_hex(p, addr) != 0 || **p != ',')
		return -1;
	(*p)++;
	return parse_hex(p, len);
}

static void read_memory(struct gdbstub *g, const char *arg)
{
	uint64_t addr, len;
	if (parse_addr_len(&arg, &addr, &len) != 0) {
		send_str(g, "E01");
		return;
	}
	if (len > GDB_PKT_MAX / 2)
		len = GDB_PKT_MAX / 2;
	uint8_t *buf = malloc(len ? len : 1);
	size_t n = buf ? gdb_read_virt(cur_cpu(g), addr, buf, len) : 0;
	if (!n && len) {
		send_str(g, "E14"); /* EFAULT */
	} else {
		struct gdb_text t = { 0 };
		hex_append(&t, buf, n);
		gdb_send(g, t.s ? t.s : "", t.len);
		free(t.s);
	}
	free(buf);
}

/* M (hex data) and X (binary data, '}' escapes) */
static void write_memory(struct gdbstub *g, const char *arg, size_t pktlen,
			 int binary)
{
	uint64_t addr, len;
	const char *end = g->pkt + pktlen;
	if (parse_addr_len(&arg, &addr, &len) != 0 || *arg != ':' ||
	    len > GDB_PKT_MAX) {
		send_str(g, "E01");
		return;
	}
	arg++;
	uint8_t *buf = malloc(len ? len : 1);
	size_t n = 0;
	if (!buf) {
		send_str(g, "E01");
		return;
	}
	if (binary) {
		while (arg < end && n < len) {
			uint8_t b = (uint8_t)*arg++;
			if (b == '}' && arg < end)
				b = (uint8_t)(*arg++ ^ 0x20);
			buf[n++] = b;
		}
	} else {
		n = unhex(arg, buf, len);
	}
	if (n != len)
		send_str(g, "E01");
	else
		send_str(g, gdb_write_virt(cur_cpu(g), addr, buf, len) == len
				    ? "OK" : "E14");
	free(buf);
}

/* Z0/Z1 insert, z0/z1 remove: "TYPE,ADDR,KIND" */
static void breakpoint(struct gdbstub *g, const char *arg, int insert)
{
	uint64_t type, addr;
	if (parse_hex(&arg, &type) != 0 || *arg++ != ',' ||
	    parse_hex(&arg, &addr) != 0) {
		send_str(g, "E01");
		return;
	}
	if (type > 1) { /* watchpoints: gdb falls back to stepping */
		send_str(g, "");
		return;
	}
	int i;
	for (i = 0; i < g->nbp; i++)
		if (g->bp[i].addr == addr && g->bp[i].type == (int)type)
			break;
	if (insert) {
		if (i == g->nbp) {
			if (g->nbp == GDB_MAX_BP) {
				send_str(g, "E28"); /* ENOSPC */
				return;
			}
			g->bp[g->nbp].addr = addr;
			g->bp[g->nbp++].type = (int)type;
		}
	} else if (i < g->nbp) {
		g->bp[i] = g->bp[--g->nbp];
	}
	send_str(g, "OK");
}

static void monitor(struct gdbstub *g, const char *hex)
{
	size_t n = strlen(hex) / 2;
	char *cmd = malloc(n + 1);
	if (!cmd) {
		send_str(g, "E01");
		return;
	}
	cmd[unhex(hex, (uint8_t *)cmd, n)] = 0;
	struct gdb_text out = { 0 };
	gdb_monitor(g, cmd, &out);
	free(cmd);
	/* Console output travels in "O" packets of hex text. */
	for (size_t off = 0; off < out.len; off += 1024) {
		size_t k = out.len - off < 1024 ? out.len - off : 1024;
		struct gdb_text t = { 0 };
		gdb_text_printf(&t, "O");
		hex_append(&t, (const uint8_t *)out.s + off, k);
		gdb_send(g, t.s, t.len);
		free(t.s);
	}
	free(out.s);
	send_str(g, "OK");
}

static void xfer_features(struct gdbstub *g, const char *arg)
{
	const char *name = "target.xml:";
	uint64_t off, len;
	if (strncmp(arg, name, strlen(name)) != 0) {
		send_str(g, "E00");
		return;
	}
	arg += strlen(name);
	if (parse_addr_len(&arg, &off, &len) != 0) {
		send_str(g, "E01");
		return;
	}
	const char *xml = gdb_target_xml();
	size_t total = strlen(xml);
	if (off > total)
		off = total;
	if (len > GDB_PKT_MAX / 2)
		len = GDB_PKT_MAX / 2;
	size_t k = total - off < len ? total - off : len;
	struct gdb_text t = { 0 };
	gdb_text_printf(&t, "%c%.*s", off + k < total ? 'm' : 'l', (int)k,
			xml + off);
	gdb_send(g, t.s, t.len);
	free(t.s);
}

/* Run one instruction on CPU `i` alone and report it. */
static int step(struct gdbstub *g, int i)
{
	if (!valid_cpu(g, i))
		i = valid_cpu(g, g->cur) ? g->cur : 0;
	int why = cpu_run(&g->m->cpus[i], 1);
	g->stop_cpu = g->cur = i;
	g->stop_sig = 5;
	if (why == CPU_STOP_TRIPLE_FAULT || g->m->bus.stop) {
		g->awaiting = 1; /* the run ends: gdb gets "W" */
		g->stopped = 0;
		return why == CPU_STOP_TRIPLE_FAULT ? why : CPU_STOP_BUS;
	}
	send_stop_reply(g);
	return GDB_STAY;
}

static int resume(struct gdbstub *g)
{
	g->stopped = 0;
	g->awaiting = 1;
	g->skip_cpu = g->stop_cpu;
	g->skip_rip = g->m->cpus[g->stop_cpu].rip;
	return GDB_RESUME;
}

/* vCont;ACTION[:THREAD][;ACTION[:THREAD]]...: a step action steps its
 * CPU alone; otherwise everything continues. */
static int vcont(struct gdbstub *g, const char *p)
{
	while (*p == ';') {
		char act = p[1];
		int thread = -1;
		p += 2;
		if (act == 'C' || act == 'S') { /* signal number: ignored */
			uint64_t sig;
			(void)parse_hex(&p, &sig);
		}
		if (*p == ':') {
			p++;
			thread = parse_thread(&p);
		}
		if (act == 's' || act == 'S')
			return step(g, thread >= 0 ? thread : g->cont >= 0 ? g->cont : g->cur);
		while (*p && *p != ';')
			p++;
	}
	return resume(g);
}

static int end_by_kill(struct gdbstub *g)
{
	report_msg(g->m, "killed from gdb after %llu instructions",
		   (unsigned long long)machine_icount(g->m));
	bus_request_stop(&g->m->bus, BUS_STOP_ERROR, EMU_EXIT_GDB_KILL);
	drop_client(g);
	return CPU_STOP_BUS;
}

static int handle_query(struct gdbstub *g, const char *p)
{
	if (strncmp(p, "qSupported", 10) == 0) {
		char r[128];
		snprintf(r, sizeof(r), "PacketSize=%x;qXfer:features:read+;"
			 "QStartNoAckMode+;vContSupported+", GDB_PKT_MAX);
		send_str(g, r);
	} else if (strcmp(p, "QStartNoAckMode") == 0) {
		send_str(g, "OK");
		g->noack = 1;
	} else if (strncmp(p, "qXfer:features:read:", 20) == 0) {
		xfer_features(g, p + 20);
	} else if (strncmp(p, "qAttached", 9) == 0) {
		send_str(g, "1");
	} else if (strcmp(p, "qC") == 0) {
		char r[32];
		snprintf(r, sizeof(r), "QC%x", g->cur + 1);
		send_str(g, r);
	} else if (strcmp(p, "qfThreadInfo") == 0) {
		reply_threads(g);
	} else if (strcmp(p, "qsThreadInfo") == 0) {
		send_str(g, "l");
	} else if (strncmp(p, "qThreadExtraInfo,", 17) == 0) {
		reply_extra_info(g, p + 17);
	} else if (strncmp(p, "qRcmd,", 6) == 0) {
		monitor(g, p + 6);
	} else if (strncmp(p, "qSymbol:", 8) == 0) {
		send_str(g, "OK");
	} else {
		send_str(g, "");
	}
	return GDB_STAY;
}

/* Handle the packet in g->pkt (`n` bytes): GDB_STAY to keep serving,
 * GDB_RESUME when the guest runs on, else an enum cpu_stop. */
static int handle(struct gdbstub *g, size_t n)
{
	const char *p = g->pkt;
	switch (p[0]) {
	case '?':
		send_stop_reply(g);
		break;
	case 'g':
		reply_registers(g);
		break;
	case 'G':
		write_registers(g, p + 1);
		break;
	case 'p':
		reply_one_register(g, p + 1);
		break;
	case 'P':
		write_one_register(g, p + 1);
		break;
	case 'm':
		read_memory(g, p + 1);
		break;
	case 'M':
		write_memory(g, p + 1, n, 0);
		break;
	case 'X':
		write_memory(g, p + 1, n, 1);
		break;
	case 'c':
		return resume(g); /* "c ADDR" (resume elsewhere): unsupported */
	case 's':
		return step(g, g->cont >= 0 ? g->cont : g->cur);
	case 'H': {
		const char *q = p + 2;
		int i = parse_thread(&q);
		if (i == -3 || (i >= 0 && !valid_cpu(g, i))) {
			send_str(g, "E02");
			break;
		}
		if (p[1] == 'g' && i >= 0)
			g->cur = i;
		else if (p[1] == 'c')
			g->cont = i >= 0 ? i : -1;
		send_str(g, "OK");
		break;
	}
	case 'T': {
		const char *q = p + 1;
		send_str(g, valid_cpu(g, parse_thread(&q)) ? "OK" : "E02");
		break;
	}
	case 'Z':
	case 'z':
		breakpoint(g, p + 1, p[0] == 'Z');
		break;
	case 'D':
		send_str(g, "OK");
		drop_client(g);
		return GDB_RESUME;
	case 'k':
		return end_by_kill(g);
	case 'q':
	case 'Q':
		return handle_query(g, p);
	case 'v':
		if (strcmp(p, "vCont?") == 0) {
			send_str(g, "vCont;c;C;s;S");
		} else if (strncmp(p, "vCont;", 6) == 0) {
			return vcont(g, p + 5);
		} else if (strncmp(p, "vKill", 5) == 0) {
			send_str(g, "OK");
			return end_by_kill(g);
		} else {
			send_str(g, "");
		}
		break;
	default:
		send_str(g, "");
	}
	return GDB_STAY;
}

/* Serve gdb while the machine is stopped.  Returns GDB_RESUME when the
 * guest runs on, else an enum cpu_stop for the run loop. */
static int serve(struct gdbstub *g)
{
	if (g->awaiting) {
		g->awaiting = 0;
		send_stop_reply(g);
	}
	while (g->stopped) {
		int n = get_packet(g);
		if (n == -2) {
			g->interrupted = 1;
			return CPU_STOP_BUDGET;
		}
		if (n < 0) { /* gdb went away: as a detach */
			drop_client(g);
			return GDB_RESUME;
		}
		int r = handle(g, (size_t)n);
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

/* Between quanta: a connection (blocking with -S until gdb comes), or a
 * Ctrl-C or hang-up from the connected gdb. */
static void look_at_socket(struct gdbstub *g, int cpu)
{
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
		drop_client(g);
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
		send_str(g, r);
	}
	drop_client(g);
}

void gdbstub_close(struct gdbstub *g)
{
	if (!g)
		return;
	drop_client(g);
	if (g->listen_fd >= 0)
		close(g->listen_fd);
	free(g->out);
	free(g);
}
