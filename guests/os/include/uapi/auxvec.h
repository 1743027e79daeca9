/*
 * uapi/auxvec.h — entry types of the auxiliary vector the kernel puts
 * above envp on a new program's stack, Linux's values
 * (include/uapi/linux/auxvec.h), shared by the kernel (exec) and the user
 * C library (getauxval).
 */
#ifndef OS_UAPI_AUXVEC_H
#define OS_UAPI_AUXVEC_H

#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_ENTRY	9
#define AT_RANDOM	25
#define AT_EXECFN	31

#endif
