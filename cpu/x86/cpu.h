/*
 * cpu/x86/cpu.h — the face of the x86-64 processor: architectural state and
 * the calls the machine makes (reset, run, dump).
 *
 * Instruction semantics live in the other files of cpu/x86/ and see the
 * internal header x86.h; the rest of mmulab sees only this one.
 */
#ifndef MMULAB_CPU_X86_CPU_H
#define MMULAB_CPU_X86_CPU_H

#include <stdint.h>

#include "devices/bus.h"
#include "mmu/mmu.h"

/* General registers in encoding order (SDM vol. 2 table 2-2). */
enum {
	R_RAX, R_RCX, R_RDX, R_RBX, R_RSP, R_RBP, R_RSI, R_RDI,
	R_R8, R_R9, R_R10, R_R11, R_R12, R_R13, R_R14, R_R15,
};

/* Segment registers in encoding order (SDM vol. 2 table 3-6? "Sreg"). */
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_NONE = 7 };

/* RFLAGS bits (SDM vol. 1 §3.4.3). */
#define FL_CF (1ull << 0)
#define FL_PF (1ull << 2)
#define FL_AF (1ull << 4)
#define FL_ZF (1ull << 6)
#define FL_SF (1ull << 7)
#define FL_TF (1ull << 8)
#define FL_IF (1ull << 9)
#define FL_DF (1ull << 10)
#define FL_OF (1ull << 11)
#define FL_IOPL (3ull << 12)
#define FL_NT (1ull << 14)
#define FL_RF (1ull << 16)
#define FL_VM (1ull << 17)
#define FL_AC (1ull << 18)
#define FL_VIF (1ull << 19)
#define FL_VIP (1ull << 20)
#define FL_ID (1ull << 21)
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/*
 * A segment register's hidden part.  `attr` holds the descriptor's access
 * rights in the layout VMX uses: bits 3:0 type, 4 S, 6:5 DPL, 7 P, 12 AVL,
 * 13 L, 14 D/B, 15 G, 16 unusable (null selector loaded).
 */
struct x86_seg {
	uint16_t sel;
	uint64_t base;
	uint32_t limit; /* byte granular, already scaled by G */
	uint32_t attr;
};
#define SEG_ATTR_TYPE 0xfu
#define SEG_ATTR_S (1u << 4)
#define SEG_ATTR_DPL_SHIFT 5
#define SEG_ATTR_P (1u << 7)
#define SEG_ATTR_L (1u << 13)
#define SEG_ATTR_DB (1u << 14)
#define SEG_ATTR_G (1u << 15)
#define SEG_ATTR_UNUSABLE (1u << 16)

struct x86_dtr {
	uint64_t base;
	uint16_t limit;
};

/* Exception vectors (SDM vol. 3 table 6-1). */
enum {
	EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4,
	EXC_BR = 5, EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10,
	EXC_NP = 11, EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_MF = 16,
	EXC_AC = 17, EXC_MC = 18, EXC_XM = 19,
};

/* Why cpu_run() returned. */
enum cpu_stop {
	CPU_STOP_BUDGET = 0,   /* executed the instructions it was given */
	CPU_STOP_BUS,          /* a device asked to stop (bus->stop) */
	CPU_STOP_HALT,         /* HLT executed */
	CPU_STOP_TRIPLE_FAULT, /* shutdown: details in cpu->shutdown_msg */
	CPU_STOP_YIELD,        /* PAUSE, or an IPI sent: the turn ends early */
};

struct insn_cache; /* decoded-instruction cache, private to cpu/x86 */
struct cpu;

/* What an interrupt controller (the local APIC, or the PIC on a machine
 * without one) offers the CPU. */
struct cpu_irq_ops {
	/* Vector of the highest-priority maskable interrupt that may be
	 * delivered now, or -1.  No side effect. */
	int (*pending)(void *opaque);
	/* Acknowledge it (INTA): returns its vector and marks it in service. */
	int (*ack)(void *opaque);
};

#define CPU_HISTORY 16 /* last instruction addresses, for crash reports */

struct cpu {
	uint64_t regs[16];
	uint64_t rip;      /* address of the current instruction */
	uint64_t next_rip; /* where execution goes on after it; branches set it */

	/* RFLAGS: the bits other than the six arithmetic flags live in
	 * `rflags`; the arithmetic ones are computed lazily from the last
	 * flag-setting operation (flags.c).  Read with x86_get_rflags(). */
	uint64_t rflags;
	uint64_t lf_res, lf_src1, lf_src2;
	uint32_t lf_op;   /* enum x86_lazy_op (flags.h) */
	uint32_t lf_size; /* operand size in bytes */
	uint64_t lf_cf_in;  /* carry-in for ADC/SBB, and flags for ops that keep CF */

	struct x86_seg seg[6], ldtr, tr;
	struct x86_dtr gdtr, idtr;

	uint64_t cr0, cr2, cr3, cr4, cr8;
	uint64_t dr[8];
	uint64_t efer;
	uint64_t star, lstar, cstar, sfmask, kernel_gs_base;
	uint64_t sysenter_cs, sysenter_esp, sysenter_eip;
	uint64_t apic_base, tsc_aux, pat, misc_enable;
	uint32_t pkru; /* protection-key rights (RDPKRU/WRPKRU) */
	uint64_t tsc_offset;

	int cpl;
	int code_bits; /* 16, 32 or 64: default operand size of CS */
	int long_mode; /* EFER.LMA */

	/* Pending exception raised by the current instruction. */
	int exc_vector;    /* -1: none */
	uint32_t exc_error;
	int exc_has_error;
	int exc_depth;     /* nesting while delivering: for #DF and shutdown */

	int halted;
	int block_break; /* set when the mode or paging changed mid-block */
	int intr_shadow; /* STI / MOV SS shadow: no interrupt before next insn */

	/* Interrupt acceptance (SDM vol. 3 §6.8, §10.4): the interrupt
	 * controller sets `irq_hint` whenever it may have something to
	 * deliver; at instruction boundaries with RFLAGS.IF=1 and no shadow
	 * the CPU asks irq->pending() and, if it returns a vector, calls
	 * irq->ack() (which moves it in service) and delivers it. */
	const struct cpu_irq_ops *irq;
	void *irq_opaque;
	volatile int irq_hint;
	volatile int nmi_pending;
	int wait_for_sipi; /* after INIT: only a Start-up IPI wakes it */
	/* Give up the rest of the turn (PAUSE, or cpu_yield() after this CPU
	 * sent an IPI), so spin-waits on other CPUs cost little and stay
	 * deterministic. */
	int yield;

	uint64_t icount;  /* instructions retired */
	uint64_t rip_history[CPU_HISTORY];
	unsigned history_pos;

	struct bus *bus;
	struct mmu mmu;
	struct insn_cache *icache;

	char shutdown_msg[160];
	int id;
};

/* Allocate caches and put the CPU in its power-on state (SDM vol. 3 table
 * 10-1).  Returns 0, or -1 when out of memory. */
int cpu_init(struct cpu *c, struct bus *bus, int id);
void cpu_free(struct cpu *c);
void cpu_reset(struct cpu *c);

/* Enter 32-bit protected mode, paging off, flat 4 GiB segments, as the
 * Multiboot specification (§3.2) requires of a boot loader. */
void cpu_enter_multiboot(struct cpu *c, uint32_t entry, uint32_t info);

/* Put the CPU in 64-bit mode at CPL 0 with flat segments, paging on with
 * PML4 at `cr3` (4-level, PAE, EFER.LME|LMA|NXE), interrupts off.  For test
 * harnesses that build their own page tables (difftest, fuzz, unit tests). */
void cpu_enter_long_flat(struct cpu *c, uint64_t cr3);

/* INIT (SDM vol. 3 §10.4.7.3, table 10-1): reset to the INIT state and wait
 * for a Start-up IPI.  SIPI with `vector`: start in real mode at
 * vector:0000, i.e. physical address vector << 12. */
void cpu_init_ipi(struct cpu *c);
void cpu_sipi(struct cpu *c, uint8_t vector);

/* End the CPU's turn after the instruction it is executing (an interrupt
 * controller calls it when the CPU sent an IPI): cpu_run returns
 * CPU_STOP_YIELD at the next instruction boundary. */
void cpu_yield(struct cpu *c);

/* Execute up to `budget` instructions.  Returns an enum cpu_stop and adds
 * what it executed to c->icount. */
int cpu_run(struct cpu *c, uint64_t budget);

/* Full RFLAGS value / set RFLAGS (all bits, no privilege checks). */
uint64_t x86_get_rflags(const struct cpu *c);
void x86_set_rflags(struct cpu *c, uint64_t v);

/* Push the current paging controls to the MMU (after CR0/3/4, EFER, CPL or
 * AC change). */
void cpu_sync_mmu(struct cpu *c);

#endif
