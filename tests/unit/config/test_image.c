/* Image CIS checks: for every check, an image that fails it and one that passes. The
 * images are built in memory (tar layers) with a config set by the test. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test.h"
#include "config/config.h"
#include "config/img_text.h"
#include "image/image.h"

typedef struct tfile {
	const char *path; /* relative, "etc/passwd"; a trailing '/' makes a directory */
	const char *data;
	unsigned mode;
} tfile;

/* Appends a ustar entry: a directory when the name ends with '/', else a file. */
static void tar_put(vigil_buf *b, const tfile *f)
{
	uint8_t h[512];
	const char *data = f->data ? f->data : "";
	size_t n = strlen(data), nl = strlen(f->path);
	int dir = nl && f->path[nl - 1] == '/';
	unsigned sum = 0;
	static const uint8_t zero[512];
	if (dir)
		n = 0;
	memset(h, 0, sizeof(h));
	snprintf((char *)h, 100, "%s", f->path);
	snprintf((char *)h + 100, 8, "%07o", (f->mode ? f->mode : (dir ? 0755u : 0644u)) & 07777u);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)n);
	snprintf((char *)h + 136, 12, "%011o", 0);
	h[156] = dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	vigil_buf_put(b, h, 512);
	vigil_buf_put(b, data, n);
	vigil_buf_put(b, zero, (512 - n % 512) % 512);
}

/* A config that passes every config check: non-root user and a HEALTHCHECK. */
static const char *const HC[] = {"CMD", "true", NULL};
static vigil_config clean_config(void)
{
	vigil_config c;
	memset(&c, 0, sizeof(c));
	c.user = "app";
	c.healthcheck = HC;
	return c;
}

/* Builds a two-layer image (l0, l1 end with a NULL path; l1 may be NULL), sets its
 * config, runs the checks and returns the result. */
static vigil_config_result *scan(const tfile *l0, const tfile *l1, const vigil_config *cfg,
				 const vigil_distro *distro, const vigil_config_opts *opts)
{
	static const uint8_t end[1024];
	vigil_buf b[2] = {VIGIL_BUF_INIT, VIGIL_BUF_INIT};
	const tfile *ls[2] = {l0, l1};
	vigil_member m[2];
	vigil_ctx *ctx = NULL;
	vigil_image *img = NULL;
	vigil_config_image *ci = NULL;
	vigil_config_result *r = NULL;
	int nl = l1 ? 2 : 1;
	memset(m, 0, sizeof(m));
	for (int i = 0; i < nl; i++) {
		for (const tfile *f = ls[i]; f && f->path; f++)
			tar_put(&b[i], f);
		vigil_buf_put(&b[i], end, sizeof(end));
		m[i].name = i ? "l1" : "l0";
		m[i].data = b[i].data;
		m[i].size = b[i].len;
	}
	if (vigil_ctx_new(&ctx) == 0 &&
	    vigil_image__open_mem(&img, ctx, "layers", m, (size_t)nl, NULL) == 0) {
		img->config = *cfg;
		if (vigil_config_image_new(&ci, img, opts) == 0 && vigil_image_read(img) == 0)
			vigil_config_image_finish(&r, ci, distro);
	}
	vigil_config_image_free(ci);
	vigil_image_free(img);
	vigil_ctx_free(ctx);
	vigil_buf_free(&b[0]);
	vigil_buf_free(&b[1]);
	return r;
}

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

static const tfile NOFILES[] = {{NULL, NULL, 0}};

/* Runs the config `c` on an empty filesystem; returns the count of `id`. */
static int config_count(const vigil_config *c, const char *id)
{
	vigil_config_result *r = scan(NOFILES, NULL, c, NULL, NULL);
	int n = r ? count(r, id) : -1;
	vigil_config_result_free(r);
	return n;
}

/* Runs files in one layer with the clean config; returns the count of `id`. */
static int files_count(const tfile *files, const char *id)
{
	vigil_config c = clean_config();
	vigil_config_result *r = scan(files, NULL, &c, NULL, NULL);
	int n = r ? count(r, id) : -1;
	vigil_config_result_free(r);
	return n;
}

TEST(test_image__clean_image_has_no_findings)
{
	vigil_config c = clean_config();
	vigil_config_result *r = scan(NOFILES, NULL, &c, NULL, NULL);
	CHECK(r);
	CHECK(vigil_config_result_count(r) == 0);
	vigil_config_result_free(r);
}

TEST(test_image__001_root_user)
{
	vigil_config c = clean_config();
	static const tfile pw[] = {
		{"etc/passwd",
		 "root:x:0:0::/root:/bin/sh\nboss:x:0:0::/:/bin/sh\napp:x:1000:1000::/:/bin/sh\n",
		 0},
		{NULL, NULL, 0}};
	CHECK(config_count(&c, "VGL-IMG-001") == 0);
	c.user = NULL;
	CHECK(config_count(&c, "VGL-IMG-001") == 1);
	c.user = "root";
	CHECK(config_count(&c, "VGL-IMG-001") == 1);
	c.user = "0:0";
	CHECK(config_count(&c, "VGL-IMG-001") == 1);
	c.user = "1000:0";
	CHECK(config_count(&c, "VGL-IMG-001") == 0);
	/* a name that /etc/passwd maps to UID 0 */
	c.user = "boss";
	vigil_config_result *r = scan(pw, NULL, &c, NULL, NULL);
	CHECK(r && count(r, "VGL-IMG-001") == 1);
	vigil_config_result_free(r);
	c.user = "app";
	r = scan(pw, NULL, &c, NULL, NULL);
	CHECK(r && count(r, "VGL-IMG-001") == 0);
	vigil_config_result_free(r);
}

TEST(test_image__001_evidence_is_the_user_step)
{
	vigil_config c = clean_config();
	vigil_history h[2];
	memset(h, 0, sizeof(h));
	h[0].created_by = "/bin/sh -c #(nop) ADD file:abc in / ";
	h[0].layer = 0;
	h[1].created_by = "USER root";
	h[1].empty_layer = 1;
	h[1].layer = -1;
	c.history = h;
	c.history_count = 2;
	c.user = "root";
	vigil_config_result *r = scan(NOFILES, NULL, &c, NULL, NULL);
	const vigil_config_finding *f = find(r, "VGL-IMG-001");
	CHECK(f && f->object);
	CHECK_STR(f->object, "history[1]");
	CHECK_STR(f->check->cis, "4.1");
	vigil_config_result_free(r);
}

TEST(test_image__002_healthcheck)
{
	static const char *const none[] = {"NONE", NULL};
	vigil_config c = clean_config();
	CHECK(config_count(&c, "VGL-IMG-002") == 0);
	c.healthcheck = NULL;
	CHECK(config_count(&c, "VGL-IMG-002") == 1);
	c.healthcheck = none;
	CHECK(config_count(&c, "VGL-IMG-002") == 1);
}

/* Runs one history step; returns the count of `id`. */
static int step_count(const char *created_by, const char *id)
{
	vigil_config c = clean_config();
	vigil_history h;
	memset(&h, 0, sizeof(h));
	h.created_by = created_by;
	c.history = &h;
	c.history_count = 1;
	return config_count(&c, id);
}

TEST(test_image__003_add_url)
{
	CHECK(step_count("ADD https://example.com/x.sh /x.sh # buildkit", "VGL-IMG-003") == 1);
	CHECK(step_count("ADD --chown=1:1 http://example.com/a /a", "VGL-IMG-003") == 1);
	CHECK(step_count("COPY https.txt /x # buildkit", "VGL-IMG-003") == 0);
	CHECK(step_count("ADD app.sh /app.sh # buildkit", "VGL-IMG-003") == 0);
}

TEST(test_image__004_add_archive)
{
	CHECK(step_count("ADD rootfs.tar.gz / # buildkit", "VGL-IMG-004") == 1);
	CHECK(step_count("/bin/sh -c #(nop) ADD file:0123abcd in / ", "VGL-IMG-004") == 0);
	CHECK(step_count("COPY rootfs.tar.gz /x # buildkit", "VGL-IMG-004") == 0);
}

TEST(test_image__026_add_instead_of_copy)
{
	CHECK(step_count("ADD app.py /app/ # buildkit", "VGL-IMG-026") == 1);
	CHECK(step_count("ADD [\"a.conf\", \"/etc/a.conf\"] # buildkit", "VGL-IMG-026") == 1);
	CHECK(step_count("COPY app.py /app/ # buildkit", "VGL-IMG-026") == 0);
	CHECK(step_count("/bin/sh -c #(nop) ADD file:0123abcd in / ", "VGL-IMG-026") == 0);
}

TEST(test_image__005_update_alone)
{
	CHECK(step_count("RUN /bin/sh -c apt-get update # buildkit", "VGL-IMG-005") == 1);
	CHECK(step_count("/bin/sh -c apk update", "VGL-IMG-005") == 1);
	CHECK(step_count("RUN /bin/sh -c apt-get -qq update && apt-get install -y curl # buildkit",
			 "VGL-IMG-005") == 0);
	CHECK(step_count("/bin/sh -c apk update && apk add curl", "VGL-IMG-005") == 0);
	CHECK(step_count("/bin/sh -c echo update", "VGL-IMG-005") == 0);
	CHECK(step_count("/bin/sh -c dnf -y makecache", "VGL-IMG-005") == 1);
	CHECK(step_count("/bin/sh -c yum -y update && yum clean all", "VGL-IMG-005") == 0);
}

TEST(test_image__027_pipe_to_shell)
{
	CHECK(step_count("RUN /bin/sh -c curl -fsSL https://x.example/i.sh | sh # buildkit",
			 "VGL-IMG-027") == 1);
	CHECK(step_count("/bin/sh -c wget -qO- https://x.example/i | sudo bash -", "VGL-IMG-027") ==
	      1);
	CHECK(step_count(
		      "/bin/sh -c curl -o i.sh https://x.example/i.sh && sha256sum -c s && sh i.sh",
		      "VGL-IMG-027") == 0);
	CHECK(step_count("/bin/sh -c curl -s https://x.example/j | jq .", "VGL-IMG-027") == 0);
}

TEST(test_image__006_latest_base)
{
	static const char *const keys[] = {"org.opencontainers.image.base.name", NULL};
	const char *vals[] = {"docker.io/library/debian:latest", NULL};
	vigil_config c = clean_config();
	c.label_keys = keys;
	c.label_values = vals;
	CHECK(config_count(&c, "VGL-IMG-006") == 1);
	vals[0] = "registry:5000/debian";
	CHECK(config_count(&c, "VGL-IMG-006") == 1);
	vals[0] = "registry:5000/debian:12";
	CHECK(config_count(&c, "VGL-IMG-006") == 0);
	vals[0] = "debian@sha256:0123";
	CHECK(config_count(&c, "VGL-IMG-006") == 0);
}

TEST(test_image__007_secret_env_names_only)
{
	const char *env[] = {"PATH=/usr/bin", "DB_PASSWORD=hunter2", NULL};
	vigil_config c = clean_config();
	c.env = env;
	vigil_config_result *r = scan(NOFILES, NULL, &c, NULL, NULL);
	const vigil_config_finding *f = find(r, "VGL-IMG-007");
	CHECK(f && count(r, "VGL-IMG-007") == 1);
	CHECK(strstr(f->message, "DB_PASSWORD"));
	CHECK(!strstr(f->message, "hunter2"));
	vigil_config_result_free(r);
	env[1] = "DB_PASSWORD_FILE=/run/secrets/db";
	CHECK(config_count(&c, "VGL-IMG-007") == 0);
	env[1] = "GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D";
	CHECK(config_count(&c, "VGL-IMG-007") == 0);
	env[1] = "TOKENIZERS_PARALLELISM=false";
	CHECK(config_count(&c, "VGL-IMG-007") == 0);
	env[1] = "GITHUB_TOKEN=ghp_x";
	CHECK(config_count(&c, "VGL-IMG-007") == 1);
	env[1] = "GITHUB_TOKEN=";
	CHECK(config_count(&c, "VGL-IMG-007") == 0);
}

TEST(test_image__008_secret_build_arg)
{
	CHECK(step_count("RUN |2 NPM_TOKEN=abc VERSION=1 /bin/sh -c npm ci # buildkit",
			 "VGL-IMG-008") == 1);
	CHECK(step_count("|1 VERSION=1 /bin/sh -c make", "VGL-IMG-008") == 0);
	vigil_config c = clean_config();
	vigil_history h;
	memset(&h, 0, sizeof(h));
	h.created_by = "RUN |1 API_KEY=s3cr3tvalue /bin/sh -c true # buildkit";
	c.history = &h;
	c.history_count = 1;
	vigil_config_result *r = scan(NOFILES, NULL, &c, NULL, NULL);
	const vigil_config_finding *f = find(r, "VGL-IMG-008");
	CHECK(f && strstr(f->message, "API_KEY") && !strstr(f->message, "s3cr3tvalue"));
	vigil_config_result_free(r);
}

TEST(test_image__009_setuid_outside_allowlist)
{
	static const tfile bad[] = {{"usr/", NULL, 0},
				    {"usr/local/", NULL, 0},
				    {"usr/local/bin/", NULL, 0},
				    {"usr/local/bin/helper", "x", 04755},
				    {"usr/local/bin/grp", "x", 02755},
				    {NULL, NULL, 0}};
	static const tfile ok[] = {{"usr/bin/passwd", "x", 04755},
				   {"usr/local/bin/plain", "x", 0755},
				   {NULL, NULL, 0}};
	CHECK(files_count(bad, "VGL-IMG-009") == 2);
	CHECK(files_count(ok, "VGL-IMG-009") == 0);
	/* the policy allowlist */
	static const char *const allow[] = {"/usr/local/bin/helper", "/usr/local/bin/grp", NULL};
	vigil_config_opts o = VIGIL_CONFIG_OPTS_INIT;
	vigil_config c = clean_config();
	o.setuid_allow = allow;
	vigil_config_result *r = scan(bad, NULL, &c, NULL, &o);
	CHECK(r && count(r, "VGL-IMG-009") == 0);
	vigil_config_result_free(r);
	r = scan(bad, NULL, &c, NULL, NULL);
	const vigil_config_finding *f = find(r, "VGL-IMG-009");
	CHECK(f && f->file && f->layer == 0);
	CHECK_STR(f->file, "/usr/local/bin/grp");
	vigil_config_result_free(r);
}

TEST(test_image__010_world_writable_system_path)
{
	static const tfile bad[] = {
		{"etc/app.conf", "x", 0666}, {"usr/share/w/", NULL, 0777}, {NULL, NULL, 0}};
	static const tfile ok[] = {{"tmp/", NULL, 01777},
				   {"usr/shared/", NULL, 01777},
				   {"data/x", "x", 0666},
				   {"etc/app.conf", "x", 0644},
				   {NULL, NULL, 0}};
	CHECK(files_count(bad, "VGL-IMG-010") == 2);
	CHECK(files_count(ok, "VGL-IMG-010") == 0);
}

TEST(test_image__011_sudo)
{
	static const tfile bad[] = {{"usr/bin/sudo", "x", 04755}, {NULL, NULL, 0}};
	static const tfile ok[] = {{"usr/bin/sudoku", "x", 0755}, {NULL, NULL, 0}};
	CHECK(files_count(bad, "VGL-IMG-011") == 1);
	CHECK(files_count(bad, "VGL-IMG-009") == 0); /* reported once, as sudo */
	CHECK(files_count(ok, "VGL-IMG-011") == 0);
}

TEST(test_image__012_013_sshd_and_port_22)
{
	static const tfile bad[] = {{"usr/sbin/sshd", "x", 0755}, {NULL, NULL, 0}};
	static const tfile ok[] = {{"usr/bin/ssh", "x", 0755}, {NULL, NULL, 0}};
	const char *ports[] = {"22/tcp", NULL};
	vigil_config c = clean_config();
	CHECK(files_count(bad, "VGL-IMG-012") == 1);
	CHECK(files_count(ok, "VGL-IMG-012") == 0);
	c.exposed_ports = ports;
	CHECK(config_count(&c, "VGL-IMG-013") == 1);
	CHECK(config_count(&c, "VGL-IMG-025") == 0);
	ports[0] = "2222/tcp";
	CHECK(config_count(&c, "VGL-IMG-013") == 0);
}

TEST(test_image__025_privileged_port)
{
	const char *ports[] = {"80/tcp", "8080/tcp", NULL};
	vigil_config c = clean_config();
	c.exposed_ports = ports;
	CHECK(config_count(&c, "VGL-IMG-025") == 1);
	ports[0] = "1024/udp";
	CHECK(config_count(&c, "VGL-IMG-025") == 0);
}

TEST(test_image__014_volume_on_kernel_fs)
{
	const char *vols[] = {"/data", "/proc/", NULL};
	vigil_config c = clean_config();
	c.volumes = vols;
	CHECK(config_count(&c, "VGL-IMG-014") == 1);
	vols[1] = "/sys/fs/cgroup";
	CHECK(config_count(&c, "VGL-IMG-014") == 1);
	vols[1] = "/devices";
	CHECK(config_count(&c, "VGL-IMG-014") == 0);
}

TEST(test_image__015_to_019_leftovers_reported_once_per_directory)
{
	static const tfile bad[] = {{"app/.git/HEAD", "ref: x", 0},
				    {"app/.git/config", "[core]", 0},
				    {"root/.aws/credentials", "[default]", 0},
				    {"root/.ssh/id_ed25519", "key", 0600},
				    {"root/.cache/pip/http/a", "x", 0},
				    {"var/cache/apk/APKINDEX.tar.gz", "x", 0},
				    {"var/lib/apt/lists/deb.debian.org_dists_Release", "x", 0},
				    {"var/lib/apt/lists/deb.debian.org_dists_Packages", "x", 0},
				    {NULL, NULL, 0}};
	static const tfile ok[] = {{"app/.gitignore", "x", 0},
				   {"app/.github/workflows/ci.yml", "x", 0},
				   {"root/.ssh/known_hosts", "x", 0},
				   {"root/.ssh/id_ed25519.pub", "x", 0},
				   {"var/lib/apt/lists/lock", "", 0},
				   {"var/cache/apt/archives/lock", "", 0},
				   {NULL, NULL, 0}};
	vigil_config c = clean_config();
	vigil_config_result *r = scan(bad, NULL, &c, NULL, NULL);
	CHECK(r);
	CHECK(count(r, "VGL-IMG-015") == 1);
	CHECK(count(r, "VGL-IMG-016") == 1);
	CHECK(count(r, "VGL-IMG-017") == 1);
	CHECK(count(r, "VGL-IMG-018") == 2);
	CHECK(count(r, "VGL-IMG-019") == 1);
	CHECK_STR(find(r, "VGL-IMG-015")->file, "/app/.git");
	CHECK_STR(find(r, "VGL-IMG-019")->file, "/var/lib/apt/lists");
	vigil_config_result_free(r);
	r = scan(ok, NULL, &c, NULL, NULL);
	CHECK(r && vigil_config_result_count(r) == 0);
	vigil_config_result_free(r);
}

TEST(test_image__020_to_023_accounts)
{
	static const tfile bad[] = {{"etc/passwd",
				     "root:x:0:0:root:/root:/bin/sh\ntoor:x:0:0::/:/bin/"
				     "sh\nguest::1001:1001::/:/bin/sh\n"
				     "a:x:1000:1000::/:/bin/sh\nb:x:1000:1000::/:/bin/sh\n",
				     0},
				    {"etc/shadow", "root:!:19000::::::\nnopw::19000::::::\n", 0640},
				    {"etc/group", "root:x:0:\nusers:x:100:\nstaff:x:100:\n", 0},
				    {NULL, NULL, 0}};
	static const tfile ok[] = {
		{"etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n", 0},
		{"etc/shadow", "root:*:19000::::::\napp:!:19000::::::\n", 0640},
		{"etc/group", "root:x:0:\napp:x:1000:\n", 0},
		{NULL, NULL, 0}};
	vigil_config c = clean_config();
	vigil_config_result *r = scan(bad, NULL, &c, NULL, NULL);
	CHECK(r);
	CHECK(count(r, "VGL-IMG-020") == 2); /* guest in passwd, nopw in shadow */
	CHECK(count(r, "VGL-IMG-021") == 2); /* UID 0 twice, UID 1000 twice */
	CHECK(count(r, "VGL-IMG-022") == 1);
	CHECK(count(r, "VGL-IMG-023") == 1);
	const vigil_config_finding *f = find(r, "VGL-IMG-023");
	CHECK(f && f->line == 2);
	CHECK_STR(f->file, "/etc/passwd");
	vigil_config_result_free(r);
	r = scan(ok, NULL, &c, NULL, NULL);
	CHECK(r && vigil_config_result_count(r) == 0);
	vigil_config_result_free(r);
}

TEST(test_image__accounts_use_the_final_version)
{
	static const tfile l0[] = {{"etc/shadow", "root:!:1::::::\nbad::1::::::\n", 0},
				   {NULL, NULL, 0}};
	static const tfile l1[] = {{"etc/shadow", "root:!:1::::::\n", 0}, {NULL, NULL, 0}};
	vigil_config c = clean_config();
	vigil_config_result *r = scan(l0, l1, &c, NULL, NULL);
	CHECK(r && count(r, "VGL-IMG-020") == 0);
	vigil_config_result_free(r);
	r = scan(l1, l0, &c, NULL, NULL);
	CHECK(r && count(r, "VGL-IMG-020") == 1);
	CHECK(find(r, "VGL-IMG-020")->layer == 1);
	vigil_config_result_free(r);
}

TEST(test_image__024_end_of_support)
{
	vigil_distro d;
	vigil_config c = clean_config();
	memset(&d, 0, sizeof(d));
	d.id = "debian";
	d.version_id = "9";
	d.eol = 1;
	vigil_config_result *r = scan(NOFILES, NULL, &c, &d, NULL);
	CHECK(r && count(r, "VGL-IMG-024") == 1);
	vigil_config_result_free(r);
	d.eol = 0;
	r = scan(NOFILES, NULL, &c, &d, NULL);
	CHECK(r && count(r, "VGL-IMG-024") == 0);
	vigil_config_result_free(r);
}

TEST(test_image__skip_and_severity_override)
{
	static const char *const skip[] = {"VGL-IMG-002", NULL};
	static const char *const ids[] = {"VGL-IMG-001", NULL};
	static const char *const sevs[] = {"LOW", NULL};
	vigil_config_opts o = VIGIL_CONFIG_OPTS_INIT;
	vigil_config c;
	memset(&c, 0, sizeof(c));
	o.skip = skip;
	o.override_ids = ids;
	o.override_severities = sevs;
	vigil_config_result *r = scan(NOFILES, NULL, &c, NULL, &o);
	CHECK(r && count(r, "VGL-IMG-002") == 0);
	CHECK(find(r, "VGL-IMG-001"));
	CHECK_STR(find(r, "VGL-IMG-001")->severity, "LOW");
	vigil_config_result_free(r);
}

TEST(test_image__every_check_has_metadata)
{
	size_t n = 0;
	for (const vigil_check_info *c = vigil_config__checks_image; c->id; c++, n++) {
		CHECK(strncmp(c->id, "VGL-IMG-0", 9) == 0 && strlen(c->id) == 11);
		CHECK_STR(c->kind, "image");
		CHECK(c->title && c->remediation && c->severity);
		CHECK(vigil_config__check(c->id) != NULL);
	}
	CHECK(n >= 25);
}

TEST(test_image__step_parsing)
{
	img_step st;
	CHECK(vigil_config__img_step(&st, "/bin/sh -c #(nop)  USER app") == 0);
	CHECK_STR(st.instr, "USER");
	CHECK_STR(st.args, "app");
	CHECK(vigil_config__img_step(&st, "RUN |2 A=1 TOKEN=2 /bin/sh -c make # buildkit") == 0);
	CHECK_STR(st.instr, "RUN");
	CHECK_STR(st.args, "make");
	CHECK(st.nbuildargs == 2);
	CHECK(st.buildargs[1].len == 5 && memcmp(st.buildargs[1].name, "TOKEN", 5) == 0);
	CHECK(vigil_config__img_step(&st, "/bin/sh -c apt-get update") == 0);
	CHECK_STR(st.instr, "RUN");
	CHECK_STR(st.args, "apt-get update");
	CHECK(vigil_config__img_step(&st, "   ") == -1);
	CHECK(vigil_config__img_step(&st, "RUN |99999999999999") == 0);
}

TEST(test_image__rootfs_has_no_config_checks)
{
	char root[64], path[128];
	vigil_ctx *ctx;
	vigil_image *img;
	vigil_config_image *ci = NULL;
	vigil_config_result *r = NULL;
	FILE *f;
	snprintf(root, sizeof(root), "/tmp/vigil-rootfs-XXXXXX");
	CHECK(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/etc", root);
	CHECK(mkdir(path, 0755) == 0);
	snprintf(path, sizeof(path), "%s/etc/shadow", root);
	CHECK((f = fopen(path, "w")) != NULL);
	fputs("root:!:1::::::\nnopw::1::::::\n", f);
	fclose(f);
	CHECK(vigil_ctx_new(&ctx) == 0);
	CHECK(vigil_image_open(&img, ctx, root, NULL) == 0);
	CHECK(vigil_config_image_new(&ci, img, NULL) == 0);
	CHECK(vigil_image_read(img) == 0);
	CHECK(vigil_config_image_finish(&r, ci, NULL) == 0);
	CHECK(count(r, "VGL-IMG-001") == 0 && count(r, "VGL-IMG-002") == 0);
	CHECK(count(r, "VGL-IMG-020") == 1); /* the filesystem checks still run */
	vigil_config_result_free(r);
	vigil_config_image_free(ci);
	vigil_image_free(img);
	vigil_ctx_free(ctx);
	unlink(path);
	snprintf(path, sizeof(path), "%s/etc", root);
	rmdir(path);
	rmdir(root);
}

TEST(test_image__per_file_checks_are_capped)
{
	tfile *files = calloc(1202, sizeof(*files));
	CHECK(files);
	files[0] = (tfile){"etc/", NULL, 0755};
	for (int i = 1; i <= 1200; i++) {
		char *n = malloc(32);
		CHECK(n);
		snprintf(n, 32, "etc/s%04d", i);
		files[i] = (tfile){n, "x", 04755};
	}
	CHECK(files_count(files, "VGL-IMG-009") == 1000);
	for (int i = 1; i <= 1200; i++)
		free((void *)files[i].path);
	free(files);
}

TEST(test_image__leftover_rules)
{
	static const struct {
		const char *path, *id;
		size_t dir_len;
	} cases[] = {
		{"/srv/app/.git/objects/ab/cd", "VGL-IMG-015", 13},
		{"/home/u/.config/gcloud/credentials.db", "VGL-IMG-016", 22},
		{"/root/.kube/config", "VGL-IMG-016", 11},
		{"/home/u/.ssh/id_rsa", "VGL-IMG-017", 12},
		{"/var/cache/apt/archives/curl_8.0_amd64.deb", "VGL-IMG-018", 23},
		{"/var/cache/dnf/repodata.xml", "VGL-IMG-018", 14},
		{"/root/.npm/_cacache/index-v5/aa", "VGL-IMG-018", 19},
		{"/usr/local/share/.cache/yarn/v6/x", "VGL-IMG-018", 28},
		{"/var/lib/apt/lists/x_Packages.lz4", "VGL-IMG-019", 18},
		{"/app/.gitignore", NULL, 0},
		{"/app/git/config", NULL, 0},
		{"/home/u/.ssh/authorized_keys", NULL, 0},
		{"/var/cache/apt/archives/partial/x.deb", "VGL-IMG-018", 23},
		{"/var/cache/apt/pkgcache.bin", NULL, 0},
		{"/var/lib/apt/lists/partial/x", NULL, 0},
		{"/usr/lib/python3/dist-packages/pip/cache.py", NULL, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		img_leftover lo;
		int hit = vigil_config__img_leftover(&lo, cases[i].path);
		if (hit != (cases[i].id != NULL) ||
		    (hit && (strcmp(lo.id, cases[i].id) != 0 || lo.dir_len != cases[i].dir_len)))
			printf("  case %s: hit %d id %s len %zu\n", cases[i].path, hit,
			       hit ? lo.id : "-", hit ? lo.dir_len : 0);
		CHECK(hit == (cases[i].id != NULL));
		if (hit) {
			CHECK_STR(lo.id, cases[i].id);
			CHECK(lo.dir_len == cases[i].dir_len);
		}
	}
}

TEST(test_image__reference_and_add_rules)
{
	CHECK(vigil_config__img_ref_tag("alpine") == IMG_REF_UNTAGGED);
	CHECK(vigil_config__img_ref_tag("localhost:5000/team/app") == IMG_REF_UNTAGGED);
	CHECK(vigil_config__img_ref_tag("localhost:5000/team/app:latest") == IMG_REF_LATEST);
	CHECK(vigil_config__img_ref_tag("localhost:5000/team/app:1.2") == IMG_REF_OK);
	CHECK(vigil_config__img_ref_tag("app:latest@sha256:00") == IMG_REF_OK);
	CHECK(vigil_config__img_add_kind("site.tgz /srv/") == IMG_ADD_ARCHIVE);
	CHECK(vigil_config__img_add_kind("a.txt https://x.example/b /d/") == IMG_ADD_URL);
	CHECK(vigil_config__img_add_kind("--chmod=644 a.tar.xz b.txt /d/") == IMG_ADD_ARCHIVE);
	CHECK(vigil_config__img_add_kind("git@github.com:o/r.git /src") == IMG_ADD_URL);
	CHECK(vigil_config__img_add_kind("multi:abc in /d/") == IMG_ADD_NONE);
	CHECK(vigil_config__img_add_kind("") == IMG_ADD_NONE);
}
