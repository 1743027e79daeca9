/*
 * gfp.h — "get free pages" flags: what an allocation may do and which
 * zones it may come from (Linux's names; only the ones this kernel uses).
 */
#ifndef OS_GFP_H
#define OS_GFP_H

#define __GFP_DMA	0x01u	/* only ZONE_DMA (below 16 MiB) */
#define __GFP_DMA32	0x02u	/* only ZONE_DMA32 or lower (below 4 GiB) */
#define __GFP_HIGH	0x04u	/* may dip to half the min watermark */
#define __GFP_ZERO	0x08u	/* clear the frames */
#define __GFP_NOWARN	0x10u	/* no message on failure */
#define __GFP_NORETRY	0x20u	/* no reclaim, no OOM killer: fail instead */

/* Above this order an allocation never calls the OOM killer (Linux). */
#define PAGE_ALLOC_COSTLY_ORDER 3

#define GFP_KERNEL	0u
#define GFP_ATOMIC	(__GFP_HIGH | __GFP_NORETRY)
#define GFP_DMA		__GFP_DMA

#endif
