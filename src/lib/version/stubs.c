/* stubs.c - interim: schemes not written yet fall back to the generic order. */
#include "vcmp.h"
#define S(n)                                                                                       \
	int vigil_version__##n##_cmp(int *out, const char *a, const char *b)                       \
	{                                                                                          \
		return vigil_version__generic_cmp(out, a, b);                                      \
	}
#define T(n)                                                                                       \
	int vigil_version__##n##_satisfies(int *out, const char *a, const char *b)                 \
	{                                                                                          \
		(void)a;                                                                           \
		(void)b;                                                                           \
		*out = 0;                                                                          \
		return VIGIL_EFORMAT;                                                              \
	}
S(composer)
T(composer)
