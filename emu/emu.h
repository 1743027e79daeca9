/*
 * emu/emu.h — the face of emu/: the program around the CPU.  Grouped by
 * file: options.c parses the command line, loader.c puts a Multiboot kernel
 * and its modules in RAM, machine.c assembles and runs a machine, report.c
 * writes mmulab's own messages (crash and halt reports, statistics).
 *
 * Exit statuses (also in emu/README.md and --help):
 *
 *   odd      the guest wrote v to isa-debug-exit: (v << 1) | 1, as QEMU
 *   0        -h / --help
 *   2        bad input: command line, kernel or module file
 *   4        --max-insns or --timeout reached
 *   6        triple fault
 *   8        guest halted: every CPU halted with nothing that could wake it
 *   10       killed from gdb (kill)
 *   130      interrupted (SIGINT, Ctrl-C); 143 on SIGTERM
 */
#ifndef MMULAB_EMU_EMU_H
#define MMULAB_EMU_EMU_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "cpu/x86/cpu.h"
#include "devices/bus.h"
#include "devices/chardev.h"
#include "devices/uart16550.h"
#include "devices/apic.h"
#include "devices/ata.h"
#include "devices/ownership.h"
#include "devices/fwcfg.h"
#include "devices/ioapic.h"
#include "devices/pcmisc.h"
#include "devices/pic.h"
#include "devices/pit.h"
#include "devices/rtc.h"
#include "devices/vclock.h"

#define EMU_EXIT_BAD_INPUT 2
#define EMU_EXIT_LIMIT 4
#define EMU_EXIT_TRIPLE_FAULT 6
#define EMU_EXIT_HALTED 8
#define EMU_EXIT_GDB_KILL 10
#define EMU_EXIT_QUIT 0 /* Ctrl-A X at the terminal, as QEMU */
#define EMU_EXIT_INTERRUPTED 130
#define EMU_EXIT_TERMINATED 143

#define EMU_ERR 256 /* size of the one-line error buffers */

/* ---- options.c ---- */

#define RAM_MIN (2ull << 20)
#define RAM_MAX (3ull << 30)
#define RAM_DEFAULT (128ull << 20)
#define QUANTUM_DEFAULT 10000

struct options {
	const char *kernel;
	const char *append;  /* "" when not given */
	const char *initrd;  /* NULL when not given */
	const char *serial;  /* "stdio", "file:PATH" or "none" */
	uint64_t ram_size;   /* bytes */
	uint64_t max_insns;  /* 0: no limit */
	double timeout;      /* seconds of host time, 0: none */
	uint64_t quantum;    /* instructions per vCPU turn */
	uint16_t debugexit_base, debugexit_size;
	int no_reboot;       /* accepted; a triple fault always ends the run */
	int stats;           /* print statistics at every end of run */
	int gdb_port;        /* -s / -gdb tcp::PORT; 0: no gdbstub */
	int gdb_wait;        /* -S: stopped until gdb continues */
	int smp;             /* -smp: vCPUs, 1..MACHINE_MAX_CPUS */
	uint64_t ips;        /* --ips: virtual instructions per second */
	char drive[2][1024]; /* -drive file=: primary master, slave; "" none */
	unsigned log_mask;   /* -d: 1 << index in ipi, ata, irq, mmu */
#define LOG_MMU (1u << 3) /* -d mmu */
	const char *tlb;     /* --tlb SPEC, NULL: the default geometry */
	int no_fastpath;     /* --no-fastpath: host-pointer cache off */
	const char *stats_json; /* --stats=FILE.json (or --stats FILE.json) */
	const char *log_file; /* -D */
	const char *display; /* -display: "none" (default), "sdl", "png:DIR..." */
};

#define MMULAB_VERSION "0.4"

/* Write "mmulab VERSION ..." to `f` (--version). */
void options_version(FILE *f);

/* Parse argv into `o` (defaults first).  Returns 0 to run, 1 when help was
 * asked for (usage not yet printed), 2 for --version, or -1 with a one-line reason in
 * `err`.  `o` points into argv: argv must outlive it. */
int options_parse(struct options *o, int argc, char **argv, char *err,
		  size_t errlen);

/* Parse a QEMU -m size: "256" (MiB), "256M", "1G", "size=512M"; the result
 * in bytes.  Returns 0 or -1 (unparsable, not 4 KiB aligned, or outside
 * RAM_MIN..RAM_MAX) with a reason in `err`. */
int options_parse_size(const char *s, uint64_t *bytes, char *err, size_t errlen);

/* A -display value: none, sdl[,OPTS] or png:DIR[,every=MS][,OPTS]
 * (emu/viz/README.md). */
enum { DISPLAY_NONE, DISPLAY_SDL, DISPLAY_PNG };
enum { OVERLAY_NONE, OVERLAY_HEAT, OVERLAY_AD };
struct display_spec {
	int kind;
	char dir[1024];    /* png: the directory; sdl: shots=, "" = . */
	uint64_t every_ms; /* png: snapshot period in virtual ms, 0: only at exit */
	int cpu;           /* cpu=N: the vCPU shown */
	int has_frame, has_walk;
	uint64_t frame;    /* frame=PFN: the frame inspected */
	uint64_t walk;     /* walk=ADDR: the walk shown (read-only) */
	int overlay;       /* overlay=: OVERLAY_* on the MMU's frame map */
	int paused, hold;  /* sdl: start paused; keep the window at the end */
};
/* Parse a -display value.  Returns 0, or -1 with a reason in `err`. */
int options_parse_display(const char *s, struct display_spec *d, char *err,
			  size_t errlen);

/* Write the usage text (every option and the exit statuses) to `f`. */
void options_usage(FILE *f);

/* ---- loader.c ---- */

/* Where a Multiboot kernel went. */
struct kernel_info {
	uint32_t entry;       /* EIP at entry */
	uint32_t load_addr;   /* lowest byte of the image */
	uint32_t kernel_size; /* load_addr .. end of bss */
	uint32_t header_flags;
	int aout_kludge;      /* addresses came from the header, not the ELF */
};

/*
 * Load the Multiboot v1 kernel in `img` (`len` bytes) into RAM as QEMU's
 * -kernel does: find the header (magic 0x1BADB002, flags, checksum) at a
 * 4-byte-aligned offset in the first 8 KiB; with flag 16 use the header's
 * addresses, else load the ELF32 PT_LOAD segments at p_paddr.  Returns 0,
 * or -1 with a one-line reason in `err` (RAM may be partly written then).
 */
int loader_load_kernel(struct bus *b, const uint8_t *img, size_t len,
		       struct kernel_info *k, char *err, size_t errlen);

/* Read a whole file.  Returns 0 and a malloc'd buffer (caller frees), or -1
 * with a reason in `err` naming `what` ("kernel", "module"). */
int loader_read_file(const char *path, const char *what, uint8_t **data,
		     size_t *len, char *err, size_t errlen);

/* Load the kernel file, the -initrd modules and the Multiboot information.
 * Returns 0 with the entry point and the information's address, or -1 with
 * a reason in `err`. */
int loader_boot(struct bus *b, const struct options *o, uint32_t *entry,
		uint32_t *info, char *err, size_t errlen);

/* ---- machine.c ---- */

#define MACHINE_MAX_CPUS 64

struct machine_stats {
	uint64_t quanta;     /* slices of virtual time run */
	uint64_t halts;
	uint64_t time_jumps; /* every CPU asleep: time moved to the next timer */
	struct timespec start, end;
};

struct machine {
	struct bus bus;
	int ncpus;
	struct cpu *cpus; /* ncpus of them */
	uint64_t *ran;    /* instructions each ran in the current slice */
	struct chardev serial;
	struct chardev console; /* port 0xE9 when serial is not stdio */
	struct uart16550 uart;
	struct options opt;
	struct machine_stats stats;
	struct gdbstub *gdb; /* NULL without -s / -gdb */
	/* The PC around the CPUs (pc.c). */
	struct vclock clock;
	struct apic_bus apics;
	struct pic_pair pic;
	struct pit8254 pit;
	struct ioapic ioapic;
	struct rtc rtc;
	struct fwcfg fwcfg;
	struct ata ata;
	struct pcmisc pcmisc;
	struct ownership ownership; /* the guest OS's frame-ownership reports */
	FILE *log; /* -D file, or NULL */
	int status; /* exit status once machine_run returned */
	struct obsfan *obsfan; /* per vCPU, once an observer is attached */
	/* Hooks of a watcher (the visualiser, emu/viz): NULL without one.
	 * before_slice runs between slices (it may wait, while paused); at_end
	 * when the run ends, before statistics are written.  Both only read
	 * the machine, so the guest runs as it would without them. */
	void (*before_slice)(struct machine *m, void *opaque);
	void (*at_end)(struct machine *m, void *opaque);
	void *hook_opaque;
	uint64_t slice_cap; /* 0, or at most this many ticks per slice (a
			     * watcher's single step and slow motion) */
};

/* Build the machine `o` describes (RAM, devices, CPUs) and boot the kernel
 * into it.  Returns 0, or -1 with a reason in `err`; machine_free() is
 * safe either way. */
int machine_init(struct machine *m, const struct options *o, char *err,
		 size_t errlen);

/* Run until the guest or a limit ends the run; reports why on stderr
 * (nothing for isa-debug-exit) and returns the process exit status. */
int machine_run(struct machine *m);

/* Release everything; restores the terminal. */
void machine_free(struct machine *m);

/* The signal (SIGINT, SIGTERM) that asked the run to stop, or 0: a
 * watcher waiting between slices (paused) returns when it is set. */
int machine_caught_signal(void);

/* Total instructions retired by all CPUs. */
uint64_t machine_icount(const struct machine *m);

/* Install SIGINT/SIGTERM handlers that make machine_run stop cleanly, and
 * ignore SIGPIPE. */
void machine_catch_signals(void);

/* ---- gdbstub.c (gdbregs.c, gdbmon.c) ---- */

struct gdbstub;

/* Listen for gdb on 127.0.0.1:`port`; with `wait` (-S) the machine stays
 * stopped until gdb connects and continues.  Returns the stub, or NULL
 * with a one-line reason in `err` (the port is in use...). */
struct gdbstub *gdbstub_open(struct machine *m, int port, int wait, char *err,
			     size_t errlen);

/* The run loop's turn for CPU `c` with gdbstub on: serves gdb while the
 * machine is stopped, stops at breakpoints and on Ctrl-C, runs up to
 * `budget` instructions.  Returns an enum cpu_stop, as cpu_run() does. */
int gdbstub_run(struct gdbstub *g, struct cpu *c, uint64_t budget);

/* The run ends with exit status `status`: a gdb waiting for the guest gets
 * the exit ("W" packet) and the connection closes. */
void gdbstub_end(struct gdbstub *g, int status);

/* Close everything; NULL is fine. */
void gdbstub_close(struct gdbstub *g);

/* ---- pc.c ---- */

/* Put the PC's devices on the bus and its firmware tables in RAM, for
 * m->ncpus CPUs already initialised: local APICs, IOAPIC, 8259s, 8254,
 * RTC/CMOS, fw_cfg, ATA (with the -drive images), the 8042 and CRTC
 * ports, the BIOS data area, ACPI and MP tables; wire ISA IRQs (the UART's
 * too) to the PIC and the IOAPIC.  Returns 0, or -1 with a reason in
 * `err` (a drive file that cannot be opened...). */
int pc_init(struct machine *m, char *err, size_t errlen);

/* Could ISA line `irq` reach a CPU with interrupts on (an unmasked IOAPIC
 * pin, or the 8259s into an ExtINT LINT0)? */
int pc_irq_wakes(struct machine *m, int irq);

/* Close the drive images and the -D log. */
void pc_free(struct machine *m);

/* One line of per-CPU statistics that depend only on the guest (virtual
 * time, instructions, IPIs), for --stats. */
void pc_report_stats(struct machine *m);

/* ---- report.c ---- */

/* One line "mmulab: MESSAGE" on stderr, after flushing guest output. */
void report_msg(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Register dump and the last instructions of `c`, disassembled. */
void report_cpu(struct machine *m, struct cpu *c);

/* One line of statistics: instructions, time, MIPS, MMU counters. */
void report_stats(struct machine *m);

/* ---- mmutrace.c ---- */

/* -d mmu: trace every vCPU's walks, TLB fills/evictions/invalidations,
 * page faults and CR3 writes to `out` through the MMU observer. */
void mmutrace_attach(struct machine *m, FILE *out);

/* ---- obsfan.c ---- */

/* Attach observer `o` to vCPU `cpu`'s MMU beside those already attached
 * (the MMU holds one observer: a fan-out that passes events to each).
 * Returns 0, or -1 (out of memory, or too many observers). */
int obsfan_attach(struct machine *m, int cpu, const struct mmu_observer *o,
		  void *opaque);
/* Free the fan-outs (machine_free does). */
void obsfan_free(struct machine *m);

/* ---- statsjson.c ---- */

/* --stats=FILE.json: write every vCPU's counters (deterministic ones
 * only).  Returns 0, or -1 (errno set) when the file cannot be written. */
int stats_write_json(const struct machine *m, const char *path);

#endif
