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

/*
 * Decoded blocks: straight-line runs of instructions from one physical
 * page, decoded once and kept in a pool; a direct-mapped table finds a block
 * by the physical address (and code size) of its first instruction.  A
 * block is valid while its frame's generation is unchanged.  When the pool
 * fills up, everything is dropped and decoding starts afresh.
 */
#define BLOCK_MAX 64
#define BTAB_BITS 14
#define BTAB_SIZE (1u << BTAB_BITS)
#define POOL_SIZE (1u << 18)

struct block {
	uint64_t tag;      /* physical address | code_bits << 56; 0: empty */
	uint32_t gen;      /* page_gen of its frame when decoded */
	uint32_t n;        /* instructions */
	uint32_t bytes;    /* bytes covered */
	struct insn *insns;
};

struct insn_cache {
	struct block tab[BTAB_SIZE];
	uint32_t pool_used;
	struct insn pool[POOL_SIZE];
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
		.pkru = c->pkru,
	};
	mmu_set_ctl(&c->mmu, &ctl);
	c->block_break = 1;
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
	c->pkru = 0;
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
	if (mmu_init(&c->mmu, bus) || bus->nmmus == BUS_MAX_CPUS) {
		free(c->icache);
		c->icache = NULL;
		mmu_free(&c->mmu);
		return -1;
	}
	bus->mmus[bus->nmmus++] = &c->mmu;
	cpu_reset(c);
	return 0;
}

void cpu_free(struct cpu *c)
{
	free(c->icache);
	c->icache = NULL;
	mmu_free(&c->mmu);
	for (int k = 0; c->bus && k < c->bus->nmmus; k++)
		if (c->bus->mmus[k] == &c->mmu)
			c->bus->mmus[k] = c->bus->mmus[--c->bus->nmmus];
	if (c->bus && c->bus->code_written == &c->block_break)
		c->bus->code_written = NULL;
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

/* Does this instruction end a block?  Unconditional control transfers, and
 * the system instructions that may change the mode, paging or the code
 * itself.  Conditional branches do not: when not taken, execution goes on
 * in the same block (a taken one leaves it, as any branch does).
 * (Correctness does not depend on it: the loop also leaves a block when
 * RIP does not fall through, when the mode changes or when the page is
 * written; this only keeps blocks from running past a branch.) */
static int ends_block(const struct insn *i)
{
	uint8_t op = i->opcode;
	if (i->map == 0)
		return (op >= 0xe8 && op <= 0xeb) ||
		       op == 0xc2 || op == 0xc3 || (op >= 0xca && op <= 0xcf) ||
		       op == 0x9a || op == 0xf1 || op == 0xf4 || op == 0xff ||
		       op == 0x9d || op == 0x8e || op == 0x17 || op == 0xfb;
	if (i->map == 1)
		return op <= 0x09 ||
		       op == 0x0b || (op >= 0x20 && op <= 0x23) || op == 0x30 ||
		       op == 0x34 || op == 0x35 || op == 0xb2;
	return 0;
}

/* Instructions that read the instruction count (the time-stamp counter):
 * RDTSC, RDTSCP, RDMSR.  They always start a block, where the count is
 * exact. */
static int reads_icount(const struct insn *i)
{
	return i->map == 1 && (i->opcode == 0x31 || i->opcode == 0x32 ||
			       (i->opcode == 0x01 && i->mod == 3));
}

/* Linear address of CS:rip. */
static uint64_t code_la(const struct cpu *c, uint64_t rip)
{
	return c->code_bits == 64 ? rip
				  : (c->seg[SEG_CS].base + rip) & 0xffffffffull;
}

static void pool_flush(struct insn_cache *ic)
{
	memset(ic->tab, 0, sizeof(ic->tab));
	ic->pool_used = 0;
}

/*
 * Decode a block starting at c->rip, whose first byte is at physical `pa`
 * in RAM.  Returns the block, or NULL with an exception pending when the
 * first instruction cannot be fetched or decoded, or NULL with none pending
 * when the first instruction straddles the page (run it uncached).
 */
static struct block *decode_block(struct cpu *c, uint64_t pa, struct block *b)
{
	struct insn_cache *ic = c->icache;
	struct bus *bus = c->bus;
	if (ic->pool_used + BLOCK_MAX > POOL_SIZE)
		pool_flush(ic);
	struct insn *out = &ic->pool[ic->pool_used];
	uint64_t pfn = pa >> 12;
	uint32_t page_left = 4096 - (uint32_t)(pa & 0xfff);
	uint32_t off = 0, n = 0;
	uint64_t limit = c->code_bits == 64 ? ~0ull : c->seg[SEG_CS].limit;
	const uint8_t *bytes = bus->ram + pa;
	while (n < BLOCK_MAX && off < page_left) {
		if (c->code_bits != 64 && c->rip + off > limit)
			break;
		int avail = page_left - off < 15 ? (int)(page_left - off) : 15;
		if (c->code_bits != 64 && (uint64_t)avail > limit - (c->rip + off) + 1)
			avail = (int)(limit - (c->rip + off) + 1);
		int len = x86_decode(bytes + off, avail, c->code_bits, &out[n]);
		if (len <= 0) {
			if (n == 0 && len < 0) {
				x86_pend(c, EXC_UD, 0, 0);
				return NULL;
			}
			break; /* straddles the page: a block of its own, uncached */
		}
		if (n > 0 && reads_icount(&out[n]))
			break; /* it must see an exact count: start a block */
		off += len;
		n++;
		if (ends_block(&out[n - 1]))
			break;
	}
	if (n == 0)
		return NULL;
	if (!bus->page_code[pfn]) {
		bus->page_code[pfn] = 1;
		for (int k = 0; k < bus->nmmus; k++)
			mmu_drop_write_frame(bus->mmus[k], pfn);
	}
	ic->pool_used += n;
	b->tag = pa | ((uint64_t)c->code_bits << 56);
	b->gen = bus->page_gen[pfn];
	b->n = n;
	b->bytes = off;
	b->insns = out;
	return b;
}

/* Find or decode the block at CS:RIP.  NULL: an exception is pending, or
 * (none pending) the instruction must run uncached through run_one(). */
static struct block *find_block(struct cpu *c)
{
	uint64_t la = code_la(c, c->rip);
	uint8_t *hp = mmu_hp_lookup(&c->mmu, la, MMU_EXEC, c->cpl == 3, 1);
	struct bus *bus = c->bus;
	uint64_t pa;
	if (hp) {
		pa = (uint64_t)(hp - bus->ram);
	} else {
		/* One translation (one ITLB lookup) per block entered, with or
		 * without the host-pointer cache. */
		uint8_t byte;
		if (x86_fetch(c, c->rip, &byte, 1, &pa) < 0)
			return NULL;
		if (pa >= bus->ram_size)
			return NULL; /* code outside RAM: uncached */
	}
	uint64_t tag = pa | ((uint64_t)c->code_bits << 56);
	struct block *b = &c->icache->tab[(pa ^ (pa >> BTAB_BITS)) & (BTAB_SIZE - 1)];
	if (b->tag == tag && b->gen == bus->page_gen[pa >> 12]) {
		if (c->code_bits == 64 ||
		    c->rip + b->bytes - 1 <= c->seg[SEG_CS].limit)
			return b;
		return NULL;
	}
	return decode_block(c, pa, b);
}

/* Fetch, decode and run one instruction without the cache (it straddles a
 * page, lies outside RAM, or near the CS limit). */
static int run_one(struct cpu *c)
{
	struct insn i;
	uint8_t buf[15];
	uint64_t pa;
	int got = x86_fetch(c, c->rip, buf, 15, &pa);
	if (got < 0)
		return X86_EXC;
	int len = x86_decode(buf, got, c->code_bits, &i);
	if (len == 0) {
		/* Needs bytes that could not be fetched: fault on them. */
		uint64_t p2;
		if (x86_fetch(c, c->rip + got, buf, 1, &p2) < 0)
			return X86_EXC;
		return x86_raise_err(c, EXC_GP, 0); /* beyond the CS limit */
	}
	if (len < 0)
		return x86_raise(c, EXC_UD);
	c->next_rip = c->rip + len;
	if (c->code_bits != 64)
		c->next_rip &= c->code_bits == 32 ? 0xffffffffull : 0xffff;
	return i.fn(c, &i);
}

void cpu_yield(struct cpu *c)
{
	c->yield = 1;
	c->block_break = 1; /* leave the decoded block at once */
}

void cpu_init_ipi(struct cpu *c)
{
	cpu_reset(c);
	c->wait_for_sipi = 1;
}

void cpu_sipi(struct cpu *c, uint8_t vector)
{
	if (!c->wait_for_sipi)
		return; /* a SIPI is ignored unless the CPU waits for one */
	c->wait_for_sipi = 0;
	c->halted = 0;
	c->seg[SEG_CS].sel = (uint16_t)(vector << 8);
	c->seg[SEG_CS].base = (uint64_t)vector << 12;
	c->rip = 0;
	x86_update_mode(c);
}

/*
 * At an instruction boundary: deliver a pending NMI, or a maskable
 * interrupt when RFLAGS.IF=1 and no STI/MOV SS shadow holds.  NMI blocking
 * until the next IRET is not modelled.  X86_OK (delivered or nothing to
 * do), X86_EXC (delivery faulted: pending), X86_STOP (shutdown).
 */
static int accept_interrupt(struct cpu *c)
{
	if (c->nmi_pending) {
		c->nmi_pending = 0;
		return x86_deliver(c, EXC_NMI, EV_EXTERNAL, 0, 0, c->rip);
	}
	if (!c->irq_hint || !(c->rflags & FL_IF) || c->intr_shadow || !c->irq)
		return X86_OK;
	if (c->irq->pending(c->irq_opaque) < 0) {
		c->irq_hint = 0; /* the controller sets it again on any change */
		return X86_OK;
	}
	int v = c->irq->ack(c->irq_opaque);
	if (v < 0)
		return X86_OK;
	return x86_deliver(c, v, EV_EXTERNAL, 0, 0, c->rip);
}

/* What a handler's X86_STOP means for cpu_run. */
static int stop_reason(struct cpu *c)
{
	if (c->shutdown_msg[0])
		return CPU_STOP_TRIPLE_FAULT;
	if (c->yield) {
		c->yield = 0;
		return CPU_STOP_YIELD;
	}
	if (c->halted)
		return CPU_STOP_HALT;
	if (c->bus->stop)
		return CPU_STOP_BUS;
	return -1;
}

int cpu_run(struct cpu *c, uint64_t budget)
{
	uint64_t done = 0;
	struct bus *bus = c->bus;
	bus->code_written = &c->block_break;
	if (c->wait_for_sipi)
		return CPU_STOP_HALT;
	while (done < budget) {
		if (bus->stop)
			return CPU_STOP_BUS;
		if (__builtin_expect(c->yield, 0)) {
			c->yield = 0;
			return CPU_STOP_YIELD;
		}
		int single = 0;
		if (__builtin_expect(c->nmi_pending | c->halted |
				     (c->irq_hint & (int)(c->rflags >> 9)), 0)) {
			/* Under an STI / MOV SS shadow only one instruction
			 * runs before interrupts are looked at again. */
			single = c->intr_shadow;
			int irc = accept_interrupt(c);
			if (irc == X86_STOP)
				return CPU_STOP_TRIPLE_FAULT;
			if (irc == X86_EXC && deliver_pending(c) == X86_STOP)
				return CPU_STOP_TRIPLE_FAULT;
			if (c->halted)
				return CPU_STOP_HALT;
		}
		c->rip_history[c->history_pos++ % CPU_HISTORY] = c->rip;
		c->intr_shadow = 0;
		c->block_break = 0;
		struct block *b = single ? NULL : find_block(c);
		int rc;
		if (!b) {
			rc = c->exc_vector >= 0 ? X86_EXC : run_one(c);
			if (rc != X86_EXC) {
				c->rip = c->next_rip;
				c->icount++;
				done++;
			}
		} else {
			/* Run the block while execution falls through it.  The
			 * instruction count is settled when the block is left;
			 * instructions that read it (RDTSC...) start a block. */
			const struct insn *i = b->insns, *end;
			uint64_t mask = c->code_bits == 64 ? ~0ull
				      : c->code_bits == 32 ? 0xffffffffull : 0xffff;
			uint64_t left = budget - done;
			end = i + (left < b->n ? left : b->n);
			uint64_t rip = c->rip;
			for (;;) {
				uint64_t fall = (rip + i->len) & mask;
				c->rip = rip;
				c->next_rip = fall;
				rc = i->fn(c, i);
				if (__builtin_expect(rc != X86_OK, 0)) {
					if (rc != X86_EXC) {
						c->rip = c->next_rip;
						i++;
					}
					break;
				}
				rip = c->next_rip;
				i++;
				if (rip != fall || c->block_break || i == end) {
					c->rip = rip;
					break;
				}
			}
			c->icount += (uint64_t)(i - b->insns);
			done += (uint64_t)(i - b->insns);
		}
		if (rc == X86_STOP) {
			int why = stop_reason(c);
			if (why >= 0)
				return why;
		} else if (rc == X86_EXC) {
			/* An exception: the instruction does not retire. */
			if (deliver_pending(c) == X86_STOP)
				return CPU_STOP_TRIPLE_FAULT;
			done++; /* bound the work of endless fault loops */
		}
	}
	return CPU_STOP_BUDGET;
}
