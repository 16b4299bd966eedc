/* tmpl.c: mustache templates, written here because Debian packages no C mustache library. */
#include "tmpl/tmpl.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Limits keep hostile or mistaken templates and data from exhausting the stack. */
#define MAX_NEST    64 /* sections open at once inside one template */
#define MAX_CTX     64 /* contexts pushed by sections during one render, across partials */
#define MAX_PARTIAL 32 /* partials nested inside each other during one render */
#define NO_TARGET   SIZE_MAX

enum kind { N_TEXT, N_VAR, N_RAW, N_SECTION, N_INVERTED, N_PARTIAL };

/* One compiled tag or run of text. Sections own the nodes that follow them up to `end`, so
 * the tree lives in one flat array and skipping a false section is a jump, not a walk. */
struct node {
	enum kind kind;
	unsigned nseg;   /* name segments; 0 means "." (the top of the context stack) */
	size_t off, len; /* N_TEXT: the slice of the template source */
	size_t end;      /* sections: index one past the last node of the body */
	size_t target;   /* N_PARTIAL: index of the template in the set, or NO_TARGET */
	size_t line;
	char *name;       /* tag name; for names, `path` follows it in the same allocation */
	const char *path; /* the name with each '.' replaced by NUL, for lookups without parsing */
};

struct tmpl {
	char *name;
	char *src;
	size_t srclen;
	struct node *nodes;
	size_t n, cap;
};

struct tmpl_set {
	struct tmpl **t;
	size_t n, cap;
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || errlen == 0)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* ---- growable output ---- */

/* Keeps one spare byte so the buffer can always be NUL-terminated without another check. */
static int buf_reserve(char **buf, size_t *used, size_t *cap, size_t extra)
{
	if (extra > SIZE_MAX - *used - 1)
		return -1;
	size_t need = *used + extra + 1;
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap = ncap > SIZE_MAX / 2 ? need : ncap * 2;
	char *p = realloc(*buf, ncap);
	if (!p)
		return -1;
	*buf = p;
	*cap = ncap;
	return 0;
}

static int buf_put(char **buf, size_t *used, size_t *cap, const char *s, size_t n)
{
	if (buf_reserve(buf, used, cap, n) < 0)
		return -1;
	if (n)
		memcpy(*buf + *used, s, n);
	*used += n;
	(*buf)[*used] = '\0';
	return 0;
}

static const char *entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	case '`': return "&#96;";
	case '=': return "&#61;";
	default: return NULL;
	}
}

int tmpl_escape_html(char **buf, size_t *used, size_t *cap, const char *s, size_t n)
{
	/* Copies runs of safe bytes at once: most text has few specials. */
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		const char *e = entity((unsigned char)s[i]);
		if (!e)
			continue;
		if (buf_put(buf, used, cap, s + run, i - run) < 0 ||
		    buf_put(buf, used, cap, e, strlen(e)) < 0)
			return -1;
		run = i + 1;
	}
	return buf_put(buf, used, cap, s + run, n - run);
}

/* ---- compiling ---- */

struct parser {
	struct tmpl *t;
	const char *src;
	size_t len, pos, line;
	size_t open[MAX_NEST];
	unsigned nopen;
	char *err;
	size_t errlen;
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static void trim(const char **s, size_t *n)
{
	while (*n && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && is_space((*s)[*n - 1]))
		(*n)--;
}

static size_t count_lines(const char *s, size_t n)
{
	size_t c = 0;
	for (const char *p = s; (p = memchr(p, '\n', n - (size_t)(p - s))) != NULL; p++)
		c++;
	return c;
}

static int parse_err(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int parse_err(struct parser *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	set_err(p->err, p->errlen, "%s:%zu: %s", p->t->name, p->line, msg);
	return -1;
}

/* Long names are cut in messages so one bad tag cannot flood the log. */
static int shown(size_t n)
{
	return n > 64 ? 64 : (int)n;
}

/* Names are dot-separated segments of [A-Za-z0-9_-]; partial names may use '.' freely. */
static int check_name(struct parser *p, const char *s, size_t n, int dotted)
{
	if (n == 0)
		return parse_err(p, "empty tag name");
	int ok = 1;
	if (dotted && !(n == 1 && s[0] == '.')) {
		ok = s[0] != '.' && s[n - 1] != '.' && !memmem(s, n, "..", 2);
	}
	for (size_t i = 0; ok && i < n; i++)
		ok = is_name_char(s[i]) || s[i] == '.';
	if (!ok)
		return parse_err(p, "invalid tag name '%.*s'", shown(n), s);
	return 0;
}

static struct node *add_node(struct parser *p, enum kind kind)
{
	struct tmpl *t = p->t;
	if (t->n == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		struct node *nn = realloc(t->nodes, ncap * sizeof *nn);
		if (!nn) {
			parse_err(p, "out of memory");
			return NULL;
		}
		t->nodes = nn;
		t->cap = ncap;
	}
	struct node *n = &t->nodes[t->n++];
	memset(n, 0, sizeof *n);
	n->kind = kind;
	n->line = p->line;
	n->target = NO_TARGET;
	return n;
}

static int set_name(struct parser *p, struct node *n, const char *s, size_t len)
{
	char *m = malloc(2 * (len + 1));
	if (!m)
		return parse_err(p, "out of memory");
	memcpy(m, s, len);
	m[len] = '\0';
	n->name = m;
	if (n->kind == N_PARTIAL || (len == 1 && s[0] == '.'))
		return 0;
	char *path = m + len + 1;
	memcpy(path, m, len + 1);
	n->nseg = 1;
	for (char *c = path; *c; c++) {
		if (*c == '.') {
			*c = '\0';
			n->nseg++;
		}
	}
	n->path = path;
	return 0;
}

static int add_named(struct parser *p, enum kind kind, const char *s, size_t n)
{
	if (check_name(p, s, n, kind != N_PARTIAL) < 0)
		return -1;
	struct node *nd = add_node(p, kind);
	return nd ? set_name(p, nd, s, n) : -1;
}

static int open_section(struct parser *p, enum kind kind, const char *s, size_t n)
{
	if (p->nopen == MAX_NEST)
		return parse_err(p, "sections nested deeper than %d", MAX_NEST);
	if (add_named(p, kind, s, n) < 0)
		return -1;
	p->open[p->nopen++] = p->t->n - 1;
	return 0;
}

static int close_section(struct parser *p, const char *s, size_t n)
{
	if (n == 0)
		return parse_err(p, "empty tag name");
	if (p->nopen == 0)
		return parse_err(p, "'{{/%.*s}}' closes no open section", shown(n), s);
	struct node *o = &p->t->nodes[p->open[p->nopen - 1]];
	if (strlen(o->name) != n || memcmp(o->name, s, n) != 0)
		return parse_err(p, "'{{/%.*s}}' does not close section '%s' opened on line %zu",
		                 shown(n), s, o->name, o->line);
	o->end = p->t->n;
	p->nopen--;
	return 0;
}

/* Dispatches on the sigil of a {{...}} tag whose inner text is s[0..n). */
static int parse_tag(struct parser *p, const char *s, size_t n)
{
	trim(&s, &n);
	char sigil = '\0';
	if (n)
		sigil = s[0];
	if (sigil == '!')
		return 0;
	if (sigil == '=')
		return parse_err(p, "set-delimiter tags are not supported");
	if (sigil && strchr("#^/>&", sigil)) {
		s++;
		n--;
		trim(&s, &n);
	}
	switch (sigil) {
	case '#': return open_section(p, N_SECTION, s, n);
	case '^': return open_section(p, N_INVERTED, s, n);
	case '/': return close_section(p, s, n);
	case '>': return add_named(p, N_PARTIAL, s, n);
	case '&': return add_named(p, N_RAW, s, n);
	default: return add_named(p, N_VAR, s, n);
	}
}

/* Handles the tag starting at "{{" at p->pos and moves past it. */
static int parse_one_tag(struct parser *p)
{
	const char *start = p->src + p->pos;
	size_t rest = p->len - p->pos;
	int triple = rest > 2 && start[2] == '{';
	size_t skip = triple ? 3 : 2;
	const char *close = rest < skip + 2 ? NULL : memmem(start + skip, rest - skip, "}}", 2);
	if (!close)
		return parse_err(p, "unclosed '%s' tag", triple ? "{{{" : "{{");
	size_t inner = (size_t)(close - start) - skip;
	size_t taglen = (size_t)(close - start) + 2;
	int rc;
	if (triple) {
		if (taglen >= rest || start[taglen] != '}')
			return parse_err(p, "'{{{' tag not closed by '}}}'");
		taglen++;
		const char *s = start + skip;
		trim(&s, &inner);
		rc = add_named(p, N_RAW, s, inner);
	} else {
		rc = parse_tag(p, start + skip, inner);
	}
	if (rc == 0) {
		p->line += count_lines(start, taglen);
		p->pos += taglen;
	}
	return rc;
}

static int add_text(struct parser *p, size_t n)
{
	if (n == 0)
		return 0;
	struct node *nd = add_node(p, N_TEXT);
	if (!nd)
		return -1;
	nd->off = p->pos;
	nd->len = n;
	p->line += count_lines(p->src + p->pos, n);
	p->pos += n;
	return 0;
}

static int parse(struct parser *p)
{
	while (p->pos < p->len) {
		const char *o = memmem(p->src + p->pos, p->len - p->pos, "{{", 2);
		size_t text = o ? (size_t)(o - (p->src + p->pos)) : p->len - p->pos;
		if (add_text(p, text) < 0)
			return -1;
		if (o && parse_one_tag(p) < 0)
			return -1;
	}
	if (p->nopen) {
		const struct node *o = &p->t->nodes[p->open[p->nopen - 1]];
		p->line = o->line;
		return parse_err(p, "section '%s' is not closed", o->name);
	}
	return 0;
}

static void tmpl_free(struct tmpl *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		free(t->nodes[i].name);
	free(t->nodes);
	free(t->src);
	free(t->name);
	free(t);
}

static size_t find_tmpl(const struct tmpl_set *set, const char *name)
{
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->t[i]->name, name) == 0)
			return i;
	return NO_TARGET;
}

/* Partials are bound to template indices as templates arrive, so rendering never searches. */
static void link_partials(struct tmpl_set *set, size_t added)
{
	const char *name = set->t[added]->name;
	for (size_t i = 0; i < set->n; i++) {
		struct tmpl *t = set->t[i];
		for (size_t k = 0; k < t->n; k++) {
			struct node *n = &t->nodes[k];
			if (n->kind != N_PARTIAL || n->target != NO_TARGET)
				continue;
			if (i == added)
				n->target = find_tmpl(set, n->name);
			else if (strcmp(n->name, name) == 0)
				n->target = added;
		}
	}
}

static struct tmpl *tmpl_new(const char *name, const char *src, size_t len)
{
	struct tmpl *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	t->name = strdup(name);
	t->src = malloc(len + 1);
	if (!t->name || !t->src) {
		tmpl_free(t);
		return NULL;
	}
	if (len)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	t->srclen = len;
	return t;
}

static int set_append(struct tmpl_set *set, struct tmpl *t)
{
	if (set->n == set->cap) {
		size_t ncap = set->cap ? set->cap * 2 : 16;
		struct tmpl **nt = realloc(set->t, ncap * sizeof *nt);
		if (!nt)
			return -1;
		set->t = nt;
		set->cap = ncap;
	}
	set->t[set->n++] = t;
	return 0;
}

struct tmpl_set *tmpl_set_new(void)
{
	return calloc(1, sizeof(struct tmpl_set));
}

int tmpl_set_add(struct tmpl_set *set, const char *name, const char *src, size_t len, char *err,
                 size_t errlen)
{
	if (!set || !name || (!src && len)) {
		set_err(err, errlen, "tmpl_set_add: invalid arguments");
		return -1;
	}
	if (find_tmpl(set, name) != NO_TARGET) {
		set_err(err, errlen, "%s: template already defined", name);
		return -1;
	}
	struct tmpl *t = tmpl_new(name, src, len);
	if (!t) {
		set_err(err, errlen, "%s: out of memory", name);
		return -1;
	}
	struct parser p = {
		.t = t, .src = t->src, .len = len, .line = 1, .err = err, .errlen = errlen
	};
	if (parse(&p) < 0) {
		tmpl_free(t);
		return -1;
	}
	if (set_append(set, t) < 0) {
		set_err(err, errlen, "%s: out of memory", name);
		tmpl_free(t);
		return -1;
	}
	link_partials(set, set->n - 1);
	return 0;
}

int tmpl_set_check(const struct tmpl_set *set, char *err, size_t errlen)
{
	for (size_t i = 0; set && i < set->n; i++) {
		const struct tmpl *t = set->t[i];
		for (size_t k = 0; k < t->n; k++) {
			const struct node *n = &t->nodes[k];
			if (n->kind == N_PARTIAL && n->target == NO_TARGET) {
				set_err(err, errlen, "%s:%zu: partial '%s' does not exist", t->name,
				        n->line, n->name);
				return -1;
			}
		}
	}
	return 0;
}

void tmpl_set_free(struct tmpl_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		tmpl_free(set->t[i]);
	free(set->t);
	free(set);
}

/* ---- rendering ---- */

/* Everything a render mutates lives here, on the caller's stack, so renders never share. */
struct render {
	const struct tmpl_set *set;
	char *buf;
	size_t used, cap;
	const json_t *ctx[MAX_CTX + 1]; /* the root plus one per open section */
	unsigned depth;
	unsigned partials;
	char *err;
	size_t errlen;
};

static int out(struct render *r, const char *s, size_t n)
{
	if (buf_put(&r->buf, &r->used, &r->cap, s, n) < 0) {
		set_err(r->err, r->errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int out_escaped(struct render *r, const char *s, size_t n)
{
	if (tmpl_escape_html(&r->buf, &r->used, &r->cap, s, n) < 0) {
		set_err(r->err, r->errlen, "out of memory");
		return -1;
	}
	return 0;
}

static const json_t *lookup(const struct render *r, const struct node *n)
{
	if (r->depth == 0)
		return NULL;
	if (n->nseg == 0)
		return r->ctx[r->depth - 1];
	const char *key = n->path;
	const json_t *v = NULL;
	for (unsigned i = r->depth; i-- > 0 && !v;)
		if (json_is_object(r->ctx[i]))
			v = json_object_get(r->ctx[i], key);
	for (unsigned s = 1; v && s < n->nseg; s++) {
		key += strlen(key) + 1;
		v = json_is_object(v) ? json_object_get(v, key) : NULL;
	}
	return v;
}

static int truthy(const json_t *v)
{
	if (!v)
		return 0;
	switch (json_typeof(v)) {
	case JSON_OBJECT: return 1;
	case JSON_ARRAY: return json_array_size(v) > 0;
	case JSON_STRING: return json_string_length(v) > 0;
	case JSON_INTEGER: return json_integer_value(v) != 0;
	case JSON_REAL: return json_real_value(v) != 0.0;
	case JSON_TRUE: return 1;
	default: return 0;
	}
}

/* The shortest of %.15g..%.17g that reads back exactly: 0.1 prints as "0.1", not
 * "0.10000000000000001", and no precision is lost. */
static int format_real(double d, char *s, size_t n)
{
	int len = 0;
	for (int prec = 15; prec <= 17; prec++) {
		len = snprintf(s, n, "%.*g", prec, d);
		if (strtod(s, NULL) == d)
			break;
	}
	return len;
}

static int emit(struct render *r, const json_t *v, int raw)
{
	char num[40];
	int n;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_STRING:
		return raw ? out(r, json_string_value(v), json_string_length(v))
		           : out_escaped(r, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		n = snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
		return out(r, num, (size_t)n);
	case JSON_REAL:
		n = format_real(json_real_value(v), num, sizeof num);
		return out(r, num, (size_t)n);
	case JSON_TRUE: return out(r, "true", 4);
	default: return 0;
	}
}

static int render_range(struct render *r, const struct tmpl *t, size_t from, size_t to);

static int push(struct render *r, const json_t *v, const struct tmpl *t, const struct node *n)
{
	if (r->depth > MAX_CTX) {
		set_err(r->err, r->errlen, "%s:%zu: sections nested deeper than %d contexts",
		        t->name, n->line, MAX_CTX);
		return -1;
	}
	r->ctx[r->depth++] = v;
	return 0;
}

static int render_body(struct render *r, const struct tmpl *t, size_t i, const json_t *v)
{
	const struct node *n = &t->nodes[i];
	if (push(r, v, t, n) < 0)
		return -1;
	int rc = render_range(r, t, i + 1, n->end);
	r->depth--;
	return rc;
}

static int render_section(struct render *r, const struct tmpl *t, size_t i)
{
	const json_t *v = lookup(r, &t->nodes[i]);
	if (!truthy(v))
		return 0;
	if (!json_is_array(v))
		return render_body(r, t, i, v);
	for (size_t k = 0; k < json_array_size(v); k++)
		if (render_body(r, t, i, json_array_get(v, k)) < 0)
			return -1;
	return 0;
}

static int render_partial(struct render *r, const struct tmpl *t, const struct node *n)
{
	if (n->target == NO_TARGET) {
		set_err(r->err, r->errlen, "%s:%zu: partial '%s' does not exist", t->name, n->line,
		        n->name);
		return -1;
	}
	if (r->partials >= MAX_PARTIAL) {
		set_err(r->err, r->errlen, "%s:%zu: partials nested deeper than %d", t->name,
		        n->line, MAX_PARTIAL);
		return -1;
	}
	const struct tmpl *p = r->set->t[n->target];
	r->partials++;
	int rc = render_range(r, p, 0, p->n);
	r->partials--;
	return rc;
}

static int render_node(struct render *r, const struct tmpl *t, size_t i)
{
	const struct node *n = &t->nodes[i];
	switch (n->kind) {
	case N_TEXT: return out(r, t->src + n->off, n->len);
	case N_VAR: return emit(r, lookup(r, n), 0);
	case N_RAW: return emit(r, lookup(r, n), 1);
	case N_SECTION: return render_section(r, t, i);
	case N_INVERTED: return truthy(lookup(r, n)) ? 0 : render_range(r, t, i + 1, n->end);
	case N_PARTIAL: return render_partial(r, t, n);
	}
	return 0;
}

static int render_range(struct render *r, const struct tmpl *t, size_t from, size_t to)
{
	size_t i = from;
	while (i < to) {
		if (render_node(r, t, i) < 0)
			return -1;
		const struct node *n = &t->nodes[i];
		i = (n->kind == N_SECTION || n->kind == N_INVERTED) ? n->end : i + 1;
	}
	return 0;
}

char *tmpl_render(const struct tmpl_set *set, const char *name, const json_t *ctx, size_t *len,
                  char *err, size_t errlen)
{
	size_t idx = set && name ? find_tmpl(set, name) : NO_TARGET;
	if (idx == NO_TARGET) {
		set_err(err, errlen, "unknown template '%s'", name ? name : "(null)");
		return NULL;
	}
	const struct tmpl *t = set->t[idx];
	struct render r = { .set = set, .err = err, .errlen = errlen };
	if (ctx)
		r.ctx[r.depth++] = ctx;
	/* Output is usually about as long as the template; start there to avoid regrowing. */
	if (buf_reserve(&r.buf, &r.used, &r.cap, t->srclen + 256) < 0 ||
	    render_range(&r, t, 0, t->n) < 0) {
		if (!r.buf)
			set_err(err, errlen, "out of memory");
		free(r.buf);
		return NULL;
	}
	r.buf[r.used] = '\0';
	if (len)
		*len = r.used;
	return r.buf;
}
