/* ignore.h - .gitignore-style rules and path globs for `vigil fs` (source trees). */
#ifndef VIGIL_IMAGE_IGNORE_H
#define VIGIL_IMAGE_IGNORE_H

#include <stddef.h>

/* Limits: a .gitignore larger than this is read up to here; longer patterns are dropped. */
#define VIGIL_IGNORE_MAX_FILE (1024 * 1024)
#define VIGIL_IGNORE_MAX_RULES 10000
#define VIGIL_GLOB_MAX_PATTERN 1024

/* Matches `path` (relative, '/'-separated) against a glob: '*' and '?' do not cross '/',
 * '**' does ("**\/" also matches no directory at all), "[a-z]" / "[!x]" classes, '\\'
 * escapes. Runs in O(len(pattern) x len(path)): no backtracking blow-up. 1 on a match. */
int vigil_glob__match(const char *pattern, const char *path);

typedef struct vigil_ignore vigil_ignore;

/* Parses the text of a .gitignore found in directory `base` (relative to the scanned
 * root, "" for the root itself). Blank lines and '#' comments are skipped, trailing
 * unescaped spaces removed, '!' negates, a leading or middle '/' anchors the pattern to
 * `base`, a trailing '/' matches directories only. VIGIL_ENOMEM only. */
int vigil_ignore__parse(vigil_ignore **out, const char *base, const char *text, size_t len);

/* The last rule of `ig` that matches `path` (relative to the root): 1 ignored, -1
 * re-included by a '!' rule, 0 no rule matched (ask the parent directory's file). */
int vigil_ignore__match(const vigil_ignore *ig, const char *path, int is_dir);
size_t vigil_ignore__count(const vigil_ignore *ig);
void vigil_ignore__free(vigil_ignore *ig);

/* --skip-dirs / --skip-files: a pattern with a '/' matches the path relative to the root
 * (with '**'); one without matches the file or directory name at any depth. */
int vigil_skip__match(const char *const *patterns, const char *path);

#endif
