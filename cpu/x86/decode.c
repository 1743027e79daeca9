/*
 * cpu/x86/decode.c — the x86 instruction decoder: bytes in, struct insn out.
 *
 * x86_decode() is a pure function of the bytes and the code size.  It reads
 * legacy prefixes and REX (SDM vol. 2 §2.1-2.2), the opcode (one-byte, 0F,
 * 0F 38, 0F 3A maps), ModRM, SIB and displacement (§2.1.5, tables 2-1 to
 * 2-3 and the 16-bit forms), then picks the one line of opcodes.def that
 * matches and reads the immediates that line asks for.  Operand and address
 * sizes follow SDM vol. 1 §3.6 and tables 3-3/3-4; 64-bit-mode defaults
 * follow vol. 2 §2.2.1.7.  The table is indexed by (map, opcode) once.
 */
#include <string.h>

#include "cpu/x86/handlers.h"

const struct x86_opcode x86_opcodes[] = {
#define X(map, op, pfx, reg, mod, rm, flags, fn)                               \
	{map, op, pfx, reg, mod, rm, flags, fn, #fn},
#include "cpu/x86/opcodes.def"
#undef X
};
const int x86_nopcodes = sizeof x86_opcodes / sizeof x86_opcodes[0];

#define MAX_LEN 15
#define NOREG 0xff

/* Table index: entries of (map, opcode) are order[first .. first+count). */
static uint16_t idx_first[4][256];
static uint8_t idx_count[4][256];
static uint16_t order[sizeof x86_opcodes / sizeof x86_opcodes[0]];
static int idx_ready;

static void build_index(void)
{
	int n = 0;
	for (int m = 0; m < 4; m++)
		for (int op = 0; op < 256; op++) {
			idx_first[m][op] = n;
			for (int e = 0; e < x86_nopcodes; e++)
				if (x86_opcodes[e].map == m &&
				    x86_opcodes[e].opcode == op)
					order[n++] = e;
			idx_count[m][op] = n - idx_first[m][op];
		}
	idx_ready = 1;
}

/* Rank of a line's prefix class given the prefixes seen; -1: no match. */
static int prefix_rank(int cls, int rep, int p66)
{
	switch (cls) {
	case P_ANY: return 0;
	case P_NONE: return rep ? -1 : 1;
	case P_66: return !rep && p66 ? 2 : -1;
	case P_F3: return rep == 0xf3 ? 3 : -1;
	case P_F2: return rep == 0xf2 ? 3 : -1;
	}
	return -1;
}

/* The best line for the opcode and ModRM fields, or -1. */
static int select_entry(int map, int op, int mode64, int rep, int p66,
			int mod, int reg, int rm)
{
	int best = -1, best_rank = -1;
	for (int k = 0; k < idx_count[map][op]; k++) {
		int e = order[idx_first[map][op] + k];
		const struct x86_opcode *t = &x86_opcodes[e];
		if ((t->flags & D_I64) && mode64)
			continue;
		if ((t->flags & D_O64) && !mode64)
			continue;
		if (t->reg != RA && t->reg != reg)
			continue;
		int m = (t->flags & D_CR) ? 3 : mod;
		if ((t->mod == M_MEM && m == 3) || (t->mod == M_REG && m != 3))
			continue;
		if (t->rm != RA && t->rm != rm)
			continue;
		int r = prefix_rank(t->prefix, rep, p66);
		if (r > best_rank) {
			best = e;
			best_rank = r;
		}
	}
	return best;
}

/* Little-endian immediate of `size` bytes at p. */
static uint64_t le(const uint8_t *p, int size)
{
	uint64_t v = 0;
	for (int k = size - 1; k >= 0; k--)
		v = v << 8 | p[k];
	return v;
}

static int64_t sext(uint64_t v, int size)
{
	int sh = 64 - 8 * size;
	return (int64_t)(v << sh) >> sh;
}

/* 16-bit ModRM forms (SDM vol. 2 table 2-1): base and index per rm. */
static const uint8_t base16[8] = {R_RBX, R_RBX, R_RBP, R_RBP,
				  NOREG, NOREG, R_RBP, R_RBX};
static const uint8_t index16[8] = {R_RSI, R_RDI, R_RSI, R_RDI,
				   R_RSI, R_RDI, NOREG, NOREG};

/*
 * Make sure `k` more bytes from position n exist.  Past 15 bytes the
 * instruction is invalid (#UD); past `avail` the caller must fetch more.
 */
#define NEED(k)                                                                \
	do {                                                                   \
		if (n + (k) > MAX_LEN) {                                       \
			out->len = MAX_LEN;                                    \
			return -1;                                             \
		}                                                              \
		if (n + (k) > avail)                                           \
			return 0;                                              \
	} while (0)

/* See x86.h. */
int x86_decode(const uint8_t *b, int avail, int code_bits, struct insn *out)
{
	int n = 0, p66 = 0, p67 = 0, rep = 0, lock = 0, rex = 0;
	int sego = SEG_NONE, mode64 = code_bits == 64;
	uint8_t byte;

	if (!idx_ready)
		build_index();
	memset(out, 0, sizeof *out);
	out->base = out->index = NOREG;

	/* Legacy prefixes, any order; REX counts only right before the
	 * opcode (a legacy prefix after it cancels it). */
	for (;;) {
		NEED(1);
		byte = b[n];
		if (mode64 && (byte & 0xf0) == 0x40) {
			rex = byte;
			n++;
			continue;
		}
		switch (byte) {
		case 0x66: p66 = 1; break;
		case 0x67: p67 = 1; break;
		case 0xf2: case 0xf3: rep = byte; break;
		case 0xf0: lock = 1; break;
		case 0x26: sego = SEG_ES; break;
		case 0x2e: sego = SEG_CS; break;
		case 0x36: sego = SEG_SS; break;
		case 0x3e: sego = SEG_DS; break;
		case 0x64: sego = SEG_FS; break;
		case 0x65: sego = SEG_GS; break;
		default: goto opcode;
		}
		rex = 0;
		n++;
	}
opcode:;
	int map = 0;
	n++;
	if (byte == 0x0f) {
		NEED(1);
		byte = b[n++];
		map = 1;
		if (byte == 0x38 || byte == 0x3a) {
			map = byte == 0x38 ? 2 : 3;
			NEED(1);
			byte = b[n++];
		}
	}
	out->map = map;
	out->opcode = byte;
	out->rex = rex;
	out->rep = rep;
	out->lock = lock;
	out->opsize_prefix = p66;

	int cnt = idx_count[map][byte];
	if (!cnt) {
		out->len = n;
		return -1;
	}
	int has_modrm = x86_opcodes[order[idx_first[map][byte]]].flags & D_MODRM;
	int mod = 3, reg = 0, rm = byte & 7;
	if (has_modrm) {
		NEED(1);
		uint8_t m = b[n++];
		mod = m >> 6;
		reg = (m >> 3) & 7;
		rm = m & 7;
	}
	int e = select_entry(map, byte, mode64, rep, p66, mod, reg, rm);
	if (e < 0) {
		out->len = n;
		return -1;
	}
	const struct x86_opcode *t = &x86_opcodes[e];
	uint32_t fl = t->flags;
	out->fn = t->fn;
	out->entry = e;

	/* Operand and address size (SDM vol. 1 tables 3-3, 3-4). */
	int w = rex & 8, os, as;
	if (mode64) {
		os = w ? 8 : p66 ? 2 : 4;
		if ((fl & D_F64) || ((fl & D_D64) && !p66))
			os = 8;
		as = p67 ? 4 : 8;
	} else if (code_bits == 32) {
		os = p66 ? 2 : 4;
		as = p67 ? 2 : 4;
	} else {
		os = p66 ? 4 : 2;
		as = p67 ? 4 : 2;
	}
	if (fl & D_CR)
		os = mode64 ? 8 : 4;
	out->addrsize = as;

	/* Segment: FS/GS overrides always count; in 64-bit mode the others
	 * are ignored (SDM vol. 1 §3.3.7.1). */
	int seg_default = SEG_DS;
	if (has_modrm) {
		out->mod = mod;
		out->reg = reg | (rex & 4) << 1;
		if (mod == 3 || (fl & D_CR)) {
			out->mod = 3;
			out->rm = rm | (rex & 1) << 3;
		} else if (as == 2) {
			out->base = base16[rm];
			out->index = index16[rm];
			if (mod == 0 && rm == 6) {
				out->base = NOREG;
				NEED(2);
				out->disp = sext(le(b + n, 2), 2);
				n += 2;
			}
			if (out->base == R_RBP)
				seg_default = SEG_SS;
		} else {
			int basel = rm;
			if (rm == 4) {
				NEED(1);
				uint8_t sib = b[n++];
				out->scale = sib >> 6;
				int ix = ((sib >> 3) & 7) | (rex & 2) << 2;
				out->index = ix == 4 ? NOREG : ix;
				basel = sib & 7;
				out->base = basel | (rex & 1) << 3;
				if (basel == 5 && mod == 0)
					out->base = NOREG;
			} else if (rm == 5 && mod == 0) {
				out->rip_rel = mode64;
			} else {
				out->base = rm | (rex & 1) << 3;
			}
			if (mod == 0 && basel == 5) {
				NEED(4);
				out->disp = sext(le(b + n, 4), 4);
				n += 4;
			}
			if (out->base == R_RSP || out->base == R_RBP)
				seg_default = SEG_SS;
		}
		if (mod == 1 && !(fl & D_CR)) {
			NEED(1);
			out->disp = (int8_t)b[n++];
		} else if (mod == 2 && !(fl & D_CR)) {
			int ds = as == 2 ? 2 : 4;
			NEED(ds);
			out->disp = sext(le(b + n, ds), ds);
			n += ds;
		}
	} else {
		out->mod = 3;
		out->rm = (byte & 7) | (rex & 1) << 3;
	}
	if (sego == SEG_NONE || (mode64 && sego < SEG_FS))
		out->seg = seg_default;
	else
		out->seg = sego;

	/* Immediates. */
	int isz;
	if (fl & (D_IB | D_IBS | D_JB)) {
		NEED(1);
		out->imm = (fl & D_IB) ? b[n] : (uint64_t)(int8_t)b[n];
		n++;
	} else if (fl & D_IW) {
		NEED(2);
		out->imm = le(b + n, 2);
		n += 2;
	} else if (fl & (D_IZ | D_JZ)) {
		isz = os == 2 ? 2 : 4;
		NEED(isz);
		out->imm = sext(le(b + n, isz), isz);
		n += isz;
	} else if (fl & D_IV) {
		NEED(os);
		out->imm = le(b + n, os);
		n += os;
	} else if (fl & D_MOFFS) {
		NEED(as);
		out->mod = 0;
		out->disp = le(b + n, as);
		n += as;
	} else if (fl & D_AP) {
		isz = os == 2 ? 2 : 4;
		NEED(isz + 2);
		out->imm = le(b + n, isz);
		out->imm2 = le(b + n + isz, 2);
		n += isz + 2;
	} else if (fl & D_IWIB) {
		NEED(3);
		out->imm = le(b + n, 2);
		out->imm2 = b[n + 2];
		n += 3;
	}
	out->opsize = (fl & D_BYTE) ? 1 : os;
	out->len = n;

	/* LOCK only on the listed read-modify-write forms with a memory
	 * destination (SDM vol. 2 "LOCK"). */
	if (lock && (!(fl & D_LOCK) || out->mod == 3))
		return -1;

	/* The shape of a 64-bit memory operand in a segment without a base
	 * (not FS or GS), then the handler variant. */
	if (has_modrm && out->mod != 3 && as == 8 && out->seg < SEG_FS) {
		if (out->rip_rel)
			out->ea = EA_RIP;
		else if (out->base != NOREG)
			out->ea = out->index != NOREG ? EA_BI : EA_B;
		else if (out->index != NOREG)
			out->ea = EA_I;
	}
	x86_specialize(out, code_bits);
	return n;
}

/* See x86.h. */
const char *x86_insn_name(const struct insn *i)
{
	return i->fn ? x86_opcodes[i->entry].name : "(bad)";
}
