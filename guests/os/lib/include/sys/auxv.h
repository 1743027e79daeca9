/* The auxiliary vector the kernel puts above envp on the entry stack. */
#ifndef _SYS_AUXV_H
#define _SYS_AUXV_H

#include "../../../include/uapi/auxvec.h" /* the ABI, shared with the kernel */

/* getauxval: the value of entry TYPE, or 0 if the kernel passed none. */
unsigned long getauxval(unsigned long type);

#endif
