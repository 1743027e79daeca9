/*
 * malloc, free, calloc, realloc for mmulab's user programs: the brk-versus-
 * mmap split the `mmapthr` workload shows.
 *
 * Requests of MMAP_THRESHOLD (128 KiB, glibc's default M_MMAP_THRESHOLD) or
 * more get an anonymous mapping of their own, rounded up to whole pages, and
 * free() hands it back with munmap: the memory returns to the kernel at once.
 * Smaller requests are carved out of the heap, which sbrk grows at the
 * program break in steps of at least HEAP_GROW (128 KiB, glibc's default
 * top pad), and which is shrunk again, down to that pad, when 128 KiB or
 * more at its end are free (glibc's default M_TRIM_THRESHOLD).
 *
 * The heap is a row of chunks.  Every chunk starts with a 16-byte header:
 *
 *   +0  prev_size   size of the chunk just below (0: none, a segment start)
 *   +8  size        this chunk's size with the header, a multiple of 16;
 *                   bit 0 CHUNK_INUSE, bit 1 CHUNK_MMAPPED
 *   +16 payload     what malloc returns, 16-byte aligned; a free chunk keeps
 *                   its free-list links here
 *
 * A zero-size, in-use header (the epilogue) ends the heap, so the last chunk
 * has a neighbour like every other.  free() merges a chunk with free
 * neighbours on both sides (boundary tags: prev_size finds the one below), so
 * no two free chunks are ever adjacent.  Allocation takes the first free
 * chunk big enough and splits off the rest.  Single-threaded: threads come in
 * a later issue and will need a lock here.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

#define CHUNK_INUSE 1UL
#define CHUNK_MMAPPED 2UL
#define CHUNK_FLAGS 15UL
#define HDR 16UL
#define MIN_CHUNK 32UL
#define HEAP_GROW (128UL * 1024)
#define TRIM_THRESHOLD (128UL * 1024)

struct chunk {
	size_t prev_size;
	size_t size;
	struct chunk *next_free; /* only while free */
	struct chunk *prev_free;
};

static struct chunk *free_list;
static char *heap_end; /* one past the epilogue of the newest heap segment */

static size_t chunk_size(const struct chunk *c)
{
	return c->size & ~CHUNK_FLAGS;
}

static struct chunk *chunk_next(struct chunk *c)
{
	return (struct chunk *)((char *)c + chunk_size(c));
}

static struct chunk *payload_chunk(void *p)
{
	return (struct chunk *)((char *)p - HDR);
}

static void *chunk_payload(struct chunk *c)
{
	return (char *)c + HDR;
}

static size_t round_up(size_t v, size_t to)
{
	return (v + to - 1) & ~(to - 1);
}

static void list_remove(struct chunk *c)
{
	if (c->prev_free)
		c->prev_free->next_free = c->next_free;
	else
		free_list = c->next_free;
	if (c->next_free)
		c->next_free->prev_free = c->prev_free;
}

static void list_push(struct chunk *c)
{
	c->prev_free = 0;
	c->next_free = free_list;
	if (free_list)
		free_list->prev_free = c;
	free_list = c;
}

/* set_size: give C the size SIZE and flags FLAGS, and tell its upper neighbour. */
static void set_size(struct chunk *c, size_t size, size_t flags)
{
	c->size = size | flags;
	chunk_next(c)->prev_size = size;
}

/*
 * heap_grow: get at least NEED more bytes from sbrk as one free chunk and
 * return it (merged with a free chunk at the old end), or NULL with errno
 * ENOMEM.  If something else moved the break since, a new segment starts
 * where the break is now.
 */
static struct chunk *heap_grow(size_t need)
{
	char *cur = sbrk(0);
	size_t grow = round_up(need + HDR + HEAP_GROW, __page_size);
	struct chunk *c, *end;

	if (cur == (char *)-1)
		return 0;
	if (heap_end && cur == heap_end) {
		/* Contiguous: the old epilogue becomes the new chunk's header. */
		if (sbrk((intptr_t)grow) == (void *)-1)
			return 0;
		c = (struct chunk *)(heap_end - HDR);
		heap_end += grow;
	} else {
		size_t pad = round_up((uintptr_t)cur, 16) - (uintptr_t)cur;
		if (sbrk((intptr_t)(pad + grow)) == (void *)-1)
			return 0;
		c = (struct chunk *)(cur + pad);
		c->prev_size = 0;
		heap_end = cur + pad + grow;
	}
	end = (struct chunk *)(heap_end - HDR);
	end->size = 0 | CHUNK_INUSE;
	set_size(c, (size_t)((char *)end - (char *)c), 0);
	if (c->prev_size) {
		struct chunk *prev = (struct chunk *)((char *)c - c->prev_size);
		if (!(prev->size & CHUNK_INUSE)) {
			list_remove(prev);
			set_size(prev, chunk_size(prev) + chunk_size(c), 0);
			c = prev;
		}
	}
	list_push(c);
	return c;
}

/* take: mark free chunk C (size >= SIZE) in use, splitting off the rest. */
static void *take(struct chunk *c, size_t size)
{
	size_t have = chunk_size(c);

	list_remove(c);
	if (have - size >= MIN_CHUNK) {
		struct chunk *rest = (struct chunk *)((char *)c + size);
		set_size(c, size, CHUNK_INUSE);
		set_size(rest, have - size, 0);
		list_push(rest);
	} else {
		c->size |= CHUNK_INUSE;
	}
	return chunk_payload(c);
}

static void *mmap_chunk(size_t n)
{
	size_t len = round_up(n + HDR, __page_size);
	struct chunk *c = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (c == MAP_FAILED)
		return 0;
	c->prev_size = 0;
	c->size = len | CHUNK_MMAPPED | CHUNK_INUSE;
	return chunk_payload(c);
}

/* malloc: N bytes 16-byte aligned, or NULL with errno ENOMEM. */
void *malloc(size_t n)
{
	size_t size;

	if (n >= MMAP_THRESHOLD)
		return n > SIZE_MAX / 2 ? (errno = ENOMEM, (void *)0) : mmap_chunk(n);
	size = round_up(n + HDR, 16);
	if (size < MIN_CHUNK)
		size = MIN_CHUNK;
	for (struct chunk *c = free_list; c; c = c->next_free)
		if (chunk_size(c) >= size)
			return take(c, size);
	struct chunk *c = heap_grow(size);
	if (!c) {
		errno = ENOMEM;
		return 0;
	}
	return take(c, size);
}

/*
 * heap_trim: C is a free chunk of TRIM_THRESHOLD bytes or more just below
 * the epilogue at the break; move the break down by whole pages, keeping
 * HEAP_GROW bytes of C for the next requests (glibc's top pad does the same).
 */
static void heap_trim(struct chunk *c)
{
	size_t release = (chunk_size(c) - MIN_CHUNK - HEAP_GROW) & ~(__page_size - 1);
	struct chunk *end;

	if (chunk_size(c) < MIN_CHUNK + HEAP_GROW + __page_size || sbrk(0) != heap_end ||
	    sbrk(-(intptr_t)release) == (void *)-1)
		return;
	heap_end -= release;
	end = (struct chunk *)(heap_end - HDR);
	end->size = 0 | CHUNK_INUSE;
	set_size(c, chunk_size(c) - release, 0);
}

void free(void *p)
{
	struct chunk *c, *next;

	if (!p)
		return;
	c = payload_chunk(p);
	if (c->size & CHUNK_MMAPPED) {
		munmap(c, chunk_size(c));
		return;
	}
	set_size(c, chunk_size(c), 0);
	next = chunk_next(c);
	if (!(next->size & CHUNK_INUSE)) {
		list_remove(next);
		set_size(c, chunk_size(c) + chunk_size(next), 0);
	}
	if (c->prev_size) {
		struct chunk *prev = (struct chunk *)((char *)c - c->prev_size);
		if (!(prev->size & CHUNK_INUSE)) {
			list_remove(prev);
			set_size(prev, chunk_size(prev) + chunk_size(c), 0);
			c = prev;
		}
	}
	list_push(c);
	if ((char *)chunk_next(c) == heap_end - HDR && chunk_size(c) >= TRIM_THRESHOLD)
		heap_trim(c);
}

/* calloc: NMEMB * SIZE zeroed bytes; a fresh mapping is zero already. */
void *calloc(size_t nmemb, size_t size)
{
	size_t n;
	void *p;

	if (__builtin_mul_overflow(nmemb, size, &n)) {
		errno = ENOMEM;
		return 0;
	}
	p = malloc(n);
	if (p && !(payload_chunk(p)->size & CHUNK_MMAPPED))
		memset(p, 0, n);
	return p;
}

/* malloc_usable_size: how many bytes P may hold (at least what was asked). */
size_t malloc_usable_size(void *p)
{
	return p ? chunk_size(payload_chunk(p)) - HDR : 0;
}

/*
 * realloc: P resized to N bytes, moved if need be; NULL (P untouched) when
 * memory ran out.  realloc(P, 0) frees P and returns NULL.
 */
void *realloc(void *p, size_t n)
{
	void *q;

	if (!p)
		return malloc(n);
	if (n == 0) {
		free(p);
		return 0;
	}
	if (malloc_usable_size(p) >= n)
		return p;
	q = malloc(n);
	if (q) {
		memcpy(q, p, malloc_usable_size(p));
		free(p);
	}
	return q;
}
