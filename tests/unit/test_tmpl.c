/* test_tmpl.c: unit tests for the mustache-style template renderer (src/tmpl). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tmpl/tmpl.h"

/* Compiles `src` as template "t", renders it against the JSON text `data`; NULL on failure. */
static char *render_str(const char *src, const char *data)
{
	char err[256] = "";
	struct tmpl_set *set = tmpl_set_new();
	assert_non_null(set);
	int rc = tmpl_set_add(set, "t", src, strlen(src), err, sizeof err);
	if (rc != 0)
		fail_msg("compile failed: %s", err);
	json_error_t jerr;
	json_t *ctx = json_loads(data, 0, &jerr);
	if (!ctx)
		fail_msg("bad test JSON: %s", jerr.text);
	size_t len = 0;
	char *res = tmpl_render(set, "t", ctx, &len, err, sizeof err);
	if (res)
		assert_int_equal(len, strlen(res));
	json_decref(ctx);
	tmpl_set_free(set);
	return res;
}

static void expect_render(const char *src, const char *data, const char *want)
{
	char *got = render_str(src, data);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

/* Asserts that `src` does not compile and the error carries `where` ("t:LINE:"). */
static void expect_compile_error(const char *src, const char *where)
{
	char err[256] = "";
	struct tmpl_set *set = tmpl_set_new();
	assert_non_null(set);
	assert_int_equal(tmpl_set_add(set, "t", src, strlen(src), err, sizeof err), -1);
	if (strncmp(err, where, strlen(where)) != 0)
		fail_msg("error '%s' does not start with '%s'", err, where);
	/* A failed add must leave the set usable and without the template. */
	assert_null(tmpl_render(set, "t", NULL, NULL, err, sizeof err));
	tmpl_set_free(set);
}

/* ---- escaping, one test per special character ---- */

static void check_escape(const char *ch, const char *entity)
{
	json_t *ctx = json_pack("{s:o}", "x", json_sprintf("a%sb", ch));
	assert_non_null(ctx);
	char *data = json_dumps(ctx, 0);
	assert_non_null(data);
	char want[64], raw[64];
	snprintf(want, sizeof want, "[a%sb]", entity);
	snprintf(raw, sizeof raw, "[a%sb]", ch);
	expect_render("[{{x}}]", data, want);
	expect_render("[{{{x}}}]", data, raw);
	expect_render("[{{& x}}]", data, raw);
	expect_render("[{{&x}}]", data, raw);
	free(data);
	json_decref(ctx);
}

static void test_escape_amp(void **state)
{
	(void)state;
	check_escape("&", "&amp;");
}

static void test_escape_lt(void **state)
{
	(void)state;
	check_escape("<", "&lt;");
}

static void test_escape_gt(void **state)
{
	(void)state;
	check_escape(">", "&gt;");
}

static void test_escape_quot(void **state)
{
	(void)state;
	check_escape("\"", "&quot;");
}

static void test_escape_apos(void **state)
{
	(void)state;
	check_escape("'", "&#39;");
}

static void test_escape_backtick(void **state)
{
	(void)state;
	check_escape("`", "&#96;");
}

static void test_escape_equals(void **state)
{
	(void)state;
	check_escape("=", "&#61;");
}

static void test_escape_all_together(void **state)
{
	(void)state;
	expect_render(
	    "{{x}}", "{\"x\":\"<a href=\\\"x\\\" title='y'>`&`</a>\"}",
	    "&lt;a href&#61;&quot;x&quot; title&#61;&#39;y&#39;&gt;&#96;&amp;&#96;&lt;/a&gt;");
}

static void test_escape_html_direct(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t used = 0, cap = 0;
	assert_int_equal(tmpl_escape_html(&buf, &used, &cap, "", 0), 0);
	assert_int_equal(used, 0);
	/* Enough input to force several doublings. */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(tmpl_escape_html(&buf, &used, &cap, "a<b&", 4), 0);
	assert_int_equal(used, 1000 * strlen("a&lt;b&amp;"));
	assert_true(cap > used);
	for (int i = 0; i < 1000; i++)
		assert_memory_equal(buf + i * 11, "a&lt;b&amp;", 11);
	free(buf);
}

static void test_escape_leaves_text_alone(void **state)
{
	(void)state;
	/* Template text is trusted markup: only substituted values are escaped. */
	expect_render("<p class=\"x\">&amp; {{v}}</p>", "{\"v\":\"ok\"}",
	              "<p class=\"x\">&amp; ok</p>");
}

/* ---- names and lookup ---- */

static void test_dotted_names(void **state)
{
	(void)state;
	const char *data = "{\"a\":{\"b\":{\"c\":\"deep\"},\"s\":\"str\"}}";
	expect_render("{{a.b.c}}|{{ a.s }}|{{a.b.x}}|{{a.s.c}}|{{a.x.y}}", data, "deep|str|||");
	expect_render("{{#a.b}}{{c}}{{/a.b}}", data, "deep");
}

static void test_dot_is_current_context(void **state)
{
	(void)state;
	expect_render("{{#items}}[{{.}}]{{/items}}", "{\"items\":[\"a\",\"<b>\",3,true]}",
	              "[a][&lt;b&gt;][3][true]");
	expect_render("{{#items}}[{{{.}}}]{{/items}}", "{\"items\":[\"<b>\"]}", "[<b>]");
	expect_render("{{#.}}{{x}}{{/.}}", "{\"x\":\"root\"}", "root");
}

static void test_context_stack_lookup(void **state)
{
	(void)state;
	const char *data =
	    "{\"title\":\"T\",\"items\":[{\"name\":\"a\"},{\"name\":\"b\",\"title\":\"own\"}]}";
	expect_render("{{#items}}{{name}}:{{title}};{{/items}}", data, "a:T;b:own;");
}

static void test_dotted_lookup_does_not_fall_back(void **state)
{
	(void)state;
	/* "a.b" binds "a" to the innermost object that has it, even if it lacks "b". */
	const char *data = "{\"a\":{\"b\":\"outer\"},\"in\":{\"a\":{\"c\":1}}}";
	expect_render("{{#in}}[{{a.b}}]{{/in}}", data, "[]");
	expect_render("{{#in}}[{{a.c}}]{{/in}}", data, "[1]");
}

static void test_missing_names(void **state)
{
	(void)state;
	expect_render("a{{nope}}b{{{nope}}}c{{& nope.x}}d", "{}", "abcd");
	expect_render("x{{#nope}}hidden{{/nope}}y", "{}", "xy");
}

static void test_null_context(void **state)
{
	(void)state;
	char err[128];
	struct tmpl_set *set = tmpl_set_new();
	assert_int_equal(tmpl_set_add(set, "t", "a{{x}}{{.}}{{^x}}b{{/x}}", 24, err, sizeof err),
	                 0);
	char *s = tmpl_render(set, "t", NULL, NULL, err, sizeof err);
	assert_non_null(s);
	assert_string_equal(s, "ab");
	free(s);
	tmpl_set_free(set);
}

/* ---- values ---- */

static void test_numbers(void **state)
{
	(void)state;
	expect_render("{{a}} {{b}} {{c}} {{d}}",
	              "{\"a\":42,\"b\":-7,\"c\":0,\"d\":9007199254740993}",
	              "42 -7 0 9007199254740993");
	expect_render("{{a}} {{b}} {{c}} {{d}} {{e}}",
	              "{\"a\":1.5,\"b\":0.1,\"c\":3.0,\"d\":-2.25,\"e\":1e300}",
	              "1.5 0.1 3 -2.25 1e+300");
}

static void test_booleans_null_and_containers(void **state)
{
	(void)state;
	expect_render("[{{t}}][{{f}}][{{n}}][{{o}}][{{a}}]",
	              "{\"t\":true,\"f\":false,\"n\":null,\"o\":{\"k\":1},\"a\":[1,2]}",
	              "[true][][][][]");
}

static void test_no_tags(void **state)
{
	(void)state;
	expect_render("<html>\n  <body>plain & simple } { }}</body>\n</html>\n", "{}",
	              "<html>\n  <body>plain & simple } { }}</body>\n</html>\n");
	expect_render("", "{}", "");
}

static void test_comments_and_whitespace(void **state)
{
	(void)state;
	expect_render("a{{! a comment }}b{{!\nmulti\nline\n}}c", "{}", "abc");
	expect_render("{{ x }}|{{{ x }}}|{{& x }}|{{# s }}in{{/ s }}|{{^ f }}not{{/ f }}",
	              "{\"x\":\"<\",\"s\":true,\"f\":false}", "&lt;|<|<|in|not");
}

static void test_embedded_nul(void **state)
{
	(void)state;
	char err[128];
	struct tmpl_set *set = tmpl_set_new();
	const char src[] = "a\0b{{x}}";
	assert_int_equal(tmpl_set_add(set, "t", src, sizeof src - 1, err, sizeof err), 0);
	json_t *ctx = json_pack("{s:s#}", "x", "c\0<", (size_t)3);
	size_t len = 0;
	char *s = tmpl_render(set, "t", ctx, &len, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(len, 9);
	assert_memory_equal(s, "a\0bc\0&lt;", 10);
	free(s);
	json_decref(ctx);
	tmpl_set_free(set);
}

/* ---- sections ---- */

static void test_section_array(void **state)
{
	(void)state;
	expect_render("<ul>{{#items}}<li>{{name}}</li>{{/items}}</ul>",
	              "{\"items\":[{\"name\":\"a\"},{\"name\":\"b&c\"},{\"name\":\"d\"}]}",
	              "<ul><li>a</li><li>b&amp;c</li><li>d</li></ul>");
}

static void test_section_nested_arrays(void **state)
{
	(void)state;
	expect_render("{{#rows}}[{{#cells}}{{.}}{{/cells}}]{{/rows}}",
	              "{\"rows\":[{\"cells\":[1,2]},{\"cells\":[]},{\"cells\":[3]}]}", "[12][][3]");
}

static void test_section_object(void **state)
{
	(void)state;
	expect_render("{{#user}}{{name}} ({{role}}){{/user}}",
	              "{\"role\":\"outer\",\"user\":{\"name\":\"Ana\"}}", "Ana (outer)");
	expect_render("[{{#o}}x{{/o}}]", "{\"o\":{}}", "[x]");
}

static void test_section_truthy_scalars(void **state)
{
	(void)state;
	expect_render("[{{#b}}yes{{/b}}]", "{\"b\":true}", "[yes]");
	expect_render("[{{#s}}<{{.}}>{{/s}}]", "{\"s\":\"hi\"}", "[<hi>]");
	expect_render("[{{#n}}<{{.}}>{{/n}}]", "{\"n\":5}", "[<5>]");
	expect_render("[{{#r}}<{{.}}>{{/r}}]", "{\"r\":0.5}", "[<0.5>]");
}

static void test_section_falsy(void **state)
{
	(void)state;
	const char *data = "{\"f\":false,\"n\":null,\"e\":\"\",\"z\":0,\"zr\":0.0,\"a\":[]}";
	expect_render("[{{#f}}1{{/f}}{{#n}}2{{/n}}{{#e}}3{{/e}}{{#z}}4{{/z}}{{#zr}}5{{/zr}}"
	              "{{#a}}6{{/a}}{{#missing}}7{{/missing}}]",
	              data, "[]");
}

static void test_inverted_false(void **state)
{
	(void)state;
	expect_render("{{^v}}none{{/v}}", "{\"v\":false}", "none");
}

static void test_inverted_null(void **state)
{
	(void)state;
	expect_render("{{^v}}none{{/v}}", "{\"v\":null}", "none");
}

static void test_inverted_missing(void **state)
{
	(void)state;
	expect_render("{{^v}}none{{/v}}", "{}", "none");
}

static void test_inverted_empty_string(void **state)
{
	(void)state;
	expect_render("{{^v}}none{{/v}}", "{\"v\":\"\"}", "none");
}

static void test_inverted_zero(void **state)
{
	(void)state;
	expect_render("{{^v}}none{{/v}}", "{\"v\":0}", "none");
	expect_render("{{^v}}none{{/v}}", "{\"v\":0.0}", "none");
}

static void test_inverted_empty_array(void **state)
{
	(void)state;
	expect_render("{{#v}}<{{.}}>{{/v}}{{^v}}none{{/v}}", "{\"v\":[]}", "none");
}

static void test_inverted_truthy_hidden(void **state)
{
	(void)state;
	expect_render("[{{^v}}x{{/v}}]", "{\"v\":true}", "[]");
	expect_render("[{{^v}}x{{/v}}]", "{\"v\":[0]}", "[]");
	expect_render("[{{^v}}x{{/v}}]", "{\"v\":{}}", "[]");
	expect_render("[{{^v}}x{{/v}}]", "{\"v\":\"s\"}", "[]");
	expect_render("[{{^v}}x{{/v}}]", "{\"v\":-1}", "[]");
}

static void test_inverted_keeps_context(void **state)
{
	(void)state;
	/* An inverted section pushes nothing: "." is still the enclosing value. */
	expect_render(
	    "{{#items}}{{^hidden}}{{name}}{{/hidden}}{{/items}}",
	    "{\"items\":[{\"name\":\"a\"},{\"name\":\"b\",\"hidden\":true},{\"name\":\"c\"}]}",
	    "ac");
}

static void test_big_loop(void **state)
{
	(void)state;
	json_t *items = json_array();
	size_t cap = 1 << 20, used = 0;
	char *want = malloc(cap);
	assert_non_null(want);
	want[0] = '\0';
	used += (size_t)snprintf(want, cap, "<ul>");
	for (int i = 0; i < 10000; i++) {
		json_array_append_new(
		    items, json_pack("{s:i,s:s}", "id", i, "n", (i % 2) ? "<odd>" : "even"));
		used += (size_t)snprintf(want + used, cap - used, "<li id=\"%d\">%s</li>", i,
		                         (i % 2) ? "&lt;odd&gt;" : "even");
	}
	assert_true(used + 6 < cap);
	snprintf(want + used, cap - used, "</ul>");
	json_t *ctx = json_pack("{s:o}", "items", items);
	char err[128];
	struct tmpl_set *set = tmpl_set_new();
	const char *src = "<ul>{{#items}}<li id=\"{{id}}\">{{n}}</li>{{/items}}</ul>";
	assert_int_equal(tmpl_set_add(set, "t", src, strlen(src), err, sizeof err), 0);
	size_t len = 0;
	char *got = tmpl_render(set, "t", ctx, &len, err, sizeof err);
	assert_non_null(got);
	assert_int_equal(len, strlen(want));
	assert_string_equal(got, want);
	free(got);
	free(want);
	json_decref(ctx);
	tmpl_set_free(set);
}

/* ---- partials ---- */

static struct tmpl_set *set_of(const char *const *pairs)
{
	char err[256];
	struct tmpl_set *set = tmpl_set_new();
	assert_non_null(set);
	for (size_t i = 0; pairs[i]; i += 2) {
		if (tmpl_set_add(set, pairs[i], pairs[i + 1], strlen(pairs[i + 1]), err,
		                 sizeof err) != 0)
			fail_msg("add %s: %s", pairs[i], err);
	}
	return set;
}

static char *render_set(struct tmpl_set *set, const char *name, const char *data, char *err,
                        size_t errlen)
{
	json_t *ctx = json_loads(data, 0, NULL);
	assert_non_null(ctx);
	char *s = tmpl_render(set, name, ctx, NULL, err, errlen);
	json_decref(ctx);
	return s;
}

static void test_partials_with_context(void **state)
{
	(void)state;
	/* "page" is added before "item" exists: partials may be defined in any order. */
	const char *const t[] = {
		"page",   "<h1>{{title}}</h1>{{> header}}<ul>{{#items}}{{> item}}{{/items}}</ul>",
		"item",   "<li>{{name}} of {{title}}</li>",
		"header", "<p>{{user.name}}</p>",
		NULL
	};
	struct tmpl_set *set = set_of(t);
	char err[256];
	assert_int_equal(tmpl_set_check(set, err, sizeof err), 0);
	char *s = render_set(set, "page",
	                     "{\"title\":\"T\",\"user\":{\"name\":\"u\"},"
	                     "\"items\":[{\"name\":\"a\"},{\"name\":\"b\"}]}",
	                     err, sizeof err);
	assert_non_null(s);
	assert_string_equal(s, "<h1>T</h1><p>u</p><ul><li>a of T</li><li>b of T</li></ul>");
	free(s);
	tmpl_set_free(set);
}

static void test_partial_recursion_over_data(void **state)
{
	(void)state;
	const char *const t[] = { "node", "({{name}}{{#kids}}{{> node}}{{/kids}})", NULL };
	struct tmpl_set *set = set_of(t);
	char err[256];
	char *s = render_set(
	    set, "node",
	    "{\"name\":\"r\",\"kids\":[{\"name\":\"a\",\"kids\":[{\"name\":\"b\",\"kids\":[]}]},"
	    "{\"name\":\"c\",\"kids\":[]}]}",
	    err, sizeof err);
	assert_non_null(s);
	/* Every node needs its own "kids": a missing key would resolve to the parent's array. */
	assert_string_equal(s, "(r(a(b))(c))");
	free(s);
	tmpl_set_free(set);
}

static void test_missing_partial(void **state)
{
	(void)state;
	const char *const t[] = { "a", "ok", "b", "x\n{{> a}}{{> nothere}}", NULL };
	struct tmpl_set *set = set_of(t);
	char err[256] = "";
	assert_int_equal(tmpl_set_check(set, err, sizeof err), -1);
	assert_non_null(strstr(err, "nothere"));
	assert_non_null(strstr(err, "b:2:"));
	/* Rendering without the check still fails cleanly. */
	err[0] = '\0';
	assert_null(render_set(set, "b", "{}", err, sizeof err));
	assert_non_null(strstr(err, "nothere"));
	/* Adding the partial later resolves it. */
	assert_int_equal(tmpl_set_add(set, "nothere", "!", 1, err, sizeof err), 0);
	assert_int_equal(tmpl_set_check(set, err, sizeof err), 0);
	char *s = render_set(set, "b", "{}", err, sizeof err);
	assert_non_null(s);
	assert_string_equal(s, "x\nok!");
	free(s);
	tmpl_set_free(set);
}

static void test_recursive_partial_is_error(void **state)
{
	(void)state;
	const char *const t[] = { "r", "x{{> r}}", "p", "{{> q}}", "q", "{{> p}}", NULL };
	struct tmpl_set *set = set_of(t);
	char err[256] = "";
	assert_int_equal(tmpl_set_check(set, err, sizeof err), 0);
	assert_null(render_set(set, "r", "{}", err, sizeof err));
	assert_non_null(strstr(err, "partials nested deeper than 32"));
	err[0] = '\0';
	assert_null(render_set(set, "p", "{}", err, sizeof err));
	assert_non_null(strstr(err, "partials nested deeper than 32"));
	tmpl_set_free(set);
}

static void test_partial_depth_limit_exact(void **state)
{
	(void)state;
	/* A chain of exactly 32 nested partials renders; 33 does not. */
	struct tmpl_set *set = tmpl_set_new();
	char err[256], name[16], src[32];
	for (int i = 0; i <= 33; i++) {
		snprintf(name, sizeof name, "p%d", i);
		if (i == 33)
			snprintf(src, sizeof src, "end");
		else
			snprintf(src, sizeof src, "{{> p%d}}", i + 1);
		assert_int_equal(tmpl_set_add(set, name, src, strlen(src), err, sizeof err), 0);
	}
	char *s = render_set(set, "p1", "{}", err, sizeof err);
	assert_non_null(s);
	assert_string_equal(s, "end");
	free(s);
	assert_null(render_set(set, "p0", "{}", err, sizeof err));
	tmpl_set_free(set);
}

static void test_context_depth_limit(void **state)
{
	(void)state;
	/* Three pushes per partial level run out of context stack before partials run out. */
	const char *const t[] = { "d", "{{#a}}{{#a}}{{#a}}{{> d}}{{/a}}{{/a}}{{/a}}", NULL };
	struct tmpl_set *set = set_of(t);
	char err[256] = "";
	assert_null(render_set(set, "d", "{\"a\":true}", err, sizeof err));
	assert_non_null(strstr(err, "contexts"));
	tmpl_set_free(set);
}

static void test_unknown_template(void **state)
{
	(void)state;
	struct tmpl_set *set = tmpl_set_new();
	char err[128] = "";
	assert_null(tmpl_render(set, "nope", NULL, NULL, err, sizeof err));
	assert_non_null(strstr(err, "nope"));
	tmpl_set_free(set);
	tmpl_set_free(NULL);
}

static void test_duplicate_template(void **state)
{
	(void)state;
	struct tmpl_set *set = tmpl_set_new();
	char err[128] = "";
	assert_int_equal(tmpl_set_add(set, "t", "a", 1, err, sizeof err), 0);
	assert_int_equal(tmpl_set_add(set, "t", "b", 1, err, sizeof err), -1);
	assert_non_null(strstr(err, "t"));
	tmpl_set_free(set);
}

/* ---- malformed templates ---- */

static void test_err_unclosed_tag(void **state)
{
	(void)state;
	expect_compile_error("line1\nline2 {{name", "t:2:");
	expect_compile_error("a\n\n{{! never closed\n", "t:3:");
}

static void test_err_triple_without_third_brace(void **state)
{
	(void)state;
	expect_compile_error("ok\n{{{x}}", "t:2:");
	expect_compile_error("ok\nok\n{{{x}} and more", "t:3:");
	expect_compile_error("{{{x", "t:1:");
}

static void test_err_unclosed_section(void **state)
{
	(void)state;
	expect_compile_error("a\n{{#s}}\nb\n", "t:2:");
	expect_compile_error("{{#a}}\n{{^b}}x{{/b}}\n", "t:1:");
}

static void test_err_mismatched_close(void **state)
{
	(void)state;
	expect_compile_error("{{#a}}\n{{#b}}\n{{/a}}\n{{/b}}", "t:3:");
}

static void test_err_close_without_open(void **state)
{
	(void)state;
	expect_compile_error("text\n\n\n{{/a}}", "t:4:");
}

static void test_err_empty_name(void **state)
{
	(void)state;
	expect_compile_error("{{}}", "t:1:");
	expect_compile_error("\n{{  }}", "t:2:");
	expect_compile_error("\n{{# }}{{/ }}", "t:2:");
	expect_compile_error("\n\n{{{ }}}", "t:3:");
	expect_compile_error("{{&}}", "t:1:");
	expect_compile_error("{{>}}", "t:1:");
}

static void test_err_bad_name(void **state)
{
	(void)state;
	expect_compile_error("\n{{a b}}", "t:2:");
	expect_compile_error("\n{{a<b}}", "t:2:");
	expect_compile_error("{{a..b}}", "t:1:");
	expect_compile_error("{{.a}}", "t:1:");
	expect_compile_error("{{a.}}", "t:1:");
	expect_compile_error("{{> a/b}}", "t:1:");
	expect_compile_error("{{#a!}}{{/a!}}", "t:1:");
}

static void test_err_set_delimiter(void **state)
{
	(void)state;
	expect_compile_error("x\n{{=<% %>=}}", "t:2:");
}

static void test_err_nesting_too_deep(void **state)
{
	(void)state;
	char src[2048];
	size_t n = 0;
	for (int i = 0; i < 65; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, "{{#a}}\n");
	expect_compile_error(src, "t:65:");
}

static void test_nesting_at_limit_renders(void **state)
{
	(void)state;
	char src[2048];
	size_t n = 0;
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, "{{#a}}");
	n += (size_t)snprintf(src + n, sizeof src - n, "{{.}}");
	for (int i = 0; i < 64; i++)
		n += (size_t)snprintf(src + n, sizeof src - n, "{{/a}}");
	expect_render(src, "{\"a\":true}", "true");
}

static void test_valid_names(void **state)
{
	(void)state;
	expect_render("{{a-b}}{{c_d}}{{E9}}{{x.y-z}}",
	              "{\"a-b\":1,\"c_d\":2,\"E9\":3,\"x\":{\"y-z\":4}}", "1234");
}

/* ---- threads ---- */

struct job {
	const struct tmpl_set *set;
	const json_t *ctx;
	int ok;
};

static void *render_many(void *arg)
{
	struct job *j = arg;
	char err[128];
	j->ok = 1;
	for (int i = 0; i < 200; i++) {
		char *s = tmpl_render(j->set, "page", j->ctx, NULL, err, sizeof err);
		if (!s || strcmp(s, "<b>a&amp;</b><b>b</b>") != 0)
			j->ok = 0;
		free(s);
	}
	return NULL;
}

static void test_concurrent_renders(void **state)
{
	(void)state;
	const char *const t[] = { "page", "{{#items}}{{> item}}{{/items}}", "item", "<b>{{.}}</b>",
		                  NULL };
	struct tmpl_set *set = set_of(t);
	json_t *ctx = json_loads("{\"items\":[\"a&\",\"b\"]}", 0, NULL);
	pthread_t th[4];
	struct job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ .set = set, .ctx = ctx };
		assert_int_equal(pthread_create(&th[i], NULL, render_many, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		assert_true(jobs[i].ok);
	}
	json_decref(ctx);
	tmpl_set_free(set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_amp),
		cmocka_unit_test(test_escape_lt),
		cmocka_unit_test(test_escape_gt),
		cmocka_unit_test(test_escape_quot),
		cmocka_unit_test(test_escape_apos),
		cmocka_unit_test(test_escape_backtick),
		cmocka_unit_test(test_escape_equals),
		cmocka_unit_test(test_escape_all_together),
		cmocka_unit_test(test_escape_html_direct),
		cmocka_unit_test(test_escape_leaves_text_alone),
		cmocka_unit_test(test_dotted_names),
		cmocka_unit_test(test_dot_is_current_context),
		cmocka_unit_test(test_context_stack_lookup),
		cmocka_unit_test(test_dotted_lookup_does_not_fall_back),
		cmocka_unit_test(test_missing_names),
		cmocka_unit_test(test_null_context),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_booleans_null_and_containers),
		cmocka_unit_test(test_no_tags),
		cmocka_unit_test(test_comments_and_whitespace),
		cmocka_unit_test(test_embedded_nul),
		cmocka_unit_test(test_section_array),
		cmocka_unit_test(test_section_nested_arrays),
		cmocka_unit_test(test_section_object),
		cmocka_unit_test(test_section_truthy_scalars),
		cmocka_unit_test(test_section_falsy),
		cmocka_unit_test(test_inverted_false),
		cmocka_unit_test(test_inverted_null),
		cmocka_unit_test(test_inverted_missing),
		cmocka_unit_test(test_inverted_empty_string),
		cmocka_unit_test(test_inverted_zero),
		cmocka_unit_test(test_inverted_empty_array),
		cmocka_unit_test(test_inverted_truthy_hidden),
		cmocka_unit_test(test_inverted_keeps_context),
		cmocka_unit_test(test_big_loop),
		cmocka_unit_test(test_partials_with_context),
		cmocka_unit_test(test_partial_recursion_over_data),
		cmocka_unit_test(test_missing_partial),
		cmocka_unit_test(test_recursive_partial_is_error),
		cmocka_unit_test(test_partial_depth_limit_exact),
		cmocka_unit_test(test_context_depth_limit),
		cmocka_unit_test(test_unknown_template),
		cmocka_unit_test(test_duplicate_template),
		cmocka_unit_test(test_err_unclosed_tag),
		cmocka_unit_test(test_err_triple_without_third_brace),
		cmocka_unit_test(test_err_unclosed_section),
		cmocka_unit_test(test_err_mismatched_close),
		cmocka_unit_test(test_err_close_without_open),
		cmocka_unit_test(test_err_empty_name),
		cmocka_unit_test(test_err_bad_name),
		cmocka_unit_test(test_err_set_delimiter),
		cmocka_unit_test(test_err_nesting_too_deep),
		cmocka_unit_test(test_nesting_at_limit_renders),
		cmocka_unit_test(test_valid_names),
		cmocka_unit_test(test_concurrent_renders),
	};
	return cmocka_run_group_tests_name("tmpl", tests, NULL, NULL);
}
