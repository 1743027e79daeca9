/* The auxiliary vector the kernel puts above envp on the entry stack. */
#ifndef _SYS_AUXV_H
#define _SYS_AUXV_H

#define AT_NULL 0
#define AT_PHDR 3
#define AT_PHENT 4
#define AT_PHNUM 5
#define AT_PAGESZ 6
#define AT_ENTRY 9
#define AT_RANDOM 25
#define AT_EXECFN 31

/* getauxval: the value of entry TYPE, or 0 if the kernel passed none. */
unsigned long getauxval(unsigned long type);

#endif
