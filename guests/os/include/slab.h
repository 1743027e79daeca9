/*
 * slab.h — the slab allocator's face (Linux <linux/slab.h>): caches of
 * equal-sized kernel objects carved out of buddy blocks, and kmalloc()
 * over a set of such caches, one per size class.
 */
#ifndef OS_SLAB_H
#define OS_SLAB_H

#include "types.h"

struct kmem_cache;

#define SLAB_HWCACHE_ALIGN 0x1u	/* align objects to 64 bytes */

/*
 * Creates a cache of `size`-byte objects aligned to `align` (0: 8);
 * ctor, when given, runs on each object when its slab is created.
 * Returns NULL when out of memory.
 */
struct kmem_cache *kmem_cache_create(const char *name, unsigned int size, unsigned int align,
				     unsigned int flags, void (*ctor)(void *));
/* Destroys a cache whose objects have all been freed. */
void kmem_cache_destroy(struct kmem_cache *s);
/* One object, or NULL when no frame is left.  __GFP_ZERO clears it. */
void *kmem_cache_alloc(struct kmem_cache *s, gfp_t gfp);
void kmem_cache_free(struct kmem_cache *s, void *obj);

/* Objects of any size: the smallest size class that fits, or whole pages above 8 KiB. */
void *kmalloc(size_t size, gfp_t gfp);
void *kzalloc(size_t size, gfp_t gfp);
void kfree(const void *obj);
/* The usable size of a kmalloc'ed object. */
size_t ksize(const void *obj);

/* Sets up the kmalloc caches; the buddy allocator must be running. */
void kmem_cache_init(void);
/* Prints one line per cache, as /proc/slabinfo. */
void show_slabinfo(void);
/* Frames held by all slabs (for meminfo's Slab:). */
unsigned long slab_pages(void);

#endif
