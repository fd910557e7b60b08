/* util/text.c: the one escaping routine for terminal and XML output. */
#include <stdio.h>
#include <stdlib.h>

#include "../test.h"
#include "util/util.h"

/* Renders s through fn into a string (caller frees). */
static char *render(void (*fn)(FILE *, const char *), const char *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (!f)
		return NULL;
	fn(f, s);
	fclose(f);
	return buf;
}

TEST(test_text__controls_c1_bidi_and_invalid_utf8_escaped)
{
	char *r = render(vigil_text_put, "a\x1b[2J\xc2\x9b"
					 "1m\x7f\x07\xe2\x80\xae"
					 "b\xe2\x81\xa6\xff\x9b\xc3\xa9\xe2\x82\xac\n");
	CHECK_STR(r,
		  "a\\x1b[2J\\u009b1m\\x7f\\x07\\u202eb\\u2066\\xff\\x9b\xc3\xa9\xe2\x82\xac\\x0a");
	free(r);
}

TEST(test_text__overlong_and_surrogates_are_invalid)
{
	char *r = render(vigil_text_put, "\xc0\x9b\xed\xa0\x80\xf4\x90\x80\x80\xe2\x80");
	CHECK_STR(r, "\\xc0\\x9b\\xed\\xa0\\x80\\xf4\\x90\\x80\\x80\\xe2\\x80");
	free(r);
}

TEST(test_text__width_counts_escapes_and_cuts)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	CHECK(f);
	CHECK(vigil_text_put_width(f, "\xc3\xa9t\xc3\xa9", 6) == 6);
	CHECK(vigil_text_put_width(f,
				   "ab\x1b"
				   "cdef",
				   6) == 6);
	fclose(f);
	CHECK_STR(buf, "\xc3\xa9t\xc3\xa9   ab~   ");
	free(buf);
}

TEST(test_text__xml_markup_and_forbidden_characters)
{
	char *r = render(vigil_xml_put, "<a href=\"x\">&'\x01\xef\xbf\xbe\xff</a>");
	CHECK_STR(r, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;\\x01\\ufffe\\xff&lt;/a&gt;");
	free(r);
}

TEST(test_text__escape_into_a_buffer_cuts_whole_escapes)
{
	char out[16];
	vigil_text_escape(out, sizeof(out), "key\\\n\x1b[2J");
	CHECK_STR(out, "key\\\\x0a\\x1b[2J");
	/* a rendering that does not fit is left out whole, never cut in the middle */
	vigil_text_escape(out, 8, "abcde\n");
	CHECK_STR(out, "abcde");
	vigil_text_escape(out, sizeof(out), NULL);
	CHECK_STR(out, "");
}
