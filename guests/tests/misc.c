/*
 * misc.c — cheap sanity checks of integer instructions a kernel leans on:
 * BSWAP, XADD, CMPXCHG/CMPXCHG8B/CMPXCHG16B (with LOCK), MUL/IMUL/DIV with
 * 128-bit halves, ADC/SBB chains, BT* with a large bit offset, BSF/BSR,
 * NEG, rotates, 32-bit address wrap in LEA, RFLAGS.ID, and RDTSC
 * monotonicity.  Only flags the SDM defines for each instruction are
 * checked.
 */
#include "guest.h"

#define FLAGS_OUT "pushfq\n popq %[fl]\n"

static uint64_t flags;

static void atomics(void)
{
	uint64_t m = 5, r = 3, a;
	uint32_t cpu[4];

	/* SDM XADD: TEMP <- SRC + DEST; SRC <- DEST; DEST <- TEMP; flags as ADD. */
	__asm__ volatile("lock xaddq %[r], %[m]\n" FLAGS_OUT : [r] "+r"(r), [m] "+m"(m), [fl] "=r"(flags) : : "cc");
	CHECK(m == 8 && r == 5, "LOCK XADD: memory 5 + 3 = 8, register gets the old 5");
	uint32_t m32 = 0xFFFFFFFF, r32 = 1;
	__asm__ volatile("xaddl %[r], %[m]\n" FLAGS_OUT : [r] "+r"(r32), [m] "+m"(m32), [fl] "=r"(flags) : : "cc");
	CHECK(m32 == 0 && r32 == 0xFFFFFFFF && (flags & RFLAGS_ZF) && (flags & RFLAGS_CF),
	      "XADD 0xFFFFFFFF + 1 = 0 sets ZF and CF");

	/* SDM CMPXCHG: if RAX = DEST then ZF=1, DEST <- SRC else ZF=0, RAX <- DEST. */
	m = 10;
	a = 10;
	__asm__ volatile("lock cmpxchgq %[s], %[m]\n" FLAGS_OUT
			 : "+a"(a), [m] "+m"(m), [fl] "=r"(flags) : [s] "r"(77ul) : "cc");
	CHECK(m == 77 && a == 10 && (flags & RFLAGS_ZF), "LOCK CMPXCHG with RAX = DEST stores SRC, ZF=1");
	a = 11;
	__asm__ volatile("cmpxchgq %[s], %[m]\n" FLAGS_OUT : "+a"(a), [m] "+m"(m), [fl] "=r"(flags) : [s] "r"(99ul) : "cc");
	CHECK(m == 77 && a == 77 && !(flags & RFLAGS_ZF), "CMPXCHG with RAX != DEST loads RAX, ZF=0");

	/* SDM CMPXCHG8B: if EDX:EAX = m64 then m64 <- ECX:EBX, ZF=1 else EDX:EAX <- m64, ZF=0. */
	uint64_t m64 = 0x1111111122222222ul;
	uint32_t lo = 0x22222222, hi = 0x11111111;
	__asm__ volatile("lock cmpxchg8b %[m]\n" FLAGS_OUT
			 : "+a"(lo), "+d"(hi), [m] "+m"(m64), [fl] "=r"(flags) : "b"(0x44444444), "c"(0x33333333) : "cc");
	CHECK(m64 == 0x3333333344444444ul && (flags & RFLAGS_ZF), "LOCK CMPXCHG8B match stores ECX:EBX");
	lo = hi = 0;
	__asm__ volatile("cmpxchg8b %[m]\n" FLAGS_OUT
			 : "+a"(lo), "+d"(hi), [m] "+m"(m64), [fl] "=r"(flags) : "b"(0), "c"(0) : "cc");
	CHECK(lo == 0x44444444 && hi == 0x33333333 && !(flags & RFLAGS_ZF), "CMPXCHG8B mismatch loads EDX:EAX");

	cpuid(1, 0, cpu);
	if (cpu[2] & (1u << 13)) {
		/* SDM CMPXCHG16B: same with RDX:RAX / RCX:RBX on a 16-byte-aligned m128. */
		static uint64_t m128[2] __attribute__((aligned(16))) = { 1, 2 };
		uint64_t l = 1, h = 2;
		__asm__ volatile("lock cmpxchg16b %[m]\n" FLAGS_OUT
				 : "+a"(l), "+d"(h), [m] "+m"(m128), [fl] "=r"(flags) : "b"(3ul), "c"(4ul) : "cc");
		CHECK(m128[0] == 3 && m128[1] == 4 && (flags & RFLAGS_ZF), "LOCK CMPXCHG16B match stores RCX:RBX");
		l = h = 9;
		__asm__ volatile("cmpxchg16b %[m]\n" FLAGS_OUT
				 : "+a"(l), "+d"(h), [m] "+m"(m128), [fl] "=r"(flags) : "b"(0ul), "c"(0ul) : "cc");
		CHECK(l == 3 && h == 4 && !(flags & RFLAGS_ZF), "CMPXCHG16B mismatch loads RDX:RAX");
	} else {
		test_skip("no CMPXCHG16B", "LOCK CMPXCHG16B match");
		test_skip("no CMPXCHG16B", "CMPXCHG16B mismatch");
	}
}

static void arithmetic(void)
{
	uint64_t a, d, x;
	uint32_t w;

	/* SDM BSWAP: reverses the byte order of a 32- or 64-bit register. */
	w = 0x11223344;
	__asm__("bswapl %0" : "+r"(w));
	CHECK_EQ(w, 0x44332211, "BSWAP r32");
	x = 0x0102030405060708ul;
	__asm__("bswapq %0" : "+r"(x));
	CHECK_EQ(x, 0x0807060504030201ul, "BSWAP r64");

	/* SDM MUL r/m64: RDX:RAX <- RAX * SRC; CF = OF = (RDX != 0). */
	a = 0xFFFFFFFFFFFFFFFFul;
	__asm__("mulq %[s]\n" FLAGS_OUT : "+a"(a), "=d"(d), [fl] "=r"(flags) : [s] "r"(0xFFFFFFFFFFFFFFFFul) : "cc");
	CHECK(a == 1 && d == 0xFFFFFFFFFFFFFFFEul && (flags & RFLAGS_CF) && (flags & RFLAGS_OF),
	      "MUL: (2^64-1)^2 = 0xFFFFFFFFFFFFFFFE_0000000000000001, CF=OF=1");
	/* SDM IMUL r/m64 (one operand): CF = OF = 0 iff RDX:RAX is the sign extension of RAX. */
	a = (uint64_t)-4;
	__asm__("imulq %[s]\n" FLAGS_OUT : "+a"(a), "=d"(d), [fl] "=r"(flags) : [s] "r"(3ul) : "cc");
	CHECK(a == (uint64_t)-12 && d == ~0ul && !(flags & (RFLAGS_CF | RFLAGS_OF)), "IMUL: -4 * 3 = -12, CF=OF=0");
	/* SDM DIV r/m64: RAX <- RDX:RAX / SRC, RDX <- remainder. */
	a = 5;
	d = 3;
	__asm__("divq %[s]" : "+a"(a), "+d"(d) : [s] "r"(0x10ul) : "cc");
	CHECK(a == 0x3000000000000000ul && d == 5, "DIV: 0x3_0000000000000005 / 16 = 0x3000000000000000 rem 5");

	/* ADC/SBB: 128-bit add and subtract through CF. */
	uint64_t lo = 0xFFFFFFFFFFFFFFFFul, hi = 1;
	__asm__("addq $1, %0\n adcq $0, %1" : "+r"(lo), "+r"(hi) : : "cc");
	CHECK(lo == 0 && hi == 2, "ADD/ADC carry into the high half");
	__asm__("subq $1, %0\n sbbq $0, %1" : "+r"(lo), "+r"(hi) : : "cc");
	CHECK(lo == 0xFFFFFFFFFFFFFFFFul && hi == 1, "SUB/SBB borrow from the high half");

	/* SDM NEG: CF = 0 if the source is 0, else 1. */
	x = 0;
	__asm__("negq %0\n" FLAGS_OUT : "+r"(x), [fl] "=r"(flags) : : "cc");
	CHECK(x == 0 && !(flags & RFLAGS_CF), "NEG 0 = 0, CF=0");
	x = 5;
	__asm__("negq %0\n" FLAGS_OUT : "+r"(x), [fl] "=r"(flags) : : "cc");
	CHECK(x == (uint64_t)-5 && (flags & RFLAGS_CF), "NEG 5 = -5, CF=1");

	/* SDM ROL: CF = LSB of the result; for a 1-bit rotate OF = MSB(result) XOR CF. */
	x = 0x8000000000000001ul;
	__asm__("rolq $1, %0\n" FLAGS_OUT : "+r"(x), [fl] "=r"(flags) : : "cc");
	CHECK(x == 3 && (flags & RFLAGS_CF) && (flags & RFLAGS_OF), "ROL 1 of 0x8000000000000001 = 3, CF=1, OF=0^1=1");

	/* SDM BTS with a register bit offset on memory: the offset may exceed the operand size. */
	static uint64_t bits[4];
	__asm__ volatile("btsq %[o], %[m]\n" FLAGS_OUT : [m] "+m"(bits), [fl] "=r"(flags) : [o] "r"(130ul) : "cc");
	CHECK(bits[2] == 4 && bits[0] == 0 && !(flags & RFLAGS_CF), "BTS bit 130 sets bit 2 of the third qword, CF=old=0");
	__asm__ volatile("btrq %[o], %[m]\n" FLAGS_OUT : [m] "+m"(bits), [fl] "=r"(flags) : [o] "r"(130ul) : "cc");
	CHECK(bits[2] == 0 && (flags & RFLAGS_CF), "BTR bit 130 clears it, CF=old=1");

	/* SDM BSF/BSR: index of the lowest/highest set bit, ZF=0; ZF=1 for a zero source. */
	x = 0x0000100000000100ul;
	uint64_t lowb, highb;
	__asm__("bsfq %1, %0" : "=r"(lowb) : "r"(x) : "cc");
	__asm__("bsrq %1, %0" : "=r"(highb) : "r"(x) : "cc");
	CHECK(lowb == 8 && highb == 44, "BSF = 8 and BSR = 44 for 0x0000100000000100");
	x = 0;
	__asm__("bsfq %[x], %[x]\n" FLAGS_OUT : [x] "+r"(x), [fl] "=r"(flags) : : "cc");
	CHECK(flags & RFLAGS_ZF, "BSF of 0 sets ZF");

	/* Address size 32 (67h): the effective address wraps at 4 GiB. */
	__asm__("leal 2(%%eax), %%eax" : "=a"(w) : "a"(0xFFFFFFFFu));
	CHECK_EQ(w, 1, "LEA with 32-bit address size wraps 0xFFFFFFFF + 2 to 1");
	__asm__("leaq 0x10(%%eax), %%rax" : "=a"(x) : "a"(0x1FFFFFFF8ul));
	CHECK_EQ(x, 0x8, "LEA with the 67h prefix truncates the address to 32 bits");
}

static void system(void)
{
	uint64_t f0, f1, t0, t1, prev;
	int mono = 1;

	/* SDM vol. 1 §3.4.3.3: software can toggle RFLAGS.ID iff CPUID exists. */
	__asm__ volatile("pushfq\n popq %0\n movq %0, %%rax\n xorq $0x200000, %%rax\n pushq %%rax\n popfq\n"
			 "pushfq\n popq %1\n pushq %0\n popfq"
			 : "=&r"(f0), "=&r"(f1) : : "rax", "cc");
	CHECK((f0 ^ f1) == 0x200000, "RFLAGS.ID can be toggled (CPUID is present)");

	/* SDM RDTSC: the time-stamp counter increases monotonically. */
	t0 = prev = rdtsc();
	for (int i = 0; i < 1000; i++) {
		uint64_t t = rdtsc();
		if (t < prev)
			mono = 0;
		prev = t;
	}
	t1 = rdtsc();
	CHECK(mono && t1 > t0, "RDTSC never goes backwards and advances over 1000 reads");
}

int kmain(struct multiboot_info *mbi)
{
	printf("# misc: atomics, arithmetic, RFLAGS.ID, RDTSC\n");
	atomics();
	arithmetic();
	system();
	test_done();
}
