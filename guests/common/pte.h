/*
 * pte.h — the PTE harness: the face of pte.c, pteprobe.c and pterule.c, a
 * small library for instruction-level tests of x86-64 4-level paging
 * semantics (Intel SDM vol. 3 ch. 4).  A test
 *
 *   1. calls pte_init() once: the identity map becomes supervisor-only
 *      except the .user section (ring-3 stubs and stack), so SMEP and SMAP
 *      can be switched on without faulting the kernel;
 *   2. describes a test linear address in a struct pte_map: the flags of
 *      its PML4E, PDPTE, PDE and PTE (or a 2 MiB / 1 GiB leaf) — the
 *      harness owns the paging structures below the PML4E;
 *   3. sets the paging controls with pte_set_ctl() (CR0.WP, EFER.NXE,
 *      CR4.SMEP, CR4.SMAP, EFLAGS.AC);
 *   4. runs pte_case(): the SDM's rules (pterule.c) say what a read, write
 *      or fetch at CPL 0 or 3 must do — #PF or not, error code, CR2, A and
 *      D in every entry — then a probe (pteprobe.c) does it and the two
 *      are compared.
 * guests/tests/README.md is the user's guide.
 */
#ifndef GUEST_PTE_H
#define GUEST_PTE_H

#include "guest.h"

#define CR4_PGE		(1ul << 7)
#define CR4_PCIDE	(1ul << 17)
#define CR4_SMEP	(1ul << 20)
#define CR4_SMAP	(1ul << 21)
#define RFLAGS_AC	(1ul << 18)
#define CR3_NOFLUSH	(1ul << 63)	/* MOV to CR3 with CR4.PCIDE = 1: keep this PCID's entries */

/* #PF error code (SDM vol. 3 §4.7, figure 4-12). */
#define PF_P		0x01	/* 0: not present; 1: protection or reserved bit */
#define PF_W		0x02	/* the access was a write */
#define PF_U		0x04	/* the access was a user-mode access */
#define PF_RSVD		0x08	/* a reserved bit was set in an entry */
#define PF_I		0x10	/* instruction fetch (with SMEP, or NXE and PAE) */

/* Levels: 4 = PML4E, 3 = PDPTE, 2 = PDE, 1 = PTE. */
#define PTE_L4		4
#define PTE_L3		3
#define PTE_L2		2
#define PTE_L1		1

/* What the processor offers; filled by pte_init() from CPUID. */
struct pte_cpu {
	int nx;			/* CPUID.80000001H:EDX[20] */
	int gbpages;		/* 1 GiB pages, CPUID.80000001H:EDX[26] */
	int pge;		/* CPUID.1:EDX[13] */
	int pcid;		/* CPUID.1:ECX[17] */
	int smep, smap, invpcid;	/* CPUID.(7,0):EBX[7], [20], [10] */
	int maxphyaddr;		/* CPUID.80000008H:EAX[7:0] */
	int mmulab;		/* the brand string starts with "mmulab" */
};
extern struct pte_cpu pte_cpu;

/* The paging controls a case runs under (§4.6). */
struct pte_ctl {
	int wp;		/* CR0.WP */
	int nxe;	/* IA32_EFER.NXE */
	int smep;	/* CR4.SMEP */
	int smap;	/* CR4.SMAP */
	int ac;		/* EFLAGS.AC for CPL-0 probes (STAC/CLAC) */
};
/* The controls as pte_init() leaves them: WP=1, NXE=1 (if NX), rest 0. */
extern const struct pte_ctl pte_ctl_default;

enum pte_access { PTE_READ, PTE_WRITE, PTE_FETCH };

/*
 * A test linear address and its paging structures.  flags[l] is ORed into
 * the entry at level l (4..leaf): P, R/W, U/S, NX, A, D, G, or any other bit
 * a test wants (reserved ones too); pte_build() adds the address of the
 * next table, or the page frame `pa` (and PS for leaf > 1).  The harness
 * owns every table below the PML4E, so two maps must use different PML4
 * slots (bits 47:39 of va), none of them slot 0 (the identity map).
 */
struct pte_map {
	uint64_t va;		/* page-aligned test address */
	int leaf;		/* 1: 4 KiB PTE, 2: 2 MiB PDE, 3: 1 GiB PDPTE */
	uint64_t pa;		/* frame (aligned to the leaf's page size, < 1 GiB) */
	uint64_t flags[5];	/* [4] PML4E .. [leaf] */
	uint64_t *entry[5];	/* where each entry lives */
	uint64_t *table[4];	/* [l]: the table holding the level-l entries */
};

/* What a probe saw. */
struct pte_result {
	int fault;		/* 1: #PF taken, 0: the access completed */
	uint64_t vector, error, cr2, rip;	/* of the trap, when one was taken */
	uint64_t value;		/* data read (PTE_READ) */
	uint64_t entry[5];	/* each entry after the access */
};

/* What the SDM says must happen (pterule.c). */
struct pte_expect {
	int fault;
	uint32_t error;
	uint64_t cr2, rip;
	int level;		/* the entry that ended the walk (fault or leaf) */
	uint64_t ad[5];		/* A/D bits each entry must hold afterwards */
	uint64_t ad_mask[5];	/* which of them the rules (or the model) fix */
	const char *rule;	/* the rule that decided, for messages */
};

/* pte.c */
void pte_init(void);
/* The CPU is mmulab (brand string): model-specific cases may run. */
int pte_on_mmulab(void);
/* Fills m for va with leaf level `leaf` onto `pa`; all flags P|W|U. */
void pte_map_init(struct pte_map *m, uint64_t va, int leaf, uint64_t pa);
/* Writes every entry of m from its flags and INVLPGs va. */
void pte_build(struct pte_map *m);
/* Writes the entries like pte_build() but does not invalidate. */
void pte_write(struct pte_map *m);
/* The entry m uses at level l, as it is in memory now. */
uint64_t pte_get(const struct pte_map *m, int level);
/* Loads all controls (each helper below changes one and records it). */
void pte_set_ctl(const struct pte_ctl *c);
const struct pte_ctl *pte_get_ctl(void);
void pte_set_wp(int on);	/* CR0.WP */
void pte_set_nxe(int on);	/* IA32_EFER.NXE */
void pte_set_smep(int on);	/* CR4.SMEP */
void pte_set_smap(int on);	/* CR4.SMAP */
void pte_set_ac(int on);	/* STAC / CLAC now; CPL-0 probes re-apply it */
static inline void pte_stac(void) { __asm__ volatile("stac" : : : "memory", "cc"); }
static inline void pte_clac(void) { __asm__ volatile("clac" : : : "memory", "cc"); }
/* "P W U X" as four characters ('-' when clear; X is NX = 1) into buf[5]. */
const char *pte_flags_str(uint64_t e, char *buf);
const char *pte_access_name(int access);
const char *pte_level_name(int level);

/* pteprobe.c — the addresses a probe uses: data at va + 0x800, a CPL-0
 * fetch calls va + 0 (RET), a CPL-3 fetch jumps to va + 0x10 (INT 0x80). */
#define PTE_DATA_OFF	0x800
#define PTE_KFETCH_OFF	0x0
#define PTE_UFETCH_OFF	0x10
uint64_t pte_probe_addr(const struct pte_map *m, int access, int cpl);
/* RIP a #PF from this probe must report. */
uint64_t pte_probe_rip(const struct pte_map *m, int access, int cpl);
/* Does `access` at `cpl` on m's address under the current controls. */
void pte_probe(const struct pte_map *m, int access, int cpl, struct pte_result *r);
/* Reads/writes 8 bytes at any address at CPL 0 or 3; returns 1 when a #PF
 * ended it (then trap_last holds error and CR2).  Writes store `v`. */
int pte_access_at(uint64_t addr, int access, int cpl, uint64_t v, uint64_t *out);
/* Runs `rip` at CPL 3 with RDI = arg on the harness's user stack; returns
 * the vector that ended it (USER_END_VECTOR for INT 0x80). */
int pte_user_call(uint64_t rip, uint64_t arg);
/* Puts a routine into the user pages: PTE_USER_FN(name, "asm body"). */
#define PTE_USER_FN(name, body) \
	__asm__(".pushsection .user.text, \"ax\"\n.globl " #name "\n" #name ":\n" body "\n.popsection\n")

/* pterule.c */
/* What the SDM requires of this access, from m's entries as they are now
 * in memory and the current controls. */
void pte_rule(const struct pte_map *m, int access, int cpl, struct pte_expect *e);
/* 1 when r is what e demands, else 0. */
int pte_compare(const struct pte_expect *e, const struct pte_result *r);
/* Prints (no newline) how r differs from e: "got ..., want ... (rule)". */
void pte_explain(const struct pte_expect *e, const struct pte_result *r);
/* Rule, probe, compare.  With a format (printf-style) prints one TAP line
 * ("ok N - text") and, on a mismatch, the case and the difference; with
 * fmt NULL prints nothing.  Returns 1 on a match. */
int pte_case(const struct pte_map *m, int access, int cpl, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The same, with the outcome also stated by the test: `want` is a #PF
 * error code or PTE_NOFAULT; the case fails unless the rules agree. */
#define PTE_NOFAULT	(-1)
#define PTE_ANY		(-2)
int pte_case_want(const struct pte_map *m, int access, int cpl, int want, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Prints "#   case" + the entries' P W U X flags, the controls and the access. */
void pte_print_case(const struct pte_map *m, int access, int cpl);

#endif
