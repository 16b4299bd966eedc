/* request.c: reading a request: query, headers, cookies, language, declared JSON fields. */
#include <microhttpd.h>
#include <sodium.h>
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

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	     : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* Decodes one application/x-www-form-urlencoded component in place; returns its length, or
 * -1 on a bad escape. */
static long form_decode(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			s[o++] = ' ';
		} else if (s[i] != '%') {
			s[o++] = s[i];
		} else {
			int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
			int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
			if (hi < 0 || lo < 0)
				return -1;
			s[o++] = (char)(hi << 4 | lo);
			i += 2;
		}
	}
	return (long)o;
}

json_t *form_parse(const char *body, size_t len)
{
	json_t *obj = json_object();
	char *copy = malloc(len + 1);
	if (!obj || !copy) {
		json_decref(obj);
		free(copy);
		return NULL;
	}
	memcpy(copy, body, len);
	copy[len] = '\0';
	bool ok = true;
	for (char *p = copy, *next; ok && p && *p; p = next) {
		next = strchr(p, '&');
		if (next)
			*next++ = '\0';
		if (!*p)
			continue;
		char *eq = strchr(p, '=');
		char *v = eq ? eq + 1 : p + strlen(p);
		if (eq)
			*eq = '\0';
		long kn = form_decode(p, strlen(p)), vn = form_decode(v, strlen(v));
		json_t *val = kn >= 0 && vn >= 0 ? json_stringn(v, (size_t)vn) : NULL; /* NULL: not UTF-8 */
		if (!val || memchr(p, '\0', (size_t)kn)) {
			json_decref(val);
			ok = false;
			break;
		}
		p[kn] = '\0';
		json_t *have = json_object_get(obj, p);
		if (!have) {
			json_object_set_new(obj, p, val);
		} else if (json_is_array(have)) {
			json_array_append_new(have, val);
		} else {
			json_t *arr = json_pack("[O,o]", have, val);
			json_object_set_new(obj, p, arr);
		}
	}
	sodium_memzero(copy, len); /* may hold a password */
	free(copy);
	if (!ok) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}
