/*
 * sysctl NAME[=VALUE]...: reads or sets kernel tunables as sysctl(8):
 * vm.swappiness is /proc/sys/vm/swappiness.  Prints "NAME = VALUE" for
 * each (after setting it, when =VALUE is given).
 */
#include <errno.h>

#include "procfs.h"

int main(int argc, char **argv)
{
	int status = 0;

	for (int i = 1; i < argc; i++) {
		char name[64], path[96], buf[64];
		const char *eq = strchr(argv[i], '=');
		size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		long len;

		snprintf(name, sizeof(name), "%.*s", (int)n, argv[i]);
		snprintf(path, sizeof(path), "/proc/sys/%s", name);
		for (char *p = path + 10; *p; p++)
			if (*p == '.')
				*p = '/';
		if (eq && write_proc(path, eq + 1)) {
			dprintf(2, "sysctl: setting key \"%s\": %s\n", name, strerror(errno));
			status = 1;
			continue;
		}
		if ((len = read_proc(path, buf, sizeof(buf))) <= 0) {
			dprintf(2, "sysctl: cannot stat %s: No such file or directory\n", path);
			status = 1;
			continue;
		}
		printf("%s = %.*s\n", name, (int)(len - 1), buf);
	}
	return status;
}
