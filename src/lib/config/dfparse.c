/*
 * dfparse.c - the Dockerfile parser: physical lines are joined into instructions
 * (escape directive, continuations, comments inside continuations), heredoc bodies are
 * attached to the instruction that opens them, flags and the exec (JSON) form are
 * recognised, and ARG / ENV values are substituted the way BuildKit does for the
 * instructions it expands. Memory is bounded by the input size and the limits in
 * dfparse.h.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config/dfparse.h"

typedef struct line {
	const char *p;
	size_t len;
} line;

typedef struct var {
	const char *name, *value;
} var;

typedef struct parser {
	vigil_df *df;
	vigil_ctx *ctx;
	line *lines;
	size_t nlines;
	vigil_vec meta;	 /* var: ARGs before the first FROM */
	vigil_vec vars;	 /* var: ARG and ENV of the current stage */
	size_t expanded; /* bytes of all expanded values so far */
} parser;

static bool is_blank(const line *l)
{
	for (size_t i = 0; i < l->len; i++)
		if (!isspace((unsigned char)l->p[i]))
			return false;
	return true;
}

static bool is_comment(const line *l)
{
	size_t i = 0;
	while (i < l->len && isspace((unsigned char)l->p[i]))
		i++;
	return i < l->len && l->p[i] == '#';
}

/* Splits the input into physical lines (LF or CRLF). */
static int split_lines(parser *ps, const char *buf, size_t len)
{
	size_t n = 1, k = 0, start = 0;
	for (size_t i = 0; i < len; i++)
		n += buf[i] == '\n';
	if (!(ps->lines = calloc(n, sizeof(*ps->lines))))
		return VIGIL_ENOMEM;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && buf[i] != '\n')
			continue;
		size_t e = i;
		if (e > start && buf[e - 1] == '\r')
			e--;
		ps->lines[k].p = buf + start;
		ps->lines[k].len = e - start;
		k++;
		start = i + 1;
	}
	if (k && len && buf[len - 1] == '\n')
		k--; /* no empty line after the final newline */
	ps->nlines = k;
	return 0;
}

/* Reads parser directives (`# escape=`` `, `# syntax=...`) at the top; returns the
 * index of the first line after them. */
static size_t directives(parser *ps)
{
	size_t i = 0;
	for (; i < ps->nlines; i++) {
		const line *l = &ps->lines[i];
		size_t p = 0, ks, ke;
		while (p < l->len && (l->p[p] == ' ' || l->p[p] == '\t'))
			p++;
		if (p >= l->len || l->p[p] != '#')
			break;
		p++;
		while (p < l->len && (l->p[p] == ' ' || l->p[p] == '\t'))
			p++;
		ks = p;
		while (p < l->len && (isalnum((unsigned char)l->p[p]) || l->p[p] == '_'))
			p++;
		ke = p;
		while (p < l->len && (l->p[p] == ' ' || l->p[p] == '\t'))
			p++;
		if (ke == ks || p >= l->len || l->p[p] != '=')
			break;
		p++;
		while (p < l->len && (l->p[p] == ' ' || l->p[p] == '\t'))
			p++;
		if (ke - ks == 6 && strncasecmp(l->p + ks, "escape", 6) == 0 && p < l->len &&
		    (l->p[p] == '`' || l->p[p] == '\\'))
			ps->df->escape = l->p[p];
	}
	return i;
}

/* Length of `l` without trailing blanks. */
static size_t rtrim_len(const line *l)
{
	size_t n = l->len;
	while (n && (l->p[n - 1] == ' ' || l->p[n - 1] == '\t'))
		n--;
	return n;
}

static const char *skip_ws(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

static const char *lookup(const vigil_vec *v, const char *name, size_t n)
{
	for (size_t i = v->len; i-- > 0;) {
		const var *x = &VIGIL_VEC_AT(v, var, i);
		if (strlen(x->name) == n && strncmp(x->name, name, n) == 0)
			return x->value;
	}
	return NULL;
}

static int expand_into(parser *ps, const vigil_vec *scope, const char *s, size_t n, vigil_buf *out,
		       int depth);

/* Writes an unresolved `${...}` back as written. */
static int unresolved(vigil_buf *out, const char *s, size_t n)
{
	int error;
	if ((error = vigil_buf_puts(out, "${")) < 0 || (error = vigil_buf_put(out, s, n)) < 0)
		return error;
	return vigil_buf_putc(out, '}');
}

/* Expands `${...}` whose inside is s[0..n): name, then :-, :+, - or + and a word. */
static int expand_braced(parser *ps, const vigil_vec *scope, const char *s, size_t n,
			 vigil_buf *out, int depth)
{
	size_t k = 0;
	const char *val;
	while (k < n && (isalnum((unsigned char)s[k]) || s[k] == '_'))
		k++;
	val = lookup(scope, s, k);
	/* an unresolved variable stays as written, so checks see "${NAME}" and skip the
	 * value instead of judging an empty string */
	if (k == n || (s[k] != ':' && s[k] != '-' && s[k] != '+') ||
	    (s[k] == ':' && (k + 1 >= n || (s[k + 1] != '-' && s[k + 1] != '+'))))
		return val ? vigil_buf_puts(out, val) : unresolved(out, s, n);
	bool colon = s[k] == ':';
	size_t op = k + colon;
	bool set = val && (!colon || *val);
	const char *word = s + op + 1;
	size_t wn = n - op - 1;
	if (s[op] == '-')
		return set ? vigil_buf_puts(out, val)
			   : expand_into(ps, scope, word, wn, out, depth + 1);
	return set ? expand_into(ps, scope, word, wn, out, depth + 1) : 0;
}

/* Substitutes $VAR, ${VAR} and ${VAR:-x} / ${VAR:+x} of s[0..n) into out; single
 * quotes protect, the escape character makes the next character literal. The buffer's
 * limit bounds the result. */
static int expand_into(parser *ps, const vigil_vec *scope, const char *s, size_t n, vigil_buf *out,
		       int depth)
{
	bool squote = false;
	int error = 0;
	char esc = ps->df->escape;
	if (depth > 8)
		return vigil_buf_put(out, s, n);
	for (size_t i = 0; i < n && error >= 0; i++) {
		char c = s[i];
		if (c == '\'') {
			squote = !squote;
			error = vigil_buf_putc(out, c);
		} else if (c == esc && !squote && i + 1 < n && s[i + 1] == '$') {
			error = vigil_buf_putc(out, '$');
			i++;
		} else if (c == '$' && !squote && i + 1 < n && s[i + 1] == '{') {
			size_t j = i + 2, level = 1;
			for (; j < n; j++) {
				if (s[j] == '{')
					level++;
				else if (s[j] == '}' && --level == 0)
					break;
			}
			if (j >= n) {
				error = vigil_buf_put(out, s + i, n - i);
				break;
			}
			error = expand_braced(ps, scope, s + i + 2, j - i - 2, out, depth);
			i = j;
		} else if (c == '$' && !squote && i + 1 < n &&
			   (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '_')) {
			size_t j = i + 1;
			while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
				j++;
			const char *v = lookup(scope, s + i + 1, j - i - 1);
			error = v ? vigil_buf_puts(out, v) : vigil_buf_put(out, s + i, j - i);
			i = j - 1;
		} else {
			error = vigil_buf_putc(out, c);
		}
	}
	return error;
}

/* Expanded copy of s in the arena; a result past VIGIL_DF_MAX_EXPANDED is cut short. */
static const char *expand(parser *ps, const vigil_vec *scope, const char *s)
{
	vigil_buf b = VIGIL_BUF_INIT;
	const char *r;
	b.limit = VIGIL_DF_MAX_EXPANDED;
	expand_into(ps, scope, s, strlen(s), &b, 0);
	if (vigil_buf_cstr(&b) < 0 && b.len >= b.limit)
		b.len = b.limit - 1;
	ps->expanded += b.len;
	r = ps->expanded > VIGIL_DF_MAX_EXPANDED_TOTAL
		    ? NULL
		    : vigil_arena_strndup(&ps->df->arena, b.data ? (const char *)b.data : "",
					  b.len);
	vigil_buf_free(&b);
	return r;
}

/* Splits s into words: blanks separate, quotes group and are removed, the escape
 * character keeps the next character. */
static int split_words(parser *ps, const char *s, const char ***argv, size_t *argc)
{
	vigil_vec words = VIGIL_VEC_INIT(const char *);
	vigil_buf w = VIGIL_BUF_INIT;
	char esc = ps->df->escape, quote = 0;
	bool inword = false;
	int error = 0;
	for (const char *p = s;; p++) {
		if (!*p || (!quote && (*p == ' ' || *p == '\t' || *p == '\n'))) {
			if (inword) {
				const char **slot = vigil_vec_push(&words);
				if (!slot ||
				    !(*slot = vigil_arena_strndup(
					      &ps->df->arena, w.data ? (const char *)w.data : "",
					      w.len))) {
					error = VIGIL_ENOMEM;
					goto done;
				}
				w.len = 0;
				inword = false;
			}
			if (!*p)
				break;
			continue;
		}
		inword = true;
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '"' || *p == '\''))
			quote = *p;
		else if (*p == esc && quote != '\'' && p[1]) {
			if ((error = vigil_buf_putc(&w, *++p)) < 0)
				goto done;
		} else if ((error = vigil_buf_putc(&w, *p)) < 0)
			goto done;
	}
	*argc = words.len;
	*argv = vigil_arena_alloc(&ps->df->arena, (words.len + 1) * sizeof(char *));
	if (!*argv) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (words.len)
		memcpy(*argv, words.data, words.len * sizeof(char *));
done:
	vigil_vec_free(&words);
	vigil_buf_free(&w);
	return error;
}

/* When args is a JSON array of strings, fills argv and returns true. */
static bool json_form(parser *ps, const char *args, const char ***argv, size_t *argc)
{
	json_t *j;
	size_t n;
	bool ok = false;
	if (*args != '[')
		return false;
	if (!(j = json_loads(args, JSON_REJECT_DUPLICATES, NULL)))
		return false;
	if (json_is_array(j) && (n = json_array_size(j)) < 100000) {
		const char **v = vigil_arena_alloc(&ps->df->arena, (n + 1) * sizeof(char *));
		ok = v != NULL;
		for (size_t i = 0; ok && i < n; i++) {
			json_t *e = json_array_get(j, i);
			ok = json_is_string(e) &&
			     (v[i] = vigil_arena_strdup(&ps->df->arena, json_string_value(e)));
		}
		if (ok) {
			*argv = v;
			*argc = n;
		}
	}
	json_decref(j);
	return ok;
}

static bool cmd_is(const vigil_df_instr *in, const char *name)
{
	return strcmp(in->cmd, name) == 0;
}

/* Instructions whose arguments BuildKit substitutes. */
static bool expands(const char *cmd)
{
	static const char *const names[] = {"ADD",    "ARG",	    "COPY",   "ENV",
					    "EXPOSE", "FROM",	    "LABEL",  "ONBUILD",
					    "USER",   "STOPSIGNAL", "VOLUME", "WORKDIR"};
	for (size_t i = 0; i < VIGIL_ARRAY_LEN(names); i++)
		if (strcmp(cmd, names[i]) == 0)
			return true;
	return false;
}

static int set_var(parser *ps, vigil_vec *scope, const char *name, const char *value)
{
	var *v;
	if (scope->len >= VIGIL_DF_MAX_VARS)
		return vigil_error_set(ps->ctx, VIGIL_ELIMIT, "Dockerfile: too many ARG / ENV");
	if (!(v = vigil_vec_push(scope)))
		return VIGIL_ENOMEM;
	v->name = name;
	v->value = value;
	return 0;
}

/* ARG name[=default] and ENV k=v ... / ENV k v: records the variables. */
static int define_vars(parser *ps, vigil_df_instr *in)
{
	vigil_vec *scope = in->stage < 0 ? &ps->meta : &ps->vars;
	vigil_arena *a = &ps->df->arena;
	int error = 0;
	if (cmd_is(in, "ENV") && in->argc >= 1 && !strchr(in->argv[0], '=')) {
		/* legacy form: ENV key value with spaces */
		const char *rest = skip_ws(in->expanded);
		size_t k = strcspn(rest, " \t");
		const char *name = vigil_arena_strndup(a, rest, k);
		const char *val = vigil_arena_strdup(a, skip_ws(rest + k));
		if (!name || !val)
			return VIGIL_ENOMEM;
		return set_var(ps, scope, name, val);
	}
	for (size_t i = 0; i < in->argc && error >= 0; i++) {
		const char *w = in->argv[i], *eq = strchr(w, '=');
		const char *name = vigil_arena_strndup(a, w, eq ? (size_t)(eq - w) : strlen(w));
		const char *val = eq ? eq + 1 : NULL;
		if (!name)
			return VIGIL_ENOMEM;
		if (!val && cmd_is(in, "ARG"))
			val = in->stage >= 0 ? lookup(&ps->meta, name, strlen(name)) : NULL;
		if (!val && cmd_is(in, "ARG") && lookup(scope, name, strlen(name)))
			continue;
		error = set_var(ps, scope, name, val); /* NULL: declared without a value */
	}
	return error;
}

/* FROM image [AS name]: opens a stage. */
static int open_stage(parser *ps, vigil_df_instr *in)
{
	vigil_df_stage *st;
	if (!(st = vigil_vec_push(&ps->df->stv)))
		return VIGIL_ENOMEM;
	st->image = in->argc ? in->argv[0] : "";
	st->line = in->line;
	st->first = ps->df->insv.len - 1;
	if (in->argc >= 3 && strcasecmp(in->argv[1], "AS") == 0) {
		char *name = vigil_arena_strdup(&ps->df->arena, in->argv[2]);
		if (!name)
			return VIGIL_ENOMEM;
		for (char *p = name; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		st->name = name;
	}
	ps->vars.len = 0;
	return 0;
}

/* Reads the heredoc markers of `text` (<<EOF, <<-EOF, <<"EOF", <<'EOF') and the bodies
 * that follow line *i; advances *i past them. */
static int heredocs(parser *ps, vigil_df_instr *in, const char *text, size_t *i)
{
	const char *delims[VIGIL_DF_MAX_HEREDOCS];
	bool strip[VIGIL_DF_MAX_HEREDOCS];
	size_t n = 0;
	vigil_arena *a = &ps->df->arena;
	for (const char *p = strstr(text, "<<"); p; p = strstr(p, "<<")) {
		const char *q = p + 2, *s;
		bool dash = false;
		char quote = 0;
		if (*q == '<' || (p > text && p[-1] != ' ' && p[-1] != '\t')) {
			/* a here-string <<<, or << inside a word ($((1<<2))): not a heredoc */
			p = q + (*q == '<');
			continue;
		}
		if (*q == '-') {
			dash = true;
			q++;
		}
		if (*q == '"' || *q == '\'')
			quote = *q++;
		s = q;
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '.' || *q == '-')
			q++;
		if (q == s || (quote && *q != quote)) {
			p = q > p + 2 ? q : p + 2;
			continue;
		}
		if (n == VIGIL_DF_MAX_HEREDOCS)
			return vigil_error_set(ps->ctx, VIGIL_ELIMIT,
					       "Dockerfile line %d: too many heredocs", in->line);
		if (!(delims[n] = vigil_arena_strndup(a, s, (size_t)(q - s))))
			return VIGIL_ENOMEM;
		strip[n++] = dash;
		p = q + (quote != 0);
	}
	if (!n)
		return 0;
	if (!(in->heredocs = vigil_arena_alloc(a, n * sizeof(char *))))
		return VIGIL_ENOMEM;
	for (size_t h = 0; h < n; h++) {
		vigil_buf body = VIGIL_BUF_INIT;
		int error = 0;
		while (++*i < ps->nlines && error >= 0) {
			const line *l = &ps->lines[*i];
			const char *lp = l->p;
			size_t ln = l->len;
			if (strip[h])
				while (ln && *lp == '\t')
					lp++, ln--;
			if (ln == strlen(delims[h]) && memcmp(lp, delims[h], ln) == 0)
				break;
			if ((error = vigil_buf_put(&body, lp, ln)) >= 0)
				error = vigil_buf_putc(&body, '\n');
		}
		in->heredocs[h] =
			error < 0 ? NULL
				  : vigil_arena_strndup(a, body.data ? (char *)body.data : "",
							body.len);
		vigil_buf_free(&body);
		if (!in->heredocs[h])
			return error < 0 ? error : VIGIL_ENOMEM;
		in->nheredocs++;
	}
	return 0;
}

/* Fills an instruction from its joined text. */
static int build_instr(parser *ps, vigil_df_instr *in, const char *text, size_t *i)
{
	vigil_arena *a = &ps->df->arena;
	vigil_vec flags = VIGIL_VEC_INIT(const char *);
	const char *p = skip_ws(text), *kw = p;
	char *cmd;
	int error = 0;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	if (!(cmd = vigil_arena_strndup(a, kw, (size_t)(p - kw))))
		return VIGIL_ENOMEM;
	for (char *c = cmd; *c; c++)
		*c = (char)toupper((unsigned char)*c);
	in->cmd = cmd;
	p = skip_ws(p);
	if (!(in->raw = vigil_arena_strdup(a, p)))
		return VIGIL_ENOMEM;
	if (cmd_is(in, "RUN") || cmd_is(in, "COPY") || cmd_is(in, "ADD")) {
		if ((error = heredocs(ps, in, p, i)) < 0)
			return error;
	}
	if (cmd_is(in, "FROM") || cmd_is(in, "COPY") || cmd_is(in, "ADD") || cmd_is(in, "RUN") ||
	    cmd_is(in, "HEALTHCHECK")) {
		while (p[0] == '-' && p[1] == '-') {
			const char *e = p;
			const char **slot;
			while (*e && *e != ' ' && *e != '\t')
				e++;
			if (!(slot = vigil_vec_push(&flags)) ||
			    !(*slot = vigil_arena_strndup(a, p, (size_t)(e - p)))) {
				error = VIGIL_ENOMEM;
				goto done;
			}
			p = skip_ws(e);
		}
	}
	in->nflags = flags.len;
	if (!(in->flags = vigil_arena_alloc(a, (flags.len + 1) * sizeof(char *)))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (flags.len)
		memcpy(in->flags, flags.data, flags.len * sizeof(char *));
	if (!(in->args = vigil_arena_strdup(a, p))) {
		error = VIGIL_ENOMEM;
		goto done;
	}
	if (expands(cmd)) {
		const vigil_vec *scope =
			in->stage < 0 || cmd_is(in, "FROM") ? &ps->meta : &ps->vars;
		if (!(in->expanded = expand(ps, scope, in->args))) {
			error = ps->expanded > VIGIL_DF_MAX_EXPANDED_TOTAL
					? vigil_error_set(ps->ctx, VIGIL_ELIMIT,
							  "Dockerfile line %d: substituted values "
							  "pass %u bytes",
							  in->line, VIGIL_DF_MAX_EXPANDED_TOTAL)
					: VIGIL_ENOMEM;
			goto done;
		}
	} else {
		in->expanded = in->args;
	}
	if (json_form(ps, in->args, &in->argv, &in->argc))
		in->json = true;
	else
		error = split_words(ps, in->expanded, &in->argv, &in->argc);
done:
	vigil_vec_free(&flags);
	return error;
}

/* Joins the physical lines of one instruction starting at *i (continuations, with
 * comment lines inside dropped); leaves *i on its last line. */
static int join(parser *ps, size_t *i, vigil_buf *text)
{
	char esc = ps->df->escape;
	int error;
	text->len = 0;
	for (;;) {
		const line *l = &ps->lines[*i];
		size_t n = rtrim_len(l);
		bool cont = n && l->p[n - 1] == esc;
		if ((error = vigil_buf_put(text, l->p, cont ? n - 1 : l->len)) < 0)
			return error;
		if (!cont)
			break;
		while (*i + 1 < ps->nlines && is_comment(&ps->lines[*i + 1]))
			++*i;
		if (*i + 1 >= ps->nlines)
			break;
		++*i;
		if ((error = vigil_buf_putc(text, ' ')) < 0)
			return error;
	}
	return vigil_buf_cstr(text);
}

int vigil_df__parse(vigil_df **out, vigil_ctx *ctx, const char *buf, size_t len)
{
	parser ps = {0};
	vigil_df *df = NULL;
	vigil_buf text = VIGIL_BUF_INIT;
	int error = 0;
	*out = NULL;
	if (len > VIGIL_DF_MAX_INPUT)
		return vigil_error_set(ctx, VIGIL_ELIMIT, "Dockerfile larger than %u bytes",
				       VIGIL_DF_MAX_INPUT);
	if (!(df = calloc(1, sizeof(*df))))
		return VIGIL_ENOMEM;
	vigil_arena_init(&df->arena);
	df->insv = (vigil_vec)VIGIL_VEC_INIT(vigil_df_instr);
	df->stv = (vigil_vec)VIGIL_VEC_INIT(vigil_df_stage);
	df->escape = '\\';
	ps.df = df;
	ps.ctx = ctx;
	ps.meta = (vigil_vec)VIGIL_VEC_INIT(var);
	ps.vars = (vigil_vec)VIGIL_VEC_INIT(var);
	text.limit = VIGIL_DF_MAX_INPUT + 1;
	if ((error = split_lines(&ps, buf, len)) < 0)
		goto done;
	for (size_t i = directives(&ps); i < ps.nlines; i++) {
		vigil_df_instr *in;
		if (is_blank(&ps.lines[i]) || is_comment(&ps.lines[i]))
			continue;
		if (df->insv.len >= VIGIL_DF_MAX_INSTRUCTIONS) {
			error = vigil_error_set(ctx, VIGIL_ELIMIT,
						"Dockerfile has more than %d instructions",
						VIGIL_DF_MAX_INSTRUCTIONS);
			goto done;
		}
		if (!(in = vigil_vec_push(&df->insv))) {
			error = VIGIL_ENOMEM;
			goto done;
		}
		in->line = (int)i + 1;
		in->stage = (int)df->stv.len - 1;
		if ((error = join(&ps, &i, &text)) < 0 ||
		    (error = build_instr(&ps, in, (const char *)text.data, &i)) < 0)
			goto done;
		if (cmd_is(in, "FROM")) {
			if ((error = open_stage(&ps, in)) < 0)
				goto done;
			in->stage = (int)df->stv.len - 1;
		} else if (cmd_is(in, "ARG") || cmd_is(in, "ENV")) {
			if ((error = define_vars(&ps, in)) < 0)
				goto done;
		}
	}
	df->ins = df->insv.data;
	df->n = df->insv.len;
	df->stages = df->stv.data;
	df->nstages = df->stv.len;
	for (size_t s = 0; s < df->nstages; s++)
		df->stages[s].count = (s + 1 < df->nstages ? df->stages[s + 1].first : df->n) -
				      df->stages[s].first;
	*out = df;
	df = NULL;
done:
	if (error == VIGIL_ENOMEM)
		vigil_error_set(ctx, error, "out of memory parsing a Dockerfile");
	vigil_df__free(df);
	vigil_buf_free(&text);
	vigil_vec_free(&ps.meta);
	vigil_vec_free(&ps.vars);
	free(ps.lines);
	return error;
}

void vigil_df__free(vigil_df *df)
{
	if (!df)
		return;
	vigil_vec_free(&df->insv);
	vigil_vec_free(&df->stv);
	vigil_arena_clear(&df->arena);
	free(df);
}

const char *vigil_df__flag(const vigil_df_instr *in, const char *name)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < in->nflags; i++) {
		const char *f = in->flags[i] + 2;
		if (strncmp(f, name, n) == 0 && f[n] == '=')
			return f + n + 1;
		if (strcmp(f, name) == 0)
			return "";
	}
	return NULL;
}
