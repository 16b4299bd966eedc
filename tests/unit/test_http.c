/* test_http.c: routing, language choice, reporter paths and declared JSON fields. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/http.h"

static void h_noop(struct request *r) { (void)r; }

static const struct route table[] = {
	{ M_GET, "/a", h_noop, WHO_PUBLIC, BODY_NONE, NULL, 0 },
	{ M_POST, "/a", h_noop, WHO_PUBLIC, BODY_JSON, NULL, 0 },
	{ M_GET | M_PATCH, "/r/{id}", h_noop, WHO_PUBLIC, BODY_NONE, NULL, 0 },
	{ M_GET, "/r/{id}/files/{fid}", h_noop, WHO_PUBLIC, BODY_NONE, NULL, 0 },
	{ 0, NULL, NULL, 0, BODY_NONE, NULL, 0 },
};

static void test_match_exact_and_method(void **state)
{
	(void)state;
	struct route_match m;
	router_match(table, "/a", M_POST, &m);
	assert_ptr_equal(m.route, &table[1]);
	router_match(table, "/a", M_HEAD, &m);
	assert_ptr_equal(m.route, &table[0]);
	router_match(table, "/a", M_DELETE, &m);
	assert_null(m.route);
	assert_int_equal(m.allowed, M_GET | M_POST);
	char allow[64];
	router_allow(m.allowed, allow, sizeof allow);
	assert_string_equal(allow, "GET, HEAD, POST");
}

static void test_match_params(void **state)
{
	(void)state;
	struct route_match m;
	router_match(table, "/r/abc/files/x9", M_GET, &m);
	assert_ptr_equal(m.route, &table[3]);
	assert_int_equal(m.nparams, 2);
	assert_int_equal(m.params[0].len, 3);
	assert_memory_equal(m.params[0].start, "abc", 3);
	assert_memory_equal(m.params[1].start, "x9", 2);
	router_match(table, "/r/abc", M_PATCH, &m);
	assert_ptr_equal(m.route, &table[2]);
}

static void test_no_match(void **state)
{
	(void)state;
	struct route_match m;
	const char *paths[] = { "/", "/a/", "/ab", "/r/", "/r//files/x", "/r/a/files/", "/r/a/b" };
	for (size_t i = 0; i < sizeof paths / sizeof *paths; i++) {
		router_match(table, paths[i], M_GET, &m);
		assert_null(m.route);
		assert_int_equal(m.allowed, 0);
	}
}

static void test_method_names(void **state)
{
	(void)state;
	assert_int_equal(router_method("GET"), M_GET);
	assert_int_equal(router_method("DELETE"), M_DELETE);
	assert_int_equal(router_method("get"), 0);
	assert_int_equal(router_method("BREW"), 0);
	assert_string_equal(router_method_name(M_PATCH), "PATCH");
	assert_string_equal(router_method_name(0), "OTHER");
}

static void test_pick_lang(void **state)
{
	(void)state;
	assert_int_equal(http_pick_lang(NULL, NULL), LANG_ID);
	assert_int_equal(http_pick_lang("en", NULL), LANG_EN);
	assert_int_equal(http_pick_lang("id", "en"), LANG_ID);
	assert_int_equal(http_pick_lang("xx", NULL), LANG_ID);
	assert_int_equal(http_pick_lang("xx", "en-US,en;q=0.9"), LANG_EN);
	assert_int_equal(http_pick_lang(NULL, "fr-FR, en;q=0.5"), LANG_EN);
	assert_int_equal(http_pick_lang(NULL, "en;q=0, id"), LANG_ID);
	assert_int_equal(http_pick_lang(NULL, "id-ID,id;q=0.9,en;q=0.8"), LANG_ID);
	assert_int_equal(http_pick_lang(NULL, "eng"), LANG_ID);
	assert_int_equal(http_pick_lang(NULL, "de"), LANG_ID);
}

static void test_reporter_paths(void **state)
{
	(void)state;
	assert_true(http_is_reporter_path("/api/v1/reports"));
	assert_true(http_is_reporter_path("/api/v1/reporter/report"));
	assert_true(http_is_reporter_path("/lapor"));
	assert_true(http_is_reporter_path("/lapor/terkirim"));
	assert_true(http_is_reporter_path("/cek"));
	assert_false(http_is_reporter_path("/api/v1/reportsx"));
	assert_false(http_is_reporter_path("/laporan-staf"));
	assert_false(http_is_reporter_path("/api/v1/staff/reports"));
	assert_false(http_is_reporter_path("/"));
}

/* ---- declared fields ---- */

static const struct jfield fields[] = {
	{ "name", J_STRING, true, 1, 5, false },
	{ "flag", J_BOOL, false, 0, 0, false },
	{ "n", J_INT, false, 1, 10, false },
	{ "pw", J_STRING, false, 1, 10, true },
	{ NULL, J_STRING, false, 0, 0, false },
};
static const struct route froute = { M_POST, "/f", h_noop, WHO_PUBLIC, BODY_JSON, fields, 0 };

/* Parses `body` against `fields`; returns 0 or -1 and leaves the reply in *r. */
static int parse(struct request *r, const char *body)
{
	memset(r, 0, sizeof *r);
	r->route = &froute;
	r->json = json_loads(body, 0, NULL);
	return req_parse_fields(r);
}

static void done(struct request *r)
{
	json_decref(r->json);
	for (int i = 0; i < JFIELDS_MAX; i++)
		free(r->owned[i]);
	free(r->reply);
}

/* Asserts the reply is the error `code` naming `field`. */
static void assert_error(struct request *r, unsigned status, const char *code, const char *field)
{
	assert_int_equal(r->status, status);
	json_t *j = json_loads(r->reply, 0, NULL);
	assert_non_null(j);
	assert_string_equal(json_string_value(json_object_get(json_object_get(j, "error"), "code")), code);
	const json_t *f = json_object_get(json_object_get(j, "error"), "field");
	if (field)
		assert_string_equal(json_string_value(f), field);
	else
		assert_null(f);
	json_decref(j);
}

static void test_fields_ok(void **state)
{
	(void)state;
	struct request r;
	assert_int_equal(parse(&r, "{\"name\":\"  é日b \",\"n\":3,\"other\":1}"), 0);
	assert_string_equal(r.in[0].s, "é日b"); /* trimmed; 3 code points */
	assert_true(r.present[0]);
	assert_false(r.present[1]);
	assert_int_equal(r.in[2].i, 3);
	done(&r);
	/* raw strings (passwords) are kept exactly, spaces included */
	assert_int_equal(parse(&r, "{\"name\":\"a\",\"pw\":\" p w \"}"), 0);
	assert_string_equal(r.in[3].s, " p w ");
	done(&r);
}

static void test_fields_errors(void **state)
{
	(void)state;
	struct request r;
	static const struct {
		const char *body, *code, *field;
		unsigned status;
	} cases[] = {
		{ "{}", "missing_field", "name", 400 },
		{ "{\"name\":null}", "missing_field", "name", 400 },
		{ "{\"name\":\"   \"}", "missing_field", "name", 400 },
		{ "{\"name\":5}", "invalid_field", "name", 400 },
		{ "{\"name\":\"abcdef\"}", "invalid_field", "name", 400 },
		{ "{\"name\":\"ab\",\"flag\":\"yes\"}", "invalid_field", "flag", 400 },
		{ "{\"name\":\"ab\",\"n\":11}", "invalid_field", "n", 400 },
		{ "{\"name\":\"ab\",\"n\":1.5}", "invalid_field", "n", 400 },
		{ "[1,2]", "invalid_json", NULL, 400 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		assert_int_equal(parse(&r, cases[i].body), -1);
		assert_error(&r, cases[i].status, cases[i].code, cases[i].field);
		done(&r);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match_exact_and_method),
		cmocka_unit_test(test_match_params),
		cmocka_unit_test(test_no_match),
		cmocka_unit_test(test_method_names),
		cmocka_unit_test(test_pick_lang),
		cmocka_unit_test(test_reporter_paths),
		cmocka_unit_test(test_fields_ok),
		cmocka_unit_test(test_fields_errors),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
