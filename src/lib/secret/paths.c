/* paths.c - sensitive files recognised by their path, path globs and the path allowlist. */
#include <fnmatch.h>
#include <strings.h>
#include <string.h>

#include "secret/secret_int.h"

/*
 * The global path allowlist: documentation, and the test suites that language packages
 * install. Kept small on purpose; anything else is scanned. A directory named test,
 * tests, testdata or __tests__ is skipped only below a package tree (/usr/lib,
 * /usr/share, /usr/local/lib, site-packages, dist-packages, node_modules, vendor),
 * never in an application's own folders; so is a Go test source (*_test.go) or a Python
 * test module (test_*.py, *_test.py) there.
 */
const char *const vigil_secret__path_allowlist[] = {
	"/usr/share/doc/",
	"/usr/share/man/",
	"/usr/share/info/",
	"/usr/share/common-licenses/",
	"/usr/share/gtk-doc/",
	"/usr/share/help/",
	"{test,tests,testdata,__tests__}/ below /usr/lib, /usr/lib64, /usr/share, /usr/local/lib, "
	"/usr/local/share, site-packages, dist-packages, node_modules, vendor",
	"*_test.go below the same package trees (Go's test sources)",
	"test_*.py and *_test.py below the same package trees (Python's test modules)",
	NULL,
};

const char *const *vigil_secret_path_allowlist(void)
{
	return vigil_secret__path_allowlist;
}

static const char *const DOC_PREFIXES[] = {
	"/usr/share/doc/",     "/usr/share/man/",
	"/usr/share/info/",    "/usr/share/common-licenses/",
	"/usr/share/gtk-doc/", "/usr/share/help/",
};
static const char *const PKG_TREES[] = {
	"/usr/lib/",	   "/usr/lib64/",	"/usr/share/",
	"/usr/local/lib/", "/usr/local/share/", "/site-packages/",
	"/dist-packages/", "/node_modules/",	"/vendor/",
};
static const char *const TEST_DIRS[] = {"test", "tests", "testdata", "__tests__"};

static int ends_with(const char *s, size_t n, const char *suffix);

int vigil_secret__path_allowed(const char *path)
{
	int in_tree = 0;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(DOC_PREFIXES); i++)
		if (strncmp(path, DOC_PREFIXES[i], strlen(DOC_PREFIXES[i])) == 0)
			return 1;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(PKG_TREES) && !in_tree; i++)
		in_tree = strstr(path, PKG_TREES[i]) != NULL;
	if (!in_tree)
		return 0;
	/* Go's test sources (never compiled into a program), Python's test modules */
	{
		size_t n = strlen(path);
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		if (ends_with(path, n, "_test.go") || ends_with(path, n, "_test.py") ||
		    (strncmp(base, "test_", 5) == 0 && ends_with(path, n, ".py")))
			return 1;
	}
	/* a directory component (not the file name) named like a test suite */
	for (const char *c = path; (c = strchr(c, '/')) != NULL;) {
		const char *next = strchr(++c, '/');
		if (!next)
			break;
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(TEST_DIRS); i++) {
			size_t n = strlen(TEST_DIRS[i]);
			if ((size_t)(next - c) == n && memcmp(c, TEST_DIRS[i], n) == 0)
				return 1;
		}
		c = next;
	}
	return 0;
}

/* True when `s` ends with `suffix`. */
static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t m = strlen(suffix);
	return n >= m && strncasecmp(s + n - m, suffix, m) == 0;
}

/* Globs are matched for every file of an image, so the common shapes skip fnmatch: a
 * plain name, and "*" followed by a plain suffix. Matching ignores case: `KEY.P12` is the
 * same key store as `key.p12` to whoever finds it. */
int vigil_secret__glob(const char *glob, const char *path)
{
	const char *base = strrchr(path, '/'), *subject;
	int whole = strchr(glob, '/') != NULL;
	base = base ? base + 1 : path;
	subject = whole ? path : base;
	if (!strpbrk(glob, "*?[\\"))
		return strcasecmp(glob, subject) == 0;
	if (glob[0] == '*' && !strpbrk(glob + 1, "*?[\\"))
		return ends_with(subject, strlen(subject), glob + 1);
	return fnmatch(glob, subject, FNM_CASEFOLD) == 0;
}

typedef struct pathdef {
	vigil_secret__pathrule rule;
	const char *globs; /* space-separated */
} pathdef;

static const pathdef PATH_RULES[] = {
	{{"sensitive-file-ssh-key", "SSH private key file", "CRITICAL"},
	 "id_rsa id_dsa id_ecdsa id_ed25519 id_ecdsa_sk id_ed25519_sk id_xmss ssh_host_*_key"},
	{{"sensitive-file-pkcs12", "PKCS#12 key store", "HIGH"}, "*.p12 *.pfx"},
	{{"sensitive-file-java-keystore", "Java key store", "HIGH"}, "*.jks *.keystore"},
	{{"sensitive-file-env", "Environment file (.env)", "HIGH"},
	 ".env .env.local .env.production .env.prod .env.development .env.dev .env.staging "
	 ".env.test"},
	{{"sensitive-file-aws-credentials", "AWS credentials file", "CRITICAL"},
	 "*/.aws/credentials"},
	{{"sensitive-file-git-credentials", "Git credential store", "CRITICAL"},
	 ".git-credentials"},
	{{"sensitive-file-pgpass", "PostgreSQL password file", "HIGH"}, ".pgpass"},
	{{"sensitive-file-kubeconfig", "Kubernetes kubeconfig", "HIGH"},
	 "*/.kube/config kubeconfig *.kubeconfig"},
	{{"sensitive-file-tfstate", "Terraform state", "HIGH"}, "*.tfstate *.tfstate.backup"},
	{{"sensitive-file-htpasswd", "htpasswd password file", "MEDIUM"}, "htpasswd .htpasswd"},
	{{"sensitive-file-shell-history", "Shell or REPL history", "MEDIUM"},
	 ".bash_history .zsh_history .sh_history .ash_history .history fish_history "
	 ".python_history .mysql_history .psql_history .node_repl_history .rediscli_history "
	 ".sqlite_history .irb_history"},
};

/* True when one of the space-separated globs matches. */
static int any_glob(const char *globs, const char *path)
{
	char one[128];
	for (const char *g = globs; *g;) {
		size_t n = strcspn(g, " ");
		if (n > 0 && n < sizeof(one)) {
			memcpy(one, g, n);
			one[n] = '\0';
			if (vigil_secret__glob(one, path))
				return 1;
		}
		g += n;
		while (*g == ' ')
			g++;
	}
	return 0;
}

const vigil_secret__pathrule *vigil_secret__path_rule(const char *path)
{
	/* a program named like a credential file (/usr/bin/htpasswd) is not one */
	const char *base = strrchr(path, '/');
	if (base && ((base - path >= 4 && !memcmp(base - 4, "/bin", 4)) ||
		     (base - path >= 5 && !memcmp(base - 5, "/sbin", 5))))
		return NULL;
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(PATH_RULES); i++)
		if (any_glob(PATH_RULES[i].globs, path))
			return &PATH_RULES[i].rule;
	return NULL;
}
