/*
 * pc.c — what a PC's firmware and chipset offer a kernel that quietly
 * relies on them: the BIOS data area, the 8042 status port reading idle,
 * A20 on, the CRTC registers keeping what is written, the 8259 edge/level
 * registers, the 8254 as the firmware programmed it and channel 2 for
 * calibration, the CMOS clock, and the UART's receive interrupt on IRQ 4
 * (in loopback, through the IOAPIC).
 *
 * Nothing here depends on the host: the clock's date is only checked for
 * being valid BCD.
 */
#include "guest.h"

#define LAPIC_BASE	0xFEE00000ul
#define IOAPIC_BASE	0xFEC00000ul
#define VEC_COM1	0x54
#define COM1		0x3F8

static volatile uint32_t com1_irqs;
static volatile uint8_t com1_byte;

static uint16_t rd16(uint64_t a)
{
	__asm__("" : "+r"(a)); /* low addresses are memory, not null objects */
	return *(volatile uint16_t *)a;
}

static void ioapic_wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)IOAPIC_BASE = reg;
	*(volatile uint32_t *)(IOAPIC_BASE + 0x10) = v;
}

static int bcd_ok(uint8_t v, int max)
{
	return (v & 0xF) <= 9 && (v >> 4) <= 9 && (v >> 4) * 10 + (v & 0xF) <= max;
}

static uint8_t cmos(uint8_t reg)
{
	outb(0x70, reg);
	return inb(0x71);
}

static void com1_handler(struct trap_frame *f)
{
	com1_irqs++;
	com1_byte = inb(COM1); /* reading RBR clears the interrupt */
	*(volatile uint32_t *)(LAPIC_BASE + 0xB0) = 0;
}

int kmain(struct multiboot_info *mbi)
{
	printf("# pc: BIOS data area, 8042, A20, CRTC, 8259, 8254, CMOS, COM1 IRQ\n");
	/* BIOS data area (as SeaBIOS fills it). */
	CHECK_EQ(rd16(0x400), COM1, "BDA 400H: COM1 at 3F8H");
	CHECK_EQ(rd16(0x40E), 0x9FC0, "BDA 40EH: EBDA segment 9FC0H");
	CHECK_EQ(rd16(0x413), 639, "BDA 413H: 639 KiB of base memory");
	CHECK_EQ(rd16(0x463), 0x3D4, "BDA 463H: CRTC at 3D4H");

	CHECK_EQ(inb(0x64) & 3, 0, "8042 status: no byte waiting, ready for input");
	CHECK(inb(0x92) & 2, "port 92H: A20 enabled");
	volatile uint32_t *lo = (uint32_t *)0x80000, *hi = (uint32_t *)0x180000;
	*lo = 0x11111111;
	*hi = 0x22222222;
	CHECK_EQ(*lo, 0x11111111, "A20 on: 1 MiB apart are different bytes");

	outb(0x3D4, 0x0E);
	outb(0x3D5, 0x07);
	outb(0x3D4, 0x0F);
	outb(0x3D5, 0xD0);
	outb(0x3D4, 0x0E);
	CHECK_EQ(inb(0x3D5), 0x07, "CRTC cursor location high keeps what is written");
	outb(0x3D4, 0x0F);
	CHECK_EQ(inb(0x3D5), 0xD0, "CRTC cursor location low keeps what is written");
	volatile uint16_t *text = (uint16_t *)0xB8000;
	text[0] = 0x0748;
	CHECK_EQ(text[0], 0x0748, "CGA text memory at B8000H keeps a character");

	CHECK_EQ(inb(0x4D0), 0x00, "ELCR1: IRQ 0-7 edge-triggered");
	CHECK_EQ(inb(0x4D1), 0x0C, "ELCR2: IRQ 10 and 11 level-triggered");

	/* 8254 read-back status of channel 0 (bits 5:0): access LSB/MSB,
	 * mode 2, binary, as the firmware left it. */
	outb(0x43, 0xE2);
	CHECK_EQ(inb(0x40) & 0x3F, 0x34, "PIT channel 0: mode 2, LSB then MSB");
	/* Channel 2 in mode 0 gated through port 61H: OUT2 rises at the
	 * terminal count, as kernels calibrating their TSC expect. */
	outb(0x61, (inb(0x61) & ~0x02) | 0x01);
	outb(0x43, 0xB0);
	outb(0x42, 0xFF);
	outb(0x42, 0x0F);
	int low = !(inb(0x61) & 0x20);
	uint64_t t0 = rdtsc(), spins = 0;
	while (!(inb(0x61) & 0x20) && spins < 100000000)
		spins++;
	CHECK(low && (inb(0x61) & 0x20), "PIT channel 2: OUT2 low while counting, high at terminal count");
	CHECK(rdtsc() > t0, "the TSC advanced meanwhile");

	CHECK_EQ(cmos(0x0D) & 0x80, 0x80, "CMOS register D: valid RAM and time");
	CHECK_EQ(cmos(0x0B) & 0x06, 0x02, "CMOS register B: 24-hour, BCD");
	CHECK(bcd_ok(cmos(0x00), 59) && bcd_ok(cmos(0x02), 59) && bcd_ok(cmos(0x04), 23) &&
	      bcd_ok(cmos(0x07), 31) && bcd_ok(cmos(0x08), 12) && bcd_ok(cmos(0x09), 99),
	      "RTC time and date are valid BCD");
	CHECK_EQ(cmos(0x32), 0x20, "RTC century 20");

	/* COM1 receive interrupt: loopback, IER = received data, OUT2 on;
	 * IRQ 4 through IOAPIC pin 4. */
	map_page(LAPIC_BASE, LAPIC_BASE, PTE_P | PTE_W | (1ul << 4));
	map_page(IOAPIC_BASE, IOAPIC_BASE, PTE_P | PTE_W | (1ul << 4));
	*(volatile uint32_t *)(LAPIC_BASE + 0xF0) = 0x1FF;
	trap_set_handler(VEC_COM1, com1_handler);
	uint32_t bsp = *(volatile uint32_t *)(LAPIC_BASE + 0x20) >> 24;
	ioapic_wr(0x10 + 2 * 4 + 1, bsp << 24);
	ioapic_wr(0x10 + 2 * 4, VEC_COM1);
	outb(COM1 + 4, 0x10 | 0x08);	/* MCR: loopback, OUT2 */
	while (inb(COM1 + 5) & 1)
		inb(COM1);		/* drain */
	outb(COM1 + 1, 0x01);		/* IER: received data available */
	outb(COM1, 'Q');
	for (long i = 0; i < 100000000 && !com1_irqs; i++)
		__asm__ volatile("sti; nop; nop; cli");
	outb(COM1 + 1, 0);
	outb(COM1 + 4, 0x03);		/* loopback off: output goes out again */
	ioapic_wr(0x10 + 2 * 4, (1u << 16) | VEC_COM1);
	CHECK(com1_irqs == 1 && com1_byte == 'Q', "COM1 received-data interrupt on IRQ 4");
	test_done();
}
