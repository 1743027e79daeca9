/*
 * selftest.c — the allocators check themselves at boot, on the machine
 * they run on, and print one line per test ("selftest: NAME ok").
 *
 *   buddyinfo: the free lists equal the largest aligned blocks that the
 *     free frames (memory map minus memblock's reservations) form — worked
 *     out here by recursion over order-10 blocks, independently of the
 *     allocator's merging;
 *   split-merge: allocations of every order, then frees, leave the free
 *     lists exactly as they were;
 *   random: 20000 random allocations and frees of orders 0-10, each block
 *     tagged and checked, then check_free_areas() and no frame lost;
 *   kmalloc: every size class and two large sizes, tagged and freed, and
 *     the frame count returns to where it started.
 */
#include "kernel.h"
#include "memblock.h"
#include "mm.h"
#include "mmzone.h"
#include "setup.h"

static int passed, failed;

static void report(const char *name, bool ok)
{
	printk("selftest: %s %s\n", name, ok ? "ok" : "FAILED");
	if (ok)
		passed++;
	else
		failed++;
}

static void count_blocks(unsigned long pfn, unsigned int order, unsigned long want[NR_PAGE_ORDERS])
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < (1ul << order); i++)
		n += pfn + i < max_pfn && memblock_pfn_free(pfn + i);
	if (n == (1ul << order)) {
		want[order]++;
	} else if (n && order) {
		count_blocks(pfn, order - 1, want);
		count_blocks(pfn + (1ul << (order - 1)), order - 1, want);
	}
}

/* Must run before anything is allocated from the buddy allocator. */
int selftest_buddyinfo(void)
{
	bool ok = check_free_areas() == 0;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		struct zone *z = &contig_page_data.node_zones[i];
		unsigned long want[NR_PAGE_ORDERS] = { 0 };

		for (unsigned long pfn = z->zone_start_pfn; pfn < zone_end_pfn(z); pfn += MAX_ORDER_NR_PAGES)
			count_blocks(pfn, MAX_PAGE_ORDER, want);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			if (z->free_area[o].nr_free != want[o]) {
				printk("zone %s order %d: %lu free blocks, the memory map gives %lu\n", z->name, o,
				       z->free_area[o].nr_free, want[o]);
				ok = false;
			}
	}
	report("buddyinfo matches the memory map", ok);
	return ok ? 0 : 1;
}

static void snapshot(unsigned long counts[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	for (int i = 0; i < MAX_NR_ZONES; i++)
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			counts[i][o] = contig_page_data.node_zones[i].free_area[o].nr_free;
}

static bool same_as(unsigned long counts[MAX_NR_ZONES][NR_PAGE_ORDERS])
{
	unsigned long now[MAX_NR_ZONES][NR_PAGE_ORDERS];

	snapshot(now);
	return !memcmp(now, counts, sizeof(now));
}

static void test_split_merge(void)
{
	static unsigned long before[MAX_NR_ZONES][NR_PAGE_ORDERS];
	struct page *pages[NR_PAGE_ORDERS];
	bool ok = true;

	snapshot(before);
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		pages[o] = alloc_pages(GFP_KERNEL, o);
		ok = ok && pages[o] && !(page_to_pfn(pages[o]) & ((1ul << o) - 1));
	}
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++)
		if (pages[o])
			__free_pages(pages[o], o);
	report("split and merge restore the free lists", ok && same_as(before) && check_free_areas() == 0);
}

static u64 rnd_state = 88172645463325252ull;

static u64 rnd(void)
{
	/* xorshift64 */
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static void test_random(void)
{
	static struct {
		struct page *page;
		unsigned int order;
		u64 tag;
	} live[256];
	unsigned long free_before = nr_free_pages();
	bool ok = true;

	for (u64 op = 1; op <= 20000; op++) {
		unsigned int i = (unsigned int)(rnd() % ARRAY_SIZE(live));

		if (live[i].page) {
			u64 *w = page_address(live[i].page);

			ok = ok && w[0] == live[i].tag && w[((PAGE_SIZE << live[i].order) / 8) - 1] == ~live[i].tag;
			__free_pages(live[i].page, live[i].order);
			live[i].page = NULL;
		} else {
			unsigned int order = (unsigned int)__builtin_ctzl(rnd() | (1ul << 10));
			struct page *page = alloc_pages(GFP_KERNEL | __GFP_NOWARN, order);
			u64 *w;

			if (!page)
				continue;
			w = page_address(page);
			w[0] = op;
			w[((PAGE_SIZE << order) / 8) - 1] = ~op;
			live[i].page = page;
			live[i].order = order;
			live[i].tag = op;
		}
	}
	for (unsigned int i = 0; i < ARRAY_SIZE(live); i++)
		if (live[i].page)
			__free_pages(live[i].page, live[i].order);
	report("20000 random alloc/free, no overlap, no leak",
	       ok && nr_free_pages() == free_before && check_free_areas() == 0);
}

static void test_kmalloc(void)
{
	static const size_t sizes[] = { 1, 8, 13, 64, 96, 100, 192, 256, 500, 1024, 2000, 4096, 8000, 8192, 20000, 300000 };
	void *objs[ARRAY_SIZE(sizes)][20];
	unsigned long free_before = nr_free_pages();
	bool ok = true;

	for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++)
		for (int i = 0; i < 20; i++) {
			objs[s][i] = kmalloc(sizes[s], GFP_KERNEL);
			ok = ok && objs[s][i] && ksize(objs[s][i]) >= sizes[s];
			if (objs[s][i])
				memset(objs[s][i], s * 20 + i, sizes[s]);
		}
	for (unsigned int s = 0; s < ARRAY_SIZE(sizes); s++)
		for (int i = 0; i < 20; i++) {
			unsigned char *p = objs[s][i];

			ok = ok && p && p[0] == (unsigned char)(s * 20 + i) && p[sizes[s] - 1] == p[0];
			kfree(p);
		}
	report("kmalloc of every size class, tagged, freed, no leak", ok && nr_free_pages() == free_before);
}

int run_selftests(void)
{
	test_split_merge();
	test_random();
	test_kmalloc();
	printk("selftest: %d passed, %d failed\n", passed, failed);
	return failed;
}
