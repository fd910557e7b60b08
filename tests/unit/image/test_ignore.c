/* .gitignore rules and skip globs of `vigil fs` (src/lib/image/ignore.c). */
#include <stdlib.h>

#include "image/ignore.h"
#include "../test.h"

TEST(test_glob__star_stays_in_one_directory)
{
	CHECK(vigil_glob__match("*.log", "a.log"));
	CHECK(!vigil_glob__match("*.log", "d/a.log"));
	CHECK(vigil_glob__match("d/*.log", "d/a.log"));
	CHECK(!vigil_glob__match("d/*", "d/e/f"));
	CHECK(vigil_glob__match("a?c", "abc"));
	CHECK(!vigil_glob__match("a?c", "a/c"));
}

TEST(test_glob__double_star_crosses_directories)
{
	CHECK(vigil_glob__match("**/foo", "foo"));
	CHECK(vigil_glob__match("**/foo", "a/b/foo"));
	CHECK(vigil_glob__match("a/**/b", "a/b"));
	CHECK(vigil_glob__match("a/**/b", "a/x/y/b"));
	CHECK(!vigil_glob__match("a/**/b", "ab"));
	CHECK(vigil_glob__match("a/**", "a/x/y"));
	CHECK(!vigil_glob__match("a/**", "b/x"));
	CHECK(vigil_glob__match("vendor/**/*.json", "vendor/x/y/z.json"));
}

TEST(test_glob__classes_and_escapes)
{
	CHECK(vigil_glob__match("[abc].txt", "b.txt"));
	CHECK(!vigil_glob__match("[!abc].txt", "b.txt"));
	CHECK(vigil_glob__match("[a-c]x", "cx"));
	CHECK(!vigil_glob__match("[a-c]x", "dx"));
	CHECK(vigil_glob__match("\\*.txt", "*.txt"));
	CHECK(!vigil_glob__match("\\*.txt", "a.txt"));
	CHECK(vigil_glob__match("[", "["));   /* unclosed: literal */
	CHECK(vigil_glob__match("[]]", "]")); /* ']' first is a member */
}

TEST(test_glob__hostile_pattern_is_linear)
{
	/* exponential for a backtracking matcher; a dynamic programme answers at once */
	char path[4001], pat[200];
	memset(path, 'a', 4000);
	path[4000] = '\0';
	for (int i = 0; i < 99; i++) {
		pat[2 * i] = '*';
		pat[2 * i + 1] = 'a';
	}
	pat[198] = 'b';
	pat[199] = '\0';
	CHECK(!vigil_glob__match(pat, path));
}

static int m(const char *text, const char *base, const char *path, int dir)
{
	vigil_ignore *ig = NULL;
	if (vigil_ignore__parse(&ig, base, text, strlen(text)) < 0)
		return 99;
	int r = vigil_ignore__match(ig, path, dir);
	vigil_ignore__free(ig);
	return r;
}

TEST(test_ignore__basename_patterns_match_at_any_depth)
{
	CHECK(m("*.log\n", "", "x/y/a.log", 0) == 1);
	CHECK(m("build\n", "", "a/build", 1) == 1);
	CHECK(m("build/\n", "", "a/build", 0) == 0); /* directories only */
	CHECK(m("build/\n", "", "a/build", 1) == 1);
}

TEST(test_ignore__slash_anchors_to_the_file_directory)
{
	CHECK(m("/top.txt\n", "", "top.txt", 0) == 1);
	CHECK(m("/top.txt\n", "", "d/top.txt", 0) == 0);
	CHECK(m("a/b.txt\n", "", "a/b.txt", 0) == 1);
	CHECK(m("a/b.txt\n", "", "x/a/b.txt", 0) == 0);
	/* a nested .gitignore: relative to its own directory */
	CHECK(m("/gen\n", "sub", "sub/gen", 1) == 1);
	CHECK(m("/gen\n", "sub", "gen", 1) == 0);
	CHECK(m("*.txt\n", "sub", "subx/a.txt", 0) == 0);
}

TEST(test_ignore__last_rule_wins_and_negation)
{
	CHECK(m("*.log\n!keep.log\n", "", "keep.log", 0) == -1);
	CHECK(m("*.log\n!keep.log\n", "", "other.log", 0) == 1);
	CHECK(m("!keep.log\n*.log\n", "", "keep.log", 0) == 1);
}

TEST(test_ignore__comments_spaces_and_escapes)
{
	CHECK(m("# a.txt\n", "", "# a.txt", 0) == 0);
	CHECK(m("\\#a.txt\n", "", "#a.txt", 0) == 1);
	CHECK(m("\\!b\n", "", "!b", 0) == 1);
	CHECK(m("a.txt   \r\n", "", "a.txt", 0) == 1);
	CHECK(m("a.txt\\ \n", "", "a.txt ", 0) == 1);
	CHECK(m("\n\n   \n", "", "x", 0) == 0);
}

TEST(test_skip__names_and_paths)
{
	const char *dirs[] = {"node_modules", "./vendor/**", "a/*/tmp/", NULL};
	CHECK(vigil_skip__match(dirs, "x/y/node_modules"));
	CHECK(vigil_skip__match(dirs, "vendor/lib"));
	CHECK(vigil_skip__match(dirs, "a/b/tmp"));
	CHECK(!vigil_skip__match(dirs, "a/b/c/tmp"));
	CHECK(!vigil_skip__match(dirs, "src"));
	CHECK(!vigil_skip__match(NULL, "src"));
}
