/*
 * mmu/mmu.h — the MMU's face: linear → physical translation for one vCPU.
 *
 * The MMU never includes cpu/: the CPU hands it the paging controls in a
 * struct mmu_ctl, and the MMU reads and writes page tables through the bus.
 * Translation follows Intel SDM vol. 3 ch. 4 ("Paging").
 *
 * Speed without lying: a direct-mapped host-pointer cache per access kind
 * (read, write, execute) and privilege (supervisor, user) maps linear pages
 * to host memory.  It only holds translations the walker produced under the
 * current controls, only for RAM, never a write entry for a page whose D bit
 * is clear, and never a write entry for a frame holding decoded code.  It is
 * flushed with every invalidation (mmu_flush, mmu_invlpg).
 */
#ifndef MMULAB_MMU_MMU_H
#define MMULAB_MMU_MMU_H

#include <stdint.h>

#include "devices/bus.h"

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
#define EFER_SCE (1ull << 0)
#define EFER_LME (1ull << 8)
#define EFER_LMA (1ull << 10)
#define EFER_NXE (1ull << 11)

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
};

/* A translation failure: vector 14 (#PF) with error code and CR2 value. */
struct mmu_fault {
	int vector;
	uint32_t error;
	uint64_t addr;
};

#define MMU_HP_BITS 9
#define MMU_HP_SIZE (1u << MMU_HP_BITS)

/* Always-on statistics. */
struct mmu_stats {
	uint64_t walks, faults, hp_fills, flushes, invlpg;
};

struct mmu {
	struct bus *bus;
	struct mmu_ctl ctl;
	/* Host-pointer cache: [access kind][user] direct-mapped by linear page.
	 * tag is the linear page address, or 1 (never a page address) when
	 * empty; host address = linear address + addend. */
	uint64_t hp_tag[3][2][MMU_HP_SIZE];
	uintptr_t hp_addend[3][2][MMU_HP_SIZE];
	struct mmu_stats stats;
};

void mmu_init(struct mmu *m, struct bus *bus);

/* Load new paging controls.  Drops cached translations when a control that
 * affects translation changed (the TLB-model issue refines what survives). */
void mmu_set_ctl(struct mmu *m, const struct mmu_ctl *ctl);

/*
 * Translate linear address `la` for `access` (enum mmu_access, optionally |
 * MMU_SUPER).  Returns 0 and stores the physical address, or -1 and fills
 * `*f`.  Sets A and D bits as the SDM requires and, when the target is RAM,
 * fills the host-pointer cache.
 */
int mmu_translate(struct mmu *m, uint64_t la, int access, uint64_t *pa,
		  struct mmu_fault *f) __attribute__((warn_unused_result));

/* Invalidate everything cached for linear page of `la` / everything. */
void mmu_invlpg(struct mmu *m, uint64_t la);
void mmu_flush(struct mmu *m);

/* Drop write entries that point into RAM frame `pfn` (it now holds decoded
 * code, so writes to it must take the slow path). */
void mmu_drop_write_frame(struct mmu *m, uint64_t pfn);

/* Fast path: host pointer for an access of `size` bytes at `la` that does not
 * cross a page, or NULL (take the slow path). */
static inline uint8_t *mmu_hp_lookup(struct mmu *m, uint64_t la, int kind,
				     int user, int size)
{
	uint32_t idx = (la >> 12) & (MMU_HP_SIZE - 1);
	if (m->hp_tag[kind][user][idx] == (la & ~0xfffull) &&
	    (la & 0xfff) <= (uint64_t)(4096 - size))
		return (uint8_t *)(uintptr_t)(la + m->hp_addend[kind][user][idx]);
	return NULL;
}

#endif
