/* Arena allocator and growable buffers. */
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct vigil_arena_chunk {
	vigil_arena_chunk *next;
	size_t cap;
	max_align_t data[];
};

#define ARENA_CHUNK 65536

void vigil_arena_init(vigil_arena *a)
{
	memset(a, 0, sizeof(*a));
}

/* Frees every chunk; the arena can be used again afterwards. */
void vigil_arena_clear(vigil_arena *a)
{
	vigil_arena_chunk *c = a->head;
	while (c) {
		vigil_arena_chunk *next = c->next;
		free(c);
		c = next;
	}
	memset(a, 0, sizeof(*a));
}

/* n bytes from the arena, not cleared. */
static void *arena_take(vigil_arena *a, size_t n)
{
	size_t align = sizeof(max_align_t);
	n = (n + align - 1) & ~(align - 1);
	if (n == 0)
		n = align;
	if (!a->head || a->cap - a->used < n) {
		size_t cap = n > ARENA_CHUNK / 4 ? n : ARENA_CHUNK;
		vigil_arena_chunk *c;
		if (cap > SIZE_MAX - sizeof(*c))
			return NULL;
		c = malloc(sizeof(*c) + cap);
		if (!c)
			return NULL;
		c->cap = cap;
		a->total += cap;
		if (a->head && cap != ARENA_CHUNK) {
			/* a big one-off: keep the current head for further small allocations */
			c->next = a->head->next;
			a->head->next = c;
			return c->data;
		}
		c->next = a->head;
		a->head = c;
		a->cap = cap;
		a->used = 0;
	}
	void *p = (char *)a->head->data + a->used;
	a->used += n;
	return p;
}

void *vigil_arena_alloc(vigil_arena *a, size_t n)
{
	size_t align = sizeof(max_align_t), r = (n + align - 1) & ~(align - 1);
	void *p = arena_take(a, n);
	if (p) /* cleared as taken, padding included */
		memset(p, 0, r ? r : align);
	return p;
}

/* Copies are not cleared first: every byte is written (a memset per string was 1.5% of a
 * cached image scan in `vigil serve`, BENCHMARKS.md issue 13). */
char *vigil_arena_strndup(vigil_arena *a, const char *s, size_t n)
{
	char *p = arena_take(a, n + 1);
	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

char *vigil_arena_strdup(vigil_arena *a, const char *s)
{
	return s ? vigil_arena_strndup(a, s, strlen(s)) : NULL;
}

char *vigil_arena_printf(vigil_arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *p = vigil_arena_alloc(a, (size_t)n + 1);
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

int vigil_buf_grow(vigil_buf *b, size_t extra)
{
	if (extra > SIZE_MAX - b->len - 1)
		return VIGIL_ENOMEM;
	size_t need = b->len + extra + 1;
	if (b->limit && need - 1 > b->limit)
		return VIGIL_ELIMIT;
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	uint8_t *p = realloc(b->data, cap);
	if (!p)
		return VIGIL_ENOMEM;
	b->data = p;
	b->cap = cap;
	return 0;
}

int vigil_buf_put(vigil_buf *b, const void *p, size_t n)
{
	int error;
	if ((error = vigil_buf_grow(b, n)) < 0)
		return error;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = 0;
	return 0;
}

int vigil_buf_putc(vigil_buf *b, char c)
{
	return vigil_buf_put(b, &c, 1);
}

int vigil_buf_puts(vigil_buf *b, const char *s)
{
	return vigil_buf_put(b, s, strlen(s));
}

int vigil_buf_printf(vigil_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	int error;
	if (n < 0)
		return VIGIL_EINVAL;
	if ((error = vigil_buf_grow(b, (size_t)n)) < 0)
		return error;
	va_start(ap, fmt);
	vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
	return 0;
}

int vigil_buf_cstr(vigil_buf *b)
{
	int error = vigil_buf_grow(b, 0);
	if (error == 0)
		b->data[b->len] = 0;
	return error;
}

void vigil_buf_free(vigil_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void *vigil_vec_push(vigil_vec *v)
{
	if (v->len == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 16;
		if (cap > SIZE_MAX / v->elem)
			return NULL;
		void *p = realloc(v->data, cap * v->elem);
		if (!p)
			return NULL;
		v->data = p;
		v->cap = cap;
	}
	void *e = (char *)v->data + v->len * v->elem;
	memset(e, 0, v->elem);
	v->len++;
	return e;
}

void vigil_vec_free(vigil_vec *v)
{
	free(v->data);
	v->data = NULL;
	v->len = v->cap = 0;
}

void vigil_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void *vigil_bsearch(const void *key, const void *base, size_t n, size_t size,
		    int (*cmp)(const void *, const void *))
{
	return n ? bsearch(key, base, n, size, cmp) : NULL;
}
