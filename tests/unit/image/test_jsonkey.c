/* Image metadata keys matched as Go's encoding/json matches them (jsonkey.c). */
#include "../test.h"
#include "image/image.h"
#include "image/jsonkey.h"

static json_t *doc(const char *s)
{
	json_error_t e;
	return json_loads(s, 0, &e);
}

static int collides(const char *s, const char **a, const char **b)
{
	json_t *j = doc(s);
	int r = j ? vigil_image__json_keys_check(j, a, b) : -100;
	json_decref(j);
	return r;
}

TEST(test_jsonkey__fields_match_in_any_case_and_with_go_folding)
{
	json_t *j = doc("{\"LAYERS\":[1],\"Config\":{},\"layer\\u017f2\":3,"
			"\"Healthchec\\u212a\":4}");
	CHECK(j != NULL);
	CHECK(json_is_array(vigil_image__jget(j, "layers")));
	CHECK(json_is_object(vigil_image__jget(j, "config")));
	CHECK(json_integer_value(vigil_image__jget(j, "layerS2")) == 3);
	CHECK(json_integer_value(vigil_image__jget(j, "Healthcheck")) == 4);
	CHECK(vigil_image__jget(j, "layer") == NULL);
	CHECK(vigil_image__jget(j, "layerss") == NULL);
	json_decref(j);
}

TEST(test_jsonkey__keys_that_fold_together_are_a_collision)
{
	const char *a, *b;
	CHECK(collides("{\"layers\":[],\"Layers\":[]}", &a, &b) == 1);
	CHECK(collides("{\"layers\":[],\"layer\\u017f\":[]}", &a, &b) == 1);
	CHECK(collides("{\"config\":{\"Env\":[],\"ENV\":[]}}", &a, &b) == 1);
	CHECK(collides("{\"m\":[{\"digest\":\"x\",\"Digest\":\"y\"}]}", &a, &b) == 1);
	CHECK(collides("{\"stop\\u212a\":1,\"STOPK\":2}", &a, &b) == 1);
}

TEST(test_jsonkey__map_keys_and_distinct_fields_are_no_collision)
{
	const char *a, *b;
	CHECK(collides("{\"config\":{\"Labels\":{\"a\":\"1\",\"A\":\"2\"}}}", &a, &b) == 0);
	CHECK(collides("{\"annotations\":{\"x\":\"1\",\"X\":\"2\"}}", &a, &b) == 0);
	CHECK(collides("{\"layers\":[],\"config\":{},\"size\":1}", &a, &b) == 0);
	/* other non-ASCII letters fold to no ASCII field name: not a collision here */
	CHECK(collides("{\"\\u00e9\":1,\"\\u00c9\":2}", &a, &b) == 0);
}
