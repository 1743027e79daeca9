/*
 * ptepkeys.c — protection keys for user pages (SDM vol. 3 §4.6.2):
 * with CR4.PKE = 1 in 4-level paging, bits 62:59 of the leaf entry name a
 * key, and every data access to a user-mode address is checked against
 * PKRU: AD[key] forbids any data access, WD[key] forbids writes by CPL-3
 * accesses and, with CR0.WP = 1, by supervisor ones.  Instruction fetches
 * and supervisor pages are not checked.  A fault for a key has error-code
 * bit 5 (PK) set (§4.7).  RDPKRU/WRPKRU read and write PKRU (vol. 2).
 */
#include "pte.h"

#define VA 0x0000048000000000ul /* PML4 slot 9 */
#define CR4_PKE (1ul << 22)
#define KEY 5ul
#define ERR_P 0x1
#define ERR_W 0x2
#define ERR_U 0x4
#define ERR_PK 0x20

static uint8_t frame[4096] __attribute__((aligned(4096)));

static uint64_t read_cr4(void)
{
	uint64_t v;
	__asm__ volatile("mov %%cr4, %0" : "=r"(v));
	return v;
}

static void write_cr4(uint64_t v)
{
	__asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static void wrpkru(uint32_t v)
{
	__asm__ volatile("wrpkru" : : "a"(v), "c"(0), "d"(0) : "memory");
}

static uint32_t rdpkru(void)
{
	uint32_t a, d;
	__asm__ volatile("rdpkru" : "=a"(a), "=d"(d) : "c"(0));
	return a;
}

/* One access: expect no fault (want < 0) or #PF with error code `want`. */
static void probe(struct pte_map *m, int access, int cpl, long want,
		  const char *what)
{
	struct pte_result r;
	pte_build(m);
	pte_probe(m, access, cpl, &r);
	if (want < 0)
		CHECK(!r.fault, "%s: no fault", what);
	else
		CHECK(r.fault && r.vector == 14 && r.error == (uint64_t)want &&
			      r.cr2 == pte_probe_addr(m, access, cpl),
		      "%s: #PF error %#lx", what, (unsigned long)want);
}

int kmain(struct multiboot_info *mbi)
{
	(void)mbi;
	uint32_t r[4];
	pte_init();
	cpuid(7, 0, r);
	if (!(r[2] & (1u << 3))) {
		test_skip("no PKU (CPUID.(7,0):ECX[3])", "protection-key cases");
		test_done();
	}
	write_cr4(read_cr4() | CR4_PKE);
	cpuid(7, 0, r);
	CHECK(r[2] & (1u << 4), "CPUID OSPKE reflects CR4.PKE = 1");

	struct pte_map m;
	pte_map_init(&m, VA, 1, (uint64_t)frame);
	m.flags[1] = PTE_P | PTE_W | PTE_U | (KEY << 59);

	wrpkru(0x12345678u & 0x55555555u);
	CHECK_EQ(rdpkru(), 0x12345678u & 0x55555555u, "WRPKRU then RDPKRU");

	wrpkru(0);
	probe(&m, PTE_WRITE, 3, -1, "PKRU = 0: user write");

	wrpkru(1u << (2 * KEY)); /* AD5 */
	probe(&m, PTE_READ, 3, ERR_P | ERR_U | ERR_PK, "AD5: user read");
	probe(&m, PTE_WRITE, 3, ERR_P | ERR_W | ERR_U | ERR_PK, "AD5: user write");
	probe(&m, PTE_READ, 0, ERR_P | ERR_PK, "AD5: supervisor read of the user page");
	probe(&m, PTE_FETCH, 3, -1, "AD5: user fetch (keys do not apply to fetches)");

	wrpkru(2u << (2 * KEY)); /* WD5 */
	probe(&m, PTE_READ, 3, -1, "WD5: user read");
	probe(&m, PTE_WRITE, 3, ERR_P | ERR_W | ERR_U | ERR_PK, "WD5: user write");
	probe(&m, PTE_WRITE, 0, ERR_P | ERR_W | ERR_PK, "WD5, WP=1: supervisor write");
	pte_set_wp(0);
	probe(&m, PTE_WRITE, 0, -1, "WD5, WP=0: supervisor write");
	pte_set_wp(1);

	wrpkru(3u << (2 * 4)); /* another key */
	probe(&m, PTE_WRITE, 3, -1, "AD4|WD4: key 5 unaffected");

	wrpkru(~0u);
	m.flags[1] = PTE_P | PTE_W | (KEY << 59); /* supervisor page */
	probe(&m, PTE_WRITE, 0, -1, "all keys denied: supervisor page unaffected");

	m.flags[1] = PTE_P | PTE_W | PTE_U | (KEY << 59);
	write_cr4(read_cr4() & ~CR4_PKE);
	probe(&m, PTE_WRITE, 3, -1, "CR4.PKE = 0: keys ignored");
	test_done();
}
