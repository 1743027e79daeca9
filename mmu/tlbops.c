/*
 * mmu/tlbops.c — operations on the TLB arrays: find, allocate with LRU
 * replacement, invalidate, and the invalidation rules of SDM vol. 3
 * §4.10.4.1 built on them (INVLPG, INVPCID, page faults, full flushes).
 *
 * An entry's set is its page number (or, in a paging-structure cache, its
 * index prefix) modulo the number of sets.  Removing an entry from an L1
 * array also removes the host-pointer slots tied to it.
 */
#include "mmu/internal.h"

#include <string.h>

static struct tlb_entry *set_base(struct mmu *m, int a, uint64_t vpn)
{
	struct tlb_array *arr = &m->tlb.a[a];
	return &arr->e[(vpn & arr->set_mask) * (uint64_t)arr->ways];
}

struct tlb_entry *tlb_find(struct mmu *m, int a, uint64_t la, int shift,
			   uint16_t pcid)
{
	struct tlb_array *arr = &m->tlb.a[a];
	if (!arr->nvalid)
		return NULL;
	uint64_t vpn = la >> shift, key = TLB_KEY(vpn, shift);
	struct tlb_entry *e = set_base(m, a, vpn);
	for (int w = 0; w < arr->ways; w++, e++)
		if (e->key == key && (e->global || e->pcid == pcid))
			return e;
	return NULL;
}

void tlb_where(const struct mmu *m, const struct tlb_entry *e, int *set, int *way)
{
	const struct tlb_array *arr = &m->tlb.a[e->array];
	long idx = e - arr->e;
	*set = (int)(idx / arr->ways);
	*way = (int)(idx % arr->ways);
}

static void event(struct mmu *m, int ev, const struct tlb_entry *e, int cause)
{
	if (m->obs && m->obs->tlb) {
		int set, way;
		tlb_where(m, e, &set, &way);
		m->obs->tlb(m->obs_opaque, ev, e->array, set, way, e, cause);
	}
}

static int is_l1(int a)
{
	return a <= TLB_DTLB_1G;
}

/* Drop host-pointer slots that stand for entry `e`. */
static void hp_drop_entry(struct mmu *m, const struct tlb_entry *e)
{
	if (e->shift == 12) {
		uint32_t idx = (uint32_t)(e->vpn & (MMU_HP_SIZE - 1));
		for (int k = 0; k < 3; k++)
			for (int u = 0; u < 2; u++)
				if (m->hp_ent[k][u][idx] == e) {
					m->hp_tag[k][u][idx] = 1;
					m->hp_ent[k][u][idx] = NULL;
				}
		return;
	}
	for (int k = 0; k < 3; k++)
		for (int u = 0; u < 2; u++)
			for (unsigned i = 0; i < MMU_HP_SIZE; i++)
				if (m->hp_ent[k][u][i] == e) {
					m->hp_tag[k][u][i] = 1;
					m->hp_ent[k][u][i] = NULL;
				}
}

void tlb_kill(struct mmu *m, struct tlb_entry *e, int cause)
{
	if (!e->valid)
		return;
	if (cause >= 0) {
		m->tlb.a[e->array].st.inval[cause]++;
		event(m, TLB_EV_INVAL, e, cause);
	} else if (cause == TLB_EVICTED) {
		m->tlb.a[e->array].st.evictions++;
		event(m, TLB_EV_EVICT, e, 0);
	}
	if (is_l1(e->array))
		hp_drop_entry(m, e);
	e->valid = 0;
	e->key = TLB_NOKEY;
	m->tlb.a[e->array].nvalid--;
}

struct tlb_entry *tlb_alloc(struct mmu *m, int a, uint64_t la, int shift,
			    uint16_t pcid)
{
	struct tlb_array *arr = &m->tlb.a[a];
	if (!arr->ways)
		return NULL;
	uint64_t vpn = la >> shift;
	struct tlb_entry *base = set_base(m, a, vpn), *victim = NULL;
	for (int w = 0; w < arr->ways; w++) {
		struct tlb_entry *e = &base[w];
		if (!e->valid) {
			victim = e;
			break;
		}
		if (!victim || e->lru < victim->lru)
			victim = e;
	}
	if (victim->valid)
		tlb_kill(m, victim, TLB_EVICTED);
	victim->valid = 1;
	arr->nvalid++;
	victim->vpn = vpn;
	victim->key = TLB_KEY(vpn, shift);
	victim->shift = (uint8_t)shift;
	victim->pcid = pcid;
	victim->lru = ++m->tlb.stamp;
	return victim;
}

void mmu_hp_clear(struct mmu *m)
{
	for (int k = 0; k < 3; k++)
		for (int u = 0; u < 2; u++)
			for (unsigned i = 0; i < MMU_HP_SIZE; i++) {
				m->hp_tag[k][u][i] = 1;
				m->hp_ent[k][u][i] = NULL;
			}
}

static int is_psc(int a)
{
	return a >= TLB_PSC_PML5;
}

void mmu_inval(struct mmu *m, int pcid, int globals, int la_valid, uint64_t la,
	       int psc, int cause)
{
	for (int a = 0; a < TLB_NARRAYS; a++) {
		struct tlb_array *arr = &m->tlb.a[a];
		int n = arr->sets * arr->ways;
		if ((is_psc(a) && !psc) || !arr->nvalid)
			continue;
		for (int i = 0; i < n; i++) {
			struct tlb_entry *e = &arr->e[i];
			if (!e->valid)
				continue;
			if (is_psc(a)) {
				/* PSC entries carry no global bit: by PCID,
				 * and by address for a page fault. */
				if (pcid >= 0 && e->pcid != pcid)
					continue;
				if (la_valid && cause == INV_PF &&
				    e->vpn != la >> e->shift)
					continue;
			} else {
				if (la_valid && e->vpn != la >> e->shift)
					continue;
				if (e->global ? !globals
					      : (pcid >= 0 && e->pcid != pcid))
					continue;
			}
			tlb_kill(m, e, cause);
		}
	}
}

/* Every paging-structure-cache entry of `pcid`, whatever its address. */
static void mmu_inval_psc(struct mmu *m, int pcid, int cause)
{
	for (int a = TLB_PSC_PML5; a < TLB_NARRAYS; a++) {
		struct tlb_array *arr = &m->tlb.a[a];
		for (int i = 0; i < arr->sets * arr->ways; i++)
			if (arr->e[i].valid && arr->e[i].pcid == pcid)
				tlb_kill(m, &arr->e[i], cause);
	}
}

void mmu_inval_for_pf(struct mmu *m, uint64_t la)
{
	/* §4.10.4.1: a page fault invalidates the TLB entries for the
	 * faulting address's page number and the paging-structure-cache
	 * entries that would be used to translate it (current PCID; global
	 * TLB entries for that page as well). */
	mmu_inval(m, mmu_pcid(m), 1, 1, la, 1, INV_PF);
}

void mmu_invlpg(struct mmu *m, uint64_t la)
{
	/* INVLPG: entries for the page with the current PCID, global
	 * entries for the page with any PCID, and every paging-structure-
	 * cache entry of the current PCID whatever its address. */
	int pcid = mmu_pcid(m);
	mmu_inval(m, pcid, 1, 1, la, 0, INV_INVLPG);
	mmu_inval_psc(m, pcid, INV_INVLPG);
}

void mmu_invpcid(struct mmu *m, int type, uint16_t pcid, uint64_t la)
{
	switch (type) {
	case 0: /* individual address: non-global mappings of la for pcid,
		 * and the PCID's paging-structure-cache entries */
		mmu_inval(m, pcid, 0, 1, la, 0, INV_INVPCID0);
		mmu_inval_psc(m, pcid, INV_INVPCID0);
		break;
	case 1: /* single context: all non-global mappings of pcid */
		mmu_inval(m, pcid, 0, 0, 0, 1, INV_INVPCID1);
		break;
	case 2: /* all contexts, global translations included */
		mmu_inval(m, -1, 1, 0, 0, 1, INV_INVPCID2);
		break;
	default: /* 3: all contexts except global translations */
		mmu_inval(m, -1, 0, 0, 0, 1, INV_INVPCID3);
		break;
	}
}

void mmu_flush(struct mmu *m)
{
	mmu_inval(m, -1, 1, 0, 0, 1, INV_CR0);
	mmu_hp_clear(m);
}

void mmu_drop_write_frame(struct mmu *m, uint64_t pfn)
{
	uintptr_t lo = (uintptr_t)m->bus->ram + (pfn << 12);
	for (int u = 0; u < 2; u++)
		for (unsigned i = 0; i < MMU_HP_SIZE; i++) {
			uint64_t tag = m->hp_tag[MMU_WRITE][u][i];
			if (tag != 1 && tag + m->hp_addend[MMU_WRITE][u][i] == lo) {
				m->hp_tag[MMU_WRITE][u][i] = 1;
				m->hp_ent[MMU_WRITE][u][i] = NULL;
			}
		}
}
