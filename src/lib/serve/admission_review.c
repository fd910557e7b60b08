/*
 * admission_review.c - the AdmissionReview (admission.k8s.io/v1) parser and answer of
 * the admission webhook: which object, which operation, and every container image of
 * its pod spec (Pod and the workload kinds, init and ephemeral containers). Input is
 * hostile: bounded by the request body limit, the value count and the caps in
 * admission.h.
 */
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/admission.h"
#include "util/util.h"

static int fmt_err(char *err, size_t errlen, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int fmt_err(char *err, size_t errlen, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return code;
}

void vigil_serve__adm_review_free(vigil_adm_review *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->ncontainers; i++) {
		free(r->containers[i].name);
		free(r->containers[i].image);
	}
	free(r->containers);
	for (size_t i = 0; i < r->nold_images; i++)
		free(r->old_images[i]);
	free(r->old_images);
	free(r->old_object);
	free(r->uid);
	free(r->kind);
	free(r->name);
	free(r->namespace);
	free(r->operation);
	free(r->user);
	free(r->object);
	free(r);
}

/* A copy of a string member of at most `max` bytes without control characters;
 * "" when missing. NULL when out of memory or (*bad set) when it is not such a string. */
static char *str_of(json_t *v, size_t max, int *bad)
{
	const char *s;
	if (!v || json_is_null(v))
		return strdup("");
	if (!(s = json_string_value(v)) || strlen(s) > max) {
		*bad = 1;
		return NULL;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			*bad = 1;
			return NULL;
		}
	return strdup(s);
}

/* The pod spec of `object` for a kind the webhook checks, or NULL. */
static json_t *pod_spec(json_t *object, const char *kind)
{
	json_t *spec = json_object_get(object, "spec");
	if (!strcmp(kind, "Pod"))
		return spec;
	if (!strcmp(kind, "Deployment") || !strcmp(kind, "StatefulSet") ||
	    !strcmp(kind, "DaemonSet") || !strcmp(kind, "ReplicaSet") || !strcmp(kind, "Job") ||
	    !strcmp(kind, "ReplicationController"))
		return json_object_get(json_object_get(spec, "template"), "spec");
	if (!strcmp(kind, "CronJob"))
		return json_object_get(
			json_object_get(
				json_object_get(json_object_get(spec, "jobTemplate"), "spec"),
				"template"),
			"spec");
	if (!strcmp(kind, "PodTemplate"))
		return json_object_get(json_object_get(object, "template"), "spec");
	return NULL;
}

static int is_workload_kind(const char *kind)
{
	static const char *const KINDS[] = {
		"Pod", "Deployment", "StatefulSet",	      "DaemonSet",  "ReplicaSet",
		"Job", "CronJob",    "ReplicationController", "PodTemplate"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(KINDS); i++)
		if (!strcmp(kind, KINDS[i]))
			return 1;
	return 0;
}

static int add_containers(vigil_adm_review *r, json_t *spec, const char *field, char *err,
			  size_t errlen)
{
	json_t *list = json_object_get(spec, field), *c;
	size_t i;
	if (!list || json_is_null(list))
		return 0;
	if (!json_is_array(list))
		return fmt_err(err, errlen, VIGIL_EFORMAT, "%s is not a list", field);
	json_array_foreach(list, i, c)
	{
		int bad = 0;
		if (r->ncontainers >= VIGIL_ADM_MAX_CONTAINERS)
			return fmt_err(err, errlen, VIGIL_ELIMIT, "more than %d containers",
				       VIGIL_ADM_MAX_CONTAINERS);
		if (!json_is_object(c))
			return fmt_err(err, errlen, VIGIL_EFORMAT, "%s[%zu] is not an object",
				       field, i);
		vigil_adm_container *ct = &r->containers[r->ncontainers];
		ct->field = field;
		ct->name = str_of(json_object_get(c, "name"), 253, &bad);
		ct->image = str_of(json_object_get(c, "image"), VIGIL_ADM_MAX_IMAGE, &bad);
		r->ncontainers++;
		if (bad)
			return fmt_err(err, errlen, VIGIL_EFORMAT,
				       "%s[%zu]: name or image is not a printable string", field,
				       i);
		if (!ct->name || !ct->image)
			return fmt_err(err, errlen, VIGIL_ENOMEM, "out of memory");
	}
	return 0;
}

/* The images of an UPDATE's oldObject (its pod spec as the same kind) and the object
 * as JSON; an oldObject that is missing or not shaped as that kind is left out, so the
 * whole new object is judged. 0 or VIGIL_ENOMEM. */
static int old_object(vigil_adm_review *r, json_t *old)
{
	static const char *const FIELDS[] = {"initContainers", "containers", "ephemeralContainers"};
	json_t *spec = json_is_object(old) ? pod_spec(old, r->kind) : NULL, *c;
	size_t i;
	if (!json_is_object(spec))
		return 0;
	for (size_t f = 0; f < VIGIL_ARRAY_LEN(FIELDS); f++) {
		json_t *list = json_object_get(spec, FIELDS[f]);
		if (list && !json_is_null(list) && !json_is_array(list))
			return 0;
	}
	if (!(r->old_images = calloc(VIGIL_ADM_MAX_CONTAINERS, sizeof(char *))))
		return VIGIL_ENOMEM;
	for (size_t f = 0; f < VIGIL_ARRAY_LEN(FIELDS); f++)
		json_array_foreach(json_object_get(spec, FIELDS[f]), i, c)
		{
			const char *img = json_string_value(json_object_get(c, "image"));
			if (!img || strlen(img) > VIGIL_ADM_MAX_IMAGE ||
			    vigil_serve__adm_old_image(r, img))
				continue;
			if (r->nold_images >= VIGIL_ADM_MAX_CONTAINERS)
				return 0; /* past the cap: the rest count as new */
			if (!(r->old_images[r->nold_images] = strdup(img)))
				return VIGIL_ENOMEM;
			r->nold_images++;
		}
	if (!(r->old_object = json_dumps(old, JSON_COMPACT)))
		return VIGIL_ENOMEM;
	return 0;
}

int vigil_serve__adm_old_image(const vigil_adm_review *r, const char *image)
{
	for (size_t i = 0; i < r->nold_images; i++)
		if (!strcmp(r->old_images[i], image))
			return 1;
	return 0;
}

int vigil_serve__adm_parse(vigil_adm_review **out, const char *body, size_t len, char *err,
			   size_t errlen)
{
	json_error_t je;
	json_t *root = NULL, *req, *object;
	vigil_adm_review *r = NULL;
	int error = 0, bad = 0;

	*out = NULL;
	err[0] = '\0';
	if (vigil_json_values_over(body, len, 100000))
		return fmt_err(err, errlen, VIGIL_ELIMIT,
			       "the AdmissionReview has too many values");
	if (!(root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je))) {
		char t[256];
		vigil_text_escape(t, sizeof(t), je.text);
		error = fmt_err(err, errlen, VIGIL_EFORMAT, "malformed JSON: %s (line %d)", t,
				je.line);
		goto done;
	}
	const char *av = json_string_value(json_object_get(root, "apiVersion"));
	const char *k = json_string_value(json_object_get(root, "kind"));
	if (!json_is_object(root) || !av || strcmp(av, "admission.k8s.io/v1") || !k ||
	    strcmp(k, "AdmissionReview")) {
		error = fmt_err(err, errlen, VIGIL_EFORMAT,
				"not an AdmissionReview of apiVersion admission.k8s.io/v1");
		goto done;
	}
	if (!json_is_object(req = json_object_get(root, "request"))) {
		error = fmt_err(err, errlen, VIGIL_EFORMAT, "the AdmissionReview has no request");
		goto done;
	}
	if (!(r = calloc(1, sizeof(*r)))) {
		error = fmt_err(err, errlen, VIGIL_ENOMEM, "out of memory");
		goto done;
	}
	r->uid = str_of(json_object_get(req, "uid"), 128, &bad);
	if (bad || (r->uid && !r->uid[0])) {
		error = fmt_err(err, errlen, VIGIL_EFORMAT,
				"request.uid must be a non-empty string of at most 128 bytes");
		goto done;
	}
	object = json_object_get(req, "object");
	json_t *meta = json_object_get(object, "metadata");
	json_t *nm = json_object_get(req, "name");
	if (!json_string_length(nm))
		nm = json_object_get(meta, "name");
	if (!json_string_length(nm))
		nm = json_object_get(meta, "generateName");
	r->kind = str_of(json_object_get(json_object_get(req, "kind"), "kind"), 253, &bad);
	r->name = str_of(nm, 253, &bad);
	r->namespace = str_of(json_object_get(req, "namespace"), 253, &bad);
	r->operation = str_of(json_object_get(req, "operation"), 16, &bad);
	r->user = str_of(json_object_get(json_object_get(req, "userInfo"), "username"), 512, &bad);
	json_t *dr = json_object_get(req, "dryRun");
	if (dr && !json_is_boolean(dr) && !json_is_null(dr))
		bad = 1;
	r->dry_run = json_is_true(dr);
	if (bad) {
		error = fmt_err(err, errlen, VIGIL_EFORMAT,
				"request.kind.kind, name, namespace, operation, userInfo or dryRun "
				"has the wrong type or size");
		goto done;
	}
	if (!r->kind || !r->name || !r->namespace || !r->operation || !r->user) {
		error = fmt_err(err, errlen, VIGIL_ENOMEM, "out of memory");
		goto done;
	}
	if (object && !json_is_null(object) && !json_is_object(object)) {
		error = fmt_err(err, errlen, VIGIL_EFORMAT, "request.object is not an object");
		goto done;
	}
	r->workload = is_workload_kind(r->kind) && json_is_object(object);
	if (r->workload) {
		json_t *spec = pod_spec(object, r->kind);
		if (spec && !json_is_object(spec)) {
			error = fmt_err(err, errlen, VIGIL_EFORMAT,
					"the pod spec of the %s is not an object", r->kind);
			goto done;
		}
		if (!(r->containers = calloc(VIGIL_ADM_MAX_CONTAINERS, sizeof(*r->containers)))) {
			error = fmt_err(err, errlen, VIGIL_ENOMEM, "out of memory");
			goto done;
		}
		if (spec &&
		    ((error = add_containers(r, spec, "initContainers", err, errlen)) < 0 ||
		     (error = add_containers(r, spec, "containers", err, errlen)) < 0 ||
		     (error = add_containers(r, spec, "ephemeralContainers", err, errlen)) < 0))
			goto done;
		/* the Kubernetes checks read the object as a manifest of its own */
		if (!(r->object = json_dumps(object, JSON_COMPACT))) {
			error = fmt_err(err, errlen, VIGIL_ENOMEM, "out of memory");
			goto done;
		}
		if (!strcmp(r->operation, "UPDATE") &&
		    (error = old_object(r, json_object_get(req, "oldObject"))) < 0) {
			error = fmt_err(err, errlen, error, "out of memory");
			goto done;
		}
	}
	*out = r;
	r = NULL;
done:
	vigil_serve__adm_review_free(r);
	json_decref(root);
	return error;
}

char *vigil_serve__adm_response(const char *uid, int allowed, const char *message,
				const char *const *warnings)
{
	json_t *resp = json_pack("{s:s, s:b}", "uid", uid ? uid : "", "allowed", allowed);
	json_t *o = NULL;
	char *s = NULL;
	if (!resp)
		return NULL;
	if (!allowed)
		json_object_set_new(resp, "status",
				    json_pack("{s:i, s:s, s:s}", "code", 403, "reason", "Forbidden",
					      "message", message ? message : "denied"));
	if (warnings && warnings[0]) {
		json_t *w = json_array();
		for (size_t i = 0; w && warnings[i]; i++)
			json_array_append_new(w, json_string(warnings[i]));
		json_object_set_new(resp, "warnings", w);
	}
	o = json_pack("{s:s, s:s, s:o}", "apiVersion", "admission.k8s.io/v1", "kind",
		      "AdmissionReview", "response", resp);
	if (o)
		s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}
