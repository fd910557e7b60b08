/*
 * run.c - vigil_match_run: looks every package up, groups the statements of one
 * vulnerability (by id and alias, over all feeds) and builds one finding per group.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <pthread.h>
#include <stdatomic.h>

#include "match/match.h"

/* Details of the vulnerabilities met so far: packages of one source and several
 * packages share them (open addressing on the id). */
typedef struct dcache {
	const vigil_db_vuln_info **slots; /* NULL, or an entry; NOTFOUND for unknown ids */
	const char **keys;
	size_t cap, len;
} dcache;

typedef struct memo_ent memo_ent;

struct vigil_match {
	char os_key[64]; /* the distribution key resolved against the database, or "" */
	vigil_arena arena;
	vigil_vec vulns; /* vigil_vuln */
	dcache details;
	memo_ent *shared; /* a copy of a memo entry's findings: their strings live there */
};

static const vigil_db_vuln_info NOTFOUND;

/* One statement of the database about the package being matched. */
typedef struct stmt {
	const char *vuln_id, *status, *fixed, *severity, *feed;
	int kev, affects;
	int group; /* index of the group (union-find root after grouping) */
	const vigil_db_vuln_info *info;
} stmt;

typedef struct pkgscan {
	vigil_match *m;
	vigil_db *db;
	const vigil_match_query *q;
	vigil_vec stmts; /* stmt */
	vigil_arena *a;	 /* per-package scratch */
	int error;
} pkgscan;

int vigil_match__severity_rank(const char *s)
{
	static const char *const NAMES[] = {"NEGLIGIBLE", "LOW", "MEDIUM", "HIGH", "CRITICAL"};
	for (size_t i = 0; s && i < VIGIL_ARRAY_LEN(NAMES); i++)
		if (strcmp(s, NAMES[i]) == 0)
			return (int)i + 1;
	return 0;
}

static int on_stmt(const vigil_db_affected *a, void *payload)
{
	pkgscan *ps = payload;
	stmt *s = vigil_vec_push(&ps->stmts);
	if (!s)
		return VIGIL_ENOMEM;
	s->vuln_id = vigil_arena_strdup(ps->a, a->vuln_id);
	s->status = vigil_arena_strdup(ps->a, a->status);
	char fixed[256];
	s->affects = vigil_match__affects(ps->q->scheme, ps->q->version, a, fixed, sizeof(fixed));
	s->fixed = fixed[0] ? vigil_arena_strdup(ps->a, fixed) : NULL;
	s->severity = a->severity ? vigil_arena_strdup(ps->a, a->severity) : NULL;
	s->feed = vigil_arena_strdup(ps->a, a->feed);
	s->kev = a->kev;
	s->group = (int)ps->stmts.len - 1;
	if (!s->vuln_id || !s->status || !s->feed)
		return VIGIL_ENOMEM;
	return 0;
}

/* Copies the details of a vulnerability into the run's arena. */
static int on_info(const vigil_db_vuln_info *v, void *payload)
{
	void **out = payload;
	vigil_arena *a = out[0];
	vigil_db_vuln_info *c = vigil_arena_alloc(a, sizeof(*c));
	size_t n = 0, r = 0;
	if (!c)
		return VIGIL_ENOMEM;
	*c = *v;
	c->vuln_id = vigil_arena_strdup(a, v->vuln_id);
	c->title = v->title ? vigil_arena_strdup(a, v->title) : NULL;
	c->severity = v->severity ? vigil_arena_strdup(a, v->severity) : NULL;
	c->cvss_vector = v->cvss_vector ? vigil_arena_strdup(a, v->cvss_vector) : NULL;
	c->published = v->published ? vigil_arena_strdup(a, v->published) : NULL;
	while (v->aliases[n])
		n++;
	while (v->references[r])
		r++;
	size_t nb = 0;
	while (v->aliased_by && v->aliased_by[nb])
		nb++;
	const char **by = vigil_arena_alloc(a, (nb + 1) * sizeof(*by));
	if (!by)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < nb; i++)
		by[i] = vigil_arena_strdup(a, v->aliased_by[i]);
	c->aliased_by = by;
	const char **al = vigil_arena_alloc(a, (n + 1) * sizeof(*al));
	const char **rf = vigil_arena_alloc(a, (r + 1) * sizeof(*rf));
	if (!al || !rf)
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < n; i++)
		al[i] = vigil_arena_strdup(a, v->aliases[i]);
	for (size_t i = 0; i < r; i++)
		rf[i] = vigil_arena_strdup(a, v->references[i]);
	c->aliases = al;
	c->references = rf;
	vigil_db_rating *rt = NULL;
	if (v->nratings && !(rt = vigil_arena_alloc(a, v->nratings * sizeof(*rt))))
		return VIGIL_ENOMEM;
	for (size_t i = 0; i < v->nratings; i++) {
		rt[i] = v->ratings[i];
		rt[i].feed = vigil_arena_strdup(a, v->ratings[i].feed);
		rt[i].severity = v->ratings[i].severity
					 ? vigil_arena_strdup(a, v->ratings[i].severity)
					 : NULL;
		rt[i].vector =
			v->ratings[i].vector ? vigil_arena_strdup(a, v->ratings[i].vector) : NULL;
		if (!rt[i].feed)
			return VIGIL_ENOMEM;
	}
	c->ratings = rt;
	out[1] = c;
	return 0;
}

static int find(stmt *s, int i)
{
	while (s[i].group != i)
		i = s[i].group = s[s[i].group].group;
	return i;
}

static void unite(stmt *s, int i, int j)
{
	i = find(s, i);
	j = find(s, j);
	if (i != j)
		s[j > i ? j : i].group = j > i ? i : j;
}

static int named(const stmt *s, const char *id)
{
	if (strcmp(s->vuln_id, id) == 0)
		return 1;
	for (const char *const *a = s->info ? s->info->aliases : NULL; a && *a; a++)
		if (strcmp(*a, id) == 0)
			return 1;
	for (const char *const *a = s->info ? s->info->aliased_by : NULL; a && *a; a++)
		if (strcmp(*a, id) == 0)
			return 1;
	return 0;
}

static size_t hash(const char *s)
{
	size_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The details of `id`, from the cache or the database (NULL when it has none). */
static int details(vigil_match *m, vigil_db *db, const char *id, const vigil_db_vuln_info **out)
{
	dcache *c = &m->details;
	size_t i;
	int error;
	if (c->len * 2 >= c->cap) { /* grow, rehash */
		size_t cap = c->cap ? c->cap * 2 : 256;
		const vigil_db_vuln_info **slots = calloc(cap, sizeof(*slots));
		const char **keys = calloc(cap, sizeof(*keys));
		if (!slots || !keys) {
			free(slots);
			free(keys);
			return VIGIL_ENOMEM;
		}
		for (size_t k = 0; k < c->cap; k++) {
			if (!c->keys[k])
				continue;
			for (i = hash(c->keys[k]) & (cap - 1); keys[i]; i = (i + 1) & (cap - 1))
				;
			keys[i] = c->keys[k];
			slots[i] = c->slots[k];
		}
		free(c->slots);
		free(c->keys);
		c->slots = slots;
		c->keys = keys;
		c->cap = cap;
	}
	for (i = hash(id) & (c->cap - 1); c->keys[i]; i = (i + 1) & (c->cap - 1))
		if (strcmp(c->keys[i], id) == 0) {
			*out = c->slots[i] == &NOTFOUND ? NULL : c->slots[i];
			return 0;
		}
	void *io[2] = {&m->arena, NULL};
	if ((error = vigil_db_vuln(db, id, on_info, io)) < 0 && error != VIGIL_ENOTFOUND)
		return error;
	if (!(c->keys[i] = vigil_arena_strdup(&m->arena, id)))
		return VIGIL_ENOMEM;
	c->slots[i] = io[1] ? io[1] : &NOTFOUND;
	c->len++;
	*out = io[1];
	return 0;
}

/* Two statements speak of one vulnerability when one's id is the other's id or alias. */
static int same_vuln(const stmt *a, const stmt *b)
{
	if (named(a, b->vuln_id) || named(b, a->vuln_id))
		return 1;
	return 0;
}

static const char *const *strv_copy(vigil_arena *a, vigil_vec *v)
{
	const char **out = vigil_arena_alloc(a, (v->len + 1) * sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < v->len; i++)
		out[i] = vigil_arena_strdup(a, VIGIL_VEC_AT(v, const char *, i));
	return out;
}

static int strv_add(vigil_vec *v, const char *s)
{
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(VIGIL_VEC_AT(v, const char *, i), s) == 0)
			return 0;
	const char **slot = vigil_vec_push(v);
	if (!slot)
		return VIGIL_ENOMEM;
	*slot = s;
	return 0;
}

static int has_str(const vigil_vec *v, const char *str)
{
	for (size_t i = 0; i < v->len; i++)
		if (strcmp(VIGIL_VEC_AT(v, const char *, i), str) == 0)
			return 1;
	return 0;
}

/* The severity of a finding that its own statements do not rate, from the ratings of
 * all its ids (docs/severity.md): (1) a rating of one of the finding's own feeds
 * (an advisory's severity), (2) a CVSS score from any feed but NVD, the finding's own
 * feeds first, (3) NVD's CVSS score, (4) another feed's own rating (another
 * distribution's priority). *cvss is the CVSS rating used, or else the first one met,
 * for the finding's CVSS fields. */
static void pick_rating(const char **sev, const char **src, const vigil_db_rating **cvss,
			const vigil_vec *infos, const vigil_vec *feeds, vigil_arena *a)
{
	const vigil_db_rating *step[4] = {NULL, NULL, NULL, NULL}, *own_cvss = NULL;
	*cvss = NULL;
	for (size_t i = 0; i < infos->len; i++) {
		const vigil_db_vuln_info *inf = VIGIL_VEC_AT(infos, const vigil_db_vuln_info *, i);
		for (size_t j = 0; j < inf->nratings; j++) {
			const vigil_db_rating *r = &inf->ratings[j];
			int own = has_str(feeds, r->feed);
			if (r->kind == 1 && !*cvss)
				*cvss = r;
			if (!r->severity || strcmp(r->severity, "UNKNOWN") == 0)
				continue;
			if (r->kind == 0 && own && !step[0])
				step[0] = r;
			else if (r->kind == 1 && strcmp(r->feed, "nvd") != 0 && r->score > 0) {
				if (own && !own_cvss)
					own_cvss = r;
				if (!step[1])
					step[1] = r;
			} else if (r->kind == 1 && r->score > 0 && !step[2])
				step[2] = r;
			else if (r->kind == 0 && !step[3])
				step[3] = r;
		}
	}
	if (own_cvss)
		step[1] = own_cvss;
	if (*sev)
		return;
	for (int k = 0; k < 4; k++) {
		const vigil_db_rating *r = step[k];
		if (!r)
			continue;
		*sev = r->severity;
		if (r->kind == 1) {
			size_t n = strlen(r->feed) + 6;
			char *s = vigil_arena_alloc(a, n);
			if (s)
				snprintf(s, n, "cvss:%s", r->feed);
			*src = s ? s : "cvss";
			*cvss = r;
		} else {
			*src = r->feed;
		}
		return;
	}
}

/* Builds the finding of group g (statements whose root is g), when it affects. */
static int build(pkgscan *ps, const vigil_pkg *p, stmt *s, size_t n, int g)
{
	vigil_match *m = ps->m;
	vigil_vec ids = VIGIL_VEC_INIT(const char *), feeds = VIGIL_VEC_INIT(const char *);
	vigil_vec refs = VIGIL_VEC_INIT(const char *);
	const char *primary = NULL, *fixed = NULL, *status = NULL, *sev = NULL, *sev_src = NULL;
	const vigil_db_vuln_info *info = NULL;
	int kev = 0, error = 0, cves = 0;
	/* a feed that says the installed version is not affected (or already fixed) wins
	 * over a feed that says it is: per feed, affected when any statement says so */
	for (size_t i = 0; i < n; i++) {
		if (find(s, (int)i) != g)
			continue;
		int feed_hit = 0;
		for (size_t j = 0; j < n; j++)
			if (find(s, (int)j) == g && strcmp(s[j].feed, s[i].feed) == 0 &&
			    s[j].affects)
				feed_hit = 1;
		if (!feed_hit)
			goto done;
	}
	for (size_t i = 0; i < n && error == 0; i++) {
		if (find(s, (int)i) != g)
			continue;
		error = strv_add(&ids, s[i].vuln_id);
		for (const char *const *a = s[i].info ? s[i].info->aliases : NULL; a && *a; a++)
			if (error == 0)
				error = strv_add(&ids, *a);
		if (error == 0)
			error = strv_add(&feeds, s[i].feed);
		kev |= s[i].kev || (s[i].info && s[i].info->kev);
		if (!s[i].affects)
			continue;
		if (s[i].fixed && *s[i].fixed && strcmp(s[i].fixed, "0") != 0) {
			int c;
			if (!fixed ||
			    (vigil_version_compare(&c, ps->q->scheme, s[i].fixed, fixed), c > 0))
				fixed = s[i].fixed;
		} else if (!status || strcmp(status, "unfixed") == 0) {
			/* a "fixed" statement whose matching range names no fix (last_affected,
			 * an open range): no fix is known for this version */
			status = strcmp(s[i].status, "fixed") == 0 ? "unfixed" : s[i].status;
		}
		if (!sev && s[i].severity && strcmp(s[i].severity, "UNKNOWN") != 0) {
			sev = s[i].severity;
			sev_src = s[i].feed;
		}
	}
	if (error < 0)
		goto done;
	/* the CVE is the id when the group names exactly one */
	for (size_t i = 0; i < ids.len; i++) {
		const char *id = VIGIL_VEC_AT(&ids, const char *, i);
		if (strncmp(id, "CVE-", 4) == 0 && (cves++ == 0))
			primary = id;
	}
	if (cves != 1)
		primary = VIGIL_VEC_AT(&ids, const char *, 0);
	for (size_t i = 0; i < n; i++) {
		if (find(s, (int)i) != g || !s[i].info)
			continue;
		if (!info || (s[i].info->title && !info->title) ||
		    strcmp(s[i].vuln_id, primary) == 0)
			info = s[i].info;
		for (const char *const *r = s[i].info->references; *r && error == 0; r++)
			error = strv_add(&refs, *r);
	}
	/* the details of every id of the group (a GO- record's CVE, a CVE's GHSA) */
	vigil_vec infos = VIGIL_VEC_INIT(const vigil_db_vuln_info *);
	for (size_t i = 0; i < ids.len && error == 0; i++) {
		const vigil_db_vuln_info *inf = NULL, **slot;
		if ((error = details(m, ps->db, VIGIL_VEC_AT(&ids, const char *, i), &inf)) < 0 ||
		    !inf)
			continue;
		if (!(slot = vigil_vec_push(&infos)))
			error = VIGIL_ENOMEM;
		else
			*slot = inf;
		if (error == 0 && (!info || !info->title) && inf->title)
			info = inf;
		/* records that name this id as an alias rate it too (GO-… for a CVE) */
		for (const char *const *by = inf->aliased_by; by && *by && error == 0; by++) {
			const vigil_db_vuln_info *binf = NULL;
			if (has_str(&ids, *by) || (error = details(m, ps->db, *by, &binf)) < 0 ||
			    !binf)
				continue;
			if (!(slot = vigil_vec_push(&infos)))
				error = VIGIL_ENOMEM;
			else
				*slot = binf;
			if (error == 0 && (!info || !info->title) && binf->title)
				info = binf;
		}
	}
	const vigil_db_rating *cvss = NULL;
	double epss = -1, epss_pct = -1;
	for (size_t i = 0; i < infos.len; i++) {
		const vigil_db_vuln_info *inf = VIGIL_VEC_AT(&infos, const vigil_db_vuln_info *, i);
		if (inf->epss > epss) {
			epss = inf->epss;
			epss_pct = inf->epss_percentile;
		}
	}
	if (error == 0)
		pick_rating(&sev, &sev_src, &cvss, &infos, &feeds, ps->a);
	vigil_vec_free(&infos);
	if (error < 0)
		goto done;
	vigil_vuln *v = error == 0 ? vigil_vec_push(&m->vulns) : NULL;
	if (!v) {
		error = error < 0 ? error : VIGIL_ENOMEM;
		goto done;
	}
	/* the other ids become the aliases */
	for (size_t i = 0; i < ids.len; i++)
		if (VIGIL_VEC_AT(&ids, const char *, i) == primary) {
			memmove(&VIGIL_VEC_AT(&ids, const char *, i),
				&VIGIL_VEC_AT(&ids, const char *, i + 1),
				(ids.len - i - 1) * sizeof(const char *));
			ids.len--;
			break;
		}
	v->id = vigil_arena_strdup(&m->arena, primary);
	v->aliases = strv_copy(&m->arena, &ids);
	v->feeds = strv_copy(&m->arena, &feeds);
	v->references = strv_copy(&m->arena, &refs);
	v->title = info && info->title ? vigil_arena_strdup(&m->arena, info->title) : NULL;
	v->fixed = fixed ? vigil_arena_strdup(&m->arena, fixed) : NULL;
	v->status = fixed ? "fixed" : status ? vigil_arena_strdup(&m->arena, status) : "unfixed";
	v->cvss_vector =
		info && info->cvss_vector ? vigil_arena_strdup(&m->arena, info->cvss_vector) : NULL;
	v->cvss_score = info ? info->cvss_score : 0;
	if (cvss && ((sev_src && strncmp(sev_src, "cvss:", 5) == 0) ||
		     (!v->cvss_vector && v->cvss_score <= 0))) {
		v->cvss_vector = cvss->vector ? vigil_arena_strdup(&m->arena, cvss->vector) : NULL;
		v->cvss_score = cvss->score;
	}
	v->severity = sev ? vigil_arena_strdup(&m->arena, sev) : "UNKNOWN";
	v->severity_source = sev_src ? vigil_arena_strdup(&m->arena, sev_src) : NULL;
	v->kev = kev;
	v->epss = epss;
	v->epss_percentile = epss_pct;
	v->pkg = p;
	if (!v->id || !v->aliases || !v->feeds || !v->references || !v->status || !v->severity)
		error = VIGIL_ENOMEM;
done:
	vigil_vec_free(&ids);
	vigil_vec_free(&feeds);
	vigil_vec_free(&refs);
	return error;
}

static int match_pkg(vigil_match *m, vigil_db *db, const vigil_pkg *p, const vigil_distro *d)
{
	vigil_match_query q;
	vigil_arena a;
	pkgscan ps;
	int error;
	if (!vigil_match__query(&q, p, d))
		return 0;
	if (m->os_key[0] && p->type &&
	    (strcmp(p->type, "rpm") == 0 || strcmp(p->type, "deb") == 0 ||
	     strcmp(p->type, "apk") == 0))
		snprintf(q.eco, sizeof(q.eco), "%s", m->os_key); /* the key with data (fallback) */
	vigil_arena_init(&a);
	memset(&ps, 0, sizeof(ps));
	ps.m = m;
	ps.db = db;
	ps.q = &q;
	ps.a = &a;
	ps.stmts = (vigil_vec)VIGIL_VEC_INIT(stmt);
	if ((error = vigil_db_lookup(db, q.eco, q.name, on_stmt, &ps)) <= 0)
		goto done;
	stmt *s = ps.stmts.data;
	size_t n = ps.stmts.len;
	int any = 0;
	for (size_t i = 0; i < n; i++)
		any |= s[i].affects;
	if (!any) {
		error = 0;
		goto done;
	}
	/* details (aliases above all) of the affecting statements: the others join their
	 * groups through those (their id is an alias, or names one) */
	for (size_t i = 0; i < n; i++)
		if (s[i].affects && (error = details(m, db, s[i].vuln_id, &s[i].info)) < 0)
			goto done;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (same_vuln(&s[i], &s[j]))
				unite(s, (int)i, (int)j);
	error = 0;
	for (size_t i = 0; i < n && error == 0; i++)
		if (find(s, (int)i) == (int)i)
			error = build(&ps, p, s, n, (int)i);
done:
	vigil_vec_free(&ps.stmts);
	vigil_arena_clear(&a);
	return error < 0 ? error : 0;
}

static int by_pkg_severity(const void *pa, const void *pb)
{
	const vigil_vuln *a = pa, *b = pb;
	int d;
	if (a->pkg != b->pkg) {
		if ((d = strcmp(a->pkg->name, b->pkg->name)) != 0)
			return d;
		if ((d = strcmp(a->pkg->version, b->pkg->version)) != 0)
			return d;
		/* the same name and version in two places: by type and location, so that the
		 * order never depends on where the packages were allocated */
		if ((d = strcmp(a->pkg->type ? a->pkg->type : "",
				b->pkg->type ? b->pkg->type : "")) ||
		    (d = strcmp(a->pkg->location ? a->pkg->location : "",
				b->pkg->location ? b->pkg->location : "")))
			return d;
		return a->pkg < b->pkg ? -1 : 1;
	}
	if ((d = vigil_match__severity_rank(b->severity) -
		 vigil_match__severity_rank(a->severity)) != 0)
		return d;
	return strcmp(a->id, b->id);
}

int vigil_match_run(vigil_match **out, vigil_db *db, const vigil_inventory *inv)
{
	vigil_match *m = calloc(1, sizeof(*m));
	const vigil_distro *d = vigil_inventory_distro(inv);
	int error = 0;
	*out = NULL;
	if (!m)
		return VIGIL_ENOMEM;
	vigil_arena_init(&m->arena);
	m->vulns = (vigil_vec)VIGIL_VEC_INIT(vigil_vuln);
	if (!vigil_match__distro_key(db, m->os_key, sizeof(m->os_key), d))
		m->os_key[0] = '\0';
	for (size_t i = 0; i < vigil_inventory_count(inv) && error == 0; i++)
		error = match_pkg(m, db, vigil_inventory_pkg(inv, i), d);
	if (error < 0) {
		vigil_match_free(m);
		return error;
	}
	vigil_qsort(m->vulns.data, m->vulns.len, sizeof(vigil_vuln), by_pkg_severity);
	*out = m;
	return 0;
}

size_t vigil_match_count(const vigil_match *m)
{
	return m ? m->vulns.len : 0;
}

const vigil_vuln *vigil_match_get(const vigil_match *m, size_t i)
{
	return m && i < m->vulns.len ? &VIGIL_VEC_AT(&m->vulns, vigil_vuln, i) : NULL;
}

/* The policy marks suppressed findings in place. */
vigil_vuln *vigil_match__get_mut(vigil_match *m, size_t i)
{
	return m && i < m->vulns.len ? &VIGIL_VEC_AT(&m->vulns, vigil_vuln, i) : NULL;
}

static void memo_unref(memo_ent *e);

void vigil_match_free(vigil_match *m)
{
	if (!m)
		return;
	memo_unref(m->shared);
	vigil_vec_free(&m->vulns);
	free(m->details.slots);
	free(m->details.keys);
	vigil_arena_clear(&m->arena);
	free(m);
}

/* ---- the memo: one match per package set and database ---------------------------------
 *
 * The findings depend only on the database and on the fields of the packages and the
 * distribution that vigil_match__query and build read; images that share a base have the
 * same package set, so the match of the first one is kept (its findings naming packages by
 * index) and every later one gets a copy with its own packages put in. The strings stay in
 * the entry, which lives while any copy does (a reference count). */

struct memo_ent {
	char key[72];
	vigil_match *m;	 /* the findings; their pkg pointers are not used */
	size_t *idx;	 /* per finding, the index of its package in the inventory */
	size_t npkgs;	 /* the inventory's package count */
	atomic_int refs; /* the memo's own (while listed) plus one per copy */
	uint64_t used;	 /* last use, for the LRU (under the memo's lock) */
};

struct vigil_match_memo {
	pthread_mutex_t lock;
	memo_ent **ents;
	size_t len, max;
	uint64_t clock, hits, misses;
};

static void memo_ent_free(memo_ent *e)
{
	vigil_match_free(e->m);
	free(e->idx);
	free(e);
}

static void memo_unref(memo_ent *e)
{
	if (!e)
		return;
	if (atomic_fetch_sub(&e->refs, 1) == 1) /* copies may outlive the memo */
		memo_ent_free(e);
}

int vigil_match_memo_new(vigil_match_memo **out, size_t max_entries)
{
	vigil_match_memo *mm = calloc(1, sizeof(*mm));
	*out = NULL;
	if (!mm || (max_entries && !(mm->ents = calloc(max_entries, sizeof(*mm->ents))))) {
		free(mm);
		return VIGIL_ENOMEM;
	}
	pthread_mutex_init(&mm->lock, NULL);
	mm->max = max_entries;
	*out = mm;
	return 0;
}

/* Copies handed out keep their entries alive after this. */
void vigil_match_memo_free(vigil_match_memo *mm)
{
	if (!mm)
		return;
	for (size_t i = 0; i < mm->len; i++)
		memo_unref(mm->ents[i]);
	free(mm->ents);
	pthread_mutex_destroy(&mm->lock);
	free(mm);
}

void vigil_match_memo_stats(vigil_match_memo *mm, uint64_t *hits, uint64_t *misses)
{
	pthread_mutex_lock(&mm->lock);
	*hits = mm->hits;
	*misses = mm->misses;
	pthread_mutex_unlock(&mm->lock);
}

static void key_str(vigil_sha256 *h, const char *s)
{
	/* NULL and "" differ: a tag byte, then the text with its NUL */
	vigil_sha256_update(h, s ? "s" : "n", 1);
	if (s)
		vigil_sha256_update(h, s, strlen(s) + 1);
}

/* The key: the database's build, the distribution and every field of every package
 * except its file list (the matcher does not read it), in inventory order. */
static int memo_key(char key[72], vigil_db *db, const vigil_inventory *inv)
{
	vigil_sha256 *h;
	const vigil_distro *d = vigil_inventory_distro(inv);
	int error = vigil_sha256_new(&h);
	if (error < 0)
		return error;
	key_str(h, "vigil match memo 1");
	key_str(h, vigil_db_built(db));
	key_str(h, d ? d->id : NULL);
	key_str(h, d ? d->version_id : NULL);
	key_str(h, d ? d->codename : NULL);
	key_str(h, d ? d->pretty_name : NULL);
	key_str(h, d ? d->family : NULL);
	int64_t eol = d ? d->eol : -1;
	vigil_sha256_update(h, &eol, sizeof(eol));
	for (size_t i = 0; i < vigil_inventory_count(inv); i++) {
		const vigil_pkg *p = vigil_inventory_pkg(inv, i);
		int64_t nums[3] = {p->layer, p->os_package, (int64_t)p->flags};
		key_str(h, p->type);
		key_str(h, p->name);
		key_str(h, p->version);
		key_str(h, p->arch);
		key_str(h, p->source_name);
		key_str(h, p->source_version);
		key_str(h, p->license);
		key_str(h, p->purl);
		key_str(h, p->location);
		key_str(h, p->cataloger);
		key_str(h, p->group);
		key_str(h, p->modularity);
		vigil_sha256_update(h, nums, sizeof(nums));
	}
	vigil_sha256_final(h, key);
	vigil_sha256_free(h);
	return 0;
}

/* A copy of entry e's findings for inventory inv (e referenced by the caller). */
static int memo_copy(vigil_match **out, memo_ent *e, const vigil_inventory *inv)
{
	vigil_match *m = calloc(1, sizeof(*m));
	size_t n = e->m->vulns.len;
	if (!m)
		return VIGIL_ENOMEM;
	vigil_arena_init(&m->arena);
	m->vulns = (vigil_vec)VIGIL_VEC_INIT(vigil_vuln);
	memcpy(m->os_key, e->m->os_key, sizeof(m->os_key));
	if (n && !(m->vulns.data = malloc(n * sizeof(vigil_vuln)))) {
		free(m);
		return VIGIL_ENOMEM;
	}
	m->vulns.len = m->vulns.cap = n;
	for (size_t i = 0; i < n; i++) {
		vigil_vuln *v = &VIGIL_VEC_AT(&m->vulns, vigil_vuln, i);
		*v = VIGIL_VEC_AT(&e->m->vulns, vigil_vuln, i);
		v->pkg = vigil_inventory_pkg(inv, e->idx[i]);
		v->suppressed = NULL;
	}
	/* the last tie of the order is the package's address: sort again for these */
	vigil_qsort(m->vulns.data, m->vulns.len, sizeof(vigil_vuln), by_pkg_severity);
	m->shared = e;
	*out = m;
	return 0;
}

typedef struct pkg_at {
	const vigil_pkg *p;
	size_t i;
} pkg_at;

static int pkg_at_cmp(const void *a, const void *b)
{
	const vigil_pkg *x = ((const pkg_at *)a)->p, *y = ((const pkg_at *)b)->p;
	return x < y ? -1 : x > y;
}

/* Makes match m of inventory inv (taken) an entry under key, listed in the memo, with a
 * reference for the caller. */
static int memo_insert(memo_ent **out, vigil_match_memo *mm, const char *key, vigil_match *m,
		       const vigil_inventory *inv)
{
	size_t np = vigil_inventory_count(inv), n = m->vulns.len;
	memo_ent *e = calloc(1, sizeof(*e)), *old = NULL;
	pkg_at *by = np ? malloc(np * sizeof(*by)) : NULL;
	*out = NULL;
	if (!e || (np && !by) || (n && !(e->idx = malloc(n * sizeof(size_t))))) {
		free(by);
		if (e)
			free(e->idx);
		free(e);
		vigil_match_free(m);
		return VIGIL_ENOMEM;
	}
	for (size_t i = 0; i < np; i++)
		by[i] = (pkg_at){vigil_inventory_pkg(inv, i), i};
	vigil_qsort(by, np, sizeof(*by), pkg_at_cmp);
	e->m = m;
	for (size_t i = 0; i < n; i++) {
		vigil_vuln *v = &VIGIL_VEC_AT(&m->vulns, vigil_vuln, i);
		pkg_at k = {v->pkg, 0}, *hit = vigil_bsearch(&k, by, np, sizeof(*by), pkg_at_cmp);
		if (!hit) { /* a finding of a package not in the inventory: never kept */
			free(by);
			memo_ent_free(e);
			return VIGIL_EINVAL;
		}
		e->idx[i] = hit->i;
		v->pkg = NULL;
	}
	free(by);
	memcpy(e->key, key, sizeof(e->key));
	e->npkgs = np;
	atomic_init(&e->refs, 2); /* the memo's and the caller's */
	pthread_mutex_lock(&mm->lock);
	e->used = ++mm->clock;
	if (mm->len == mm->max) { /* the least recently used entry leaves */
		size_t lru = 0;
		for (size_t i = 1; i < mm->len; i++)
			if (mm->ents[i]->used < mm->ents[lru]->used)
				lru = i;
		old = mm->ents[lru];
		mm->ents[lru] = mm->ents[--mm->len];
	}
	mm->ents[mm->len++] = e;
	pthread_mutex_unlock(&mm->lock);
	memo_unref(old);
	*out = e;
	return 0;
}

int vigil_match_run_memo(vigil_match **out, vigil_db *db, const vigil_inventory *inv,
			 vigil_match_memo *mm)
{
	char key[72];
	memo_ent *e = NULL;
	vigil_match *m = NULL;
	int error;
	*out = NULL;
	if (!mm || mm->max == 0)
		return vigil_match_run(out, db, inv);
	if ((error = memo_key(key, db, inv)) < 0)
		return error;
	pthread_mutex_lock(&mm->lock);
	for (size_t i = 0; i < mm->len && !e; i++)
		if (strcmp(mm->ents[i]->key, key) == 0 &&
		    mm->ents[i]->npkgs == vigil_inventory_count(inv)) {
			e = mm->ents[i];
			atomic_fetch_add(&e->refs, 1);
			e->used = ++mm->clock;
		}
	if (e)
		mm->hits++;
	else
		mm->misses++;
	pthread_mutex_unlock(&mm->lock);
	if (!e) {
		if ((error = vigil_match_run(&m, db, inv)) < 0 ||
		    (error = memo_insert(&e, mm, key, m, inv)) < 0)
			return error;
	}
	if ((error = memo_copy(out, e, inv)) < 0)
		memo_unref(e);
	return error;
}
