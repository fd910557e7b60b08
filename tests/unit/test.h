/* A minimal unit-test harness: TEST(name) { ... CHECK(...); } registers itself; the
 * runner prints "PASS: unit/<name>" or "FAIL: unit/<name>: <where>" per test. */
#ifndef VIGIL_TEST_H
#define VIGIL_TEST_H

#include <stdio.h>
#include <string.h>

typedef void (*test_fn)(int *failed);
void test_register(const char *name, test_fn fn);

#define TEST(name)                                                                                 \
	static void name(int *failed_);                                                            \
	__attribute__((constructor)) static void reg_##name(void)                                  \
	{                                                                                          \
		test_register(#name, name);                                                        \
	}                                                                                          \
	static void name(int *failed_)

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			printf("  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond);          \
			*failed_ = 1;                                                              \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *a_ = (a), *b_ = (b);                                                   \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                           \
			printf("  %s:%d: '%s' != '%s'\n", __FILE__, __LINE__, a_ ? a_ : "(null)",  \
			       b_ ? b_ : "(null)");                                                \
			*failed_ = 1;                                                              \
			return;                                                                    \
		}                                                                                  \
	} while (0)

#endif
