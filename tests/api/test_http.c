/* API tests of the HTTP foundation: health, meta, pages, headers, errors, staff sessions, hostile
 * input, request log, concurrency and shutdown, against a real `peluit serve`. */
#include <ctype.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define PW_ADMIN "Pe1uit-correct-horse-9"
#define PW_OTHER "Pe1uit-another-staple-7"
#define NAME_ADMIN "Rina Wulandari"

static const struct user_spec users[] = {
	{ "admin1", "admin", NAME_ADMIN, PW_ADMIN },
	/* target of the failed-login test, so admin1 never collects failures */
	{ "admin2", "admin", "Budi Santoso", PW_OTHER },
};

static struct server srv;

static const char *const category_codes[] = {
	"korupsi", "gratifikasi", "penyalahgunaan_wewenang", "pengadaan",
	"benturan_kepentingan", "pelanggaran_disiplin", "lainnya",
};

/* ---- helpers ---- */

#define assert_status(r, code)                                                                   \
	do {                                                                                     \
		if ((r)->status != (code))                                                       \
			print_error("HTTP %ld (curl: %s), body: %.600s\n", (r)->status,          \
			            (r)->curl_error, (r)->body ? (r)->body : "");                \
		assert_int_equal((r)->status, (code));                                           \
	} while (0)

static void assert_json_type(const struct response *r)
{
	const char *ct = response_header(r, "Content-Type");
	assert_non_null(ct);
	if (strcasecmp(ct, "application/json; charset=utf-8") != 0)
		print_error("Content-Type: %s\n", ct);
	assert_true(strcasecmp(ct, "application/json; charset=utf-8") == 0);
	if (!r->json)
		print_error("body is not JSON: %.300s\n", r->body);
	assert_non_null(r->json);
}

static void assert_html_type(const struct response *r)
{
	const char *ct = response_header(r, "Content-Type");
	assert_non_null(ct);
	if (strcasecmp(ct, "text/html; charset=utf-8") != 0)
		print_error("Content-Type: %s\n", ct);
	assert_true(strcasecmp(ct, "text/html; charset=utf-8") == 0);
}

/* The error shape of API.md; returns error.message. */
static const char *assert_error(const struct response *r, long status, const char *code)
{
	assert_status(r, status);
	assert_json_type(r);
	assert_true(json_is_object(r->json));
	json_t *e = json_object_get(r->json, "error");
	assert_true(json_is_object(e));
	const char *c = json_string_value(json_object_get(e, "code"));
	assert_non_null(c);
	assert_string_equal(c, code);
	const char *m = json_string_value(json_object_get(e, "message"));
	assert_non_null(m);
	assert_true(strlen(m) > 0);
	return m;
}

static const char *error_field(const struct response *r)
{
	return json_string_value(json_object_get(json_object_get(r->json, "error"), "field"));
}

/* Does the comma-separated header value hold this token (case-insensitive)? */
static bool list_has(const char *list, const char *token)
{
	size_t tl = strlen(token);
	const char *p = list;
	while (p && *p) {
		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		const char *e = p;
		while (*e && *e != ',')
			e++;
		const char *t = e;
		while (t > p && (t[-1] == ' ' || t[-1] == '\t'))
			t--;
		if ((size_t)(t - p) == tl && strncasecmp(p, token, tl) == 0)
			return true;
		p = e;
	}
	return false;
}

static void assert_security_headers(const struct response *r, bool no_store)
{
	const char *csp = response_header(r, "Content-Security-Policy");
	if (!csp)
		print_error("no Content-Security-Policy on HTTP %ld\n", r->status);
	assert_non_null(csp);
	assert_non_null(strstr(csp, "default-src 'none'"));
	assert_non_null(strstr(csp, "frame-ancestors 'none'"));
	/* no inline script (SECURITY.md): script-src must not allow it */
	const char *ss = strstr(csp, "script-src");
	if (ss) {
		const char *end = strchr(ss, ';');
		size_t n = end ? (size_t)(end - ss) : strlen(ss);
		char *dir = strndup(ss, n);
		assert_null(strstr(dir, "'unsafe-inline'"));
		assert_null(strstr(dir, "'unsafe-eval'"));
		free(dir);
	}
	const char *rp = response_header(r, "Referrer-Policy");
	assert_non_null(rp);
	assert_string_equal(rp, "no-referrer");
	const char *xcto = response_header(r, "X-Content-Type-Options");
	assert_non_null(xcto);
	assert_string_equal(xcto, "nosniff");
	const char *pp = response_header(r, "Permissions-Policy");
	assert_non_null(pp);
	assert_true(strlen(pp) > 0);
	if (no_store) {
		const char *cc = response_header(r, "Cache-Control");
		if (!cc || !list_has(cc, "no-store"))
			print_error("Cache-Control: %s on HTTP %ld\n", cc ? cc : "(none)", r->status);
		assert_non_null(cc);
		assert_true(list_has(cc, "no-store"));
	}
}

static void assert_healthy(void)
{
	struct response r;
	http_get(&srv, "/healthz", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
}

static char *login_body(const char *user, const char *pw)
{
	json_t *o = json_pack("{s:s, s:s}", "username", user, "password", pw);
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

/* Logs in; returns the token (malloc'd) and *csrf (malloc'd, optional). */
static char *login(const char *user, const char *pw, char **csrf)
{
	char *tok = staff_login(&srv, user, pw, csrf);
	assert_non_null(tok);
	return tok;
}

/* A POST without a body and without a Content-Type, plus the given headers. */
static void post_empty(const char *path, const char *h1, const char *h2, struct response *out)
{
	const char *hv[4] = { "Content-Type:", h1, h2, NULL };
	struct request rq = { .method = "POST", .path = path, .headers = hv };
	http_do(&srv, &rq, out);
}

static void get_me(const char *auth, const char *cookie, struct response *out)
{
	const char *hv[3] = { auth ? auth : cookie, auth ? cookie : NULL, NULL };
	http_get(&srv, "/api/v1/staff/me", hv[0] ? hv : NULL, out);
}

static char *bearer(const char *token)
{
	return bearer_header(token);
}

static char *header_line(const char *name, const char *value)
{
	char *h;
	if (asprintf(&h, "%s: %s", name, value) < 0)
		return NULL;
	return h;
}

/* The user object <me> of API.md. */
static void assert_me(json_t *u, const char *username, const char *name, const char *role)
{
	assert_true(json_is_object(u));
	json_t *id = json_object_get(u, "id");
	assert_true(json_is_string(id));
	const char *ids = json_string_value(id);
	/* opaque, never a row number */
	assert_true(strlen(ids) >= 8);
	size_t digits = strspn(ids, "0123456789");
	assert_false(digits == strlen(ids) && strtoull(ids, NULL, 10) < 1000000000ULL);
	assert_string_equal(json_string_value(json_object_get(u, "username")), username);
	assert_string_equal(json_string_value(json_object_get(u, "name")), name);
	assert_string_equal(json_string_value(json_object_get(u, "role")), role);
	assert_true(json_is_boolean(json_object_get(u, "confirmed")));
	/* present; null until the account has its key pair */
	json_t *fp = json_object_get(u, "key_fingerprint");
	assert_non_null(fp);
	assert_true(json_is_null(fp) || (json_is_string(fp) && strlen(json_string_value(fp)) > 0));
	assert_true(json_is_false(json_object_get(u, "totp_enabled")));
	const char *k;
	json_t *v;
	json_object_foreach(u, k, v) {
		(void)v;
		assert_null(strcasestr(k, "password"));
		assert_null(strcasestr(k, "secret"));
		assert_null(strcasestr(k, "hash"));
		assert_null(strcasestr(k, "salt"));
	}
}

/* The category label of `code` in a /meta response. */
static const char *category_label(json_t *meta, const char *code)
{
	json_t *cats = json_object_get(meta, "categories");
	size_t i;
	json_t *c;
	json_array_foreach(cats, i, c) {
		const char *cc = json_string_value(json_object_get(c, "code"));
		if (cc && strcmp(cc, code) == 0)
			return json_string_value(json_object_get(c, "label"));
	}
	return NULL;
}

/* ---- setup ---- */

static int group_setup(void **state)
{
	(void)state;
	http_global_init();
	return server_start(&srv, users, sizeof users / sizeof users[0]) == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	int st = server_stop(&srv);
	http_global_cleanup();
	if (st != 0)
		fprintf(stderr, "serve did not shut down gracefully: exit status %d\n", st);
	return st == 0 ? 0 : -1;
}

/* ---- public routes ---- */

static void test_healthz(void **state)
{
	(void)state;
	struct response r;
	http_get(&srv, "/healthz", NULL, &r);
	assert_status(&r, 200);
	assert_json_type(&r);
	assert_true(json_is_object(r.json));
	assert_int_equal(json_object_size(r.json), 1);
	assert_string_equal(json_string_value(json_object_get(r.json, "status")), "ok");
	response_free(&r);
}

static void test_meta(void **state)
{
	(void)state;
	struct response r;
	http_get(&srv, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	assert_json_type(&r);
	assert_security_headers(&r, true);
	json_t *m = r.json;

	json_t *cats = json_object_get(m, "categories");
	assert_true(json_is_array(cats));
	assert_int_equal(json_array_size(cats), 7);
	for (size_t i = 0; i < 7; i++) {
		json_t *c = json_array_get(cats, i);
		assert_string_equal(json_string_value(json_object_get(c, "code")), category_codes[i]);
		const char *label = json_string_value(json_object_get(c, "label"));
		assert_non_null(label);
		assert_true(strlen(label) > 0);
	}
	assert_string_equal(category_label(m, "korupsi"), "Korupsi");

	json_t *kec = json_object_get(m, "kecamatan");
	assert_true(json_is_array(kec));
	assert_int_equal(json_array_size(kec), 13);
	size_t total = 0, i;
	json_t *k;
	bool found_tangerang = false, found_sukarasa = false;
	json_array_foreach(kec, i, k) {
		const char *code = json_string_value(json_object_get(k, "code"));
		const char *name = json_string_value(json_object_get(k, "name"));
		assert_non_null(code);
		assert_non_null(name);
		assert_true(strlen(code) > 0 && strlen(name) > 0);
		json_t *kel = json_object_get(k, "kelurahan");
		assert_true(json_is_array(kel));
		assert_true(json_array_size(kel) > 0);
		size_t j;
		json_t *l;
		json_array_foreach(kel, j, l) {
			const char *lc = json_string_value(json_object_get(l, "code"));
			const char *ln = json_string_value(json_object_get(l, "name"));
			assert_non_null(lc);
			assert_non_null(ln);
			assert_true(strlen(lc) > 0 && strlen(ln) > 0);
			if (strcmp(code, "tangerang") == 0 && strcmp(lc, "tangerang/sukarasa") == 0) {
				assert_string_equal(ln, "Sukarasa");
				found_sukarasa = true;
			}
		}
		total += json_array_size(kel);
		if (strcmp(code, "tangerang") == 0) {
			assert_string_equal(name, "Tangerang");
			found_tangerang = true;
		}
	}
	assert_int_equal(total, 104);
	assert_true(found_tangerang);
	assert_true(found_sukarasa);

	json_t *lim = json_object_get(m, "limits");
	assert_true(json_is_object(lim));
	assert_true(json_is_integer(json_object_get(lim, "max_files")));
	assert_int_equal(json_integer_value(json_object_get(lim, "max_files")), 10);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_file_bytes")), 104857600);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_message_chars")), 20000);
	json_t *types = json_object_get(lim, "accepted_types");
	assert_true(json_is_array(types));
	assert_true(json_array_size(types) > 0);
	json_t *t;
	json_array_foreach(types, i, t) {
		assert_true(json_is_string(t));
		assert_non_null(strchr(json_string_value(t), '/'));
	}

	json_t *rec = json_object_get(m, "recipients");
	assert_true(json_is_array(rec));
	assert_int_equal(json_array_size(rec), 0);

	json_t *langs = json_object_get(m, "languages");
	assert_true(json_is_array(langs));
	assert_int_equal(json_array_size(langs), 2);
	assert_string_equal(json_string_value(json_array_get(langs, 0)), "id");
	assert_string_equal(json_string_value(json_array_get(langs, 1)), "en");

	/* no confirmed reader yet */
	assert_true(json_is_false(json_object_get(m, "accepting")));
	response_free(&r);
}

static void expect_korupsi_label(const char *path, const char *accept_language, const char *want)
{
	char *h = accept_language ? header_line("Accept-Language", accept_language) : NULL;
	const char *hv[2] = { h, NULL };
	struct response r;
	http_get(&srv, path, h ? hv : NULL, &r);
	assert_status(&r, 200);
	assert_json_type(&r);
	const char *label = category_label(r.json, "korupsi");
	if (!label || strcmp(label, want) != 0)
		print_error("%s (Accept-Language: %s)\n", path, accept_language ? accept_language : "-");
	assert_non_null(label);
	assert_string_equal(label, want);
	response_free(&r);
	free(h);
}

static void test_meta_language(void **state)
{
	(void)state;
	expect_korupsi_label("/api/v1/meta", NULL, "Korupsi");
	expect_korupsi_label("/api/v1/meta?lang=id", NULL, "Korupsi");
	expect_korupsi_label("/api/v1/meta?lang=en", NULL, "Corruption");
	expect_korupsi_label("/api/v1/meta", "en-US,en;q=0.9", "Corruption");
	/* ?lang wins over Accept-Language */
	expect_korupsi_label("/api/v1/meta?lang=id", "en-US,en;q=0.9", "Korupsi");
	expect_korupsi_label("/api/v1/meta?lang=xx", NULL, "Korupsi");
}

static void expect_page_lang(const char *path, const char *accept_language, const char *lang)
{
	char *h = accept_language ? header_line("Accept-Language", accept_language) : NULL;
	const char *hv[2] = { h, NULL };
	struct response r;
	http_get(&srv, path, h ? hv : NULL, &r);
	assert_status(&r, 200);
	assert_html_type(&r);
	assert_security_headers(&r, true);
	char want[32];
	snprintf(want, sizeof want, "<html lang=\"%s\"", lang);
	if (!strstr(r.body, want))
		print_error("%s (Accept-Language: %s): no %s in %.300s\n", path,
		            accept_language ? accept_language : "-", want, r.body);
	assert_non_null(strstr(r.body, want));
	response_free(&r);
	free(h);
}

static void test_home_page_language(void **state)
{
	(void)state;
	expect_page_lang("/", NULL, "id");
	expect_page_lang("/?lang=en", NULL, "en");
	expect_page_lang("/", "en", "en");
	expect_page_lang("/", "en-US,en;q=0.9", "en");
	expect_page_lang("/?lang=xx", NULL, "id");
	expect_page_lang("/?lang=id", "en", "id");
}

static void test_unknown_page(void **state)
{
	(void)state;
	struct response r;
	http_get(&srv, "/nope", NULL, &r);
	assert_status(&r, 404);
	assert_html_type(&r);
	assert_security_headers(&r, true);
	assert_non_null(strstr(r.body, "<html"));
	response_free(&r);
}

static void test_unknown_api_route_and_error_language(void **state)
{
	(void)state;
	struct response id, en, al;
	http_get(&srv, "/api/v1/nope", NULL, &id);
	const char *mid = assert_error(&id, 404, "not_found");
	assert_security_headers(&id, true);
	http_get(&srv, "/api/v1/nope?lang=en", NULL, &en);
	const char *men = assert_error(&en, 404, "not_found");
	const char *hv[] = { "Accept-Language: en-US,en;q=0.9", NULL };
	http_get(&srv, "/api/v1/nope", hv, &al);
	const char *mal = assert_error(&al, 404, "not_found");
	/* the message is in the request's language */
	assert_string_not_equal(mid, men);
	assert_string_equal(men, mal);
	response_free(&id);
	response_free(&en);
	response_free(&al);
}

static void test_method_not_allowed(void **state)
{
	(void)state;
	struct response r;
	struct request rq = { .method = "DELETE", .path = "/api/v1/meta" };
	http_do(&srv, &rq, &r);
	assert_error(&r, 405, "method_not_allowed");
	assert_security_headers(&r, true);
	const char *allow = response_header(&r, "Allow");
	assert_non_null(allow);
	if (!list_has(allow, "GET") || !list_has(allow, "HEAD"))
		print_error("Allow: %s\n", allow);
	assert_true(list_has(allow, "GET"));
	assert_true(list_has(allow, "HEAD"));
	assert_false(list_has(allow, "DELETE"));
	response_free(&r);

	post_empty("/healthz", NULL, NULL, &r);
	assert_status(&r, 405);
	assert_security_headers(&r, false);
	allow = response_header(&r, "Allow");
	assert_non_null(allow);
	assert_true(list_has(allow, "GET"));
	assert_false(list_has(allow, "POST"));
	response_free(&r);

	/* a GET-only API route refuses POST too, with the JSON error */
	post_empty("/api/v1/meta", NULL, NULL, &r);
	assert_error(&r, 405, "method_not_allowed");
	assert_non_null(response_header(&r, "Allow"));
	response_free(&r);
}

/* Every kind of response carries the strict headers. */
static void test_security_headers_everywhere(void **state)
{
	(void)state;
	struct {
		const char *method, *path, *body;
		long status;
		bool no_store;
	} cases[] = {
		{ "GET", "/", NULL, 200, true },
		{ "GET", "/?lang=en", NULL, 200, true },
		{ "GET", "/healthz", NULL, 200, false },
		{ "GET", "/api/v1/meta", NULL, 200, true },
		{ "GET", "/api/v1/nope", NULL, 404, true },
		{ "GET", "/nope", NULL, 404, true },
		{ "DELETE", "/api/v1/meta", NULL, 405, true },
		{ "POST", "/healthz", "", 405, false },
		{ "POST", "/api/v1/staff/login", "{\"username\":", 400, true },
		{ "GET", "/api/v1/staff/me", NULL, 401, true },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *hv[] = { "Content-Type: application/json", NULL };
		struct request rq = { .method = cases[i].method, .path = cases[i].path,
		                      .headers = cases[i].body ? hv : NULL, .body = cases[i].body,
		                      .body_len = cases[i].body ? strlen(cases[i].body) : 0 };
		struct response r;
		http_do(&srv, &rq, &r);
		print_message("%s %s -> %ld\n", cases[i].method, cases[i].path, r.status);
		assert_status(&r, cases[i].status);
		assert_security_headers(&r, cases[i].no_store);
		bool healthz = strcmp(cases[i].path, "/healthz") == 0;
		if (strncmp(cases[i].path, "/api/", 5) == 0 || (healthz && r.status == 200))
			assert_json_type(&r);
		else if (!healthz)
			assert_html_type(&r);
		response_free(&r);
	}
}

/* ---- staff sessions ---- */

static void test_login_ok(void **state)
{
	(void)state;
	char *body = login_body("admin1", PW_ADMIN);
	struct response r;
	http_post(&srv, "/api/v1/staff/login", NULL, body, &r);
	free(body);
	assert_status(&r, 200);
	assert_json_type(&r);
	assert_security_headers(&r, true);
	const char *token = json_string_value(json_object_get(r.json, "token"));
	const char *csrf = json_string_value(json_object_get(r.json, "csrf"));
	assert_non_null(token);
	assert_non_null(csrf);
	assert_true(strlen(token) >= 40); /* 256 random bits */
	assert_true(strlen(csrf) > 0);
	assert_string_not_equal(token, csrf);
	json_t *user = json_object_get(r.json, "user");
	assert_me(user, "admin1", NAME_ADMIN, "admin");

	/* the cookie carries the same token */
	const char *sc = NULL, *v;
	for (size_t n = 0; (v = response_header_n(&r, "Set-Cookie", n)) != NULL; n++)
		if (strncmp(v, "peluit_staff=", 13) == 0)
			sc = v;
	if (!sc)
		print_error("no Set-Cookie: peluit_staff=…\n");
	assert_non_null(sc);
	char *cookie = strdup(sc);
	char *save = NULL;
	char *first = strtok_r(cookie, ";", &save);
	assert_string_equal(first + 13, token);
	bool httponly = false, samesite = false, path = false;
	for (char *a = strtok_r(NULL, ";", &save); a; a = strtok_r(NULL, ";", &save)) {
		while (*a == ' ')
			a++;
		char *e = a + strlen(a);
		while (e > a && e[-1] == ' ')
			*--e = '\0';
		if (strcasecmp(a, "HttpOnly") == 0)
			httponly = true;
		else if (strcasecmp(a, "SameSite=Strict") == 0)
			samesite = true;
		else if (strcmp(a, "Path=/") == 0 || strcmp(a, "path=/") == 0)
			path = true;
	}
	if (!httponly || !samesite || !path)
		print_error("Set-Cookie: %s\n", sc);
	assert_true(httponly);
	assert_true(samesite);
	assert_true(path);
	free(cookie);

	/* /me answers the same user */
	char *auth = bearer(token);
	struct response me;
	get_me(auth, NULL, &me);
	assert_status(&me, 200);
	assert_json_type(&me);
	assert_security_headers(&me, true);
	assert_me(me.json, "admin1", NAME_ADMIN, "admin");
	assert_string_equal(json_string_value(json_object_get(me.json, "id")),
	                    json_string_value(json_object_get(user, "id")));
	response_free(&me);
	free(auth);
	response_free(&r);
}

static void test_login_failures_same_message(void **state)
{
	(void)state;
	char *b1 = login_body("admin2", "wrong-password-123");
	char *b2 = login_body("nobody-here", "wrong-password-123");
	struct response r1, r2;
	http_post(&srv, "/api/v1/staff/login", NULL, b1, &r1);
	http_post(&srv, "/api/v1/staff/login", NULL, b2, &r2);
	const char *m1 = assert_error(&r1, 401, "unauthenticated");
	const char *m2 = assert_error(&r2, 401, "unauthenticated");
	assert_string_equal(m1, m2);
	assert_null(json_object_get(r1.json, "token"));
	assert_null(json_object_get(r2.json, "token"));
	assert_security_headers(&r1, true);
	response_free(&r1);
	response_free(&r2);
	free(b1);
	free(b2);

	/* the right password still works for that user afterwards */
	char *tok = login("admin2", PW_OTHER, NULL);
	free(tok);
}

static void test_me_requires_session(void **state)
{
	(void)state;
	struct response r;
	get_me(NULL, NULL, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);

	get_me("Authorization: Bearer "
	       "8f3c1e0b5a7d4c2e9b6a1f0d3c5e7a9b8f3c1e0b5a7d4c2e9b6a1f0d3c5e7a9b", NULL, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);

	get_me("Authorization: Bearer not-a-token", NULL, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);

	get_me(NULL, "Cookie: peluit_staff=made-up-token-0123456789abcdef0123456789", &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);

	/* a real token with one character changed */
	char *tok = login("admin1", PW_ADMIN, NULL);
	size_t n = strlen(tok);
	tok[n - 2] = tok[n - 2] == 'A' ? 'B' : 'A';
	char *auth = bearer(tok);
	get_me(auth, NULL, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);
	free(auth);
	free(tok);
}

static void test_logout_bearer(void **state)
{
	(void)state;
	char *tok = login("admin1", PW_ADMIN, NULL);
	char *auth = bearer(tok);
	struct response r;
	get_me(auth, NULL, &r);
	assert_status(&r, 200);
	response_free(&r);

	post_empty("/api/v1/staff/logout", auth, NULL, &r);
	assert_status(&r, 204);
	assert_int_equal(r.body_len, 0);
	assert_security_headers(&r, true);
	response_free(&r);

	get_me(auth, NULL, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);
	free(auth);
	free(tok);
}

static void test_logout_cookie_needs_csrf(void **state)
{
	(void)state;
	char *csrf = NULL;
	char *tok = login("admin1", PW_ADMIN, &csrf);
	char *auth = bearer(tok);
	char *cookie = NULL;
	assert_true(asprintf(&cookie, "Cookie: peluit_staff=%s", tok) > 0);
	char *good = header_line("X-CSRF-Token", csrf);
	struct response r;

	/* a cookie authenticates a read */
	get_me(NULL, cookie, &r);
	assert_status(&r, 200);
	assert_me(r.json, "admin1", NAME_ADMIN, "admin");
	response_free(&r);

	post_empty("/api/v1/staff/logout", cookie, NULL, &r);
	assert_error(&r, 403, "csrf");
	assert_security_headers(&r, true);
	response_free(&r);

	post_empty("/api/v1/staff/logout", cookie, "X-CSRF-Token: wrong-csrf-value-000000", &r);
	assert_error(&r, 403, "csrf");
	response_free(&r);

	/* the refusals did not end the session */
	get_me(auth, NULL, &r);
	assert_status(&r, 200);
	response_free(&r);

	post_empty("/api/v1/staff/logout", cookie, good, &r);
	assert_status(&r, 204);
	response_free(&r);

	get_me(auth, NULL, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);
	get_me(NULL, cookie, &r);
	assert_error(&r, 401, "unauthenticated");
	response_free(&r);

	free(good);
	free(cookie);
	free(auth);
	free(tok);
	free(csrf);
}

/* ---- bad input on the login route ---- */

static void test_login_invalid_json(void **state)
{
	(void)state;
	struct response r;
	http_post(&srv, "/api/v1/staff/login", NULL, "{\"username\":", &r);
	assert_error(&r, 400, "invalid_json");
	assert_security_headers(&r, true);
	response_free(&r);
	assert_healthy();
}

static void test_login_missing_field(void **state)
{
	(void)state;
	struct response r;
	http_post(&srv, "/api/v1/staff/login", NULL, "{\"username\":\"admin1\"}", &r);
	assert_error(&r, 400, "missing_field");
	assert_non_null(error_field(&r));
	assert_string_equal(error_field(&r), "password");
	response_free(&r);
	assert_healthy();
}

static void test_login_invalid_field(void **state)
{
	(void)state;
	struct response r;
	http_post(&srv, "/api/v1/staff/login", NULL,
	          "{\"username\":5,\"password\":\"" PW_ADMIN "\"}", &r);
	assert_error(&r, 400, "invalid_field");
	assert_non_null(error_field(&r));
	assert_string_equal(error_field(&r), "username");
	response_free(&r);
	assert_healthy();
}

static void test_login_unsupported_type(void **state)
{
	(void)state;
	const char *hv[] = { "Content-Type: text/plain", NULL };
	struct response r;
	http_post(&srv, "/api/v1/staff/login", hv,
	          "{\"username\":\"admin1\",\"password\":\"" PW_ADMIN "\"}", &r);
	assert_error(&r, 415, "unsupported_type");
	json_t *acc = json_object_get(json_object_get(r.json, "error"), "accepted");
	assert_true(json_is_array(acc));
	assert_int_equal(json_array_size(acc), 1);
	assert_string_equal(json_string_value(json_array_get(acc, 0)), "application/json");
	assert_null(json_object_get(r.json, "token"));
	response_free(&r);
	assert_healthy();
}

/* The JSON body of a raw response text, or NULL. */
static json_t *raw_json(const char *text)
{
	const char *b = text ? strstr(text, "\r\n\r\n") : NULL;
	return b ? json_loads(b + 4, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
}

static void test_login_declared_too_large(void **state)
{
	(void)state;
	char req[512];
	int n = snprintf(req, sizeof req,
	                 "POST /api/v1/staff/login HTTP/1.1\r\n"
	                 "Host: 127.0.0.1:%d\r\n"
	                 "Content-Type: application/json\r\n"
	                 "Content-Length: 10000000\r\n"
	                 "\r\n", srv.port);
	char *text = NULL;
	double secs = -1;
	int code = raw_request(&srv, req, (size_t)n, 5000, &text, &secs);
	if (code != 413)
		print_error("got %d after %.2f s: %.400s\n", code, secs, text ? text : "");
	assert_int_equal(code, 413);
	/* answered at once, not after waiting for the body */
	assert_true(secs >= 0 && secs < 2.0);
	/* an early error still carries the strict headers */
	const char *hend = strstr(text, "\r\n\r\n");
	assert_non_null(hend);
	char *head = strndup(text, (size_t)(hend - text));
	assert_non_null(strcasestr(head, "\r\nContent-Security-Policy:"));
	assert_non_null(strcasestr(head, "\r\nX-Content-Type-Options: nosniff"));
	assert_non_null(strcasestr(head, "\r\nContent-Type: application/json; charset=utf-8"));
	free(head);
	json_t *j = raw_json(text);
	if (!j)
		print_error("body is not JSON: %.400s\n", text);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")),
	                    "too_large");
	json_decref(j);
	free(text);
	assert_healthy();
}

static void test_login_chunked_too_large(void **state)
{
	(void)state;
	size_t len = 200 * 1024;
	char *body = malloc(len + 1);
	const char *head = "{\"username\":\"";
	const char *tail = "\",\"password\":\"x\"}";
	memcpy(body, head, strlen(head));
	memset(body + strlen(head), 'a', len - strlen(head) - strlen(tail));
	memcpy(body + len - strlen(tail), tail, strlen(tail));
	body[len] = '\0';
	const char *hv[] = { "Content-Type: application/json", NULL };
	struct request rq = { .method = "POST", .path = "/api/v1/staff/login", .headers = hv,
	                      .body = body, .body_len = len, .chunked = true, .timeout_ms = 10000 };
	struct response r;
	http_do(&srv, &rq, &r);
	assert_error(&r, 413, "too_large");
	assert_security_headers(&r, true);
	response_free(&r);
	free(body);
	assert_healthy();
}

static void test_header_too_large(void **state)
{
	(void)state;
	size_t big = 64 * 1024;
	size_t cap = big + 256;
	char *req = malloc(cap);
	int n = snprintf(req, cap, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nX-Big: ", srv.port);
	memset(req + n, 'b', big);
	size_t len = (size_t)n + big;
	memcpy(req + len, "\r\n\r\n", 4);
	len += 4;
	char *text = NULL;
	int code = raw_request(&srv, req, len, 5000, &text, NULL);
	if (code != 431)
		print_error("got %d: %.300s\n", code, text ? text : "");
	assert_int_equal(code, 431);
	free(text);
	free(req);
	assert_healthy();
}

static void test_survives_hostile_input(void **state)
{
	(void)state;
	/* a body declared but never sent, then a half-sent one: neither stalls the server */
	char req[512];
	int n = snprintf(req, sizeof req,
	                 "POST /api/v1/staff/login HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	                 "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"user",
	                 srv.port);
	int code = raw_request(&srv, req, (size_t)n, 300, NULL, NULL);
	(void)code; /* the server may wait for the rest; we hang up */
	double t0 = now_seconds();
	assert_healthy();
	assert_true(now_seconds() - t0 < 1.0);
	struct response r;
	http_get(&srv, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
}

/* ---- concurrency ---- */

#define N_THREADS 32

struct meta_job {
	pthread_barrier_t *barrier;
	long status;
	bool categories;
};

static void *meta_thread(void *arg)
{
	struct meta_job *j = arg;
	pthread_barrier_wait(j->barrier);
	struct response r;
	struct request rq = { .method = "GET", .path = "/api/v1/meta", .timeout_ms = 20000 };
	http_do(&srv, &rq, &r);
	j->status = r.status;
	j->categories = json_array_size(json_object_get(r.json, "categories")) == 7;
	response_free(&r);
	return NULL;
}

static void test_concurrent_meta(void **state)
{
	(void)state;
	pthread_barrier_t barrier;
	pthread_barrier_init(&barrier, NULL, N_THREADS);
	pthread_t th[N_THREADS];
	struct meta_job jobs[N_THREADS];
	for (int i = 0; i < N_THREADS; i++) {
		jobs[i] = (struct meta_job){ .barrier = &barrier };
		assert_int_equal(pthread_create(&th[i], NULL, meta_thread, &jobs[i]), 0);
	}
	for (int i = 0; i < N_THREADS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&barrier);
	int ok = 0;
	for (int i = 0; i < N_THREADS; i++) {
		if (jobs[i].status == 200 && jobs[i].categories)
			ok++;
		else
			print_error("request %d: HTTP %ld\n", i, jobs[i].status);
	}
	assert_int_equal(ok, N_THREADS);
}

struct login_job {
	long status;
	double started, finished;
};

static void *login_thread(void *arg)
{
	struct login_job *j = arg;
	char *body = login_body("admin1", PW_ADMIN);
	struct response r;
	j->started = now_seconds();
	http_post(&srv, "/api/v1/staff/login", NULL, body, &r);
	j->finished = now_seconds();
	j->status = r.status;
	response_free(&r);
	free(body);
	return NULL;
}

static void test_login_does_not_stall_healthz(void **state)
{
	(void)state;
	struct login_job job = { 0 };
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, login_thread, &job), 0);
	struct timespec ts = { 0, 150 * 1000000L }; /* let the login reach Argon2id */
	nanosleep(&ts, NULL);
	struct response r;
	double t0 = now_seconds();
	http_get(&srv, "/healthz", NULL, &r);
	double took = now_seconds() - t0;
	pthread_join(th, NULL);
	print_message("healthz took %.3f s; the login took %.3f s and ended %.3f s after healthz\n",
	              took, job.finished - job.started, job.finished - (t0 + took));
	assert_status(&r, 200);
	response_free(&r);
	assert_int_equal(job.status, 200);
	if (took >= 1.0)
		print_error("/healthz took %.3f s while a login ran\n", took);
	assert_true(took < 1.0);
}

/* ---- request log ---- */

/* Does this log line record a GET of "/" answered 200? */
static bool is_root_get_line(const char *line)
{
	if (!strstr(line, "GET") || !strstr(line, "200"))
		return false;
	char *copy = strdup(line);
	bool found = false;
	char *save = NULL;
	for (char *t = strtok_r(copy, " \t\"'=,[]", &save); t; t = strtok_r(NULL, " \t\"'=,[]", &save))
		if (strcmp(t, "/") == 0 || strncmp(t, "/?", 2) == 0)
			found = true;
	free(copy);
	return found;
}

/* Waits up to 3 s for a log line after `offset` accepted by `pred`. */
static bool wait_log_line(size_t offset, bool (*pred)(const char *))
{
	double deadline = now_seconds() + 3.0;
	do {
		char *log = server_log_since(&srv, offset);
		bool found = false;
		char *save = NULL;
		for (char *l = strtok_r(log, "\n", &save); l && !found; l = strtok_r(NULL, "\n", &save))
			found = pred(l);
		free(log);
		if (found)
			return true;
		struct timespec ts = { 0, 50 * 1000000L };
		nanosleep(&ts, NULL);
	} while (now_seconds() < deadline);
	return false;
}

static bool is_healthz_line(const char *line)
{
	return strstr(line, "/healthz") != NULL;
}

/* Does the line mention 127.0.0.1 other than as the server's own listening address? */
static bool mentions_client_address(const char *line)
{
	char own[32];
	snprintf(own, sizeof own, "127.0.0.1:%d", srv.port);
	for (const char *p = strstr(line, "127.0.0.1"); p; p = strstr(p + 1, "127.0.0.1"))
		if (strncmp(p, own, strlen(own)) != 0 || isdigit((unsigned char)p[strlen(own)]))
			return true;
	return false;
}

static void test_request_log(void **state)
{
	(void)state;
	size_t off = server_log_size(&srv);
	struct response r;
	http_get(&srv, "/?lang=en&q=CANARYxyz123", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	bool logged = wait_log_line(off, is_root_get_line);
	char *log = server_log(&srv);
	assert_non_null(log);
	if (!logged)
		print_error("no request line for GET / 200 in the log:\n%s\n", log);
	assert_true(logged);
	/* query strings are not logged */
	assert_null(strstr(log, "CANARYxyz123"));
	/* nor passwords */
	assert_null(strstr(log, PW_ADMIN));
	assert_null(strstr(log, PW_OTHER));
	/* nor client addresses */
	char *save = NULL;
	for (char *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (mentions_client_address(l))
			print_error("log line with a client address: %s\n", l);
		assert_false(mentions_client_address(l));
	}
	free(log);
}

static void test_reporter_requests_not_logged(void **state)
{
	(void)state;
	size_t off = server_log_size(&srv);
	struct response r;
	http_get(&srv, "/api/v1/reporter/report?x=CANARY2abc", NULL, &r);
	assert_true(r.status > 0);
	response_free(&r);
	http_post(&srv, "/api/v1/reports", NULL,
	          "{\"category\":\"korupsi\",\"message\":\"CANARY3def uang pelicin di kantor\"}", &r);
	assert_true(r.status > 0);
	response_free(&r);
	/* a request that is logged, to know the log has caught up */
	http_get(&srv, "/healthz", NULL, &r);
	response_free(&r);
	wait_log_line(off, is_healthz_line);

	char *log = server_log_since(&srv, off);
	assert_non_null(log);
	char *all = server_log(&srv);
	assert_null(strstr(all, "CANARY2abc"));
	assert_null(strstr(all, "CANARY3def"));
	free(all);
	char *save = NULL;
	for (char *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		bool bad = strcasestr(l, "reporter") || strstr(l, "/api/v1/reports");
		if (bad)
			print_error("reporter request in the log: %s\n", l);
		assert_false(bad);
	}
	free(log);
}

/* ---- shutdown ---- */

static void test_graceful_shutdown(void **state)
{
	(void)state;
	struct server own;
	assert_int_equal(server_start(&own, NULL, 0), 0);
	struct response r;
	http_get(&own, "/healthz", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	http_get(&own, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	char root[sizeof own.root];
	memcpy(root, own.root, sizeof root);
	assert_int_equal(server_stop(&own), 0);
	if (!getenv("PELUIT_KEEP_TMP"))
		assert_int_not_equal(access(root, F_OK), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_healthz),
		cmocka_unit_test(test_meta),
		cmocka_unit_test(test_meta_language),
		cmocka_unit_test(test_home_page_language),
		cmocka_unit_test(test_unknown_page),
		cmocka_unit_test(test_unknown_api_route_and_error_language),
		cmocka_unit_test(test_method_not_allowed),
		cmocka_unit_test(test_security_headers_everywhere),
		cmocka_unit_test(test_login_ok),
		cmocka_unit_test(test_login_failures_same_message),
		cmocka_unit_test(test_me_requires_session),
		cmocka_unit_test(test_logout_bearer),
		cmocka_unit_test(test_logout_cookie_needs_csrf),
		cmocka_unit_test(test_login_invalid_json),
		cmocka_unit_test(test_login_missing_field),
		cmocka_unit_test(test_login_invalid_field),
		cmocka_unit_test(test_login_unsupported_type),
		cmocka_unit_test(test_login_declared_too_large),
		cmocka_unit_test(test_login_chunked_too_large),
		cmocka_unit_test(test_header_too_large),
		cmocka_unit_test(test_survives_hostile_input),
		cmocka_unit_test(test_concurrent_meta),
		cmocka_unit_test(test_login_does_not_stall_healthz),
		cmocka_unit_test(test_request_log),
		cmocka_unit_test(test_reporter_requests_not_logged),
		cmocka_unit_test(test_graceful_shutdown),
	};
	return cmocka_run_group_tests_name("api_http", tests, group_setup, group_teardown);
}
