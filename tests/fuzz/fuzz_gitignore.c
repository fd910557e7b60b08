/* Fuzzes the .gitignore parser and the glob matcher of `vigil fs`: the input is the
 * .gitignore text (found in directory "d"); every rule is matched against paths made
 * from the input's own lines, and each line is also used as a glob and a skip pattern. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image/ignore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	vigil_ignore *ig = NULL;
	char *text = malloc(size + 1);
	int n = 0;
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (vigil_ignore__parse(&ig, "d", text, size) < 0) {
		free(text);
		return 0;
	}
	static const char *const paths[] = {"d/a.log", "d/x/y/z", "d",
					    "e/f",     "d/.env",  "d/node_modules/p/q.json"};
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++)
		n += vigil_ignore__match(ig, paths[i], (int)(i & 1));
	/* lines as patterns against the other lines as paths (bounded: 16 x 16) */
	char *lines[16];
	int nl = 0;
	for (char *p = text; nl < 16 && p;) {
		char *e = strchr(p, '\n');
		if (e)
			*e = '\0';
		if (*p)
			lines[nl++] = p;
		p = e ? e + 1 : NULL;
	}
	const char *pats[17];
	for (int i = 0; i < nl; i++) {
		pats[i] = lines[i];
		for (int j = 0; j < nl; j++)
			n += vigil_glob__match(lines[i], lines[j]);
	}
	pats[nl] = NULL;
	for (int j = 0; j < nl; j++)
		n += vigil_skip__match(pats, lines[j]);
	if (n == -12345678)
		abort();
	vigil_ignore__free(ig);
	free(text);
	return 0;
}
