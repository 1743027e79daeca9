/*
 * swapon DEVICE: starts swapping to DEVICE (/dev/sda or /dev/sdb: the
 * ATA disks), which mkswap must have prepared.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/swap.h>

int main(int argc, char **argv)
{
	if (argc != 2) {
		dprintf(2, "usage: swapon DEVICE\n");
		return 2;
	}
	if (swapon(argv[1], 0)) {
		dprintf(2, "swapon: %s: swapon failed: %s\n", argv[1], strerror(errno));
		return 1;
	}
	return 0;
}
