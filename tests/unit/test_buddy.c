/*
 * tests/unit/test_buddy.c — the guest OS's buddy and slab allocators
 * (guests/os/mm/page_alloc.c and slab.c) compiled for the host, with
 * OS_HOST_TEST, over a 64 MiB buffer standing in for RAM: the direct map
 * (page_offset_base) points at the buffer, frame 0 at its first byte.
 *
 * Checked: the free lists after boot are the largest aligned blocks the
 * free frames form (worked out here independently, by recursion over
 * order-10 blocks); one order-0 allocation splits a 4 MiB block into one
 * block of each order 0..9 and freeing it merges them back; exhausting a
 * zone gives out exactly its frames; a million random alloc/free
 * operations keep every invariant (check_free_areas), never hand out
 * overlapping blocks (each block is filled with a tag and checked when
 * freed) and leak nothing; the same for kmalloc/kfree over every size
 * class and large sizes; a cache with a constructor; the frame kinds
 * reported to the ownership channel.
 */
#define OS_HOST_TEST 1
#include <check.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "guests/os/mm/page_alloc.c"
#include "guests/os/mm/slab.c"
#include "tests/unit/check_run.h"

/* Hot-loop assertion: check's ck_assert records each passing point (a write per call). */
#define REQUIRE(cond, ...)                         \
	do {                                       \
		if (!(cond))                       \
			ck_abort_msg(__VA_ARGS__); \
	} while (0)

#define NPAGES 16384ul	/* 64 MiB: ZONE_DMA 0-16 MiB, ZONE_DMA32 16-64 MiB */

unsigned long page_offset_base;
static unsigned char *ram;
static unsigned char reported_kind[NPAGES];
static unsigned long reports;

int printk(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = getenv("BUDDY_VERBOSE") ? vprintf(fmt, ap) : 0;
	va_end(ap);
	return n;
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ck_abort_msg("panic: %s", msg);
	abort();
}

/* Reclaim and the OOM killer are not part of this test: nothing to reclaim, nobody to kill. */
void wakeup_kswapd(unsigned int order, int highest_zoneidx) {}
bool current_is_memalloc(void) { return false; }
unsigned long try_to_free_pages(gfp_t gfp_mask, unsigned int order) { return 0; }
bool out_of_memory(gfp_t gfp_mask, unsigned int order) { return false; }
bool current_is_oom_victim(void) { return false; }

void ownership_report(unsigned long pfn, unsigned long nr, enum page_kind kind, pid_t pid)
{
	REQUIRE(pfn + nr <= NPAGES, "report past the end: pfn %lu nr %lu", pfn, nr);
	memset(reported_kind + pfn, kind, nr);
	reports++;
}

/* Free frames after boot: [256, 1000) and [1003, 16000), so blocks of every order meet a hole. */
static bool boot_free(unsigned long pfn)
{
	return (pfn >= 256 && pfn < 1000) || (pfn >= 1003 && pfn < 16000);
}

static void boot(void)
{
	unsigned long present[MAX_NR_ZONES] = { 4096, NPAGES - 4096, 0 };

	if (!ram)
		ram = aligned_alloc(4 << 20, NPAGES * PAGE_SIZE);
	ck_assert_ptr_nonnull(ram);
	free(mem_map);
	mem_map = calloc(NPAGES, sizeof(struct page));
	max_pfn = NPAGES;
	page_offset_base = (unsigned long)ram;
	memset(reported_kind, PAGE_KIND_RESERVED, sizeof(reported_kind));
	free_area_init(present);
	free_boot_pages(256, 1000);
	free_boot_pages(1003, 16000);
}

static void setup(void)
{
	srandom(12345);
	boot();
}

/* Blocks the free frames form, counted per order into want[zone][order]. */
static void count_blocks(unsigned long pfn, unsigned int order, bool (*is_free)(unsigned long),
			 unsigned long want[NR_PAGE_ORDERS])
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < (1ul << order); i++)
		n += is_free(pfn + i);
	if (n == (1ul << order)) {
		want[order]++;
	} else if (n && order) {
		count_blocks(pfn, order - 1, is_free, want);
		count_blocks(pfn + (1ul << (order - 1)), order - 1, is_free, want);
	}
}

static void check_buddyinfo(bool (*is_free)(unsigned long))
{
	for (int z = 0; z < 2; z++) {
		struct zone *zone = &contig_page_data.node_zones[z];
		unsigned long want[NR_PAGE_ORDERS] = { 0 };

		for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone); pfn += MAX_ORDER_NR_PAGES)
			count_blocks(pfn, MAX_PAGE_ORDER, is_free, want);
		for (int o = 0; o < NR_PAGE_ORDERS; o++)
			REQUIRE(zone->free_area[o].nr_free == want[o], "zone %s order %d: %lu free, want %lu",
				      zone->name, o, zone->free_area[o].nr_free, want[o]);
	}
	ck_assert_int_eq(check_free_areas(), 0);
}

START_TEST(test_boot_blocks)
{
	check_buddyinfo(boot_free);
	ck_assert_uint_eq(nr_free_pages(), (1000 - 256) + (16000 - 1003));
	ck_assert_uint_eq(contig_page_data.node_zones[ZONE_DMA].managed_pages, 4096 - 256 - 3);
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++)
		REQUIRE(reported_kind[pfn] == (boot_free(pfn) ? PAGE_KIND_FREE : PAGE_KIND_RESERVED),
			"pfn %lu reported as kind %d", pfn, reported_kind[pfn]);
}
END_TEST

START_TEST(test_split_and_merge)
{
	struct zone *dma32 = &contig_page_data.node_zones[ZONE_DMA32];
	unsigned long before[NR_PAGE_ORDERS];
	struct page *p;

	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		before[o] = dma32->free_area[o].nr_free;
	/* DMA32 holds only blocks of order 10 and the odd tail below 16000. */
	p = alloc_pages(__GFP_DMA32, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(page_to_pfn(p), 4096);
	ck_assert_int_eq(page_ref_count(p), 1);
	ck_assert_int_eq(p->kind, PAGE_KIND_KERNEL);
	/* The lowest order with a block in DMA32 was split: one more block of each order below it. */
	unsigned int k = 0;
	while (before[k] == 0)
		k++;
	for (unsigned int o = 0; o < NR_PAGE_ORDERS; o++) {
		unsigned long want = before[o] + (o < k ? 1 : 0) - (o == k ? 1 : 0);
		ck_assert_msg(dma32->free_area[o].nr_free == want, "order %u: %lu, want %lu", o,
			      dma32->free_area[o].nr_free, want);
	}
	ck_assert_int_eq(check_free_areas(), 0);
	__free_pages(p, 0);
	for (int o = 0; o < NR_PAGE_ORDERS; o++)
		ck_assert_uint_eq(dma32->free_area[o].nr_free, before[o]);
	check_buddyinfo(boot_free);

	/* An order-10 block from a fresh boot comes whole, aligned, and merges back. */
	p = alloc_pages(GFP_KERNEL, MAX_PAGE_ORDER);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(page_to_pfn(p) % MAX_ORDER_NR_PAGES, 0);
	ck_assert(PageHead(p));
	ck_assert_ptr_eq(compound_head(p + 5), p);
	put_page(p + 5);
	check_buddyinfo(boot_free);
	ck_assert_ptr_null(alloc_pages(GFP_KERNEL | __GFP_NOWARN, MAX_PAGE_ORDER + 1));
}
END_TEST

START_TEST(test_exhaust_and_watermarks)
{
	unsigned long total = nr_free_pages(), n = 0;
	struct page **pages = calloc(total, sizeof(*pages));
	struct page *p;

	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)))
		pages[n++] = p;
	ck_assert_uint_eq(n, total);
	ck_assert_uint_eq(nr_free_pages(), 0);
	for (unsigned long i = 0; i < n; i++)
		__free_pages(pages[i], 0);
	check_buddyinfo(boot_free);

	/*
	 * With watermarks (Linux's __zone_watermark_ok), GFP_KERNEL stops at
	 * min and GFP_ATOMIC at min - min/2 per zone, each zone also keeping
	 * its lowmem_reserve against allocations that could use ZONE_NORMAL.
	 */
	init_per_zone_wmark_min();
	unsigned long mins = 0, atomic = 0;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &contig_page_data.node_zones[z];

		if (!populated_zone(zone))
			continue;
		mins += min_wmark_pages(zone) + zone->lowmem_reserve[ZONE_NORMAL];
		atomic += min_wmark_pages(zone) - min_wmark_pages(zone) / 2 + zone->lowmem_reserve[ZONE_NORMAL];
	}
	ck_assert_uint_gt(mins, 0);
	n = 0;
	while ((p = alloc_pages(GFP_KERNEL | __GFP_NOWARN, 0)))
		pages[n++] = p;
	ck_assert_uint_eq(nr_free_pages(), mins);
	while ((p = alloc_pages(GFP_ATOMIC | __GFP_NOWARN, 0)))
		pages[n++] = p;
	ck_assert_uint_eq(nr_free_pages(), atomic);
	for (unsigned long i = 0; i < n; i++)
		__free_pages(pages[i], 0);
	check_buddyinfo(boot_free);
	free(pages);
}
END_TEST

#define SLOTS 4096

struct block {
	struct page *page;
	unsigned int order;
	unsigned long tag;
};

static void fill(void *p, size_t n, unsigned long tag)
{
	unsigned long *w = p;

	for (size_t i = 0; i < n / sizeof(long); i += 64)
		w[i] = tag ^ i;
}

static void verify(const void *p, size_t n, unsigned long tag)
{
	const unsigned long *w = p;

	for (size_t i = 0; i < n / sizeof(long); i += 64)
		REQUIRE(w[i] == (tag ^ i), "block tagged %lu was overwritten", tag);
}

START_TEST(test_random_million)
{
	static struct block live[SLOTS];
	unsigned long total = nr_free_pages(), failures = 0;

	memset(live, 0, sizeof(live));
	for (unsigned long op = 1; op <= 1000000; op++) {
		struct block *b = &live[random() % SLOTS];

		if (b->page) {
			verify(page_address(b->page), PAGE_SIZE << b->order, b->tag);
			__free_pages(b->page, b->order);
			b->page = NULL;
		} else {
			/* Small orders mostly, as a kernel asks: order k with probability ~2^-(k+1). */
			unsigned int order = (unsigned int)__builtin_ctzl((unsigned long)random() | (1ul << 10));
			gfp_t gfp = random() % 8 == 0 ? __GFP_DMA : GFP_KERNEL;

			b->page = alloc_pages(gfp | __GFP_NOWARN, order);
			if (!b->page) {
				failures++;
				continue;
			}
			REQUIRE(!(gfp & __GFP_DMA) || page_to_pfn(b->page) < 4096, "__GFP_DMA block above 16 MiB");
			REQUIRE(page_to_pfn(b->page) % (1ul << order) == 0, "block of order %u misaligned", order);
			b->order = order;
			b->tag = op;
			fill(page_address(b->page), PAGE_SIZE << order, op);
		}
		if (op % 50000 == 0)
			ck_assert_int_eq(check_free_areas(), 0);
	}
	for (int i = 0; i < SLOTS; i++)
		if (live[i].page) {
			verify(page_address(live[i].page), PAGE_SIZE << live[i].order, live[i].tag);
			__free_pages(live[i].page, live[i].order);
		}
	ck_assert_uint_eq(nr_free_pages(), total);
	check_buddyinfo(boot_free);
	for (unsigned long pfn = 0; pfn < NPAGES; pfn++)
		REQUIRE(reported_kind[pfn] == (boot_free(pfn) ? PAGE_KIND_FREE : PAGE_KIND_RESERVED),
			"pfn %lu reported as kind %d", pfn, reported_kind[pfn]);
	(void)failures;
}
END_TEST

struct obj {
	void *p;
	size_t size;
	unsigned long tag;
};

static void fill_bytes(void *p, size_t n, unsigned long tag)
{
	memset(p, (int)(tag & 0xff), n < 64 ? n : 64);
	if (n >= 128)
		memset((char *)p + n - 64, (int)(tag & 0xff), 64);
}

static void verify_bytes(const void *p, size_t n, unsigned long tag)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n && i < 64; i++)
		REQUIRE(c[i] == (tag & 0xff), "object tagged %lu was overwritten", tag);
	if (n >= 128)
		for (size_t i = n - 64; i < n; i++)
			REQUIRE(c[i] == (tag & 0xff), "object tagged %lu was overwritten", tag);
}

START_TEST(test_kmalloc_million)
{
	static struct obj live[SLOTS];
	unsigned long free_before, slab_before;

	kmem_cache_init();
	free_before = nr_free_pages();
	slab_before = slab_pages();
	memset(live, 0, sizeof(live));
	for (unsigned long op = 1; op <= 1000000; op++) {
		struct obj *o = &live[random() % SLOTS];

		if (o->p) {
			verify_bytes(o->p, o->size, o->tag);
			REQUIRE(ksize(o->p) >= o->size, "ksize %zu < %zu", ksize(o->p), o->size);
			kfree(o->p);
			o->p = NULL;
		} else {
			/* Sizes 1..8192 mostly, sometimes up to 64 KiB (whole pages). */
			size_t size = random() % 16 == 0 ? 1 + random() % 65536 : 1 + random() % 8192;

			o->p = kmalloc(size, random() % 4 ? GFP_KERNEL : __GFP_ZERO);
			REQUIRE(o->p, "kmalloc(%zu) failed", size);
			o->size = size;
			o->tag = op;
			fill_bytes(o->p, size, op);
		}
		if (op % 100000 == 0)
			ck_assert_int_eq(check_free_areas(), 0);
	}
	for (int i = 0; i < SLOTS; i++)
		if (live[i].p) {
			verify_bytes(live[i].p, live[i].size, live[i].tag);
			kfree(live[i].p);
		}
	ck_assert_uint_eq(slab_pages(), slab_before);
	ck_assert_uint_eq(nr_free_pages(), free_before);
	ck_assert_int_eq(check_free_areas(), 0);
}
END_TEST

static int ctor_calls;

static void ctor(void *p)
{
	ctor_calls++;
	memset(p, 0x5a, 40);
}

START_TEST(test_cache_ctor_zero_and_kinds)
{
	struct kmem_cache *s;
	void *objs[100];
	unsigned long free_before;

	kmem_cache_init();
	free_before = nr_free_pages();
	s = kmem_cache_create("test_obj", 40, 0, SLAB_HWCACHE_ALIGN, ctor);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->size, 64);
	ck_assert_uint_eq(s->objects, 64);
	for (int i = 0; i < 100; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		ck_assert_ptr_nonnull(objs[i]);
		ck_assert_uint_eq((unsigned long)objs[i] % 64, 0);
		ck_assert_int_eq(reported_kind[PFN_DOWN(__pa(objs[i]))], PAGE_KIND_SLAB);
		ck_assert(PageSlab(virt_to_page(objs[i])));
	}
	ck_assert_int_eq(ctor_calls, 128);	/* two slabs of 64 */
	ck_assert_uint_eq(((unsigned char *)objs[7])[39], 0x5a);
	for (int i = 0; i < 100; i++)
		kmem_cache_free(s, objs[i]);
	ck_assert_uint_eq(s->nr_slabs, 0);
	kmem_cache_destroy(s);

	unsigned char *z = kzalloc(3000, GFP_KERNEL);
	for (int i = 0; i < 3000; i++)
		REQUIRE(z[i] == 0, "kzalloc byte %d not zero", i);
	memset(z, 0xff, 3000);
	kfree(z);
	z = kzalloc(3000, GFP_KERNEL);
	for (int i = 0; i < 3000; i++)
		REQUIRE(z[i] == 0, "kzalloc byte %d not zero", i);
	kfree(z);
	ck_assert_uint_eq(nr_free_pages(), free_before);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("buddy");
	TCase *t = tcase_create("buddy");

	tcase_add_checked_fixture(t, setup, NULL);
	tcase_set_timeout(t, 120);
	tcase_add_test(t, test_boot_blocks);
	tcase_add_test(t, test_split_and_merge);
	tcase_add_test(t, test_exhaust_and_watermarks);
	tcase_add_test(t, test_random_million);
	tcase_add_test(t, test_kmalloc_million);
	tcase_add_test(t, test_cache_ctor_zero_and_kinds);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_run(suite());
}
