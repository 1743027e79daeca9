/*
 * devices/bus.c — guest RAM, MMIO dispatch and the I/O-port space.
 *
 * Lookups are linear over a handful of ranges: port I/O and MMIO are rare
 * next to RAM accesses, which never come here on the CPU's fast path.
 */
#include "devices/bus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int bus_init(struct bus *b, uint64_t ram_size)
{
	memset(b, 0, sizeof(*b));
	void *p = mmap(NULL, ram_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	/* Guest RAM is touched page by page at random (page tables, TLB-bound
	 * guests): huge host pages spare the host's own TLB.  Advice only. */
	(void)madvise(p, ram_size, MADV_HUGEPAGE);
	uint64_t frames = ram_size >> 12;
	b->page_gen = calloc(frames ? frames : 1, sizeof(*b->page_gen));
	b->page_code = calloc(frames ? frames : 1, 1);
	if (!b->page_gen || !b->page_code) {
		munmap(p, ram_size);
		free(b->page_gen);
		free(b->page_code);
		errno = ENOMEM;
		return -1;
	}
	b->ram = p;
	b->ram_size = ram_size;
	return 0;
}

void bus_free(struct bus *b)
{
	if (b->ram)
		munmap(b->ram, b->ram_size);
	free(b->page_gen);
	free(b->page_code);
	memset(b, 0, sizeof(*b));
}

int bus_register_pio(struct bus *b, uint16_t base, uint16_t len, void *opaque,
		     pio_read_fn read, pio_write_fn write)
{
	if (b->npio == BUS_MAX_PIO)
		return -1;
	b->pio[b->npio++] = (struct bus_pio){ base, len, opaque, read, write };
	return 0;
}

int bus_register_mmio(struct bus *b, uint64_t base, uint64_t len, void *opaque,
		      mmio_read_fn read, mmio_write_fn write)
{
	if (b->nmmio == BUS_MAX_MMIO)
		return -1;
	b->mmio[b->nmmio++] = (struct bus_mmio){ base, len, opaque, read, write };
	return 0;
}

static struct bus_pio *find_pio(struct bus *b, uint16_t port)
{
	for (int i = 0; i < b->npio; i++)
		if ((uint16_t)(port - b->pio[i].base) < b->pio[i].len)
			return &b->pio[i];
	return NULL;
}

static struct bus_mmio *find_mmio(struct bus *b, uint64_t pa)
{
	for (int i = 0; i < b->nmmio; i++)
		if (pa - b->mmio[i].base < b->mmio[i].len)
			return &b->mmio[i];
	return NULL;
}

static uint64_t ones(int size)
{
	return size == 8 ? ~0ull : (1ull << (size * 8)) - 1;
}

uint32_t bus_pio_read(struct bus *b, uint16_t port, int size)
{
	struct bus_pio *d = find_pio(b, port);
	if (!d || !d->read)
		return (uint32_t)ones(size);
	return d->read(d->opaque, port, size) & (uint32_t)ones(size);
}

void bus_pio_write(struct bus *b, uint16_t port, int size, uint32_t val)
{
	struct bus_pio *d = find_pio(b, port);
	if (d && d->write)
		d->write(d->opaque, port, size, val & (uint32_t)ones(size));
}

uint64_t bus_phys_read(struct bus *b, uint64_t pa, int size)
{
	if (pa < b->ram_size && b->ram_size - pa >= (uint64_t)size) {
		const uint8_t *p = b->ram + pa;
		switch (size) {
		case 1: return *p;
		case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
		case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
		default: { uint64_t v; memcpy(&v, p, 8); return v; }
		}
	}
	struct bus_mmio *m = find_mmio(b, pa);
	if (m && m->read)
		return m->read(m->opaque, pa - m->base, size) & ones(size);
	return ones(size);
}

void bus_phys_write(struct bus *b, uint64_t pa, int size, uint64_t val)
{
	if (pa < b->ram_size && b->ram_size - pa >= (uint64_t)size) {
		uint8_t *p = b->ram + pa;
		bus_note_write(b, pa >> 12);
		switch (size) {
		case 1: *p = (uint8_t)val; break;
		case 2: { uint16_t v = (uint16_t)val; memcpy(p, &v, 2); break; }
		case 4: { uint32_t v = (uint32_t)val; memcpy(p, &v, 4); break; }
		default: memcpy(p, &val, 8); break;
		}
		return;
	}
	struct bus_mmio *m = find_mmio(b, pa);
	if (m && m->write)
		m->write(m->opaque, pa - m->base, size, val & ones(size));
}

void bus_request_stop(struct bus *b, int reason, int status)
{
	if (b->stop)
		return; /* the first reason wins */
	b->exit_status = status;
	b->stop = reason;
}
