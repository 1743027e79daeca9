/*
 * sys/swap.h — swapon(2): start swapping to a device prepared by mkswap.
 */
#ifndef _SYS_SWAP_H
#define _SYS_SWAP_H

/* swapon: 0, or -1 with errno. */
int swapon(const char *path, int flags);

#endif
