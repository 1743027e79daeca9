/*
 * tlb.c — address-space switches with PCIDs, and TLB shootdowns: Linux's
 * arch/x86/mm/tlb.c, in its names (cpu_tlbstate, choose_new_asid,
 * switch_mm_irqs_off, flush_tlb_mm_range, flush_tlb_func).
 *
 * PCIDs (SDM vol. 3 §4.10.1): with CR4.PCIDE = 1, CR3[11:0] names the
 * current process-context identifier and the TLB tags every entry it
 * caches with it, so entries of other address spaces survive a CR3 write;
 * CR3 bit 63 set on the write keeps even the new PCID's entries
 * (§4.10.4.1: "If CR4.PCIDE = 1 and bit 63 of the instruction's source
 * operand is 1, the instruction is not required to invalidate any TLB
 * entries or entries in paging-structure caches").  Global entries (the
 * kernel's) survive every CR3 write.
 *
 * As Linux, each CPU has TLB_NR_DYN_ASIDS = 6 slots; slot n uses PCID n+1
 * (PCID 0 is init_mm's: kernel mappings only).  A slot remembers which
 * address space it holds (its ctx_id) and the TLB generation its entries
 * are up to date with.  Switching to an mm (switch_mm_irqs_off):
 *   - the mm is in a slot and the slot is up to date: CR3 with bit 63,
 *     nothing flushed (nr_tlb_cr3_noflush);
 *   - in a slot, but a flush of the mm happened since (this CPU was not
 *     running it, so nobody sent it an IPI): CR3 without bit 63, which
 *     flushes that PCID (the deferred flush, nr_tlb_deferred_flush);
 *   - in no slot: the next slot round-robin is taken over
 *     (nr_tlb_asid_recycle) and flushed.
 * Without PCID (QEMU's TCG has none) there is one slot and every switch
 * flushes; the generations still say which flushes a CPU missed.
 *
 * Lazy TLB: a kernel thread or the idle task has no address space of its
 * own; it keeps the one loaded (enter_lazy_tlb) and CR3 is not written.
 * A lazy CPU gets no flush IPIs for page changes: when it switches back to
 * the same mm it compares generations and flushes if it missed one.  Only
 * a flush that frees page tables reaches lazy CPUs too, which then load
 * init_mm (leave_mm): the hardware may walk the loaded tables at any time.
 *
 * Shootdowns (flush_tlb_mm_range): bump the mm's generation, flush this
 * CPU if it has the mm loaded (INVLPG per page, or a CR3 write above
 * tlb_single_page_flush_ceiling = 33 pages), and send an IPI to exactly
 * the CPUs of the mm's cpumask that have it loaded and are not lazy; each
 * runs flush_tlb_func and the caller waits for all of them.  A CPU that
 * has the mm in one of its other slots is not interrupted: its slot's
 * generation is now behind.  When the caller's own CPU has the mm in an
 * inactive slot and the CPU has INVPCID, it invalidates the entries of that
 * PCID at once instead (INVPCID type 0 per page, type 1 for all: §4.10.4.1).
 *
 * cpumask: a CPU sets its bit in mm_cpumask when it loads the mm and
 * clears it when it loads another (not when it goes lazy).  The bit is set
 * with a locked instruction before the CPU reads the generation, and the
 * flusher bumps the generation with one before it reads the mask, so a
 * CPU switching in at the same time either sees the new generation or gets
 * the IPI.
 */
#include "asm.h"
#include "kernel.h"
#include "mman.h"
#include "ownership.h"
#include "pgtable.h"
#include "sched.h"
#include "setup.h"
#include "smp.h"
#include "tlbflush.h"

#define X86_CR4_PCIDE		(1ul << 17)
#define CR3_NOFLUSH		(1ul << 63)
#define INVPCID_TYPE_INDIV_ADDR	0
#define INVPCID_TYPE_SINGLE_CTXT 1

struct tlb_context {
	u64 ctx_id;
	u64 tlb_gen;
};

/* Per CPU (Linux's cpu_tlbstate): what is in CR3 and what each slot holds. */
struct tlb_state {
	struct mm_struct *loaded_mm;
	u16 loaded_mm_asid;
	u16 next_asid;
	bool is_lazy;
	struct tlb_context ctxs[TLB_NR_DYN_ASIDS];
	struct tlb_stat stat;
};

/* What a flush is about (Linux's struct flush_tlb_info), on the caller's stack. */
struct flush_tlb_info {
	struct mm_struct *mm;
	unsigned long start, end;	/* end TLB_FLUSH_ALL: everything */
	u64 new_tlb_gen;
	unsigned int stride_shift;
	bool freed_tables;
	bool local_done;		/* the initiating CPU's TLB has no entry for the range */
	int initiating_cpu;
};

struct mm_struct init_mm;
unsigned long tlb_single_page_flush_ceiling = 33;
static struct tlb_state cpu_tlbstate[NR_CPUS];
static bool have_pcid, have_invpcid;
static long skip_shootdown;	/* tlb.skip_shootdown=N: the Nth shootdown is not sent (0: none) */
static long shootdowns;		/* shootdowns so far that skip_shootdown may pick */
static u64 last_ctx_id;

static struct tlb_state *this_tlbstate(void)
{
	return &cpu_tlbstate[smp_processor_id()];
}

static void count(unsigned long *counter, unsigned long n)
{
	*counter += n;	/* this CPU's own counter: no atomics needed */
}

void tlb_stat_sum(struct tlb_stat *sum)
{
	unsigned long *s = (unsigned long *)sum;

	*sum = (struct tlb_stat){ 0 };
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		const unsigned long *c = (const unsigned long *)&cpu_tlbstate[cpu].stat;

		for (size_t i = 0; i < sizeof(*sum) / sizeof(unsigned long); i++)
			s[i] += c[i];
	}
}

static u16 kern_pcid(u16 asid)
{
	return asid + 1;
}

static void invpcid(unsigned long pcid, unsigned long addr, unsigned long type)
{
	struct {
		u64 pcid, addr;
	} desc = { pcid, addr };

	__asm__ volatile("invpcid %0, %1" : : "m"(desc), "r"(type) : "memory");
}

static u64 inc_mm_tlb_gen(struct mm_struct *mm)
{
	return __atomic_add_fetch(&mm->context.tlb_gen, 1, __ATOMIC_SEQ_CST);
}

static u64 mm_tlb_gen(const struct mm_struct *mm)
{
	return __atomic_load_n(&mm->context.tlb_gen, __ATOMIC_SEQ_CST);
}

void init_new_context(struct mm_struct *mm)
{
	mm->context.ctx_id = __atomic_add_fetch(&last_ctx_id, 1, __ATOMIC_SEQ_CST);
	mm->context.tlb_gen = 1;
	mm->cpu_bitmap.bits = 0;
}

/* Writes CR3 for mm in slot asid: keeping the PCID's entries, or flushing them. */
static void load_new_mm_cr3(struct mm_struct *mm, u16 asid, bool need_flush)
{
	struct tlb_state *ts = this_tlbstate();
	unsigned long cr3 = __pa(mm->pgd);

	if (have_pcid) {
		cr3 |= mm == &init_mm ? 0 : kern_pcid(asid);
		if (!need_flush)
			cr3 |= CR3_NOFLUSH;
	}
	write_cr(3, cr3);
	count(need_flush || !have_pcid ? &ts->stat.cr3_flush : &ts->stat.cr3_noflush, 1);
}

/* The slot for next on this CPU, and whether its entries must go (Linux's choose_new_asid). */
static void choose_new_asid(struct mm_struct *next, u64 next_tlb_gen, u16 *new_asid, bool *need_flush)
{
	struct tlb_state *ts = this_tlbstate();

	if (!have_pcid) {
		*new_asid = 0;
		*need_flush = true;
		return;
	}
	for (u16 asid = 0; asid < TLB_NR_DYN_ASIDS; asid++) {
		if (ts->ctxs[asid].ctx_id != next->context.ctx_id)
			continue;
		*new_asid = asid;
		*need_flush = ts->ctxs[asid].tlb_gen < next_tlb_gen;
		if (*need_flush)
			count(&ts->stat.deferred_flush, 1);
		return;
	}
	/* Not in a slot: take the next one round-robin; what it held is flushed. */
	*new_asid = ts->next_asid++;
	if (*new_asid >= TLB_NR_DYN_ASIDS) {
		*new_asid = 0;
		ts->next_asid = 1;
	}
	*need_flush = true;
	count(&ts->stat.asid_recycle, 1);
}

void switch_mm_irqs_off(struct mm_struct *next)
{
	struct tlb_state *ts = this_tlbstate();
	struct mm_struct *prev = ts->loaded_mm;
	int cpu = smp_processor_id();
	bool was_lazy = ts->is_lazy, need_flush;
	u64 next_tlb_gen;
	u16 new_asid;

	ts->is_lazy = false;
	if (prev == next) {
		if (!was_lazy)
			return;
		/* Back from lazy mode: were flushes of this mm skipped meanwhile? */
		next_tlb_gen = mm_tlb_gen(next);
		if (next == &init_mm || ts->ctxs[ts->loaded_mm_asid].tlb_gen == next_tlb_gen)
			return;
		new_asid = ts->loaded_mm_asid;
		need_flush = true;
		count(&ts->stat.deferred_flush, 1);
	} else {
		if (prev && prev != &init_mm)
			cpumask_clear_cpu(cpu, &prev->cpu_bitmap);
		if (next == &init_mm) {
			/* PCID 0 holds kernel translations only: keep them. */
			ts->loaded_mm = next;
			ts->loaded_mm_asid = 0;
			load_new_mm_cr3(next, 0, !have_pcid);
			return;
		}
		/* Start taking remote flushes, then read the generation. */
		cpumask_set_cpu(cpu, &next->cpu_bitmap);
		next_tlb_gen = mm_tlb_gen(next);
		choose_new_asid(next, next_tlb_gen, &new_asid, &need_flush);
	}
	if (need_flush) {
		ts->ctxs[new_asid].ctx_id = next->context.ctx_id;
		ts->ctxs[new_asid].tlb_gen = next_tlb_gen;
	}
	ts->loaded_mm = next;
	ts->loaded_mm_asid = new_asid;
	load_new_mm_cr3(next, new_asid, need_flush);
}

void enter_lazy_tlb(void)
{
	struct tlb_state *ts = this_tlbstate();

	if (ts->loaded_mm != &init_mm)
		ts->is_lazy = true;
}

void activate_mm(struct mm_struct *mm)
{
	unsigned long flags;

	local_irq_save(flags);
	switch_mm_irqs_off(mm);
	local_irq_restore(flags);
}

void leave_mm(void)
{
	unsigned long flags;

	local_irq_save(flags);
	switch_mm_irqs_off(&init_mm);
	local_irq_restore(flags);
}

/* Flushes all of this CPU's non-global entries of the current PCID. */
static void flush_tlb_local(void)
{
	write_cr(3, read_cr3() & ~CR3_NOFLUSH);
}

/*
 * Brings this CPU's TLB up to date for f->mm (Linux's flush_tlb_func):
 * on the initiating CPU directly, on the others from the IPI.  Interrupts
 * are off.  A request older than what the CPU has caught up with is
 * already done; one that is the very next generation flushes just its
 * pages; one after a gap (requests raced) flushes everything.
 */
static void flush_tlb_func(void *info)
{
	const struct flush_tlb_info *f = info;
	struct tlb_state *ts = this_tlbstate();
	struct mm_struct *loaded_mm = ts->loaded_mm;
	bool local = f->initiating_cpu == smp_processor_id();
	u64 mm_gen, local_gen;

	if (!local)
		count(&ts->stat.remote_flush_received, 1);
	if (loaded_mm == &init_mm)
		return;
	if (ts->is_lazy) {	/* page tables go: do not keep them loaded */
		switch_mm_irqs_off(&init_mm);
		return;
	}
	if (f->mm && f->mm != loaded_mm)
		return;		/* switched away meanwhile: the slot's generation defers it */
	mm_gen = mm_tlb_gen(loaded_mm);
	local_gen = ts->ctxs[ts->loaded_mm_asid].tlb_gen;
	if (local_gen == mm_gen)
		return;
	if (f->end != TLB_FLUSH_ALL && f->new_tlb_gen == local_gen + 1 && f->new_tlb_gen == mm_gen) {
		unsigned long n = (f->end - f->start) >> f->stride_shift;

		if (!(local && f->local_done)) {
			for (unsigned long addr = f->start; addr < f->end; addr += 1ul << f->stride_shift)
				invlpg(addr);
			if (local)
				count(&ts->stat.local_flush_one, n);
		}
	} else {
		flush_tlb_local();
		if (local)
			count(&ts->stat.local_flush_all, 1);
	}
	ts->ctxs[ts->loaded_mm_asid].tlb_gen = mm_gen;
}

/* f->mm is in an inactive slot of this CPU: INVPCID its entries now, if the CPU can. */
static void flush_tlb_other_pcid(const struct flush_tlb_info *f)
{
	struct tlb_state *ts = this_tlbstate();

	if (!have_pcid || !have_invpcid)
		return;		/* deferred: the slot's generation is behind */
	for (u16 asid = 0; asid < TLB_NR_DYN_ASIDS; asid++) {
		struct tlb_context *c = &ts->ctxs[asid];

		if (c->ctx_id != f->mm->context.ctx_id)
			continue;
		if (f->end != TLB_FLUSH_ALL && f->new_tlb_gen == c->tlb_gen + 1) {
			for (unsigned long addr = f->start; addr < f->end; addr += 1ul << f->stride_shift)
				invpcid(kern_pcid(asid), addr, INVPCID_TYPE_INDIV_ADDR);
			count(&ts->stat.invpcid, (f->end - f->start) >> f->stride_shift);
		} else {
			invpcid(kern_pcid(asid), 0, INVPCID_TYPE_SINGLE_CTXT);
			count(&ts->stat.invpcid, 1);
		}
		c->tlb_gen = f->new_tlb_gen;
		return;
	}
}

/*
 * Which other CPUs must flush now: those running the mm (not lazy); for
 * freed page tables every CPU that has it loaded, lazy ones included.
 */
static u64 shootdown_targets(const struct flush_tlb_info *f)
{
	u64 mask = __atomic_load_n(&f->mm->cpu_bitmap.bits, __ATOMIC_SEQ_CST) & ~(1ul << f->initiating_cpu);
	u64 targets = 0;
	int cpu;

	for_each_cpu_in(cpu, mask) {
		const struct tlb_state *ts = &cpu_tlbstate[cpu];

		if (f->freed_tables || (!__atomic_load_n(&ts->is_lazy, __ATOMIC_SEQ_CST) &&
					__atomic_load_n(&ts->loaded_mm, __ATOMIC_SEQ_CST) == f->mm))
			targets |= 1ul << cpu;
	}
	return targets;
}

static void flush_tlb_multi(const struct flush_tlb_info *f)
{
	struct tlb_state *ts = this_tlbstate();
	u64 targets = shootdown_targets(f);

	if (!targets)
		return;
	if (skip_shootdown && !f->freed_tables &&
	    __atomic_add_fetch(&shootdowns, 1, __ATOMIC_SEQ_CST) == skip_shootdown) {
		printk("tlb: skip_shootdown: %s[%d] changed %#lx-%#lx, no IPI to CPU mask %#lx\n", current->comm,
		       current->pid, f->start, f->end == TLB_FLUSH_ALL ? ~0ul : f->end, targets);
		count(&ts->stat.skipped_shootdown, 1);
		return;
	}
	count(&ts->stat.remote_flush, 1);
	count(&ts->stat.shootdown_ipi, (unsigned long)__builtin_popcountl(targets));
	/* The visualiser draws it from the sender to each target (devices/ownership.h). */
	ownership_report_shootdown(f->initiating_cpu, targets,
				   f->end == TLB_FLUSH_ALL ? OWNERSHIP_FLUSH_ALL : (f->end - f->start) >> f->stride_shift);
	smp_call_function_many(targets, flush_tlb_func, (void *)f);
}

static void __flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end,
				 unsigned int stride_shift, bool freed_tables, bool local_done)
{
	struct flush_tlb_info info = {
		.mm = mm,
		.stride_shift = stride_shift,
		.freed_tables = freed_tables,
		.local_done = local_done,
	};
	unsigned long flags;

	if (end == TLB_FLUSH_ALL || ((end - start) >> stride_shift) > tlb_single_page_flush_ceiling) {
		start = 0;
		end = TLB_FLUSH_ALL;
	}
	info.start = start;
	info.end = end;
	/* The PTE changes are visible before the generation (a locked add orders them). */
	info.new_tlb_gen = inc_mm_tlb_gen(mm);
	local_irq_save(flags);
	info.initiating_cpu = smp_processor_id();
	if (this_tlbstate()->loaded_mm == mm)
		flush_tlb_func(&info);
	else
		flush_tlb_other_pcid(&info);
	local_irq_restore(flags);
	flush_tlb_multi(&info);
}

void flush_tlb_mm_range(struct mm_struct *mm, unsigned long start, unsigned long end, unsigned int stride_shift,
			bool freed_tables)
{
	__flush_tlb_mm_range(mm, start, end, stride_shift, freed_tables, false);
}

void flush_tlb_page(struct vm_area_struct *vma, unsigned long addr)
{
	flush_tlb_mm_range(vma->vm_mm, addr, addr + PAGE_SIZE, PAGE_SHIFT, false);
}

void flush_tlb_range(struct vm_area_struct *vma, unsigned long start, unsigned long end)
{
	flush_tlb_mm_range(vma->vm_mm, start, end, PAGE_SHIFT, false);
}

void flush_tlb_mm(struct mm_struct *mm)
{
	flush_tlb_mm_range(mm, 0, TLB_FLUSH_ALL, PAGE_SHIFT, false);
}

void flush_tlb_fault_page(struct vm_area_struct *vma, unsigned long addr)
{
	__flush_tlb_mm_range(vma->vm_mm, addr, addr + PAGE_SIZE, PAGE_SHIFT, false, true);
}

void tlb_cpu_init(void)
{
	struct tlb_state *ts = this_tlbstate();
	u32 r[4];

	cpuid(1, 0, r);
	have_pcid = (r[2] >> 17) & 1;		/* CPUID.01H:ECX.PCID[bit 17] */
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		have_invpcid = (r[1] >> 10) & 1;	/* CPUID.(EAX=07H,ECX=0):EBX.INVPCID[bit 10] */
	}
	/* CR4.PCIDE may be set only with CR3[11:0] = 0 (§4.10.1): init_mm's CR3 is. */
	if (have_pcid)
		write_cr(4, read_cr4() | X86_CR4_PCIDE);
	ts->loaded_mm = &init_mm;
	ts->loaded_mm_asid = 0;
	ts->next_asid = 0;
}

void tlb_init(void)
{
	char arg[16];

	init_mm.pgd = init_top_pgt;
	init_mm.context.tlb_gen = 1;
	if (cmdline_get("tlb.skip_shootdown", arg, sizeof(arg)))
		for (const char *p = arg; *p >= '0' && *p <= '9'; p++)
			skip_shootdown = skip_shootdown * 10 + *p - '0';
	tlb_cpu_init();
	if (have_pcid)
		printk("TLB: PCID (%d slots per CPU), %s; ", TLB_NR_DYN_ASIDS, have_invpcid ? "INVPCID" : "no INVPCID");
	else
		printk("TLB: no PCID (each CR3 write flushes), %s; ", have_invpcid ? "INVPCID" : "no INVPCID");
	printk("single-page flushes up to %lu pages\n", tlb_single_page_flush_ceiling);
	if (skip_shootdown)
		printk("TLB: tlb.skip_shootdown=%ld: shootdown %ld will not be sent (a bug, on purpose)\n",
		       skip_shootdown, skip_shootdown);
}
