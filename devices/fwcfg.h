/*
 * devices/fwcfg.h — QEMU's firmware configuration device, the traditional
 * I/O interface: a 16-bit selector written to port 0x510, then the item's
 * bytes read one by one from port 0x511 (QEMU docs/specs/fw_cfg.txt).
 *
 * Items: 0000H signature "QEMU", 0001H interface ID (1: no DMA), 0002H
 * UUID (zeros), 0003H RAM size, 0005H CPU count, 000FH maximum CPU count,
 * 0019H file directory (empty).  Other selectors read as zeros.
 */
#ifndef MMULAB_DEVICES_FWCFG_H
#define MMULAB_DEVICES_FWCFG_H

#include <stdint.h>

#include "devices/bus.h"

struct fwcfg {
	uint16_t key;
	uint32_t offset;
	uint64_t ram_size;
	int ncpus;
};

/* Claim ports 0x510-0x511.  Returns 0 or -1 (bus full). */
int fwcfg_init(struct fwcfg *f, struct bus *b, uint64_t ram_size, int ncpus);

/* Byte `offset` of item `key` (0 past its end). */
uint8_t fwcfg_item_byte(const struct fwcfg *f, uint16_t key, uint32_t offset);

#endif
