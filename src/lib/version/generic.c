/*
 * generic.c - the last-resort order for versions of unknown schemes: runs of digits
 * compare by value, runs of letters bytewise, a number beats letters, anything else
 * only separates runs; the version with runs left over is newer.
 */
#include <string.h>

#include "vcmp.h"

int vigil_version__generic_cmp(int *out, const char *a, const char *b)
{
	for (;;) {
		const char *sa, *sb;
		int da, db, c;

		while (*a && !vigil_version__digit((unsigned char)*a) &&
		       !vigil_version__alpha((unsigned char)*a))
			a++;
		while (*b && !vigil_version__digit((unsigned char)*b) &&
		       !vigil_version__alpha((unsigned char)*b))
			b++;
		if (!*a || !*b) {
			*out = *a ? 1 : *b ? -1 : 0;
			return 0;
		}
		da = vigil_version__digit((unsigned char)*a);
		db = vigil_version__digit((unsigned char)*b);
		if (da != db) {
			*out = da ? 1 : -1;
			return 0;
		}
		sa = a;
		sb = b;
		if (da) {
			while (vigil_version__digit((unsigned char)*a))
				a++;
			while (vigil_version__digit((unsigned char)*b))
				b++;
			c = vigil_version__numcmp(sa, (size_t)(a - sa), sb, (size_t)(b - sb));
		} else {
			size_t la, lb;
			while (vigil_version__alpha((unsigned char)*a))
				a++;
			while (vigil_version__alpha((unsigned char)*b))
				b++;
			la = (size_t)(a - sa);
			lb = (size_t)(b - sb);
			c = memcmp(sa, sb, la < lb ? la : lb);
			if (c == 0)
				c = la < lb ? -1 : la > lb;
		}
		if (c) {
			*out = c < 0 ? -1 : 1;
			return 0;
		}
	}
}
