/*
 * emu/machine.c — one PC: RAM and the bus, the devices, the vCPUs, and the
 * run loop.
 *
 * The run loop is the scheduler of principle 3 in DESIGN.md.  Virtual time
 * (devices/vclock.h) is counted in ticks, one per instruction retired; the
 * loop runs it in slices of --quantum ticks, cut short at the next timer
 * deadline.  In each slice every vCPU in turn, on one host thread, runs
 * up to the slice's length in instructions; one that halts stops early,
 * and its TSC is moved on to the slice's end so that all CPUs' TSCs agree.
 * After the slice the timers that came due fire.  When every vCPU is
 * asleep (HLT with nothing deliverable, or waiting for a Start-up IPI),
 * time jumps to the next timer that could wake one; with none, the run
 * ends "guest halted".
 *
 * Between slices — and only there — the loop looks at the world: a stop a
 * device requested (bus->stop), --max-insns, --timeout, a signal, host
 * input for the UART, and flushes guest output.  Everything a guest sees
 * thus depends only on instruction counts, never on host timing (except
 * UART input arrival and --timeout, which end or feed the run from outside).
 */
#include "emu/emu.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "devices/debugexit.h"
#include "devices/e9.h"

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
	caught_signal = sig;
}

int machine_caught_signal(void)
{
	return caught_signal;
}

void machine_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed stdout loses guest output (write fails with EPIPE) but
	 * does not kill mmulab before it restores the terminal. */
	signal(SIGPIPE, SIG_IGN);
}

int machine_init(struct machine *m, const struct options *o, char *err,
		 size_t errlen)
{
	memset(m, 0, sizeof(*m));
	m->opt = *o;
	m->serial.out_fd = m->serial.in_fd = -1;
	m->console.out_fd = m->console.in_fd = -1;
	m->ata.drive[0].fd = m->ata.drive[1].fd = -1; /* pc_free() is safe early */
	if (bus_init(&m->bus, o->ram_size) != 0) {
		snprintf(err, errlen, "cannot allocate %llu MiB of guest RAM",
			 (unsigned long long)(o->ram_size >> 20));
		return -1;
	}
	uint32_t entry, info;
	if (loader_boot(&m->bus, o, &entry, &info, err, errlen) != 0)
		return -1;

	/* Devices.  The serial backend opens last among the checks so that a
	 * bad kernel never leaves a terminal in raw mode. */
	if (chardev_open(&m->serial, o->serial, err, errlen) != 0)
		return -1;
	struct chardev *e9_out = &m->serial;
	if (m->serial.kind != CHARDEV_STDIO) {
		chardev_open_stdout(&m->console);
		e9_out = &m->console;
	}
	if (uart_init(&m->uart, &m->bus, UART_COM1_BASE, UART_COM1_IRQ,
		      &m->serial) != 0 ||
	    debugexit_init(&m->bus, o->debugexit_base, o->debugexit_size) != 0 ||
	    e9_init(&m->bus, e9_out) != 0) {
		snprintf(err, errlen, "too many devices for the bus");
		return -1;
	}

	vclock_init(&m->clock, o->ips);
	m->ncpus = o->smp > 0 ? o->smp : 1;
	m->cpus = calloc((size_t)m->ncpus, sizeof(*m->cpus));
	m->ran = calloc((size_t)m->ncpus, sizeof(*m->ran));
	if (!m->cpus || !m->ran) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < m->ncpus; i++) {
		if (cpu_init(&m->cpus[i], &m->bus, i) != 0) {
			m->ncpus = i; /* free only those initialised */
			snprintf(err, errlen, "out of memory for CPU %d", i);
			return -1;
		}
		/* --tlb and --no-fastpath: the geometry was checked when the
		 * options were parsed. */
		if (o->tlb || o->no_fastpath) {
			struct tlb_geometry g;
			char why[160];
			if (tlb_parse_geometry(o->tlb, &g, why, sizeof(why)) != 0 ||
			    mmu_configure(&m->cpus[i].mmu, &g, !o->no_fastpath) != 0) {
				snprintf(err, errlen, "%s", o->tlb ? why : "out of memory");
				return -1;
			}
		}
	}
	/* The bootstrap processor enters the kernel; the others wait for
	 * INIT and Start-up IPIs, as the firmware leaves them on a PC. */
	cpu_enter_multiboot(&m->cpus[0], entry, info);
	for (int i = 1; i < m->ncpus; i++)
		cpu_init_ipi(&m->cpus[i]);
	if (pc_init(m, err, errlen) != 0)
		return -1;
	if (o->log_mask & LOG_MMU)
		mmutrace_attach(m, m->log ? m->log : stderr);
	if (o->gdb_port &&
	    !(m->gdb = gdbstub_open(m, o->gdb_port, o->gdb_wait, err, errlen)))
		return -1;
	return 0;
}

uint64_t machine_icount(const struct machine *m)
{
	uint64_t n = 0;
	for (int i = 0; i < m->ncpus; i++)
		n += m->cpus[i].icount;
	return n;
}

static double elapsed(const struct machine *m)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - m->stats.start.tv_sec) +
	       (double)(now.tv_nsec - m->stats.start.tv_nsec) * 1e-9;
}

/* Could halted CPU `c` go on now?  A pending NMI, or an interrupt its
 * controller offers while RFLAGS.IF = 1. */
static int can_wake(const struct cpu *c)
{
	if (c->nmi_pending)
		return 1;
	return (x86_get_rflags(c) & FL_IF) && c->irq &&
	       c->irq->pending(c->irq_opaque) >= 0;
}

/* A vCPU with nothing to do now: waiting for a Start-up IPI, or halted
 * with nothing to deliver. */
static int asleep(const struct cpu *c)
{
	return c->wait_for_sipi || (c->halted && !can_wake(c));
}

static int all_asleep(const struct machine *m)
{
	for (int i = 0; i < m->ncpus; i++)
		if (!asleep(&m->cpus[i]))
			return 0;
	return 1;
}

/* Every CPU asleep and no timer to wake one: only terminal input still
 * could, if the UART may interrupt for it.  Then wait for input (100 ms
 * at most, so that signals and --timeout are looked at) and return 1. */
static int wait_for_input(struct machine *m)
{
	if (m->serial.in_fd < 0 || !(m->uart.ier & 1) ||
	    !pc_irq_wakes(m, m->uart.irq))
		return 0;
	struct pollfd p = { .fd = m->serial.in_fd, .events = POLLIN };
	poll(&p, 1, 100);
	return 1;
}

/* Move virtual time on by `ticks` that no CPU spent executing: every
 * TSC moves with it. */
static void skip_time(struct machine *m, uint64_t ticks)
{
	for (int i = 0; i < m->ncpus; i++)
		m->cpus[i].tsc_offset += ticks;
	m->clock.base += ticks;
}

static void flush_output(struct machine *m)
{
	if (m->serial.out_fd >= 0)
		chardev_flush(&m->serial);
	if (m->console.out_fd >= 0)
		chardev_flush(&m->console);
}

/* End the run with `status`; statistics when `stats` or --stats. */
static int finish(struct machine *m, int status, int stats)
{
	clock_gettime(CLOCK_MONOTONIC, &m->stats.end);
	flush_output(m);
	if (m->at_end)
		m->at_end(m, m->hook_opaque);
	if (m->gdb)
		gdbstub_end(m->gdb, status);
	if (stats || m->opt.stats) {
		report_stats(m);
		pc_report_stats(m);
	}
	if (m->opt.stats_json && stats_write_json(m, m->opt.stats_json) != 0)
		report_msg(m, "--stats: cannot write '%s': %s", m->opt.stats_json,
			   strerror(errno));
	m->status = status;
	return status;
}

int machine_run(struct machine *m)
{
	const struct options *o = &m->opt;
	clock_gettime(CLOCK_MONOTONIC, &m->stats.start);
	for (;;) {
		if (caught_signal) {
			int sig = caught_signal;
			report_msg(m, "%s: stopped after %llu instructions",
				   sig == SIGINT ? "interrupted" : "terminated",
				   (unsigned long long)machine_icount(m));
			return finish(m, sig == SIGINT ? EMU_EXIT_INTERRUPTED
						       : EMU_EXIT_TERMINATED, 1);
		}
		uint64_t done = machine_icount(m);
		if (o->max_insns && done >= o->max_insns) {
			report_msg(m, "instruction limit reached (%llu instructions)",
				   (unsigned long long)done);
			return finish(m, EMU_EXIT_LIMIT, 0);
		}
		if (o->timeout > 0 && elapsed(m) >= o->timeout) {
			report_msg(m, "timeout: %g seconds passed (%llu instructions)",
				   o->timeout, (unsigned long long)done);
			return finish(m, EMU_EXIT_LIMIT, 0);
		}
		uart_poll_input(&m->uart);
		if (m->serial.quit) {
			report_msg(m, "quit (Ctrl-A X) after %llu instructions",
				   (unsigned long long)done);
			return finish(m, EMU_EXIT_QUIT, 0);
		}
		if (m->before_slice)
			m->before_slice(m, m->hook_opaque);

		/* The slice: a quantum of virtual time, ending no later than
		 * the next timer deadline. */
		struct vclock *k = &m->clock;
		uint64_t len = o->quantum, next = vclock_next(k);
		if (next != VTIMER_OFF && next > k->base && next - k->base < len)
			len = next - k->base;
		if (m->slice_cap && m->slice_cap < len)
			len = m->slice_cap;
		for (int i = 0; i < m->ncpus; i++) {
			struct cpu *c = &m->cpus[i];
			m->ran[i] = 0;
			if (m->bus.stop || asleep(c))
				continue;
			uint64_t budget = len;
			done = machine_icount(m);
			if (o->max_insns && o->max_insns - done < budget)
				budget = o->max_insns - done;
			if (!budget)
				break;
			m->bus.cpu_current = i;
			k->icount = &c->icount;
			k->icount0 = c->icount;
			int why = m->gdb ? gdbstub_run(m->gdb, c, budget)
					 : cpu_run(c, budget);
			m->ran[i] = c->icount - k->icount0;
			k->icount = NULL;
			if (why == CPU_STOP_TRIPLE_FAULT) {
				const char *msg = c->shutdown_msg;
				if (strncmp(msg, "triple fault: ", 14) == 0)
					msg += 14;
				report_msg(m, "triple fault on CPU %d: %s", c->id,
					   msg[0] ? msg : "shutdown");
				report_cpu(m, c);
				return finish(m, EMU_EXIT_TRIPLE_FAULT, 0);
			}
			if (why == CPU_STOP_HALT)
				m->stats.halts++;
		}
		/* Every CPU reaches the end of the slice; those that stopped
		 * early (HLT) keep their TSC in step with the others. */
		for (int i = 0; i < m->ncpus; i++)
			if (m->ran[i] < len)
				m->cpus[i].tsc_offset += len - m->ran[i];
		k->base += len;
		vclock_fire_due(k, k->base);
		m->stats.quanta++;
		flush_output(m);
		if (m->bus.stop)
			return finish(m, m->bus.exit_status, 0);
		if (all_asleep(m) && vclock_can_wake(k)) {
			/* Nothing runs until the next timer: jump to it (and
			 * look at signals and limits again before going on). */
			next = vclock_next(k);
			skip_time(m, next > k->base ? next - k->base : 0);
			vclock_fire_due(k, k->base);
			m->stats.time_jumps++;
			continue;
		}
		if (all_asleep(m) && wait_for_input(m))
			continue;
		if (all_asleep(m)) {
			struct cpu *c = &m->cpus[0];
			report_msg(m, "guest halted (CPU %d at 0x%llx, interrupts %s)",
				   c->id, (unsigned long long)c->rip,
				   (x86_get_rflags(c) & FL_IF) ? "on, nothing to wake it"
							       : "off");
			return finish(m, EMU_EXIT_HALTED, 0);
		}
	}
}

void machine_free(struct machine *m)
{
	gdbstub_close(m->gdb);
	m->gdb = NULL;
	obsfan_free(m);
	for (int i = 0; i < m->ncpus; i++)
		cpu_free(&m->cpus[i]);
	free(m->cpus);
	m->cpus = NULL;
	free(m->ran);
	m->ran = NULL;
	pc_free(m);
	m->ncpus = 0;
	chardev_close(&m->serial);
	chardev_close(&m->console);
	bus_free(&m->bus);
}
