/*
 * writeback [FILE]: dirty file pages and their way back to the file.
 * FILE (default /pagecache.dat) is opened O_RDWR; P is its pages, E the
 * even ones among them (P / 2 rounded up):
 *
 *   1. after drop_caches, written through a MAP_SHARED mapping, a stamp
 *      on each page but the first: a major fault per page (the page is
 *      read in), the MMU sets each PTE's dirty bit; munmap hands the D
 *      bits to the pages (PG_dirty);
 *   2. write(2) of 16 bytes at offset 0: the first page, dirty too;
 *   3. drop_caches: nothing goes, every cached page is dirty;
 *   4. sync: P pages written back (nr_written +P, pgpgout +4P kB); again:
 *      nothing left to write;
 *   5. drop_caches: the P pages go; mapped again and read: a major fault
 *      per page, and every page holds what was written;
 *   6. a second stamp on the E even pages through the mapping (a minor
 *      write-protect fault each), sync while still mapped (the reverse map
 *      finds the D bits: E written), sync (nothing), the same stores
 *      again (no fault: the PTEs are writable, the MMU sets D again), sync
 *      (E written again);
 *   7. unmapped, drop_caches, read(2): the E even pages hold the stamp.
 *
 * Prints each step's counters: faults (getrusage), Cached (/proc/meminfo),
 * nr_written and pgpgout (/proc/vmstat).
 */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "procfs.h"
#include "workload.h"

#define STAMP_LEN 16

static long pages;

static long cached(void)
{
	return proc_value("/proc/meminfo", "Cached");
}

static long vmstat(const char *name)
{
	return proc_value("/proc/vmstat", name);
}

/* The stamp of page i, generation gen: "writeback G:IIII", 16 bytes. */
static void stamp(char *buf, int gen, long i)
{
	memcpy(buf, "writeback 0:0000", STAMP_LEN);
	buf[10] = (char)('0' + gen);
	for (int d = 15; d >= 12; d--, i /= 10)
		buf[d] = (char)('0' + i % 10);
}

static void drop_caches(const char *what)
{
	long c = cached();

	write_proc("/proc/sys/vm/drop_caches", "1");
	printf("writeback: drop_caches (%s): Cached %+ld kB\n", what, cached() - c);
}

static void do_sync(const char *what)
{
	long w = vmstat("nr_written"), o = vmstat("pgpgout");

	sync();
	printf("writeback: sync (%s): nr_written %+ld, pgpgout %+ld kB\n", what, vmstat("nr_written") - w,
	       vmstat("pgpgout") - o);
}

/* Stores generation gen's stamp on the pages from first, every step-th. */
static void store(char *p, int gen, long first, long step, const char *what)
{
	long min0 = minflt(), maj0 = majflt(), c = cached();
	char buf[STAMP_LEN];

	for (long i = first; i < pages; i += step) {
		stamp(buf, gen, i);
		memcpy(p + i * PAGE_SIZE, buf, STAMP_LEN);
	}
	printf("writeback: %s: majflt %+ld, minflt %+ld, Cached %+ld kB\n", what, majflt() - maj0, minflt() - min0,
	       cached() - c);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/pagecache.dat";
	static char buf[4096];
	char want[STAMP_LEN];
	long size = 0, got, min0, maj0, c, good, even = 0;
	int fd = open(path, O_RDWR);
	char *p;

	if (fd < 0) {
		printf("writeback: cannot open %s for writing\n", path);
		return 1;
	}
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		size += got;
	close(fd);
	pages = (size + (long)PAGE_SIZE - 1) / (long)PAGE_SIZE;
	printf("writeback: %s: %ld bytes = %ld pages\n", path, size, pages);
	write_proc("/proc/sys/vm/drop_caches", "1");

	/* 1-2: dirty every page, through a shared mapping and write(2) */
	fd = open(path, O_RDWR);
	p = mmap(0, (unsigned long)pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		printf("writeback: mmap MAP_SHARED PROT_WRITE failed\n");
		return 1;
	}
	store(p, 1, 1, 1, "stamped pages 1.. through MAP_SHARED");
	munmap(p, (unsigned long)pages * PAGE_SIZE);
	c = cached();
	stamp(want, 1, 0);
	got = write(fd, want, STAMP_LEN);
	printf("writeback: write(2) of %d bytes at 0: %ld, Cached %+ld kB\n", STAMP_LEN, got, cached() - c);
	close(fd);

	/* 3-5: drop_caches keeps dirty pages; sync writes them; then they can go */
	drop_caches("all dirty");
	do_sync("all dirty");
	do_sync("again");
	drop_caches("all clean");
	fd = open(path, O_RDWR);
	p = mmap(0, (unsigned long)pages * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	min0 = minflt();
	maj0 = majflt();
	good = 0;
	for (long i = 0; i < pages; i++) {
		stamp(want, 1, i);
		good += !memcmp(p + i * PAGE_SIZE, want, STAMP_LEN);
	}
	printf("writeback: read back: majflt %+ld, minflt %+ld, %ld of %ld pages hold the stamp\n", majflt() - maj0,
	       minflt() - min0, good, pages);

	/* 6: the D bit, found through the reverse map while mapped */
	store(p, 2, 0, 2, "second stamp on the even pages");
	do_sync("mapped, even pages dirty");
	do_sync("mapped, again");
	store(p, 2, 0, 2, "the same stores again");
	do_sync("mapped, D set again");
	munmap(p, (unsigned long)pages * PAGE_SIZE);

	/* 7: from the file itself */
	drop_caches("unmapped, clean");
	fd = open(path, O_RDONLY);
	good = 0;
	for (long i = 0; read(fd, buf, sizeof(buf)) > 0; i++) {
		if (i % 2)
			continue;
		even++;
		stamp(want, 2, i);
		good += !memcmp(buf, want, STAMP_LEN);
	}
	close(fd);
	printf("writeback: read(2): %ld of %ld even pages hold the second stamp\n", good, even);
	return 0;
}
