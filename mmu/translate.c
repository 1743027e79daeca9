/*
 * mmu/translate.c — one translation: L1 TLB, then STLB, then the walk;
 * permissions applied to the cached rights at every access; TLB and
 * host-pointer fills; and the control-register rules of SDM vol. 3
 * §4.10.4.1 for MOV to CR0, CR3 and CR4.
 *
 * Model choices the SDM leaves open, each documented here:
 *  - A permission check that fails on a TLB entry raises #PF from the cached
 *    rights (a "spurious" fault when the guest upgraded the PTE without
 *    invalidating, as §4.10.4.3 allows) and, like every page fault,
 *    invalidates the entries for the faulting address.
 *  - A write through an entry cached without D walks again and sets D
 *    (§4.8); the new walk's result replaces the entry.
 *  - 1 GiB pages are cached in the L1 ITLB as 2 MiB entries (the ITLB has
 *    no 1 GiB array), as the SDM permits for large pages (§4.10.2.3).
 *  - Instruction fetches look the ITLB up once per decoded block entered.
 *  - EFER.NXE changes flush everything (the cached XD rights depend on it).
 *  - Statistics: lookups per level = hits of its arrays + its misses.
 */
#include "mmu/internal.h"

#include <string.h>

int mmu_init(struct mmu *m, struct bus *bus)
{
	memset(m, 0, sizeof(*m));
	m->bus = bus;
	m->fastpath = 1;
	mmu_hp_clear(m);
	struct tlb_geometry g;
	char err[8];
	tlb_parse_geometry(NULL, &g, err, sizeof(err));
	return tlb_init(&m->tlb, &g);
}

int mmu_configure(struct mmu *m, const struct tlb_geometry *g, int fastpath)
{
	mmu_hp_clear(m);
	tlb_free(&m->tlb);
	m->fastpath = fastpath;
	return tlb_init(&m->tlb, g);
}

void mmu_free(struct mmu *m)
{
	tlb_free(&m->tlb);
}

void mmu_set_observer(struct mmu *m, const struct mmu_observer *o, void *opaque)
{
	m->obs = o;
	m->obs_opaque = opaque;
	mmu_hp_clear(m);
}

static int pae_paging(const struct mmu_ctl *c)
{
	return (c->cr0 & CR0_PG) && (c->cr4 & CR4_PAE) && !(c->efer & EFER_LMA);
}

int mmu_load_pdptes(struct mmu *m, uint64_t cr3)
{
	/* §4.4.1: CR3[31:5] locates the PDPT; a PDPTE with P=1 and a
	 * reserved bit set (2:1, 8:5, 63:MAXPHYADDR) makes the load #GP. */
	uint64_t base = cr3 & 0xffffffe0u, v[4];
	uint64_t rsvd = 0x1e6ull | ~((1ull << MMU_MAXPHYADDR) - 1);
	for (int i = 0; i < 4; i++) {
		v[i] = bus_phys_read(m->bus, base + 8 * i, 8);
		if ((v[i] & PTE_P) && (v[i] & rsvd))
			return -1;
	}
	memcpy(m->pdpte, v, sizeof(v));
	return 0;
}

/* The invalidation a MOV to CR3 performs (§4.10.4.1). */
static void cr3_inval(struct mmu *m, uint64_t src)
{
	if (m->ctl.cr4 & CR4_PCIDE) {
		/* With PCIDE=1: nothing when bit 63 is set; otherwise the
		 * non-global entries of the PCID in bits 11:0 and its
		 * paging-structure-cache entries. */
		if (!(src & CR3_NOFLUSH))
			mmu_inval(m, (int)(src & 0xfff), 0, 0, 0, 1, INV_CR3);
	} else {
		/* With PCIDE=0: all entries for PCID 000H except global ones,
		 * and all its paging-structure-cache entries. */
		mmu_inval(m, 0, 0, 0, 0, 1, INV_CR3);
	}
}

int mmu_write_cr3(struct mmu *m, uint64_t src)
{
	uint64_t v = src & ~CR3_NOFLUSH;
	if (pae_paging(&m->ctl) && mmu_load_pdptes(m, v))
		return -1;
	if (m->obs && m->obs->cr3)
		m->obs->cr3(m->obs_opaque, src);
	cr3_inval(m, src);
	m->ctl.cr3 = v;
	/* Host-pointer slots stand for entries of the PCID that was current
	 * when they were filled: a new CR3 (maybe a new PCID) drops them. */
	mmu_hp_clear(m);
	return 0;
}

void mmu_set_ctl(struct mmu *m, const struct mmu_ctl *ctl)
{
	struct mmu_ctl o = m->ctl;
	uint64_t d0 = o.cr0 ^ ctl->cr0, d4 = o.cr4 ^ ctl->cr4;
	m->ctl = *ctl;
	/* MOV to CR0: everything, global entries and all PCIDs included, when
	 * CR0.PG goes from 1 to 0. */
	if ((d0 & CR0_PG) && (o.cr0 & CR0_PG))
		mmu_inval(m, -1, 1, 0, 0, 1, INV_CR0);
	/* MOV to CR4: everything when PGE changes or PCIDE goes from 1 to 0;
	 * the current PCID's entries when PAE changes or SMEP goes 0 to 1.
	 * mmulab also treats PSE and LA57 changes as PAE changes (allowed:
	 * the processor may always invalidate more). */
	if ((d4 & CR4_PGE) || ((d4 & CR4_PCIDE) && (o.cr4 & CR4_PCIDE)))
		mmu_inval(m, -1, 1, 0, 0, 1, INV_CR4);
	else if ((d4 & (CR4_PAE | CR4_PSE | CR4_LA57)) ||
		 ((d4 & CR4_SMEP) && (ctl->cr4 & CR4_SMEP)))
		mmu_inval(m, mmu_pcid(m), 1, 0, 0, 1, INV_CR4);
	/* EFER.NXE: mmulab's choice, see the top of this file. */
	if ((o.efer ^ ctl->efer) & EFER_NXE)
		mmu_inval(m, -1, 1, 0, 0, 1, INV_CR4);
	/* A new CR3 not written through mmu_write_cr3 (mode entry, task
	 * switch): as MOV to CR3 without the no-flush bit. */
	if (o.cr3 != ctl->cr3) {
		if (pae_paging(ctl))
			(void)mmu_load_pdptes(m, ctl->cr3);
		cr3_inval(m, ctl->cr3 & 0xfff);
	} else if (pae_paging(ctl) && (!pae_paging(&o) || (d4 & CR4_PAE))) {
		(void)mmu_load_pdptes(m, ctl->cr3);
	}
	/* The host-pointer cache holds results of permission checks. */
	if (o.cr3 != ctl->cr3 || (d0 & (CR0_WP | CR0_PG)) ||
	    (d4 & (CR4_SMEP | CR4_SMAP | CR4_PCIDE | CR4_PKE)) ||
	    o.pkru != ctl->pkru ||
	    ((o.efer ^ ctl->efer) & EFER_NXE) ||
	    (o.ac != ctl->ac && (ctl->cr4 & CR4_SMAP)))
		mmu_hp_clear(m);
}

/* Remember a host pointer for this access (see mmu.h for the rules). */
static void hp_fill(struct mmu *m, const struct walk *w, uint64_t pa,
		    struct tlb_entry *e)
{
	struct bus *b = m->bus;
	uint64_t page = pa & ~0xfffull;
	if (!m->fastpath || w->super_implicit || page + 4096 > b->ram_size ||
	    (m->obs && m->obs->wants_hits))
		return;
	uint32_t idx = (w->la >> 12) & (MMU_HP_SIZE - 1);
	uint64_t lpage = w->la & ~0xfffull;
	uintptr_t addend = (uintptr_t)(b->ram + page) - (uintptr_t)lpage;
	int u = w->user;
	int k = w->kind;
	if (k == MMU_WRITE && ((e && !e->dirty) || b->page_code[page >> 12]))
		k = MMU_READ; /* the write path stays slow; reads may be fast */
	m->hp_tag[k][u][idx] = lpage;
	m->hp_addend[k][u][idx] = addend;
	m->hp_ent[k][u][idx] = e;
	if (k == MMU_WRITE) {
		m->hp_tag[MMU_READ][u][idx] = lpage;
		m->hp_addend[MMU_READ][u][idx] = addend;
		m->hp_ent[MMU_READ][u][idx] = e;
	}
	m->stats.hp_fills++;
}

static void hit(struct mmu *m, struct tlb_entry *e)
{
	e->lru = ++m->tlb.stamp;
	m->tlb.a[e->array].st.hits++;
	if (m->obs && m->obs->tlb) {
		int set, way;
		tlb_where(m, e, &set, &way);
		m->obs->tlb(m->obs_opaque, TLB_EV_HIT, e->array, set, way, e, 0);
	}
}

static void filled(struct mmu *m, struct tlb_entry *e)
{
	m->tlb.a[e->array].st.fills++;
	if (m->obs && m->obs->tlb) {
		int set, way;
		tlb_where(m, e, &set, &way);
		m->obs->tlb(m->obs_opaque, TLB_EV_FILL, e->array, set, way, e, 0);
	}
}

/* Look up the L1 arrays of this kind of access: 4K, then 2/4M, then 1G. */
static struct tlb_entry *l1_find(struct mmu *m, int kind, uint64_t la,
				 uint16_t pcid)
{
	struct tlb_entry *e;
	int big = mmu_large_shift(m);
	if (kind == MMU_EXEC) {
		if ((e = tlb_find(m, TLB_ITLB_4K, la, 12, pcid)))
			return e;
		return tlb_find(m, TLB_ITLB_2M, la, 21 + (big == 22), pcid);
	}
	if ((e = tlb_find(m, TLB_DTLB_4K, la, 12, pcid)))
		return e;
	if ((e = tlb_find(m, TLB_DTLB_2M, la, big, pcid)))
		return e;
	return tlb_find(m, TLB_DTLB_1G, la, 30, pcid);
}

static struct tlb_entry *stlb_find(struct mmu *m, uint64_t la, uint16_t pcid)
{
	struct tlb_entry *e;
	if ((e = tlb_find(m, TLB_STLB, la, 12, pcid)))
		return e;
	if ((e = tlb_find(m, TLB_STLB, la, mmu_large_shift(m), pcid)))
		return e;
	return tlb_find(m, TLB_STLB_1G, la, 30, pcid);
}

/* Copy translation `src` (a walk result or an STLB entry) into array `a`
 * as a page of `shift` bytes containing `la`. */
static struct tlb_entry *fill(struct mmu *m, int a, uint64_t la, int shift,
			      uint16_t pcid, uint64_t page, const struct tlb_entry *src)
{
	struct tlb_entry *e = tlb_alloc(m, a, la, shift, pcid);
	if (!e)
		return NULL;
	e->pa = page;
	e->rw = src->rw;
	e->us = src->us;
	e->nx = src->nx;
	e->dirty = src->dirty;
	e->pkey = src->pkey;
	e->global = src->global;
	filled(m, e);
	return e;
}

/* Fill the L1 array that holds this page size for this kind of access. */
static struct tlb_entry *fill_l1(struct mmu *m, int kind, uint64_t la,
				 uint16_t pcid, const struct tlb_entry *src)
{
	int shift = src->shift;
	uint64_t page = src->pa;
	int a;
	if (kind == MMU_EXEC) {
		if (shift == 30) { /* a 2 MiB piece of the 1 GiB page */
			shift = 21;
			page += la & ((1ull << 30) - 1) & ~((1ull << 21) - 1);
		}
		a = shift == 12 ? TLB_ITLB_4K : TLB_ITLB_2M;
	} else {
		a = shift == 12 ? TLB_DTLB_4K : shift == 30 ? TLB_DTLB_1G
							    : TLB_DTLB_2M;
	}
	return fill(m, a, la, shift, pcid, page, src);
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
		hp_fill(m, &w, *pa, NULL);
		return 0;
	}
	uint16_t pcid = mmu_pcid(m);
	int lvl = w.kind == MMU_EXEC ? LVL_ITLB : LVL_DTLB;
	struct tlb_entry *e = l1_find(m, w.kind, la, pcid), *s = NULL;
	if (!e) {
		m->stats.misses[lvl]++;
		s = stlb_find(m, la, pcid);
		if (!s)
			m->stats.misses[LVL_STLB]++;
	}
	struct tlb_entry *use = e ? e : s;
	if (use) {
		hit(m, use);
		int pk = mmu_pk_denied(c, &w, use->us, use->pkey);
		if (!mmu_allowed(c, &w, use->rw, use->us, use->nx) || pk) {
			f->vector = 14;
			f->error = mmu_pf_error(m, &w, PF_ERR_P | (pk ? PF_ERR_PK : 0));
			f->addr = la;
			goto pf;
		}
		if (w.kind != MMU_WRITE || use->dirty) {
			if (!e)
				e = fill_l1(m, w.kind, la, pcid, s);
			*pa = use->pa | (la & ((1ull << use->shift) - 1));
			if (e)
				hp_fill(m, &w, *pa, e);
			return 0;
		}
		/* A write through an entry cached without D: walk again. */
		if (e)
			tlb_kill(m, e, TLB_REPLACED);
		if (s)
			tlb_kill(m, s, TLB_REPLACED);
		e = NULL;
	}
	struct walk_result r;
	if (mmu_walk(m, &w, &r, f, 1))
		goto pf;
	struct tlb_entry t = {
		.pa = r.page, .shift = (uint8_t)r.shift,
		.rw = (uint8_t)r.rw, .us = (uint8_t)r.us, .nx = (uint8_t)r.nx,
		.dirty = (uint8_t)r.dirty, .pkey = (uint8_t)r.pkey,
		.global = (uint8_t)(r.global && (c->cr4 & CR4_PGE)),
	};
	fill(m, r.shift == 30 ? TLB_STLB_1G : TLB_STLB, la, r.shift, pcid,
	     r.page, &t);
	e = fill_l1(m, w.kind, la, pcid, &t);
	*pa = r.page | (la & ((1ull << r.shift) - 1));
	if (e)
		hp_fill(m, &w, *pa, e);
	return 0;
pf:
	m->stats.faults++;
	m->stats.pf_by_error[f->error & 63]++;
	if (m->obs && m->obs->fault)
		m->obs->fault(m->obs_opaque, la, f->error);
	mmu_inval_for_pf(m, la);
	return -1;
}
