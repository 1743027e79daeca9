/*
 * cpu/x86/system.h — helpers shared by the system-instruction files:
 * mode tracking, segment loads, interrupt delivery, privilege checks.
 */
#ifndef MMULAB_CPU_X86_SYSTEM_H
#define MMULAB_CPU_X86_SYSTEM_H

#include "cpu/x86/x86.h"

/* Recompute c->code_bits and c->long_mode from CR0.PE, EFER.LMA, CS.L and
 * CS.D, and push the paging controls to the MMU.  Call after any change to
 * CR0, CR4, EFER, CS or CPL. */
void x86_update_mode(struct cpu *c);

/* Real mode or virtual-8086: segment = selector << 4. */
static inline int x86_real(const struct cpu *c)
{
	return !(c->cr0 & CR0_PE);
}

/* Load segment register `seg` with `sel` with the checks of MOV/POP Sreg in
 * the current mode (SDM vol. 2 "MOV", "POP").  X86_OK or X86_EXC. */
int x86_load_seg(struct cpu *c, int seg, uint16_t sel) WUR;

/* Read the 8-byte descriptor for `sel` from the GDT or LDT (16 bytes with
 * `wide` for system descriptors in long mode).  #GP(sel) when outside the
 * table limit.  X86_OK or X86_EXC. */
int x86_read_descriptor(struct cpu *c, uint16_t sel, uint64_t d[2], int wide) WUR;

/* Unpack a code/data descriptor into the hidden part of a segment. */
void x86_desc_to_seg(uint64_t d, uint16_t sel, struct x86_seg *s);

/* Stack of privilege level `pl` from the current TSS (SDM vol. 3 §7.7 for
 * the 64-bit TSS's RSPn, §7.2.1 SSn:ESPn / SSn:SPn for 32- and 16-bit
 * ones; *ss is 0 in IA-32e mode).  #TS(TR | ext) when outside the TSS
 * limit.  X86_OK or X86_EXC. */
int x86_tss_stack(struct cpu *c, int pl, int ext, uint64_t *sp,
		  uint16_t *ss) WUR;

/* Load SS for a switch to the inner privilege level `dpl` (interrupt
 * gates, call gates; SDM vol. 3 §6.12.1: #TS/#SS rules).  Changes SS only
 * on success.  X86_OK or X86_EXC. */
int x86_load_inner_ss(struct cpu *c, uint16_t sel, int dpl, int ext) WUR;

/* The null SS with RPL `rpl` that IA-32e privilege changes load. */
void x86_null_ss(struct x86_seg *s, int rpl);

/* Kinds of event for x86_deliver. */
enum { EV_EXCEPTION, EV_SOFT_INT, EV_EXTERNAL, EV_INT3, EV_INTO, EV_INT1 };

/* Deliver interrupt/exception `vector` through the IDT (or IVT in real
 * mode) with the current CPU state; `ret` is the return RIP pushed.  Nested
 * faults escalate to #DF and then shutdown.  X86_OK, X86_EXC (a fault
 * during delivery is now pending), or X86_STOP on shutdown. */
int x86_deliver(struct cpu *c, int vector, int kind, int has_err,
		uint32_t err, uint64_t ret);

/* Time-stamp counter derived from virtual time (instructions retired). */
uint64_t x86_tsc(const struct cpu *c);

/* I/O permission: CPL <= IOPL, else the TSS I/O bitmap (SDM vol. 1
 * §19.5).  X86_OK or X86_EXC (#GP(0)). */
int x86_check_io(struct cpu *c, uint16_t port, int size) WUR;

/* Does CPUID advertise these?  Instructions check them to raise #UD. */
int x86_has_feature_rdtscp(const struct cpu *c);

/* CPUID leaf `leaf`, subleaf `sub` as CPU c reports it: out = EAX, EBX, ECX,
 * EDX (cpuid.c).  Pure; for op_cpuid, tests and the firmware. */
void x86_cpuid(const struct cpu *c, uint32_t leaf, uint32_t sub,
	       uint32_t out[4]);

#endif
