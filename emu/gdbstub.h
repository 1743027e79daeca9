/*
 * emu/gdbstub.h — private to the gdbstub files of emu/: the stub's state
 * and the calls between them.  The rest of mmulab sees only the gdbstub
 * section of emu/emu.h.
 *
 *   gdbstub.c   the connection, packet framing and run control
 *   gdbcmd.c    the packets (registers, memory, breakpoints, threads...)
 *   gdbregs.c   the target description (qXfer) and the register packets
 *   gdbwalk.c   a side-effect-free page walk, memory by virtual address
 *   gdbmon.c    the `monitor` commands (qRcmd)
 *
 * Threads are vCPUs: gdb thread id N is CPU N-1.
 */
#ifndef MMULAB_EMU_GDBSTUB_H
#define MMULAB_EMU_GDBSTUB_H

#include "emu/emu.h"

#define GDB_PKT_MAX 16384 /* PacketSize we announce (bytes of packet data) */
#define GDB_MAX_BP 64

/* A breakpoint gdb inserted with Z0 (software) or Z1 (hardware).  Neither
 * patches guest memory: a CPU stops when its RIP reaches `addr`. */
struct gdb_bp {
	uint64_t addr;
	int type;
};

struct gdbstub {
	struct machine *m;
	int port;
	int listen_fd;
	int fd;          /* the connected gdb, or -1 */
	int stopped;     /* every vCPU is stopped: gdb is served */
	int awaiting;    /* gdb waits for a stop reply (after c, s, vCont) */
	int noack;       /* QStartNoAckMode accepted */
	int interrupted; /* a signal arrived while serving: the run ends */
	int cur;         /* Hg: CPU for registers and memory */
	int cont;        /* Hc: CPU to step, or -1 */
	int stop_cpu;    /* CPU that reported the last stop */
	int stop_sig;    /* 5 (SIGTRAP) or 2 (SIGINT) */
	int skip_cpu;    /* resuming: that CPU's first instruction at */
	uint64_t skip_rip; /* skip_rip does not hit a breakpoint again */
	int64_t last_look_ms; /* host time the socket was last looked at */
	struct gdb_bp bp[GDB_MAX_BP];
	int nbp;
	uint8_t in[4096];
	size_t in_pos, in_len;
	char pkt[GDB_PKT_MAX + 1]; /* the packet being handled, NUL-ended */
	char *out;       /* the last packet sent, framed (for '-' resends) */
	size_t out_len, out_cap;
};

/* Text that grows: monitor output and replies longer than a line. */
struct gdb_text {
	char *s;
	size_t len, cap;
};

/* Append printf-style to `t` (out of memory: the text stays shorter). */
void gdb_text_printf(struct gdb_text *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static inline int gdb_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* What gdb_handle() tells the serving loop (else an enum cpu_stop, >= 0,
 * for the run loop: the run ends). */
enum { GDB_STAY = -2, GDB_RESUME = -1 };

/* ---- gdbstub.c ---- */

/* Send `len` bytes of packet data (framed, checksummed, with '#', '$',
 * '}' and '*' escaped) / a string.  Return 0, or -1 when the connection
 * broke (the next read notices). */
int gdb_send(struct gdbstub *g, const char *data, size_t len);
int gdb_send_str(struct gdbstub *g, const char *s);

/* The stop reply for the last stop: "T05thread:N;" (SIGTRAP) or T02. */
void gdb_send_stop_reply(struct gdbstub *g);

/* Forget the connected gdb (its breakpoints too); the guest runs on. */
void gdb_drop_client(struct gdbstub *g);

/* ---- gdbcmd.c ---- */

/* Handle the packet in g->pkt (`n` bytes): GDB_STAY to keep serving,
 * GDB_RESUME when the guest runs on, else an enum cpu_stop. */
int gdb_handle(struct gdbstub *g, size_t n);

/* ---- gdbregs.c ---- */

/* The target description XML (qXfer:features:read:target.xml). */
const char *gdb_target_xml(void);

/* Number of registers the description lists (gdb numbers them in order). */
int gdb_reg_count(void);

/* Append register `n` of `c` as hex, little-endian, "xx" per byte for a
 * register mmulab does not model.  Returns bytes of register, 0 when `n`
 * is out of range. */
int gdb_reg_read(const struct cpu *c, int n, struct gdb_text *t);

/* Write register `n` from `nbytes` raw bytes.  Returns 0, or -1 when the
 * register cannot be written that way (a segment selector or a control
 * register changed: that needs the CPU's checks, so gdb gets an error). */
int gdb_reg_write(struct cpu *c, int n, const uint8_t *raw, int nbytes);

/* Size in bytes of register `n` (0 when out of range). */
int gdb_reg_size(int n);

/* ---- gdbwalk.c ---- */

/* "PTE", "PDE", "PDPTE", "PML4E", "PML5E" by level 1..5. */
extern const char *const gdb_level_names[6];

/* One paging-structure entry on the way to a translation. */
struct gdb_walk_step {
	int level;        /* 5 PML5E, 4 PML4E, 3 PDPTE, 2 PDE, 1 PTE */
	unsigned index;   /* entry index in its table */
	uint64_t entry_pa;
	uint64_t entry;
};

/* A software page walk: what the MMU would read for linear address `la`,
 * read without setting A/D bits, filling a TLB or counting anything. */
struct gdb_walk {
	const char *mode; /* "paging off", "32-bit", "PAE", "4-level", "5-level" */
	int wide;         /* 8-byte entries (PAE and longer) */
	int nsteps;
	struct gdb_walk_step step[5];
	uint64_t pa;         /* when translated */
	uint64_t page_size;  /* 0 with paging off */
	char why[96];        /* when not translated: the reason */
};

/* Walk `la` through `c`'s current page tables.  Returns 0 and fills pa, or
 * -1 with w->why.  Page tables are read only from RAM. */
int gdb_walk(const struct cpu *c, uint64_t la, struct gdb_walk *w);

/* The registers a walk depends on: gdb_walk takes them from a vCPU, the
 * visualiser from an address space it recorded.  pdpte: PAE's PDPTE
 * registers (SDM §4.4.1), or NULL to read the PDPT from memory. */
struct gdb_paging {
	uint64_t cr0, cr3, cr4, efer;
	const uint64_t *pdpte;
};
int gdb_walk_paging(struct bus *b, const struct gdb_paging *p, uint64_t la,
		    struct gdb_walk *w);

/* Copy guest memory at linear address `la` through `c`'s paging, RAM only,
 * no side effects.  Return the bytes done (fewer when a page is not
 * mapped or not RAM).  Writes drop decoded code of the frames they touch. */
size_t gdb_read_virt(const struct cpu *c, uint64_t la, uint8_t *buf, size_t len);
size_t gdb_write_virt(struct cpu *c, uint64_t la, const uint8_t *buf, size_t len);

/* ---- gdbmon.c ---- */

/* Run monitor command `cmd` for the current vCPU (Hg); output in `t`. */
void gdb_monitor(struct gdbstub *g, const char *cmd, struct gdb_text *t);

#endif
