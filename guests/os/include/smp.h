/*
 * smp.h — several CPUs: which ones are there (cpumask), how they reach
 * each other (IPIs through the local APIC) and how one makes the others run
 * a function (smp_call_function_many, the mechanism TLB shootdowns use).
 *
 * A cpumask is one 64-bit word, bit N for CPU N (NR_CPUS is 64); changes
 * are atomic (LOCK OR / LOCK AND), so CPUs can set and clear their own bits
 * in a shared mask without a lock.
 */
#ifndef OS_SMP_H
#define OS_SMP_H

#include "percpu.h"
#include "types.h"

typedef struct {
	u64 bits;
} cpumask_t;

static inline void cpumask_set_cpu(int cpu, cpumask_t *m)
{
	__atomic_or_fetch(&m->bits, 1ul << cpu, __ATOMIC_SEQ_CST);
}

static inline void cpumask_clear_cpu(int cpu, cpumask_t *m)
{
	__atomic_and_fetch(&m->bits, ~(1ul << cpu), __ATOMIC_SEQ_CST);
}

static inline bool cpumask_test_cpu(int cpu, const cpumask_t *m)
{
	return (__atomic_load_n(&m->bits, __ATOMIC_SEQ_CST) >> cpu) & 1;
}

static inline int cpumask_weight(const cpumask_t *m)
{
	return __builtin_popcountl(__atomic_load_n(&m->bits, __ATOMIC_SEQ_CST));
}

/* Every CPU whose bit is set in the word `bits`, lowest first. */
#define for_each_cpu_in(cpu, bits)                                         \
	for (u64 __b = (bits); __b && ((cpu) = __builtin_ctzl(__b), 1); __b &= __b - 1)

#define for_each_online_cpu(cpu) for_each_cpu_in(cpu, cpu_online_mask.bits)

/* arch/x86/smpboot.c */
extern int nr_cpu_ids;		/* CPUs the MADT lists (enabled ones) */
extern cpumask_t cpu_online_mask;	/* CPUs running the kernel */
/* Finds the CPUs in the MADT and starts each AP (INIT-SIPI-SIPI); boot CPU only. */
void smp_init(void);

/* IPI vectors (Linux's numbers). */
#define LOCAL_TIMER_VECTOR		0xec
#define CALL_FUNCTION_VECTOR		0xfc
#define RESCHEDULE_VECTOR		0xfd
#define SPURIOUS_APIC_VECTOR		0xff

/* arch/x86/smp.c */
/* Makes a CPU look at its run queue (wakes it from HLT). */
void smp_send_reschedule(int cpu);
/*
 * Runs func(info) on every CPU of mask but the caller, each in its
 * CALL_FUNCTION_VECTOR handler, and returns once all have run it.
 * Interrupts must be on (the targets may be waiting for us too).
 */
void smp_call_function_many(u64 mask, void (*func)(void *), void *info);
/* The IPI handlers (arch/x86/traps.c calls them). */
void smp_call_function_interrupt(void);
void smp_reschedule_interrupt(void);

/* arch/x86/apic.c */
/* The local APIC ID of the CPU running this. */
u32 read_apic_id(void);
/* A fixed IPI of vector to the CPU whose APIC ID is apicid. */
void apic_send_IPI(u32 apicid, unsigned int vector);
/* INIT (assert, de-assert) and a Start-up IPI to apicid (SDM vol. 3 §10.6.1). */
void apic_send_INIT(u32 apicid);
void apic_send_SIPI(u32 apicid, unsigned int vector);
/* This CPU's APIC: enabled, its timer ticking (APs; the BSP: apic_timer_init). */
void setup_local_APIC(void);

#endif
