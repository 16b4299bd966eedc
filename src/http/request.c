/* request.c: reading a request: query, headers, cookies, language, declared JSON fields. */
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"

const char *req_query(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *req_header(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *req_cookie(struct request *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

enum lang http_pick_lang(const char *query_lang, const char *accept_language)
{
	if (query_lang) {
		if (!strcasecmp(query_lang, "en"))
			return LANG_EN;
		if (!strcasecmp(query_lang, "id"))
			return LANG_ID;
	}
	if (!accept_language)
		return LANG_ID;
	/* The first of id/en in the header, honouring q=0 ("not acceptable"). */
	const char *p = accept_language;
	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		size_t n = strcspn(p, ",");
		const char *item = p;
		size_t tag = strcspn(item, ";,");
		bool refused = false;
		const char *q = memchr(item, ';', n);
		if (q) {
			const char *qv = strstr(q, "q=");
			refused = qv && qv < item + n && strtod(qv + 2, NULL) <= 0.0;
		}
		if (!refused && tag >= 2) {
			if (!strncasecmp(item, "id", 2) && (tag == 2 || item[2] == '-'))
				return LANG_ID;
			if (!strncasecmp(item, "en", 2) && (tag == 2 || item[2] == '-'))
				return LANG_EN;
		}
		p = item + n;
	}
	return LANG_ID;
}

bool http_is_reporter_path(const char *path)
{
	static const char *const prefixes[] = { "/api/v1/reports", "/api/v1/reporter/", "/lapor",
	                                        "/cek" };
	for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
		size_t n = strlen(prefixes[i]);
		if (!strncmp(path, prefixes[i], n) &&
		    (prefixes[i][n - 1] == '/' || path[n] == '\0' || path[n] == '/'))
			return true;
	}
	return false;
}

/* Code points of a valid UTF-8 string (jansson guarantees validity). */
static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	return c;
}

/* A request-owned copy of a string value, trimmed unless `raw`. */
static const char *owned_copy(struct request *r, int slot, const char *s, size_t *len, bool raw)
{
	size_t n = *len;
	while (!raw && n && strchr(" \t\r\n", *s)) {
		s++;
		n--;
	}
	while (!raw && n && strchr(" \t\r\n", s[n - 1]))
		n--;
	char *copy = malloc(n + 1);
	if (!copy)
		return NULL;
	memcpy(copy, s, n);
	copy[n] = '\0';
	r->owned[slot] = copy;
	*len = n;
	return copy;
}

int req_parse_fields(struct request *r)
{
	const struct jfield *f = r->route->fields;
	if (!json_is_object(r->json)) {
		reply_error(r, ERR_INVALID_JSON, NULL);
		return -1;
	}
	for (int i = 0; f && f[i].name && i < JFIELDS_MAX; i++) {
		const json_t *v = json_object_get(r->json, f[i].name);
		if (!v || json_is_null(v)) {
			if (f[i].required) {
				reply_error(r, ERR_MISSING_FIELD, f[i].name);
				return -1;
			}
			continue;
		}
		bool ok = false;
		switch (f[i].type) {
		case J_STRING:
			if (json_is_string(v)) {
				size_t len = json_string_length(v);
				const char *s = owned_copy(r, i, json_string_value(v), &len, f[i].raw);
				if (!s) {
					reply_error(r, ERR_INTERNAL, NULL);
					return -1;
				}
				size_t chars = utf8_chars(s, len);
				if (chars == 0 && f[i].required) {
					reply_error(r, ERR_MISSING_FIELD, f[i].name);
					return -1;
				}
				ok = memchr(s, '\0', len) == NULL && (long long)chars >= f[i].min &&
				     (long long)chars <= f[i].max;
				r->in[i].s = s;
			}
			break;
		case J_BOOL:
			ok = json_is_boolean(v);
			r->in[i].b = json_is_true(v);
			break;
		case J_INT:
			ok = json_is_integer(v) && json_integer_value(v) >= f[i].min &&
			     json_integer_value(v) <= f[i].max;
			r->in[i].i = ok ? json_integer_value(v) : 0;
			break;
		}
		if (!ok) {
			reply_error(r, ERR_INVALID_FIELD, f[i].name);
			return -1;
		}
		r->present[i] = true;
	}
	return 0;
}

/* A whole number in [min, max] from the query, or `def` when absent. -1 when malformed. */
static int query_int(struct request *r, const char *name, int64_t min, int64_t max, int64_t def,
                     int64_t *out)
{
	const char *v = req_query(r, name);
	if (!v) {
		*out = def;
		return 0;
	}
	char *end;
	long long n = strtoll(v, &end, 10);
	if (end == v || *end || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

int req_pagination(struct request *r, int64_t *page, int64_t *per_page)
{
	if (query_int(r, "page", 1, 1000000, 1, page) != 0) {
		reply_error(r, ERR_INVALID_FIELD, "page");
		return -1;
	}
	if (query_int(r, "per_page", 1, 200, 50, per_page) != 0) {
		reply_error(r, ERR_INVALID_FIELD, "per_page");
		return -1;
	}
	return 0;
}
