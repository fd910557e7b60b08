/* Language catalogers (npm, python, gem, composer, dotnet) on small inline documents,
 * through the parse-buffer test hook. */
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "catalog/jsonpull.h"
#include "../test.h"

#define MAX_SEEN 32

/* What a parse produced: one "type|group|name|version|license|purl" line per package. */
typedef struct seen {
	char line[MAX_SEEN][256];
	int n;
	unsigned skipped;
	int rc;
} seen;

static int record(const vigil_pkg *p, void *payload)
{
	seen *s = payload;
	if (s->n < MAX_SEEN)
		snprintf(s->line[s->n], sizeof(s->line[0]), "%s|%s|%s|%s|%s|%s", p->type,
			 p->group ? p->group : "", p->name, p->version,
			 p->license ? p->license : "", p->purl ? p->purl : "");
	s->n++;
	return 0;
}

static void run(seen *s, const vigil_cataloger *c, const char *path, const char *doc)
{
	memset(s, 0, sizeof(*s));
	s->rc = vigil_catalog__parse_buffer(c, path, (const uint8_t *)doc, strlen(doc), record, s,
					    &s->skipped);
}

static int wants(const vigil_cataloger *c, const char *path)
{
	vigil_file f;
	memset(&f, 0, sizeof(f));
	f.path = path;
	f.size = 100;
	return c->want(&f, NULL, 0) == VIGIL_WANT_YES;
}

/* ---- npm ---- */

TEST(test_npm__wants_installed_manifests_and_app_lockfiles)
{
	const vigil_cataloger *c = &vigil_cataloger_npm;
	CHECK(wants(c, "/app/node_modules/lodash/package.json"));
	CHECK(wants(c, "/app/node_modules/@types/node/package.json"));
	CHECK(wants(c, "/app/node_modules/a/node_modules/b/package.json"));
	CHECK(wants(c, "/app/package-lock.json"));
	CHECK(wants(c, "/srv/web/yarn.lock"));
	CHECK(!wants(c, "/app/package.json"));
	CHECK(!wants(c, "/app/node_modules/lodash/fp/package.json"));
	CHECK(!wants(c, "/app/node_modules/@types/package.json"));
	CHECK(!wants(c, "/app/node_modules/.package-lock.json"));
	CHECK(!wants(c, "/app/node_modules/x/package-lock.json"));
	CHECK(!wants(c, "/node_modules/package.json"));
}

TEST(test_npm__manifest_license_forms)
{
	seen s;
	const char *path = "/app/node_modules/@scope/pkg/package.json";
	run(&s, &vigil_cataloger_npm, path,
	    "{\"name\":\"@scope/pkg\",\"version\":\"1.0.0\",\"license\":\"MIT\"}");
	CHECK(s.rc == 0 && s.n == 1);
	CHECK_STR(s.line[0], "npm||@scope/pkg|1.0.0|MIT|");
	run(&s, &vigil_cataloger_npm, path,
	    "{\"name\":\"a\",\"version\":\"2\",\"license\":{\"type\":\"ISC\",\"url\":\"x\"}}");
	CHECK_STR(s.line[0], "npm||a|2|ISC|");
	run(&s, &vigil_cataloger_npm, path,
	    "{\"name\":\"a\",\"version\":\"2\",\"licenses\":[{\"type\":\"MIT\"},\"Apache-2.0\"]}");
	CHECK_STR(s.line[0], "npm||a|2|MIT OR Apache-2.0|");
	run(&s, &vigil_cataloger_npm, path, "{\"name\":\"a\",\"version\":\"2\",\"license\":7}");
	CHECK_STR(s.line[0], "npm||a|2||");
}

TEST(test_npm__manifest_without_version_is_skipped_not_failed)
{
	seen s;
	run(&s, &vigil_cataloger_npm, "/a/node_modules/x/package.json", "{\"name\":\"x\"}");
	CHECK(s.rc == 0 && s.n == 0 && s.skipped == 1);
	run(&s, &vigil_cataloger_npm, "/a/node_modules/x/package.json", "{\"type\":\"module\"}");
	CHECK(s.rc == 0 && s.n == 0 && s.skipped == 0);
	run(&s, &vigil_cataloger_npm, "/a/node_modules/x/package.json", "{\"name\":");
	CHECK(s.rc < 0 && s.n == 0);
	run(&s, &vigil_cataloger_npm, "/a/node_modules/x/package.json", "[1,2]");
	CHECK(s.rc < 0 && s.n == 0);
}

TEST(test_npm__lock_v1_nested_and_aliases)
{
	seen s;
	run(&s, &vigil_cataloger_npm, "/app/package-lock.json",
	    "{\"lockfileVersion\":1,\"dependencies\":{"
	    "\"b\":{\"version\":\"1.0.0\",\"dev\":true,"
	    "  \"dependencies\":{\"c\":{\"version\":\"0.1.0\"},\"a\":{\"version\":\"2.0.0\"}}},"
	    "\"a\":{\"version\":\"1.0.0\"},"
	    "\"d\":{\"version\":\"1.0.0\",\"dependencies\":{\"c\":{\"version\":\"0.1.0\"}}},"
	    "\"my-alias\":{\"version\":\"npm:@real/pkg@3.1.4\"},"
	    "\"local\":{\"version\":\"file:../local\"},"
	    "\"broken\":{\"resolved\":\"x\"}}}");
	CHECK(s.rc == 0);
	CHECK(s.n == 6);
	CHECK_STR(s.line[0], "npm||@real/pkg|3.1.4||");
	CHECK_STR(s.line[1], "npm||a|1.0.0||");
	CHECK_STR(s.line[2], "npm||a|2.0.0||");
	CHECK_STR(s.line[3], "npm||b|1.0.0||");
	CHECK_STR(s.line[4], "npm||c|0.1.0||"); /* twice in the tree, once in the result */
	CHECK_STR(s.line[5], "npm||d|1.0.0||");
	CHECK(s.skipped == 1);
}

TEST(test_npm__lock_v3_paths_links_and_workspaces)
{
	seen s;
	run(&s, &vigil_cataloger_npm, "/app/package-lock.json",
	    "{\"lockfileVersion\":3,\"packages\":{"
	    "\"\":{\"name\":\"app\",\"version\":\"1.0.0\"},"
	    "\"node_modules/@s/x\":{\"version\":\"1.0.0\",\"license\":\"MIT\"},"
	    "\"node_modules/a/node_modules/@s/x\":{\"version\":\"0.9.0\"},"
	    "\"node_modules/alias\":{\"name\":\"real\",\"version\":\"2.0.0\"},"
	    "\"node_modules/ws\":{\"resolved\":\"packages/ws\",\"link\":true},"
	    "\"packages/ws\":{\"version\":\"0.0.1\"},"
	    "\"node_modules/a\":{\"version\":\"5.0.0\",\"dev\":true,\"optional\":true},"
	    "\"node_modules/nover\":{}}}");
	CHECK(s.rc == 0);
	/* the workspace "packages/ws" has a version: reported under its directory's name
	 * (issue 20); the link to it is not */
	CHECK(s.n == 5);
	CHECK_STR(s.line[0], "npm||@s/x|0.9.0||");
	CHECK_STR(s.line[1], "npm||@s/x|1.0.0|MIT|");
	CHECK_STR(s.line[2], "npm||a|5.0.0||");
	CHECK_STR(s.line[3], "npm||real|2.0.0||");
	CHECK_STR(s.line[4], "npm||ws|0.0.1||");
	CHECK(s.skipped == 1);
}

TEST(test_npm__yarn_v1_and_berry)
{
	seen s;
	run(&s, &vigil_cataloger_npm, "/app/yarn.lock",
	    "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n"
	    "# yarn lockfile v1\n\n\n"
	    "\"@babel/code-frame@^7.0.0\", \"@babel/code-frame@^7.10.4\":\n"
	    "  version \"7.12.13\"\n"
	    "  resolved \"https://registry.yarnpkg.com/x\"\n"
	    "  dependencies:\n"
	    "    version \"^1.0.0\"\n\n"
	    "lodash@^4.17.15, lodash@^4.17.19:\r\n"
	    "  version \"4.17.21\"\r\n\n"
	    "string-width-cjs@npm:string-width@^4.2.0:\n"
	    "  version \"4.2.3\"\n\n"
	    "noversion@^1:\n"
	    "  resolved \"x\"\n");
	CHECK(s.rc == 0);
	CHECK(s.n == 3);
	CHECK_STR(s.line[0], "npm||@babel/code-frame|7.12.13||");
	CHECK_STR(s.line[1], "npm||lodash|4.17.21||");
	CHECK_STR(s.line[2], "npm||string-width|4.2.3||");
	CHECK(s.skipped == 1);
	run(&s, &vigil_cataloger_npm, "/app/yarn.lock",
	    "__metadata:\n  version: 6\n  cacheKey: 8\n\n"
	    "\"app@workspace:.\":\n  version: 0.0.0-use.local\n\n"
	    "\"minimist@npm:^1.2.0, minimist@npm:^1.2.5\":\n"
	    "  version: 1.2.8\n  resolution: \"minimist@npm:1.2.8\"\n");
	CHECK(s.rc == 0 && s.n == 1 && s.skipped == 0);
	CHECK_STR(s.line[0], "npm||minimist|1.2.8||");
}

/* ---- python ---- */

TEST(test_python__wants_metadata_files)
{
	const vigil_cataloger *c = &vigil_cataloger_python;
	CHECK(wants(c, "/usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA"));
	CHECK(wants(c, "/x/requests-2.28.1.egg-info/PKG-INFO"));
	CHECK(wants(c, "/x/simplejson-3.8.0-py3.11.egg-info"));
	CHECK(!wants(c, "/x/.dist-info/METADATA"));
	CHECK(!wants(c, "/x/foo/METADATA"));
	CHECK(!wants(c, "/x/foo.dist-info/RECORD"));
	CHECK(!wants(c, "/x/requests.egg-info/requires.txt"));
}

TEST(test_python__headers_stop_at_body_and_purl_is_normalised)
{
	seen s;
	run(&s, &vigil_cataloger_python, "/s/zope.interface-5.4.0.dist-info/METADATA",
	    "Metadata-Version: 2.1\n"
	    "Name: zope.Interface__x\n"
	    "Version: 5.4.0+local.1\n"
	    "License: ZPL 2.1\n"
	    "Description: a description\n"
	    "        \n"
	    "        Version: 9.9 (an indented line, still the description)\n"
	    "\n"
	    "Name: not-a-header\n");
	CHECK(s.rc == 0 && s.n == 1);
	CHECK_STR(s.line[0], "pypi||zope.Interface__x|5.4.0+local.1|ZPL "
			     "2.1|pkg:pypi/zope-interface-x@5.4.0+local.1");
}

TEST(test_python__license_precedence)
{
	seen s;
	const char *path = "/s/a-1.dist-info/METADATA";
	run(&s, &vigil_cataloger_python, path,
	    "Name: a\nVersion: 1\nLicense: MIT\nLicense-Expression: MIT OR Apache-2.0\n");
	CHECK_STR(s.line[0], "pypi||a|1|MIT OR Apache-2.0|pkg:pypi/a@1");
	run(&s, &vigil_cataloger_python, path,
	    "Name: a\nVersion: 1\nLicense: UNKNOWN\n"
	    "Classifier: License :: OSI Approved :: BSD License\n"
	    "Classifier: Programming Language :: Python\n"
	    "Classifier: License :: OSI Approved :: MIT License\n");
	CHECK_STR(s.line[0], "pypi||a|1|BSD License, MIT License|pkg:pypi/a@1");
	run(&s, &vigil_cataloger_python, path,
	    "Name: a\nVersion: 1\nLicense: Copyright (c) someone\n        All rights reserved.\n");
	CHECK_STR(s.line[0], "pypi||a|1||pkg:pypi/a@1");
}

TEST(test_python__missing_version_is_skipped)
{
	seen s;
	run(&s, &vigil_cataloger_python, "/s/a.egg-info", "Name: a\n\nVersion: 1\n");
	CHECK(s.rc == 0 && s.n == 0 && s.skipped == 1);
	run(&s, &vigil_cataloger_python, "/s/a.egg-info", "");
	CHECK(s.rc == 0 && s.n == 0 && s.skipped == 1);
}

/* ---- gem ---- */

TEST(test_gem__static_gemspec)
{
	seen s;
	CHECK(wants(&vigil_cataloger_gem, "/usr/local/bundle/specifications/rack-2.2.3.gemspec"));
	CHECK(wants(&vigil_cataloger_gem,
		    "/usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec"));
	CHECK(!wants(&vigil_cataloger_gem, "/src/rack/rack.gemspec"));
	CHECK(!wants(&vigil_cataloger_gem, "/g/specifications/x/y/z.gemspec"));
	CHECK(!wants(&vigil_cataloger_gem, "/g/specifications/.gemspec"));
	run(&s, &vigil_cataloger_gem, "/g/specifications/x-1.gemspec",
	    "# stub: x 1 ruby lib\n"
	    "Gem::Specification.new do |spec|\n"
	    "  spec.name = \"caf\\u00E9\".freeze\n"
	    "  spec.version = Gem::Version.new('1.2.3')\n"
	    "  spec.name = \"ignored\"\n"
	    "  spec.licenses = [\"MIT\".freeze, %q<Ruby>.freeze]\n"
	    "end\n");
	CHECK(s.rc == 0 && s.n == 1);
	CHECK_STR(s.line[0], "gem||caf\xC3\xA9|1.2.3|MIT, Ruby|");
	run(&s, &vigil_cataloger_gem, "/g/specifications/x-1.gemspec",
	    "Gem::Specification.new do |s|\n  s.name = %q{nested {braces}}\n"
	    "  s.version = \"0.1\"\n  s.license = 'Apache-2.0'\nend\n");
	CHECK_STR(s.line[0], "gem||nested {braces}|0.1|Apache-2.0|");
}

TEST(test_gem__needs_evaluation_is_skipped)
{
	seen s;
	run(&s, &vigil_cataloger_gem, "/g/specifications/x.gemspec",
	    "Gem::Specification.new do |s|\n  s.name = \"x#{1}\"\n  s.version = \"1\"\nend\n");
	CHECK(s.rc == 0 && s.n == 0 && s.skipped == 1);
	run(&s, &vigil_cataloger_gem, "/g/specifications/x.gemspec",
	    "Gem::Specification.new do |spec|\n  s.name = \"x\"\n  s.version = \"1\"\nend\n");
	CHECK(s.rc == 0 && s.n == 0 && s.skipped == 1);
	run(&s, &vigil_cataloger_gem, "/g/specifications/x.gemspec",
	    "Gem::Specification.new do |s|\n  s.name = \"unterminated\n  s.version = VERSION\n");
	CHECK(s.rc == 0 && s.n == 0 && s.skipped == 1);
}

/* ---- composer ---- */

TEST(test_composer__v1_and_v2)
{
	seen s;
	const char *path = "/var/www/vendor/composer/installed.json";
	CHECK(wants(&vigil_cataloger_composer, path));
	CHECK(!wants(&vigil_cataloger_composer, "/var/www/composer.json"));
	run(&s, &vigil_cataloger_composer, path,
	    "[{\"name\":\"monolog/monolog\",\"version\":\"1.25.0\",\"license\":[\"MIT\"]},"
	    "{\"name\":\"solo\",\"version\":\"v2.0\",\"license\":\"BSD-3-Clause\"},"
	    "{\"name\":\"nover/x\"}, 3]");
	CHECK(s.rc == 0 && s.n == 2 && s.skipped == 2);
	CHECK_STR(s.line[0], "composer|monolog|monolog|1.25.0|MIT|");
	CHECK_STR(s.line[1], "composer||solo|v2.0|BSD-3-Clause|");
	run(&s, &vigil_cataloger_composer, path,
	    "{\"packages\":[{\"name\":\"a/b\",\"version\":\"1.0.0\","
	    "\"license\":[\"MIT\",\"GPL-2.0-only\"]}],\"dev\":true,\"dev-package-names\":[]}");
	CHECK(s.rc == 0 && s.n == 1);
	CHECK_STR(s.line[0], "composer|a|b|1.0.0|MIT OR GPL-2.0-only|");
	run(&s, &vigil_cataloger_composer, path, "{\"packages\":{}}");
	CHECK(s.rc < 0 && s.n == 0);
}

/* ---- dotnet ---- */

TEST(test_dotnet__packages_and_runtimepacks)
{
	seen s;
	CHECK(wants(&vigil_cataloger_dotnet, "/app/MyApp.deps.json"));
	CHECK(!wants(&vigil_cataloger_dotnet, "/app/.deps.json"));
	run(&s, &vigil_cataloger_dotnet, "/app/MyApp.deps.json",
	    "{\"libraries\":{"
	    "\"MyApp/1.0.0\":{\"type\":\"project\"},"
	    "\"Newtonsoft.Json/13.0.1\":{\"type\":\"package\",\"sha512\":\"x\"},"
	    "\"runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0\":"
	    "{\"type\":\"runtimepack\"},"
	    "\"Ref/1.0\":{\"type\":\"reference\"},"
	    "\"NoVersion\":{\"type\":\"package\"}}}");
	CHECK(s.rc == 0 && s.n == 3 && s.skipped == 1);
	CHECK_STR(s.line[0], "nuget||MyApp|1.0.0||"); /* the project itself */
	CHECK_STR(s.line[1], "nuget||Newtonsoft.Json|13.0.1||");
	CHECK_STR(s.line[2], "nuget||Microsoft.NETCore.App.Runtime.linux-x64|8.0.0||");
	run(&s, &vigil_cataloger_dotnet, "/app/MyApp.deps.json", "{\"libraries\":[]}");
	CHECK(s.rc < 0);
}

/* ---- the JSON pull reader ---- */

/* Reads the one string member `key` of a top-level object; returns the reader's code. */
static int json_member_string(const char *doc, vigil_buf *out)
{
	vigil_json j;
	vigil_buf key = VIGIL_BUF_INIT;
	int r;
	vigil_json__init(&j, (const uint8_t *)doc, strlen(doc));
	if ((r = vigil_json__enter(&j, '{')) == 0 && (r = vigil_json__member(&j, &key)) == 1 &&
	    (r = vigil_json__string(&j, out)) == 0 && (r = vigil_json__member(&j, &key)) == 0)
		r = vigil_json__end(&j);
	vigil_buf_free(&key);
	return r;
}

TEST(test_jsonpull__decodes_escapes_and_surrogates)
{
	vigil_buf v = VIGIL_BUF_INIT;
	int r = json_member_string("{\"k\": \"a\\u00e9\\ud83d\\ude00\\n\\/\\\"\"}", &v);
	CHECK(r == 0);
	CHECK_STR((const char *)v.data, "a\xC3\xA9\xF0\x9F\x98\x80\n/\"");
	vigil_buf_free(&v);
}

TEST(test_jsonpull__rejects_nul_lone_surrogates_and_raw_controls)
{
	vigil_buf v = VIGIL_BUF_INIT;
	CHECK(json_member_string("{\"k\": \"a\\u0000\"}", &v) == VIGIL_EFORMAT);
	CHECK(json_member_string("{\"k\": \"\\ud800\"}", &v) == VIGIL_EFORMAT);
	CHECK(json_member_string("{\"k\": \"\\udc00\"}", &v) == VIGIL_EFORMAT);
	CHECK(json_member_string("{\"k\": \"a\tb\"}", &v) == VIGIL_EFORMAT);
	CHECK(json_member_string("{\"k\": \"unterminated}", &v) == VIGIL_EFORMAT);
	CHECK(json_member_string("{\"k\": \"a\"} trailing", &v) == VIGIL_EFORMAT);
	v.limit = 3;
	CHECK(json_member_string("{\"k\": \"abcd\"}", &v) == VIGIL_ELIMIT);
	vigil_buf_free(&v);
}

TEST(test_jsonpull__skip_checks_syntax_and_depth)
{
	static const char *const good[] = {"[]", "{}", "[1, -0.5e+10, 0, 1E3, true, null]",
					   "{\"a\": {\"b\": [false, \"x\"]}}", " \"s\" "};
	static const char *const bad[] = {"[1,]",  "{\"a\" 1}",	 "[01]", "[1.]",  "[-]",
					  "[tru]", "{\"a\":1,}", "[}",	 "{1:2}", ""};
	vigil_json j;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		vigil_json__init(&j, (const uint8_t *)good[i], strlen(good[i]));
		CHECK(vigil_json__skip(&j) == 0 && vigil_json__end(&j) == 0);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		vigil_json__init(&j, (const uint8_t *)bad[i], strlen(bad[i]));
		CHECK(vigil_json__skip(&j) < 0 || vigil_json__end(&j) < 0);
	}
	char deep[2 * VIGIL_JSON_MAX_DEPTH + 4];
	size_t n = VIGIL_JSON_MAX_DEPTH + 1;
	memset(deep, '[', n);
	memset(deep + n, ']', n);
	vigil_json__init(&j, (const uint8_t *)deep, 2 * n);
	CHECK(vigil_json__skip(&j) == VIGIL_ELIMIT);
	vigil_json__init(&j, (const uint8_t *)deep + 1, 2 * n - 2);
	CHECK(vigil_json__skip(&j) == 0 && vigil_json__end(&j) == 0);
}
