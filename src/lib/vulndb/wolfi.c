/*
 * Wolfi advisories: <pkg>.advisories.yaml (schema 2.x), package.name and advisories[]
 * with the CGA id, aliases (CVE, GHSA) and timestamped events. Only the latest event
 * (by timestamp) counts, as in wolfictl's secdb export. Unlike that export, which drops
 * everything but fixed and false-positive, every state is stored: fixed -> fixed
 * (data.fixed-version), false-positive-determination -> not_affected, fix-not-planned
 * -> will_not_fix, pending-upstream-fix -> fix_deferred, detection,
 * true-positive-determination and analysis-not-planned -> unfixed (the matcher reports
 * only what is affected). The primary id is the CVE when there is exactly one, else the
 * GHSA, else the CGA id; the other ids become aliases. Ecosystem "wolfi".
 */
#include <string.h>

#include <yaml.h>

#include "vulndb.h"

static yaml_node_t *node(yaml_document_t *d, int i)
{
	return i ? yaml_document_get_node(d, i) : NULL;
}

static const char *scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The value of `key` in a mapping node, or NULL. */
static yaml_node_t *get(yaml_document_t *d, yaml_node_t *map, const char *key)
{
	if (!map || map->type != YAML_MAPPING_NODE)
		return NULL;
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = scalar(node(d, p->key));
		if (k && strcmp(k, key) == 0)
			return node(d, p->value);
	}
	return NULL;
}

static size_t seq_len(yaml_node_t *n)
{
	return n && n->type == YAML_SEQUENCE_NODE
		       ? (size_t)(n->data.sequence.items.top - n->data.sequence.items.start)
		       : 0;
}

static yaml_node_t *seq_at(yaml_document_t *d, yaml_node_t *n, size_t i)
{
	return node(d, n->data.sequence.items.start[i]);
}

/* The status of an event type, or NULL when unknown. */
static const char *event_status(const char *type)
{
	static const char *const MAP[][2] = {
		{"fixed", VIGIL_ST_FIXED},
		{"false-positive-determination", VIGIL_ST_NOT_AFFECTED},
		{"fix-not-planned", VIGIL_ST_WILL_NOT_FIX},
		{"pending-upstream-fix", VIGIL_ST_FIX_DEFERRED},
		{"detection", VIGIL_ST_UNFIXED},
		{"true-positive-determination", VIGIL_ST_UNFIXED},
		{"analysis-not-planned", VIGIL_ST_UNFIXED},
	};
	for (size_t i = 0; type && i < VIGIL_ARRAY_LEN(MAP); i++)
		if (strcmp(type, MAP[i][0]) == 0)
			return MAP[i][1];
	return NULL;
}

static int advisory(vigil_vdb_build *b, const char *member, yaml_document_t *d, yaml_node_t *a,
		    const char *pkg)
{
	const char *cga = scalar(get(d, a, "id")), *primary = NULL, *ghsa = NULL, *latest = NULL;
	yaml_node_t *aliases = get(d, a, "aliases"), *events = get(d, a, "events"), *last = NULL;
	int ncve = 0, error;
	int64_t v;
	for (size_t i = 0; i < seq_len(aliases); i++) {
		const char *al = scalar(seq_at(d, aliases, i));
		if (al && strncmp(al, "CVE-", 4) == 0 && ncve++ == 0)
			primary = al;
		else if (al && strncmp(al, "GHSA-", 5) == 0 && !ghsa)
			ghsa = al;
	}
	if (ncve != 1)
		primary = ghsa ? ghsa : cga;
	for (size_t i = 0; i < seq_len(events); i++) {
		yaml_node_t *e = seq_at(d, events, i);
		const char *ts = scalar(get(d, e, "timestamp"));
		if (ts && (!latest || strcmp(ts, latest) >= 0)) {
			latest = ts;
			last = e;
		}
	}
	const char *status = event_status(scalar(get(d, last, "type")));
	const char *fixed = scalar(get(d, get(d, last, "data"), "fixed-version"));
	if (!primary || !status || (strcmp(status, VIGIL_ST_FIXED) == 0 && (!fixed || !fixed[0]))) {
		vigil_vdb__skipped(b, member,
				   !primary  ? "advisory without an id"
				   : !status ? "advisory without a known latest event"
					     : "fixed event without a fixed-version");
		return 0;
	}
	vigil_vdb__record(b);
	if (strcmp(status, VIGIL_ST_FIXED) == 0 && strcmp(fixed, "0") == 0)
		status = VIGIL_ST_NOT_AFFECTED;
	if ((error = vigil_vdb__vuln(b, &v, primary, NULL, NULL)) < 0 ||
	    (error = vigil_vdb__affected(b, "wolfi", pkg, v, status,
					 strcmp(status, VIGIL_ST_FIXED) == 0 ? fixed : NULL, NULL,
					 NULL)) < 0)
		return error;
	if (cga && cga != primary && (error = vigil_vdb__alias(b, v, cga)) < 0)
		return error;
	for (size_t i = 0; i < seq_len(aliases); i++) {
		const char *al = scalar(seq_at(d, aliases, i));
		if (al && al != primary && (error = vigil_vdb__alias(b, v, al)) < 0)
			return error;
	}
	if (latest)
		vigil_vdb__source_date(b, latest);
	return 0;
}

static int want(const char *member)
{
	size_t n = strlen(member);
	return !strchr(member, '/') && n > 16 && strcmp(member + n - 16, ".advisories.yaml") == 0;
}

static int parse(vigil_vdb_build *b, const char *member, const uint8_t *data, size_t len)
{
	yaml_parser_t p;
	yaml_document_t d;
	char pkg[256];
	int error = 0;
	if (!yaml_parser_initialize(&p))
		return VIGIL_ENOMEM;
	yaml_parser_set_input_string(&p, data, len);
	if (!yaml_parser_load(&p, &d)) {
		vigil_vdb__skipped(b, member, p.problem ? p.problem : "malformed YAML");
		yaml_parser_delete(&p);
		return 0;
	}
	yaml_node_t *root = yaml_document_get_root_node(&d);
	const char *name = scalar(get(&d, get(&d, root, "package"), "name"));
	yaml_node_t *advs = get(&d, root, "advisories");
	if (name)
		snprintf(pkg, sizeof(pkg), "%s", name);
	else
		snprintf(pkg, sizeof(pkg), "%.*s", (int)(strlen(member) - 16), member);
	if (!root || (advs && advs->type != YAML_SEQUENCE_NODE))
		vigil_vdb__skipped(b, member, "not the advisories layout");
	for (size_t i = 0; i < seq_len(advs) && error == 0; i++) {
		yaml_node_t *a = seq_at(&d, advs, i);
		if (!a || a->type != YAML_MAPPING_NODE) {
			vigil_vdb__skipped(b, member, "advisory that is not a mapping");
			continue;
		}
		error = advisory(b, member, &d, a, pkg);
	}
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
	return error;
}

const vigil_feed vigil_feed_wolfi = {
	"wolfi-advisories", "https://github.com/wolfi-dev/advisories", want, parse, 16u << 20,
};
