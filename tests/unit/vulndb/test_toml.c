/* The TOML subset of RustSec front matter. */
#include <stdlib.h>

#include "../test.h"
#include "vulndb/lang.h"

static json_t *parse(const char *s)
{
	return vigil_toml_parse(s, strlen(s), NULL, 0);
}

TEST(test_toml__tables_strings_arrays)
{
	json_t *d = parse("# comment\n[advisory]\nid = \"RUSTSEC-1\" # trailing\n"
			  "aliases = [\"CVE-1\", 'GHSA-x',\n  # inside\n]\n"
			  "date = 2021-07-07\nn = 42\nflag = true\n"
			  "[affected.functions]\n\"a::b\" = [\"< 1\"]\n"
			  "[versions]\npatched = []\n");
	CHECK(d != NULL);
	json_t *a = json_object_get(d, "advisory");
	CHECK_STR(json_string_value(json_object_get(a, "id")), "RUSTSEC-1");
	CHECK(json_array_size(json_object_get(a, "aliases")) == 2);
	CHECK_STR(json_string_value(json_array_get(json_object_get(a, "aliases"), 1)), "GHSA-x");
	CHECK_STR(json_string_value(json_object_get(a, "date")), "2021-07-07");
	CHECK(json_integer_value(json_object_get(a, "n")) == 42);
	CHECK(json_is_true(json_object_get(a, "flag")));
	json_t *f = json_object_get(json_object_get(d, "affected"), "functions");
	CHECK(json_array_size(json_object_get(f, "a::b")) == 1);
	CHECK(json_array_size(json_object_get(json_object_get(d, "versions"), "patched")) == 0);
	json_decref(d);
}

TEST(test_toml__multiline_and_escapes)
{
	json_t *d = parse("a = \"\"\"\nline1\nline2 \\\n   joined\"\"\"\n"
			  "b = '''raw \\n'''\nc = \"tab\\tq\\\"\\u00e9\"\n"
			  "d = { x = 1, \"y.z\" = [\"w\"] }\ne.f = \"dotted\"\n");
	CHECK(d != NULL);
	CHECK_STR(json_string_value(json_object_get(d, "a")), "line1\nline2 joined");
	CHECK_STR(json_string_value(json_object_get(d, "b")), "raw \\n");
	CHECK_STR(json_string_value(json_object_get(d, "c")), "tab\tq\"\xc3\xa9");
	CHECK(json_integer_value(json_object_get(json_object_get(d, "d"), "x")) == 1);
	CHECK_STR(json_string_value(json_object_get(json_object_get(d, "e"), "f")), "dotted");
	json_decref(d);
}

TEST(test_toml__array_of_tables)
{
	json_t *d = parse("[[x]]\na = 1\n[[x]]\na = 2\n");
	CHECK(d != NULL);
	CHECK(json_array_size(json_object_get(d, "x")) == 2);
	json_decref(d);
}

TEST(test_toml__errors_are_reported_not_fatal)
{
	char why[128];
	const char *bad[] = {
		"a = \"unterminated\n", "a = [1, 2\n",
		"a = 1\na = 2\n",	"[t\n",
		"a = \"x\" junk\n",	"= 1\n",
		"a = \"\\q\"\n",	"a = { b = 1\n",
		"a = 1\n[a]\n",		"a = \"\\uD800\"\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		json_t *d = vigil_toml_parse(bad[i], strlen(bad[i]), why, sizeof(why));
		if (d)
			printf("  accepted: %s", bad[i]);
		CHECK(d == NULL);
		CHECK(strncmp(why, "TOML line ", 10) == 0);
	}
}

TEST(test_toml__depth_is_bounded)
{
	char buf[4096];
	size_t n = 0;
	n += (size_t)snprintf(buf, sizeof(buf), "a = ");
	for (int i = 0; i < 1000; i++)
		buf[n++] = '[';
	buf[n] = '\0';
	CHECK(vigil_toml_parse(buf, n, NULL, 0) == NULL);
}

TEST(test_toml__array_of_tables_over_a_value_is_an_error)
{
	const char *s = "a = \"x\"\n[[a]]\n";
	CHECK(vigil_toml_parse(s, strlen(s), NULL, 0) == NULL);
}
