/*
 * init: the first process the guest OS starts (pid 1).  `init [ARGS...]`
 * runs the shell — `sh ARGS...`, e.g. `init /demo.sh` to run a script or
 * plain `init` for an interactive shell — from the directory init itself was
 * run from (/bin on the guest OS), reaps every process that ends on the way
 * (orphans are handed to pid 1), and when the shell has ended exits with the
 * shell's status, which the kernel may turn into a power-off status.
 * Standard input, output and error are expected open on the console.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

#define MAX_ARGS 16

int main(int argc, char **argv)
{
	char sh[256], *args[MAX_ARGS + 1];
	const char *slash = strrchr(argv[0], '/');
	int status, n = 0;
	pid_t pid, child;

	snprintf(sh, sizeof(sh), "%.*s/sh", slash ? (int)(slash - argv[0]) : 4,
		 slash ? argv[0] : "/bin");
	args[n++] = "sh";
	for (int i = 1; i < argc && n < MAX_ARGS; i++)
		args[n++] = argv[i];
	args[n] = 0;

	child = fork();
	if (child < 0) {
		perror("init: fork");
		return 1;
	}
	if (child == 0) {
		execve(sh, args, environ);
		perror("init: execve sh");
		_exit(127);
	}
	do {
		pid = wait4(-1, &status, 0, 0);
	} while (pid >= 0 && pid != child);
	if (pid < 0) {
		perror("init: wait4");
		return 1;
	}
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}
