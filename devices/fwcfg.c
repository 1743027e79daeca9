/*
 * devices/fwcfg.c — fw_cfg items (little-endian integers, except the file
 * directory's big-endian count) and the selector/data ports.
 */
#include "devices/fwcfg.h"

#include <string.h>

static uint8_t le(uint64_t v, uint32_t off, uint32_t len)
{
	return off < len ? (uint8_t)(v >> (8 * off)) : 0;
}

uint8_t fwcfg_item_byte(const struct fwcfg *f, uint16_t key, uint32_t off)
{
	switch (key) {
	case 0x0000: return off < 4 ? (uint8_t)"QEMU"[off] : 0;
	case 0x0001: return le(1, off, 4);
	case 0x0003: return le(f->ram_size, off, 8);
	case 0x0005:
	case 0x000f: return le((uint64_t)f->ncpus, off, 2);
	default: return 0; /* 0002H UUID, 0019H directory count 0, unknown */
	}
}

static uint32_t io_read(void *opaque, uint16_t port, int size)
{
	struct fwcfg *f = opaque;
	if (port != 0x511)
		return 0;
	uint32_t v = 0;
	for (int i = 0; i < size; i++)
		v |= (uint32_t)fwcfg_item_byte(f, f->key, f->offset++) << (8 * i);
	return v;
}

static void io_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct fwcfg *f = opaque;
	if (port == 0x510) {
		f->key = (uint16_t)val;
		f->offset = 0;
	}
}

int fwcfg_init(struct fwcfg *f, struct bus *b, uint64_t ram_size, int ncpus)
{
	memset(f, 0, sizeof(*f));
	f->ram_size = ram_size;
	f->ncpus = ncpus;
	return bus_register_pio(b, 0x510, 2, f, io_read, io_write);
}
