/*
 * tests/unit/test_cr.c — MOV CR/DR, MSRs and port I/O, by executing them.
 *
 * Each test builds a machine with identity-mapped 2 MiB pages (the first
 * supervisor-only, so SMEP and SMAP can be on; the others user accessible),
 * a GDT, a TSS with an I/O bitmap and an IDT whose handler for vector v is
 * the stub "push v; hlt".  A test loads a few instruction bytes at CODE (at
 * UCODE when it runs at CPL 3), sets registers directly, runs, and reads
 * which exception (if any) was delivered, with its error code and the RIP
 * it reported.  Code that completes ends with HLT (CPL 0) or UD2 (CPL 3:
 * HLT would fault).
 * The rules checked are those of SDM vol. 2 "MOV—Move to/from Control
 * Registers", "MOV—Move to/from Debug Registers", "RDMSR", "WRMSR",
 * "IN", "INS", and vol. 3 §10.8.5 (IA-32e mode activation).
 */
#include <check.h>
#include <string.h>

#include "cpu/x86/system.h"
#include "tests/unit/check_run.h"

#define RAM    (4u << 20)
#define PML4   0x1000u
#define PDPT   0x2000u
#define PD     0x3000u
#define GDT    0x4000u
#define IDT64  0x5000u
#define IDT32  0x6000u
#define STUBS  0x7000u
#define TSS    0x8000u /* 0x68 bytes, then the 8 KiB I/O bitmap and 0xff */
#define CODE   0x10000u
#define DATA   0x20000u
#define RSP0   0x60000u
#define STACK  0x70000u
#define UCODE  0x210000u /* user pages start at 2 MiB */
#define USTACK 0x270000u

#define IOMAP_OFF 0x68u
#define TSS_LIMIT (IOMAP_OFF + 8192u)

#define SEL_CODE64  0x08
#define SEL_DATA    0x10
#define SEL_CODE32  0x18
#define SEL_UDATA   0x20
#define SEL_UCODE64 0x28
#define SEL_TSS	    0x38

#define MSR_EFER    0xc0000080u
#define MSR_FS_BASE 0xc0000100u
#define MSR_TSC_AUX 0xc0000103u
#define MSR_PAT	    0x277u
#define MSR_TSC	    0x10u

#define CR0_NW	(1ull << 29)
#define CR0_CD	(1ull << 30)
#define CR0_TS	(1ull << 3)
#define CR0_MP	(1ull << 1)
#define CR4_DE	(1ull << 3)
#define CR4_TSD (1ull << 2)

static struct bus bus;
static struct cpu cpu;

/* Results of the last run(). */
static uint64_t code;	/* where its code was: CODE or UCODE */
static int vec;		/* delivered vector, -1 for none */
static uint64_t err;	/* its error code, when it has one */
static uint64_t at;	/* the RIP it reported */
static int stop_reason; /* what cpu_run returned */

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(bus.ram + pa, &v, 8);
}

static uint64_t get(uint64_t pa, int size)
{
	uint64_t v = 0;
	memcpy(&v, bus.ram + pa, size);
	return v;
}

/* A 64-bit interrupt gate (SDM vol. 3 figure 6-8) to `off` in SEL_CODE64. */
static void gate64(int v, uint64_t off)
{
	uint64_t lo = (off & 0xffff) | ((uint64_t)SEL_CODE64 << 16) |
		      (0x8eull << 40) | (((off >> 16) & 0xffff) << 48);
	put64(IDT64 + 16 * v, lo);
	put64(IDT64 + 16 * v + 8, off >> 32);
}

/* A 32-bit interrupt gate (figure 6-2). */
static void gate32(int v, uint32_t off)
{
	put64(IDT32 + 8 * v, (off & 0xffff) | ((uint64_t)SEL_CODE32 << 16) |
				 (0x8eull << 40) |
				 ((uint64_t)(off >> 16) << 48));
}

/* Port 0x80-0x83: reads give 0x5a + n-th read; writes are recorded. */
static int reads;
static uint32_t written[16];
static int nwritten;

static uint32_t dev_read(void *o, uint16_t port, int size)
{
	(void)o, (void)port, (void)size;
	return 0x5a + reads++;
}

static void dev_write(void *o, uint16_t port, int size, uint32_t v)
{
	(void)o, (void)port, (void)size;
	if (nwritten < 16)
		written[nwritten++] = v;
}

/* Port 0xf4: the run ends, as with isa-debug-exit. */
static void exit_write(void *o, uint16_t port, int size, uint32_t v)
{
	(void)o, (void)port, (void)size;
	bus_request_stop(&bus, BUS_STOP_DEBUG_EXIT, (int)(v << 1) | 1);
}

static void setup(void)
{
	ck_assert_int_eq(bus_init(&bus, RAM), 0);
	ck_assert_int_eq(cpu_init(&cpu, &bus, 0), 0);
	ck_assert_int_eq(
	    bus_register_pio(&bus, 0x80, 4, NULL, dev_read, dev_write), 0);
	ck_assert_int_eq(
	    bus_register_pio(&bus, 0xf4, 1, NULL, NULL, exit_write), 0);
	reads = nwritten = 0;

	/* Identity map of the first GiB with writable 2 MiB pages: the
	 * first supervisor-only (P W PS), the others user too (P W U PS). */
	put64(PML4, PDPT | 7);
	put64(PDPT, PD | 7);
	put64(PD, 0x83);
	for (uint64_t k = 1; k < 512; k++)
		put64(PD + 8 * k, (k << 21) | 0x87);

	/* GDT: null, code64, data, code32, user data, user code64, -, TSS. */
	put64(GDT + 0x08, 0x00209a0000000000ull);
	put64(GDT + 0x10, 0x00cf92000000ffffull);
	put64(GDT + 0x18, 0x00cf9a000000ffffull);
	put64(GDT + 0x20, 0x00cff2000000ffffull);
	put64(GDT + 0x28, 0x0020fa0000000000ull);
	put64(GDT + SEL_TSS,
	      (TSS_LIMIT & 0xffff) | ((uint64_t)TSS << 16) | (0x89ull << 40));

	for (int v = 0; v < 256; v++) {
		uint8_t *s = bus.ram + STUBS + 4 * v;
		s[0] = 0x6a; /* push imm8 */
		s[1] = (uint8_t)v;
		s[2] = 0xf4; /* hlt */
		gate64(v, STUBS + 4 * v);
		gate32(v, STUBS + 4 * v);
	}

	/* 64-bit TSS: RSP0, I/O map base; the bitmap allows ports 0x80 and
	 * 0xf4 only; the byte after it is all ones (SDM vol. 1 §19.5.2). */
	put64(TSS + 4, RSP0);
	bus.ram[TSS + 0x66] = IOMAP_OFF;
	memset(bus.ram + TSS + IOMAP_OFF, 0xff, 8192 + 1);
	bus.ram[TSS + IOMAP_OFF + 0x80 / 8] = 0xfe;
	bus.ram[TSS + IOMAP_OFF + 0xf4 / 8] = 0xef;
}

static void teardown(void)
{
	cpu_free(&cpu);
	bus_free(&bus);
}

static void tables(uint64_t idt, uint16_t idt_limit)
{
	cpu.gdtr = (struct x86_dtr){GDT, 0x47};
	cpu.idtr = (struct x86_dtr){idt, idt_limit};
	cpu.tr = (struct x86_seg){SEL_TSS, TSS, TSS_LIMIT, SEG_ATTR_P | 11};
}

/* 64-bit mode, CPL 0, paging on. */
static void long_mode(void)
{
	cpu_enter_long_flat(&cpu, PML4);
	tables(IDT64, 0xfff);
}

/* 32-bit protected mode, paging off (the Multiboot state). */
static void prot32(void)
{
	cpu_enter_multiboot(&cpu, CODE, 0);
	tables(IDT32, 0x7ff);
}

/* From 64-bit mode to compatibility mode: a 32-bit CS with LMA still set. */
static void compat(void)
{
	cpu.seg[SEG_CS].sel = SEL_CODE32;
	cpu.seg[SEG_CS].attr =
	    SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G | 0xb;
	x86_update_mode(&cpu);
}

/* From 64-bit mode at CPL 0 to 64-bit mode at CPL 3. */
static void user(void)
{
	cpu.seg[SEG_CS] =
	    (struct x86_seg){SEL_UCODE64 | 3, 0, 0xffffffff,
			     SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_L | SEG_ATTR_G |
				 (3 << SEG_ATTR_DPL_SHIFT) | 0xb};
	struct x86_seg d = {SEL_UDATA | 3, 0, 0xffffffff,
			    SEG_ATTR_P | SEG_ATTR_S | SEG_ATTR_DB | SEG_ATTR_G |
				(3 << SEG_ATTR_DPL_SHIFT) | 3};
	cpu.seg[SEG_SS] = cpu.seg[SEG_DS] = cpu.seg[SEG_ES] = d;
	cpu.cpl = 3;
	x86_update_mode(&cpu);
}

static int has_error_code(int v)
{
	return v == EXC_DF || (v >= EXC_TS && v <= EXC_PF) || v == EXC_AC;
}

/* Run `n` code bytes at CODE (CPL 0) or UCODE (CPL 3) until HLT; fill
 * code, vec, err, at. */
static void run(const char *bytes, size_t n)
{
	code = cpu.cpl == 3 ? UCODE : CODE;
	memcpy(bus.ram + code, bytes, n);
	bus_note_write(&bus, code >> 12); /* drop code decoded from there */
	cpu.rip = code;
	cpu.regs[R_RSP] = cpu.cpl == 3 ? USTACK : STACK;
	cpu.halted = 0;
	stop_reason = cpu_run(&cpu, 1000);
	vec = -1;
	if (stop_reason != CPU_STOP_HALT || cpu.rip < STUBS ||
	    cpu.rip >= STUBS + 4 * 256)
		return;
	int w = cpu.code_bits == 64 ? 8 : 4;
	uint64_t sp = cpu.regs[R_RSP] & (w == 8 ? ~0ull : 0xffffffffull);
	vec = (int)(get(sp, w) & 0xff);
	sp += w;
	if (has_error_code(vec)) {
		err = get(sp, w);
		sp += w;
	}
	at = get(sp, w);
}

#define RUN(s) run(s, sizeof(s) - 1)

static void expect_gp(void)
{
	ck_assert_int_eq(vec, EXC_GP);
	ck_assert_uint_eq(err, 0);
	ck_assert_uint_eq(at, code);
}

static void expect_none(void)
{
	ck_assert_int_eq(stop_reason, CPU_STOP_HALT);
	ck_assert_int_eq(vec, -1);
}

/* ---- MOV to CR0 ---- */

#define MOV_CR0_RAX "\x0f\x22\xc0\xf4"

START_TEST(cr0_reserved_high_bits)
{
	long_mode();
	uint64_t old = cpu.cr0;
	cpu.regs[R_RAX] = old | (1ull << 32);
	RUN(MOV_CR0_RAX);
	expect_gp();
	ck_assert_uint_eq(cpu.cr0, old);
}
END_TEST

START_TEST(cr0_reserved_low_bits_ignored)
{
	long_mode();
	cpu.regs[R_RAX] = cpu.cr0 | (1ull << 6) | (1ull << 17);
	RUN(MOV_CR0_RAX);
	expect_none();
	ck_assert_uint_eq(cpu.cr0 & ((1ull << 6) | (1ull << 17)), 0);
	ck_assert(cpu.cr0 & (1ull << 4)); /* ET hardwired to 1 */
}
END_TEST

START_TEST(cr0_nw_without_cd)
{
	long_mode();
	cpu.regs[R_RAX] = (cpu.cr0 | CR0_NW) & ~CR0_CD;
	RUN(MOV_CR0_RAX);
	expect_gp();
}
END_TEST

START_TEST(cr0_clear_pg_in_64bit_mode)
{
	long_mode();
	cpu.regs[R_RAX] = cpu.cr0 & ~CR0_PG;
	RUN(MOV_CR0_RAX);
	expect_gp();
	ck_assert(cpu.efer & EFER_LMA);
}
END_TEST

START_TEST(cr0_pg_without_pe)
{
	prot32();
	cpu.regs[R_RAX] = (cpu.cr0 | CR0_PG) & ~CR0_PE;
	RUN(MOV_CR0_RAX);
	expect_gp();
}
END_TEST

START_TEST(long_mode_needs_pae)
{
	prot32();
	cpu.efer = EFER_LME;
	cpu.cr3 = PML4;
	cpu.regs[R_RAX] = cpu.cr0 | CR0_PG;
	RUN(MOV_CR0_RAX);
	expect_gp();
	ck_assert(!(cpu.efer & EFER_LMA));
	ck_assert(!(cpu.cr0 & CR0_PG));
}
END_TEST

/* §10.8.5: paging on with LME = 1 and PAE = 1 sets LMA; CS is still a
 * 32-bit segment, so the CPU is in compatibility mode. */
START_TEST(long_mode_activation)
{
	prot32();
	cpu.efer = EFER_LME;
	cpu.cr3 = PML4;
	cpu.cr4 = CR4_PAE;
	cpu.regs[R_RAX] = cpu.cr0 | CR0_PG;
	RUN(MOV_CR0_RAX);
	expect_none();
	ck_assert(cpu.efer & EFER_LMA);
	ck_assert_int_eq(cpu.long_mode, 1);
	ck_assert_int_eq(cpu.code_bits, 32);
}
END_TEST

/* §10.8.5.4: clearing PG from compatibility mode leaves IA-32e mode. */
START_TEST(leave_long_mode_from_compat)
{
	long_mode();
	compat();
	cpu.regs[R_RAX] = cpu.cr0 & ~CR0_PG;
	RUN(MOV_CR0_RAX);
	expect_none();
	ck_assert(!(cpu.efer & EFER_LMA));
	ck_assert_int_eq(cpu.long_mode, 0);
}
END_TEST

/* ---- CR3, CR4, CR8, CR1 ---- */

START_TEST(cr4_reserved_and_unadvertised_bits)
{
	/* LA57 exists but cannot change in IA-32e mode; PCIDE, SMEP and
	 * SMAP are valid (see cr4_mmu_features). */
	static const int bits[] = {0 /* VME */,
				   1 /* PVI */,
				   6 /* MCE */,
				   9 /* OSFXSR */,
				   10,
				   11 /* UMIP */,
				   12 /* LA57 */,
				   13 /* VMXE */,
				   15,
				   16 /* FSGSBASE */,
				   18 /* OSXSAVE */,
				   32,
				   63};
	long_mode();
	for (unsigned k = 0; k < sizeof(bits) / sizeof(*bits); k++) {
		uint64_t old = cpu.cr4;
		cpu.regs[R_RAX] = old | (1ull << bits[k]);
		RUN("\x0f\x22\xe0\xf4"); /* mov cr4, rax */
		ck_assert_msg(vec == EXC_GP, "CR4 bit %d: vector %d", bits[k],
			      vec);
		ck_assert_uint_eq(cpu.cr4, old);
	}
}
END_TEST

/* SMEP and SMAP can be set; PCIDE only in IA-32e mode with CR3[11:0] = 0
 * (SDM vol. 2 "MOV": "#GP(0) If an attempt is made to change CR4.PCIDE
 * from 0 to 1 while CR3[11:0] != 000H"). */
START_TEST(cr4_mmu_features)
{
	long_mode();
	uint64_t base = cpu.cr4;
	cpu.regs[R_RAX] = base | CR4_SMEP | CR4_SMAP;
	RUN("\x0f\x22\xe0\xf4");
	expect_none();
	ck_assert_uint_eq(cpu.cr4, base | CR4_SMEP | CR4_SMAP);
	/* this harness maps its code and stacks as user pages: under SMEP
	 * and SMAP its supervisor code could not run, so drop them again */
	cpu.cr4 = base;
	cpu_sync_mmu(&cpu);
	cpu.cr3 |= 5;
	cpu.regs[R_RAX] = base | CR4_PCIDE;
	RUN("\x0f\x22\xe0\xf4");
	ck_assert_int_eq(vec, EXC_GP);
	cpu.cr3 &= ~0xfffull;
	RUN("\x0f\x22\xe0\xf4");
	ck_assert_int_eq(vec, -1);
	ck_assert(cpu.cr4 & CR4_PCIDE);
}
END_TEST

START_TEST(cr4_clear_pae_in_long_mode)
{
	long_mode();
	cpu.regs[R_RAX] = cpu.cr4 & ~CR4_PAE;
	RUN("\x0f\x22\xe0\xf4");
	expect_gp();
}
END_TEST

START_TEST(cr4_valid_bits)
{
	long_mode();
	uint64_t v = cpu.cr4 | CR4_PGE | CR4_PSE | CR4_DE | CR4_TSD;
	cpu.regs[R_RAX] = v;
	RUN("\x0f\x22\xe0\xf4");
	expect_none();
	ck_assert_uint_eq(cpu.cr4, v);
}
END_TEST

START_TEST(cr3_reserved_bits)
{
	long_mode();
	cpu.regs[R_RAX] = PML4 | (1ull << MMU_MAXPHYADDR);
	RUN("\x0f\x22\xd8\xf4"); /* mov cr3, rax */
	expect_gp();
	cpu.regs[R_RAX] = PML4 | (1ull << 63);
	RUN("\x0f\x22\xd8\xf4");
	expect_gp();
	cpu.regs[R_RAX] = PML4 | 0x18; /* PWT, PCD */
	RUN("\x0f\x22\xd8\xf4");
	expect_none();
	ck_assert_uint_eq(cpu.cr3, PML4 | 0x18);
}
END_TEST

START_TEST(cr8_reserved_bits)
{
	long_mode();
	cpu.regs[R_RAX] = 0x10;
	RUN("\x44\x0f\x22\xc0\xf4"); /* mov cr8, rax */
	expect_gp();
	cpu.regs[R_RAX] = 9;
	cpu.regs[R_RBX] = ~0ull;
	RUN("\x44\x0f\x22\xc0\x44\x0f\x20\xc3\xf4"); /* mov cr8,rax; mov rbx,cr8
						      */
	expect_none();
	ck_assert_uint_eq(cpu.regs[R_RBX], 9);
}
END_TEST

START_TEST(cr1_is_ud)
{
	long_mode();
	RUN("\x0f\x22\xc8\xf4"); /* mov cr1, rax */
	ck_assert_int_eq(vec, EXC_UD);
	ck_assert_uint_eq(at, code);
}
END_TEST

START_TEST(mov_cr_at_cpl3)
{
	long_mode();
	user();
	RUN("\x0f\x20\xc0\x0f\x0b"); /* mov rax, cr0; ud2 */
	expect_gp();
	ck_assert_int_eq(cpu.cpl, 0);
}
END_TEST

/* ---- CLTS, SMSW, LMSW ---- */

START_TEST(clts_smsw_lmsw)
{
	long_mode();
	cpu.cr0 |= CR0_TS | CR0_MP;
	/* clts; smsw eax; xor ecx, ecx; lmsw cx; hlt */
	RUN("\x0f\x06\x0f\x01\xe0\x31\xc9\x0f\x01\xf1\xf4");
	expect_none();
	ck_assert_uint_eq(cpu.regs[R_RAX], (uint32_t)(cpu.cr0 | CR0_MP));
	ck_assert(!(cpu.cr0 & (CR0_TS | CR0_MP)));
	ck_assert(cpu.cr0 & CR0_PE); /* LMSW cannot clear PE */
}
END_TEST

/* ---- debug registers ---- */

START_TEST(dr4_aliases_dr6_unless_de)
{
	long_mode();
	cpu.regs[R_RAX] = 0x1;
	RUN("\x0f\x23\xe0\xf4"); /* mov dr4, rax */
	expect_none();
	ck_assert_uint_eq(cpu.dr[6], 0xffff0ff1ull);
	cpu.cr4 |= CR4_DE;
	RUN("\x0f\x23\xe0\xf4");
	ck_assert_int_eq(vec, EXC_UD);
}
END_TEST

START_TEST(dr7_high_bits)
{
	long_mode();
	cpu.regs[R_RAX] = 1ull << 32;
	RUN("\x0f\x23\xf8\xf4"); /* mov dr7, rax */
	expect_gp();
}
END_TEST

/* ---- MSRs ---- */

static void set_msr_regs(uint32_t msr, uint64_t v)
{
	cpu.regs[R_RCX] = msr;
	cpu.regs[R_RAX] = (uint32_t)v;
	cpu.regs[R_RDX] = v >> 32;
}

#define WRMSR "\x0f\x30\xf4"
#define RDMSR "\x0f\x32\xf4"

START_TEST(efer_lme_locked_while_paging)
{
	long_mode();
	set_msr_regs(MSR_EFER, cpu.efer & ~EFER_LME);
	RUN(WRMSR);
	expect_gp();
	set_msr_regs(MSR_EFER, cpu.efer | (1ull << 1));
	RUN(WRMSR);
	expect_gp();
	/* LMA is read-only: writing 0 there changes nothing. */
	set_msr_regs(MSR_EFER, cpu.efer & ~(EFER_LMA | EFER_SCE));
	RUN(WRMSR);
	expect_none();
	ck_assert(cpu.efer & EFER_LMA);
	ck_assert(!(cpu.efer & EFER_SCE));
}
END_TEST

START_TEST(unknown_msr)
{
	long_mode();
	set_msr_regs(0x12345, 0);
	RUN(RDMSR);
	expect_gp();
	RUN(WRMSR);
	expect_gp();
}
END_TEST

START_TEST(fs_base_canonical)
{
	long_mode();
	set_msr_regs(MSR_FS_BASE, 0x0000800000000000ull);
	RUN(WRMSR);
	expect_gp();
	set_msr_regs(MSR_FS_BASE, 0xffff800000001000ull);
	RUN(WRMSR);
	expect_none();
	ck_assert_uint_eq(cpu.seg[SEG_FS].base, 0xffff800000001000ull);
	set_msr_regs(MSR_FS_BASE, 0);
	RUN(RDMSR);
	expect_none();
	ck_assert_uint_eq(cpu.regs[R_RDX], 0xffff8000u);
	ck_assert_uint_eq(cpu.regs[R_RAX], 0x1000u);
}
END_TEST

START_TEST(pat_memory_types)
{
	long_mode();
	set_msr_regs(MSR_PAT, 0x0007040600070402ull); /* type 2 undefined */
	RUN(WRMSR);
	expect_gp();
	set_msr_regs(MSR_PAT, 0x0007040600070406ull | (0x10ull << 8));
	RUN(WRMSR);
	expect_gp();
	set_msr_regs(MSR_PAT, 0x0001050607040600ull);
	RUN(WRMSR);
	expect_none();
	ck_assert_uint_eq(cpu.pat, 0x0001050607040600ull);
}
END_TEST

START_TEST(tsc_write_and_rdtscp)
{
	long_mode();
	set_msr_regs(MSR_TSC, 1000000000ull);
	RUN("\x0f\x30\x0f\x31\xf4"); /* wrmsr; rdtsc */
	expect_none();
	uint64_t t = cpu.regs[R_RAX] | cpu.regs[R_RDX] << 32;
	ck_assert(t >= 1000000000ull && t < 1000000010ull);
	set_msr_regs(MSR_TSC_AUX, 42);
	RUN("\x0f\x30\x0f\x01\xf9\xf4"); /* wrmsr; rdtscp */
	expect_none();
	ck_assert_uint_eq(cpu.regs[R_RCX], 42);
}
END_TEST

START_TEST(rdtsc_tsd_at_cpl3)
{
	long_mode();
	cpu.cr4 |= CR4_TSD;
	user();
	RUN("\x0f\x31\x0f\x0b"); /* rdtsc; ud2 */
	expect_gp();
	cpu.cr4 &= ~CR4_TSD;
	user();
	RUN("\x0f\x31\x0f\x0b");
	ck_assert_int_eq(vec, EXC_UD);
	ck_assert_uint_eq(at, code + 2);
}
END_TEST

START_TEST(msr_at_cpl3)
{
	long_mode();
	user();
	set_msr_regs(MSR_EFER, 0);
	RUN("\x0f\x32\x0f\x0b");
	expect_gp();
}
END_TEST

START_TEST(swapgs)
{
	long_mode();
	cpu.seg[SEG_GS].base = 1;
	cpu.kernel_gs_base = 2;
	RUN("\x0f\x01\xf8\xf4");
	expect_none();
	ck_assert_uint_eq(cpu.seg[SEG_GS].base, 2);
	ck_assert_uint_eq(cpu.kernel_gs_base, 1);
	user();
	RUN("\x0f\x01\xf8\x0f\x0b");
	expect_gp();
}
END_TEST

/* ---- port I/O ---- */

START_TEST(io_bitmap_at_cpl3)
{
	long_mode();
	user();
	RUN("\xe4\x80\x0f\x0b"); /* in al, 0x80; ud2 */
	ck_assert_int_eq(vec, EXC_UD);
	ck_assert_uint_eq(at, code + 2);
	ck_assert_uint_eq(cpu.regs[R_RAX] & 0xff, 0x5a);
	user();
	RUN("\xe4\x81\x0f\x0b"); /* port 0x81 not in the bitmap */
	expect_gp();
	user();
	RUN("\x66\xe5\x7f\x0f\x0b"); /* in ax, 0x7f: 0x7f denied */
	expect_gp();
	user();
	cpu.rflags |= FL_IOPL; /* CPL <= IOPL: no bitmap */
	RUN("\xe4\x81\x0f\x0b");
	ck_assert_int_eq(vec, EXC_UD);
}
END_TEST

START_TEST(io_bitmap_outside_tss_limit)
{
	long_mode();
	user();
	cpu.tr.limit = IOMAP_OFF + 0x80 / 8; /* second byte beyond limit */
	RUN("\xe4\x80\x0f\x0b");
	expect_gp();
}
END_TEST

START_TEST(out_stops_the_run)
{
	long_mode();
	RUN("\xb0\x01\xe6\xf4\xf4"); /* mov al, 1; out 0xf4, al; hlt */
	ck_assert_int_eq(stop_reason, CPU_STOP_BUS);
	ck_assert_uint_eq(cpu.rip, CODE + 4);
	ck_assert_int_eq(bus.exit_status, 3);
}
END_TEST

START_TEST(rep_insb_and_outsw)
{
	long_mode();
	cpu.regs[R_RCX] = 5;
	cpu.regs[R_RDI] = DATA;
	cpu.regs[R_RDX] = 0x80;
	RUN("\xf3\x6c\xf4"); /* rep insb */
	expect_none();
	ck_assert_uint_eq(cpu.regs[R_RCX], 0);
	ck_assert_uint_eq(cpu.regs[R_RDI], DATA + 5);
	ck_assert_uint_eq(get(DATA, 8), 0x5e5d5c5b5aull);

	/* EFLAGS.DF = 1: rep outsw from DATA+2 downwards, two words. */
	cpu.regs[R_RCX] = 2;
	cpu.regs[R_RSI] = DATA + 2;
	cpu.rflags |= FL_DF;
	RUN("\xf3\x66\x6f\xf4");
	expect_none();
	ck_assert_int_eq(nwritten, 2);
	ck_assert_uint_eq(written[0], 0x5d5c);
	ck_assert_uint_eq(written[1], 0x5b5a);
	ck_assert_uint_eq(cpu.regs[R_RSI], DATA - 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cr");
	TCase *cr = tcase_create("cr");
	TCase *msr = tcase_create("msr");
	TCase *io = tcase_create("io");
	tcase_add_checked_fixture(cr, setup, teardown);
	tcase_add_checked_fixture(msr, setup, teardown);
	tcase_add_checked_fixture(io, setup, teardown);
	tcase_add_test(cr, cr0_reserved_high_bits);
	tcase_add_test(cr, cr0_reserved_low_bits_ignored);
	tcase_add_test(cr, cr0_nw_without_cd);
	tcase_add_test(cr, cr0_clear_pg_in_64bit_mode);
	tcase_add_test(cr, cr0_pg_without_pe);
	tcase_add_test(cr, long_mode_needs_pae);
	tcase_add_test(cr, long_mode_activation);
	tcase_add_test(cr, leave_long_mode_from_compat);
	tcase_add_test(cr, cr4_reserved_and_unadvertised_bits);
	tcase_add_test(cr, cr4_mmu_features);
	tcase_add_test(cr, cr4_clear_pae_in_long_mode);
	tcase_add_test(cr, cr4_valid_bits);
	tcase_add_test(cr, cr3_reserved_bits);
	tcase_add_test(cr, cr8_reserved_bits);
	tcase_add_test(cr, cr1_is_ud);
	tcase_add_test(cr, mov_cr_at_cpl3);
	tcase_add_test(cr, clts_smsw_lmsw);
	tcase_add_test(cr, dr4_aliases_dr6_unless_de);
	tcase_add_test(cr, dr7_high_bits);
	tcase_add_test(msr, efer_lme_locked_while_paging);
	tcase_add_test(msr, unknown_msr);
	tcase_add_test(msr, fs_base_canonical);
	tcase_add_test(msr, pat_memory_types);
	tcase_add_test(msr, tsc_write_and_rdtscp);
	tcase_add_test(msr, rdtsc_tsd_at_cpl3);
	tcase_add_test(msr, msr_at_cpl3);
	tcase_add_test(msr, swapgs);
	tcase_add_test(io, io_bitmap_at_cpl3);
	tcase_add_test(io, io_bitmap_outside_tss_limit);
	tcase_add_test(io, out_stops_the_run);
	tcase_add_test(io, rep_insb_and_outsw);
	suite_add_tcase(s, cr);
	suite_add_tcase(s, msr);
	suite_add_tcase(s, io);
	return check_run(s);
}
