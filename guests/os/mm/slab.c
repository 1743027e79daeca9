/*
 * slab.c — the slab allocator: kernel objects of one size packed into
 * "slabs", blocks of 2^order frames from the buddy allocator.
 *
 * The shape is SLUB's, simplified.  A cache (struct kmem_cache) has a
 * list of partial slabs (some objects free) and a list of full ones.  A
 * slab's bookkeeping lives in the struct page of its first frame
 * (PG_slab, slab_cache, freelist, inuse, objects); its free objects form a
 * singly linked list threaded through the objects themselves — the first
 * word of a free object points to the next free one.  Every struct page
 * of the slab points to that first page (compound_head), so kfree() finds
 * the cache from any object address through virt_to_page().
 *
 *   allocate: pop the freelist of the first partial slab (a new slab when
 *             there is none); a slab with no free object moves to full;
 *   free:     push onto its slab's freelist; a full slab moves back to
 *             partial; an empty slab goes back to the buddy allocator.
 *
 * kmalloc() picks the smallest of the kmalloc-N caches that fits; above
 * KMALLOC_MAX_CACHE_SIZE it takes whole pages from the buddy allocator.
 */
#include "kernel.h"
#include "mm.h"
#include "mmzone.h"
#include "slab.h"
#include "spinlock.h"

struct kmem_cache {
	const char *name;
	unsigned int object_size;	/* what the caller asked for */
	unsigned int size;		/* object plus padding: the stride in the slab */
	unsigned int order;		/* each slab is 2^order frames */
	unsigned int objects;		/* objects per slab */
	void (*ctor)(void *);
	spinlock_t lock;
	struct list_head partial, full;
	unsigned long nr_slabs, nr_objs_inuse;
	struct list_head list;		/* on slab_caches */
};

#define KMALLOC_MIN_SIZE 8
#define KMALLOC_MAX_CACHE_SIZE 8192
#define SLUB_MIN_OBJECTS 8
#define SLUB_MAX_ORDER 3

static const unsigned int kmalloc_sizes[] = { 8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192 };
static const char *const kmalloc_names[] = { "kmalloc-8",   "kmalloc-16",  "kmalloc-32", "kmalloc-64",
					      "kmalloc-96",  "kmalloc-128", "kmalloc-192", "kmalloc-256",
					      "kmalloc-512", "kmalloc-1k",  "kmalloc-2k",  "kmalloc-4k",
					      "kmalloc-8k" };
static struct kmem_cache *kmalloc_caches[ARRAY_SIZE(kmalloc_sizes)];

/* The cache of caches: kmem_cache_create() allocates from it. */
static struct kmem_cache kmem_cache_boot;
static struct list_head slab_caches = LIST_HEAD_INIT(slab_caches);
static spinlock_t slab_caches_lock = __SPIN_LOCK_UNLOCKED;

/* Smallest order with at least SLUB_MIN_OBJECTS objects (at most SLUB_MAX_ORDER). */
static unsigned int calculate_order(unsigned int size)
{
	unsigned int order = 0;

	while (order < SLUB_MAX_ORDER && (PAGE_SIZE << order) / size < SLUB_MIN_OBJECTS)
		order++;
	return order;
}

static void init_cache(struct kmem_cache *s, const char *name, unsigned int size, unsigned int align,
		       unsigned int flags, void (*ctor)(void *))
{
	if (flags & SLAB_HWCACHE_ALIGN)
		align = max(align, 64u);
	align = max(align, (unsigned int)sizeof(void *));
	s->name = name;
	s->object_size = size;
	s->size = ALIGN(max(size, (unsigned int)sizeof(void *)), align);
	s->order = calculate_order(s->size);
	s->objects = (unsigned int)((PAGE_SIZE << s->order) / s->size);
	s->ctor = ctor;
	spin_lock_init(&s->lock);
	INIT_LIST_HEAD(&s->partial);
	INIT_LIST_HEAD(&s->full);
	s->nr_slabs = s->nr_objs_inuse = 0;
	spin_lock(&slab_caches_lock);
	list_add_tail(&s->list, &slab_caches);
	spin_unlock(&slab_caches_lock);
}

/* A new slab for s: frames from the buddy allocator, objects chained. */
static struct page *allocate_slab(struct kmem_cache *s, gfp_t gfp)
{
	struct page *page = alloc_pages(gfp & ~__GFP_ZERO, s->order);
	char *base;

	if (!page)
		return NULL;
	set_page_owner(page, s->order, PAGE_KIND_SLAB, 0);
	SetPageSlab(page);
	page->slab_cache = s;
	page->inuse = 0;
	page->objects = s->objects;
	base = page_address(page);
	for (unsigned int i = 0; i < s->objects; i++) {
		void *obj = base + (size_t)i * s->size;

		if (s->ctor)
			s->ctor(obj);
		*(void **)obj = i + 1 < s->objects ? base + (size_t)(i + 1) * s->size : NULL;
	}
	page->freelist = base;
	return page;
}

static void discard_slab(struct kmem_cache *s, struct page *page)
{
	ClearPageSlab(page);
	page->slab_cache = NULL;
	page->freelist = NULL;
	s->nr_slabs--;
	__free_pages(page, s->order);
}

void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp)
{
	unsigned long flags;
	struct page *page;
	void *obj;

	spin_lock_irqsave(&s->lock, flags);
	if (list_empty(&s->partial)) {
		/*
		 * A new slab, made without the lock: the buddy allocator may
		 * reclaim, and reclaim may wait for other CPUs (TLB shootdowns),
		 * which must not be spinning here with interrupts off meanwhile.
		 */
		spin_unlock_irqrestore(&s->lock, flags);
		if (!(page = allocate_slab(s, gfp)))
			return NULL;
		spin_lock_irqsave(&s->lock, flags);
		s->nr_slabs++;
		list_add(&page->lru, &s->partial);
	}
	page = list_first_entry(&s->partial, struct page, lru);
	obj = page->freelist;
	page->freelist = *(void **)obj;
	page->inuse++;
	s->nr_objs_inuse++;
	if (!page->freelist)
		list_move(&page->lru, &s->full);
	spin_unlock_irqrestore(&s->lock, flags);
	if (gfp & __GFP_ZERO)
		memset(obj, 0, s->object_size);
	return obj;
}

void kmem_cache_free(struct kmem_cache *s, void *obj)
{
	struct page *page = compound_head(virt_to_page(obj));
	unsigned long flags;

	BUG_ON(!PageSlab(page) || page->slab_cache != s);
	BUG_ON(((char *)obj - (char *)page_address(page)) % s->size != 0);
	spin_lock_irqsave(&s->lock, flags);
	BUG_ON(page->inuse == 0);
	*(void **)obj = page->freelist;
	if (!page->freelist)
		list_move(&page->lru, &s->partial);	/* it was full */
	page->freelist = obj;
	page->inuse--;
	s->nr_objs_inuse--;
	if (page->inuse == 0) {
		list_del(&page->lru);
		discard_slab(s, page);
	}
	spin_unlock_irqrestore(&s->lock, flags);
}

struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *))
{
	struct kmem_cache *s;

	if (size == 0 || size > (PAGE_SIZE << SLUB_MAX_ORDER))
		return NULL;
	s = kmem_cache_alloc(&kmem_cache_boot, GFP_KERNEL);
	if (s)
		init_cache(s, name, size, align, flags, ctor);
	return s;
}

void kmem_cache_destroy(struct kmem_cache *s)
{
	if (!s)
		return;
	BUG_ON(s->nr_objs_inuse != 0 || s->nr_slabs != 0);
	spin_lock(&slab_caches_lock);
	list_del(&s->list);
	spin_unlock(&slab_caches_lock);
	kmem_cache_free(&kmem_cache_boot, s);
}

static int kmalloc_index(size_t size)
{
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++)
		if (size <= kmalloc_sizes[i])
			return (int)i;
	return -1;
}

/* Order of the smallest block of pages holding size bytes. */
static unsigned int get_order(size_t size)
{
	unsigned int order = 0;

	while ((PAGE_SIZE << order) < size)
		order++;
	return order;
}

void *kmalloc(size_t size, gfp_t gfp)
{
	int i = kmalloc_index(size ? size : 1);

	if (i >= 0)
		return kmem_cache_alloc(kmalloc_caches[i], gfp);
	if (get_order(size) > MAX_PAGE_ORDER)
		return NULL;
	return (void *)__get_free_pages(gfp, get_order(size));
}

void *kzalloc(size_t size, gfp_t gfp)
{
	return kmalloc(size, gfp | __GFP_ZERO);
}

void kfree(const void *obj)
{
	struct page *page;

	if (!obj)
		return;
	page = compound_head(virt_to_page(obj));
	if (PageSlab(page))
		kmem_cache_free(page->slab_cache, (void *)obj);
	else
		__free_pages(page, page->compound_order);
}

size_t ksize(const void *obj)
{
	struct page *page = compound_head(virt_to_page(obj));

	if (PageSlab(page))
		return page->slab_cache->object_size;
	return PAGE_SIZE << page->compound_order;
}

void kmem_cache_init(void)
{
	INIT_LIST_HEAD(&slab_caches);
	init_cache(&kmem_cache_boot, "kmem_cache", sizeof(struct kmem_cache), 0, SLAB_HWCACHE_ALIGN, NULL);
	for (unsigned int i = 0; i < ARRAY_SIZE(kmalloc_sizes); i++) {
		kmalloc_caches[i] = kmem_cache_create(kmalloc_names[i], kmalloc_sizes[i], 0, 0, NULL);
		BUG_ON(!kmalloc_caches[i]);
	}
}

void show_slabinfo(void)
{
	struct list_head *pos;

	printk("# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab>\n");
	spin_lock(&slab_caches_lock);
	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		printk("%-17s %13lu %10lu %9u %12u %14u\n", s->name, s->nr_objs_inuse, s->nr_slabs * s->objects,
		       s->size, s->objects, 1u << s->order);
	}
	spin_unlock(&slab_caches_lock);
}

unsigned long slab_pages(void)
{
	unsigned long n = 0;
	struct list_head *pos;

	spin_lock(&slab_caches_lock);
	list_for_each(pos, &slab_caches) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		n += s->nr_slabs << s->order;
	}
	spin_unlock(&slab_caches_lock);
	return n;
}
