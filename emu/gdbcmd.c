/*
 * emu/gdbcmd.c — the packets of gdb's remote serial protocol that mmulab's
 * gdbstub answers, one small function each.  gdbstub.c frames and reads
 * them and calls gdb_handle() while the machine is stopped.
 *
 * Packets handled: ? g G p P m M X c s vCont vCont? H T Z0/Z1 z0/z1 D k
 * vKill qSupported QStartNoAckMode qXfer:features:read qAttached qC
 * qfThreadInfo qsThreadInfo qThreadExtraInfo qRcmd qSymbol; anything else
 * gets the empty reply ("not supported").  Z2..Z4 (watchpoints) are not
 * supported, so gdb falls back to software watchpoints (single steps).
 */
#include "emu/gdbstub.h"

#include <stdlib.h>
#include <string.h>

static const char hexdig[] = "0123456789abcdef";

static int parse_hex(const char **p, uint64_t *v)
{
	const char *s = *p;
	uint64_t x = 0;
	int n = 0;
	for (; gdb_hexval(*s) >= 0 && n < 16; s++, n++)
		x = x << 4 | (uint64_t)gdb_hexval(*s);
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
		int hi = gdb_hexval(s[2 * i]), lo = hi < 0 ? -1 : gdb_hexval(s[2 * i + 1]);
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

static int ncpus(const struct gdbstub *g)
{
	return g->m->ncpus;
}

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
		gdb_send_str(g, "E02");
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
	gdb_send_str(g, bad ? "E01" : "OK");
}

static void reply_one_register(struct gdbstub *g, const char *arg)
{
	uint64_t n;
	struct gdb_text t = { 0 };
	if (parse_hex(&arg, &n) != 0 || n >= (uint64_t)gdb_reg_count()) {
		gdb_send_str(g, "E01");
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
		gdb_send_str(g, "E01");
		return;
	}
	int size = gdb_reg_size((int)n);
	arg++;
	if (unhex(arg, raw, (size_t)size) != (size_t)size) {
		gdb_send_str(g, "E01");
		return;
	}
	gdb_send_str(g, gdb_reg_write(cur_cpu(g), (int)n, raw, size) == 0 ? "OK"
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
		gdb_send_str(g, "E01");
		return;
	}
	if (len > GDB_PKT_MAX / 2)
		len = GDB_PKT_MAX / 2;
	uint8_t *buf = malloc(len ? len : 1);
	size_t n = buf ? gdb_read_virt(cur_cpu(g), addr, buf, len) : 0;
	if (!n && len) {
		gdb_send_str(g, "E14"); /* EFAULT */
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
		gdb_send_str(g, "E01");
		return;
	}
	arg++;
	uint8_t *buf = malloc(len ? len : 1);
	size_t n = 0;
	if (!buf) {
		gdb_send_str(g, "E01");
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
		gdb_send_str(g, "E01");
	else
		gdb_send_str(g, gdb_write_virt(cur_cpu(g), addr, buf, len) == len
				    ? "OK" : "E14");
	free(buf);
}

/* Z0/Z1 insert, z0/z1 remove: "TYPE,ADDR,KIND" */
static void breakpoint(struct gdbstub *g, const char *arg, int insert)
{
	uint64_t type, addr;
	if (parse_hex(&arg, &type) != 0 || *arg++ != ',' ||
	    parse_hex(&arg, &addr) != 0) {
		gdb_send_str(g, "E01");
		return;
	}
	if (type > 1) { /* watchpoints: gdb falls back to stepping */
		gdb_send_str(g, "");
		return;
	}
	int i;
	for (i = 0; i < g->nbp; i++)
		if (g->bp[i].addr == addr && g->bp[i].type == (int)type)
			break;
	if (insert) {
		if (i == g->nbp) {
			if (g->nbp == GDB_MAX_BP) {
				gdb_send_str(g, "E28"); /* ENOSPC */
				return;
			}
			g->bp[g->nbp].addr = addr;
			g->bp[g->nbp++].type = (int)type;
		}
	} else if (i < g->nbp) {
		g->bp[i] = g->bp[--g->nbp];
	}
	gdb_send_str(g, "OK");
}

static void monitor(struct gdbstub *g, const char *hex)
{
	size_t n = strlen(hex) / 2;
	char *cmd = malloc(n + 1);
	if (!cmd) {
		gdb_send_str(g, "E01");
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
	gdb_send_str(g, "OK");
}

static void xfer_features(struct gdbstub *g, const char *arg)
{
	const char *name = "target.xml:";
	uint64_t off, len;
	if (strncmp(arg, name, strlen(name)) != 0) {
		gdb_send_str(g, "E00");
		return;
	}
	arg += strlen(name);
	if (parse_addr_len(&arg, &off, &len) != 0) {
		gdb_send_str(g, "E01");
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
	gdb_send_stop_reply(g);
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
	gdb_drop_client(g);
	return CPU_STOP_BUS;
}

static int handle_query(struct gdbstub *g, const char *p)
{
	if (strncmp(p, "qSupported", 10) == 0) {
		char r[128];
		snprintf(r, sizeof(r), "PacketSize=%x;qXfer:features:read+;"
			 "QStartNoAckMode+;vContSupported+", GDB_PKT_MAX);
		gdb_send_str(g, r);
	} else if (strcmp(p, "QStartNoAckMode") == 0) {
		gdb_send_str(g, "OK");
		g->noack = 1;
	} else if (strncmp(p, "qXfer:features:read:", 20) == 0) {
		xfer_features(g, p + 20);
	} else if (strncmp(p, "qAttached", 9) == 0) {
		gdb_send_str(g, "1");
	} else if (strcmp(p, "qC") == 0) {
		char r[32];
		snprintf(r, sizeof(r), "QC%x", g->cur + 1);
		gdb_send_str(g, r);
	} else if (strcmp(p, "qfThreadInfo") == 0) {
		reply_threads(g);
	} else if (strcmp(p, "qsThreadInfo") == 0) {
		gdb_send_str(g, "l");
	} else if (strncmp(p, "qThreadExtraInfo,", 17) == 0) {
		reply_extra_info(g, p + 17);
	} else if (strncmp(p, "qRcmd,", 6) == 0) {
		monitor(g, p + 6);
	} else if (strncmp(p, "qSymbol:", 8) == 0) {
		gdb_send_str(g, "OK");
	} else {
		gdb_send_str(g, "");
	}
	return GDB_STAY;
}

int gdb_handle(struct gdbstub *g, size_t n)
{
	const char *p = g->pkt;
	switch (p[0]) {
	case '?':
		gdb_send_stop_reply(g);
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
			gdb_send_str(g, "E02");
			break;
		}
		if (p[1] == 'g' && i >= 0)
			g->cur = i;
		else if (p[1] == 'c')
			g->cont = i >= 0 ? i : -1;
		gdb_send_str(g, "OK");
		break;
	}
	case 'T': {
		const char *q = p + 1;
		gdb_send_str(g, valid_cpu(g, parse_thread(&q)) ? "OK" : "E02");
		break;
	}
	case 'Z':
	case 'z':
		breakpoint(g, p + 1, p[0] == 'Z');
		break;
	case 'D':
		gdb_send_str(g, "OK");
		gdb_drop_client(g);
		return GDB_RESUME;
	case 'k':
		return end_by_kill(g);
	case 'q':
	case 'Q':
		return handle_query(g, p);
	case 'v':
		if (strcmp(p, "vCont?") == 0) {
			gdb_send_str(g, "vCont;c;C;s;S");
		} else if (strncmp(p, "vCont;", 6) == 0) {
			return vcont(g, p + 5);
		} else if (strncmp(p, "vKill", 5) == 0) {
			gdb_send_str(g, "OK");
			return end_by_kill(g);
		} else {
			gdb_send_str(g, "");
		}
		break;
	default:
		gdb_send_str(g, "");
	}
	return GDB_STAY;
}

/* Serve gdb while the machine is stopped.  Returns GDB_RESUME when the
 * guest runs on, else an enum cpu_stop for the run loop. */