/*
 * sh: a small user-level shell for the guest OS.  `sh SCRIPT` runs SCRIPT
 * line by line; plain `sh` reads commands from standard input with a "$ "
 * prompt.  `sh -x ...` first prints each command as "+ COMMAND".
 *
 * A line is words separated by blanks; '...' and "..." quote (no escapes),
 * '#' at the start of a word begins a comment, a word `$?` stands for
 * the last command's status; `> FILE` (or `>FILE`) sends the command's
 * standard output to FILE, opened for writing (`echo 100 >
 * /proc/self/oom_score_adj`).  Builtins: `echo WORDS`, `exit [N]`.  Anything else is a program: a name with a '/' is run as
 * given, otherwise each directory of $PATH (default /bin) is tried.  The
 * shell forks, the child execve()s it with the shell's environment, and the
 * shell waits with wait4: a child killed by a signal is reported (its
 * status is then 128 + signal, as other shells count) and the shell goes on.
 * The exit status is that of `exit N`, else of the last command.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "workload.h"

#define MAX_LINE 1024
#define MAX_ARGS 32

static int trace, last_status, script_fd = -1;
static const char *redirect;	/* `> FILE` of the current command, or NULL */

/* split: cut LINE into words in place; the number of words (argv NULL-ended). */
static int split(char *line, char **argv)
{
	int argc = 0;
	char *in = line, *out = line;

	for (;;) {
		while (*in == ' ' || *in == '\t' || *in == '\r')
			in++;
		if (!*in || *in == '#' || argc == MAX_ARGS - 1)
			break;
		argv[argc++] = out;
		while (*in && *in != ' ' && *in != '\t' && *in != '\r') {
			if (*in == '"' || *in == '\'') {
				char q = *in++;
				while (*in && *in != q)
					*out++ = *in++;
				if (*in)
					in++;
			} else {
				*out++ = *in++;
			}
		}
		if (*in)
			in++;
		*out++ = 0;
	}
	argv[argc] = 0;
	return argc;
}

/* exec_path: execve NAME as the shell's rules say; returns only on failure. */
static void exec_path(char **argv)
{
	const char *path = getenv("PATH");
	char full[256];

	if (strchr(argv[0], '/')) {
		execve(argv[0], argv, environ);
		return;
	}
	if (!path || !*path)
		path = "/bin";
	while (*path) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		snprintf(full, sizeof(full), "%.*s/%s", (int)n, path, argv[0]);
		execve(full, argv, environ);
		path += n + (colon != 0);
	}
}

static int run(char **argv)
{
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("sh: fork");
		return 1;
	}
	if (pid == 0) {
		if (script_fd >= 0)
			close(script_fd); /* the program gets fds 0, 1, 2 only */
		if (redirect) {	/* open() takes the lowest free fd: 1 once it is closed */
			close(1);
			if (open(redirect, O_WRONLY | O_CREAT | O_TRUNC, 0644) != 1) {
				dprintf(2, "sh: %s: %s\n", redirect, strerror(errno));
				_exit(1);
			}
		}
		exec_path(argv);
		dprintf(2, "sh: %s: %s\n", argv[0], errno == ENOENT ? "not found" : strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, 0) != pid) {
		perror("sh: wait4");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		char why[64];
		printf("sh: %s (pid %d) %s\n", argv[0], pid, describe_status(status, why, sizeof(why)));
		return 128 + WTERMSIG(status);
	}
	return WEXITSTATUS(status);
}

/* command: run one line; returns 0 to go on, 1 after `exit`. */
static int command(char *line)
{
	char *argv[MAX_ARGS], status[16];
	int argc;

	if (trace) {
		const char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p && *p != '#')
			printf("+ %s\n", p);
	}
	argc = split(line, argv);
	redirect = 0;
	for (int i = 0; i < argc; i++) {
		if (argv[i][0] != '>')
			continue;
		redirect = argv[i][1] ? argv[i] + 1 : argv[i + 1];
		argc = i;
		argv[i] = 0;
		break;
	}
	if (argc == 0)
		return 0;
	snprintf(status, sizeof(status), "%d", last_status);
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "$?"))
			argv[i] = status;
	if (!strcmp(argv[0], "exit")) {
		if (argc > 1)
			last_status = atoi(argv[1]);
		return 1;
	}
	if (!strcmp(argv[0], "echo")) {
		char out[MAX_LINE + 1];
		size_t len = 0;
		out[0] = 0;
		for (int i = 1; i < argc && len < sizeof(out); i++)
			len += (size_t)snprintf(out + len, sizeof(out) - len, "%s%s", i > 1 ? " " : "",
						argv[i]);
		if (redirect) {
			int fd = open(redirect, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd < 0 || dprintf(fd, "%s\n", out) < 0) {
				dprintf(2, "sh: %s: %s\n", redirect, strerror(errno));
				last_status = 1;
			} else {
				last_status = 0;
			}
			if (fd >= 0)
				close(fd);
			return 0;
		}
		printf("%s\n", out);
		last_status = 0;
		return 0;
	}
	last_status = run(argv);
	return 0;
}

/* read_line: the next line of FD without its newline; 0 at the end. */
static int read_line(int fd, char *line)
{
	size_t n = 0;
	char c;
	ssize_t got;

	while ((got = read(fd, &c, 1)) == 1 && c != '\n')
		if (n < MAX_LINE)
			line[n++] = c;
	line[n] = 0;
	return got == 1 || n > 0;
}

int main(int argc, char **argv)
{
	char line[MAX_LINE + 1];
	int fd = STDIN_FILENO, arg = 1;

	if (arg < argc && !strcmp(argv[arg], "-x")) {
		trace = 1;
		arg++;
	}
	if (arg < argc) {
		fd = script_fd = open(argv[arg], O_RDONLY);
		if (fd < 0) {
			dprintf(2, "sh: %s: %s\n", argv[arg], strerror(errno));
			return 127;
		}
	}
	for (;;) {
		if (fd == STDIN_FILENO)
			printf("$ ");
		if (!read_line(fd, line) || command(line))
			break;
	}
	return last_status;
}
