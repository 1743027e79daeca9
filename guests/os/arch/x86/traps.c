/*
 * traps.c — the IDT and what the kernel does with each exception.
 *
 * Every vector has an interrupt gate at DPL 0 pointing at its stub in
 * entry.S; #DF runs on its own stack (IST1) so that a kernel stack
 * overflow still gets reported.  do_trap() sends page faults to
 * do_page_fault() and reports every other exception from kernel mode as
 * Linux does ("invalid opcode: 0000 [#1] SMP", the registers, "Kernel
 * panic - not syncing: Fatal exception"), then stops the machine.  An
 * exception from ring 3 only ends the process that raised it, with the
 * signal Linux would send (SIGFPE, SIGILL, SIGSEGV) and Linux's "traps:"
 * line.  Vector 0xec is the local APIC timer, 0xfc and 0xfd the IPIs of
 * arch/x86/smp.c (call function, reschedule), 0xff the APIC's spurious
 * vector (no EOI, SDM vol. 3 §10.9).
 */
#include "asm.h"
#include "kernel.h"
#include "percpu.h"
#include "pgtable.h"
#include "ptrace.h"
#include "sched.h"
#include "segment.h"
#include "smp.h"

struct gate_struct {
	u16 offset_low;
	u16 segment;
	u8 ist;
	u8 type_attr;	/* P, DPL, 0, type (0xE: interrupt gate) */
	u16 offset_middle;
	u32 offset_high;
	u32 reserved;
} __attribute__((packed));

static struct gate_struct idt_table[256] __attribute__((aligned(16)));
extern char idt_stubs[];

static void set_intr_gate(int vector, int ist, int dpl)
{
	unsigned long target = (unsigned long)idt_stubs + 16 * (unsigned long)vector;
	struct gate_struct *g = &idt_table[vector];

	g->offset_low = (u16)target;
	g->segment = __KERNEL_CS;
	g->ist = (u8)ist;
	g->type_attr = (u8)(0x80 | (dpl << 5) | 0xe);
	g->offset_middle = (u16)(target >> 16);
	g->offset_high = (u32)(target >> 32);
	g->reserved = 0;
}

/* Loads the IDT on this CPU (the boot CPU in trap_init, each AP as it starts). */
void load_idt(void)
{
	struct {
		u16 limit;
		u64 base;
	} __attribute__((packed)) idtr = { sizeof(idt_table) - 1, (u64)idt_table };

	__asm__ volatile("lidt %0" : : "m"(idtr));
}

void trap_init(void)
{
	for (int v = 0; v < 256; v++)
		set_intr_gate(v, 0, 0);
	set_intr_gate(8, 1, 0);		/* #DF on IST1 */
	set_intr_gate(3, 0, 3);		/* INT3 from ring 3 */
	load_idt();
}

/* Linux's names for the exceptions (arch/x86/kernel/traps.c). */
static const char *const trap_names[32] = {
	"divide error", "debug", "nmi", "int3", "overflow", "bounds", "invalid opcode",
	"device not available", "double fault", "coprocessor segment overrun", "invalid TSS",
	"segment not present", "stack segment", "general protection fault", "page fault", "spurious",
	"coprocessor error", "alignment check", "machine check", "SIMD exception", "virtualization exception",
	"control protection fault", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31",
};

void show_regs(const struct pt_regs *r)
{
	const struct task_struct *p = this_cpu()->current_task;

	if (p)
		printk("CPU: %d PID: %d Comm: %s\n", smp_processor_id(), p->pid, p->comm);
	else
		printk("CPU: %d PID: 0 Comm: swapper/%d\n", smp_processor_id(), smp_processor_id());
	printk("RIP: %04lx:%016lx\n", r->cs, r->ip);
	printk("RSP: %04lx:%016lx EFLAGS: %08lx\n", r->ss, r->sp, r->flags);
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", r->rax, r->rbx, r->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", r->rdx, r->rsi, r->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", r->rbp, r->r8, r->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", r->r10, r->r11, r->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", r->r13, r->r14, r->r15);
	printk("CR2: %016lx CR3: %016lx CR4: %016lx\n", read_cr2(), read_cr3(), read_cr4());
}

void oops_end(const struct pt_regs *regs)
{
	show_regs(regs);
	printk("---[ end trace 0000000000000000 ]---\n");
	printk("Kernel panic - not syncing: Fatal exception\n");
	machine_exit(EXIT_OOPS);
}

/* An exception in user mode: the signal that ends the process. */
static void do_user_trap(struct pt_regs *regs, unsigned long v)
{
	int sig = v == 0 || v == 16 || v == 19 ? SIGFPE : v == 6 ? SIGILL : SIGSEGV;

	printk("traps: %s[%d] %s ip:%lx sp:%lx error:%lx\n", current->comm, current->pid, trap_names[v],
	       regs->ip, regs->sp, regs->error_code);
	send_sig(sig, current);
}

void do_trap(struct pt_regs *regs)
{
	unsigned long v = regs->vector;

	if (v == 14) {
		do_page_fault(regs, regs->error_code, read_cr2());
	} else if (v == LOCAL_TIMER_VECTOR) {
		apic_eoi();
		scheduler_tick(regs);
	} else if (v == CALL_FUNCTION_VECTOR) {
		apic_eoi();
		smp_call_function_interrupt();
	} else if (v == RESCHEDULE_VECTOR) {
		apic_eoi();
		smp_reschedule_interrupt();
	} else if (v == SPURIOUS_APIC_VECTOR) {
		/* spurious */
	} else if (v >= 32) {
		panic("unexpected interrupt %lu", v);
	} else if (user_mode(regs)) {
		do_user_trap(regs, v);
	} else {
		printk("%s: %04lx [#1] SMP\n", trap_names[v], regs->error_code);
		oops_end(regs);
	}
	if (user_mode(regs)) {
		local_irq_disable();	/* the fault handler may have turned them on */
		exit_to_user_mode();
	}
}
