/*
 * cat FILE...: prints each file (initrd files, /proc files) as it is.
 */
#include "procfs.h"

int main(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++)
		status |= cat_proc("cat", argv[i]);
	return status;
}
