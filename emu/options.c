/*
 * emu/options.c — mmulab's command line.  Options are spelled as QEMU
 * spells them where QEMU has them, so a QEMU command line that boots a
 * Multiboot kernel boots it in mmulab; mmulab's own options are long ones.
 * Every option may be written with one or two dashes, and a long option's
 * value may follow an '=' (--timeout=5).
 */
#include "emu/emu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void options_usage(FILE *f)
{
	fputs("usage: mmulab [options] KERNEL\n"
	      "Boot a Multiboot v1 kernel (as qemu-system-x86_64 -kernel does).\n"
	      "\n"
	      "QEMU-compatible options:\n"
	      "  -kernel FILE        the kernel (instead of the KERNEL argument)\n"
	      "  -append STRING      kernel command line (after the kernel path)\n"
	      "  -initrd \"F [ARGS][,F [ARGS]...]\"\n"
	      "                      Multiboot modules; ',,' is a literal comma\n"
	      "  -m SIZE             guest RAM: 256 (MiB), 256M, 1G; default 128M,\n"
	      "                      2M to 3G\n"
	      "  -serial DEV         COM1 output: stdio (default), file:PATH, none\n"
	      "  -device isa-debug-exit[,iobase=0xf4][,iosize=4]\n"
	      "                      where the exit device sits (it is always there)\n"
	      "  -s                  gdbstub on tcp::1234 (same as -gdb tcp::1234)\n"
	      "  -gdb tcp::PORT      gdbstub on 127.0.0.1:PORT (gdb: target remote :PORT)\n"
	      "  -S                  start stopped: run when gdb says continue\n"
	      "  -smp N              N vCPUs (1 to 64; also cpus=N), default 1\n"
	      "  -drive file=PATH,format=raw[,index=0|1][,if=ide][,media=disk]\n"
	      "                      raw disk image on the primary ATA channel:\n"
	      "                      index 0 master (default), 1 slave\n"
	      "  -d ITEMS            log ITEMS (comma list: ipi, ata, irq, mmu; 'help');\n"
	      "                      mmu: page walks, TLB fills, evictions and\n"
	      "                      invalidations, page faults, CR3 writes\n"
	      "  -D FILE             write the -d log to FILE (default stderr)\n"
	      "  -display none|sdl[,OPTS]|png:DIR[,every=MS][,OPTS]\n"
	      "                      the visualiser: none (default), an SDL window\n"
	      "                      (keys: h for help), or PNG snapshots written to\n"
	      "                      DIR at the end and every MS ms of virtual time;\n"
	      "                      OPTS: cpu=N (vCPU shown), frame=PFN (frame\n"
	      "                      inspected), walk=ADDR (walk shown), overlay=\n"
	      "                      heat|ad; sdl only: paused (start paused), hold\n"
	      "                      (window stays at the end), shots=DIR (F12)\n"
	      "  -no-reboot, -accel ACCEL\n"
	      "                      accepted for compatibility (a triple fault always\n"
	      "                      ends the run)\n"
	      "\n"
	      "mmulab options:\n"
	      "  --max-insns N       stop after N instructions (status 4)\n"
	      "  --timeout SECONDS   stop after SECONDS of host time (status 4)\n"
	      "  --quantum N         instructions per vCPU turn (default 10000)\n"
	      "  --ips N             virtual instructions per second (default 1e9:\n"
	      "                      1 ns each); timers and the RTC run on it\n"
	      "  --version           mmulab's version\n"
	      "  --stats[=FILE.json] print statistics when the run ends; with a\n"
	      "                      .json file, every TLB and MMU counter of every\n"
	      "                      vCPU is written there too (--stats FILE.json)\n"
	      "  --no-fastpath       no host-pointer cache: every access looks the\n"
	      "                      TLB model up (same statistics, slower)\n"
	      , f);
	fputs(tlb_help, f);
	fputs("  -h, --help          this text\n"
	      "\n"
	      "Guest output: COM1 (0x3F8) goes to -serial, port 0xE9 to stdout.\n"
	      "mmulab's own messages go to stderr, each starting with \"mmulab: \".\n"
	      "\n"
	      "Exit status:\n"
	      "  odd   the guest wrote V to isa-debug-exit: (V << 1) | 1\n"
	      "  0     --help, or Ctrl-A X typed at the terminal (as QEMU)\n"
	      "  2     bad input (command line, kernel or module file)\n"
	      "  4     --max-insns or --timeout reached\n"
	      "  6     triple fault (register dump and last instructions on stderr)\n"
	      "  8     guest halted (every CPU halted, nothing can wake it)\n"
	      "  10    killed from gdb\n"
	      "  130   interrupted by Ctrl-C (143 by SIGTERM)\n",
	      f);
}

/* Unsigned integer, decimal or 0x-hex, the whole string. */
static int parse_u64(const char *s, uint64_t *v)
{
	if (!*s || *s == '-')
		return -1;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*v = x;
	return 0;
}

int options_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen)
{
	const char *p = strncmp(s, "size=", 5) == 0 ? s + 5 : s;
	char *end;
	errno = 0;
	unsigned long long x = strtoull(p, &end, 10);
	uint64_t shift = 20; /* no suffix: MiB, as QEMU */
	if (end == p || errno || *p == '-')
		goto bad;
	switch (*end) {
	case 0:
		break;
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	case 't': case 'T':
		shift = 40;
		end++;
		break;
	default:
		goto bad;
	}
	if (*end == 'B' || *end == 'b' || (*end == 'i' && end[1] == 'B'))
		end += *end == 'i' ? 2 : 1;
	if (*end || x > (RAM_MAX >> shift) + 1)
		goto range;
	*bytes = (uint64_t)x << shift;
	if (*bytes < RAM_MIN || *bytes > RAM_MAX)
		goto range;
	if (*bytes & 0xfff) {
		snprintf(err, errlen, "-m %s: not a multiple of 4 KiB", s);
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "-m %s: not a size (examples: 256, 256M, 1G)", s);
	return -1;
range:
	snprintf(err, errlen, "-m %s: RAM must be between %llu MiB and %llu MiB", s,
		 RAM_MIN >> 20, RAM_MAX >> 20);
	return -1;
}

/* -device isa-debug-exit[,iobase=N][,iosize=N] */
static int parse_device(struct options *o, const char *s, char *err,
			size_t errlen)
{
	const char *name = "isa-debug-exit";
	size_t n = strlen(name);
	if (strncmp(s, name, n) != 0 || (s[n] && s[n] != ',')) {
		snprintf(err, errlen, "-device %s: unsupported device "
			 "(only isa-debug-exit)", s);
		return -1;
	}
	for (const char *p = s + n; *p == ',';) {
		p++;
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		char prop[64];
		uint64_t v;
		if (len >= sizeof(prop))
			goto bad;
		memcpy(prop, p, len);
		prop[len] = 0;
		char *eq = strchr(prop, '=');
		if (!eq || parse_u64(eq + 1, &v) != 0 || v > 0xffff)
			goto bad;
		*eq = 0;
		if (strcmp(prop, "iobase") == 0)
			o->debugexit_base = (uint16_t)v;
		else if (strcmp(prop, "iosize") == 0 && v >= 1 && v <= 4)
			o->debugexit_size = (uint16_t)v;
		else
			goto bad;
		p += len;
	}
	return 0;
bad:
	snprintf(err, errlen, "-device %s: bad property (iobase=N, iosize=1..4)", s);
	return -1;
}

enum opt_id {
	OPT_KERNEL, OPT_APPEND, OPT_INITRD, OPT_M, OPT_SERIAL, OPT_DEVICE,
	OPT_DISPLAY, OPT_NO_REBOOT, OPT_ACCEL, OPT_MAX_INSNS, OPT_TIMEOUT,
	OPT_QUANTUM, OPT_STATS, OPT_HELP, OPT_GDB_S, OPT_GDB, OPT_GDB_WAIT,
	OPT_SMP, OPT_DRIVE, OPT_LOG, OPT_LOG_FILE, OPT_IPS, OPT_VERSION,
	OPT_TLB, OPT_NO_FASTPATH,
};

static const struct {
	const char *name; /* without leading dashes */
	int id;
	int has_arg;
} opt_table[] = {
	{ "kernel", OPT_KERNEL, 1 },     { "append", OPT_APPEND, 1 },
	{ "initrd", OPT_INITRD, 1 },     { "m", OPT_M, 1 },
	{ "serial", OPT_SERIAL, 1 },     { "device", OPT_DEVICE, 1 },
	{ "display", OPT_DISPLAY, 1 },   { "no-reboot", OPT_NO_REBOOT, 0 },
	{ "accel", OPT_ACCEL, 1 },       { "max-insns", OPT_MAX_INSNS, 1 },
	{ "timeout", OPT_TIMEOUT, 1 },   { "quantum", OPT_QUANTUM, 1 },
	{ "stats", OPT_STATS, 0 },       { "h", OPT_HELP, 0 },
	{ "help", OPT_HELP, 0 },         { "s", OPT_GDB_S, 0 },
	{ "gdb", OPT_GDB, 1 },           { "S", OPT_GDB_WAIT, 0 },
	{ "smp", OPT_SMP, 1 },           { "drive", OPT_DRIVE, 1 },
	{ "d", OPT_LOG, 1 },             { "D", OPT_LOG_FILE, 1 },
	{ "ips", OPT_IPS, 1 },           { "version", OPT_VERSION, 0 },
	{ "tlb", OPT_TLB, 1 },           { "no-fastpath", OPT_NO_FASTPATH, 0 },
};

/* One OPT of a -display value (the text after a comma, up to the next
 * one, `n` bytes): 0, or -1 when it is not one the kind takes. */
static int display_opt(struct display_spec *d, const char *opt, size_t n)
{
	char buf[1100];
	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, opt, n);
	buf[n] = 0;
	char *eq = strchr(buf, '=');
	const char *val = eq ? eq + 1 : NULL;
	uint64_t v;
	if (eq)
		*eq = 0;
	if (d->kind == DISPLAY_PNG && !strcmp(buf, "every") && val)
		return parse_u64(val, &d->every_ms) == 0 && d->every_ms > 0 ? 0 : -1;
	if (!strcmp(buf, "cpu") && val) {
		if (parse_u64(val, &v) != 0 || v >= 64)
			return -1;
		d->cpu = (int)v;
		return 0;
	}
	if (!strcmp(buf, "frame") && val) {
		d->has_frame = 1;
		return parse_u64(val, &d->frame);
	}
	if (!strcmp(buf, "walk") && val) {
		d->has_walk = 1;
		return parse_u64(val, &d->walk);
	}
	if (!strcmp(buf, "overlay") && val) {
		static const char *const names[] = { "none", "heat", "ad" };
		for (int i = 0; i < 3; i++)
			if (!strcmp(val, names[i])) {
				d->overlay = i;
				return 0;
			}
		return -1;
	}
	if (d->kind == DISPLAY_SDL && !strcmp(buf, "paused") && !val) {
		d->paused = 1;
		return 0;
	}
	if (d->kind == DISPLAY_SDL && !strcmp(buf, "hold") && !val) {
		d->hold = 1;
		return 0;
	}
	if (d->kind == DISPLAY_SDL && !strcmp(buf, "shots") && val && *val &&
	    strlen(val) < sizeof(d->dir)) {
		strcpy(d->dir, val);
		return 0;
	}
	return -1;
}

int options_parse_display(const char *s, struct display_spec *d, char *err,
			  size_t errlen)
{
	memset(d, 0, sizeof(*d));
	const char *opts = NULL;
	if (strcmp(s, "none") == 0) {
		d->kind = DISPLAY_NONE;
		return 0;
	}
	if (strncmp(s, "sdl", 3) == 0 && (s[3] == 0 || s[3] == ',')) {
		d->kind = DISPLAY_SDL;
		opts = s + 3;
	} else if (strncmp(s, "png:", 4) == 0) {
		const char *dir = s + 4, *comma = strchr(dir, ',');
		size_t n = comma ? (size_t)(comma - dir) : strlen(dir);
		d->kind = DISPLAY_PNG;
		if (n == 0 || n >= sizeof(d->dir))
			goto bad;
		memcpy(d->dir, dir, n);
		d->dir[n] = 0;
		opts = dir + n;
	} else {
		goto bad;
	}
	while (*opts == ',') {
		const char *o = opts + 1, *next = strchr(o, ',');
		size_t n = next ? (size_t)(next - o) : strlen(o);
		if (display_opt(d, o, n) != 0)
			goto bad;
		opts = o + n;
	}
	return 0;
bad:
	snprintf(err, errlen, "-display %s: expected none, sdl or png:DIR, each "
		 "with ,OPT...: cpu=N, frame=PFN, walk=ADDR, overlay=heat|ad|none; "
		 "png: every=MS; sdl: paused, hold, shots=DIR", s);
	return -1;
}

/* -gdb tcp::PORT (also tcp:localhost:PORT, tcp:127.0.0.1:PORT): the stub
 * listens on the loopback interface only. */
static int parse_gdb(struct options *o, const char *s, char *err, size_t errlen)
{
	static const char *const prefixes[] = { "tcp::", "tcp:localhost:",
						"tcp:127.0.0.1:" };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		uint64_t port;
		if (strncmp(s, prefixes[i], n) == 0 && parse_u64(s + n, &port) == 0 &&
		    port >= 1 && port <= 65535) {
			o->gdb_port = (int)port;
			return 0;
		}
	}
	snprintf(err, errlen, "-gdb %s: expected tcp::PORT (loopback only, "
		 "PORT 1..65535)", s);
	return -1;
}

/* -smp N or -smp cpus=N[,maxcpus=N]: QEMU's topology keys are not
 * modelled, so any other key is refused rather than ignored. */
static int parse_smp(struct options *o, const char *s, char *err, size_t errlen)
{
	char buf[64];
	uint64_t n;
	snprintf(buf, sizeof(buf), "%s", s);
	char *comma = strchr(buf, ',');
	if (comma)
		*comma = 0;
	const char *num = strncmp(buf, "cpus=", 5) == 0 ? buf + 5 : buf;
	if (strlen(s) >= sizeof(buf) || parse_u64(num, &n) != 0 || n < 1 ||
	    n > MACHINE_MAX_CPUS || (comma && strncmp(comma + 1, "maxcpus=", 8) != 0)) {
		snprintf(err, errlen, "-smp %s: expected a CPU count from 1 to %d "
			 "(N or cpus=N)", s, MACHINE_MAX_CPUS);
		return -1;
	}
	o->smp = (int)n;
	return 0;
}

/* -drive file=PATH,format=raw[,index=0|1][,if=ide][,media=disk] */
static int parse_drive(struct options *o, const char *s, char *err,
		       size_t errlen)
{
	const char *file = NULL;
	int index = -1;
	for (const char *p = s; *p;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (strncmp(p, "file=", 5) == 0) {
			/* The file name runs to the next comma (QEMU's ",," for
			 * a comma in a name is not supported). */
			file = p + 5;
			if (len == 5)
				goto bad;
		} else if (len == 10 && strncmp(p, "format=raw", 10) == 0) {
		} else if (len == 6 && strncmp(p, "if=ide", 6) == 0) {
		} else if (len == 10 && strncmp(p, "media=disk", 10) == 0) {
		} else if (len == 7 && (strncmp(p, "index=0", 7) == 0 ||
					strncmp(p, "index=1", 7) == 0)) {
			index = p[6] - '0';
		} else if (strncmp(p, "format=", 7) == 0) {
			snprintf(err, errlen, "-drive %s: only format=raw is supported", s);
			return -1;
		} else {
			goto bad;
		}
		p += len + (comma != NULL);
	}
	if (!file)
		goto bad;
	if (index < 0)
		index = o->drive[0][0] ? 1 : 0;
	if (o->drive[index][0]) {
		snprintf(err, errlen, "-drive %s: drive index %d is already given", s,
			 index);
		return -1;
	}
	/* Keep only the name: it ends at the first comma. */
	size_t n = strcspn(file, ",");
	if (n >= sizeof(o->drive[index])) {
		snprintf(err, errlen, "-drive: file name longer than %zu bytes",
			 sizeof(o->drive[index]) - 1);
		return -1;
	}
	memcpy(o->drive[index], file, n);
	o->drive[index][n] = 0;
	return 0;
bad:
	snprintf(err, errlen, "-drive %s: expected file=PATH,format=raw"
		 "[,index=0|1][,if=ide][,media=disk]", s);
	return -1;
}

static const char *const log_names[] = { "ipi", "ata", "irq", "mmu" };

/* -d ITEM[,ITEM...] */
static int parse_log(struct options *o, const char *s, char *err, size_t errlen)
{
	unsigned mask = 0;
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, ",");
		size_t k;
		for (k = 0; k < sizeof(log_names) / sizeof(log_names[0]); k++)
			if (strlen(log_names[k]) == len && strncmp(p, log_names[k], len) == 0)
				break;
		if (k == sizeof(log_names) / sizeof(log_names[0])) {
			snprintf(err, errlen, "-d %s: unknown log item '%.*s' (items: "
				 "ipi, ata, irq, mmu)", s, (int)len, p);
			return -1;
		}
		mask |= 1u << k;
		p += len + (p[len] == ',');
	}
	o->log_mask = mask;
	return 0;
}

void options_version(FILE *f)
{
	fputs("mmulab " MMULAB_VERSION " - an instruction-level x86-64 PC emulator\n", f);
}

static int apply(struct options *o, int id, const char *opt, const char *arg,
		 char *err, size_t errlen)
{
	switch (id) {
	case OPT_KERNEL:
		o->kernel = arg;
		return 0;
	case OPT_APPEND:
		o->append = arg;
		return 0;
	case OPT_INITRD:
		o->initrd = arg;
		return 0;
	case OPT_M:
		return options_parse_size(arg, &o->ram_size, err, errlen);
	case OPT_SERIAL:
		o->serial = arg;
		return 0;
	case OPT_DEVICE:
		return parse_device(o, arg, err, errlen);
	case OPT_DISPLAY: {
		struct display_spec d;
		if (options_parse_display(arg, &d, err, errlen) != 0)
			return -1;
		o->display = arg;
		return 0;
	}
	case OPT_NO_REBOOT:
		o->no_reboot = 1;
		return 0;
	case OPT_ACCEL:
		return 0; /* mmulab always interprets */
	case OPT_MAX_INSNS:
		if (parse_u64(arg, &o->max_insns) != 0 || o->max_insns == 0)
			break;
		return 0;
	case OPT_TIMEOUT: {
		char *end;
		errno = 0;
		o->timeout = strtod(arg, &end);
		if (end == arg || *end || errno || !(o->timeout > 0))
			break;
		return 0;
	}
	case OPT_QUANTUM:
		if (parse_u64(arg, &o->quantum) != 0 || o->quantum == 0)
			break;
		return 0;
	case OPT_STATS:
		o->stats = 1;
		return 0;
	case OPT_TLB: {
		struct tlb_geometry g;
		char why[160];
		if (tlb_parse_geometry(arg, &g, why, sizeof(why)) != 0) {
			snprintf(err, errlen, "%s", why);
			return -1;
		}
		o->tlb = arg;
		return 0;
	}
	case OPT_NO_FASTPATH:
		o->no_fastpath = 1;
		return 0;
	case OPT_GDB_S:
		o->gdb_port = 1234;
		return 0;
	case OPT_GDB:
		return parse_gdb(o, arg, err, errlen);
	case OPT_GDB_WAIT:
		o->gdb_wait = 1;
		return 0;
	case OPT_SMP:
		return parse_smp(o, arg, err, errlen);
	case OPT_DRIVE:
		return parse_drive(o, arg, err, errlen);
	case OPT_LOG:
		if (strcmp(arg, "help") == 0) {
			snprintf(err, errlen, "-d items: ipi (APIC messages), ata "
				 "(disk commands), irq (interrupt lines)");
			return -1;
		}
		return parse_log(o, arg, err, errlen);
	case OPT_LOG_FILE:
		o->log_file = arg;
		return 0;
	case OPT_IPS:
		if (parse_u64(arg, &o->ips) != 0 || o->ips < 1000)
			break;
		return 0;
	}
	snprintf(err, errlen, "%s %s: expected a positive number", opt, arg);
	return -1;
}

int options_parse(struct options *o, int argc, char **argv, char *err,
		  size_t errlen)
{
	memset(o, 0, sizeof(*o));
	o->append = "";
	o->serial = "stdio";
	o->ram_size = RAM_DEFAULT;
	o->quantum = QUANTUM_DEFAULT;
	o->debugexit_base = 0xf4;
	o->debugexit_size = 4;
	o->smp = 1;
	o->ips = 1000000000ull;

	const char *positional = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == 0) {
			if (positional) {
				snprintf(err, errlen, "more than one kernel ('%s', '%s')",
					 positional, a);
				return -1;
			}
			positional = a;
			continue;
		}
		const char *name = a + 1 + (a[1] == '-');
		const char *inline_arg = NULL;
		char buf[32];
		const char *eq = a[1] == '-' ? strchr(name, '=') : NULL;
		if (eq && (size_t)(eq - name) < sizeof(buf)) {
			memcpy(buf, name, (size_t)(eq - name));
			buf[eq - name] = 0;
			name = buf;
			inline_arg = eq + 1;
		}
		size_t k;
		for (k = 0; k < sizeof(opt_table) / sizeof(opt_table[0]); k++)
			if (strcmp(name, opt_table[k].name) == 0)
				break;
		if (k == sizeof(opt_table) / sizeof(opt_table[0])) {
			snprintf(err, errlen, "unknown option '%s' (try --help)", a);
			return -1;
		}
		if (opt_table[k].id == OPT_HELP)
			return 1;
		if (opt_table[k].id == OPT_VERSION)
			return 2;
		const char *arg = NULL;
		if (opt_table[k].has_arg) {
			if (inline_arg)
				arg = inline_arg;
			else if (i + 1 < argc)
				arg = argv[++i];
			else {
				snprintf(err, errlen, "option '%s' needs an argument", a);
				return -1;
			}
		} else if (opt_table[k].id == OPT_STATS) {
			/* --stats=FILE.json, or --stats FILE.json (a next word
			 * ending in .json is the statistics file, not a kernel). */
			size_t n = i + 1 < argc ? strlen(argv[i + 1]) : 0;
			if (inline_arg)
				o->stats_json = inline_arg;
			else if (n > 5 && strcmp(argv[i + 1] + n - 5, ".json") == 0)
				o->stats_json = argv[++i];
			if (o->stats_json && !*o->stats_json) {
				snprintf(err, errlen, "option '%s' needs a file name", a);
				return -1;
			}
		} else if (inline_arg) {
			snprintf(err, errlen, "option '%s' takes no argument", a);
			return -1;
		}
		if (apply(o, opt_table[k].id, a, arg, err, errlen) != 0)
			return -1;
	}
	if (positional && o->kernel) {
		snprintf(err, errlen, "kernel given twice ('%s' and -kernel '%s')",
			 positional, o->kernel);
		return -1;
	}
	if (positional)
		o->kernel = positional;
	if (o->gdb_wait && !o->gdb_port) {
		snprintf(err, errlen, "-S needs -s or -gdb tcp::PORT (nothing "
			 "else could start the CPUs)");
		return -1;
	}
	if (!o->kernel) {
		snprintf(err, errlen, "no kernel given (usage: mmulab [options] KERNEL; "
			 "try --help)");
		return -1;
	}
	return 0;
}
