/*
 * mmu/walk.c — the page walker: linear → physical for every paging mode of
 * Intel SDM vol. 3 ch. 4, with the permission checks of §4.6, the accessed
 * and dirty flags of §4.8 and the #PF error codes of §4.7.
 *
 * Which linear-address bits index which level (4 KiB pages):
 *
 *   32-bit paging (CR4.PAE=0):     31:22 PDE   21:12 PTE            (§4.3)
 *   PAE paging:                    31:30 PDPTE 29:21 PDE 20:12 PTE  (§4.4)
 *   4-level paging (EFER.LMA=1):   47:39 PML4E 38:30 PDPTE 29:21 PDE 20:12 PTE
 *   5-level paging (CR4.LA57=1):   56:48 PML5E, then as 4-level     (§4.5)
 *
 * A PDE with PS=1 maps a 4 MiB (32-bit paging, CR4.PSE=1) or 2 MiB page; a
 * PDPTE with PS=1 in 4/5-level paging maps a 1 GiB page.
 *
 * Choice where the SDM leaves one: on a walk that ends in a fault, A is set
 * in the levels above the one that faulted (each entry was present and
 * well-formed, so the processor used it), never in the faulting entry; the
 * leaf's A and D are only set when the access is allowed.  QEMU 7.2 does the
 * same.  PAE PDPTEs are read at each walk rather than latched at CR3 load.
 */
#include "mmu/mmu.h"

#include <string.h>

#define ADDR_MASK_4K (((1ull << MMU_MAXPHYADDR) - 1) & ~0xfffull)
/* Bits MAXPHYADDR..51 of a 64-bit entry must be zero (§4.4, §4.5). */
#define RSVD_HIGH (((1ull << 52) - 1) & ~((1ull << MMU_MAXPHYADDR) - 1))

void mmu_init(struct mmu *m, struct bus *bus)
{
	memset(m, 0, sizeof(*m));
	m->bus = bus;
	mmu_flush(m);
}

void mmu_flush(struct mmu *m)
{
	for (int k = 0; k < 3; k++)
		for (int u = 0; u < 2; u++)
			for (unsigned i = 0; i < MMU_HP_SIZE; i++)
				m->hp_tag[k][u][i] = 1;
	m->stats.flushes++;
}

void mmu_invlpg(struct mmu *m, uint64_t la)
{
	uint32_t idx = (la >> 12) & (MMU_HP_SIZE - 1);
	for (int k = 0; k < 3; k++)
		for (int u = 0; u < 2; u++)
			m->hp_tag[k][u][idx] = 1;
	m->stats.invlpg++;
}

void mmu_drop_write_frame(struct mmu *m, uint64_t pfn)
{
	uintptr_t lo = (uintptr_t)m->bus->ram + (pfn << 12);
	for (int u = 0; u < 2; u++)
		for (unsigned i = 0; i < MMU_HP_SIZE; i++) {
			uint64_t tag = m->hp_tag[MMU_WRITE][u][i];
			if (tag != 1 && tag + m->hp_addend[MMU_WRITE][u][i] == lo)
				m->hp_tag[MMU_WRITE][u][i] = 1;
		}
}

void mmu_set_ctl(struct mmu *m, const struct mmu_ctl *ctl)
{
	const struct mmu_ctl *o = &m->ctl;
	int flush = o->cr0 != ctl->cr0 || o->cr3 != ctl->cr3 ||
		    o->cr4 != ctl->cr4 || o->efer != ctl->efer ||
		    (o->ac != ctl->ac && (ctl->cr4 & CR4_SMAP));
	m->ctl = *ctl;
	if (flush)
		mmu_flush(m);
}

/* The walk's view of one access. */
struct walk {
	uint64_t la;
	int kind;   /* MMU_READ / MMU_WRITE / MMU_EXEC */
	int user;   /* a user-mode access (CPL 3, not implicit supervisor) */
	int super_implicit;
};

static uint64_t rd_entry(struct mmu *m, uint64_t pa, int wide)
{
	return bus_phys_read(m->bus, pa, wide ? 8 : 4);
}

/* Set flag bits in an entry as a locked read-modify-write would. */
static void set_bits(struct mmu *m, uint64_t pa, uint64_t entry, uint64_t bits,
		     int wide)
{
	if ((entry & bits) == bits)
		return;
	bus_phys_write(m->bus, pa, wide ? 8 : 4, entry | bits);
}

static int fault(struct mmu *m, const struct walk *w, uint32_t err,
		 struct mmu_fault *f)
{
	const struct mmu_ctl *c = &m->ctl;
	if (w->kind == MMU_WRITE)
		err |= PF_ERR_W;
	if (w->user)
		err |= PF_ERR_U;
	/* §4.7: I/D is reported only with SMEP, or PAE-style paging with NXE. */
	if (w->kind == MMU_EXEC &&
	    ((c->cr4 & CR4_SMEP) || ((c->cr4 & CR4_PAE) && (c->efer & EFER_NXE))))
		err |= PF_ERR_I;
	f->vector = 14;
	f->error = err;
	f->addr = w->la;
	m->stats.faults++;
	return -1;
}

/* Permission check on the combined rights (§4.6).  Returns 0 if allowed. */
static int allowed(const struct mmu_ctl *c, const struct walk *w, int rw,
		   int us, int nx)
{
	if (w->kind == MMU_EXEC) {
		if (nx)
			return 0;
		if (w->user)
			return us;
		/* SMEP: supervisor fetches from user pages fault. */
		return !(us && (c->cr4 & CR4_SMEP));
	}
	if (w->user) {
		if (!us)
			return 0;
		return w->kind != MMU_WRITE || rw;
	}
	/* Supervisor data access.  SMAP: user pages are off limits to implicit
	 * supervisor accesses, and to explicit ones unless EFLAGS.AC=1. */
	if (us && (c->cr4 & CR4_SMAP) && (w->super_implicit || !c->ac))
		return 0;
	if (w->kind == MMU_WRITE && !rw && (c->cr0 & CR0_WP))
		return 0;
	return 1;
}

static void hp_fill(struct mmu *m, const struct walk *w, uint64_t pa, int dirty)
{
	struct bus *b = m->bus;
	uint64_t page = pa & ~0xfffull;
	if (page + 4096 > b->ram_size || w->super_implicit)
		return;
	uint32_t idx = (w->la >> 12) & (MMU_HP_SIZE - 1);
	uint64_t lpage = w->la & ~0xfffull;
	uintptr_t addend = (uintptr_t)(b->ram + page) - (uintptr_t)lpage;
	int u = w->user;
	if (w->kind == MMU_EXEC) {
		m->hp_tag[MMU_EXEC][u][idx] = lpage;
		m->hp_addend[MMU_EXEC][u][idx] = addend;
		m->stats.hp_fills++;
		return;
	}
	m->hp_tag[MMU_READ][u][idx] = lpage;
	m->hp_addend[MMU_READ][u][idx] = addend;
	if (w->kind == MMU_WRITE && dirty && !b->page_code[page >> 12]) {
		m->hp_tag[MMU_WRITE][u][idx] = lpage;
		m->hp_addend[MMU_WRITE][u][idx] = addend;
	}
	m->stats.hp_fills++;
}

/* 32-bit paging (§4.3). */
static int walk32(struct mmu *m, struct walk *w, uint64_t *pa,
		  struct mmu_fault *f)
{
	const struct mmu_ctl *c = &m->ctl;
	uint32_t la = (uint32_t)w->la;
	uint64_t pde_pa = (c->cr3 & 0xfffff000u) + ((la >> 22) << 2);
	uint64_t pde = rd_entry(m, pde_pa, 0);
	if (!(pde & PTE_P))
		return fault(m, w, 0, f);
	int rw = !!(pde & PTE_W), us = !!(pde & PTE_U);
	if ((pde & PTE_PS) && (c->cr4 & CR4_PSE)) {
		/* 4 MiB page: bits 39:32 of the address from PDE bits 20:13;
		 * bits 21:13 beyond MAXPHYADDR-32 are reserved (bit 21 always). */
		if (pde & (1u << 21))
			return fault(m, w, PF_ERR_P | PF_ERR_RSVD, f);
		if (!allowed(c, w, rw, us, 0))
			return fault(m, w, PF_ERR_P, f);
		uint64_t bits = PTE_A | (w->kind == MMU_WRITE ? PTE_D : 0);
		set_bits(m, pde_pa, pde, bits, 0);
		*pa = (pde & 0xffc00000u) | (((pde >> 13) & 0xffull) << 32) |
		      (la & 0x3fffff);
		return 0;
	}
	set_bits(m, pde_pa, pde, PTE_A, 0);
	uint64_t pte_pa = (pde & 0xfffff000u) + (((la >> 12) & 0x3ff) << 2);
	uint64_t pte = rd_entry(m, pte_pa, 0);
	if (!(pte & PTE_P))
		return fault(m, w, 0, f);
	rw &= !!(pte & PTE_W);
	us &= !!(pte & PTE_U);
	if (!allowed(c, w, rw, us, 0))
		return fault(m, w, PF_ERR_P, f);
	set_bits(m, pte_pa, pte, PTE_A | (w->kind == MMU_WRITE ? PTE_D : 0), 0);
	*pa = (pte & 0xfffff000u) | (la & 0xfff);
	return 0;
}

/*
 * PAE, 4-level and 5-level paging share 64-bit entries and 9-bit indexes;
 * they differ in the number of levels and in the PAE PDPTE format.
 */
static int walk64(struct mmu *m, struct walk *w, uint64_t *pa,
		  struct mmu_fault *f)
{
	const struct mmu_ctl *c = &m->ctl;
	int nxe = !!(c->efer & EFER_NXE);
	uint64_t rsvd_nx = nxe ? 0 : PTE_NX;
	int pae = !(c->efer & EFER_LMA);
	int levels = pae ? 3 : (c->cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = pae ? (c->cr3 & 0xffffffe0u) : (c->cr3 & ADDR_MASK_4K);
	int rw = 1, us = 1, nx = 0;
	uint64_t ent_pa[5], ent[5];

	for (int lvl = levels; lvl >= 1; lvl--) {
		int shift = 12 + 9 * (lvl - 1);
		unsigned idx = (w->la >> shift) & 0x1ff;
		if (pae && lvl == 3)
			idx = (w->la >> 30) & 3;
		uint64_t epa = table + idx * 8;
		uint64_t e = rd_entry(m, epa, 1);
		ent_pa[lvl - 1] = epa;
		ent[lvl - 1] = e;
		if (!(e & PTE_P))
			return fault(m, w, 0, f);
		uint64_t rsvd = RSVD_HIGH | rsvd_nx;
		if (pae && lvl == 3) {
			/* PAE PDPTE: bits 2:1, 8:5 and 63 reserved (§4.4.1). */
			rsvd |= 0x1e6ull | PTE_NX;
		} else if (lvl >= 4 && (e & PTE_PS)) {
			rsvd |= PTE_PS; /* PML4E/PML5E: PS must be 0 */
		} else if (lvl == 3 && (e & PTE_PS)) {
			rsvd |= 0x3fffe000ull; /* 1 GiB page: bits 29:13 */
		} else if (lvl == 2 && (e & PTE_PS)) {
			rsvd |= 0x1fe000ull; /* 2 MiB page: bits 20:13 */
		}
		if (e & rsvd)
			return fault(m, w, PF_ERR_P | PF_ERR_RSVD, f);
		if (!(pae && lvl == 3)) {
			rw &= !!(e & PTE_W);
			us &= !!(e & PTE_U);
			nx |= nxe && (e & PTE_NX);
		}
		int leaf = lvl == 1 || ((lvl == 2 || (lvl == 3 && !pae)) &&
					(e & PTE_PS));
		if (leaf) {
			if (!allowed(c, w, rw, us, nx))
				return fault(m, w, PF_ERR_P, f);
			/* Success: A on every level used, D on the leaf. */
			for (int up = levels; up > lvl; up--)
				if (!(pae && up == 3))
					set_bits(m, ent_pa[up - 1], ent[up - 1],
						 PTE_A, 1);
			set_bits(m, epa, e,
				 PTE_A | (w->kind == MMU_WRITE ? PTE_D : 0), 1);
			uint64_t off_mask = (1ull << shift) - 1;
			*pa = (e & ADDR_MASK_4K & ~off_mask) | (w->la & off_mask);
			return 0;
		}
		/* Non-leaf, present, well-formed: the processor used it. */
		if (!(pae && lvl == 3)) {
			set_bits(m, epa, e, PTE_A, 1);
			ent[lvl - 1] |= PTE_A;
		}
		table = e & ADDR_MASK_4K;
	}
	return fault(m, w, 0, f); /* not reached */
}

int mmu_translate(struct mmu *m, uint64_t la, int access, uint64_t *pa,
		  struct mmu_fault *f)
{
	const struct mmu_ctl *c = &m->ctl;
	struct walk w = {
		.la = la,
		.kind = access & MMU_ACCESS_MASK,
		.super_implicit = !!(access & MMU_SUPER),
	};
	w.user = c->cpl == 3 && !w.super_implicit;

	if (!(c->cr0 & CR0_PG)) {
		*pa = la & 0xffffffffull;
		hp_fill(m, &w, *pa, 1);
		return 0;
	}
	m->stats.walks++;
	int rc = (c->cr4 & CR4_PAE) ? walk64(m, &w, pa, f) : walk32(m, &w, pa, f);
	if (rc == 0)
		hp_fill(m, &w, *pa, 1);
	return rc;
}
