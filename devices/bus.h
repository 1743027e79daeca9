/*
 * devices/bus.h — the one bus of an mmulab machine: guest RAM, MMIO regions
 * and the I/O-port space.
 *
 * Guest-physical memory is one host mapping (`ram`, `ram_size` bytes from
 * physical address 0).  Devices register I/O-port ranges and MMIO ranges with
 * a read and a write callback.  Physical addresses that are neither RAM nor a
 * registered MMIO region read as all ones and ignore writes, as on a PC; so do
 * unclaimed I/O ports.
 *
 * A device that wants the run to end (isa-debug-exit, a triple fault report)
 * calls bus_request_stop(); the CPU loop polls `stop` after every I/O
 * instruction and at quantum boundaries.
 */
#ifndef MMULAB_DEVICES_BUS_H
#define MMULAB_DEVICES_BUS_H

#include <stddef.h>
#include <stdint.h>

/* Reads return the value zero-extended to 32 bits; size is 1, 2 or 4. */
typedef uint32_t (*pio_read_fn)(void *opaque, uint16_t port, int size);
typedef void (*pio_write_fn)(void *opaque, uint16_t port, int size, uint32_t val);
/* MMIO: size is 1, 2, 4 or 8; addr is the offset inside the region. */
typedef uint64_t (*mmio_read_fn)(void *opaque, uint64_t addr, int size);
typedef void (*mmio_write_fn)(void *opaque, uint64_t addr, int size, uint64_t val);

#define BUS_MAX_PIO 64
#define BUS_MAX_MMIO 16
#define BUS_MAX_CPUS 64

struct bus_pio {
	uint16_t base, len;
	void *opaque;
	pio_read_fn read;
	pio_write_fn write;
};

struct bus_mmio {
	uint64_t base, len;
	void *opaque;
	mmio_read_fn read;
	mmio_write_fn write;
};

/* Why the machine stopped; see emu/README.md for the exit statuses. */
enum bus_stop_reason {
	BUS_RUNNING = 0,
	BUS_STOP_DEBUG_EXIT, /* isa-debug-exit: status (value << 1) | 1 */
	BUS_STOP_ERROR,      /* an emulator-detected condition; status given */
};

struct bus {
	uint8_t *ram;      /* host mapping of guest RAM */
	uint64_t ram_size; /* bytes, multiple of 4 KiB */

	struct bus_pio pio[BUS_MAX_PIO];
	int npio;
	struct bus_mmio mmio[BUS_MAX_MMIO];
	int nmmio;

	/*
	 * Code-page tracking for the CPUs' decoded-instruction caches: one
	 * generation counter per 4 KiB RAM frame.  Any write that reaches a
	 * frame whose `code` flag is set bumps its generation (and clears the
	 * flag), which invalidates every decoded instruction from that frame.
	 */
	uint32_t *page_gen;
	uint8_t *page_code;

	int *code_written; /* set to 1 when a code frame is written (the running
			    * CPU points it at its block-break flag) */
	/* Every vCPU's MMU, registered by cpu_init (opaque here): when a frame
	 * becomes code, each one's write host-pointer slots into it go, so
	 * that writes from any CPU invalidate the decoded code. */
	void *mmus[BUS_MAX_CPUS];
	int nmmus;

	/* Index of the vCPU whose turn it is (the run loop sets it): MMIO
	 * that every CPU sees at one address, the local APIC, goes to it. */
	int cpu_current;

	volatile int stop; /* enum bus_stop_reason, nonzero: leave the run loop */
	int exit_status;
};

/* Map `ram_size` bytes of zeroed guest RAM.  Returns 0, or -1 (errno set)
 * when the host cannot provide it.  bus_free() releases everything. */
int bus_init(struct bus *b, uint64_t ram_size);
void bus_free(struct bus *b);

/* Register an I/O-port range or an MMIO range.  Returns 0, or -1 when the
 * table is full (a programming error in machine assembly). */
int bus_register_pio(struct bus *b, uint16_t base, uint16_t len, void *opaque,
		     pio_read_fn read, pio_write_fn write);
int bus_register_mmio(struct bus *b, uint64_t base, uint64_t len, void *opaque,
		      mmio_read_fn read, mmio_write_fn write);

/* Port I/O.  Unclaimed ports read as all ones (masked to size) and ignore
 * writes. */
uint32_t bus_pio_read(struct bus *b, uint16_t port, int size);
void bus_pio_write(struct bus *b, uint16_t port, int size, uint32_t val);

/* Physical memory by value: RAM, then MMIO, else all ones / ignored.
 * size is 1, 2, 4 or 8; the access must not cross a 4 KiB boundary. */
uint64_t bus_phys_read(struct bus *b, uint64_t pa, int size);
void bus_phys_write(struct bus *b, uint64_t pa, int size, uint64_t val);

/* Host pointer to RAM at `pa`, valid to the end of its 4 KiB frame, or NULL
 * when `pa` is not RAM. */
static inline uint8_t *bus_ram_ptr(struct bus *b, uint64_t pa)
{
	return pa < b->ram_size ? b->ram + pa : NULL;
}

/* Host pointer to `len` bytes of RAM at `pa`, or NULL when any of them is
 * not RAM.  For loaders and firmware, which fill RAM before the CPUs run
 * (nothing has been decoded yet, so no bus_note_write is needed). */
static inline uint8_t *bus_ram_range(struct bus *b, uint64_t pa, uint64_t len)
{
	if (pa > b->ram_size || len > b->ram_size - pa)
		return NULL;
	return b->ram + pa;
}

/* Note that a write reached RAM frame `pfn`: if decoded code came from it,
 * drop that code.  Every path that writes RAM other than through the CPU's
 * write host-pointer cache calls this (the cache never holds code frames). */
static inline void bus_note_write(struct bus *b, uint64_t pfn)
{
	if (b->page_code[pfn]) {
		b->page_code[pfn] = 0;
		b->page_gen[pfn]++;
		if (b->code_written)
			*b->code_written = 1;
	}
}

/* Ask the run loop to stop with `status` as the process exit status. */
void bus_request_stop(struct bus *b, int reason, int status);

#endif
