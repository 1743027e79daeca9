/*
 * trap.c — the C half of trap handling for mmulab bare-metal guests: the IDT,
 * the dispatcher every vector reaches, and the ways a test recovers from an
 * exception it provoked on purpose:
 *   - a handler registered for the vector (trap_set_handler), which may edit
 *     the saved frame;
 *   - trap_skip_next(len): resume len bytes after the pushed RIP, i.e. skip
 *     the faulting instruction of known length;
 *   - trap_catch(): a setjmp-like recovery point, the only way back from a
 *     fault at CPL 3.
 * A trap nobody expected prints its state and ends the run with EXIT_PANIC.
 */
#include "guest.h"

struct idt_gate {
	uint16_t offset0;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;	/* P, DPL, 0, type */
	uint16_t offset1;
	uint32_t offset2;
	uint32_t reserved;
} __attribute__((packed));

static struct idt_gate idt[256] __attribute__((aligned(16)));
static trap_handler_fn handlers[256];
static unsigned skip_len;
static int skip_armed;

/* Read by isr.S: callee-saved rbx rbp r12-r15, rsp, rip. */
uint64_t catch_buf[8];
int catch_armed;
volatile struct trap_record trap_last;

extern char isr_stubs[];

uint64_t isr_stub(int vector)
{
	return (uint64_t)isr_stubs + 16 * (uint64_t)vector;
}

void idt_set_gate(int vector, uint64_t target, int type, int dpl, int ist)
{
	struct idt_gate *g = &idt[vector];

	g->offset0 = (uint16_t)target;
	g->selector = SEL_KCODE64;
	g->ist = (uint8_t)ist;
	g->type_attr = (uint8_t)(0x80 | (dpl << 5) | type);
	g->offset1 = (uint16_t)(target >> 16);
	g->offset2 = (uint32_t)(target >> 32);
	g->reserved = 0;
}

void idt_gate_present(int vector, int present)
{
	if (present)
		idt[vector].type_attr |= 0x80;
	else
		idt[vector].type_attr &= 0x7F;
}

/*
 * Every vector gets an interrupt gate at DPL 0, except #BP, #OF (so INT3 and
 * INTO work from ring 3, as in most kernels) and USER_END_VECTOR, at DPL 3.
 */
void trap_init(void)
{
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed)) idtr = { sizeof(idt) - 1, (uint64_t)idt };

	for (int v = 0; v < 256; v++)
		idt_set_gate(v, isr_stub(v), GATE_INTR, 0, 0);
	idt_set_gate(3, isr_stub(3), GATE_INTR, 3, 0);
	idt_set_gate(4, isr_stub(4), GATE_INTR, 3, 0);
	idt_set_gate(USER_END_VECTOR, isr_stub(USER_END_VECTOR), GATE_INTR, 3, 0);
	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_set_handler(int vector, trap_handler_fn fn)
{
	handlers[vector] = fn;
}

void trap_skip_next(unsigned len)
{
	skip_len = len;
	skip_armed = 1;
}

void trap_skip_cancel(void)
{
	skip_armed = 0;
}

void trap_catch_cancel(void)
{
	catch_armed = 0;
}

void catch_resume_unarmed(void)
{
	panic("SYSCALL reached trap_catch_resume with no trap_catch armed");
}

static const char *const names[32] = {
	"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "15",
	"#MF", "#AC", "#MC", "#XM", "#VE", "#CP", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
};

void trap_dispatch(struct trap_frame *f)
{
	uint64_t cr2 = READ_CR(2);
	uint64_t v = f->vector;

	trap_last.count++;
	trap_last.f = *f;
	trap_last.cr2 = cr2;
	trap_last.frame_addr = (uint64_t)&f->rip;
	trap_last.handler_rflags = read_rflags();
	trap_last.handler_ss = read_ss();

	if (handlers[v]) {
		handlers[v](f);
		return;
	}
	if (skip_armed) {
		skip_armed = 0;
		f->rip += skip_len;
		return;
	}
	if (catch_armed) {
		catch_armed = 0;
		f->rbx = catch_buf[0];
		f->rbp = catch_buf[1];
		f->r12 = catch_buf[2];
		f->r13 = catch_buf[3];
		f->r14 = catch_buf[4];
		f->r15 = catch_buf[5];
		f->rsp = catch_buf[6];
		f->rip = catch_buf[7];
		f->rax = 1;
		f->cs = SEL_KCODE64;
		f->ss = SEL_KDATA;
		f->rflags = RFLAGS_FIXED;
		__asm__ volatile("mov %0, %%ds; mov %0, %%es; mov %0, %%ss" : : "r"((uint16_t)SEL_KDATA));
		return;
	}
	panic("unexpected %s (vector %lu) error %#lx at %#lx:%#lx rsp %#lx rflags %#lx cr2 %#lx",
	      v < 32 ? names[v] : "interrupt", v, f->error, f->cs, f->rip, f->rsp, f->rflags, cr2);
}
