/*
 * gdt.h — the segment selectors of every mmulab bare-metal guest.  Shared by
 * the assembly startup code and C, so it holds only #defines.
 */
#ifndef GUEST_GDT_H
#define GUEST_GDT_H

#define SEL_KCODE64	0x08
#define SEL_KDATA	0x10
#define SEL_KCODE32	0x18
#define SEL_UCODE32	0x23	/* 0x20 | RPL 3 */
#define SEL_UDATA	0x2B	/* 0x28 | RPL 3 */
#define SEL_UCODE64	0x33	/* 0x30 | RPL 3 */
#define SEL_TSS		0x38
#define SEL_KCODE64_ALT	0x48
#define SEL_FREE	0x50	/* first entry free for tests */

#define GDT_ENTRIES	16	/* GDT limit is 16 * 8 - 1 = 0x7F */

#endif
