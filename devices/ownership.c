/*
 * devices/ownership.c — the frame-ownership channel (protocol in
 * ownership.h): a byte of kind and a word of owner per guest frame,
 * written by the guest OS through four ports, read by the visualiser and
 * --stats; the events it reports (process exits, OOM kills, TLB
 * shootdowns, its /proc-style counters) are decoded and handed to a
 * watcher, if one is attached.
 * It never raises an interrupt and never blocks the guest.
 */
#include "devices/ownership.h"

#include <stdlib.h>
#include <string.h>

static uint32_t ownership_read(void *opaque, uint16_t port, int size)
{
	return port == OWNERSHIP_BASE ? OWNERSHIP_MAGIC : 0;
}

/* A CMD of kind 80H and up: decode it (ownership.h) and tell the watcher. */
static void event(struct ownership *o, uint8_t kind, uint32_t arg)
{
	struct ownership_event e;
	memset(&e, 0, sizeof(e));
	e.type = kind;
	if (kind == OWN_EV_EXIT || kind == OWN_EV_OOM_KILL) {
		const char *comm = ownership_comm(o, o->next_pid);
		e.pid = o->next_pid;
		e.arg = arg;
		if (comm)
			memcpy(e.comm, comm, sizeof(e.comm) - 1);
	} else if (kind == OWN_EV_SHOOTDOWN) {
		e.from_cpu = (int)(arg & 0x3f);
		e.nr_pages = arg >> 6;
		e.cpumask = (uint64_t)o->next_pid << 32 | o->next_pfn;
	} else if (kind == OWN_EV_COUNTER) {
		if (arg >= OWN_NR_COUNTERS)
			return; /* an id this protocol does not define: ignored */
		e.counter = arg;
		e.value = (uint64_t)o->next_pid << 32 | o->next_pfn;
	} else {
		return; /* not an event of this protocol: ignored */
	}
	o->nevents++;
	if (o->watch)
		o->watch(o->watch_opaque, &e);
}

static void ownership_write(void *opaque, uint16_t port, int size, uint32_t val)
{
	struct ownership *o = opaque;
	switch (port - OWNERSHIP_BASE) {
	case 0:
		o->next_pfn = val;
		break;
	case 4:
		o->next_pid = val;
		break;
	case 8: {
		uint8_t kind = (uint8_t)val;
		uint64_t n = val >> 8, pfn = o->next_pfn;
		if (kind >= 0x80) {
			event(o, kind, val >> 8);
			break;
		}
		if (kind >= OWN_NR_KINDS)
			break;
		for (uint64_t i = 0; i < n && pfn + i < o->nframes; i++) {
			o->kind[pfn + i] = kind;
			o->pid[pfn + i] = o->next_pid;
		}
		o->next_pfn = (uint32_t)(pfn + n);
		o->reports++;
		break;
	}
	case 12:
		if ((uint8_t)val == 0) {
			int k = o->next_name++ % OWNERSHIP_NAMES;
			o->names[k].pid = o->next_pid;
			memcpy(o->names[k].comm, o->comm, sizeof(o->comm));
			memset(o->comm, 0, sizeof(o->comm));
			o->comm_len = 0;
		} else if (o->comm_len < 15) {
			o->comm[o->comm_len++] = (char)val;
		}
		break;
	}
}

int ownership_init(struct ownership *o, struct bus *b, uint64_t ram_size)
{
	memset(o, 0, sizeof(*o));
	o->nframes = ram_size >> 12;
	o->kind = malloc(o->nframes ? o->nframes : 1);
	o->pid = calloc(o->nframes ? o->nframes : 1, sizeof(*o->pid));
	if (!o->kind || !o->pid) {
		ownership_free(o);
		return -1;
	}
	memset(o->kind, OWN_RESERVED, o->nframes);
	return bus_register_pio(b, OWNERSHIP_BASE, OWNERSHIP_SIZE, o, ownership_read, ownership_write);
}

void ownership_free(struct ownership *o)
{
	free(o->kind);
	free(o->pid);
	o->kind = NULL;
	o->pid = NULL;
}

void ownership_count(const struct ownership *o, uint64_t counts[OWN_NR_KINDS])
{
	memset(counts, 0, sizeof(uint64_t) * OWN_NR_KINDS);
	for (uint64_t i = 0; i < o->nframes; i++)
		counts[o->kind[i]]++;
}

const char *ownership_comm(const struct ownership *o, uint32_t pid)
{
	for (int i = 0; i < OWNERSHIP_NAMES; i++) {
		int k = (o->next_name - 1 - i + 2 * OWNERSHIP_NAMES) % OWNERSHIP_NAMES;
		if (o->names[k].comm[0] && o->names[k].pid == pid)
			return o->names[k].comm;
	}
	return NULL;
}
