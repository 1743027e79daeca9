/*
 * cpu.c — what guest_start() sets up once in 64-bit mode before kmain():
 * the serial console, the IDT, a 64-bit TSS (RSP0 for entries from ring 3,
 * IST1 for #DF), a masked 8259 PIC so that no stray IRQ arrives when a test
 * sets RFLAGS.IF; plus running code at CPL 3 and leaving the machine.
 */
#include "guest.h"

struct tss64 tss __attribute__((aligned(16)));
char kernel_stack[16384] __attribute__((aligned(16)));
static char df_stack[4096] __attribute__((aligned(16)));
char user_stack[16384] __attribute__((aligned(16)));
#define kernel_stack_end (kernel_stack + sizeof(kernel_stack))
/* Exported names for assembly and tests. */
__asm__(".globl kernel_stack_top\n.set kernel_stack_top, kernel_stack + 16384\n"
	".globl user_stack_top\n.set user_stack_top, user_stack + 16384\n");

/*
 * Writes a 16-byte system descriptor (TSS, call gate is written by tests)
 * at GDT index `index` and index + 1 (SDM vol. 3 §8.2.3, figure 8-4).
 */
void gdt_set_system(int index, uint64_t base, uint32_t limit, int type, int dpl)
{
	gdt[index] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | ((uint64_t)(0x80 | (dpl << 5) | type) << 40) |
		     ((uint64_t)((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
	gdt[index + 1] = base >> 32;
}

void cpu_init(void)
{
	tss.rsp[0] = (uint64_t)kernel_stack_end;
	tss.ist[0] = (uint64_t)df_stack + sizeof(df_stack);
	tss.iomap_base = sizeof(tss);
	gdt_set_system(SEL_TSS / 8, (uint64_t)&tss, sizeof(tss) - 1, 0x9, 0);
	__asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
	/* LLDT of a null selector: every LDT reference now raises #GP (SDM LLDT). */
	__asm__ volatile("lldt %w0" : : "r"(0));

	trap_init();
	idt_set_gate(8, isr_stub(8), GATE_INTR, 0, 1);

	outb(0x21, 0xFF);	/* mask every IRQ of both 8259s */
	outb(0xA1, 0xFF);
}

int user_run(uint64_t rip, uint64_t rflags)
{
	int r = trap_catch();

	if (r == 1)
		return (int)trap_last.f.vector;
	if (r == 2)
		return USER_END_SYSCALL;
	user_iret(rip, (uint64_t)user_stack + sizeof(user_stack), rflags, SEL_UCODE64, SEL_UDATA);
}

void guest_exit(uint32_t code)
{
	outl(0xF4, code);
	for (;;)
		__asm__ volatile("cli; hlt");
}

void panic(const char *fmt, ...)
{
	va_list ap;

	printf("PANIC: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	guest_exit(EXIT_PANIC);
}

void guest_start(void)
{
	serial_init();
	cpu_init();
	guest_exit((uint32_t)kmain((struct multiboot_info *)mb_info));
}
