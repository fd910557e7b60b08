/* Host audit: daemon.json and docker inspect checks on buffers, and the file, socket
 * and audit-rule checks on a root directory built by the test. Every check has a case
 * that fails it and one that passes. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "../test.h"
#include "config/host.h"

static int count(const vigil_config_result *r, const char *id)
{
	int n = 0;
	for (size_t i = 0; i < vigil_config_result_count(r); i++)
		n += strcmp(vigil_config_result_get(r, i)->check->id, id) == 0;
	return n;
}

static const vigil_config_finding *find(const vigil_config_result *r, const char *id)
{
	for (size_t i = 0; i < vigil_config_result_count(r); i++)
		if (strcmp(vigil_config_result_get(r, i)->check->id, id) == 0)
			return vigil_config_result_get(r, i);
	return NULL;
}

/* Checks a daemon.json text; returns the count of `id` (-1 on error). */
static int daemon_count(const char *json, const char *id)
{
	vigil_config_result *r;
	int n = -1;
	if (vigil_config__result_new(&r, NULL) < 0)
		return -1;
	if (vigil_config__host_daemon(r, NULL, "daemon.json", json, strlen(json)) == 0)
		n = count(r, id);
	vigil_config_result_free(r);
	return n;
}

/* A daemon.json that passes every section 2 check. */
#define GOOD_DAEMON                                                                                \
	"{\"icc\": false, \"userns-remap\": \"default\", \"live-restore\": true,\n"                \
	"\"userland-proxy\": false, \"no-new-privileges\": true, \"log-driver\": \"syslog\",\n"    \
	"\"authorization-plugins\": [\"authz\"]"

TEST(test_host__daemon_good_config_has_no_findings)
{
	const char *j = GOOD_DAEMON "}";
	vigil_config_result *r;
	CHECK(vigil_config__result_new(&r, NULL) == 0);
	CHECK(vigil_config__host_daemon(r, NULL, "d", j, strlen(j)) == 0);
	CHECK(vigil_config_result_count(r) == 0);
	vigil_config_result_free(r);
}

TEST(test_host__daemon_each_setting_fails_alone)
{
	static const struct {
		const char *id, *bad, *good;
	} cases[] = {
		{"VGL-HOST-001", "{\"icc\": true}", "{\"icc\": false}"},
		{"VGL-HOST-002", "{\"log-level\": \"debug\"}", "{\"log-level\": \"info\"}"},
		{"VGL-HOST-003", "{\"iptables\": false}", "{\"iptables\": true}"},
		{"VGL-HOST-004", "{\"insecure-registries\": [\"r:5000\"]}",
		 "{\"insecure-registries\": []}"},
		{"VGL-HOST-005", "{\"storage-driver\": \"aufs\"}",
		 "{\"storage-driver\": \"overlay2\"}"},
		{"VGL-HOST-006",
		 "{\"hosts\": [\"unix:///var/run/docker.sock\", \"tcp://0.0.0.0:2375\"]}",
		 "{\"hosts\": [\"tcp://0.0.0.0:2376\"], \"tlsverify\": true, \"tlscacert\": "
		 "\"/c\", "
		 "\"tlscert\": \"/s\", \"tlskey\": \"/k\"}"},
		{"VGL-HOST-007", "{\"userns-remap\": \"\"}", "{\"userns-remap\": \"default\"}"},
		{"VGL-HOST-008", "{}", "{\"authorization-plugins\": [\"authz\"]}"},
		{"VGL-HOST-009", "{\"log-driver\": \"json-file\"}",
		 "{\"log-driver\": \"journald\"}"},
		{"VGL-HOST-010", "{\"live-restore\": false}", "{\"live-restore\": true}"},
		{"VGL-HOST-011", "{}", "{\"userland-proxy\": false}"},
		{"VGL-HOST-012", "{\"seccomp-profile\": \"unconfined\"}",
		 "{\"seccomp-profile\": \"/etc/docker/seccomp.json\"}"},
		{"VGL-HOST-013", "{\"experimental\": true}", "{\"experimental\": false}"},
		{"VGL-HOST-014", "{\"no-new-privileges\": false}", "{\"no-new-privileges\": true}"},
		{"VGL-HOST-015", "{\"icc\": false,,}", "{}"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (daemon_count(cases[i].bad, cases[i].id) != 1 ||
		    daemon_count(cases[i].good, cases[i].id) != 0)
			printf("  case %s\n", cases[i].id);
		CHECK(daemon_count(cases[i].bad, cases[i].id) == 1);
		CHECK(daemon_count(cases[i].good, cases[i].id) == 0);
	}
}

TEST(test_host__daemon_finding_has_the_key_line)
{
	const char *j = "{\n  \"log-driver\": \"json-file\",\n\n  \"icc\" :\n true\n}";
	vigil_config_result *r;
	CHECK(vigil_config__result_new(&r, NULL) == 0);
	CHECK(vigil_config__host_daemon(r, NULL, "daemon.json", j, strlen(j)) == 0);
	CHECK(find(r, "VGL-HOST-001") && find(r, "VGL-HOST-001")->line == 4);
	CHECK(find(r, "VGL-HOST-009") && find(r, "VGL-HOST-009")->line == 2);
	CHECK(find(r, "VGL-HOST-010") && find(r, "VGL-HOST-010")->line == 0);
	CHECK_STR(find(r, "VGL-HOST-001")->file, "daemon.json");
	vigil_config_result_free(r);
}

/* Checks inspect text; returns the count of `id` (-1 on error). */
static int inspect_count(const char *json, const char *id)
{
	vigil_config_result *r;
	char err[256];
	int n = -1;
	if (vigil_config__result_new(&r, NULL) < 0)
		return -1;
	if (vigil_config__host_inspect(r, "inspect.json", json, strlen(json), err) == 0)
		n = count(r, id);
	vigil_config_result_free(r);
	return n;
}

/* A container that passes every section 5 check; %s is spliced into HostConfig, %s
 * after it at the top level. */
static int good_ctr_count(const char *hostconfig, const char *top, const char *id)
{
	char buf[4096];
	snprintf(buf, sizeof(buf),
		 "[{\"Id\": \"abc\", \"Name\": \"/web\", \"AppArmorProfile\": \"docker-default\","
		 " \"Config\": {\"User\": \"app\", \"Healthcheck\": {\"Test\": [\"CMD\", "
		 "\"true\"]}},"
		 " \"HostConfig\": {\"Privileged\": false, \"CapDrop\": [\"ALL\"],"
		 " \"NetworkMode\": \"bridge\", \"Memory\": 268435456, \"CpuShares\": 512,"
		 " \"PidsLimit\": 100, \"ReadonlyRootfs\": true,"
		 " \"SecurityOpt\": [\"no-new-privileges:true\"],"
		 " \"RestartPolicy\": {\"Name\": \"on-failure\", \"MaximumRetryCount\": 5}%s%s}"
		 "%s%s}]",
		 *hostconfig ? ", " : "", hostconfig, *top ? ", " : "", top);
	return inspect_count(buf, id);
}

TEST(test_host__inspect_good_container_has_no_findings)
{
	vigil_config_result *r;
	char err[256];
	CHECK(good_ctr_count("", "", "VGL-CTR-001") == 0);
	CHECK(vigil_config__result_new(&r, NULL) == 0);
	const char *j =
		"[{\"Name\": \"/web\", \"AppArmorProfile\": \"docker-default\","
		" \"Config\": {\"User\": \"1000\", \"Healthcheck\": {\"Test\": [\"CMD\", \"x\"]}},"
		" \"HostConfig\": {\"CapDrop\": [\"ALL\"], \"Memory\": 1, \"CpuShares\": 2,"
		" \"PidsLimit\": 3, \"ReadonlyRootfs\": true, \"SecurityOpt\": "
		"[\"no-new-privileges\"], \"RestartPolicy\": {\"Name\": \"no\"}}}]";
	CHECK(vigil_config__host_inspect(r, "i", j, strlen(j), err) == 0);
	CHECK(vigil_config_result_count(r) == 0);
	vigil_config_result_free(r);
}

TEST(test_host__inspect_each_setting_fails_alone)
{
	static const struct {
		const char *id, *hc_bad, *top_bad, *hc_good, *top_good;
	} cases[] = {
		{"VGL-CTR-001", "\"Privileged\": true", "", "\"Privileged\": false", ""},
		{"VGL-CTR-002", "\"CapAdd\": [\"SYS_ADMIN\", \"CHOWN\"]", "",
		 "\"CapAdd\": [\"CHOWN\"]", ""},
		{"VGL-CTR-003", "\"CapDrop\": [\"NET_RAW\"]", "", "\"CapDrop\": [\"all\"]", ""},
		{"VGL-CTR-004", "\"NetworkMode\": \"host\"", "", "\"NetworkMode\": \"none\"", ""},
		{"VGL-CTR-005", "\"PidMode\": \"host\"", "", "\"PidMode\": \"\"", ""},
		{"VGL-CTR-006", "\"IpcMode\": \"host\"", "", "\"IpcMode\": \"private\"", ""},
		{"VGL-CTR-007", "\"UTSMode\": \"host\"", "", "\"UTSMode\": \"\"", ""},
		{"VGL-CTR-008", "\"UsernsMode\": \"host\"", "", "\"UsernsMode\": \"\"", ""},
		{"VGL-CTR-009", "", "\"Mounts\": [{\"Source\": \"/etc\", \"Destination\": \"/h\"}]",
		 "", "\"Mounts\": [{\"Source\": \"/srv/etc\", \"Destination\": \"/h\"}]"},
		{"VGL-CTR-010", "",
		 "\"Mounts\": [{\"Source\": \"/var/run/docker.sock\", \"Destination\": \"/s\"}]",
		 "", "\"Mounts\": [{\"Source\": \"/srv/data\", \"Destination\": \"/d\"}]"},
		{"VGL-CTR-011", "",
		 "\"Mounts\": [{\"Source\": \"/srv\", \"Destination\": \"/s\", \"Propagation\": "
		 "\"rshared\"}]",
		 "",
		 "\"Mounts\": [{\"Source\": \"/srv\", \"Destination\": \"/s\", \"Propagation\": "
		 "\"rprivate\"}]"},
		{"VGL-CTR-012", "\"Memory\": 0", "", "", ""},
		{"VGL-CTR-013", "\"CpuShares\": 1024", "", "", ""},
		{"VGL-CTR-014", "\"PidsLimit\": -1", "", "", ""},
		{"VGL-CTR-015", "\"ReadonlyRootfs\": false", "", "", ""},
		{"VGL-CTR-016", "\"SecurityOpt\": [\"no-new-privileges\", \"seccomp=unconfined\"]",
		 "", "\"SecurityOpt\": [\"no-new-privileges\", \"seccomp=/p.json\"]", ""},
		{"VGL-CTR-017", "", "\"AppArmorProfile\": \"unconfined\"", "",
		 "\"AppArmorProfile\": \"docker-default\""},
		{"VGL-CTR-018", "\"SecurityOpt\": [\"label=disable\"]", "",
		 "\"SecurityOpt\": [\"no-new-privileges=true\"]", ""},
		{"VGL-CTR-019",
		 "\"RestartPolicy\": {\"Name\": \"always\", \"MaximumRetryCount\": 0}", "",
		 "\"RestartPolicy\": {\"Name\": \"on-failure\", \"MaximumRetryCount\": 3}", ""},
		{"VGL-CTR-020",
		 "\"PortBindings\": {\"80/tcp\": [{\"HostIp\": \"127.0.0.1\", "
		 "\"HostPort\": \"80\"}]}",
		 "",
		 "\"PortBindings\": {\"80/tcp\": [{\"HostIp\": \"127.0.0.1\", \"HostPort\": "
		 "\"8080\"}]}",
		 ""},
		{"VGL-CTR-021",
		 "\"PortBindings\": {\"8080/tcp\": [{\"HostIp\": \"\", \"HostPort\": "
		 "\"8080\"}]}",
		 "",
		 "\"PortBindings\": {\"8080/tcp\": [{\"HostIp\": \"10.0.0.5\", \"HostPort\": "
		 "\"8080\"}]}",
		 ""},
		{"VGL-CTR-022", "\"Devices\": [{\"PathOnHost\": \"/dev/sda\"}]", "",
		 "\"Devices\": []", ""},
		{"VGL-CTR-023", "", "\"Config\": {\"User\": \"root\"}", "",
		 "\"Config\": {\"User\": \"1000:1000\", \"Healthcheck\": {\"Test\": [\"CMD\", "
		 "\"x\"]}}"},
		{"VGL-CTR-024", "",
		 "\"Config\": {\"User\": \"app\", \"Healthcheck\": {\"Test\": [\"NONE\"]}}", "",
		 "\"Config\": {\"User\": \"app\", \"Healthcheck\": {\"Test\": [\"CMD-SHELL\", "
		 "\"x\"]}}"},
		{"VGL-CTR-025", "\"SecurityOpt\": [\"no-new-privileges\", \"label:disable\"]", "",
		 "\"SecurityOpt\": [\"no-new-privileges\", \"label=type:svirt_apache_t\"]", ""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int bad = good_ctr_count(cases[i].hc_bad, cases[i].top_bad, cases[i].id);
		int good = good_ctr_count(cases[i].hc_good, cases[i].top_good, cases[i].id);
		if (bad < 1 || good != 0)
			printf("  case %s: bad %d good %d\n", cases[i].id, bad, good);
		CHECK(bad >= 1);
		CHECK(good == 0);
	}
}

TEST(test_host__inspect_object_name_and_errors)
{
	vigil_config_result *r;
	char err[256];
	const char *one = "{\"Name\": \"/db\", \"HostConfig\": {\"Privileged\": true}}";
	CHECK(vigil_config__result_new(&r, NULL) == 0);
	CHECK(vigil_config__host_inspect(r, "i.json", one, strlen(one), err) == 0);
	CHECK(find(r, "VGL-CTR-001"));
	CHECK_STR(find(r, "VGL-CTR-001")->object, "container db");
	CHECK_STR(find(r, "VGL-CTR-001")->check->kind, "container");
	CHECK(vigil_config__host_inspect(r, "i.json", "[", 1, err) == VIGIL_EFORMAT);
	CHECK(strstr(err, "malformed JSON"));
	CHECK(vigil_config__host_inspect(r, "i.json", "42", 2, err) == VIGIL_EFORMAT);
	vigil_config_result_free(r);
}

/* ---- a root directory ------------------------------------------------------------ */

static void put(const char *root, const char *rel, const char *data, unsigned mode, int uid,
		int gid)
{
	char path[1024], dir[1024];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')) != NULL; p++) {
		snprintf(dir, sizeof(dir), "%.*s", (int)(p - path), path);
		mkdir(dir, 0755);
	}
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(data, f);
		fclose(f);
	}
	chmod(path, mode);
	if (chown(path, (uid_t)uid, (gid_t)gid) < 0) {
		/* not root: owner checks then see the test user */
	}
}

static void make_socket(const char *root, const char *rel, unsigned mode, int gid)
{
	char path[1024];
	struct sockaddr_un sa;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	unlink(path);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
		chmod(path, mode);
		if (chown(path, 0, (gid_t)gid) < 0) {
		}
	}
	if (fd >= 0)
		close(fd);
}

static void rm_rf(const char *root)
{
	char cmd[1200];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd) != 0) {
	}
}

/* Builds a root: good (everything as CIS wants) or bad (every file check failing). */
static void make_root(char *root, size_t n, int good)
{
	snprintf(root, n, "/tmp/vigil-host-XXXXXX");
	if (!mkdtemp(root))
		return;
	put(root, "etc/group", "root:x:0:\ndocker:x:998:\n", 0644, 0, 0);
	put(root, "etc/docker/daemon.json",
	    GOOD_DAEMON ", \"tlscacert\": \"/etc/docker/tls/ca.pem\", \"tlscert\": "
			"\"/etc/docker/tls/cert.pem\", \"tlskey\": \"/etc/docker/tls/key.pem\"}",
	    good ? 0644 : 0666, 0, good ? 0 : 5);
	put(root, "etc/docker/tls/ca.pem", "x", good ? 0444 : 0644, good ? 0 : 7, 0);
	put(root, "etc/docker/tls/cert.pem", "x", good ? 0444 : 0644, good ? 0 : 7, 0);
	put(root, "etc/docker/tls/key.pem", "x", good ? 0400 : 0640, good ? 0 : 7, 0);
	put(root, "etc/docker/certs.d/reg:5000/ca.crt", "x", good ? 0444 : 0644, good ? 0 : 7, 0);
	put(root, "etc/default/docker", "DOCKER_OPTS=\n", good ? 0644 : 0664, good ? 0 : 7, 0);
	put(root, "lib/systemd/system/docker.service", "[Service]\n", good ? 0644 : 0664,
	    good ? 0 : 7, 0);
	put(root, "lib/systemd/system/docker.socket", "[Socket]\n", good ? 0644 : 0666,
	    good ? 0 : 7, 0);
	put(root, "etc/sysconfig/docker", "OPTIONS=\n", good ? 0644 : 0646, 0, good ? 0 : 9);
	put(root, "usr/bin/containerd-shim-runc-v2", "x", 0755, 0, 0);
	put(root, "usr/bin/dockerd", "x", 0755, 0, 0);
	put(root, "usr/bin/runc", "x", 0755, 0, 0);
	put(root, "var/lib/docker/x", "x", 0644, 0, 0);
	put(root, "run/containerd/x", "", 0644, 0, 0);
	put(root, "var/run/x", "", 0644, 0, 0);
	make_socket(root, "var/run/docker.sock", good ? 0660 : 0666, good ? 998 : 0);
	make_socket(root, "run/containerd/containerd.sock", good ? 0660 : 0666, 0);
	{
		char p[1024];
		snprintf(p, sizeof(p), "%s/etc/docker", root);
		chmod(p, good ? 0755 : 0777);
		if (chown(p, good ? 0 : 7, 0) < 0) {
		}
	}
	if (good)
		put(root, "etc/audit/rules.d/docker.rules",
		    "-w /usr/bin/dockerd -k docker\n-w /run/containerd -k docker\n"
		    "-a exit,always -F path=/var/lib/docker -k docker\n-w /etc/docker -k docker\n"
		    "-w /lib/systemd/system/docker.service -k docker\n"
		    "-w /run/containerd/containerd.sock -k docker\n"
		    "-w /lib/systemd/system/docker.socket -k docker\n"
		    "-w /etc/default/docker -k docker\n-w /etc/docker/daemon.json -k docker\n"
		    "-w /usr/bin/runc -k docker\n-w /etc/sysconfig/docker -k docker\n"
		    "-w /usr/bin/containerd-shim-runc-v2 -k docker\n",
		    0640, 0, 0);
	else
		put(root, "etc/audit/audit.rules",
		    "-w /usr/bin/dockerd-other -k x\n# -w /usr/bin/runc -k docker\n", 0640, 0, 0);
}

TEST(test_host__files_and_audit_rules_fail_and_pass)
{
	static const char *const file_ids[] = {
		"VGL-HOST-020", "VGL-HOST-021", "VGL-HOST-022", "VGL-HOST-023", "VGL-HOST-024",
		"VGL-HOST-025", "VGL-HOST-026", "VGL-HOST-027", "VGL-HOST-028", "VGL-HOST-029",
		"VGL-HOST-030", "VGL-HOST-031", "VGL-HOST-032", "VGL-HOST-033", "VGL-HOST-034",
		"VGL-HOST-035", "VGL-HOST-036", "VGL-HOST-037", "VGL-HOST-038", "VGL-HOST-039",
		"VGL-HOST-041", "VGL-HOST-050", "VGL-HOST-051", "VGL-HOST-052", "VGL-HOST-053",
		"VGL-HOST-054", "VGL-HOST-055", "VGL-HOST-056", "VGL-HOST-057", "VGL-HOST-058",
		"VGL-HOST-061", "VGL-HOST-042", "VGL-HOST-043", "VGL-HOST-062", "VGL-HOST-065"};
	char good[64], bad[64];
	vigil_ctx *ctx;
	vigil_config_result *r = NULL;
	if (geteuid() != 0) {
		printf("  (not root: owner checks cannot be set up)\n");
		return;
	}
	CHECK(vigil_ctx_new(&ctx) == 0);
	make_root(good, sizeof(good), 1);
	make_root(bad, sizeof(bad), 0);
	CHECK(vigil_config_audit_host(&r, ctx, good, NULL, NULL) == 0);
	for (size_t i = 0; i < vigil_config_result_count(r); i++)
		printf("  unexpected: %s %s\n", vigil_config_result_get(r, i)->check->id,
		       vigil_config_result_get(r, i)->message);
	CHECK(vigil_config_result_count(r) == 0);
	vigil_config_result_free(r);
	r = NULL;
	CHECK(vigil_config_audit_host(&r, ctx, bad, NULL, NULL) == 0);
	for (size_t i = 0; i < sizeof(file_ids) / sizeof(file_ids[0]); i++) {
		if (count(r, file_ids[i]) != 1)
			printf("  missing %s\n", file_ids[i]);
		CHECK(count(r, file_ids[i]) == 1);
	}
	CHECK_STR(find(r, "VGL-HOST-035")->file, "/var/run/docker.sock");
	/* nothing to audit where nothing exists: no containerd config, no containerd binary */
	CHECK(count(r, "VGL-HOST-059") == 0 && count(r, "VGL-HOST-060") == 0);
	CHECK(count(r, "VGL-HOST-063") == 0 && count(r, "VGL-HOST-064") == 0);
	vigil_config_result_free(r);
	rm_rf(good);
	rm_rf(bad);
	vigil_ctx_free(ctx);
}

TEST(test_host__symlinks_stay_inside_the_root)
{
	char root[64], link[1100];
	vigil_ctx *ctx;
	vigil_config_result *r = NULL;
	snprintf(root, sizeof(root), "/tmp/vigil-host-XXXXXX");
	CHECK(mkdtemp(root));
	/* etc -> /etc of the real host, resolved inside the root: daemon.json absent there */
	snprintf(link, sizeof(link), "%s/etc", root);
	CHECK(symlink("/etc", link) == 0);
	put(root, "x/daemon.json", "{\"experimental\": true}", 0644, 0, 0);
	put(root, "usr/bin/dockerd", "x", 0755, 0, 0);
	snprintf(link, sizeof(link), "%s/etc2", root);
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_config_audit_host(&r, ctx, root, NULL, NULL) == 0);
	CHECK(count(r, "VGL-HOST-013") == 0);
	CHECK(count(r, "VGL-HOST-007") == 1); /* the defaults: no daemon.json found */
	vigil_config_result_free(r);
	r = NULL;
	/* a link to ../../x/daemon.json inside the root resolves within it */
	unlink(link);
	snprintf(link, sizeof(link), "%s/etc", root);
	unlink(link);
	put(root, "etc/docker/keep", "", 0644, 0, 0);
	snprintf(link, sizeof(link), "%s/etc/docker/daemon.json", root);
	CHECK(symlink("../../../../../x/daemon.json", link) == 0);
	CHECK(vigil_config_audit_host(&r, ctx, root, NULL, NULL) == 0);
	CHECK(count(r, "VGL-HOST-013") == 1);
	vigil_config_result_free(r);
	CHECK(vigil_config_audit_host(&r, ctx, "/nonexistent-vigil", NULL, NULL) ==
	      VIGIL_ENOTFOUND);
	rm_rf(root);
	vigil_ctx_free(ctx);
}

TEST(test_host__no_docker_no_daemon_findings)
{
	char root[64], path[128];
	vigil_ctx *ctx;
	vigil_config_result *r = NULL;
	snprintf(root, sizeof(root), "/tmp/vigil-host-XXXXXX");
	CHECK(mkdtemp(root));
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_config_audit_host(&r, ctx, root, NULL, NULL) == 0);
	CHECK(vigil_config_result_count(r) == 0);
	vigil_config_result_free(r);
	r = NULL;
	snprintf(path, sizeof(path), "%s/etc", root);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/etc/docker", root);
	CHECK(mkdir(path, 0755) == 0);
	CHECK(vigil_config_audit_host(&r, ctx, root, NULL, NULL) == 0);
	CHECK(count(r, "VGL-HOST-014") == 1); /* installed, no daemon.json: the defaults */
	vigil_config_result_free(r);
	rm_rf(root);
	vigil_ctx_free(ctx);
}

TEST(test_host__every_check_has_metadata)
{
	size_t n = 0;
	for (const vigil_check_info *c = vigil_config__checks_host; c->id; c++, n++) {
		CHECK(strncmp(c->id, "VGL-HOST-0", 10) == 0 || strncmp(c->id, "VGL-CTR-0", 9) == 0);
		CHECK(strcmp(c->kind, c->id[4] == 'H' ? "host" : "container") == 0);
		CHECK(c->title && c->remediation && c->severity);
		CHECK(vigil_config__check(c->id) != NULL);
	}
	CHECK(n >= 60);
}
