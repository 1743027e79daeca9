/*
 * emu/loader.c — loads a Multiboot v1 kernel and its modules into guest RAM,
 * accepting and rejecting what qemu-system-x86_64 7.2's -kernel accepts
 * and rejects (hw/i386/multiboot.c there), with one clear message instead
 * of QEMU's terse ones.
 *
 * Header search: the 12-byte header (magic, flags, checksum with
 * magic + flags + checksum == 0 mod 2^32) at a 4-byte-aligned offset below
 * 8192 - 48 in the file.  With flag bit 16 ("a.out kludge") the header's
 * next five words give the load addresses:
 *
 *   header_addr    physical address the header itself is loaded at
 *   load_addr      start of the text; file offset = header offset -
 *                  (header_addr - load_addr)
 *   load_end_addr  end of the data loaded from the file (0: to file end)
 *   bss_end_addr   end of the zeroed bss (0: no bss)
 *   entry_addr     EIP at entry
 *
 * Without it the file must be an ELF32 i386 image: PT_LOAD segments go to
 * p_paddr, bytes past p_filesz up to p_memsz are zeroed, EIP = e_entry; the
 * image spans the lowest to the highest segment byte.  x86-64 ELF files are
 * rejected, as QEMU rejects them.  mmulab also rejects what QEMU would
 * silently load nowhere: a segment outside RAM.
 */
#include "emu/emu.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "firmware/multiboot.h"

/* ELF32 layout (System V ABI, i386 supplement). */
#define EI_CLASS 4
#define EI_DATA 5
#define ELFCLASS32 1
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EM_386 3
#define EM_X86_64 62
#define PT_LOAD 1
#define EHDR32_SIZE 52
#define PHDR32_SIZE 32

static uint32_t get32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* Offset of a valid header, -1 if none; *bad_sum set when a magic was seen
 * with a wrong checksum (for a precise message). */
static long find_header(const uint8_t *img, size_t len, int *bad_sum)
{
	*bad_sum = 0;
	for (size_t i = 0; i < MB_HEADER_SEARCH - 48 && i + 12 <= len; i += 4) {
		if (get32(img + i) != MB_HEADER_MAGIC)
			continue;
		uint32_t sum = get32(img + i) + get32(img + i + 4) + get32(img + i + 8);
		if (sum == 0)
			return (long)i;
		*bad_sum = 1;
	}
	return -1;
}

static int load_aout(struct bus *b, const uint8_t *img, size_t len, size_t hdr,
		     struct kernel_info *k, char *err, size_t errlen)
{
	if (hdr + 32 > len) {
		snprintf(err, errlen, "Multiboot header at 0x%zx is cut off by the end "
			 "of the file", hdr);
		return -1;
	}
	uint32_t header_addr = get32(img + hdr + 12);
	uint32_t load_addr = get32(img + hdr + 16);
	uint32_t load_end = get32(img + hdr + 20);
	uint32_t bss_end = get32(img + hdr + 24);
	k->entry = get32(img + hdr + 28);
	if (header_addr < load_addr || header_addr - load_addr > hdr) {
		snprintf(err, errlen, "Multiboot header: header_addr 0x%x and load_addr "
			 "0x%x put the text before the start of the file",
			 header_addr, load_addr);
		return -1;
	}
	size_t text_off = hdr - (header_addr - load_addr);
	uint64_t load_size;
	if (load_end) {
		if (load_end < load_addr) {
			snprintf(err, errlen, "Multiboot header: load_end_addr 0x%x is "
				 "below load_addr 0x%x", load_end, load_addr);
			return -1;
		}
		load_size = load_end - load_addr;
		if (text_off + load_size > len) {
			snprintf(err, errlen, "Multiboot header: load_end_addr 0x%x is past "
				 "the end of the file", load_end);
			return -1;
		}
	} else {
		load_size = len - text_off;
	}
	if (load_size > 0xffffffffull - load_addr) {
		snprintf(err, errlen, "kernel does not fit in the 4 GiB address space");
		return -1;
	}
	uint64_t size = load_size;
	if (bss_end) {
		if (bss_end < load_addr + load_size) {
			snprintf(err, errlen, "Multiboot header: bss_end_addr 0x%x is below "
				 "the end of the loaded data 0x%llx", bss_end,
				 (unsigned long long)(load_addr + load_size));
			return -1;
		}
		size = bss_end - load_addr;
	}
	uint8_t *dst = bus_ram_range(b, load_addr, size);
	if (!dst) {
		snprintf(err, errlen, "kernel at 0x%x-0x%llx is outside RAM (%llu MiB)",
			 load_addr, (unsigned long long)(load_addr + size),
			 (unsigned long long)(b->ram_size >> 20));
		return -1;
	}
	memcpy(dst, img + text_off, load_size);
	memset(dst + load_size, 0, size - load_size);
	k->load_addr = load_addr;
	k->kernel_size = (uint32_t)size;
	k->aout_kludge = 1;
	return 0;
}

static int load_elf32(struct bus *b, const uint8_t *img, size_t len,
		      struct kernel_info *k, char *err, size_t errlen)
{
	if (len < EHDR32_SIZE || memcmp(img, "\177ELF", 4) != 0) {
		snprintf(err, errlen, "not an ELF file, and its Multiboot header has no "
			 "load addresses (flag 16)");
		return -1;
	}
	if (get16(img + 18) == EM_X86_64 || img[EI_CLASS] == ELFCLASS64) {
		snprintf(err, errlen, "cannot load an x86-64 ELF image: give a 32-bit "
			 "one (as QEMU requires)");
		return -1;
	}
	if (img[EI_CLASS] != ELFCLASS32 || img[EI_DATA] != ELFDATA2LSB ||
	    get16(img + 18) != EM_386) {
		snprintf(err, errlen, "not a little-endian ELF32 i386 image");
		return -1;
	}
	uint32_t phoff = get32(img + 28);
	uint16_t phentsize = get16(img + 42), phnum = get16(img + 44);
	if (phnum == 0 || phentsize < PHDR32_SIZE ||
	    phoff > len || (uint64_t)phnum * phentsize > len - phoff) {
		snprintf(err, errlen, "ELF program headers are missing or truncated");
		return -1;
	}
	uint64_t low = UINT64_MAX, high = 0;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < phnum; i++) {
			const uint8_t *ph = img + phoff + (size_t)i * phentsize;
			uint32_t off = get32(ph + 4), paddr = get32(ph + 12);
			uint32_t filesz = get32(ph + 16), memsz = get32(ph + 20);
			if (get32(ph) != PT_LOAD || memsz == 0)
				continue;
			if (pass == 0) {
				if (filesz > memsz || off > len || filesz > len - off) {
					snprintf(err, errlen, "ELF segment %u: file bytes "
						 "0x%x+0x%x are past the end of the file or "
						 "exceed its memory size", i, off, filesz);
					return -1;
				}
				uint8_t *dst = bus_ram_range(b, paddr, memsz);
				if (!dst) {
					snprintf(err, errlen, "ELF segment %u at 0x%x-0x%llx is "
						 "outside RAM (%llu MiB)", i, paddr,
						 (unsigned long long)paddr + memsz,
						 (unsigned long long)(b->ram_size >> 20));
					return -1;
				}
				if (paddr < low)
					low = paddr;
				if ((uint64_t)paddr + memsz > high)
					high = (uint64_t)paddr + memsz;
				continue;
			}
			/* Second pass: every segment checked, now copy. */
			uint8_t *dst = bus_ram_range(b, paddr, memsz);
			memcpy(dst, img + off, filesz);
			memset(dst + filesz, 0, memsz - filesz);
		}
		if (pass == 0 && high == 0) {
			snprintf(err, errlen, "ELF file has no loadable segment");
			return -1;
		}
	}
	k->entry = get32(img + 24);
	k->load_addr = (uint32_t)low;
	k->kernel_size = (uint32_t)(high - low);
	k->aout_kludge = 0;
	return 0;
}

int loader_load_kernel(struct bus *b, const uint8_t *img, size_t len,
		       struct kernel_info *k, char *err, size_t errlen)
{
	int bad_sum;
	memset(k, 0, sizeof(*k));
	long hdr = find_header(img, len, &bad_sum);
	if (hdr < 0) {
		if (bad_sum)
			snprintf(err, errlen, "Multiboot header has a bad checksum "
				 "(magic + flags + checksum must be 0)");
		else
			snprintf(err, errlen, "no Multiboot header (magic 0x1BADB002 in "
				 "the first 8 KiB, 4-byte aligned)");
		return -1;
	}
	k->header_flags = get32(img + hdr + 4);
	if (k->header_flags & MB_HF_AOUT_KLUDGE)
		return load_aout(b, img, len, (size_t)hdr, k, err, errlen);
	return load_elf32(b, img, len, k, err, errlen);
}

int loader_read_file(const char *path, const char *what, uint8_t **data,
		     size_t *len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		snprintf(err, errlen, "cannot open %s '%s': %s", what, path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > RAM_MAX) {
		snprintf(err, errlen, "%s '%s' is not a regular file of at most %llu MiB",
			 what, path, RAM_MAX >> 20);
		close(fd);
		return -1;
	}
	size_t n = (size_t)st.st_size;
	uint8_t *buf = malloc(n ? n : 1);
	size_t got = 0;
	while (buf && got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	int saved = errno;
	close(fd);
	if (!buf || got != n) {
		snprintf(err, errlen, "cannot read %s '%s': %s", what, path,
			 buf ? (got < n ? "short read" : strerror(saved)) : "out of memory");
		free(buf);
		return -1;
	}
	*data = buf;
	*len = n;
	return 0;
}

int loader_boot(struct bus *b, const struct options *o, uint32_t *entry,
		uint32_t *info, char *err, size_t errlen)
{
	uint8_t *img = NULL;
	size_t len;
	struct kernel_info k;
	char **names = NULL;
	int nmods = 0, loaded = 0, ret = -1;
	struct mb_module *mods = NULL;

	if (loader_read_file(o->kernel, "kernel", &img, &len, err, errlen) != 0)
		return -1;
	if (loader_load_kernel(b, img, len, &k, err, errlen) != 0) {
		/* Prefix the file name: the reason alone does not say which. */
		char reason[EMU_ERR];
		snprintf(reason, sizeof(reason), "%s", err);
		snprintf(err, errlen, "kernel '%s': %s", o->kernel, reason);
		goto out;
	}
	if (o->initrd) {
		nmods = mb_split_initrd(o->initrd, &names);
		mods = calloc(nmods > 0 ? (size_t)nmods : 1, sizeof(*mods));
		if (nmods < 0 || !mods) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		for (; loaded < nmods; loaded++) {
			/* The file name ends at the first space; the rest are
			 * arguments, passed in the module's command line. */
			char *path = strdup(names[loaded]);
			if (!path) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
			char *space = strchr(path, ' ');
			if (space)
				*space = 0;
			uint8_t *data;
			size_t size;
			int r = loader_read_file(path, "module", &data, &size, err, errlen);
			free(path);
			if (r != 0)
				goto out;
			mods[loaded] = (struct mb_module){ data, (uint32_t)size,
							   names[loaded] };
		}
	}
	struct mb_boot boot = {
		.load_addr = k.load_addr,
		.kernel_size = k.kernel_size,
		.kernel_path = o->kernel,
		.append = o->append,
		.initrd = o->initrd,
		.mods = mods,
		.nmods = nmods,
	};
	int64_t at = mb_build_info(b, &boot, err, errlen);
	if (at < 0)
		goto out;
	*entry = k.entry;
	*info = (uint32_t)at;
	ret = 0;
out:
	for (int i = 0; i < loaded; i++)
		free((void *)mods[i].data);
	free(mods);
	mb_free_split(names, nmods > 0 ? nmods : 0);
	free(img);
	return ret;
}
