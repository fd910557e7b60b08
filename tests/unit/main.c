/* Runs every registered unit test; an optional argument filters by substring. */
#include <stdlib.h>

#include "test.h"

static struct {
	const char *name;
	test_fn fn;
} tests[512];
static int ntests;

void test_register(const char *name, test_fn fn)
{
	if (ntests < 512) {
		tests[ntests].name = name;
		tests[ntests].fn = fn;
		ntests++;
	}
}

int main(int argc, char **argv)
{
	int pass = 0, fail = 0;
	for (int i = 0; i < ntests; i++) {
		int failed = 0;
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		tests[i].fn(&failed);
		printf("%s: unit/%s\n", failed ? "FAIL" : "PASS", tests[i].name);
		fflush(stdout);
		failed ? fail++ : pass++;
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
