/*
 * cpu/x86/string.c — the string instructions MOVS, CMPS, STOS, LODS, SCAS
 * with the REP, REPE and REPNE prefixes (SDM vol. 2 "REP/REPE/REPZ/REPNE/
 * REPNZ").  rSI, rDI and rCX are used at the address size; the source
 * segment is DS (overridable), the destination always ES; DF picks the
 * direction.
 *
 * A repeated instruction runs at most STR_CHUNK iterations per execution
 * and then executes again (RIP unchanged), so interrupts and the run budget
 * are seen inside long strings, as on hardware.  After a fault the
 * registers describe the iterations done, so restarting is exact.  REP MOVS
 * and REP STOS going upwards in 64-bit mode copy page-sized runs through the
 * MMU's host-pointer cache when both pages are in it.
 */
#include "cpu/x86/handlers.h"
#include "cpu/x86/operand.h"

#define STR_CHUNK 1024

enum { S_MOVS, S_CMPS, S_STOS, S_LODS, S_SCAS };

static inline void advance(struct cpu *c, const struct insn *i, int r,
			   int64_t step)
{
	x86_areg_set(c, i, r, c->regs[r] + step);
}

/* One iteration of `kind`; for CMPS/SCAS *eq tells whether ZF is set. */
static inline int once(struct cpu *c, const struct insn *i, int kind, int size,
		       int64_t step, int *eq)
{
	uint64_t a, b, m = x86_size_mask(size);
	switch (kind) {
	case S_MOVS:
		TRY(x86_read(c, i->seg, x86_areg(c, i, R_RSI), size, &a));
		TRY(x86_write(c, SEG_ES, x86_areg(c, i, R_RDI), size, a));
		advance(c, i, R_RSI, step);
		advance(c, i, R_RDI, step);
		return X86_OK;
	case S_STOS:
		TRY(x86_write(c, SEG_ES, x86_areg(c, i, R_RDI), size,
			      c->regs[R_RAX]));
		advance(c, i, R_RDI, step);
		return X86_OK;
	case S_LODS:
		TRY(x86_read(c, i->seg, x86_areg(c, i, R_RSI), size, &a));
		x86_reg_set(c, i, R_RAX, size, a);
		advance(c, i, R_RSI, step);
		return X86_OK;
	case S_CMPS:
		TRY(x86_read(c, i->seg, x86_areg(c, i, R_RSI), size, &a));
		TRY(x86_read(c, SEG_ES, x86_areg(c, i, R_RDI), size, &b));
		advance(c, i, R_RSI, step);
		break;
	default:
		a = c->regs[R_RAX] & m;
		TRY(x86_read(c, SEG_ES, x86_areg(c, i, R_RDI), size, &b));
		break;
	}
	advance(c, i, R_RDI, step);
	x86_lf_set(c, LF_SUB, size, (a - b) & m, a, b);
	*eq = a == b;
	return X86_OK;
}

/* Store k elements of `size` bytes (2, 4, 8) of v at d. */
static void fill(uint8_t *d, uint64_t v, int size, uint64_t k)
{
	uint16_t w = (uint16_t)v;
	uint32_t l = (uint32_t)v;
	for (uint64_t j = 0; j < k; j++)
		switch (size) {
		case 2: memcpy(d + j * 2, &w, 2); break;
		case 4: memcpy(d + j * 4, &l, 4); break;
		default: memcpy(d + j * 8, &v, 8); break;
		}
}

/*
 * Fast path: up to `n` upward iterations of MOVS/STOS inside the current
 * source and destination pages, through host pointers.  Returns how many
 * were done (0: take the slow path).
 */
static uint64_t bulk(struct cpu *c, const struct insn *i, int kind, int size,
		     uint64_t n)
{
	uint64_t di = x86_areg(c, i, R_RDI), si = x86_areg(c, i, R_RSI);
	uint64_t dla = x86_la64(c, SEG_ES, di), sla = x86_la64(c, i->seg, si);
	uint64_t room = 4096 - (dla & 4095);
	if (kind == S_MOVS && 4096 - (sla & 4095) < room)
		room = 4096 - (sla & 4095);
	uint64_t k = room / size;
	if (k > n)
		k = n;
	if (k < 2)
		return 0;
	uint8_t *d = mmu_hp_lookup(&c->mmu, dla, MMU_WRITE, x86_user(c), 1);
	if (!d)
		return 0;
	if (kind == S_STOS) {
		uint64_t v = c->regs[R_RAX];
		uint64_t m = x86_size_mask(size);
		if ((v & m) == (v & 0xff) * (0x0101010101010101ull & m))
			memset(d, (int)(v & 0xff), k * size); /* bytes all equal */
		else
			fill(d, v, size, k);
	} else {
		uint8_t *s = mmu_hp_lookup(&c->mmu, sla, MMU_READ, x86_user(c), 1);
		if (!s)
			return 0;
		if (d > s && d < s + k * size) /* overlap: element by element */
			for (uint64_t j = 0; j < k; j++)
				memmove(d + j * size, s + j * size, size);
		else
			memmove(d, s, k * size);
		advance(c, i, R_RSI, k * size);
		/* k element reads through one TLB entry: k hits, as the
		 * element-by-element path would count them. */
		mmu_hp_more_hits(&c->mmu, sla, MMU_READ, x86_user(c), k - 1);
	}
	mmu_hp_more_hits(&c->mmu, dla, MMU_WRITE, x86_user(c), k - 1);
	advance(c, i, R_RDI, k * size);
	return k;
}

static int string_op(struct cpu *c, const struct insn *i, int kind, int size)
{
	int64_t step = (c->rflags & FL_DF) ? -size : size;
	int eq;
	if (!i->rep)
		return once(c, i, kind, size, step, &eq);
	int can_bulk = (kind == S_MOVS || kind == S_STOS) && step > 0 &&
		       c->code_bits == 64;
	for (uint64_t done = 0;;) {
		uint64_t cnt = x86_areg(c, i, R_RCX);
		if (!cnt)
			return X86_OK;
		if (done >= STR_CHUNK) {
			c->next_rip = c->rip; /* resume: execute again */
			return X86_OK;
		}
		uint64_t k = can_bulk ? bulk(c, i, kind, size, cnt) : 0;
		if (!k) {
			TRY(once(c, i, kind, size, step, &eq));
			k = 1;
		}
		x86_areg_set(c, i, R_RCX, cnt - k);
		done += k;
		if ((kind == S_CMPS || kind == S_SCAS) &&
		    eq != (i->rep == 0xf3))
			return X86_OK;
	}
}

int op_movs_Yb_Xb(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_MOVS, 1);
}

int op_movs_Yv_Xv(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_MOVS, i->opsize);
}

int op_cmps_Xb_Yb(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_CMPS, 1);
}

int op_cmps_Xv_Yv(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_CMPS, i->opsize);
}

int op_stos_Yb_AL(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_STOS, 1);
}

int op_stos_Yv_eAX(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_STOS, i->opsize);
}

int op_lods_AL_Xb(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_LODS, 1);
}

int op_lods_eAX_Xv(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_LODS, i->opsize);
}

int op_scas_AL_Yb(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_SCAS, 1);
}

int op_scas_eAX_Yv(struct cpu *c, const struct insn *i)
{
	return string_op(c, i, S_SCAS, i->opsize);
}
