/*
 * emu/machine.c — one PC: RAM and the bus, the devices, the vCPUs, and the
 * run loop.
 *
 * The run loop is the scheduler of principle 3 in DESIGN.md: on one host
 * thread, each vCPU in turn runs a quantum (--quantum instructions).
 * Between quanta — and only there — the loop looks at the world: a stop
 * a device requested (bus->stop), --max-insns, --timeout, a signal, host
 * input for the UART, and flushes guest output.  Everything a guest sees
 * thus depends only on instruction counts, never on host timing (except
 * UART input arrival and --timeout, which end or feed the run from outside).
 */
#include "emu/emu.h"

#include <stdlib.h>
#include <string.h>

#include "devices/debugexit.h"
#include "devices/e9.h"

static volatile sig_atomic_t caught_signal;

static void on_signal(int sig)
{
	caught_signal = sig;
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

	m->ncpus = 1;
	m->cpus = calloc((size_t)m->ncpus, sizeof(*m->cpus));
	if (!m->cpus) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < m->ncpus; i++) {
		if (cpu_init(&m->cpus[i], &m->bus, i) != 0) {
			m->ncpus = i; /* free only those initialised */
			snprintf(err, errlen, "out of memory for CPU %d", i);
			return -1;
		}
	}
	/* The bootstrap processor enters the kernel; the others, once -smp
	 * exists, wait for INIT/SIPI. */
	cpu_enter_multiboot(&m->cpus[0], entry, info);
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

/* Could anything ever bring halted CPU `c` back?  An interrupt, if
 * interrupts are enabled and some device can raise one, or a pending NMI. */
static int can_wake(const struct cpu *c)
{
	if (c->nmi_pending)
		return 1;
	return (x86_get_rflags(c) & FL_IF) && c->irq &&
	       c->irq->pending(c->irq_opaque) >= 0;
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
	if (m->gdb)
		gdbstub_end(m->gdb, status);
	if (stats || m->opt.stats)
		report_stats(m);
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

		uint64_t budget = o->quantum;
		if (o->max_insns && o->max_insns - done < budget)
			budget = o->max_insns - done;
		int asleep = 0;
		for (int i = 0; i < m->ncpus && !m->bus.stop; i++) {
			struct cpu *c = &m->cpus[i];
			if (c->halted && !can_wake(c)) {
				asleep++;
				continue;
			}
			int why = m->gdb ? gdbstub_run(m->gdb, c, budget)
					 : cpu_run(c, budget);
			if (why == CPU_STOP_TRIPLE_FAULT) {
				const char *msg = c->shutdown_msg;
				if (strncmp(msg, "triple fault: ", 14) == 0)
					msg += 14;
				report_msg(m, "triple fault on CPU %d: %s", c->id,
					   msg[0] ? msg : "shutdown");
				report_cpu(m, c);
				return finish(m, EMU_EXIT_TRIPLE_FAULT, 0);
			}
			if (why == CPU_STOP_HALT) {
				m->stats.halts++;
				if (!can_wake(c))
					asleep++;
			}
		}
		m->stats.quanta++;
		flush_output(m);
		if (m->bus.stop)
			return finish(m, m->bus.exit_status, 0);
		if (asleep == m->ncpus) {
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
	for (int i = 0; i < m->ncpus; i++)
		cpu_free(&m->cpus[i]);
	free(m->cpus);
	m->cpus = NULL;
	m->ncpus = 0;
	chardev_close(&m->serial);
	chardev_close(&m->console);
	bus_free(&m->bus);
}
