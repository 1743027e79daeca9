/*
 * cpu/x86/exec.c — the execution loop and the decoded-instruction cache.
 *
 * Each step: translate CS:RIP through the MMU's execute host-pointer cache,
 * look the instruction's physical address up in a direct-mapped cache of
 * decoded instructions (validated by the generation counter of its physical
 * frame, bumped whenever the frame is written), decode on a miss, run the
 * handler.  A handler that raises an exception leaves RIP at the faulting
 * instruction; the loop delivers the exception (intr.c), escalating to #DF
 * and shutdown as SDM vol. 3 §6.15 (table 6-5) requires.
 */
#include "cpu/x86/x86.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu/x86/system.h"

#define ICACHE_BITS 15
#define ICACHE_SIZE (1u << ICACHE_BITS)

struct icache_entry {
	uint64_t tag; /* physical address | code_bits << 56; 0: empty */
	uint32_t gen; /* page_gen of its frame when decoded */
	struct insn insn;
};

struct insn_cache {
	struct icache_entry e[ICACHE_SIZE];
};

int x86_raise(struct cpu *c, int vector)
{
	c->exc_vector = vector;
	c->exc_has_error = 0;
	c->exc_error = 0;
	return X86_EXC;
}

int x86_raise_err(struct cpu *c, int vector, uint32_t error)
{
	c->exc_vector = vector;
	c->exc_has_error = 1;
	c->exc_error = error;
	return X86_EXC;
}

uint64_t x86_tsc(const struct cpu *c)
{
	/* Virtual time: one nanosecond per instruction, a 1 GHz TSC. */
	return c->icount + c->tsc_offset;
}

void cpu_sync_mmu(struct cpu *c)
{
	struct mmu_ctl ctl = {
		.cr0 = c->cr0,
		.cr3 = c->cr3,
		.cr4 = c->cr4,
		.efer = c->efer,
		.cpl = c->cpl,
		.ac = !!(c->rflags & FL_AC),
	};
	mmu_set_ctl(&c->mmu, &ctl);
}

void x86_update_mode(struct cpu *c)
{
	c->long_mode = !!(c->efer & EFER_LMA);
	const struct x86_seg *cs = &c->seg[SEG_CS];
	if (!(c->cr0 & CR0_PE))
		c->code_bits = 16;
	else if (c->long_mode && (cs->attr & SEG_ATTR_L))
		c->code_bits = 64;
	else
		c->code_bits = (cs->attr & SEG_ATTR_DB) ? 32 : 16;
	cpu_sync_mmu(c);
}

static void set_flat(struct x86_seg *s, uint16_t sel, uint32_t attr)
{
	s->sel = sel;
	s->base = 0;
	s->limit = 0xffffffffu;
	s->attr = attr;
}

void cpu_reset(struct cpu *c)
{
	memset(c->regs, 0, sizeof(c->regs));
	/* SDM vol. 3 table 10-1: state after power-up. */
	c->rflags = 2;
	c->lf_op = 0;
	c->regs[R_RDX] = 0x600;
	c->cr0 = 0x60000010;
	c->cr2 = c->cr3 = c->cr4 = c->cr8 = 0;
	c->efer = 0;
	for (int i = 0; i < 6; i++) {
		c->seg[i].sel = 0;
		c->seg[i].base = 0;
		c->seg[i].limit = 0xffff;
		c->seg[i].attr = SEG_ATTR_P | SEG_ATTR_S | 3; /* data, RW, accessed */
	}
	c->seg[SEG_CS].sel = 0xf000;
	c->seg[SEG_CS].base = 0xffff0000;
	c->seg[SEG_CS].attr = SEG_ATTR_P | SEG_ATTR_S | 0xb; /* code, RX, accessed */
	c->rip = 0xfff0;
	c->gdtr = (struct x86_dtr){ 0, 0xffff };
	c->idtr = (struct x86_dtr){ 0, 0xffff };
	c->ldtr = (struct x86_seg){ 0, 0, 0xffff, SEG_ATTR_P | 2 };
	c->tr = (struct x86_seg){ 0, 0, 0xffff, SEG_ATTR_P | 11 };
	memset(c->dr, 0, sizeof(c->dr));
	c->dr[6] = 0xffff0ff0;
	c->dr[7] = 0x400;
	c->pat = 0x0007040600070406ull;
	c->apic_base = 0xfee00000ull | (1u << 11) | (c->id == 0 ? 1u << 8 : 0);
	c->cpl = 0;
	c->exc_vector = -1;
	c->halted = 0;
	c->intr_shadow = 0;
	x86_update_mode(c);
	mmu_flush(&c->mmu);
}

int cpu_init(struct cpu *c, struct bus *bus, int id)
{
	memset(c, 0, sizeof(*c));
	c->bus = bus;
	c->id = id;
	c->icache = calloc(1, sizeof(*c->icache));
	if (!c->icache)
		return -1;
	mmu_init(&c->mmu, bus);
	cpu_reset(c);
	return 0;
}

void cpu_free(struct cpu *c)
{
	free(c->icache);
	c->icache = NULL;
}

/* Access rights of flat segments (see struct x86_seg). */
#define ATTR_CODE32 (SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | 0xb)
#define ATTR_DATA32 (SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | 0x3)
#define ATTR_CODE64 (SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_L | SEG_ATTR_G | 0xb)

void cpu_enter_multiboot(struct cpu *c, uint32_t entry, uint32_t info)
{
	/* Multiboot spec §3.2 "Machine state": EAX magic, EBX info, CS and
	 * data segments flat 4 GiB read/execute and read/write, A20 on, CR0.PG
	 * off and PE on, EFLAGS.VM and IF clear.  Selectors as QEMU's loader
	 * leaves them (GDT entries 1 and 2, i.e. 0x08 and 0x10). */
	c->cr0 = (c->cr0 | CR0_PE) & ~CR0_PG;
	c->efer = 0;
	set_flat(&c->seg[SEG_CS], 0x08, ATTR_CODE32);
	for (int s = 0; s < 6; s++)
		if (s != SEG_CS)
			set_flat(&c->seg[s], 0x10, ATTR_DATA32);
	c->rflags = 2;
	c->regs[R_RAX] = 0x2badb002;
	c->regs[R_RBX] = info;
	c->rip = entry;
	c->cpl = 0;
	x86_update_mode(c);
	mmu_flush(&c->mmu);
}

void cpu_enter_long_flat(struct cpu *c, uint64_t cr3)
{
	c->cr0 = CR0_PE | CR0_PG | CR0_WP | (1u << 4) | (1u << 5);
	c->cr4 = CR4_PAE;
	c->cr3 = cr3;
	c->efer = EFER_LME | EFER_LMA | EFER_NXE | EFER_SCE;
	set_flat(&c->seg[SEG_CS], 0x08, ATTR_CODE64);
	for (int s = 0; s < 6; s++)
		if (s != SEG_CS)
			set_flat(&c->seg[s], 0x10, ATTR_DATA32);
	c->rflags = 2;
	c->cpl = 0;
	x86_update_mode(c);
	mmu_flush(&c->mmu);
}

/* Double-fault classes, SDM vol. 3 table 6-4. */
static int contributory(int v)
{
	return v == EXC_DE || v == EXC_TS || v == EXC_NP || v == EXC_SS ||
	       v == EXC_GP;
}

static void shutdown(struct cpu *c, const char *why)
{
	snprintf(c->shutdown_msg, sizeof(c->shutdown_msg), "%s", why);
}

/*
 * Deliver the pending exception, handling faults raised while delivering
 * (SDM vol. 3 table 6-5): contributory-after-contributory and
 * anything-but-benign-after-#PF become #DF; a fault while delivering #DF
 * shuts the processor down (triple fault).
 */
static int deliver_pending(struct cpu *c)
{
	for (int rounds = 0; rounds < 8; rounds++) {
		int v = c->exc_vector;
		int has = c->exc_has_error;
		uint32_t err = c->exc_error;
		c->exc_vector = -1;
		int rc = x86_deliver(c, v, EV_EXCEPTION, has, err, c->rip);
		if (rc != X86_EXC)
			return rc;
		int v2 = c->exc_vector;
		if (v == EXC_DF) {
			char msg[96];
			snprintf(msg, sizeof(msg),
				 "triple fault: exception %d while delivering #DF",
				 v2);
			shutdown(c, msg);
			return X86_STOP;
		}
		if ((contributory(v) && contributory(v2)) ||
		    (v == EXC_PF && (contributory(v2) || v2 == EXC_PF)))
			x86_pend(c, EXC_DF, 1, 0);
		/* else: benign combination, deliver the second one serially */
	}
	shutdown(c, "triple fault: exceptions nest without end");
	return X86_STOP;
}

/* Decode the instruction at c->rip into *out, through the cache when the
 * instruction lies in one RAM page.  X86_OK or X86_EXC. */
static int fetch_decode(struct cpu *c, const struct insn **out,
			struct insn *scratch)
{
	uint64_t la = c->code_bits == 64 ? c->rip
					 : (c->seg[SEG_CS].base + c->rip) & 0xffffffffull;
	struct bus *b = c->bus;
	uint8_t *hp = NULL;
	if (c->code_bits == 64 || c->rip + 15 <= c->seg[SEG_CS].limit)
		hp = mmu_hp_lookup(&c->mmu, la, MMU_EXEC, c->cpl == 3, 15);
	uint64_t pa;
	struct icache_entry *e = NULL;
	uint64_t tag = 0;
	if (hp) {
		pa = (uint64_t)(hp - b->ram);
		tag = pa | ((uint64_t)c->code_bits << 56);
		e = &c->icache->e[(pa ^ (pa >> ICACHE_BITS)) & (ICACHE_SIZE - 1)];
		if (e->tag == tag && e->gen == b->page_gen[pa >> 12]) {
			*out = &e->insn;
			return X86_OK;
		}
	}
	uint8_t buf[15];
	int got = x86_fetch(c, c->rip, buf, 15, &pa);
	if (got < 0)
		return X86_EXC;
	int len = x86_decode(buf, got, c->code_bits, scratch);
	if (len == 0) {
		/* Needs bytes beyond what could be fetched: fault on them. */
		uint64_t p2;
		if (x86_fetch(c, c->rip + got, buf, 1, &p2) < 0)
			return X86_EXC;
		return x86_raise(c, EXC_GP); /* CS limit in the middle */
	}
	if (len < 0)
		return x86_raise(c, EXC_UD);
	/* Mark the frame as code: its writes must now invalidate us. */
	if (pa < b->ram_size) {
		uint64_t pfn = pa >> 12;
		if (!b->page_code[pfn]) {
			b->page_code[pfn] = 1;
			mmu_drop_write_frame(&c->mmu, pfn);
		}
		if ((pa & 0xfff) + len <= 4096 && hp &&
		    (uint64_t)(hp - b->ram) == pa) {
			e->tag = tag;
			e->gen = b->page_gen[pfn];
			e->insn = *scratch;
			*out = &e->insn;
			return X86_OK;
		}
	}
	*out = scratch;
	return X86_OK;
}

int cpu_run(struct cpu *c, uint64_t budget)
{
	struct insn scratch;
	uint64_t rip_mask_16 = 0xffff, rip_mask_32 = 0xffffffffull;
	for (uint64_t n = 0; n < budget; n++) {
		if (c->bus->stop)
			return CPU_STOP_BUS;
		c->rip_history[c->history_pos++ % CPU_HISTORY] = c->rip;
		c->intr_shadow = 0;
		const struct insn *i;
		int rc = fetch_decode(c, &i, &scratch);
		if (rc == X86_OK) {
			uint64_t next = c->rip + i->len;
			if (c->code_bits != 64)
				next &= c->code_bits == 32 ? rip_mask_32 : rip_mask_16;
			c->next_rip = next;
			rc = i->fn(c, i);
			if (rc != X86_EXC) {
				c->rip = c->next_rip;
				c->icount++;
				if (rc == X86_STOP) {
					if (c->shutdown_msg[0])
						return CPU_STOP_TRIPLE_FAULT;
					if (c->halted)
						return CPU_STOP_HALT;
					if (c->bus->stop)
						return CPU_STOP_BUS;
				}
				continue;
			}
		}
		/* An exception: the instruction does not retire. */
		rc = deliver_pending(c);
		if (rc == X86_STOP)
			return CPU_STOP_TRIPLE_FAULT;
	}
	return CPU_STOP_BUDGET;
}
