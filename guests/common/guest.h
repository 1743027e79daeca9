/*
 * guest.h — the face of guests/common, the little library every mmulab
 * bare-metal guest links with: basic types, port and system-register
 * access, the serial console and printf, exit through isa-debug-exit, traps
 * (IDT, recovery after an expected exception, running code at CPL 3), page
 * table helpers and the test API.  Guests are freestanding: this header is
 * the only one they need and it includes no host header.
 */
#ifndef GUEST_H
#define GUEST_H

#include "gdt.h"

typedef unsigned char uint8_t;
typedef unsigned short uint16_t;
typedef unsigned int uint32_t;
typedef unsigned long uint64_t;
typedef signed char int8_t;
typedef short int16_t;
typedef int int32_t;
typedef long int64_t;
typedef unsigned long size_t;
typedef unsigned long uintptr_t;
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define NULL ((void *)0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- Multiboot v1 information (Multiboot spec §3.3) ---- */
#define MB_BOOT_MAGIC	0x2BADB002
#define MBI_MEM		(1u << 0)
#define MBI_CMDLINE	(1u << 2)
#define MBI_MMAP	(1u << 6)

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

/* One memory-map entry; `size` does not count itself. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
} __attribute__((packed));

extern uint64_t mb_magic, mb_info;	/* EAX and EBX at entry */

/* ---- Architectural bits used by several guests ---- */
#define CR0_PE		(1ul << 0)
#define CR0_ET		(1ul << 4)
#define CR0_NE		(1ul << 5)
#define CR0_WP		(1ul << 16)
#define CR0_PG		(1ul << 31)
#define CR4_PAE		(1ul << 5)
#define MSR_EFER	0xC0000080
#define MSR_STAR	0xC0000081
#define MSR_LSTAR	0xC0000082
#define MSR_SFMASK	0xC0000084
#define EFER_SCE	(1ul << 0)
#define EFER_LME	(1ul << 8)
#define EFER_LMA	(1ul << 10)
#define EFER_NXE	(1ul << 11)
#define RFLAGS_CF	(1ul << 0)
#define RFLAGS_FIXED	(1ul << 1)
#define RFLAGS_PF	(1ul << 2)
#define RFLAGS_ZF	(1ul << 6)
#define RFLAGS_SF	(1ul << 7)
#define RFLAGS_TF	(1ul << 8)
#define RFLAGS_IF	(1ul << 9)
#define RFLAGS_DF	(1ul << 10)
#define RFLAGS_OF	(1ul << 11)
#define PTE_P		(1ul << 0)
#define PTE_W		(1ul << 1)
#define PTE_U		(1ul << 2)
#define PTE_A		(1ul << 5)
#define PTE_D		(1ul << 6)
#define PTE_PS		(1ul << 7)
#define PTE_G		(1ul << 8)
#define PTE_NX		(1ul << 63)
#define PTE_ADDR	0x000FFFFFFFFFF000ul

/* ---- Ports and system registers ---- */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}
#define READ_CR(n) ({ uint64_t v_; __asm__ volatile("mov %%cr" #n ", %0" : "=r"(v_)); v_; })
#define WRITE_CR(n, v) __asm__ volatile("mov %0, %%cr" #n : : "r"((uint64_t)(v)) : "memory")
static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}
static inline void cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	__asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}
static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
static inline uint64_t read_rflags(void)
{
	uint64_t v;
	__asm__ volatile("pushfq; popq %0" : "=r"(v));
	return v;
}
static inline void invlpg(uint64_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline uint16_t read_cs(void) { uint16_t v; __asm__ volatile("mov %%cs, %0" : "=r"(v)); return v; }
static inline uint16_t read_ss(void) { uint16_t v; __asm__ volatile("mov %%ss, %0" : "=r"(v)); return v; }

/* ---- lib.c: memory and strings ---- */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strncmp(const char *a, const char *b, size_t n);
/* Value of `key=` (a decimal number) in the Multiboot command line, or dflt. */
uint64_t cmdline_number(const char *key, uint64_t dflt);
/* The Multiboot command line, or "" when the loader gave none. */
const char *cmdline(void);

/* ---- serial.c and printf.c: console on COM1 ---- */
void serial_init(void);
void serial_putc(char c);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);

/* ---- exit through isa-debug-exit (QEMU exits with (code << 1) | 1) ---- */
#define EXIT_PASS	0	/* status 1 */
#define EXIT_FAIL	1	/* status 3: some check failed */
#define EXIT_PANIC	2	/* status 5: unexpected exception or broken guest */
void guest_exit(uint32_t code) __attribute__((noreturn));
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* ---- trap.c and isr.S: exceptions and interrupts ---- */
/* What the common stub saves; the CPU pushed rip..ss (SDM vol. 3 §6.14.2). */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

/* The last trap taken, copied by the dispatcher before any recovery. */
struct trap_record {
	uint64_t count;		/* traps taken since boot */
	struct trap_frame f;	/* registers as they were at the trap */
	uint64_t cr2;
	uint64_t frame_addr;	/* address of the pushed RIP: shows the stack used */
	uint64_t handler_rflags;	/* RFLAGS inside the handler (gate type: IF) */
	uint64_t handler_ss;	/* SS inside the handler (NULL after a CPL change) */
};
extern volatile struct trap_record trap_last;

typedef void (*trap_handler_fn)(struct trap_frame *f);
void trap_init(void);
/* Gate types (SDM vol. 3 §3.5, table 3-2). */
#define GATE_INTR	0xE
#define GATE_TRAP	0xF
void idt_set_gate(int vector, uint64_t target, int type, int dpl, int ist);
/* Sets or clears the P bit of a gate. */
void idt_gate_present(int vector, int present);
/* The stub address for a vector, for idt_set_gate(). */
uint64_t isr_stub(int vector);
/* Called first for `vector`; it may change *f to decide where to resume. */
void trap_set_handler(int vector, trap_handler_fn fn);
/* The next trap resumes `len` bytes after the RIP the CPU pushed. */
void trap_skip_next(unsigned len);
void trap_skip_cancel(void);
/*
 * Like setjmp: returns 0 now; after a later trap (at any CPL) or SYSCALL,
 * execution comes back here at CPL 0 on the saved stack and it returns 1
 * (trap) or 2 (SYSCALL).  One shot: it disarms when used.
 */
int trap_catch(void) __attribute__((returns_twice));
void trap_catch_cancel(void);

/* ---- cpu.c: TSS, ring 3 ---- */
struct tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3, iomap_base;
} __attribute__((packed));
extern struct tss64 tss;
extern uint64_t gdt[GDT_ENTRIES];
extern char kernel_stack_top[];	/* TSS.RSP0 */
extern char user_stack_top[];	/* a stack for CPL-3 code */
void cpu_init(void);
void gdt_set_system(int index, uint64_t base, uint32_t limit, int type, int dpl);
/*
 * IRETQ to `rip` at CPL 3 (CS 0x33, SS 0x2B) with `rflags` on the user
 * stack.  Arms trap_catch first; returns the vector of the trap that ended
 * the CPL-3 run (the user code normally ends with INT 0x80), or 0x100 when
 * it ended with SYSCALL.
 */
int user_run(uint64_t rip, uint64_t rflags);
void user_iret(uint64_t rip, uint64_t rsp, uint64_t rflags, uint64_t cs, uint64_t ss) __attribute__((noreturn));
#define USER_END_VECTOR	0x80	/* INT 0x80: DPL-3 gate ending a CPL-3 run */
#define USER_END_SYSCALL 0x100

/* ---- paging.c: the identity map and extra mappings ---- */
extern uint64_t boot_pml4[512];
/* Leaf entry mapping va and its level (1 = 4 KiB PTE, 2 = PDE, 3 = PDPTE); NULL if unmapped. */
uint64_t *pte_lookup(uint64_t va, int *level);
/* Makes va mapped by a 4 KiB PTE (splitting a 2 MiB page) and returns that PTE. */
uint64_t *pte_split(uint64_t va);
/*
 * The entry for va at `level` (1 = PTE .. 4 = PML4E), creating missing
 * tables above it (a 2 MiB page is split when level is 1).
 */
uint64_t *pte_entry(uint64_t va, int level);
/* Maps the 4 KiB page va -> pa with `flags` (tables from a static pool); returns the PTE. */
uint64_t *map_page(uint64_t va, uint64_t pa, uint64_t flags);

/* ---- test.c: TAP output ---- */
void test_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void test_vcheck(int ok, const char *fmt, va_list ap);
void test_check_eq(uint64_t got, uint64_t want, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void test_skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void test_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the plan and summary and exits (EXIT_PASS or EXIT_FAIL). */
void test_done(void) __attribute__((noreturn));
#define CHECK(cond, ...) test_check(!!(cond), __VA_ARGS__)
#define CHECK_EQ(got, want, ...) test_check_eq((uint64_t)(got), (uint64_t)(want), __VA_ARGS__)

/* Each guest defines this; guest_start() calls it after setting up the CPU. */
int kmain(struct multiboot_info *mbi);

#endif
