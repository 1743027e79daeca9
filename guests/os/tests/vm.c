/*
 * vm: the kernel's own test of the memory system calls the workloads do not
 * reach, run as init from initrd-test.cpio (tests/integration/os.sh, case
 * "vm").  Each line states what it checked and the counts it saw; the
 * expected transcript holds the right answers:
 *
 *   file     open/read of /bin/vm; a private file mapping reads the same
 *            bytes, a write to it copies the page (the file stays as it was),
 *            MAP_SHARED|PROT_WRITE of a read-only file is EACCES;
 *   munmap   a hole in the middle of a mapping splits it: the hole faults
 *            (SIGSEGV), both sides keep their data;
 *   mprotect read-only: a write is SIGSEGV; PROT_NONE: a read is SIGSEGV;
 *            back to read-write: the data is still there;
 *   madvise  MADV_DONTNEED drops the pages: they read as zero and fault
 *            again; other advice is EINVAL;
 *   stack    a 1 MiB frame grows the stack VMA: one fault per new page;
 *   shared   MAP_SHARED|MAP_ANONYMOUS: a child's writes reach the parent,
 *            also on a page the parent had not touched before fork; the
 *            mapping is "/dev/zero (deleted)" in /proc/self/maps;
 *   rusage   RUSAGE_CHILDREN adds up the minor faults of reaped children.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "../user/workload.h"

static volatile char *probe;
static int probe_write;

static void touch(void *unused)
{
	if (probe_write)
		*probe = 1;
	else
		(void)*probe;
}

/* How a child touching P (a write if W) ends. */
static const char *try(volatile char *p, int w)
{
	static char why[64];

	probe = p;
	probe_write = w;
	return describe_status(in_child(touch, 0), why, sizeof(why));
}

__attribute__((noinline)) static long deep_stack(void)
{
	volatile char big[1 << 20];
	long f0 = minflt();

	for (unsigned long i = 0; i < sizeof(big); i += PAGE_SIZE)
		big[i] = 1;
	return minflt() - f0 + big[0] - 1;
}

static void file_tests(void)
{
	char buf[64];
	int fd = open("/bin/vm", O_RDONLY);
	long n = read(fd, buf, sizeof(buf)), f0;
	char *m, *m2;

	printf("vm: file: open fd %d, read %ld bytes, ELF magic %s\n", fd, n,
	       n >= 4 && !memcmp(buf, "\177ELF", 4) ? "ok" : "WRONG");
	m = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	printf("vm: file: private mapping %s the bytes read\n",
	       m != MAP_FAILED && !memcmp(m, buf, sizeof(buf)) ? "matches" : "DIFFERS FROM");
	f0 = minflt();
	m[0] = 'X';
	f0 = minflt() - f0;
	m2 = mmap(0, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
	printf("vm: file: write to the private page: minflt +%ld (a copy), the file still reads %s\n",
	       f0, m2 != MAP_FAILED && m2[0] == 0x7f ? "0x7f" : "CHANGED");
	errno = 0;
	printf("vm: file: MAP_SHARED|PROT_WRITE: %s\n",
	       mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES
		       ? "EACCES"
		       : "ALLOWED");
	munmap(m, 8192);
	munmap(m2, 4096);
	close(fd);
}

static volatile int *shared;

static void shared_child(void *unused)
{
	shared[0] = 42;
	shared[PAGE_SIZE / sizeof(int)] = 43;
}

static void shared_tests(void)
{
	char maps[4096];
	int fd, n;

	shared = mmap(0, 2 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		perror("vm: shared: mmap");
		return;
	}
	shared[0] = 1;
	in_child(shared_child, 0);
	printf("vm: shared: after the child wrote: %d %d\n", shared[0], shared[PAGE_SIZE / sizeof(int)]);
	fd = open("/proc/self/maps", O_RDONLY);
	n = (int)read(fd, maps, sizeof(maps) - 1);
	close(fd);
	maps[n > 0 ? n : 0] = 0;
	printf("vm: shared: /proc/self/maps %s \"rw-s ... /dev/zero (deleted)\"\n",
	       strstr(maps, "rw-s") && strstr(maps, "/dev/zero (deleted)") ? "shows" : "LACKS");
	munmap((void *)shared, 2 * PAGE_SIZE);
}

int main(void)
{
	char *p = mmap(0, 3 * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	long f0, f1, f2;
	struct rusage ru;
	int c;

	file_tests();

	p[0] = 'a', p[PAGE_SIZE] = 'b', p[2 * PAGE_SIZE] = 'c';
	printf("vm: munmap: middle page unmapped: %d\n", munmap(p + PAGE_SIZE, PAGE_SIZE));
	printf("vm: munmap: touching the hole: child %s\n", try(p + PAGE_SIZE, 0));
	printf("vm: munmap: both sides kept: %c %c\n", p[0], p[2 * PAGE_SIZE]);

	printf("vm: mprotect: read-only: %d\n", mprotect(p, PAGE_SIZE, PROT_READ));
	printf("vm: mprotect: a write: child %s\n", try(p, 1));
	printf("vm: mprotect: PROT_NONE: %d\n", mprotect(p, PAGE_SIZE, PROT_NONE));
	printf("vm: mprotect: a read: child %s\n", try(p, 0));
	mprotect(p, PAGE_SIZE, PROT_READ | PROT_WRITE);
	p[1] = 'z';
	printf("vm: mprotect: read-write again, data %c%c\n", p[0], p[1]);

	f0 = minflt();
	printf("vm: madvise: MADV_DONTNEED: %d\n", madvise(p, PAGE_SIZE, MADV_DONTNEED));
	f1 = minflt();
	c = p[0];
	f2 = minflt();
	printf("vm: madvise: the page reads %d, minflt +%ld (the call itself +%ld)\n", c, f2 - f1, f1 - f0);
	errno = 0;
	printf("vm: madvise: MADV_NORMAL: %s\n", madvise(p, PAGE_SIZE, MADV_NORMAL) < 0 && errno == EINVAL
							 ? "EINVAL" : "accepted");

	printf("vm: stack: 1 MiB frame: minflt +%ld (one per page not mapped yet)\n", deep_stack());

	shared_tests();

	try(p + 2 * PAGE_SIZE, 1);
	getrusage(RUSAGE_CHILDREN, &ru);
	printf("vm: rusage: children's minflt %s\n", ru.ru_minflt > 0 ? "counted" : "MISSING");
	return 0;
}
