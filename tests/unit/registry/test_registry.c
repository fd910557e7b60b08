/* Image references and the registry's authentication inputs. */
#include <stdlib.h>

#include "../test.h"
#include "registry/registry.h"

/* Parses `in` and compares the canonical form with `want` ("" = must fail). */
static int ref_is(const char *in, const char *want)
{
	vigil_ref *r = NULL;
	const char *why;
	char buf[1024];
	int ok;
	if (vigil_ref_parse(&r, in, &why) < 0)
		return want[0] == '\0' && why != NULL;
	ok = strcmp(vigil_ref_format(r, buf, sizeof(buf)), want) == 0;
	if (!ok)
		printf("  '%s' -> '%s', want '%s'\n", in, buf, want);
	vigil_ref_free(r);
	return ok;
}

TEST(test_registry__docker_hub_short_names_expand)
{
	CHECK(ref_is("alpine", "docker.io/library/alpine:latest"));
	CHECK(ref_is("alpine:3.20", "docker.io/library/alpine:3.20"));
	CHECK(ref_is("grafana/grafana:10", "docker.io/grafana/grafana:10"));
	CHECK(ref_is("index.docker.io/library/busybox", "docker.io/library/busybox:latest"));
	CHECK(ref_is("docker://busybox:1", "docker.io/library/busybox:1"));
}

TEST(test_registry__hosts_ports_and_digests)
{
	const char *d = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	char in[256], want[256];
	CHECK(ref_is("localhost:5000/app", "localhost:5000/app:latest"));
	CHECK(ref_is("localhost/app:1", "localhost/app:1"));
	CHECK(ref_is("registry:127.0.0.1:5000/a/b:c", "127.0.0.1:5000/a/b:c"));
	/* "registry" as a host with a port, and Docker Hub's registry image (fuzz finding) */
	CHECK(ref_is("registry:5000/app", "registry:5000/app:latest"));
	CHECK(ref_is("registry:registry:5000/app", "registry:5000/app:latest"));
	CHECK(ref_is("registry:2", "docker.io/library/registry:2"));
	CHECK(ref_is("registry:2.8.3", "docker.io/library/registry:2.8.3"));
	CHECK(ref_is("registry:alpine", "docker.io/library/alpine:latest"));
	CHECK(ref_is("[::1]:5000/repo:tag", "[::1]:5000/repo:tag"));
	CHECK(ref_is("Example.COM/repo", "Example.COM/repo:latest"));
	snprintf(in, sizeof(in), "ghcr.io/o/app@%s", d);
	snprintf(want, sizeof(want), "ghcr.io/o/app@%s", d);
	CHECK(ref_is(in, want));
	snprintf(in, sizeof(in), "ghcr.io/o/app:v1@%s", d);
	snprintf(want, sizeof(want), "ghcr.io/o/app:v1@%s", d);
	CHECK(ref_is(in, want));
}

TEST(test_registry__malformed_references_are_refused)
{
	CHECK(ref_is("", ""));
	CHECK(ref_is("repo/UPPER", ""));
	CHECK(ref_is("UPPER/repo", "UPPER/repo:latest")); /* upper case: a host, as docker */
	CHECK(ref_is("repo:", ""));
	CHECK(ref_is("repo@sha256:abc", ""));
	CHECK(ref_is("a//b", ""));
	CHECK(ref_is("repo..x", ""));
	CHECK(ref_is("host:99999999/repo", ""));
	CHECK(ref_is("with space", ""));
}

TEST(test_registry__challenge_prefers_bearer_and_reads_quoted_params)
{
	vigil_reg_challenge ch;
	const char *v = "Basic realm=\"r\", Bearer realm=\"https://auth/token\",service=\"reg\","
			"scope=\"repository:a/b:pull\"";
	CHECK(vigil_reg__challenge_parse(&ch, v, strlen(v)) == 0);
	CHECK_STR(ch.scheme, "bearer");
	CHECK_STR(ch.realm, "https://auth/token");
	CHECK_STR(ch.service, "reg");
	CHECK_STR(ch.scope, "repository:a/b:pull");
	v = "Basic realm=\"Registry Realm\"";
	CHECK(vigil_reg__challenge_parse(&ch, v, strlen(v)) == 0);
	CHECK_STR(ch.scheme, "basic");
	v = "Negotiate";
	CHECK(vigil_reg__challenge_parse(&ch, v, strlen(v)) == VIGIL_EFORMAT);
	v = "Bearer realm=\"unterminated";
	CHECK(vigil_reg__challenge_parse(&ch, v, strlen(v)) == VIGIL_EFORMAT);
}

TEST(test_registry__auth_file_auths_by_host)
{
	vigil_reg_cred c;
	char err[256];
	/* dXNlcjpwYTpzcw== is base64 of "user:pa:ss" */
	const char *j = "{\"auths\":{\"https://r.example:5000\":{\"auth\":\"dXNlcjpwYTpzcw==\"},"
			"\"https://index.docker.io/v1/\":{\"identitytoken\":\"tok\"}}}";
	memset(&c, 0, sizeof(c));
	CHECK(vigil_reg__cred_from_config(&c, j, strlen(j), "r.example:5000", 0, err,
					  sizeof(err)) == 0);
	CHECK_STR(c.user, "user");
	CHECK_STR(c.pass, "pa:ss");
	vigil_reg__cred_free(&c);
	CHECK(vigil_reg__cred_from_config(&c, j, strlen(j), "docker.io", 0, err, sizeof(err)) == 0);
	CHECK_STR(c.identity_token, "tok");
	CHECK(c.user == NULL);
	vigil_reg__cred_free(&c);
	CHECK(vigil_reg__cred_from_config(&c, j, strlen(j), "r.example", 0, err, sizeof(err)) == 0);
	CHECK(c.user == NULL && c.identity_token == NULL); /* another port is another host */
	vigil_reg__cred_free(&c);
}

/* The reference `in` as read from the mirror of `rule` ("" = the rule does not apply). */
static int mirror_is(const char *rule, const char *in, const char *want)
{
	vigil_ref *r = NULL, *m = NULL;
	const char *why;
	char buf[1024] = "";
	int rc, ok;
	if (vigil_ref_parse(&r, in, &why) < 0)
		return 0;
	rc = vigil_reg__mirror_ref(&m, rule, r);
	if (rc == 1)
		vigil_ref_format(m, buf, sizeof(buf));
	ok = (rc == 1 && strcmp(buf, want) == 0) || (rc == 0 && want[0] == '\0' && !m);
	if (!ok)
		printf("  '%s' via '%s' -> %d '%s', want '%s'\n", in, rule, rc, buf, want);
	vigil_ref_free(r);
	vigil_ref_free(m);
	return ok;
}

TEST(test_registry__mirror_rules_map_the_repository)
{
	const char *why;
	CHECK(mirror_is("docker.io=mirror.corp:5000", "alpine:3.20",
			"mirror.corp:5000/library/alpine:3.20"));
	CHECK(mirror_is("index.docker.io=https://mirror.corp/hub", "team/app:1",
			"mirror.corp/hub/team/app:1"));
	CHECK(mirror_is("docker.io=http://m:5000/a/b/", "alpine",
			"m:5000/a/b/library/alpine:latest"));
	CHECK(mirror_is("ghcr.io=m.corp", "ghcr.io/o/app:1", "m.corp/o/app:1"));
	CHECK(mirror_is("ghcr.io=m.corp", "alpine:1", "")); /* another registry's rule */
	CHECK(mirror_is("GHCR.IO=m.corp", "ghcr.io/o/x:1", "m.corp/o/x:1")); /* host case */
	CHECK(vigil_registry_mirror_check("docker.io=m.corp", &why) == 0);
	CHECK(vigil_registry_mirror_check("docker.io", &why) == VIGIL_EINVAL && why);
	CHECK(vigil_registry_mirror_check("=m.corp", &why) == VIGIL_EINVAL && why);
	CHECK(vigil_registry_mirror_check("docker.io=", &why) == VIGIL_EINVAL && why);
	CHECK(vigil_registry_mirror_check("docker.io=m corp", &why) == VIGIL_EINVAL && why);
	CHECK(vigil_registry_mirror_check("docker.io=m.corp/UP", &why) == VIGIL_EINVAL && why);
	CHECK(vigil_registry_mirror_check("docker.io=m.corp/a//b", &why) == VIGIL_EINVAL && why);
	CHECK(vigil_registry_mirror_check("bad host=m.corp", &why) == VIGIL_EINVAL && why);
}
