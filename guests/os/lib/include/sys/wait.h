/*
 * wait4(2) and the status word's encoding, as Linux's: the low 7 bits are the
 * signal that killed the child (0 if it exited), bit 7 says a core was
 * dumped, bits 8-15 hold the exit status.
 */
#ifndef _SYS_WAIT_H
#define _SYS_WAIT_H

#include <sys/resource.h>
#include <sys/types.h>

#define WNOHANG 1

#define WTERMSIG(s) ((s) & 0x7f)
#define WIFEXITED(s) (WTERMSIG(s) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (WTERMSIG(s) != 0 && WTERMSIG(s) != 0x7f)
#define WCOREDUMP(s) ((s) & 0x80)

pid_t wait4(pid_t pid, int *status, int options, struct rusage *usage);
pid_t waitpid(pid_t pid, int *status, int options);

#endif
