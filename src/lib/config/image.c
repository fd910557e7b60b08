/*
 * image.c - CIS Docker Benchmark checks of a built image: its config (user,
 * HEALTHCHECK, ENV names, exposed ports, volumes, labels), its history (ADD, RUN
 * steps, build arguments) and its merged filesystem (setuid files, world-writable
 * system paths, sudo and sshd, leftover credentials and caches, /etc/passwd, shadow
 * and group). Values of ENV and ARG are never copied into findings.
 */
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "config/img_text.h"
#include "image/image.h"

#define FIX_USER "Add a USER instruction with a non-root user (create it with useradd/adduser)."
const vigil_check_info vigil_config__checks_image[] = {
	{"VGL-IMG-001", "image", "4.1", "HIGH", "Image runs as root (last USER is root or unset)",
	 FIX_USER},
	{"VGL-IMG-002", "image", "4.6", "LOW", "No HEALTHCHECK in the image",
	 "Add a HEALTHCHECK instruction that probes the service."},
	{"VGL-IMG-003", "image", "4.9", "MEDIUM", "ADD fetches a remote URL",
	 "Download with curl or wget in a RUN step and verify a checksum, or COPY a vetted file."},
	{"VGL-IMG-004", "image", "4.9", "LOW", "ADD of a local archive (extracted implicitly)",
	 "Extract archives explicitly in a RUN step, or COPY the files."},
	{"VGL-IMG-005", "image", "4.7", "MEDIUM", "Package-manager update alone in a RUN step",
	 "Update and install in the same RUN (apt-get update && apt-get install ...)."},
	{"VGL-IMG-006", "image", "4.2", "MEDIUM", "Base image is 'latest' or untagged",
	 "Build FROM a pinned tag or, better, a digest (name:tag@sha256:...)."},
	{"VGL-IMG-007", "image", "4.10", "HIGH", "ENV key looks like a secret",
	 "Pass secrets at run time (secrets mounts, orchestrator secrets), never in ENV."},
	{"VGL-IMG-008", "image", "4.10", "HIGH",
	 "Build argument that looks like a secret recorded in "
	 "history",
	 "Use BuildKit secret mounts (RUN --mount=type=secret) instead of ARG for secrets."},
	{"VGL-IMG-009", "image", "4.8", "HIGH", "setuid/setgid file outside the allowlist",
	 "Remove the setuid/setgid bits (chmod u-s,g-s) or the file, or allow it by policy."},
	{"VGL-IMG-010", "image", NULL, "MEDIUM",
	 "World-writable file or directory in a system path",
	 "Remove write permission for others (chmod o-w), or set the sticky bit on shared dirs."},
	{"VGL-IMG-011", "image", "4.3", "MEDIUM", "sudo is installed",
	 "Remove sudo; run as the right user instead (USER, gosu or setpriv at start)."},
	{"VGL-IMG-012", "image", "5.6", "HIGH", "SSH server is installed",
	 "Remove openssh-server; use docker exec or kubectl exec for access."},
	{"VGL-IMG-013", "image", "5.6", "MEDIUM", "SSH port 22 is exposed",
	 "Do not EXPOSE 22; containers should not run sshd."},
	{"VGL-IMG-014", "image", "5.5", "HIGH", "VOLUME on /sys, /proc or /dev",
	 "Remove the VOLUME; never share kernel pseudo-filesystems through a volume."},
	{"VGL-IMG-015", "image", "4.10", "MEDIUM", "Leftover .git directory",
	 "Add .git to .dockerignore or copy only the build output (multi-stage build)."},
	{"VGL-IMG-016", "image", "4.10", "HIGH",
	 "Leftover cloud credentials directory (.aws, "
	 ".azure, gcloud, .kube)",
	 "Remove the directory and rotate the credentials it held."},
	{"VGL-IMG-017", "image", "4.10", "HIGH",
	 "Leftover SSH private material in a .ssh "
	 "directory",
	 "Remove the .ssh directory and rotate the keys; use build secrets or ssh mounts."},
	{"VGL-IMG-018", "image", NULL, "LOW", "Package-manager cache left in the image",
	 "Clean caches in the same RUN (pip --no-cache-dir, npm cache clean, apk --no-cache, "
	 "apt-get clean)."},
	{"VGL-IMG-019", "image", NULL, "LOW", "APT package lists left in the image",
	 "End the install RUN with rm -rf /var/lib/apt/lists/*."},
	{"VGL-IMG-020", "image", NULL, "HIGH", "Account with an empty password",
	 "Lock the account (passwd -l) or set '!' or '*' in the password field."},
	{"VGL-IMG-021", "image", NULL, "MEDIUM", "Duplicate UID in /etc/passwd",
	 "Give every account its own UID."},
	{"VGL-IMG-022", "image", NULL, "MEDIUM", "Duplicate GID in /etc/group",
	 "Give every group its own GID."},
	{"VGL-IMG-023", "image", NULL, "HIGH", "Account other than root with UID 0",
	 "Remove the account or give it an unprivileged UID."},
	{"VGL-IMG-024", "image", "4.4", "HIGH", "Distribution is past its end of support",
	 "Rebuild on a supported release of the distribution."},
	{"VGL-IMG-025", "image", "5.7", "LOW", "Privileged port (below 1024) exposed",
	 "Listen on a port of 1024 or more inside the container and map it at run time."},
	{"VGL-IMG-026", "image", "4.9", "LOW", "ADD used where COPY suffices",
	 "Use COPY for local files; ADD has implicit extraction and URL semantics."},
	{"VGL-IMG-027", "image", "4.11", "MEDIUM", "Remote script piped into a shell in a RUN step",
	 "Download, verify a checksum or signature, then run; or install from a package."},
	{NULL, NULL, NULL, NULL, NULL, NULL},
};

/* The captured account files, final versions. */
enum { CAP_PASSWD, CAP_SHADOW, CAP_GROUP, CAP_N };
static const char *const CAP_PATHS[CAP_N] = {"/etc/passwd", "/etc/shadow", "/etc/group"};
#define CAP_MAX ((size_t)1 << 20)

typedef struct capture {
	vigil_buf data;
	int layer; /* -1 until captured */
} capture;

struct vigil_config_image {
	vigil_image *img;
	const vigil_config_opts *opts;
	pthread_mutex_t lock;
	capture cap[CAP_N];
};

typedef struct cap_state {
	int which, layer, over;
	vigil_buf data;
} cap_state;

static int cap_which(const char *path)
{
	for (int i = 0; i < CAP_N; i++)
		if (strcmp(path, CAP_PATHS[i]) == 0)
			return i;
	return -1;
}

/* Wants the account files by name only. */
static int cap_want(const vigil_file *f, const uint8_t *head, size_t len, void *payload)
{
	(void)head;
	(void)len;
	(void)payload;
	return cap_which(f->path) >= 0 && f->size <= CAP_MAX ? VIGIL_WANT_YES : VIGIL_WANT_NO;
}

static int cap_begin(void **state, const vigil_file *f, void *payload)
{
	cap_state *s = calloc(1, sizeof(*s));
	(void)payload;
	if (!s)
		return VIGIL_ENOMEM;
	s->which = cap_which(f->path);
	s->layer = f->layer;
	s->data.limit = CAP_MAX;
	*state = s;
	return 0;
}

static int cap_data(void *state, const uint8_t *buf, size_t len, void *payload)
{
	cap_state *s = state;
	(void)payload;
	if (!s->over && vigil_buf_put(&s->data, buf, len) < 0)
		s->over = 1;
	return 0;
}

/* Keeps the version of the highest layer; a file seen whole replaces a lower one. */
static int cap_end(void *state, int error, void *payload)
{
	cap_state *s = state;
	vigil_config_image *ci = payload;
	if (error == 0 && !s->over && s->which >= 0) {
		pthread_mutex_lock(&ci->lock);
		capture *c = &ci->cap[s->which];
		if (s->layer > c->layer) {
			vigil_buf old = c->data;
			c->data = s->data;
			c->layer = s->layer;
			s->data = old;
		}
		pthread_mutex_unlock(&ci->lock);
	}
	vigil_buf_free(&s->data);
	free(s);
	return 0;
}

int vigil_config_image_new(vigil_config_image **out, vigil_image *img,
			   const vigil_config_opts *opts)
{
	vigil_config_image *ci;
	vigil_analyzer a = {"config", cap_want, cap_begin, cap_data, cap_end, NULL};
	int error;
	*out = NULL;
	if (!img)
		return VIGIL_EINVAL;
	if (!(ci = calloc(1, sizeof(*ci))))
		return vigil_error_set(img->ctx, VIGIL_ENOMEM, "out of memory");
	ci->img = img;
	ci->opts = opts;
	pthread_mutex_init(&ci->lock, NULL);
	for (int i = 0; i < CAP_N; i++)
		ci->cap[i].layer = -1;
	a.payload = ci;
	if ((error = vigil_image_add_analyzer(img, &a)) < 0) {
		vigil_config_image_free(ci);
		return error;
	}
	*out = ci;
	return 0;
}

void vigil_config_image_free(vigil_config_image *ci)
{
	if (!ci)
		return;
	for (int i = 0; i < CAP_N; i++)
		vigil_buf_free(&ci->cap[i].data);
	pthread_mutex_destroy(&ci->lock);
	free(ci);
}

/* ---- config and history ---------------------------------------------------------- */

typedef struct run {
	vigil_config_result *r;
	vigil_config_image *ci;
	vigil_image *img;
	const vigil_config *cfg;
	int error;
	/* one finding per directory for the leftover checks */
	char last_dir[IMG_SLOTS][1024];
	/* per-file checks list at most MAX_PER_CHECK paths; the rest are counted */
	size_t n_setuid, n_writable;
} run;

#define ADD(id, file, line, obj, layer, ...)                                                       \
	do {                                                                                       \
		int e_ = vigil_config__add(rn->r, id, file, line, obj, layer, __VA_ARGS__);        \
		if (e_ < 0 && rn->error == 0)                                                      \
			rn->error = e_;                                                            \
	} while (0)

/* True when the USER value names root: empty, "root", "0", with any group. */
static int user_is_root(run *rn, const char *user)
{
	char name[256];
	size_t n = strcspn(user, ":");
	if (n == 0)
		return 1;
	if (n >= sizeof(name))
		return 0;
	memcpy(name, user, n);
	name[n] = 0;
	if (strcmp(name, "root") == 0 || vigil_config__img_is_zero(name))
		return 1;
	/* a name mapped to UID 0 by /etc/passwd */
	const vigil_buf *pw = &rn->ci->cap[CAP_PASSWD].data;
	return vigil_config__img_passwd_uid0(pw->data ? (const char *)pw->data : "", pw->len, name);
}

/* The last history step that set USER, for evidence; -1 when none. */
static int last_step(const vigil_config *cfg, const char *instr)
{
	for (int i = cfg->history_count - 1; i >= 0; i--) {
		img_step st;
		if (cfg->history[i].created_by &&
		    vigil_config__img_step(&st, cfg->history[i].created_by) == 0 &&
		    strcmp(st.instr, instr) == 0)
			return i;
	}
	return -1;
}

static void check_user(run *rn)
{
	const char *user = rn->cfg->user ? rn->cfg->user : "";
	char obj[32] = "config";
	int layer = -1, step;
	if (!user_is_root(rn, user))
		return;
	if ((step = last_step(rn->cfg, "USER")) >= 0) {
		snprintf(obj, sizeof(obj), "history[%d]", step);
		layer = rn->cfg->history[step].layer;
	}
	if (*user)
		ADD("VGL-IMG-001", NULL, 0, obj, layer, "the image runs as USER %.64s (root)",
		    user);
	else
		ADD("VGL-IMG-001", NULL, 0, obj, layer, "no USER is set: the image runs as root");
}

static void check_health(run *rn)
{
	const char *const *h = rn->cfg->healthcheck;
	if (!h || !h[0])
		ADD("VGL-IMG-002", NULL, 0, "config", -1, "the image has no HEALTHCHECK");
	else if (strcmp(h[0], "NONE") == 0)
		ADD("VGL-IMG-002", NULL, 0, "config", -1, "HEALTHCHECK is disabled (NONE)");
}

static void check_env(run *rn)
{
	for (const char *const *e = rn->cfg->env; e && *e; e++) {
		const char *eq = strchr(*e, '=');
		size_t n = eq ? (size_t)(eq - *e) : strlen(*e);
		if (eq && eq[1] && vigil_config__img_secret_name(*e, n))
			ADD("VGL-IMG-007", NULL, 0, "config", -1,
			    "ENV %.*s looks like a secret (value not shown)",
			    (int)(n > 128 ? 128 : n), *e);
	}
}

static void check_ports(run *rn)
{
	for (const char *const *p = rn->cfg->exposed_ports; p && *p; p++) {
		uint64_t port = 0;
		char num[16];
		size_t n = strcspn(*p, "/");
		if (n == 0 || n >= sizeof(num))
			continue;
		memcpy(num, *p, n);
		num[n] = 0;
		if (vigil_parse_uint(&port, num, 65535) < 0)
			continue;
		if (port == 22)
			ADD("VGL-IMG-013", NULL, 0, "config", -1, "port %.32s is exposed", *p);
		else if (port < 1024)
			ADD("VGL-IMG-025", NULL, 0, "config", -1,
			    "privileged port %.32s is exposed", *p);
	}
}

static void check_volumes(run *rn)
{
	static const char *const bad[] = {"/sys", "/proc", "/dev"};
	for (const char *const *v = rn->cfg->volumes; v && *v; v++)
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(bad); i++)
			if (vigil_config__img_under(*v, bad[i]))
				ADD("VGL-IMG-014", NULL, 0, "config", -1, "VOLUME %.200s", *v);
}

/* The base image name from the OCI base-name label, the only place an image records it. */
static void check_base(run *rn)
{
	const vigil_config *c = rn->cfg;
	for (size_t i = 0; c->label_keys && c->label_keys[i] && c->label_values; i++) {
		const char *k = c->label_keys[i], *v = c->label_values[i];
		if (!v || (strcmp(k, "org.opencontainers.image.base.name") != 0))
			continue;
		int t = vigil_config__img_ref_tag(v);
		if (t == IMG_REF_LATEST)
			ADD("VGL-IMG-006", NULL, 0, "config", -1, "base image %.200s uses 'latest'",
			    v);
		else if (t == IMG_REF_UNTAGGED)
			ADD("VGL-IMG-006", NULL, 0, "config", -1,
			    "base image %.200s has no tag (means 'latest')", v);
	}
}

static void check_history(run *rn)
{
	for (int i = 0; i < rn->cfg->history_count; i++) {
		const vigil_history *h = &rn->cfg->history[i];
		char obj[32];
		img_step st;
		if (!h->created_by || vigil_config__img_step(&st, h->created_by) < 0)
			continue;
		snprintf(obj, sizeof(obj), "history[%d]", i);
		if (strcmp(st.instr, "ADD") == 0) {
			int k = vigil_config__img_add_kind(st.args);
			if (k == IMG_ADD_URL)
				ADD("VGL-IMG-003", NULL, 0, obj, h->layer, "ADD %.300s", st.args);
			else if (k == IMG_ADD_ARCHIVE)
				ADD("VGL-IMG-004", NULL, 0, obj, h->layer, "ADD %.300s", st.args);
			else if (k == IMG_ADD_LOCAL)
				ADD("VGL-IMG-026", NULL, 0, obj, h->layer, "ADD %.300s", st.args);
		} else if (strcmp(st.instr, "RUN") == 0) {
			if (vigil_config__img_update_alone(st.args))
				ADD("VGL-IMG-005", NULL, 0, obj, h->layer, "RUN %.300s", st.args);
			if (vigil_config__img_pipe_shell(st.args))
				ADD("VGL-IMG-027", NULL, 0, obj, h->layer, "RUN %.300s", st.args);
			for (int a = 0; a < st.nbuildargs; a++)
				if (vigil_config__img_secret_name(st.buildargs[a].name,
								  st.buildargs[a].len))
					ADD("VGL-IMG-008", NULL, 0, obj, h->layer,
					    "build argument %.*s looks like a secret (value not "
					    "shown)",
					    (int)st.buildargs[a].len, st.buildargs[a].name);
		}
	}
}

/* ---- filesystem ------------------------------------------------------------------ */

static const char *const SETUID_ALLOW[] = {
	"/bin/su",
	"/usr/bin/su",
	"/bin/mount",
	"/usr/bin/mount",
	"/bin/umount",
	"/usr/bin/umount",
	"/bin/ping",
	"/usr/bin/ping",
	"/bin/ping6",
	"/usr/bin/ping6",
	"/usr/bin/passwd",
	"/usr/bin/chsh",
	"/usr/bin/chfn",
	"/usr/bin/gpasswd",
	"/usr/bin/newgrp",
	"/usr/bin/chage",
	"/usr/bin/expiry",
	"/usr/bin/wall",
	"/usr/bin/write",
	"/usr/bin/bsd-write",
	"/usr/bin/crontab",
	"/usr/bin/ssh-agent",
	"/usr/bin/sudo",
	"/usr/bin/newuidmap",
	"/usr/bin/newgidmap",
	"/sbin/unix_chkpwd",
	"/usr/sbin/unix_chkpwd",
	"/usr/sbin/pam_timestamp_check",
	"/usr/lib/openssh/ssh-keysign",
	"/usr/libexec/openssh/ssh-keysign",
	"/usr/lib/dbus-1.0/dbus-daemon-launch-helper",
	"/bin/bbsuid",
};

static int setuid_allowed(run *rn, const char *path)
{
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(SETUID_ALLOW); i++)
		if (strcmp(path, SETUID_ALLOW[i]) == 0)
			return 1;
	for (const char *const *p = rn->ci->opts ? rn->ci->opts->setuid_allow : NULL; p && *p; p++)
		if (strcmp(path, *p) == 0)
			return 1;
	return 0;
}

static const char *const SYSTEM_DIRS[] = {"/bin",   "/sbin",  "/usr",	 "/etc",  "/lib",
					  "/lib32", "/lib64", "/libx32", "/boot", "/root"};

/* Reports `dir` once for `slot` (directories are walked in path order, so the files of
 * one directory arrive together). */
static int first_in(run *rn, int slot, const char *dir, size_t n)
{
	char *last = rn->last_dir[slot];
	if (n >= sizeof(rn->last_dir[slot]))
		n = sizeof(rn->last_dir[slot]) - 1;
	if (strlen(last) == n && memcmp(last, dir, n) == 0)
		return 0;
	memcpy(last, dir, n);
	last[n] = 0;
	return 1;
}

#define MAX_PER_CHECK 1000

static int on_file(const vigil_file *f, void *payload)
{
	run *rn = payload;
	const char *p = f->path;
	img_leftover lo;
	if (f->status != VIGIL_FS_PRESENT)
		return 0;
	if ((f->type == VIGIL_FT_FILE || f->type == VIGIL_FT_HARDLINK) && (f->mode & 06000) &&
	    !setuid_allowed(rn, p) && rn->n_setuid++ < MAX_PER_CHECK)
		ADD("VGL-IMG-009", p, 0, NULL, f->layer, "%s file, mode %04o",
		    (f->mode & 06000) == 06000 ? "setuid+setgid"
		    : (f->mode & 04000)	       ? "setuid"
					       : "setgid",
		    (unsigned)(f->mode & 07777));
	if ((f->mode & 0002) &&
	    (f->type == VIGIL_FT_FILE || (f->type == VIGIL_FT_DIR && !(f->mode & 01000)))) {
		for (size_t i = 0; i < VIGIL_ARRAY_LEN(SYSTEM_DIRS); i++)
			if (vigil_config__img_under(p, SYSTEM_DIRS[i])) {
				if (rn->n_writable++ >= MAX_PER_CHECK)
					break;
				ADD("VGL-IMG-010", p, 0, NULL, f->layer,
				    "world-writable %s, mode %04o", vigil_ftype_name(f->type),
				    (unsigned)(f->mode & 07777));
				break;
			}
	}
	if (f->type == VIGIL_FT_FILE &&
	    (strcmp(p, "/usr/bin/sudo") == 0 || strcmp(p, "/bin/sudo") == 0))
		ADD("VGL-IMG-011", p, 0, NULL, f->layer, "sudo is installed at %s", p);
	if (f->type == VIGIL_FT_FILE &&
	    (strcmp(p, "/usr/sbin/sshd") == 0 || strcmp(p, "/sbin/sshd") == 0))
		ADD("VGL-IMG-012", p, 0, NULL, f->layer, "sshd is installed at %s", p);
	if (f->type == VIGIL_FT_FILE && vigil_config__img_leftover(&lo, p) &&
	    first_in(rn, lo.slot, p, lo.dir_len))
		ADD(lo.id, rn->last_dir[lo.slot], 0, NULL, f->layer, "%s", lo.what);
	return rn->error;
}

/* ---- /etc/passwd, /etc/shadow, /etc/group ---------------------------------------- */

static void check_accounts(run *rn)
{
	static const char *const ids[CAP_N] = {"passwd", "shadow", "group"};
	for (int w = 0; w < CAP_N; w++) {
		const capture *c = &rn->ci->cap[w];
		const vigil_file *f;
		img_acct_issue is[64];
		int n;
		if (c->layer < 0 || vigil_image_lookup(&f, rn->img, CAP_PATHS[w], 0) < 0 ||
		    f->layer != c->layer)
			continue; /* deleted or replaced by something unread */
		n = vigil_config__img_accounts(is, VIGIL_ARRAY_LEN(is), ids[w],
					       c->data.data ? (const char *)c->data.data : "",
					       c->data.len);
		for (int i = 0; i < n; i++)
			ADD(is[i].id, CAP_PATHS[w], is[i].line, NULL, c->layer, "%s", is[i].msg);
	}
}

int vigil_config_image_finish(vigil_config_result **out, vigil_config_image *ci,
			      const vigil_distro *distro)
{
	run rnv, *rn = &rnv;
	int error;
	*out = NULL;
	if (!ci)
		return VIGIL_EINVAL;
	memset(rn, 0, sizeof(*rn));
	rn->ci = ci;
	rn->img = ci->img;
	rn->cfg = vigil_image_config(ci->img);
	if ((error = vigil_config__result_new(&rn->r, ci->opts)) < 0)
		return vigil_error_set(ci->img->ctx, error, "out of memory");
	/* a root filesystem directory has no config or history to check */
	if (rn->cfg && strcmp(vigil_image_format(ci->img), "rootfs") != 0) {
		check_user(rn);
		check_health(rn);
		check_env(rn);
		check_ports(rn);
		check_volumes(rn);
		check_base(rn);
		check_history(rn);
	}
	if (rn->error == 0) {
		error = vigil_image_foreach_file(ci->img, NULL, on_file, rn);
		if (error < 0 && rn->error == 0)
			rn->error = error;
	}
	if (rn->error == 0)
		check_accounts(rn);
	if (rn->n_setuid > MAX_PER_CHECK)
		vigil_warn(ci->img->ctx, "VGL-IMG-009: %zu more setuid/setgid files not listed",
			   rn->n_setuid - MAX_PER_CHECK);
	if (rn->n_writable > MAX_PER_CHECK)
		vigil_warn(ci->img->ctx, "VGL-IMG-010: %zu more world-writable paths not listed",
			   rn->n_writable - MAX_PER_CHECK);
	if (distro && distro->eol)
		ADD("VGL-IMG-024", NULL, 0, "os", -1, "%s %s is past its end of support",
		    distro->id ? distro->id : "?", distro->version_id ? distro->version_id : "?");
	rn->r->files = 1;
	if ((error = rn->error) < 0) {
		vigil_config_result_free(rn->r);
		return vigil_error_set(ci->img->ctx, error, "image checks failed");
	}
	vigil_config__result_done(rn->r);
	*out = rn->r;
	return 0;
}
