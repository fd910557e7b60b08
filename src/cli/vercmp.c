/*
 * vercmp.c - vigil vercmp: compares versions, or checks a version against a
 * constraint, the way a package ecosystem does.
 *   vigil vercmp SCHEME A B                      prints <, = or >
 *   vigil vercmp SCHEME --satisfies V CONSTRAINT  prints yes or no
 *   vigil vercmp SCHEME -                         batch: "A<TAB>B" lines on stdin
 *   vigil vercmp SCHEME --satisfies -             batch: "V<TAB>CONSTRAINT" lines
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static void help_vercmp(void)
{
	printf("usage: vigil vercmp SCHEME A B\n"
	       "       vigil vercmp SCHEME --satisfies VERSION CONSTRAINT\n"
	       "       vigil vercmp SCHEME -\n"
	       "       vigil vercmp SCHEME --satisfies -\n"
	       "\n"
	       "Compares two versions as the ecosystem SCHEME orders them and prints <, = or >\n"
	       "(A older than, equal to, newer than B). With --satisfies, prints yes or no for\n"
	       "VERSION against CONSTRAINT in the ecosystem's own range syntax (node-semver\n"
	       "ranges, PEP 440 specifiers, RubyGems requirements, Composer constraints, Maven\n"
	       "ranges) or a plain comparator list such as \">= 1.0, < 2.0\".\n"
	       "With -, reads lines \"A<TAB>B\" from stdin and prints one <, = or > per line;\n"
	       "a line holding a single version prints valid or invalid. With --satisfies -,\n"
	       "reads lines \"VERSION<TAB>CONSTRAINT\" and prints yes, no or error per line.\n"
	       "\n"
	       "SCHEME: dpkg deb apk rpm semver npm cargo nuget pep440 pypi maven gem composer\n"
	       "        go golang generic\n"
	       "\n"
	       "Exit status: 0 on success, 2 for an unknown scheme or an invalid version or\n"
	       "constraint (a message on stderr).\n");
}

static const char *const cli_schemes[] = {
	"dpkg",	  "deb",  "apk",   "rpm", "semver",   "npm", "cargo",  "nuget",
	"pep440", "pypi", "maven", "gem", "composer", "go",  "golang", "generic",
};

static int parse_scheme(vigil_vscheme *out, const char *name)
{
	for (size_t i = 0; i < sizeof(cli_schemes) / sizeof(cli_schemes[0]); i++)
		if (strcmp(cli_schemes[i], name) == 0) {
			*out = vigil_version_scheme(name);
			return 0;
		}
	return -1;
}

static char result_char(int c)
{
	return c < 0 ? '<' : c > 0 ? '>' : '=';
}

/* Batch mode: one answer per input line, invalid versions still ordered; with
 * `satisfies`, lines are VERSION<TAB>CONSTRAINT and answers yes, no or error. */
static int vercmp_batch(vigil_vscheme scheme, int satisfies)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	while ((n = getline(&line, &cap, stdin)) >= 0) {
		char *tab;
		int c;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		tab = strchr(line, '\t');
		if (satisfies) {
			int e = -1;
			if (tab) {
				*tab = '\0';
				e = vigil_version_satisfies(&c, scheme, line, tab + 1);
			}
			fputs(e < 0 ? "error\n" : c ? "yes\n" : "no\n", stdout);
			continue;
		}
		if (!tab) {
			int e = vigil_version_compare(&c, scheme, line, line);
			fputs(e < 0 ? "invalid\n" : "valid\n", stdout);
			continue;
		}
		*tab = '\0';
		vigil_version_compare(&c, scheme, line, tab + 1);
		putchar(result_char(c));
		putchar('\n');
	}
	free(line);
	if (fflush(stdout) != 0) {
		print_error("cannot write the output");
		return EXIT_ERR;
	}
	return 0;
}

int cmd_vercmp(int argc, char **argv)
{
	vigil_vscheme scheme;
	char msg[512];
	int c, error;

	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			help_vercmp();
			return 0;
		}
	if (argc < 3)
		die_usage("vercmp", "expected SCHEME A B, SCHEME --satisfies V C, or SCHEME -");
	if (parse_scheme(&scheme, argv[1]) < 0) {
		snprintf(msg, sizeof(msg), "unknown version scheme '%s' (see vigil vercmp --help)",
			 argv[1]);
		print_error(msg);
		return EXIT_ERR;
	}
	if (argc == 3 && strcmp(argv[2], "-") == 0)
		return vercmp_batch(scheme, 0);
	if (argc == 4 && strcmp(argv[2], "--satisfies") == 0 && strcmp(argv[3], "-") == 0)
		return vercmp_batch(scheme, 1);
	if (strcmp(argv[2], "--satisfies") == 0) {
		if (argc != 5)
			die_usage("vercmp", "--satisfies takes VERSION CONSTRAINT");
		if ((error = vigil_version_satisfies(&c, scheme, argv[3], argv[4])) < 0) {
			snprintf(msg, sizeof(msg),
				 "invalid %s version or constraint: '%s' against '%s'", argv[1],
				 argv[3], argv[4]);
			print_error(msg);
			return EXIT_ERR;
		}
		puts(c ? "yes" : "no");
		return 0;
	}
	if (argc != 4)
		die_usage("vercmp", "expected SCHEME A B");
	if ((error = vigil_version_compare(&c, scheme, argv[2], argv[3])) < 0) {
		snprintf(msg, sizeof(msg), "invalid %s version: '%s' or '%s'", argv[1], argv[2],
			 argv[3]);
		print_error(msg);
		return EXIT_ERR;
	}
	printf("%c\n", result_char(c));
	return 0;
}
