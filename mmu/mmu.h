/*
 * mmu/mmu.h — the MMU's face: linear → physical translation for one vCPU,
 * through a TLB model, paging-structure caches and the page walker.
 *
 * The MMU never includes cpu/: the CPU hands it the paging controls in a
 * struct mmu_ctl, calls it for the instructions that invalidate (INVLPG,
 * INVPCID, MOV to CR3), and the MMU reads and writes page tables through
 * the bus.  Translation follows Intel SDM vol. 3 ch. 4 ("Paging").
 *
 * Speed without lying: a direct-mapped host-pointer cache per access kind
 * (read, write, execute) and privilege (supervisor, user) maps linear pages
 * to host memory.  Each slot is tied to the L1 TLB entry it came from: it
 * exists only while that entry does, a hit on it counts as a hit on that
 * entry and refreshes its LRU stamp, write slots exist only for entries
 * that are dirty, never for MMIO or for a frame holding decoded code, and
 * the whole cache is dropped whenever CR3 is written (the slots belong to
 * one PCID) or a control that the permission check reads (CR0.WP,
 * CR4.SMEP/SMAP, EFER.NXE, EFLAGS.AC under SMAP) changes.
 * With it switched off (--no-fastpath) every statistic is the same.
 */
#ifndef MMULAB_MMU_MMU_H
#define MMULAB_MMU_MMU_H

#include <stdint.h>

#include "devices/bus.h"
#include "mmu/tlb.h"

/* Control-register bits the MMU reads (SDM vol. 3 §2.5, §4.1). */
#define CR0_PE (1ull << 0)
#define CR0_WP (1ull << 16)
#define CR0_PG (1ull << 31)
#define CR4_PSE (1ull << 4)
#define CR4_PAE (1ull << 5)
#define CR4_PGE (1ull << 7)
#define CR4_LA57 (1ull << 12)
#define CR4_PCIDE (1ull << 17)
#define CR4_SMEP (1ull << 20)
#define CR4_SMAP (1ull << 21)
#define CR4_PKE (1ull << 22)
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)
#define CR3_NOFLUSH (1ull << 63) /* MOV to CR3 source bit 63, with PCIDE */

/* Paging-structure entry bits (SDM vol. 3 tables 4-15 to 4-20). */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)

/* #PF error code bits (SDM vol. 3 §4.7, figure 4-12). */
#define PF_ERR_P (1u << 0)
#define PF_ERR_W (1u << 1)
#define PF_ERR_U (1u << 2)
#define PF_ERR_RSVD (1u << 3)
#define PF_ERR_I (1u << 4)
#define PF_ERR_PK (1u << 5)

/* MAXPHYADDR of the modelled processor (reported in CPUID 0x80000008). */
#define MMU_MAXPHYADDR 46

/* What an access is.  MMU_SUPER marks an implicit supervisor access (GDT,
 * IDT, TSS reads): privilege checks treat it as CPL 0 whatever the CPL. */
enum mmu_access {
	MMU_READ = 0,
	MMU_WRITE = 1,
	MMU_EXEC = 2,
};
#define MMU_ACCESS_MASK 3
#define MMU_SUPER 4

/* Paging controls, filled by the CPU whenever one of them changes. */
struct mmu_ctl {
	uint64_t cr0, cr3, cr4, efer;
	int cpl; /* 0..3 */
	int ac;  /* EFLAGS.AC */
	uint32_t pkru; /* protection-key rights: AD = bit 2k, WD = bit 2k+1 */
};

/* A translation failure: vector 14 (#PF) with error code and CR2 value. */
struct mmu_fault {
	int vector;
	uint32_t error;
	uint64_t addr;
};

/* Observer events (DESIGN.md "observer interface").  With no observer
 * attached the cost is one predictable branch; an observer that wants TLB
 * hits turns the host-pointer cache off (its hits would go unseen). */
enum mmu_tlb_event { TLB_EV_HIT, TLB_EV_MISS, TLB_EV_FILL, TLB_EV_EVICT, TLB_EV_INVAL };

struct mmu_observer {
	/* One paging-structure entry read: level 5..1 (PML5E..PTE; 3 is
	 * the PDPTE in PAE paging too), its address and value, and the A/D
	 * bits this walk set in it. */
	void (*walk_step)(void *opaque, uint64_t la, int level, uint64_t entry_pa,
			  uint64_t entry, uint64_t bits_set);
	/* A TLB or paging-structure-cache event on entry `e` of array `a`
	 * (set and way); `cause` is an enum tlb_cause for TLB_EV_INVAL. */
	void (*tlb)(void *opaque, int event, int a, int set, int way,
		    const struct tlb_entry *e, int cause);
	/* A page fault the MMU reports. */
	void (*fault)(void *opaque, uint64_t la, uint32_t error);
	/* MOV to CR3 (value written, bit 63 included). */
	void (*cr3)(void *opaque, uint64_t value);
	int wants_hits;
};

#define MMU_HP_BITS 9
#define MMU_HP_SIZE (1u << MMU_HP_BITS)

/* Always-on statistics besides the per-array ones in struct tlb. */
struct mmu_stats {
	uint64_t walks, walk_refs, ad_writes, faults;
	uint64_t misses[3]; /* lookups that missed: iTLB, dTLB, STLB */
	uint64_t pf_by_error[64];
	uint64_t hp_fills;
};
enum { LVL_ITLB, LVL_DTLB, LVL_STLB };

struct mmu {
	struct bus *bus;
	struct mmu_ctl ctl;
	struct tlb tlb;
	int fastpath;     /* host-pointer cache on (default) */
	uint64_t pdpte[4]; /* PAE paging: the PDPTE registers (§4.4.1) */
	/* Host-pointer cache: [access kind][user] direct-mapped by linear
	 * page.  tag is the linear page address, or 1 (never a page address)
	 * when empty; host address = linear address + addend; ent is the L1
	 * TLB entry the slot stands for (NULL with paging off). */
	uint64_t hp_tag[3][2][MMU_HP_SIZE];
	uintptr_t hp_addend[3][2][MMU_HP_SIZE];
	struct tlb_entry *hp_ent[3][2][MMU_HP_SIZE];
	struct mmu_stats stats;
	const struct mmu_observer *obs;
	void *obs_opaque;
};

/* Set up with the default (Skylake) TLB geometry and the fast path on.
 * Returns 0, or -1 when out of memory. */
int mmu_init(struct mmu *m, struct bus *bus);
/* Replace the TLB geometry and the fast-path switch (empties the TLB).
 * Returns 0, or -1 when out of memory. */
int mmu_configure(struct mmu *m, const struct tlb_geometry *g, int fastpath);
void mmu_free(struct mmu *m);
void mmu_set_observer(struct mmu *m, const struct mmu_observer *o, void *opaque);

/*
 * Load new paging controls.  Applies what SDM vol. 3 §4.10.4.1 says MOV to
 * CR0 and MOV to CR4 invalidate when those bits change (a CR3 that differs
 * is treated as MOV to CR3 without the no-flush bit), and drops the
 * host-pointer cache when a control the permission check reads changed.
 */
void mmu_set_ctl(struct mmu *m, const struct mmu_ctl *ctl);

/* MOV to CR3 with source `src` (bit 63 = no-flush when CR4.PCIDE=1).  In
 * PAE paging (CR0.PG=1, CR4.PAE=1, EFER.LMA=0) it loads the four PDPTE
 * registers first and returns -1, changing nothing, when one has a reserved
 * bit set (the CPU raises #GP(0)).  Returns 0 otherwise. */
int mmu_write_cr3(struct mmu *m, uint64_t src);
/* Load the PAE PDPTE registers from `cr3` (enabling PAE paging through CR0
 * or CR4): 0, or -1 (nothing loaded) for a reserved bit. */
int mmu_load_pdptes(struct mmu *m, uint64_t cr3);

/*
 * Translate linear address `la` for `access` (enum mmu_access, optionally |
 * MMU_SUPER).  Returns 0 and stores the physical address, or -1 and fills
 * `*f`.  Looks up the TLB, walks on a miss, sets A and D bits as the SDM
 * requires and fills the TLB and, when the target is RAM, the host-pointer
 * cache.
 */
int mmu_translate(struct mmu *m, uint64_t la, int access, uint64_t *pa,
		  struct mmu_fault *f) __attribute__((warn_unused_result));

/* Translate without side effects (no TLB, no A/D, no statistics), reading
 * the page tables as they are now: for debuggers and crash reports.
 * Returns 0 and the physical address, or -1. */
int mmu_probe(struct mmu *m, uint64_t la, int access, uint64_t *pa);

/* INVLPG (§4.10.4.1): this page's entries for the current PCID, its global
 * entries for any PCID, and all paging-structure-cache entries for the
 * current PCID. */
void mmu_invlpg(struct mmu *m, uint64_t la);
/* INVPCID type 0..3 with descriptor (pcid, la). */
void mmu_invpcid(struct mmu *m, int type, uint16_t pcid, uint64_t la);
/* Everything, global entries included (reset, mode entry). */
void mmu_flush(struct mmu *m);

/* Drop write slots that point into RAM frame `pfn` (it now holds decoded
 * code, so writes to it must take the slow path). */
void mmu_drop_write_frame(struct mmu *m, uint64_t pfn);

/* Current PCID: CR3[11:0] with CR4.PCIDE=1, else 0. */
static inline uint16_t mmu_pcid(const struct mmu *m)
{
	return (m->ctl.cr4 & CR4_PCIDE) ? (uint16_t)(m->ctl.cr3 & 0xfff) : 0;
}

/* Fast path: host pointer for an access of `size` bytes at `la` that does not
 * cross a page, or NULL (take the slow path).  A hit counts as a TLB hit. */
static inline uint8_t *mmu_hp_lookup(struct mmu *m, uint64_t la, int kind,
				     int user, int size)
{
	uint32_t idx = (la >> 12) & (MMU_HP_SIZE - 1);
	if (m->hp_tag[kind][user][idx] == (la & ~0xfffull) &&
	    (la & 0xfff) <= (uint64_t)(4096 - size)) {
		struct tlb_entry *e = m->hp_ent[kind][user][idx];
		if (e) {
			e->lru = ++m->tlb.stamp;
			m->tlb.a[e->array].st.hits++;
		}
		return (uint8_t *)(uintptr_t)(la + m->hp_addend[kind][user][idx]);
	}
	return NULL;
}

/* Account `n` more hits on the slot that served `la` (a string instruction
 * that moved n more elements through one host pointer). */
static inline void mmu_hp_more_hits(struct mmu *m, uint64_t la, int kind,
				    int user, uint64_t n)
{
	uint32_t idx = (la >> 12) & (MMU_HP_SIZE - 1);
	struct tlb_entry *e = m->hp_ent[kind][user][idx];
	if (e && m->hp_tag[kind][user][idx] == (la & ~0xfffull)) {
		m->tlb.stamp += n;
		e->lru = m->tlb.stamp;
		m->tlb.a[e->array].st.hits += n;
	}
}

#endif
