/*
 * Alpine secdb YAML (v3.X/main.yaml, community.yaml): packages[].pkg.name (the origin,
 * i.e. the source package) and secfixes {fixed apk version: [ids]}. Read with libyaml's
 * event parser (no document tree, bounded nesting). Ids may carry notes
 * ("CVE-2017-2616 (+ regression fix)"): the CVE id is taken, else a GHSA id, else the
 * first word; "CVE_" is read as "CVE-". A fixed version "0" means never affected.
 * The JSON that secdb.alpinelinux.org publishes today (v3.X/main.json,
 * community.json) has the same structure and is read with jansson.
 */
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "vulndb.h"

#define MAX_DEPTH 64

typedef struct sp {
	yaml_parser_t p;
	yaml_event_t ev;
	int have; /* ev holds an event not yet consumed */
	int bad;
} sp;

/* The next event (owned by sp until the following call). 0, or -1 at a parse error
 * (a local "no": never a VIGIL_E* code, and never returned from item() or parse()). */
static int next(sp *s)
{
	if (s->have) {
		yaml_event_delete(&s->ev);
		s->have = 0;
	}
	if (!yaml_parser_parse(&s->p, &s->ev)) {
		s->bad = 1;
		return -1;
	}
	s->have = 1;
	return 0;
}

/* Skips the node whose first event is current. 0, or -1 when the input is malformed
 * or nested deeper than MAX_DEPTH (a local "no", as next()). */
static int skip(sp *s)
{
	int depth = 0;
	do {
		yaml_event_type_t t = s->ev.type;
		if (t == YAML_MAPPING_START_EVENT || t == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (t == YAML_MAPPING_END_EVENT || t == YAML_SEQUENCE_END_EVENT)
			depth--;
		else if (t == YAML_STREAM_END_EVENT || t == YAML_NO_EVENT)
			return -1;
		if (depth > MAX_DEPTH)
			return -1;
		if (depth > 0 && next(s) < 0)
			return -1;
	} while (depth > 0);
	return 0;
}

static const char *scalar(sp *s)
{
	return s->ev.type == YAML_SCALAR_EVENT ? (const char *)s->ev.data.scalar.value : NULL;
}

/* The advisory id of one secfixes entry: CVE, else GHSA, else the first word. */
static int pick_id(char *out, size_t n, const char *entry)
{
	char first[128] = "", ghsa[128] = "";
	for (const char *p = entry; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		size_t l = strcspn(p, " \t");
		if (l == 0)
			break;
		if (l < sizeof(first)) {
			char w[128];
			memcpy(w, p, l);
			w[l] = '\0';
			if (strncmp(w, "CVE_", 4) == 0)
				w[3] = '-';
			if (!first[0])
				memcpy(first, w, l + 1);
			if (strncmp(w, "CVE-", 4) == 0) {
				snprintf(out, n, "%s", w);
				return 1;
			}
			if (strncmp(w, "GHSA-", 5) == 0 && !ghsa[0])
				memcpy(ghsa, w, l + 1);
		}
		p += l;
	}
	snprintf(out, n, "%s", ghsa[0] ? ghsa : first);
	return out[0] != '\0';
}

typedef struct pair {
	char *fixed, *id;
} pair;

/* One packages[] item: { pkg: { name: X, secfixes: { ver: [ids] } } }. 0; 1 when it
 * is malformed (the caller counts the file as malformed and keeps what it read); or a
 * negative VIGIL_E* code that ends the update. skip()'s -1 is never passed on: it is
 * VIGIL_ENOMEM's value: an unterminated or too deeply nested item that is not a mapping
 * ended the whole update with "cannot be read". */
static int item(vigil_vdb_build *b, sp *s, const char *member, const char *eco)
{
	vigil_vec pairs = VIGIL_VEC_INIT(pair);
	char name[256] = "";
	int error = 0;
	if (s->ev.type != YAML_MAPPING_START_EVENT)
		return skip(s) < 0 ? 1 : 0;
	while (next(s) == 0 && s->ev.type != YAML_MAPPING_END_EVENT) {
		/* decide on the key before next() frees its event */
		int is_pkg = scalar(s) && strcmp(scalar(s), "pkg") == 0;
		if (next(s) < 0)
			goto bad;
		if (!is_pkg || s->ev.type != YAML_MAPPING_START_EVENT) {
			if (skip(s) < 0)
				goto bad;
			continue;
		}
		while (next(s) == 0 && s->ev.type != YAML_MAPPING_END_EVENT) {
			const char *pk = scalar(s);
			int is_name = pk && strcmp(pk, "name") == 0;
			int is_fix = pk && strcmp(pk, "secfixes") == 0;
			if (next(s) < 0)
				goto bad;
			if (is_name && scalar(s)) {
				snprintf(name, sizeof(name), "%s", scalar(s));
			} else if (is_fix && s->ev.type == YAML_MAPPING_START_EVENT) {
				while (next(s) == 0 && s->ev.type != YAML_MAPPING_END_EVENT) {
					char fixed[128];
					if (!scalar(s))
						goto bad;
					snprintf(fixed, sizeof(fixed), "%s", scalar(s));
					if (next(s) < 0)
						goto bad;
					if (s->ev.type == YAML_SCALAR_EVENT) {
						if (scalar(s)[0])
							vigil_vdb__skipped(b, member,
									   "secfixes entry that is "
									   "not a list");
						continue; /* "ver:" with no ids */
					}
					if (s->ev.type != YAML_SEQUENCE_START_EVENT)
						goto bad;
					while (next(s) == 0 &&
					       s->ev.type != YAML_SEQUENCE_END_EVENT) {
						char id[128];
						if (!scalar(s) ||
						    !pick_id(id, sizeof(id), scalar(s))) {
							vigil_vdb__skipped(
								b, member,
								"secfixes id that is not text");
							if (skip(s) < 0)
								goto bad;
							continue;
						}
						pair *pr = vigil_vec_push(&pairs);
						if (!pr || !(pr->fixed = strdup(fixed)) ||
						    !(pr->id = strdup(id))) {
							error = VIGIL_ENOMEM;
							goto done;
						}
					}
					if (s->bad)
						goto bad;
				}
				if (s->bad)
					goto bad;
			} else if (skip(s) < 0) {
				goto bad;
			}
		}
		if (s->bad)
			goto bad;
	}
	if (s->bad)
		goto bad;
	if (!name[0] && pairs.len) {
		vigil_vdb__skipped(b, member, "package without a name");
		goto done;
	}
	for (size_t i = 0; i < pairs.len && error == 0; i++) {
		pair *pr = &VIGIL_VEC_AT(&pairs, pair, i);
		int64_t v;
		int na = strcmp(pr->fixed, "0") == 0;
		if ((error = vigil_vdb__vuln(b, &v, pr->id, NULL, NULL)) == 0)
			error = vigil_vdb__affected(b, eco, name, v,
						    na ? VIGIL_ST_NOT_AFFECTED : VIGIL_ST_FIXED,
						    na ? NULL : pr->fixed, NULL, NULL);
		vigil_vdb__record(b);
	}
	goto done;
bad:
	error = 1; /* the caller counts the file as malformed */
done:
	for (size_t i = 0; i < pairs.len; i++) {
		free(VIGIL_VEC_AT(&pairs, pair, i).fixed);
		free(VIGIL_VEC_AT(&pairs, pair, i).id);
	}
	vigil_vec_free(&pairs);
	return error;
}

static int want(const char *member)
{
	/* vX.Y/main.yaml, vX.Y/community.yaml, edge/..., and the same as .json */
	const char *slash = strchr(member, '/');
	size_t n = strlen(member);
	return slash && !strchr(slash + 1, '/') &&
	       (member[0] == 'v' || strncmp(member, "edge/", 5) == 0) && strlen(slash) > 5 &&
	       (strcmp(member + n - 5, ".yaml") == 0 || strcmp(member + n - 5, ".json") == 0);
}

/* The JSON form: {"packages": [{"pkg": {"name": X, "secfixes": {ver: [ids]}}}]}. */
static int parse_json(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len,
		      const char *eco)
{
	json_error_t jerr;
	json_t *doc = json_loadb((const char *)data, len, 0, &jerr), *p, *ids;
	const char *fixed;
	size_t i;
	int error = 0;
	if (!json_is_object(doc)) {
		vigil_vdb__skipped(b, member, "malformed JSON");
		json_decref(doc);
		return 0;
	}
	json_array_foreach(json_object_get(doc, "packages"), i, p)
	{
		json_t *pkg = json_object_get(p, "pkg");
		json_t *name = json_object_get(pkg, "name");
		json_t *fixes = json_object_get(pkg, "secfixes");
		if (!json_is_string(name) || !json_string_value(name)[0] ||
		    (fixes && !json_is_object(fixes))) {
			vigil_vdb__skipped(b, member, "package without a name or secfixes");
			continue;
		}
		json_object_foreach(fixes, fixed, ids)
		{
			size_t k;
			json_t *idv;
			int na = strcmp(fixed, "0") == 0;
			if (!json_is_array(ids)) {
				if (!json_is_null(ids))
					vigil_vdb__skipped(b, member,
							   "secfixes entry that is not a list");
				continue;
			}
			json_array_foreach(ids, k, idv)
			{
				char id[128];
				int64_t v;
				if (!json_is_string(idv) ||
				    !pick_id(id, sizeof(id), json_string_value(idv))) {
					vigil_vdb__skipped(b, member,
							   "secfixes id that is not text");
					continue;
				}
				vigil_vdb__record(b);
				if ((error = vigil_vdb__vuln(b, &v, id, NULL, NULL)) < 0 ||
				    (error = vigil_vdb__affected(
					     b, eco, json_string_value(name), v,
					     na ? VIGIL_ST_NOT_AFFECTED : VIGIL_ST_FIXED,
					     na ? NULL : fixed, NULL, NULL)) < 0)
					goto done;
			}
		}
	}
done:
	json_decref(doc);
	return error;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	sp s;
	char eco[64];
	int error = 0;
	const char *slash = strchr(member, '/');
	/* the release comes from the directory: v3.10 -> alpine:3.10, edge -> alpine:edge */
	snprintf(eco, sizeof(eco), "alpine:%.*s", (int)(slash - member) - (member[0] == 'v'),
		 member + (member[0] == 'v'));
	if (strlen(member) > 5 && strcmp(member + strlen(member) - 5, ".json") == 0)
		return parse_json(b, member, data, len, eco);
	memset(&s, 0, sizeof(s));
	if (!yaml_parser_initialize(&s.p))
		return VIGIL_ENOMEM;
	yaml_parser_set_input_string(&s.p, data, len);
	/* stream start, document start, the top mapping */
	while (next(&s) == 0 && s.ev.type != YAML_MAPPING_START_EVENT)
		if (s.ev.type == YAML_STREAM_END_EVENT)
			goto out;
	while (!s.bad && next(&s) == 0 && s.ev.type != YAML_MAPPING_END_EVENT) {
		const char *k = scalar(&s);
		int is_pkgs = k && strcmp(k, "packages") == 0;
		if (next(&s) < 0)
			break;
		if (!is_pkgs || s.ev.type != YAML_SEQUENCE_START_EVENT) {
			if (skip(&s) < 0)
				s.bad = 1;
			continue;
		}
		while (!s.bad && next(&s) == 0 && s.ev.type != YAML_SEQUENCE_END_EVENT) {
			int r = item(b, &s, member, eco);
			if (r < 0) {
				error = r;
				goto out;
			}
			if (r > 0)
				s.bad = 1;
		}
	}
out:
	if (s.bad && error == 0)
		vigil_vdb__skipped(b, member, s.p.problem ? s.p.problem : "not the secdb layout");
	if (s.have)
		yaml_event_delete(&s.ev);
	yaml_parser_delete(&s.p);
	return error;
}

const vigil_feed vigil_feed_alpine_secdb = {
	"alpine-secdb", "https://secdb.alpinelinux.org/", want, parse, 16u << 20,
};
