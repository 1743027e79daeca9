/*
 * emu/report.c — mmulab's own words on stderr: one-line messages starting
 * with "mmulab: ", the register dump and disassembly of a crash report,
 * and the statistics line.  Guest output is flushed first so the two never
 * interleave out of order.
 *
 * The last instructions come from the CPU's ring of recent RIPs
 * (c->rip_history, CPU_HISTORY entries, written at c->history_pos), read
 * back through the MMU and disassembled with capstone in the CPU's current
 * mode.  capstone only ever names instructions here; it is never the
 * decoder.
 */
#include "emu/emu.h"

#include <capstone/capstone.h>
#include <stdarg.h>
#include <string.h>

static void flush_guest(struct machine *m)
{
	if (!m)
		return;
	if (m->serial.out_fd >= 0)
		chardev_flush(&m->serial);
	if (m->console.out_fd >= 0)
		chardev_flush(&m->console);
}

void report_msg(struct machine *m, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	flush_guest(m);
	fprintf(stderr, "mmulab: %s\n", line);
	fflush(stderr);
}

static const char *const reg_names[16] = {
	"RAX", "RCX", "RDX", "RBX", "RSP", "RBP", "RSI", "RDI",
	"R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
};

static const char *const seg_names[6] = { "ES", "CS", "SS", "DS", "FS", "GS" };

static void dump_regs(struct cpu *c)
{
	for (int i = 0; i < 16; i++) {
		fprintf(stderr, "%s%s=%016llx", i % 4 ? " " : "  ", reg_names[i],
			(unsigned long long)c->regs[i]);
		if (i % 4 == 3)
			fputc('\n', stderr);
	}
	fprintf(stderr, "  RIP=%016llx RFL=%08llx CPL=%d %d-bit%s icount=%llu\n",
		(unsigned long long)c->rip, (unsigned long long)x86_get_rflags(c),
		c->cpl, c->code_bits, c->long_mode ? " (long mode)" : "",
		(unsigned long long)c->icount);
	for (int s = 0; s < 6; s++)
		fprintf(stderr, "  %s =%04x base=%016llx limit=%08x attr=%05x\n",
			seg_names[s], c->seg[s].sel, (unsigned long long)c->seg[s].base,
			c->seg[s].limit, c->seg[s].attr);
	fprintf(stderr, "  GDT=%016llx/%04x IDT=%016llx/%04x TR=%04x LDTR=%04x\n",
		(unsigned long long)c->gdtr.base, c->gdtr.limit,
		(unsigned long long)c->idtr.base, c->idtr.limit, c->tr.sel,
		c->ldtr.sel);
	fprintf(stderr, "  CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx EFER=%llx\n",
		(unsigned long long)c->cr0, (unsigned long long)c->cr2,
		(unsigned long long)c->cr3, (unsigned long long)c->cr4,
		(unsigned long long)c->efer);
}

/* Copy up to `n` code bytes at linear address `la`; returns how many could
 * be read (stops at the first untranslatable byte).  The probe has no side
 * effects on the page tables or the TLB. */
static size_t read_code(struct cpu *c, uint64_t la, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		uint64_t pa;
		uint64_t a = la + got;
		if (mmu_probe(&c->mmu, a, MMU_EXEC | MMU_SUPER, &pa) != 0)
			break;
		size_t chunk = 4096 - (a & 0xfff);
		if (chunk > n - got)
			chunk = n - got;
		for (size_t i = 0; i < chunk; i++)
			buf[got + i] = (uint8_t)bus_phys_read(c->bus, pa + i, 1);
		got += chunk;
	}
	return got;
}

static void dump_history(struct cpu *c)
{
	csh cs;
	cs_mode mode = c->code_bits == 64 ? CS_MODE_64
		       : c->code_bits == 16 ? CS_MODE_16 : CS_MODE_32;
	if (cs_open(CS_ARCH_X86, mode, &cs) != CS_ERR_OK) {
		fprintf(stderr, "  (capstone unavailable: no disassembly)\n");
		return;
	}
	/* history_pos counts every instruction started, retired or not. */
	uint64_t n = c->history_pos < CPU_HISTORY ? c->history_pos : CPU_HISTORY;
	fprintf(stderr, "  last %llu instructions (oldest first):\n",
		(unsigned long long)n);
	for (uint64_t k = n; k > 0; k--) {
		unsigned slot = (c->history_pos - (unsigned)k) % CPU_HISTORY;
		uint64_t rip = c->rip_history[slot];
		uint64_t la = rip + (c->long_mode ? 0 : c->seg[SEG_CS].base);
		uint8_t bytes[15];
		size_t len = read_code(c, la, bytes, sizeof(bytes));
		cs_insn *insn;
		size_t count = len ? cs_disasm(cs, bytes, len, rip, 1, &insn) : 0;
		const char *mark = k == 1 ? "=>" : "  ";
		if (count) {
			char hex[3 * 15 + 1] = "";
			for (size_t i = 0; i < insn[0].size; i++)
				snprintf(hex + 3 * i, 4, "%02x ", insn[0].bytes[i]);
			fprintf(stderr, "  %s %016llx  %-24s %s %s\n", mark,
				(unsigned long long)rip, hex, insn[0].mnemonic,
				insn[0].op_str);
			cs_free(insn, count);
		} else {
			fprintf(stderr, "  %s %016llx  %s\n", mark,
				(unsigned long long)rip,
				len ? "(undecodable)" : "(not mapped)");
		}
	}
	cs_close(&cs);
}

void report_cpu(struct machine *m, struct cpu *c)
{
	flush_guest(m);
	fprintf(stderr, "  CPU %d:\n", c->id);
	dump_regs(c);
	dump_history(c);
	fflush(stderr);
}

void report_stats(struct machine *m)
{
	double secs = (double)(m->stats.end.tv_sec - m->stats.start.tv_sec) +
		      (double)(m->stats.end.tv_nsec - m->stats.start.tv_nsec) * 1e-9;
	uint64_t n = machine_icount(m);
	uint64_t walks = 0, faults = 0, hits = 0, misses = 0;
	for (int i = 0; i < m->ncpus; i++) {
		const struct mmu *u = &m->cpus[i].mmu;
		walks += u->stats.walks;
		faults += u->stats.faults;
		misses += u->stats.misses[LVL_ITLB] + u->stats.misses[LVL_DTLB];
		for (int a = TLB_ITLB_4K; a <= TLB_DTLB_1G; a++)
			hits += u->tlb.a[a].st.hits;
	}
	report_msg(m, "stats: %llu instructions in %.3f s (%.1f MIPS), %llu quanta, "
		   "%llu HLT; MMU: L1 TLB %llu hits %llu misses, %llu walks, "
		   "%llu page faults",
		   (unsigned long long)n, secs, secs > 0 ? (double)n / secs / 1e6 : 0.0,
		   (unsigned long long)m->stats.quanta,
		   (unsigned long long)m->stats.halts, (unsigned long long)hits,
		   (unsigned long long)misses, (unsigned long long)walks,
		   (unsigned long long)faults);
}
