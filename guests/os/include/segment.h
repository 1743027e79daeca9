/*
 * segment.h — the GDT layout, shared by head.S and C (only #defines).
 * Linux's layout, which SYSCALL/SYSRET dictate: STAR[47:32] = __KERNEL_CS
 * (SS = +8), STAR[63:48] = __USER32_CS (SYSRET to 64-bit: SS = +8 =
 * __USER_DS, CS = +16 = __USER_CS), SDM vol. 2 SYSCALL/SYSRET.
 */
#ifndef OS_SEGMENT_H
#define OS_SEGMENT_H

#define GDT_ENTRY_KERNEL32_CS	1
#define GDT_ENTRY_KERNEL_CS	2
#define GDT_ENTRY_KERNEL_DS	3
#define GDT_ENTRY_USER32_CS	4
#define GDT_ENTRY_USER_DS	5
#define GDT_ENTRY_USER_CS	6
#define GDT_ENTRY_TSS		8	/* 16 bytes: entries 8 and 9 */
#define GDT_ENTRIES		10

#define __KERNEL32_CS	(GDT_ENTRY_KERNEL32_CS * 8)
#define __KERNEL_CS	(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS	(GDT_ENTRY_KERNEL_DS * 8)
#define __USER32_CS	(GDT_ENTRY_USER32_CS * 8 + 3)
#define __USER_DS	(GDT_ENTRY_USER_DS * 8 + 3)
#define __USER_CS	(GDT_ENTRY_USER_CS * 8 + 3)
#define GDT_ENTRY_TSS_SEL	(GDT_ENTRY_TSS * 8)

/* Descriptor words: base 0, limit 4 GiB (SDM vol. 3 §3.4.5). */
#define GDT_KERNEL32_CS_DESC	0x00cf9a000000ffff
#define GDT_KERNEL_CS_DESC	0x00af9a000000ffff	/* L = 1 */
#define GDT_KERNEL_DS_DESC	0x00cf92000000ffff
#define GDT_USER32_CS_DESC	0x00cffa000000ffff
#define GDT_USER_DS_DESC	0x00cff2000000ffff
#define GDT_USER_CS_DESC	0x00affa000000ffff	/* L = 1, DPL 3 */

#endif
