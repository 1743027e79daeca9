/*
 * pte.c — the PTE harness's page-table builder and paging controls (see
 * pte.h for the whole harness).
 *
 * pte_init() reshapes the identity map that start.S built (first GiB, 2 MiB
 * pages, U/S = 1 everywhere): the 2 MiB page holding the image is split into
 * 4 KiB pages and U/S is cleared in every leaf except the pages of the .user
 * section (link.ld), which hold the ring-3 stubs and the user stack.  The
 * kernel's code, data, stacks, GDT, IDT and TSS are then supervisor pages,
 * so CR4.SMEP and CR4.SMAP can be set: SMEP forbids supervisor fetches from
 * user pages, SMAP supervisor data accesses to them (SDM vol. 3 §4.6.1).
 *
 * A struct pte_map owns the paging structures of one test address below
 * its PML4E (an entry of the live PML4, boot_pml4):
 *
 *   va bits 47:39 -> PML4E (boot_pml4)     -> PDPT (table[3])
 *           38:30 -> PDPTE, PS=1: 1 GiB leaf, else -> PD (table[2])
 *           29:21 -> PDE,   PS=1: 2 MiB leaf, else -> PT (table[1])
 *           20:12 -> PTE (4 KiB leaf)
 *
 * Tables come from a static pool in the image (identity mapped, so a
 * table's physical address is its pointer).
 */
#include "pte.h"

struct pte_cpu pte_cpu;
const struct pte_ctl pte_ctl_default = { .wp = 1, .nxe = 1 };
static struct pte_ctl cur;

#define POOL_TABLES 24
static uint64_t pool[POOL_TABLES][512] __attribute__((aligned(4096)));
static int pool_used;
extern char __user_start[], __user_end[];

static uint64_t *new_table(void)
{
	if (pool_used == POOL_TABLES)
		panic("pte: table pool exhausted");
	memset(pool[pool_used], 0, 4096);
	return pool[pool_used++];
}

static unsigned idx(uint64_t va, int level)
{
	return (unsigned)(va >> (12 + 9 * (level - 1))) & 511;
}

static void read_cpu(void)
{
	uint32_t r[4], max;
	char brand[49];

	cpuid(1, 0, r);
	pte_cpu.pge = !!(r[3] & (1u << 13));
	pte_cpu.pcid = !!(r[2] & (1u << 17));
	cpuid(0, 0, r);
	if (r[0] >= 7) {
		cpuid(7, 0, r);
		pte_cpu.smep = !!(r[1] & (1u << 7));
		pte_cpu.invpcid = !!(r[1] & (1u << 10));
		pte_cpu.smap = !!(r[1] & (1u << 20));
	}
	cpuid(0x80000000, 0, r);
	max = r[0];
	if (max >= 0x80000001) {
		cpuid(0x80000001, 0, r);
		pte_cpu.nx = !!(r[3] & (1u << 20));
		pte_cpu.gbpages = !!(r[3] & (1u << 26));
	}
	/* §4.1.4: MAXPHYADDR is CPUID.80000008H:EAX[7:0], else 36. */
	pte_cpu.maxphyaddr = 36;
	if (max >= 0x80000008) {
		cpuid(0x80000008, 0, r);
		pte_cpu.maxphyaddr = r[0] & 0xFF;
	}
	memset(brand, 0, sizeof(brand));
	if (max >= 0x80000004)
		for (uint32_t l = 0; l < 3; l++)
			cpuid(0x80000002 + l, 0, (uint32_t *)(brand + 16 * l));
	pte_cpu.mmulab = strncmp(brand, "mmulab", 6) == 0;
}

void pte_init(void)
{
	uint64_t us = (uint64_t)__user_start, ue = (uint64_t)__user_end;
	uint64_t *pt, *pd = (uint64_t *)(boot_pml4[0] & PTE_ADDR);

	read_cpu();
	pd = (uint64_t *)(pd[0] & PTE_ADDR);
	/* 4 KiB pages for the first 2 MiB; U/S only on the .user pages. */
	pt = pte_split(us);
	pt -= idx(us, 1);
	if (ue > 0x200000)
		panic("pte: the image does not fit in the first 2 MiB");
	for (uint64_t i = 0; i < 512; i++) {
		uint64_t a = i << 12;

		pt[i] &= ~PTE_U;
		if (a >= us && a < ue)
			pt[i] |= PTE_U;
	}
	for (int i = 1; i < 512; i++)
		pd[i] &= ~PTE_U;
	WRITE_CR(3, READ_CR(3));
	cur.wp = !!(READ_CR(0) & CR0_WP);
	cur.nxe = !!(rdmsr(MSR_EFER) & EFER_NXE);
	pte_set_ctl(&pte_ctl_default);
}

int pte_on_mmulab(void)
{
	return pte_cpu.mmulab;
}

void pte_map_init(struct pte_map *m, uint64_t va, int leaf, uint64_t pa)
{
	memset(m, 0, sizeof(*m));
	if (idx(va, 4) == 0)
		panic("pte: %#lx is in PML4 slot 0 (the identity map)", va);
	m->va = va;
	m->leaf = leaf;
	m->pa = pa;
	for (int l = 4; l >= leaf; l--)
		m->flags[l] = PTE_P | PTE_W | PTE_U;
	m->entry[4] = &boot_pml4[idx(va, 4)];
	for (int l = 3; l >= leaf; l--) {
		m->table[l] = new_table();
		m->entry[l] = &m->table[l][idx(va, l)];
	}
}

void pte_write(struct pte_map *m)
{
	uint64_t mask = (1ul << (12 + 9 * (m->leaf - 1))) - 1;
	uint8_t *frame = (uint8_t *)m->pa;

	if (m->pa & mask)
		panic("pte: frame %#lx is not aligned to its page", m->pa);
	/* The bytes the fetch probes execute: RET and INT 0x80. */
	frame[PTE_KFETCH_OFF] = 0xC3;
	frame[PTE_UFETCH_OFF] = 0xCD;
	frame[PTE_UFETCH_OFF + 1] = 0x80;
	for (int l = 4; l > m->leaf; l--)
		*m->entry[l] = (uint64_t)m->table[l - 1] | m->flags[l];
	*m->entry[m->leaf] = m->pa | m->flags[m->leaf] | (m->leaf > 1 ? PTE_PS : 0);
}

void pte_build(struct pte_map *m)
{
	pte_write(m);
	/* INVLPG also drops every paging-structure-cache entry (§4.10.4.1). */
	invlpg(m->va);
}

uint64_t pte_get(const struct pte_map *m, int level)
{
	return *(volatile uint64_t *)m->entry[level];
}

void pte_set_wp(int on)
{
	uint64_t cr0 = READ_CR(0);

	WRITE_CR(0, on ? cr0 | CR0_WP : cr0 & ~CR0_WP);
	cur.wp = on;
}

void pte_set_nxe(int on)
{
	uint64_t efer = rdmsr(MSR_EFER);

	if (on && !pte_cpu.nx)
		panic("pte: no NX");
	wrmsr(MSR_EFER, on ? efer | EFER_NXE : efer & ~EFER_NXE);
	cur.nxe = on;
}

static void set_cr4(uint64_t bit, int on)
{
	uint64_t cr4 = READ_CR(4);

	WRITE_CR(4, on ? cr4 | bit : cr4 & ~bit);
}

void pte_set_smep(int on)
{
	if (on && !pte_cpu.smep)
		panic("pte: no SMEP");
	set_cr4(CR4_SMEP, on);
	cur.smep = on;
}

void pte_set_smap(int on)
{
	if (on && !pte_cpu.smap)
		panic("pte: no SMAP");
	set_cr4(CR4_SMAP, on);
	cur.smap = on;
}

void pte_set_ac(int on)
{
	/* STAC and CLAC exist with SMAP (CPUID.(7,0):EBX[20]). */
	if (pte_cpu.smap) {
		if (on)
			pte_stac();
		else
			pte_clac();
	} else if (on) {
		panic("pte: no SMAP, no STAC");
	}
	cur.ac = on;
}

void pte_set_ctl(const struct pte_ctl *c)
{
	if (c->wp != cur.wp)
		pte_set_wp(c->wp);
	if (c->nxe != cur.nxe)
		pte_set_nxe(c->nxe);
	if (c->smep != cur.smep)
		pte_set_smep(c->smep);
	if (c->smap != cur.smap)
		pte_set_smap(c->smap);
	pte_set_ac(c->ac);
}

const struct pte_ctl *pte_get_ctl(void)
{
	return &cur;
}

const char *pte_flags_str(uint64_t e, char *buf)
{
	buf[0] = (e & PTE_P) ? 'P' : '-';
	buf[1] = (e & PTE_W) ? 'W' : '-';
	buf[2] = (e & PTE_U) ? 'U' : '-';
	buf[3] = (e & PTE_NX) ? 'X' : '-';
	buf[4] = 0;
	return buf;
}

const char *pte_access_name(int access)
{
	static const char *const n[] = { "read", "write", "fetch" };

	return n[access];
}

const char *pte_level_name(int level)
{
	static const char *const n[] = { "", "PTE", "PDE", "PDPTE", "PML4E" };

	return n[level];
}
