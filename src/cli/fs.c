/*
 * fs.c - vigil fs DIR: a source tree scanned as CI does before a build (lockfiles and
 * manifests, secrets, Dockerfiles and Kubernetes files), with .gitignore rules and
 * --skip-dirs / --skip-files; the same reports, policy and gates as `vigil scan`.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

void help_fs(void)
{
	printf("Usage: vigil fs DIR [options]\n"
	       "\n"
	       "Scan a source tree the way CI does before an image exists: the packages its\n"
	       "lockfiles and manifests name (matched against the vulnerability database),\n"
	       "secrets in its files, and its Dockerfiles and Kubernetes manifests (the checks of\n"
	       "'vigil config'). .git is never read; .gitignore files (the root's and nested\n"
	       "ones, '!' re-includes) and --skip-dirs / --skip-files leave paths out.\n"
	       "Scanners default to vuln,secret,config (add malware with --scanners).\n"
	       "Same as 'vigil scan fs:DIR'; every option of 'vigil scan' applies.\n"
	       "\n"
	       "  --skip-dirs GLOBS     directories to leave out (comma-separated, repeatable):\n"
	       "                        'node_modules' (any depth), 'vendor/**', 'a/*/tmp'\n"
	       "  --skip-files GLOBS    files to leave out: '*.min.js', 'testdata/**/*.json'\n"
	       "\n"
	       "Exit status: 0 no finding passed the gate (or no --exit-code), N (--exit-code)\n"
	       "when one did, 2 error. docs/fs.md.\n");
}

int cmd_fs(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-' && (argv[i][1] == 'h' || !strcmp(argv[i], "--help"))) {
			help_fs();
			return 0;
		}
	return cmd_scan_mode(argc, argv, 1);
}
