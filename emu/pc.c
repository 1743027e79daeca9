/*
 * emu/pc.c — the board: which devices a PC has, where they sit, how their
 * interrupt lines reach the CPUs, and what its firmware leaves in memory.
 *
 * ISA interrupt lines go to both the 8259 pair and the IOAPIC (IRQ 0 on
 * IOAPIC pin 2, IRQ n on pin n otherwise), as on a PC chipset; the 8259s'
 * INTR output reaches every local APIC's LINT0, which only the bootstrap
 * processor's firmware state programs as ExtINT.  Devices see nothing of
 * this: they call the line function they were given.
 */
#include "emu/emu.h"

#include <errno.h>
#include <string.h>

#include "devices/log.h"
#include "firmware/pctables.h"

static int irq_wakes(void *opaque, int irq);

static void isa_irq(void *opaque, int irq, int level)
{
	struct machine *m = opaque;
	DEV_LOG(LOG_IRQ, vclock_now(&m->clock), "irq", "ISA IRQ %d %s", irq,
		level ? "high" : "low");
	pic_set_irq(&m->pic, irq, level);
	ioapic_set_irq(&m->ioapic, irq == 0 ? 2 : irq, level);
}

/* The 8259s' output may have changed: every APIC looks again. */
static void pic_changed(void *opaque)
{
	struct machine *m = opaque;
	for (int i = 0; i < m->ncpus; i++)
		m->cpus[i].irq_hint = 1;
}

/* Could ISA line `irq` bring a halted CPU back?  Through the 8259s when
 * the line is unmasked there and some CPU with interrupts on takes ExtINT
 * on LINT0, or through an unmasked IOAPIC pin. */
int pc_irq_wakes(struct machine *m, int irq)
{
	return irq_wakes(m, irq);
}

static int irq_wakes(void *opaque, int irq)
{
	struct machine *m = opaque;
	if (ioapic_pin_open(&m->ioapic, irq == 0 ? 2 : irq))
		return 1;
	const struct pic8259 *pm = &m->pic.chip[0], *ps = &m->pic.chip[1];
	int open = irq < 8 ? !(pm->imr >> irq & 1)
			   : !(pm->imr & 4) && !(ps->imr >> (irq - 8) & 1);
	if (!open)
		return 0;
	for (int i = 0; i < m->ncpus; i++) {
		const struct lapic *l = &m->apics.apic[i];
		uint32_t lint0 = l->lvt[LVT_LINT0];
		int extint = !(l->cpu->apic_base & (1u << 11)) ||
			     (!(lint0 & (1u << 16)) && ((lint0 >> 8) & 7) == APIC_DM_EXTINT);
		if (extint && (x86_get_rflags(l->cpu) & FL_IF))
			return 1;
	}
	return 0;
}

int pc_init(struct machine *m, char *err, size_t errlen)
{
	const struct options *o = &m->opt;
	struct bus *b = &m->bus;
	if (o->log_mask) {
		if (o->log_file && !(m->log = fopen(o->log_file, "w"))) {
			snprintf(err, errlen, "-D %s: cannot open the log file: %s",
				 o->log_file, strerror(errno));
			return -1;
		}
		dev_log_open(o->log_mask, m->log);
	}
	if (apic_init(&m->apics, m->cpus, m->ncpus, b, &m->clock) != 0 ||
	    ioapic_init(&m->ioapic, b, &m->apics) != 0 ||
	    pic_init(&m->pic, b) != 0 ||
	    pit_init(&m->pit, b, &m->clock) != 0 ||
	    rtc_init(&m->rtc, b, &m->clock, o->ram_size, m->ncpus) != 0 ||
	    fwcfg_init(&m->fwcfg, b, o->ram_size, m->ncpus) != 0 ||
	    ata_init(&m->ata, b) != 0 ||
	    pcmisc_init(&m->pcmisc, b) != 0 ||
	    ownership_init(&m->ownership, b, o->ram_size) != 0) {
		snprintf(err, errlen, "too many devices for the bus");
		return -1;
	}
	m->apics.extint_pending = pic_pending;
	m->apics.extint_ack = pic_ack;
	m->apics.extint_opaque = &m->pic;
	m->pic.notify = pic_changed;
	m->pic.notify_opaque = m;
	m->pit.set_irq = isa_irq;
	m->pit.irq_wakes = irq_wakes;
	m->pit.irq_opaque = m;
	m->ata.set_irq = isa_irq;
	m->ata.irq_opaque = m;
	m->ata.clock = &m->clock;
	m->uart.set_irq = isa_irq;
	m->uart.irq_opaque = m;
	for (int i = 0; i < 2; i++)
		if (o->drive[i][0] && ata_attach(&m->ata, i, o->drive[i], err, errlen) != 0)
			return -1;

	bda_build(b, m->serial.kind != CHARDEV_NONE);
	if (acpi_build(b, m->ncpus, err, errlen) != 0 ||
	    mptable_build(b, m->ncpus, err, errlen) != 0)
		return -1;
	return 0;
}

void pc_free(struct machine *m)
{
	ata_free(&m->ata);
	ownership_free(&m->ownership);
	if (m->log) {
		dev_log_open(0, NULL);
		fclose(m->log);
		m->log = NULL;
	}
}

void pc_report_stats(struct machine *m)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "virtual time %llu ticks, %llu jumps;",
			 (unsigned long long)m->clock.base,
			 (unsigned long long)m->stats.time_jumps);
	for (int i = 0; i < m->ncpus && n < (int)sizeof(line) - 80; i++) {
		const struct lapic *l = &m->apics.apic[i];
		n += snprintf(line + n, sizeof(line) - (size_t)n,
			      " cpu%d %llu insns %llu/%llu IPIs %llu timer;", i,
			      (unsigned long long)m->cpus[i].icount,
			      (unsigned long long)l->ipis_sent,
			      (unsigned long long)l->ipis_received,
			      (unsigned long long)l->timer_fires);
	}
	report_msg(m, "stats: %s", line);
	if (m->ownership.reports) {
		uint64_t k[OWN_NR_KINDS];
		ownership_count(&m->ownership, k);
		report_msg(m, "stats: frames by the guest's ownership reports: free %llu kernel %llu "
			   "slab %llu pgtable %llu anon %llu file %llu zero %llu reserved %llu",
			   (unsigned long long)k[0], (unsigned long long)k[1], (unsigned long long)k[2],
			   (unsigned long long)k[3], (unsigned long long)k[4], (unsigned long long)k[5],
			   (unsigned long long)k[6], (unsigned long long)k[7]);
	}
}
