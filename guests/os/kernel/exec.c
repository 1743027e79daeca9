/*
 * exec.c — execve: a static ELF64 executable from the initrd replaces the
 * process's image (Linux's fs/exec.c and fs/binfmt_elf.c, reduced to
 * static non-PIE programs).
 *
 *   - the ELF header must say ELF64, little-endian, ET_EXEC, EM_X86_64;
 *   - each PT_LOAD becomes a private file VMA with the rights of its p_flags
 *     (PF_R, PF_W, PF_X; without PF_X the pages are NX); file bytes end at
 *     p_offset + p_filesz (mm/memory.c zeroes the rest of that page), and
 *     the pages up to p_vaddr + p_memsz beyond the file's become an
 *     anonymous VMA (.bss);
 *   - PT_GNU_STACK without PF_X keeps the stack NX;
 *   - the stack VMA ends at STACK_TOP (just below 0x7ffffffff000) and holds,
 *     from the top: the strings of envp and argv, 16 random bytes
 *     (AT_RANDOM), then aligned to 16: argc, argv[], NULL, envp[], NULL and
 *     the auxiliary vector (System V x86-64 ABI §3.4.1, figure 3.9);
 *   - the break starts at the end of the highest segment, page-rounded;
 *   - registers: RIP = e_entry, RSP at argc, everything else 0, IF on.
 *
 * The strings are copied into the kernel before the old image goes; the
 * new one is built in a fresh mm which replaces the old at the point of no
 * return.  What fails after that point kills the process (SIGSEGV).
 */
#include "asm.h"
#include "errno.h"
#include "initrd.h"
#include "kernel.h"
#include "mman.h"
#include "sched.h"
#include "segment.h"
#include "tlbflush.h"
#include "uapi/auxvec.h"

#define EM_X86_64	62
#define ET_EXEC		2
#define PT_LOAD		1
#define PT_GNU_STACK	0x6474e551
#define PF_X		1
#define PF_W		2
#define PF_R		4
#define MAX_ARG_STRLEN	(32ul << 10)	/* all strings of argv and envp together */
#define MAX_ARGS	256
#define STACK_INIT	(128ul << 10)	/* Linux's stack_expand */

struct elf64_hdr {
	u8 e_ident[16];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

/* Where the kernel keeps argv and envp while the images change. */
struct linux_binprm {
	char *buf;		/* argv strings then envp strings, NUL-separated */
	unsigned long len;
	int argc, envc;
	unsigned long phdr_addr, phnum, entry, elf_brk;
	unsigned long start_code, end_code, start_data, end_data;
	bool exec_stack;
};

static int copy_strings(struct linux_binprm *bprm, const char *const *v, int *count)
{
	for (*count = 0; v && v[*count]; (*count)++) {
		unsigned long n = strlen(v[*count]) + 1;

		if (*count >= MAX_ARGS || bprm->len + n > MAX_ARG_STRLEN)
			return -E2BIG;
		memcpy(bprm->buf + bprm->len, v[*count], n);
		bprm->len += n;
	}
	return 0;
}

static bool elf_check(const struct inode *inode, const struct elf64_hdr *eh)
{
	return inode->size >= sizeof(*eh) && !memcmp(eh->e_ident, "\177ELF", 4) && eh->e_ident[4] == 2 &&
	       eh->e_ident[5] == 1 && eh->e_type == ET_EXEC && eh->e_machine == EM_X86_64 &&
	       eh->e_phentsize == sizeof(struct elf64_phdr) && eh->e_phnum && eh->e_phnum <= 16 &&
	       eh->e_phoff + eh->e_phnum * sizeof(struct elf64_phdr) <= inode->size && eh->e_entry < TASK_SIZE;
}

/* Maps the PT_LOAD segments of the program into mm; 0 or -errno. */
static int load_elf_segments(struct mm_struct *mm, struct inode *inode, struct linux_binprm *bprm)
{
	const struct elf64_hdr *eh = (const void *)inode->data;
	const struct elf64_phdr *ph = (const void *)(inode->data + eh->e_phoff);

	bprm->entry = eh->e_entry;
	bprm->phnum = eh->e_phnum;
	for (int i = 0; i < eh->e_phnum; i++, ph++) {
		unsigned long start = ALIGN_DOWN(ph->p_vaddr, PAGE_SIZE), file_end, mem_end, flags;
		struct vm_area_struct *vma;

		if (ph->p_type == PT_GNU_STACK)
			bprm->exec_stack = ph->p_flags & PF_X;
		if (ph->p_type != PT_LOAD)
			continue;
		if ((ph->p_vaddr - ph->p_offset) % PAGE_SIZE || ph->p_filesz > ph->p_memsz ||
		    ph->p_offset + ph->p_filesz > inode->size || start < mmap_min_addr ||
		    ph->p_vaddr + ph->p_memsz > TASK_SIZE || ph->p_vaddr + ph->p_memsz < ph->p_vaddr)
			return -ENOEXEC;
		flags = (ph->p_flags & PF_R ? VM_READ : 0) | (ph->p_flags & PF_W ? VM_WRITE : 0) |
			(ph->p_flags & PF_X ? VM_EXEC : 0);
		file_end = ALIGN(ph->p_vaddr + ph->p_filesz, PAGE_SIZE);
		mem_end = ALIGN(ph->p_vaddr + ph->p_memsz, PAGE_SIZE);
		if (file_end > start) {
			vma = mmap_region(mm, start, file_end - start, flags, inode, ALIGN_DOWN(ph->p_offset, PAGE_SIZE) >> PAGE_SHIFT);
			if (!vma)
				return -ENOMEM;
			vma->vm_file_end = ph->p_offset + ph->p_filesz;
		}
		if (mem_end > file_end && !mmap_region(mm, file_end, mem_end - file_end, flags, NULL, 0))
			return -ENOMEM;
		if (ph->p_offset <= eh->e_phoff && eh->e_phoff < ph->p_offset + ph->p_filesz)
			bprm->phdr_addr = ph->p_vaddr + (eh->e_phoff - ph->p_offset);
		if (ph->p_flags & PF_X) {
			bprm->start_code = start;
			bprm->end_code = ph->p_vaddr + ph->p_filesz;
		} else if (ph->p_flags & PF_W) {
			bprm->start_data = ph->p_vaddr;
			bprm->end_data = ph->p_vaddr + ph->p_filesz;
		}
		bprm->elf_brk = max(bprm->elf_brk, ph->p_vaddr + ph->p_memsz);
	}
	return bprm->elf_brk ? 0 : -ENOEXEC;
}

/* Writes argc, argv, envp, auxv and the strings on the new stack (current's mm); the new RSP or 0. */
static unsigned long create_elf_tables(struct linux_binprm *bprm)
{
	unsigned long strings = STACK_TOP - ALIGN(bprm->len, 16), random = strings - 16, sp, p = strings;
	unsigned long nitems = 1 + bprm->argc + 1 + bprm->envc + 1 + 2 * 7, *items, *it;
	static const u8 not_random[16] = "mmulab-AT_RANDOM";

	sp = ALIGN_DOWN(random - nitems * 8, 16);
	if (!(items = kmalloc(nitems * 8, GFP_KERNEL)))
		return 0;
	it = items;
	*it++ = (unsigned long)bprm->argc;
	for (int i = 0; i < bprm->argc; i++) {
		*it++ = p;
		p += strlen(bprm->buf + (p - strings)) + 1;
	}
	*it++ = 0;
	for (int i = 0; i < bprm->envc; i++) {
		*it++ = p;
		p += strlen(bprm->buf + (p - strings)) + 1;
	}
	*it++ = 0;
	*it++ = AT_PHDR, *it++ = bprm->phdr_addr;
	*it++ = AT_PHENT, *it++ = sizeof(struct elf64_phdr);
	*it++ = AT_PHNUM, *it++ = bprm->phnum;
	*it++ = AT_PAGESZ, *it++ = PAGE_SIZE;
	*it++ = AT_ENTRY, *it++ = bprm->entry;
	*it++ = AT_RANDOM, *it++ = random;
	*it++ = AT_NULL, *it++ = 0;
	if (copy_to_user((void *)strings, bprm->buf, bprm->len) || copy_to_user((void *)random, not_random, 16) ||
	    copy_to_user((void *)sp, items, nitems * 8))
		sp = 0;
	kfree(items);
	return sp;
}

long do_execve(const char *path, const char *const argv[], const char *const envp[], struct pt_regs *regs)
{
	struct inode *inode = initrd_lookup(path);
	struct linux_binprm bprm = { 0 };
	struct mm_struct *mm, *old = current->mm;
	unsigned long flags;
	struct task_struct *tsk = current;
	const char *name = path;
	long err;

	if (!inode)
		return -ENOENT;
	if ((inode->mode & S_IFMT) != S_IFREG || !(inode->mode & 0111))
		return -EACCES;
	if (!elf_check(inode, (const void *)inode->data))
		return -ENOEXEC;
	if (!(bprm.buf = kmalloc(MAX_ARG_STRLEN, GFP_KERNEL)))
		return -ENOMEM;
	if ((err = copy_strings(&bprm, argv, &bprm.argc)) || (err = copy_strings(&bprm, envp, &bprm.envc)))
		goto out;
	err = -ENOMEM;
	if (!(mm = mm_alloc(tsk->pid)))
		goto out;
	if ((err = load_elf_segments(mm, inode, &bprm)) ||
	    (err = -ENOMEM, !mmap_region(mm, STACK_TOP - STACK_INIT, STACK_INIT,
					 VM_READ | VM_WRITE | VM_GROWSDOWN | (bprm.exec_stack ? VM_EXEC : 0), NULL, 0))) {
		mmput(mm);
		goto out;
	}
	mm->start_code = bprm.start_code;
	mm->end_code = bprm.end_code;
	mm->start_data = bprm.start_data;
	mm->end_data = bprm.end_data;
	mm->start_brk = mm->brk = ALIGN(bprm.elf_brk, PAGE_SIZE);
	mm->start_stack = STACK_TOP;

	/* The point of no return: the old image goes. */
	spin_lock_irqsave(&tasklist_lock, flags);	/* /proc readers take references on tsk->mm */
	tsk->mm = mm;
	spin_unlock_irqrestore(&tasklist_lock, flags);
	activate_mm(mm);
	if (tsk->fsbase) {	/* no TLS in the new image */
		tsk->fsbase = 0;
		load_fsbase(0);
	}
	if (old) {
		tsk->maxrss = max(tsk->maxrss, old->hiwater_rss);
		mmput(old);
	}
	for (const char *p = path; *p; p++)
		if (*p == '/')
			name = p + 1;
	strncpy(tsk->comm, name, TASK_COMM_LEN - 1);
	tsk->comm[TASK_COMM_LEN - 1] = '\0';
	ownership_report_comm(tsk->pid, tsk->comm);

	memset(regs, 0, offsetof(struct pt_regs, vector));
	regs->ip = bprm.entry;
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	regs->flags = X86_EFLAGS_IF;
	regs->sp = create_elf_tables(&bprm);
	if (!regs->sp)
		send_sig(SIGSEGV, tsk);
	err = 0;
out:
	kfree(bprm.buf);
	return err;
}
