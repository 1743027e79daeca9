/*
 * sync: writes every dirty page-cache page back (sync(2)).
 */
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc > 1) {
		dprintf(2, "usage: sync\n");
		return 2;
	}
	sync();
	return 0;
}
