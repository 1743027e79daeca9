/*
 * pterule.c — what the Intel SDM (vol. 3 ch. 4, 4-level paging) says one
 * access must do, computed from the paging-structure entries as they are in
 * memory and from the paging controls; and the comparison of that with what
 * a probe saw.  Expectations come only from here, never from a run.
 *
 * The walk (§4.5.4): from the PML4E down, each entry is read in turn.
 *   - P = 0: the walk stops with a not-present #PF (§4.7: error bit 0 = 0).
 *     Reserved bits of a not-present entry are not checked.
 *   - P = 1 and a reserved bit set: #PF with P = 1 and RSVD = 1 (§4.7).
 *     Reserved in 4-level paging (§4.5.4, tables 4-15 to 4-20, and
 *     "reserved bits" in §4.5.4's text):
 *       every entry: bits 51:MAXPHYADDR; bit 63 (XD) when IA32_EFER.NXE = 0;
 *       PML4E:       bit 7 (PS);
 *       PDPTE PS=1:  bits 29:13 (1 GiB page; PS itself if there are no
 *                    1 GiB pages, CPUID.80000001H:EDX[26]);
 *       PDE PS=1:    bits 20:13 (2 MiB page).
 *   - A PDPTE or PDE with PS = 1, or a PTE, maps the page and ends the walk.
 * The rights of the translation (§4.6.1) combine every entry used: writes
 * are allowed only if R/W = 1 in all of them, the address is a user-mode
 * address only if U/S = 1 in all of them, and with NXE = 1 fetches are
 * forbidden if XD = 1 in any of them.
 *
 * Access rights, §4.6.1, for an explicit access (all probes are explicit):
 *   CPL 3 (user-mode access):
 *     read   allowed iff user-mode address;
 *     write  allowed iff user-mode address and R/W = 1 (CR0.WP irrelevant);
 *     fetch  allowed iff user-mode address and not (NXE = 1 and XD = 1).
 *   CPL 0 (supervisor-mode access):
 *     read   from a user-mode address: forbidden iff CR4.SMAP = 1 and
 *            EFLAGS.AC = 0; from a supervisor-mode address: allowed;
 *     write  as read, and also forbidden iff CR0.WP = 1 and R/W = 0
 *            (with WP = 0 a supervisor write ignores R/W);
 *     fetch  forbidden iff (CR4.SMEP = 1 and user-mode address) or
 *            (NXE = 1 and XD = 1); SMAP and AC do not apply to fetches.
 *
 * The error code (§4.7): P (bit 0) is 0 for a not-present entry, else 1;
 * W/R (bit 1) is 1 for a write; U/S (bit 2) is 1 for a user-mode access;
 * RSVD (bit 3) for a reserved bit; I/D (bit 4) is 1 for an instruction
 * fetch when CR4.SMEP = 1 or (CR4.PAE = 1, which 4-level paging implies,
 * and IA32_EFER.NXE = 1); PK (bit 5) is 0 here (CR4.PKE = 0).  CR2 holds
 * the linear address accessed, and RIP the faulting instruction (#PF is a
 * fault).
 *
 * Accessed and dirty flags (§4.8): a translation sets A in every entry it
 * used and, for a write, D in the entry that maps the page; D exists only
 * there (bit 6 of an entry that references a table is ignored).  An access
 * that faults performs no write, so D changes nowhere; entries below the
 * one that ended the walk were not used and do not change.  Whether A is
 * set in the entries a faulting walk used the SDM leaves open: mmulab sets
 * A in the entries above the one that faulted and never in that one
 * (mmu/walk.c), so these bits are checked on mmulab only.
 */
#include "pte.h"

/* Reserved bits of entry e at `level` (table comment). */
static uint64_t reserved(int level, uint64_t e, int nxe)
{
	uint64_t r = 0;
	int mp = pte_cpu.maxphyaddr;

	if (mp < 52)
		r |= ((1ul << 52) - 1) & ~((1ul << mp) - 1);
	if (!nxe)
		r |= PTE_NX;
	if (level == 4)
		r |= PTE_PS;
	else if (level == 3 && (e & PTE_PS))
		r |= pte_cpu.gbpages ? 0x3FFFE000ul : PTE_PS;
	else if (level == 2 && (e & PTE_PS))
		r |= 0x1FE000ul;
	return e & r;
}

static int allowed(const struct pte_ctl *c, int access, int user, int rw, int us, int xd, const char **rule)
{
	if (user) {
		if (!us)
			return *rule = "4.6.1: user access to a supervisor-mode address", 0;
		if (access == PTE_WRITE && !rw)
			return *rule = "4.6.1: user write needs R/W=1 at every level", 0;
		if (access == PTE_FETCH && c->nxe && xd)
			return *rule = "4.6.1: NXE=1, XD=1 at some level forbids fetches", 0;
		return *rule = "4.6.1: user access allowed", 1;
	}
	if (access == PTE_FETCH) {
		if (us && c->smep)
			return *rule = "4.6.1: SMEP forbids supervisor fetches from user-mode addresses", 0;
		if (c->nxe && xd)
			return *rule = "4.6.1: NXE=1, XD=1 at some level forbids fetches", 0;
		return *rule = "4.6.1: supervisor fetch allowed", 1;
	}
	if (us && c->smap && !c->ac)
		return *rule = "4.6.1: SMAP with AC=0 forbids supervisor data accesses to user-mode addresses", 0;
	if (access == PTE_WRITE && c->wp && !rw)
		return *rule = "4.6.1: CR0.WP=1 and R/W=0 at some level forbid supervisor writes", 0;
	return *rule = "4.6.1: supervisor data access allowed", 1;
}

void pte_rule(const struct pte_map *m, int access, int cpl, struct pte_expect *e)
{
	const struct pte_ctl *c = pte_get_ctl();
	int user = cpl == 3, rw = 1, us = 1, xd = 0, level, stop = 0;
	uint64_t before[5];

	memset(e, 0, sizeof(*e));
	for (int l = 4; l >= m->leaf; l--) {
		before[l] = pte_get(m, l);
		e->ad[l] = before[l] & (PTE_A | PTE_D);
		e->ad_mask[l] = PTE_A | PTE_D;
	}
	e->cr2 = pte_probe_addr(m, access, cpl);
	e->rip = pte_probe_rip(m, access, cpl);
	e->error = (access == PTE_WRITE ? PF_W : 0) | (user ? PF_U : 0);
	if (access == PTE_FETCH && (c->smep || c->nxe))
		e->error |= PF_I;

	for (level = 4;; level--) {
		uint64_t v;

		if (level < m->leaf)
			panic("pte_rule: the walk goes below the map's leaf");
		v = before[level];
		if (!(v & PTE_P)) {
			e->rule = "4.5.4/4.7: P=0, not-present #PF";
			stop = 1;
			break;
		}
		if (reserved(level, v, c->nxe)) {
			e->error |= PF_P | PF_RSVD;
			e->rule = "4.5.4/4.7: reserved bit set, #PF with P and RSVD";
			stop = 1;
			break;
		}
		rw &= !!(v & PTE_W);
		us &= !!(v & PTE_U);
		xd |= !!(v & PTE_NX);
		if (level == 1 || ((level == 2 || level == 3) && (v & PTE_PS)))
			break;
	}
	e->level = level;
	if (!stop && !allowed(c, access, user, rw, us, xd, &e->rule)) {
		e->error |= PF_P;
		stop = 1;
	}
	e->fault = stop;
	if (!stop) {
		/* §4.8: A at every level used, D in the leaf for a write. */
		for (int l = 4; l >= level; l--)
			e->ad[l] |= PTE_A;
		if (access == PTE_WRITE)
			e->ad[level] |= PTE_D;
		return;
	}
	/* A fault: D stays; A above the faulting entry is mmulab's choice. */
	for (int l = 4; l >= level; l--) {
		if (!pte_on_mmulab())
			e->ad_mask[l] &= ~PTE_A;
		else if (l > level)
			e->ad[l] |= PTE_A;
	}
}

/* Which part of r differs from e: 0 none, 1 fault, 2 error/CR2/RIP, 3 + level A/D. */
static int mismatch(const struct pte_expect *e, const struct pte_result *r)
{
	if (e->fault != r->fault || (r->fault && r->vector != 14))
		return 1;
	if (r->fault && (r->error != e->error || r->cr2 != e->cr2 || r->rip != e->rip))
		return 2;
	for (int l = 4; l >= 1; l--)
		if ((r->entry[l] ^ e->ad[l]) & e->ad_mask[l])
			return 3 + l;
	return 0;
}

int pte_compare(const struct pte_expect *e, const struct pte_result *r)
{
	return mismatch(e, r) == 0;
}

void pte_explain(const struct pte_expect *e, const struct pte_result *r)
{
	int k = mismatch(e, r);

	if (k == 1) {
		if (r->fault)
			printf("got vector %lu error %#lx", r->vector, r->error);
		else
			printf("got no fault");
		if (e->fault)
			printf(", want #PF error %#x", e->error);
		else
			printf(", want no fault");
	} else if (k == 2) {
		/* Only the fields that differ: RIPs are link addresses. */
		const char *sep = "";

		if (r->error != e->error) {
			printf("error got %#lx want %#x", r->error, e->error);
			sep = ", ";
		}
		if (r->cr2 != e->cr2) {
			printf("%scr2 got %#lx want %#lx", sep, r->cr2, e->cr2);
			sep = ", ";
		}
		if (r->rip != e->rip)
			printf("%srip got %#lx want %#lx", sep, r->rip, e->rip);
	} else if (k > 2) {
		printf("%s A/D got %#lx want %#lx", pte_level_name(k - 3), r->entry[k - 3] & (PTE_A | PTE_D),
		       e->ad[k - 3]);
	}
	if (k)
		printf(" (%s%s)", k > 2 ? "4.8; " : "", e->rule);
}

void pte_print_case(const struct pte_map *m, int access, int cpl)
{
	const struct pte_ctl *c = pte_get_ctl();
	char b[5];

	printf("#   case");
	for (int l = 4; l >= m->leaf; l--)
		printf(" %s %s", pte_level_name(l), pte_flags_str(pte_get(m, l), b));
	printf(" | WP=%d NXE=%d SMEP=%d SMAP=%d AC=%d | CPL%d %s\n", c->wp, c->nxe, c->smep, c->smap, c->ac,
	       cpl, pte_access_name(access));
}

static int vcase(const struct pte_map *m, int access, int cpl, int want, const char *fmt, va_list ap)
{
	struct pte_expect e;
	struct pte_result r;
	int ok, rule_ok = 1;

	pte_rule(m, access, cpl, &e);
	if (want != PTE_ANY)
		rule_ok = want == PTE_NOFAULT ? !e.fault : e.fault && e.error == (uint32_t)want;
	pte_probe(m, access, cpl, &r);
	ok = rule_ok && pte_compare(&e, &r);
	if (fmt) {
		test_vcheck(ok, fmt, ap);
		if (!ok)
			pte_print_case(m, access, cpl);
		if (!rule_ok) {
			printf("#     the test states ");
			if (want == PTE_NOFAULT)
				printf("no fault");
			else
				printf("#PF %#x", want);
			printf(", the rules give ");
			if (e.fault)
				printf("#PF %#x (%s)\n", e.error, e.rule);
			else
				printf("no fault\n");
		} else if (!ok) {
			printf("#     ");
			pte_explain(&e, &r);
			printf("\n");
		}
	}
	return ok;
}

int pte_case(const struct pte_map *m, int access, int cpl, const char *fmt, ...)
{
	va_list ap;
	int ok;

	va_start(ap, fmt);
	ok = vcase(m, access, cpl, PTE_ANY, fmt, ap);
	va_end(ap);
	return ok;
}

int pte_case_want(const struct pte_map *m, int access, int cpl, int want, const char *fmt, ...)
{
	va_list ap;
	int ok;

	va_start(ap, fmt);
	ok = vcase(m, access, cpl, want, fmt, ap);
	va_end(ap);
	return ok;
}
