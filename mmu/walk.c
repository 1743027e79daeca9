/*
 * mmu/walk.c — the page walker for every paging mode of Intel SDM vol. 3
 * ch. 4, with the permission checks of §4.6, the accessed and dirty flags
 * of §4.8, the #PF error codes of §4.7 and the paging-structure caches of
 * §4.10.3.
 *
 * Which linear-address bits index which level (4 KiB pages):
 *
 *   32-bit paging (CR4.PAE=0):     31:22 PDE   21:12 PTE            (§4.3)
 *   PAE paging:                    31:30 PDPTE 29:21 PDE 20:12 PTE  (§4.4)
 *   4-level paging (EFER.LMA=1):   47:39 PML4E 38:30 PDPTE 29:21 PDE 20:12 PTE
 *   5-level paging (CR4.LA57=1):   56:48 PML5E, then as 4-level     (§4.5)
 *
 * A PDE with PS=1 maps a 4 MiB (32-bit paging, CR4.PSE=1) or 2 MiB page; a
 * PDPTE with PS=1 in 4/5-level paging maps a 1 GiB page.  PAE paging takes
 * its PDPTEs from the four PDPTE registers loaded at MOV to CR3 (§4.4.1).
 *
 * The paging-structure caches hold entries that reference another paging
 * structure: a PML5E (key: bits 56:48), PML4E (47:39), PDPTE (47:30) or PDE
 * (47:21; 31:22 in 32-bit paging), with the next table's address and the
 * rights combined so far.  A walk starts below the deepest cached entry,
 * so a guest that changes or frees an upper-level table without
 * invalidating keeps walking the old one, as hardware may.
 *
 * Choice where the SDM leaves one: on a walk that ends in a fault, A is set
 * in the levels above the one that faulted (each entry was present and
 * well-formed, so the processor used it), never in the faulting entry; the
 * leaf's A and D are only set when the access is allowed.  QEMU 7.2 does the
 * same.
 */
#include "mmu/internal.h"

#define ADDR_MASK_4K (((1ull << MMU_MAXPHYADDR) - 1) & ~0xfffull)
/* Bits MAXPHYADDR..51 of a 64-bit entry must be zero (§4.4, §4.5). */
#define RSVD_HIGH (((1ull << 52) - 1) & ~((1ull << MMU_MAXPHYADDR) - 1))

int mmu_allowed(const struct mmu_ctl *c, const struct walk *w, int rw, int us,
		int nx)
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

int mmu_pk_denied(const struct mmu_ctl *c, const struct walk *w, int us,
		  int pkey)
{
	/* §4.6.2: with CR4.PKE=1 in IA-32e paging, a data access to a
	 * user-mode address (U/S=1 at every level) is checked against PKRU:
	 * AD forbids any data access; WD forbids writes by user-mode
	 * accesses, and by supervisor ones when CR0.WP=1.  Fetches are not
	 * checked. */
	if (!(c->cr4 & CR4_PKE) || !(c->efer & EFER_LMA) || !us ||
	    w->kind == MMU_EXEC)
		return 0;
	uint32_t ad = (c->pkru >> (2 * pkey)) & 1, wd = (c->pkru >> (2 * pkey + 1)) & 1;
	if (ad)
		return 1;
	return w->kind == MMU_WRITE && wd && (w->user || (c->cr0 & CR0_WP));
}

uint32_t mmu_pf_error(const struct mmu *m, const struct walk *w, uint32_t err)
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
	return err;
}

static int fault(struct mmu *m, const struct walk *w, uint32_t err,
		 struct mmu_fault *f)
{
	f->vector = 14;
	f->error = mmu_pf_error(m, w, err);
	f->addr = w->la;
	return -1;
}

/* The walk in progress. */
struct cursor {
	struct mmu *m;
	const struct walk *w;
	int live;
	uint16_t pcid;
	int rw, us, nx;
};

static uint64_t rd_entry(struct cursor *k, uint64_t pa, int wide, int level)
{
	uint64_t e = bus_phys_read(k->m->bus, pa, wide ? 8 : 4);
	if (k->live) {
		k->m->stats.walk_refs++;
		if (k->m->obs && k->m->obs->walk_step)
			k->m->obs->walk_step(k->m->obs_opaque, k->w->la, level, pa, e, 0);
	}
	return e;
}

/* Set flag bits in an entry as a locked read-modify-write would. */
static void set_bits(struct cursor *k, uint64_t pa, uint64_t entry,
		     uint64_t bits, int wide, int level)
{
	if (!k->live || (entry & bits) == bits)
		return;
	bus_phys_write(k->m->bus, pa, wide ? 8 : 4, entry | bits);
	k->m->stats.ad_writes++;
	if (k->m->obs && k->m->obs->walk_step)
		k->m->obs->walk_step(k->m->obs_opaque, k->w->la, level, pa,
				     entry | bits, bits & ~entry);
}

/* Paging-structure caches by level of the entry they hold. */
static int psc_array(int level)
{
	switch (level) {
	case 5: return TLB_PSC_PML5;
	case 4: return TLB_PSC_PML4;
	case 3: return TLB_PSC_PDPT;
	default: return TLB_PSC_PD;
	}
}

static int level_shift(const struct mmu *m, int level)
{
	if (!(m->ctl.cr4 & CR4_PAE))
		return level == 2 ? 22 : 12;
	return 12 + 9 * (level - 1);
}

/* Remember a non-leaf entry at `level` that references table `next`. */
static void psc_fill(struct cursor *k, int level, uint64_t next)
{
	if (!k->live)
		return;
	struct tlb_entry *e = tlb_alloc(k->m, psc_array(level), k->w->la,
					level_shift(k->m, level), k->pcid);
	if (!e)
		return;
	e->pa = next;
	e->rw = (uint8_t)k->rw;
	e->us = (uint8_t)k->us;
	e->nx = (uint8_t)k->nx;
	e->global = 0;
	e->dirty = 0;
	k->m->tlb.a[e->array].st.fills++;
}

/* The deepest cached entry for this walk: returns the level to read next
 * (and the table there), or 0 when nothing is cached. */
static int psc_start(struct cursor *k, int top, uint64_t *table)
{
	if (!k->live)
		return 0;
	for (int level = 2; level <= top; level++) {
		struct tlb_entry *e = tlb_find(k->m, psc_array(level), k->w->la,
					       level_shift(k->m, level), k->pcid);
		if (!e)
			continue;
		e->lru = ++k->m->tlb.stamp;
		k->m->tlb.a[e->array].st.hits++;
		k->rw = e->rw;
		k->us = e->us;
		k->nx = e->nx;
		*table = e->pa;
		return level - 1;
	}
	return 0;
}

static int leaf(struct cursor *k, struct walk_result *r, uint64_t epa,
		uint64_t e, int wide, int level, int shift, uint64_t base,
		struct mmu_fault *f)
{
	struct mmu *m = k->m;
	int pkey = (m->ctl.efer & EFER_LMA) ? (int)((e >> 59) & 15) : 0;
	int pk = mmu_pk_denied(&m->ctl, k->w, k->us, pkey);
	if (!mmu_allowed(&m->ctl, k->w, k->rw, k->us, k->nx) || pk)
		return fault(m, k->w, PF_ERR_P | (pk ? PF_ERR_PK : 0), f);
	uint64_t bits = PTE_A | (k->w->kind == MMU_WRITE ? PTE_D : 0);
	set_bits(k, epa, e, bits, wide, level);
	r->page = base;
	r->shift = shift;
	r->rw = k->rw;
	r->us = k->us;
	r->nx = k->nx;
	r->dirty = k->w->kind == MMU_WRITE || (e & PTE_D);
	r->pkey = pkey;
	r->global = (e & PTE_G) != 0;
	return 0;
}

/* 32-bit paging (§4.3). */
static int walk32(struct cursor *k, struct walk_result *r, struct mmu_fault *f)
{
	struct mmu *m = k->m;
	uint32_t la = (uint32_t)k->w->la;
	uint64_t pt;
	if (!psc_start(k, 2, &pt)) {
		uint64_t pde_pa = (m->ctl.cr3 & 0xfffff000u) + ((la >> 22) << 2);
		uint64_t pde = rd_entry(k, pde_pa, 0, 2);
		if (!(pde & PTE_P))
			return fault(m, k->w, 0, f);
		k->rw = !!(pde & PTE_W);
		k->us = !!(pde & PTE_U);
		if ((pde & PTE_PS) && (m->ctl.cr4 & CR4_PSE)) {
			/* 4 MiB page: address bits 39:32 from PDE bits 20:13;
			 * bit 21 is reserved (MAXPHYADDR 46 > 40). */
			if (pde & (1u << 21))
				return fault(m, k->w, PF_ERR_P | PF_ERR_RSVD, f);
			uint64_t base = (pde & 0xffc00000u) |
					(((pde >> 13) & 0xffull) << 32);
			return leaf(k, r, pde_pa, pde, 0, 2, 22, base, f);
		}
		set_bits(k, pde_pa, pde, PTE_A, 0, 2);
		pt = pde & 0xfffff000u;
		psc_fill(k, 2, pt);
	}
	uint64_t pte_pa = pt + (((la >> 12) & 0x3ff) << 2);
	uint64_t pte = rd_entry(k, pte_pa, 0, 1);
	if (!(pte & PTE_P))
		return fault(m, k->w, 0, f);
	k->rw &= !!(pte & PTE_W);
	k->us &= !!(pte & PTE_U);
	return leaf(k, r, pte_pa, pte, 0, 1, 12, pte & 0xfffff000u, f);
}

/*
 * PAE, 4-level and 5-level paging share 64-bit entries and 9-bit indexes;
 * they differ in the number of levels and in where PDPTEs come from.
 */
static int walk64(struct cursor *k, struct walk_result *r, struct mmu_fault *f)
{
	struct mmu *m = k->m;
	const struct mmu_ctl *c = &m->ctl;
	const struct walk *w = k->w;
	int nxe = !!(c->efer & EFER_NXE);
	uint64_t rsvd_nx = nxe ? 0 : PTE_NX;
	int pae = !(c->efer & EFER_LMA);
	int top = pae ? 3 : (c->cr4 & CR4_LA57) ? 5 : 4;
	uint64_t table = c->cr3 & ADDR_MASK_4K;

	int lvl = psc_start(k, pae ? 2 : top, &table);
	if (!lvl) {
		lvl = top;
		if (pae) {
			/* The PDPTE register for bits 31:30 (§4.4.1): no
			 * memory reference, no A bit, rights not restricted. */
			uint64_t e = m->pdpte[(w->la >> 30) & 3];
			if (!(e & PTE_P))
				return fault(m, w, 0, f);
			table = e & ADDR_MASK_4K;
			lvl = 2;
		}
	}
	for (; lvl >= 1; lvl--) {
		int shift = 12 + 9 * (lvl - 1);
		uint64_t epa = table + ((w->la >> shift) & 0x1ff) * 8;
		uint64_t e = rd_entry(k, epa, 1, lvl);
		if (!(e & PTE_P))
			return fault(m, w, 0, f);
		int ps = (e & PTE_PS) && lvl <= 3 && lvl >= 2 && !(pae && lvl == 3);
		uint64_t rsvd = RSVD_HIGH | rsvd_nx;
		if (lvl >= 4 && (e & PTE_PS))
			rsvd |= PTE_PS; /* PML4E/PML5E: PS is reserved */
		else if (lvl == 3 && ps)
			rsvd |= 0x3fffe000ull; /* 1 GiB page: bits 29:13 */
		else if (lvl == 2 && ps)
			rsvd |= 0x1fe000ull; /* 2 MiB page: bits 20:13 */
		if (e & rsvd)
			return fault(m, w, PF_ERR_P | PF_ERR_RSVD, f);
		k->rw &= !!(e & PTE_W);
		k->us &= !!(e & PTE_U);
		k->nx |= nxe && (e & PTE_NX);
		if (lvl == 1 || ps) {
			uint64_t base = e & ADDR_MASK_4K & ~((1ull << shift) - 1);
			return leaf(k, r, epa, e, 1, lvl, shift, base, f);
		}
		set_bits(k, epa, e, PTE_A, 1, lvl);
		table = e & ADDR_MASK_4K;
		psc_fill(k, lvl, table);
	}
	return fault(m, w, 0, f); /* not reached */
}

int mmu_walk(struct mmu *m, const struct walk *w, struct walk_result *r,
	     struct mmu_fault *f, int live)
{
	struct cursor k = {
		.m = m, .w = w, .live = live, .pcid = mmu_pcid(m),
		.rw = 1, .us = 1, .nx = 0,
	};
	if (live)
		m->stats.walks++;
	return (m->ctl.cr4 & CR4_PAE) ? walk64(&k, r, f) : walk32(&k, r, f);
}

int mmu_probe(struct mmu *m, uint64_t la, int access, uint64_t *pa)
{
	struct walk w = {
		.la = la,
		.kind = access & MMU_ACCESS_MASK,
		.super_implicit = !!(access & MMU_SUPER),
	};
	w.user = m->ctl.cpl == 3 && !w.super_implicit;
	if (!(m->ctl.cr0 & CR0_PG)) {
		*pa = la & 0xffffffffull;
		return 0;
	}
	struct walk_result r;
	struct mmu_fault f;
	if (mmu_walk(m, &w, &r, &f, 0))
		return -1;
	*pa = r.page | (la & ((1ull << r.shift) - 1));
	return 0;
}
