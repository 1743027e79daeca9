/*
 * tests/difftest/difftest.c — differential test of mmulab's integer
 * instructions against the host CPU.
 *
 * For every form (forms.c, forms_misc.c) it builds random cases and runs
 * each twice: natively, in an executable page at DT_CODE whose prologue
 * loads all 16 GPRs and RFLAGS from a struct and whose epilogue stores them
 * back, with memory operands in a buffer mapped at DT_DATA; and in mmulab,
 * a bus with RAM and a CPU in 64-bit mode whose identity page tables map
 * the same addresses, the instruction followed by HLT.  GPRs, the data
 * buffer and the flags the SDM defines must be equal.  DIV/IDIV cases may
 * raise #DE: then both must (SIGFPE natively, vector 0 in mmulab).
 *
 *   difftest [--seed S] [--cases N] [--form SUBSTRING]
 *
 * N is the total number of cases (default 1 000 000), spread over forms.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "cpu/x86/cpu.h"
#include "tests/difftest/difftest.h"

/* ---- the host side ---- */

static struct {
	uint64_t regs[16];
	uint64_t rflags;
} host_st;
static uint64_t host_rsp;
static sigjmp_buf host_jb;
static uint8_t *code;
static uint8_t epilogue[160];
static size_t epi_len;

static size_t put(uint8_t *p, size_t n, const char *hex)
{
	unsigned v;
	while (*hex) {
		if (*hex == ' ') {
			hex++;
			continue;
		}
		sscanf(hex, "%2x", &v);
		p[n++] = (uint8_t)v;
		hex += 2;
	}
	return n;
}

static size_t put64(uint8_t *p, size_t n, uint64_t v)
{
	memcpy(p + n, &v, 8);
	return n + 8;
}

/* mov r, [rax+8*r] / mov [rax+8*r], r (r = 1..15) */
static size_t regmove(uint8_t *p, size_t n, int r, int store)
{
	p[n++] = r >= 8 ? 0x4c : 0x48;
	p[n++] = store ? 0x89 : 0x8b;
	p[n++] = 0x40 | (r & 7) << 3;
	p[n++] = (uint8_t)(8 * r);
	return n;
}

static void build_host_code(void)
{
	size_t n = 0;
	uint8_t *p = code;
	n = put(p, n, "53 55 41 54 41 55 41 56 41 57"); /* push rbx..r15 */
	n = put(p, n, "48 89 e0 48 a3");                 /* mov [host_rsp], rsp */
	n = put64(p, n, (uint64_t)(uintptr_t)&host_rsp);
	n = put(p, n, "48 b8");                          /* mov rax, &host_st */
	n = put64(p, n, (uint64_t)(uintptr_t)&host_st);
	n = put(p, n, "ff b0 80 00 00 00 9d");            /* push [rax+128]; popf */
	for (int r = 1; r < 16; r++)
		n = regmove(p, n, r, 0);
	n = put(p, n, "48 8b 00");                       /* mov rax, [rax] */
	while (n < DT_INSN - DT_CODE)
		p[n++] = 0x90;
	/* Epilogue, copied after each instruction. */
	n = 0;
	p = epilogue;
	n = put(p, n, "48 a3");                          /* mov [st.rax], rax */
	n = put64(p, n, (uint64_t)(uintptr_t)&host_st.regs[0]);
	n = put(p, n, "48 b8");
	n = put64(p, n, (uint64_t)(uintptr_t)&host_st);
	for (int r = 1; r < 16; r++)
		n = regmove(p, n, r, 1);
	n = put(p, n, "48 a1");                          /* mov rax, [host_rsp] */
	n = put64(p, n, (uint64_t)(uintptr_t)&host_rsp);
	n = put(p, n, "48 89 c4 9c 59 fc 48 b8");        /* mov rsp, rax; pushf;
							    pop rcx; cld; mov rax, */
	n = put64(p, n, (uint64_t)(uintptr_t)&host_st);
	n = put(p, n, "48 89 88 80 00 00 00");            /* mov [rax+128], rcx */
	n = put(p, n, "41 5f 41 5e 41 5d 41 5c 5d 5b c3");
	epi_len = n;
}

static void on_signal(int sig)
{
	siglongjmp(host_jb, sig);
}

static void host_init(void)
{
	void *d = mmap((void *)DT_DATA, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	void *c = mmap((void *)DT_CODE, 4096,
		       PROT_READ | PROT_WRITE | PROT_EXEC,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (d != (void *)DT_DATA || c != (void *)DT_CODE) {
		printf("SKIP difftest: cannot map the fixed test pages\n");
		exit(0);
	}
	code = c;
	build_host_code();
	static uint8_t alt[65536];
	stack_t ss = {.ss_sp = alt, .ss_size = sizeof alt};
	sigaltstack(&ss, NULL);
	struct sigaction sa = {.sa_handler = on_signal,
			       .sa_flags = SA_ONSTACK | SA_NODEFER};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGFPE, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGILL, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGTRAP, &sa, NULL);
}

/* Run natively.  Returns 0, or the signal number. */
static int host_run(const struct dt_case *k, struct dt_state *out)
{
	memcpy((void *)DT_DATA, k->in.mem, DT_DATA_SIZE);
	memcpy(code + (DT_INSN - DT_CODE), k->bytes, k->len);
	memcpy(code + (DT_INSN - DT_CODE) + k->len, epilogue, epi_len);
	memcpy(host_st.regs, k->in.regs, sizeof host_st.regs);
	host_st.rflags = k->in.rflags;
	int sig = sigsetjmp(host_jb, 1);
	if (!sig)
		((void (*)(void))(uintptr_t)DT_CODE)();
	memcpy(out->regs, host_st.regs, sizeof out->regs);
	out->rflags = host_st.rflags;
	memcpy(out->mem, (void *)DT_DATA, DT_DATA_SIZE);
	return sig;
}

/* ---- the mmulab side ---- */

#define G_PML4 0x1000
#define G_PDPT 0x2000
#define G_PD 0x3000
#define G_GDT 0x4000
#define G_IDT 0x5000
#define G_STUBS 0x6000
#define G_RAM (DT_CODE + 0x100000)

static struct bus bus;
static struct cpu cpu;

static void w64(uint64_t pa, uint64_t v)
{
	memcpy(bus.ram + pa, &v, 8);
}

static void guest_init(void)
{
	if (bus_init(&bus, G_RAM) || cpu_init(&cpu, &bus, 0)) {
		printf("FAIL difftest: cannot create the machine\n");
		exit(0);
	}
	w64(G_PML4, G_PDPT | 3);
	w64(G_PDPT, G_PD | 3);
	for (uint64_t j = 0; j < 512; j++) /* 1 GiB in 2 MiB pages */
		w64(G_PD + 8 * j, j << 21 | 0xe3);
	w64(G_GDT + 8, 0x00af9a000000ffffull);
	w64(G_GDT + 16, 0x00cf92000000ffffull);
	for (uint64_t v = 0; v < 32; v++) {
		uint64_t h = G_STUBS + 16 * v;
		w64(G_IDT + 16 * v, (h & 0xffff) | 0x08ull << 16 |
					    0x8e00ull << 32 | (h >> 16) << 48);
		bus.ram[h] = 0xf4;
	}
	cpu_enter_long_flat(&cpu, G_PML4);
	cpu.gdtr.base = G_GDT;
	cpu.gdtr.limit = 23;
	cpu.idtr.base = G_IDT;
	cpu.idtr.limit = 32 * 16 - 1;
}

/* Run in mmulab.  Returns -1 when it ended on the HLT after the snippet,
 * the exception vector when it ended in a handler stub, or -2. */
static int guest_run(const struct dt_case *k, struct dt_state *out)
{
	memcpy(bus.ram + DT_DATA, k->in.mem, DT_DATA_SIZE);
	memcpy(bus.ram + DT_INSN, k->bytes, k->len);
	bus.ram[DT_INSN + k->len] = 0xf4;
	bus_note_write(&bus, DT_INSN >> 12);
	memcpy(cpu.regs, k->in.regs, sizeof cpu.regs);
	x86_set_rflags(&cpu, k->in.rflags);
	cpu.rip = DT_INSN;
	cpu.halted = 0;
	int rc = cpu_run(&cpu, 64);
	if (rc == CPU_STOP_YIELD) /* PAUSE gave up the turn: go on */
		rc = cpu_run(&cpu, 64);
	memcpy(out->regs, cpu.regs, sizeof out->regs);
	out->rflags = x86_get_rflags(&cpu);
	memcpy(out->mem, bus.ram + DT_DATA, DT_DATA_SIZE);
	if (rc != CPU_STOP_HALT)
		return -2;
	if (cpu.rip == DT_INSN + k->len + 1)
		return -1;
	if (cpu.rip > G_STUBS && cpu.rip <= G_STUBS + 32 * 16)
		return (int)((cpu.rip - 1 - G_STUBS) / 16);
	return -2;
}

/* ---- comparing ---- */

static const char *const rname[16] = {
	"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"};

static void print_case(const struct dt_case *k)
{
	printf("    bytes:");
	for (int j = 0; j < k->len; j++)
		printf(" %02x", k->bytes[j]);
	printf("\n    in:");
	for (int r = 0; r < 16; r++)
		printf(" %s=%llx", rname[r], (unsigned long long)k->in.regs[r]);
	printf(" rflags=%llx\n", (unsigned long long)k->in.rflags);
}

/* Compare; returns 0 or prints the first mismatch (when `say`). */
static int compare(const char *form, uint64_t seed, long idx,
		   const struct dt_case *k, const struct dt_state *e,
		   const struct dt_state *g, int say)
{
	char what[256] = "";
	for (int r = 0; r < 16 && !what[0]; r++)
		if (r != k->skip_reg && e->regs[r] != g->regs[r])
			snprintf(what, sizeof what, "%s expected %llx got %llx",
				 rname[r], (unsigned long long)e->regs[r],
				 (unsigned long long)g->regs[r]);
	uint64_t fm = (ARITH | DF) & ~k->undef;
	if (!what[0] && (e->rflags & fm) != (g->rflags & fm))
		snprintf(what, sizeof what,
			 "rflags expected %llx got %llx (compared %llx)",
			 (unsigned long long)(e->rflags & fm),
			 (unsigned long long)(g->rflags & fm),
			 (unsigned long long)fm);
	for (int j = 0; j < DT_DATA_SIZE && !what[0]; j++)
		if (e->mem[j] != g->mem[j])
			snprintf(what, sizeof what,
				 "memory %llx expected %02x got %02x",
				 (unsigned long long)(DT_DATA + j), e->mem[j],
				 g->mem[j]);
	if (!what[0])
		return 0;
	if (say) {
		printf("FAIL difftest %s: first mismatch (seed %llu, case %ld): %s\n",
		       form, (unsigned long long)seed, idx, what);
		print_case(k);
	}
	return 1;
}

int main(int argc, char **argv)
{
	uint64_t seed = 20240601;
	long total = 1000000;
	const char *only = NULL;
	for (int a = 1; a < argc; a++) {
		if (!strcmp(argv[a], "--seed") && a + 1 < argc)
			seed = strtoull(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--cases") && a + 1 < argc)
			total = strtol(argv[++a], NULL, 0);
		else if (!strcmp(argv[a], "--form") && a + 1 < argc)
			only = argv[++a];
		else {
			fprintf(stderr, "usage: difftest [--seed S] [--cases N] "
					"[--form SUBSTRING]\n");
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	host_init();
	guest_init();
	int nf;
	const struct dt_form *forms = dt_forms(&nf);
	int selected = 0;
	for (int f = 0; f < nf; f++)
		selected += !only || strstr(forms[f].name, only);
	long per = selected ? (total + selected - 1) / selected : 0;
	printf("difftest: seed %llu, %d forms, %ld cases each\n",
	       (unsigned long long)seed, selected, per);

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	long run = 0, bad = 0;
	struct dt_case k;
	struct dt_state e, g;
	for (int f = 0; f < nf; f++) {
		const struct dt_form *F = &forms[f];
		if (only && !strstr(F->name, only))
			continue;
		char name[96];
		snprintf(name, sizeof name, "%s/%d/%s", F->name, F->size * 8,
			 F->mem ? "mem" : "reg");
		dt_seed(seed * 0x9e3779b97f4a7c15ull + (uint64_t)f);
		long fails = 0;
		for (long n = 0; n < per; n++) {
			F->gen(F, &k);
			int sig = host_run(&k, &e);
			int vec = guest_run(&k, &g);
			run++;
			int ok;
			if (sig || vec != -1) {
				ok = k.may_de && sig == SIGFPE && vec == EXC_DE;
				if (!ok && !fails)
					printf("FAIL difftest %s: first mismatch "
					       "(seed %llu, case %ld): host signal %d, "
					       "mmulab %s %d\n",
					       name, (unsigned long long)seed, n, sig,
					       vec == -2 ? "stopped" : "vector", vec);
				if (!ok && !fails)
					print_case(&k);
				fails += !ok;
				continue;
			}
			fails += compare(name, seed, n, &k, &e, &g, !fails);
		}
		bad += fails;
		if (!fails)
			printf("PASS difftest %s %ld cases\n", name, per);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) +
		      (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("difftest: %ld cases, %ld mismatches, %.2f s\n", run, bad, secs);
	return 0;
}
