/*
 * init: the first process the guest OS starts (pid 1).  `init [ARGS...]`
 * runs the shell — `sh ARGS...`, e.g. `init /demo.sh` to run a script or
 * plain `init` for an interactive shell — from the directory init itself was
 * run from (/bin on the guest OS), reaps every process that ends on the way
 * (orphans are handed to pid 1), and when the shell has ended exits with the
 * shell's status, which the kernel may turn into a power-off status.
 * `init -i SCRIPT` runs an interactive shell after the script, and exits
 * with that shell's status.
 * Standard input, output and error are expected open on the console.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

#define MAX_ARGS 16

/* Runs `sh ARGS...` from init's directory and reaps until it ends. */
static int run_shell(const char *dir, int dirlen, char **args)
{
	char sh[256];
	int status;
	pid_t pid, child;

	snprintf(sh, sizeof(sh), "%.*s/sh", dirlen, dir);
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

int main(int argc, char **argv)
{
	char *args[MAX_ARGS + 1], *shell[] = { "sh", 0 };
	const char *slash = strrchr(argv[0], '/');
	const char *dir = slash ? argv[0] : "/bin";
	int dirlen = slash ? (int)(slash - argv[0]) : 4, interactive = 0, n = 0, i = 1, status;

	if (argc > 1 && !strcmp(argv[1], "-i"))
		interactive = 1, i++;
	args[n++] = "sh";
	for (; i < argc && n < MAX_ARGS; i++)
		args[n++] = argv[i];
	args[n] = 0;
	status = run_shell(dir, dirlen, args);
	if (interactive) {
		printf("init: the script ended with status %d; an interactive shell follows "
		       "(exit N powers off with status N)\n", status);
		status = run_shell(dir, dirlen, shell);
	}
	return status;
}
