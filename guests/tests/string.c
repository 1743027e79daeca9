/*
 * string.c — the string instructions: REP MOVS/STOS in each element size,
 * LODS, CMPS and SCAS with DF = 0 and DF = 1, the REPE/REPNE termination
 * conditions, overlapping moves, RCX = 0, and a REP MOVSB interrupted by a
 * page fault with its registers showing the progress made.
 *
 * SDM rules used throughout (MOVS/STOS/LODS/CMPS/SCAS and REP pages):
 * each iteration handles one element, then RSI/RDI move by the element size,
 * forward when DF = 0 and backward when DF = 1; REP counts RCX down to 0 and
 * does nothing when RCX = 0; REPE/REPZ also stops when ZF = 0 after an
 * iteration, REPNE/REPNZ when ZF = 1; CMPS compares [RSI] - [RDI], SCAS
 * compares AL/AX/EAX/RAX - [RDI].
 */
#include "guest.h"

struct sregs {
	uint64_t rsi, rdi, rcx, rax, flags;
};

/* Runs `pre` then `insn` with RSI, RDI, RCX, RAX given; returns them and RFLAGS after. */
#define STR(pre, insn, S, D, C, A)                                                                   \
	({                                                                                           \
		struct sregs r_ = { (uint64_t)(S), (uint64_t)(D), (uint64_t)(C), (uint64_t)(A), 0 }; \
		__asm__ volatile(pre "\n" insn "\n pushfq\n popq %4\n cld"                           \
				 : "+S"(r_.rsi), "+D"(r_.rdi), "+c"(r_.rcx), "+a"(r_.rax), "=r"(r_.flags) \
				 :                                                                   \
				 : "r8", "memory", "cc");                                            \
		r_;                                                                                  \
	})

static uint8_t src[256], dst[256];

static void fill(uint8_t *p, int n, uint8_t seed)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i * 7);
}

static int all(const uint8_t *p, int n, uint8_t v)
{
	for (int i = 0; i < n; i++)
		if (p[i] != v)
			return 0;
	return 1;
}

#define ZF(r) (((r).flags >> 6) & 1)
#define CF(r) ((r).flags & 1)
#define SF(r) (((r).flags >> 7) & 1)

static void moves(void)
{
	struct sregs r;

	fill(src, 256, 1);
	memset(dst, 0, 256);
	r = STR("cld", "rep movsb", src, dst, 13, 0);
	CHECK(!memcmp(dst, src, 13) && dst[13] == 0 && r.rsi == (uint64_t)src + 13 && r.rdi == (uint64_t)dst + 13 &&
		      r.rcx == 0,
	      "REP MOVSB DF=0: 13 bytes, RSI/RDI += 13, RCX = 0");
	memset(dst, 0, 256);
	r = STR("cld", "rep movsw", src, dst, 5, 0);
	CHECK(!memcmp(dst, src, 10) && dst[10] == 0 && r.rsi == (uint64_t)src + 10 && r.rdi == (uint64_t)dst + 10,
	      "REP MOVSW DF=0: 5 words, RSI/RDI += 10");
	memset(dst, 0, 256);
	r = STR("cld", "rep movsl", src, dst, 3, 0);
	CHECK(!memcmp(dst, src, 12) && dst[12] == 0 && r.rdi == (uint64_t)dst + 12, "REP MOVSD DF=0: 3 dwords");
	memset(dst, 0, 256);
	r = STR("cld", "rep movsq", src, dst, 9, 0);
	CHECK(!memcmp(dst, src, 72) && dst[72] == 0 && r.rsi == (uint64_t)src + 72 && r.rcx == 0,
	      "REP MOVSQ DF=0: 9 qwords");
	memset(dst, 0, 256);
	/* DF = 1: start at the last element, move down. */
	r = STR("std", "rep movsq", src + 64, dst + 64, 4, 0);
	CHECK(!memcmp(dst + 40, src + 40, 32) && all(dst, 40, 0) && all(dst + 72, 8, 0) &&
		      r.rsi == (uint64_t)src + 32 && r.rdi == (uint64_t)dst + 32,
	      "REP MOVSQ DF=1: 4 qwords downward, RSI/RDI -= 32");
	memset(dst, 0, 256);
	r = STR("std", "rep movsb", src + 9, dst + 9, 10, 0);
	CHECK(!memcmp(dst, src, 10) && dst[10] == 0 && r.rsi == (uint64_t)src - 1 && r.rdi == (uint64_t)dst - 1,
	      "REP MOVSB DF=1: 10 bytes downward, RSI/RDI end one below the block");
	r = STR("cld", "movsw", src, dst, 77, 0);
	CHECK(r.rcx == 77 && r.rsi == (uint64_t)src + 2, "MOVSW without REP moves once and leaves RCX");

	/* Overlap: element by element, so a forward copy one byte up replicates. */
	memcpy(dst, "abcdefgh", 8);
	STR("cld", "rep movsb", dst, dst + 1, 7, 0);
	CHECK(!memcmp(dst, "aaaaaaaa", 8), "overlapping REP MOVSB DF=0 to src+1 replicates the first byte");
	memcpy(dst, "abcdefgh", 8);
	STR("std", "rep movsb", dst + 6, dst + 7, 7, 0);
	CHECK(!memcmp(dst, "aabcdefg", 8), "overlapping REP MOVSB DF=1 to src+1 shifts the block up");
	memcpy(dst, "abcdefgh", 8);
	STR("cld", "rep movsb", dst + 1, dst, 7, 0);
	CHECK(!memcmp(dst, "bcdefghh", 8), "overlapping REP MOVSB DF=0 to src-1 shifts the block down");

	/* RCX = 0: no iteration, nothing moves, RSI/RDI unchanged. */
	memset(dst, 0, 16);
	r = STR("cld", "rep movsb", src, dst, 0, 0);
	CHECK(all(dst, 16, 0) && r.rsi == (uint64_t)src && r.rdi == (uint64_t)dst && r.rcx == 0,
	      "REP MOVSB with RCX = 0 does nothing");
}

static void stores_and_loads(void)
{
	struct sregs r;

	memset(dst, 0x55, 64);
	r = STR("cld", "rep stosb", 0, dst + 1, 7, 0xA7);
	CHECK(dst[0] == 0x55 && all(dst + 1, 7, 0xA7) && dst[8] == 0x55 && r.rdi == (uint64_t)dst + 8,
	      "REP STOSB DF=0 stores AL 7 times");
	memset(dst, 0x55, 64);
	r = STR("cld", "rep stosw", 0, dst, 3, 0xBEEF);
	CHECK(dst[0] == 0xEF && dst[1] == 0xBE && dst[4] == 0xEF && dst[6] == 0x55 && r.rdi == (uint64_t)dst + 6,
	      "REP STOSW DF=0 stores AX little-endian");
	memset(dst, 0x55, 64);
	r = STR("std", "rep stosl", 0, dst + 8, 3, 0x01020304);
	CHECK(*(uint32_t *)dst == 0x01020304 && *(uint32_t *)(dst + 8) == 0x01020304 && dst[12] == 0x55 &&
		      r.rdi == (uint64_t)dst - 4,
	      "REP STOSD DF=1 stores EAX downward");
	memset(dst, 0x55, 64);
	r = STR("cld", "rep stosq", 0, dst, 2, 0x1122334455667788ul);
	CHECK(*(uint64_t *)(dst + 8) == 0x1122334455667788ul && dst[16] == 0x55, "REP STOSQ DF=0 stores RAX");

	fill(src, 16, 0x10);
	r = STR("cld", "lodsb", src, 0, 0, 0xFFFFFFFFFFFFFF00ul);
	CHECK(r.rax == (0xFFFFFFFFFFFFFF00ul | src[0]) && r.rsi == (uint64_t)src + 1,
	      "LODSB loads AL only, RSI += 1");
	r = STR("std", "lodsq", src + 8, 0, 0, 0);
	CHECK(r.rax == *(uint64_t *)(src + 8) && r.rsi == (uint64_t)src, "LODSQ DF=1 loads RAX, RSI -= 8");
	r = STR("cld", "rep lodsb", src, 0, 3, 0);
	CHECK((r.rax & 0xFF) == src[2] && r.rsi == (uint64_t)src + 3 && r.rcx == 0, "REP LODSB leaves the last byte in AL");
}

static void compares(void)
{
	struct sregs r;

	memcpy(src, "0123456789", 10);
	memcpy(dst, "01234x6789", 10);
	src[5] = 'a';
	dst[5] = 'b';
	r = STR("cld", "repe cmpsb", src, dst, 10, 0);
	CHECK(r.rcx == 4 && r.rsi == (uint64_t)src + 6 && r.rdi == (uint64_t)dst + 6 && !ZF(r) && CF(r) && SF(r),
	      "REPE CMPSB stops after the first difference: RCX = 4, ZF=0, CF=SF=1 ('a' - 'b')");
	memcpy(dst, src, 10);
	r = STR("cld", "repe cmpsb", src, dst, 10, 0);
	CHECK(r.rcx == 0 && ZF(r) && r.rsi == (uint64_t)src + 10, "REPE CMPSB on equal blocks runs out: RCX = 0, ZF=1");
	memcpy(src, "abcdefghij", 10);
	memcpy(dst, "xyzdefghij", 10);
	r = STR("cld", "repne cmpsb", src, dst, 10, 0);
	CHECK(r.rcx == 6 && ZF(r) && r.rsi == (uint64_t)src + 4, "REPNE CMPSB stops after the first equal byte: RCX = 6");
	*(uint64_t *)src = 5;
	*(uint64_t *)dst = 7;
	r = STR("std", "cmpsq", src, dst, 0, 0);
	CHECK(CF(r) && !ZF(r) && r.rsi == (uint64_t)src - 8 && r.rdi == (uint64_t)dst - 8,
	      "CMPSQ DF=1: 5 - 7 borrows, RSI/RDI -= 8");
	/* RCX = 0: flags are not touched (CMP 1, 2 left CF=1 ZF=0 SF=1). */
	r = STR("movl $1, %%r8d\n cmpl $2, %%r8d", "repe cmpsb", src, dst, 0, 0);
	CHECK(CF(r) && !ZF(r) && SF(r) && r.rsi == (uint64_t)src && r.rcx == 0, "REPE CMPSB with RCX = 0 leaves the flags");

	memcpy(dst, "hello, world", 12);
	r = STR("cld", "repne scasb", 0, dst, 12, 'o');
	CHECK(r.rcx == 7 && ZF(r) && r.rdi == (uint64_t)dst + 5, "REPNE SCASB finds 'o' at index 4: RCX = 7, RDI past it");
	r = STR("cld", "repne scasb", 0, dst, 12, 'z');
	CHECK(r.rcx == 0 && !ZF(r) && r.rdi == (uint64_t)dst + 12, "REPNE SCASB without a match: RCX = 0, ZF=0");
	r = STR("std", "repne scasb", 0, dst + 11, 12, 'o');
	CHECK(r.rcx == 8 && ZF(r) && r.rdi == (uint64_t)dst + 7,
	      "REPNE SCASB DF=1 finds the last 'o' at index 8 after 4 bytes: RCX = 8, RDI = index 7");
	r = STR("cld", "repe scasb", 0, "aaab", 4, 'a');
	CHECK(r.rcx == 0 && !ZF(r), "REPE SCASB stops at the first non-match: the 4th byte, RCX = 0, ZF=0");
	memcpy(dst, "\x34\x12\x78\x56", 4);
	r = STR("cld", "repe scasw", 0, dst, 2, 0x1234);
	CHECK(r.rcx == 0 && !ZF(r) && r.rdi == (uint64_t)dst + 4, "REPE SCASW compares AX with words");
}

/* A fault stops REP MOVSB at an iteration boundary with the state for a restart. */
static void interrupted(void)
{
	uint64_t page = 0x600000, *pte = pte_split(page);
	uint8_t *d = (uint8_t *)(page - 16);
	extern char rep_movsb_insn[];
	uint64_t s = (uint64_t)src, dd = (uint64_t)d, c = 32;

	fill(src, 32, 3);
	memset(d, 0, 16);
	*pte &= ~PTE_P;
	invlpg(page);
	if (trap_catch() == 0)
		__asm__ volatile("cld\n rep_movsb_insn: rep movsb" : "+S"(s), "+D"(dd), "+c"(c) : : "memory");
	/*
	 * The 17th byte is the first in the not-present page: 16 iterations
	 * completed, the fault is reported on the REP MOVSB with RCX = 16 and
	 * RSI/RDI advanced by 16 (SDM REP: "the state of the registers is
	 * preserved to allow the string operation to be resumed").
	 */
	CHECK(trap_last.f.vector == 14 && trap_last.f.error == 0x2 && trap_last.cr2 == page &&
		      trap_last.f.rip == (uint64_t)rep_movsb_insn,
	      "#PF (error 0x2, CR2 = page) in the middle of REP MOVSB, RIP = the instruction");
	CHECK(trap_last.f.rcx == 16 && trap_last.f.rsi == (uint64_t)src + 16 && trap_last.f.rdi == page &&
		      !memcmp(d, src, 16),
	      "REP MOVSB interrupted after 16 bytes: RCX = 16, RSI/RDI += 16");
	if (trap_last.f.rcx != 16)
		test_diag("got RCX %lu RSI %#lx RDI %#lx", trap_last.f.rcx, trap_last.f.rsi, trap_last.f.rdi);
	*pte |= PTE_P;
	invlpg(page);
}

int kmain(struct multiboot_info *mbi)
{
	printf("# string: MOVS STOS LODS CMPS SCAS, REP/REPE/REPNE, DF\n");
	moves();
	stores_and_loads();
	compares();
	interrupted();
	test_done();
}
