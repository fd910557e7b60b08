/* containers.c - which container a cgroup id belongs to. A container's cgroup v2 id is
 * the inode of its cgroup directory; runc's state (ROOT/<id>/state.json) names the
 * directory, the bundle and the capabilities, and the bundle's config.json annotations
 * (or umoci.json) the image. The runc roots are /run/runc and those of containerd
 * (/run/containerd/runc/NS) and Docker (/run/docker/runtime-runc/moby), or the
 * --runc-root list. A bundle of containerd (.../io.containerd.runtime.v2.task/NS/ID)
 * gets its image and digest from containerd's metadata (meta.db, read-only), one in
 * Docker's namespace `moby` from Docker's container config and repositories.json. Ids
 * not found are the host; they are rechecked after a while because a container's state
 * may be written after its first events. */
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "runtime/rt.h"

#define SLOTS 1024
#define SIG_CHECK_NS 10000000LL /* look for changed runc state at most every 10 ms */
#define MAX_JSON (8u << 20)
#define MAX_ROOTS 16
#define ROOT_LEN 256

typedef struct slot {
	unsigned long long cgid;
	unsigned long long gen; /* runc state generation of a negative entry */
	long long since;	/* negative entry: when it was looked up */
	rt_container c;
	int used;
} slot;

struct rt_containers {
	char runc_root[1024]; /* explicit roots, ':' separated, or "" for the defaults */
	char cgroup_root[256];
	char containerd_root[256], docker_root[256];
	slot slots[SLOTS];
	rt_container host;
	long long last_sig_check;
	unsigned long long sig, gen;
	unsigned long long each_sig; /* state signature at the last containers_changed */
};

static long long now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* copies s into dst (size n), truncated */
static void cpy(char *dst, size_t n, const char *s)
{
	size_t l = strnlen(s, n - 1);
	memcpy(dst, s, l);
	dst[l] = 0;
}

int vigil_rt__containers_new(rt_containers **out, const char *runc_root, const char *cgroup_root)
{
	rt_containers *cs = calloc(1, sizeof(*cs));
	struct stat st;

	*out = NULL;
	if (!cs)
		return VIGIL_ENOMEM;
	cpy(cs->runc_root, sizeof(cs->runc_root), runc_root ? runc_root : "");
	cpy(cs->containerd_root, sizeof(cs->containerd_root), "/var/lib/containerd");
	cpy(cs->docker_root, sizeof(cs->docker_root), "/var/lib/docker");
	if (!cgroup_root)
		cgroup_root = stat("/sys/fs/cgroup/unified", &st) == 0 ? "/sys/fs/cgroup/unified"
								       : "/sys/fs/cgroup";
	cpy(cs->cgroup_root, sizeof(cs->cgroup_root), cgroup_root);
	cs->host.host = 1;
	snprintf(cs->host.id, sizeof(cs->host.id), "host");
	snprintf(cs->host.name, sizeof(cs->host.name), "host");
	*out = cs;
	return 0;
}

void vigil_rt__containers_free(rt_containers *cs)
{
	free(cs);
}

void vigil_rt__containers_set_roots(rt_containers *cs, const char *containerd_root,
				    const char *docker_root)
{
	if (containerd_root)
		cpy(cs->containerd_root, sizeof(cs->containerd_root), containerd_root);
	if (docker_root)
		cpy(cs->docker_root, sizeof(cs->docker_root), docker_root);
}

/* the subdirectories of dir (each a runc root: containerd's namespaces) into r */
static void subdirs(const char *dir, char r[][ROOT_LEN], size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return;
	while (*n < MAX_ROOTS && (de = readdir(d)))
		if (de->d_name[0] != '.' && (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN)) {
			int k = snprintf(r[*n], ROOT_LEN, "%s/%s", dir, de->d_name);
			if (k > 0 && k < ROOT_LEN)
				(*n)++;
		}
	closedir(d);
}

/* the runc state roots to read: the --runc-root list, or /run/runc and the roots of
 * containerd's namespaces and Docker's */
static size_t roots(const rt_containers *cs, char r[][ROOT_LEN])
{
	size_t n = 0;
	const char *p = cs->runc_root;

	if (!*p) {
		snprintf(r[n++], ROOT_LEN, "/run/runc");
		subdirs("/run/containerd/runc", r, &n);
		subdirs("/run/docker/runtime-runc", r, &n);
		return n;
	}
	while (*p && n < MAX_ROOTS) {
		size_t l = strcspn(p, ":");
		if (l && l < ROOT_LEN)
			snprintf(r[n++], ROOT_LEN, "%.*s", (int)l, p);
		p += l;
		if (*p == ':')
			p++;
	}
	return n;
}

static json_t *load_json(const char *path)
{
	json_error_t je;
	struct stat st;
	if (stat(path, &st) < 0 || st.st_size > (off_t)MAX_JSON)
		return NULL;
	return json_load_file(path, JSON_REJECT_DUPLICATES, &je);
}

static const char *jstr(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);
	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* "2026-12-06T20:09:09.192040712Z" -> ns since the epoch */
static long long parse_time(const char *s)
{
	struct tm tm;
	char *end;
	long long ns = 0;
	int digits = 0;

	memset(&tm, 0, sizeof(tm));
	if (!s || !(end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)))
		return 0;
	if (*end == '.')
		for (end++; *end >= '0' && *end <= '9'; end++)
			if (digits < 9) {
				ns = ns * 10 + (*end - '0');
				digits++;
			}
	for (; digits < 9; digits++)
		ns *= 10;
	return (long long)timegm(&tm) * 1000000000LL + ns;
}

/* podman: containers/storage records each container's image; the bundle is
 * STORAGE/overlay-containers/ID/userdata, the container in
 * STORAGE/overlay-containers/containers.json (name, image id, image name in its
 * metadata) and the image's manifest digest in STORAGE/overlay-images/images.json */
static void fill_podman(rt_container *c, const char *bundle)
{
	const char *p = strstr(bundle, "/overlay-containers/"), *v, *img = NULL;
	char path[700];
	json_t *all, *ent = NULL, *md = NULL;
	size_t i;

	snprintf(c->runtime, sizeof(c->runtime), "podman");
	if (!p || p - bundle > 500)
		return;
	snprintf(path, sizeof(path), "%.*s/overlay-containers/containers.json", (int)(p - bundle),
		 bundle);
	if (!(all = load_json(path)))
		return;
	for (i = 0; i < json_array_size(all); i++) {
		v = jstr(json_array_get(all, i), "id");
		if (v && !strcmp(v, c->id)) {
			ent = json_array_get(all, i);
			break;
		}
	}
	if (ent) {
		if ((v = json_string_value(json_array_get(json_object_get(ent, "names"), 0))))
			cpy(c->name, sizeof(c->name), v);
		img = jstr(ent, "image");
		if ((v = jstr(ent, "metadata")) && (md = json_loads(v, 0, NULL)) &&
		    (v = jstr(md, "image-name")) && !c->image[0])
			cpy(c->image, sizeof(c->image), v);
		json_decref(md);
	}
	if (img && !c->digest[0]) {
		json_t *imgs;
		snprintf(path, sizeof(path), "%.*s/overlay-images/images.json", (int)(p - bundle),
			 bundle);
		if ((imgs = load_json(path))) {
			for (i = 0; i < json_array_size(imgs); i++) {
				v = jstr(json_array_get(imgs, i), "id");
				if (v && !strcmp(v, img)) {
					if ((v = jstr(json_array_get(imgs, i), "digest")))
						cpy(c->digest, sizeof(c->digest), v);
					break;
				}
			}
			json_decref(imgs);
		}
	}
	json_decref(all);
}

/* containerd: the container record (v1/NS/containers/ID: image) and the image's target
 * (v1/NS/images/NAME/target: digest) in containerd's metadata */
static void fill_containerd(const rt_containers *cs, rt_container *c, const char *ns)
{
	char db[400], img[256], dg[80];
	const char *cpath[] = {"v1", ns, "containers", c->id};
	const char *ipath[] = {"v1", ns, "images", img, "target"};

	snprintf(c->runtime, sizeof(c->runtime), "containerd");
	snprintf(db, sizeof(db), "%.255s/io.containerd.metadata.v1.bolt/meta.db",
		 cs->containerd_root);
	if (vigil_rt__bolt_get(db, cpath, 4, "image", img, sizeof(img)) != 0 || !img[0])
		return;
	if (!c->image[0])
		cpy(c->image, sizeof(c->image), img);
	if (!c->digest[0] && vigil_rt__bolt_get(db, ipath, 5, "digest", dg, sizeof(dg)) == 0 &&
	    !strncmp(dg, "sha256:", 7))
		cpy(c->digest, sizeof(c->digest), dg);
}

/* Docker: DOCKER_ROOT/containers/ID/config.v2.json (Name, Config.Image, Image: the image
 * id) and image/DRIVER/repositories.json, whose NAME@sha256:DIGEST keys map a pulled
 * image's manifest digest to its id (a loaded image has none: no digest then) */
static void fill_docker(const rt_containers *cs, rt_container *c)
{
	static const char *const drivers[] = {"overlay2", "overlay", "fuse-overlayfs",
					      "btrfs",	  "zfs",     "vfs"};
	char path[700];
	json_t *cfg, *repos = NULL;
	const char *v, *id, *name;

	snprintf(c->runtime, sizeof(c->runtime), "docker");
	snprintf(path, sizeof(path), "%.255s/containers/%.100s/config.v2.json", cs->docker_root,
		 c->id);
	if (!(cfg = load_json(path)))
		return;
	if ((v = jstr(cfg, "Name")))
		cpy(c->name, sizeof(c->name), v[0] == '/' ? v + 1 : v);
	name = jstr(json_object_get(cfg, "Config"), "Image");
	id = jstr(cfg, "Image");
	if (name && !c->image[0])
		cpy(c->image, sizeof(c->image), name);
	for (size_t i = 0; id && !c->digest[0] && i < sizeof(drivers) / sizeof(drivers[0]); i++) {
		json_t *all, *repo, *ref;
		const char *rn, *k;
		snprintf(path, sizeof(path), "%.255s/image/%s/repositories.json", cs->docker_root,
			 drivers[i]);
		if (!(repos = load_json(path)))
			continue;
		all = json_object_get(repos, "Repositories");
		/* prefer a digest of the repository the container was started from */
		for (int pass = 0; pass < 2 && !c->digest[0]; pass++)
			json_object_foreach(all, rn, repo)
			{
				if (pass == 0 && (!name || strncmp(name, rn, strlen(rn)) ||
						  (name[strlen(rn)] && name[strlen(rn)] != ':' &&
						   name[strlen(rn)] != '@')))
					continue;
				json_object_foreach(repo, k, ref)
				{
					const char *at = strstr(k, "@sha256:");
					if (at && json_is_string(ref) &&
					    !strcmp(json_string_value(ref), id) &&
					    strlen(at + 1) < 80) {
						cpy(c->digest, sizeof(c->digest), at + 1);
						break;
					}
				}
				if (c->digest[0])
					break;
			}
		json_decref(repos);
		repos = NULL;
	}
	json_decref(cfg);
}

/* a bundle of containerd's runc shim: .../io.containerd.runtime.v2.task/NS/ID */
static void fill_runtime(const rt_containers *cs, rt_container *c, const char *bundle)
{
	const char *p = strstr(bundle, "/io.containerd.runtime.v2.task/"), *ns, *id;
	char nsb[128];
	size_t nl;

	if (!p)
		return;
	ns = p + strlen("/io.containerd.runtime.v2.task/");
	nl = strcspn(ns, "/");
	if (!nl || nl >= sizeof(nsb) || ns[nl] != '/')
		return;
	id = ns + nl + 1;
	if (strcmp(id, c->id))
		return; /* not the container runc knows: leave it as runc's */
	memcpy(nsb, ns, nl);
	nsb[nl] = 0;
	if (!strcmp(nsb, "moby"))
		fill_docker(cs, c);
	else
		fill_containerd(cs, c, nsb);
}

static void fill_image(rt_container *c, const char *bundle)
{
	char path[600];
	json_t *cfg, *ann, *um;
	const char *v;

	snprintf(path, sizeof(path), "%.500s/config.json", bundle);
	if ((cfg = load_json(path))) {
		ann = json_object_get(cfg, "annotations");
		if ((v = jstr(ann, "io.vigil.image")) ||
		    (v = jstr(ann, "org.opencontainers.image.ref.name")) ||
		    (v = jstr(ann, "io.kubernetes.cri.image-name")) ||
		    (v = jstr(ann, "io.podman.annotations.image")))
			cpy(c->image, sizeof(c->image), v);
		if ((v = jstr(ann, "io.vigil.image.digest")) ||
		    (v = jstr(ann, "org.opencontainers.image.digest")))
			cpy(c->digest, sizeof(c->digest), v);
		if ((v = jstr(ann, "io.vigil.container.name")) ||
		    (v = jstr(ann, "io.kubernetes.cri.container-name")) ||
		    (v = jstr(ann, "io.kubernetes.container.name")))
			cpy(c->name, sizeof(c->name), v);
		if ((v = jstr(ann, "io.container.manager")) && !strcmp(v, "libpod"))
			fill_podman(c, bundle);
		json_decref(cfg);
	}
	/* umoci unpack records the descriptor (and tag) it unpacked */
	snprintf(path, sizeof(path), "%.500s/umoci.json", bundle);
	if ((!c->digest[0] || !c->image[0]) && (um = load_json(path))) {
		json_t *d0 =
			json_array_get(json_object_get(json_object_get(um, "from_descriptor_path"),
						       "descriptor_walk"),
				       0);
		if (!c->digest[0] && (v = jstr(d0, "digest")))
			cpy(c->digest, sizeof(c->digest), v);
		if (!c->image[0] && (v = jstr(json_object_get(d0, "annotations"),
					      "org.opencontainers.image.ref.name")))
			cpy(c->image, sizeof(c->image), v);
		json_decref(um);
	}
}

/* finds the cgroup directory whose inode is cgid below dir (depth-first, bounded);
 * 0 and path filled when found */
static int find_cgroup(const char *dir, unsigned long long cgid, int depth, int *budget, char *path,
		       size_t n)
{
	DIR *d;
	struct dirent *de;
	char sub[1024];
	struct stat sb;
	int found = -1;

	if (depth > 8 || !(d = opendir(dir)))
		return -1;
	while (found < 0 && (de = readdir(d)) && --*budget > 0) {
		if (de->d_type != DT_DIR || de->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= sizeof(sub))
			continue;
		if (stat(sub, &sb) == 0 && (unsigned long long)sb.st_ino == cgid) {
			snprintf(path, n, "%s", sub);
			found = 0;
		} else
			found = find_cgroup(sub, cgid, depth + 1, budget, path, n);
	}
	closedir(d);
	return found;
}

/* the 64-hex container id at s (and its length), or 0 */
static size_t hex_id(const char *s)
{
	size_t i = 0;
	while ((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))
		i++;
	return i == 64 ? 64 : 0;
}

/* a container told only by its cgroup's name, for runtimes whose state is not runc's
 * under --runc-root: containerd (CRI) cri-containerd-ID.scope, Docker docker-ID.scope
 * or docker/ID, CRI-O crio-ID.scope, podman libpod-ID(.scope), Kubernetes with the
 * cgroupfs driver kubepods/.../ID. No image is known then. */
static int try_cgroup_name(rt_containers *cs, unsigned long long cgid, rt_container *c)
{
	static const struct {
		const char *prefix, *runtime;
	} pats[] = {{"cri-containerd-", "containerd"},
		    {"docker-", "docker"},
		    {"crio-", "cri-o"},
		    {"libpod-", "podman"}};
	char path[1024];
	const char *base, *id = NULL, *rt = NULL;
	int budget = 20000;

	if (find_cgroup(cs->cgroup_root, cgid, 0, &budget, path, sizeof(path)) < 0)
		return -1;
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]) && !id; i++) {
		size_t l = strlen(pats[i].prefix);
		if (!strncmp(base, pats[i].prefix, l) && hex_id(base + l) &&
		    (!base[l + 64] || !strcmp(base + l + 64, ".scope"))) {
			id = base + l;
			rt = pats[i].runtime;
		}
	}
	if (!id && hex_id(base) && !base[64] && base - path >= 8) {
		if (!strncmp(base - 8, "/docker/", 8))
			rt = "docker";
		else if (strstr(path, "/kubepods"))
			rt = "kubernetes";
		if (rt)
			id = base;
	}
	if (!id)
		return -1;
	memset(c, 0, sizeof(*c));
	memcpy(c->id, id, 64);
	c->id[64] = 0;
	cpy(c->name, sizeof(c->name), c->id);
	cpy(c->runtime, sizeof(c->runtime), rt);
	cpy(c->cgroup_dir, sizeof(c->cgroup_dir), path);
	return 0;
}

/* reads one runc state; 0 and c filled when its cgroup inode is cgid */
static int try_state(rt_containers *cs, const char *root, const char *id, unsigned long long cgid,
		     rt_container *c)
{
	char path[600];
	json_t *st, *cfg, *caps;
	const char *cg, *bundle = NULL;
	struct stat sb;
	int found = -1;

	if (strlen(id) > 200)
		return -1;
	snprintf(path, sizeof(path), "%.255s/%.200s/state.json", root, id);
	if (!(st = load_json(path)))
		return -1;
	cg = jstr(json_object_get(st, "cgroup_paths"), "");
	if (!cg) { /* cgroup v2 only hosts: config.cgroups.path below the mount */
		const char *p =
			jstr(json_object_get(json_object_get(st, "config"), "cgroups"), "path");
		if (p) {
			snprintf(path, sizeof(path), "%.255s/%.300s", cs->cgroup_root, p);
			cg = path;
		}
	}
	if (!cg || stat(cg, &sb) < 0 || (unsigned long long)sb.st_ino != cgid)
		goto done;
	memset(c, 0, sizeof(*c));
	cpy(c->id, sizeof(c->id), id);
	cpy(c->name, sizeof(c->name), id);
	cpy(c->cgroup_dir, sizeof(c->cgroup_dir), cg);
	snprintf(c->runtime, sizeof(c->runtime), "runc");
	c->created = parse_time(jstr(st, "created"));
	cfg = json_object_get(st, "config");
	caps = json_object_get(json_object_get(cfg, "capabilities"), "Effective");
	for (size_t i = 0; i < json_array_size(caps); i++) {
		const char *cap = json_string_value(json_array_get(caps, i));
		if (cap && !strcmp(cap, "CAP_SYS_ADMIN"))
			c->privileged = 1;
	}
	for (size_t i = 0; i < json_array_size(json_object_get(cfg, "labels")); i++) {
		const char *l =
			json_string_value(json_array_get(json_object_get(cfg, "labels"), i));
		if (l && !strncmp(l, "bundle=", 7))
			bundle = l + 7;
	}
	if (bundle) {
		fill_image(c, bundle);
		fill_runtime(cs, c, bundle);
	}
	found = 0;
done:
	json_decref(st);
	return found;
}

static unsigned long long root_sig(const char *root, unsigned long long h);

/* a hash of the names and change times of runc's state files */
static unsigned long long state_sig(rt_containers *cs)
{
	unsigned long long h = 0xcbf29ce484222325ULL;
	char r[MAX_ROOTS][ROOT_LEN];
	size_t n = roots(cs, r);

	for (size_t i = 0; i < n; i++)
		h = root_sig(r[i], h);
	return h;
}

static unsigned long long root_sig(const char *root, unsigned long long h)
{
	char path[600];
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(root);

	if (!d)
		return h;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%.255s/%.255s/state.json", root, de->d_name);
		if (stat(path, &sb) < 0)
			continue;
		for (const char *p = de->d_name; *p; p++)
			h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
		h = (h ^ (unsigned long long)sb.st_mtim.tv_nsec ^
		     ((unsigned long long)sb.st_mtim.tv_sec << 30)) *
		    0x100000001b3ULL;
	}
	closedir(d);
	return h;
}

const rt_container *vigil_rt__containers_get(rt_containers *cs, unsigned long long cgid)
{
	slot *s = &cs->slots[(cgid * 0x9E3779B97F4A7C15ULL) >> 54 & (SLOTS - 1)];
	long long now = now_ns();
	DIR *d;
	struct dirent *de;
	rt_container c;

	if (s->used && s->cgid == cgid && !s->c.host)
		return &s->c;
	if (s->used && s->cgid == cgid) {
		/* not a container when last looked: look again only if runc's state changed */
		if (now - cs->last_sig_check > SIG_CHECK_NS) {
			unsigned long long sig = state_sig(cs);
			cs->last_sig_check = now;
			if (sig != cs->sig) {
				cs->sig = sig;
				cs->gen++;
			}
		}
		if (s->gen == cs->gen)
			return &cs->host;
	}
	/* a miss: scan runc's state (one slot per hash bucket; a collision just rescans) */
	s->used = 1;
	s->cgid = cgid;
	s->gen = cs->gen;
	s->since = now;
	s->c = cs->host;
	{
		char r[MAX_ROOTS][ROOT_LEN];
		size_t n = roots(cs, r);
		for (size_t i = 0; i < n && s->c.host; i++) {
			if (!(d = opendir(r[i])))
				continue;
			while ((de = readdir(d))) {
				if (de->d_name[0] == '.')
					continue;
				if (try_state(cs, r[i], de->d_name, cgid, &c) == 0) {
					s->c = c;
					break;
				}
			}
			closedir(d);
		}
	}
	if (s->c.host && try_cgroup_name(cs, cgid, &c) == 0)
		s->c = c;
	return s->c.host ? &cs->host : &s->c;
}

int vigil_rt__containers_changed(rt_containers *cs)
{
	unsigned long long sig = state_sig(cs);
	if (sig == cs->each_sig)
		return 0;
	cs->each_sig = sig;
	return 1;
}

static void each_root(rt_containers *cs, const char *root,
		      void (*cb)(const rt_container *c, int pid, void *payload), void *payload)
{
	char path[600];
	struct dirent *de;
	struct stat sb;
	DIR *d = opendir(root);

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *cg;
		json_t *st;
		json_int_t pid;

		if (de->d_name[0] == '.' || strlen(de->d_name) > 200)
			continue;
		snprintf(path, sizeof(path), "%.255s/%.200s/state.json", root, de->d_name);
		if (!(st = load_json(path)))
			continue;
		pid = json_integer_value(json_object_get(st, "init_process_pid"));
		cg = jstr(json_object_get(st, "cgroup_paths"), "");
		if (!cg) {
			const char *p = jstr(
				json_object_get(json_object_get(st, "config"), "cgroups"), "path");
			if (p) {
				snprintf(path, sizeof(path), "%.255s/%.300s", cs->cgroup_root, p);
				cg = path;
			}
		}
		if (cg && stat(cg, &sb) == 0 && pid > 1 && pid < (1 << 30)) {
			const rt_container *c =
				vigil_rt__containers_get(cs, (unsigned long long)sb.st_ino);
			if (c && !c->host)
				cb(c, (int)pid, payload);
		}
		json_decref(st);
	}
	closedir(d);
}

void vigil_rt__containers_each(rt_containers *cs,
			       void (*cb)(const rt_container *c, int pid, void *payload),
			       void *payload)
{
	char r[MAX_ROOTS][ROOT_LEN];
	size_t n = roots(cs, r);

	for (size_t i = 0; i < n; i++)
		each_root(cs, r[i], cb, payload);
}

/* the runc state generation (bumped when state files change; checked at most every
 * 10 ms) */
unsigned long long vigil_rt__containers_generation(rt_containers *cs)
{
	long long now = now_ns();
	if (now - cs->last_sig_check > SIG_CHECK_NS) {
		unsigned long long sig = state_sig(cs);
		cs->last_sig_check = now;
		if (sig != cs->sig) {
			cs->sig = sig;
			cs->gen++;
		}
	}
	return cs->gen;
}

int vigil_rt__containers_settled_host(rt_containers *cs, unsigned long long cgid)
{
	const slot *s = &cs->slots[(cgid * 0x9E3779B97F4A7C15ULL) >> 54 & (SLOTS - 1)];
	return s->used && s->cgid == cgid && s->c.host && s->gen == cs->gen &&
	       now_ns() - s->since > 1000000000LL;
}
