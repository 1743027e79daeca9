/*
 * pagecache FILE: the page cache seen through a file's pages.  FILE is
 * mapped and read one byte per page, three times:
 *
 *   1. after drop_caches: every page is read from the archive into the
 *      cache — one major fault per page, Cached grows by the file's pages;
 *   2. mapped again: the pages are still cached — minor faults only;
 *   3. after drop_caches again (nobody maps them now): major faults again.
 *
 * Prints the faults (getrusage) and Cached (/proc/meminfo) of each step.
 */
#include <fcntl.h>
#include <sys/mman.h>

#include "procfs.h"
#include "workload.h"

static long file_size(const char *path)
{
	static char buf[4096];
	int fd = open(path, O_RDONLY);
	long n = 0, got;

	if (fd < 0)
		return -1;
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		n += got;
	close(fd);
	return n;
}

static void read_through_map(const char *path, long pages, const char *what)
{
	int fd = open(path, O_RDONLY);
	long min0 = minflt(), maj0 = majflt(), cached0 = proc_value("/proc/meminfo", "Cached");
	volatile char *p = mmap(0, (unsigned long)pages * PAGE_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	unsigned long sum = 0;

	close(fd);
	if (p == MAP_FAILED) {
		printf("pagecache: mmap failed\n");
		return;
	}
	for (long i = 0; i < pages; i++)
		sum += (unsigned char)p[i * PAGE_SIZE];
	munmap((void *)p, (unsigned long)pages * PAGE_SIZE);
	printf("pagecache: %s: majflt +%ld, minflt +%ld, Cached %+ld kB (byte sum %lu)\n", what, majflt() - maj0,
	       minflt() - min0, proc_value("/proc/meminfo", "Cached") - cached0, sum);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/pagecache.dat";
	long size = file_size(path), pages = (size + (long)PAGE_SIZE - 1) / (long)PAGE_SIZE, cached;

	if (size <= 0) {
		printf("pagecache: cannot read %s\n", path);
		return 1;
	}
	printf("pagecache: %s: %ld bytes = %ld pages\n", path, size, pages);
	write_proc("/proc/sys/vm/drop_caches", "1");
	read_through_map(path, pages, "first read (cold)");
	read_through_map(path, pages, "second read (cached)");
	cached = proc_value("/proc/meminfo", "Cached");
	write_proc("/proc/sys/vm/drop_caches", "1");
	printf("pagecache: drop_caches: Cached %+ld kB\n", proc_value("/proc/meminfo", "Cached") - cached);
	read_through_map(path, pages, "third read (dropped)");
	return 0;
}
