/* test_reports.c: citizen reporting end to end (issue 4: the report spec on top of API.md "Public"
 * and "Reporter"): submissions over JSON and multipart with every field rule, evidence limits and
 * types sniffed from the bytes, readiness (503 while no confirmed reader exists), exclusions, the
 * receipt and the reporter's session (the report view, messages, files, logout), tokens that never
 * cross between staff and reporters, the abuse limits, interrupted uploads, the request log, and
 * privacy: no canary string a reporter sent, nor the receipt, in any file of the data directory or
 * anything the server printed, while it runs and after it stopped.
 *
 * Three servers: the main one (a trust-root supervisor, an admin, a confirmed investigator and
 * leader, a pending investigator); one without any confirmed reader; one with the abuse limits on.
 * The main server is stopped by the last test (the canary), which inspects what it left. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define PW_ROOT "Rpt-root-saffron-lantern-41"
#define PW_ADMIN "Rpt-admin-cobalt-meadow-62"
#define PW_INV1 "Rpt-inv1-amber-harbor-83"
#define PW_LEAD1 "Rpt-lead1-willow-summit-27"
#define PW_PEND1 "Rpt-pend1-quartz-ember-55"

#define NAME_ROOT "Ratna Dewi"
#define NAME_ADMIN "Agus Salim"
#define NAME_INV1 "Indah Permata"
#define NAME_LEAD1 "Lukman Hakim"
#define NAME_PEND1 "Putri Ayu"

static struct server srv;  /* the main server */
static bool srv_halted;    /* the canary test stopped it and kept its directory */
static struct server nsrv; /* no confirmed reader */
static struct server rsrv; /* abuse limits on */

/* Staff sessions on srv, each made once. */
struct staff {
	const char *username, *password;
	char *token, *csrf;
};
static struct staff staff[] = {
	{ "root1", PW_ROOT, NULL, NULL },
	{ "admin1", PW_ADMIN, NULL, NULL },
	{ "inv1", PW_INV1, NULL, NULL },
};

/* Ids of the readers (from meta) and of two accounts that are not recipients. */
static char id_root[80], id_inv1[80], id_lead1[80], id_pend1[80], id_admin[80];

/* A submitted report. */
struct rep {
	const char *label;
	char receipt[32], display[32], submitted_on[16];
	char *token, *csrf; /* a reporter session, made once */
};
static struct rep r_min = { .label = "the minimal report" };
static struct rep r_full = { .label = "the full report" };
static struct rep r_files = { .label = "the multipart report" };
static char sysmsg_full[4096]; /* the system message of r_full (English) */

/* The accepted types of meta, for the 415 checks. */
static json_t *meta_types;

/* ---- small helpers ---- */

#define assert_status(r, code)                                                                   \
	do {                                                                                     \
		if ((r)->status != (code))                                                       \
			print_error("HTTP %ld (curl: %s), body: %.600s\n", (r)->status,          \
			            (r)->curl_error, (r)->body ? (r)->body : "");                \
		assert_int_equal((r)->status, (code));                                           \
	} while (0)

/* `unit` n times, then `suffix` (optional), malloc'd. */
static char *repeat(const char *unit, size_t n, const char *suffix)
{
	size_t ul = strlen(unit), sl = suffix ? strlen(suffix) : 0;
	char *s = malloc(ul * n + sl + 1);
	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	if (sl)
		memcpy(s + ul * n, suffix, sl);
	s[ul * n + sl] = '\0';
	return s;
}

/* One request on s: METHOD path, a bearer token (optional), a JSON body (optional) and up to two
 * extra headers (optional). */
static void call_h(const struct server *s, const char *method, const char *path, const char *token,
                   const char *body, const char *h1, const char *h2, struct response *r)
{
	const char *hv[6];
	size_t n = 0;
	char *auth = token ? bearer_header(token) : NULL;
	if (auth)
		hv[n++] = auth;
	hv[n++] = body ? "Content-Type: application/json" : "Content-Type:";
	if (h1)
		hv[n++] = h1;
	if (h2)
		hv[n++] = h2;
	hv[n] = NULL;
	struct request rq = { .method = method, .path = path, .headers = hv, .body = body,
	                      .body_len = body ? strlen(body) : 0 };
	http_do(s, &rq, r);
	free(auth);
}

static void call(const struct server *s, const char *method, const char *path, const char *token,
                 const char *body, struct response *r)
{
	call_h(s, method, path, token, body, NULL, NULL, r);
}

static const char *error_field(const struct response *r)
{
	return json_string_value(json_object_get(json_object_get(r->json, "error"), "field"));
}

/* The 401 message of staff routes (src/core/errors.def), in both languages. */
#define STAFF_401_ID "Nama pengguna atau kata sandi salah, atau sesi telah berakhir."
#define STAFF_401_EN "Wrong username or password, or the session has ended."

static const char *error_message(const struct response *r)
{
	return json_string_value(json_object_get(json_object_get(r->json, "error"), "message"));
}

/* The error shape of API.md; field NULL: not checked. Returns error.message. */
static const char *expect_error(const struct response *r, long status, const char *code,
                                const char *field)
{
	assert_status(r, status);
	json_t *e = json_object_get(r->json, "error");
	if (!json_is_object(e))
		print_error("not an error body: %.400s\n", r->body);
	assert_true(json_is_object(e));
	const char *c = json_string_value(json_object_get(e, "code"));
	if (!c || strcmp(c, code) != 0)
		print_error("expected %s; error body: %.400s\n", code, r->body);
	assert_non_null(c);
	assert_string_equal(c, code);
	const char *m = json_string_value(json_object_get(e, "message"));
	assert_non_null(m);
	assert_true(strlen(m) > 0);
	if (field) {
		const char *f = error_field(r);
		if (!f || strcmp(f, field) != 0)
			print_error("expected field %s; error body: %.400s\n", field, r->body);
		assert_non_null(f);
		assert_string_equal(f, field);
	}
	return m;
}

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static bool has_no_store(const struct response *r)
{
	const char *cc = response_header(r, "Cache-Control");
	return cc && strcasestr(cc, "no-store");
}

static bool all_digits(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* Random lower-case hex, 2*nbytes characters. */
static void rand_hex(char *out, size_t nbytes)
{
	unsigned char b[64];
	assert_true(nbytes <= sizeof b);
	assert_int_equal(getrandom(b, nbytes, 0), (ssize_t)nbytes);
	for (size_t i = 0; i < nbytes; i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
}

/* Random decimal digits. */
static void rand_digits(char *out, size_t n)
{
	unsigned char b[64];
	assert_true(n <= sizeof b);
	assert_int_equal(getrandom(b, n, 0), (ssize_t)n);
	for (size_t i = 0; i < n; i++)
		out[i] = (char)('0' + b[i] % 10);
	out[n] = '\0';
}

/* ---- dates and times ---- */

/* The WIB (UTC+7) date of unix time t. */
static void wib_date(long long t, char out[16])
{
	time_t w = (time_t)(t + 7 * 3600);
	struct tm tm;
	gmtime_r(&w, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

/* Unix time of 00:00 WIB on a YYYY-MM-DD date; -1 if it is not one. */
static long long wib_midnight(const char *ymd)
{
	int y, m, d, n = 0;
	if (!ymd || sscanf(ymd, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || ymd[10])
		return -1;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };
	return (long long)timegm(&tm) - 7 * 3600;
}

/* The date `days` after a YYYY-MM-DD date. */
static void date_plus(const char *ymd, int days, int *y, int *m, int *d)
{
	long long t = wib_midnight(ymd);
	assert_true(t > 0);
	time_t u = (time_t)(t + 7 * 3600 + 12 * 3600 + (long long)days * 86400);
	struct tm tm;
	gmtime_r(&u, &tm);
	*y = tm.tm_year + 1900;
	*m = tm.tm_mon + 1;
	*d = tm.tm_mday;
}

/* An RFC 3339 time in UTC ("Z" or "+00:00"), to unix seconds. */
static bool parse_utc(const char *s, long long *t)
{
	int y, mo, d, h, mi, se, n = 0;
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &se, &n) != 6 || n != 19)
		return false;
	const char *p = s + 19;
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (strcmp(p, "Z") != 0 && strcmp(p, "+00:00") != 0)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
	                 .tm_min = mi, .tm_sec = se };
	*t = (long long)timegm(&tm);
	return true;
}

static const char *const months_en[] = { "January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December" };
static const char *const months_id[] = { "Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember" };
static const char *const mon_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
	"Sep", "Oct", "Nov", "Dec" };
static const char *const mon_id[] = { "Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu",
	"Sep", "Okt", "Nov", "Des" };

/* Does text name the date y-m-d in a usual way (ISO, numeric day first, or with a month name of
 * either language)? */
static bool mentions_date(const char *text, int y, int m, int d)
{
	char c[96];
	snprintf(c, sizeof c, "%04d-%02d-%02d", y, m, d);
	if (strstr(text, c))
		return true;
	char n1[32], n2[32], n3[32], n4[32], n5[32], n6[32];
	snprintf(n1, sizeof n1, "%d/%d/%04d", d, m, y);
	snprintf(n2, sizeof n2, "%02d/%02d/%04d", d, m, y);
	snprintf(n3, sizeof n3, "%02d-%02d-%04d", d, m, y);
	snprintf(n4, sizeof n4, "%02d.%02d.%04d", d, m, y);
	snprintf(n5, sizeof n5, "%d.%d.%04d", d, m, y);
	snprintf(n6, sizeof n6, "%d-%d-%04d", d, m, y);
	const char *numeric[] = { n1, n2, n3, n4, n5, n6 };
	for (size_t i = 0; i < sizeof numeric / sizeof *numeric; i++)
		if (strstr(text, numeric[i]))
			return true;
	const char *const *lists[] = { months_en, months_id, mon_en, mon_id };
	for (size_t l = 0; l < 4; l++) {
		const char *mn = lists[l][m - 1];
		char f[4][96];
		snprintf(f[0], sizeof f[0], "%d %s %04d", d, mn, y);
		snprintf(f[1], sizeof f[1], "%02d %s %04d", d, mn, y);
		snprintf(f[2], sizeof f[2], "%s %d, %04d", mn, d, y);
		snprintf(f[3], sizeof f[3], "%s %d %04d", mn, d, y);
		for (size_t k = 0; k < 4; k++)
			if (strcasestr(text, f[k]))
				return true;
	}
	return false;
}

/* ---- the database (read beside the running server) ---- */

static long long db_count(const struct server *s, const char *sql)
{
	return db_value(s, sql);
}

static long long reports_in_db(const struct server *s)
{
	return db_count(s, "SELECT count(*) FROM reports");
}

/* Audit entries, written and waiting for the hourly batch of reporter-originated ones. */
static long long audit_in_db(const struct server *s)
{
	return db_count(s, "SELECT (SELECT count(*) FROM audit) + (SELECT count(*) FROM audit_pending)");
}

static void db_exec(const struct server *s, const char *sql)
{
	assert_true(db_run(s, sql) > 0);
}

/* ---- staff ---- */

static struct staff *S(const char *username)
{
	for (size_t i = 0; i < sizeof staff / sizeof *staff; i++)
		if (strcmp(staff[i].username, username) == 0)
			return &staff[i];
	fail_msg("no staff account %s", username);
	return NULL;
}

static const char *tok(const char *username)
{
	struct staff *a = S(username);
	if (!a->token) {
		a->token = staff_login(&srv, a->username, a->password, &a->csrf);
		if (!a->token)
			fail_msg("staff login of %s failed", username);
	}
	return a->token;
}

static json_t *get_meta(const struct server *s, const char *lang)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/meta%s%s", lang ? "?lang=" : "", lang ? lang : "");
	struct response r;
	http_get(s, path, NULL, &r);
	assert_status(&r, 200);
	json_t *m = json_incref(r.json);
	assert_true(json_is_object(m));
	response_free(&r);
	return m;
}

/* The id of a meta recipient by name, into out; false when not listed. */
static bool recipient_id(const json_t *meta, const char *name, char *out, size_t len)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(meta, "recipients"), i, v) {
		if (strcmp(json_string_value(json_object_get(v, "name")), name) == 0) {
			snprintf(out, len, "%s", json_string_value(json_object_get(v, "id")));
			return true;
		}
	}
	return false;
}

/* The admin's list: the id of a username, into out. */
static void user_id(const char *username, char *out, size_t len)
{
	struct response r;
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users?per_page=200", &r);
	assert_status(&r, 200);
	size_t i;
	json_t *v;
	bool found = false;
	json_array_foreach(json_object_get(r.json, "items"), i, v) {
		if (strcmp(json_string_value(json_object_get(v, "username")), username) == 0) {
			snprintf(out, len, "%s", json_string_value(json_object_get(v, "id")));
			found = true;
		}
	}
	response_free(&r);
	if (!found)
		fail_msg("%s is not in GET /staff/users", username);
}

static void settings_patch(const char *as, const char *body)
{
	struct response r;
	call(&srv, "PATCH", "/api/v1/staff/settings", tok(as), body, &r);
	assert_status(&r, 200);
	response_free(&r);
}

/* Total of the audit trail as root1. */
static json_int_t audit_total(const char *token)
{
	struct response r;
	http_get_as(&srv, token, "/api/v1/staff/audit?per_page=1", &r);
	assert_status(&r, 200);
	json_int_t n = json_integer_value(json_object_get(r.json, "total"));
	response_free(&r);
	return n;
}

/* ---- evidence samples ---- */

static const unsigned char png_1x1[] = {
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48,
	0x44, 0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00,
	0x00, 0x1f, 0x15, 0xc4, 0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78,
	0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f, 0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47,
	0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
};
static const char pdf_min[] = "%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
                              "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
static const char text_utf8[] = "Catatan saksi: pembayaran Rp 500.000 di luar loket.\n"
                                "Tanggal 12 Maret, pukul 09.15. Saksi: dua orang. \xc3\xa9\n";
/* An ELF header and bytes that are not UTF-8: no accepted type. */
static const unsigned char elf_bin[] = {
	0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x02, 0x00, 0x3e, 0x00, 0x01, 0x00, 0x00, 0x00, 0xff, 0xfe, 0xfd, 0xc0,
	0x80, 0x90, 0xa0, 0xb0, 0x00, 0x01, 0x02, 0x03, 0xff, 0xff, 0xfe, 0xfe,
};

/* One small sample of each other accepted type (made with libjpeg, Python's zipfile and wave,
 * or written out box by box): the type must come from these bytes. */
static const unsigned char smp_jpg[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00,
	0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xdb, 0x00, 0x43, 0x00, 0x10, 0x0b, 0x0c,
	0x0e, 0x0c, 0x0a, 0x10, 0x0e, 0x0d, 0x0e, 0x12, 0x11, 0x10, 0x13, 0x18, 0x28, 0x1a,
	0x18, 0x16, 0x16, 0x18, 0x31, 0x23, 0x25, 0x1d, 0x28, 0x3a, 0x33, 0x3d, 0x3c, 0x39,
	0x33, 0x38, 0x37, 0x40, 0x48, 0x5c, 0x4e, 0x40, 0x44, 0x57, 0x45, 0x37, 0x38, 0x50,
	0x6d, 0x51, 0x57, 0x5f, 0x62, 0x67, 0x68, 0x67, 0x3e, 0x4d, 0x71, 0x79, 0x70, 0x64,
	0x78, 0x5c, 0x65, 0x67, 0x63, 0xff, 0xc0, 0x00, 0x0b, 0x08, 0x00, 0x01, 0x00, 0x01,
	0x01, 0x01, 0x11, 0x00, 0xff, 0xc4, 0x00, 0x1f, 0x00, 0x00, 0x01, 0x05, 0x01, 0x01,
	0x01, 0x01, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x02,
	0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0xff, 0xc4, 0x00, 0xb5, 0x10,
	0x00, 0x02, 0x01, 0x03, 0x03, 0x02, 0x04, 0x03, 0x05, 0x05, 0x04, 0x04, 0x00, 0x00,
	0x01, 0x7d, 0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06,
	0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42,
	0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16,
	0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x34, 0x35, 0x36, 0x37,
	0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55,
	0x56, 0x57, 0x58, 0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73,
	0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
	0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5,
	0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba,
	0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6,
	0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea,
	0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa, 0xff, 0xda, 0x00, 0x08,
	0x01, 0x01, 0x00, 0x00, 0x3f, 0x00, 0xe9, 0x2b, 0xff, 0xd9,
};
static const unsigned char smp_gif[] = {
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xff,
	0xff, 0xff, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c,
	0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00,
	0x3b,
};
static const unsigned char smp_webp[] = {
	0x52, 0x49, 0x46, 0x46, 0x1a, 0x00, 0x00, 0x00, 0x57, 0x45, 0x42, 0x50, 0x56, 0x50,
	0x38, 0x4c, 0x0d, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x10, 0x07, 0x10, 0x11,
	0x11, 0x88, 0x88, 0xfe, 0x07, 0x00,
};
static const unsigned char smp_heic[] = {
	0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x68, 0x65, 0x69, 0x63, 0x00, 0x00,
	0x00, 0x00, 0x6d, 0x69, 0x66, 0x31, 0x68, 0x65, 0x69, 0x63, 0x00, 0x00, 0x00, 0x0c,
	0x6d, 0x65, 0x74, 0x61, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_heif[] = {
	0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x6d, 0x69, 0x66, 0x31, 0x00, 0x00,
	0x00, 0x00, 0x6d, 0x69, 0x66, 0x31, 0x6d, 0x69, 0x61, 0x66, 0x00, 0x00, 0x00, 0x0c,
	0x6d, 0x65, 0x74, 0x61, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_mp4[] = {
	0x00, 0x00, 0x00, 0x20, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0x00, 0x00,
	0x02, 0x00, 0x69, 0x73, 0x6f, 0x6d, 0x69, 0x73, 0x6f, 0x32, 0x61, 0x76, 0x63, 0x31,
	0x6d, 0x70, 0x34, 0x31, 0x00, 0x00, 0x00, 0x08, 0x66, 0x72, 0x65, 0x65, 0x00, 0x00,
	0x00, 0x10, 0x6d, 0x64, 0x61, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_mov[] = {
	0x00, 0x00, 0x00, 0x14, 0x66, 0x74, 0x79, 0x70, 0x71, 0x74, 0x20, 0x20, 0x20, 0x05,
	0x03, 0x00, 0x71, 0x74, 0x20, 0x20, 0x00, 0x00, 0x00, 0x08, 0x77, 0x69, 0x64, 0x65,
	0x00, 0x00, 0x00, 0x10, 0x6d, 0x64, 0x61, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};
static const unsigned char smp_3gpp[] = {
	0x00, 0x00, 0x00, 0x18, 0x66, 0x74, 0x79, 0x70, 0x33, 0x67, 0x70, 0x34, 0x00, 0x00,
	0x02, 0x00, 0x69, 0x73, 0x6f, 0x6d, 0x33, 0x67, 0x70, 0x34, 0x00, 0x00, 0x00, 0x10,
	0x6d, 0x64, 0x61, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_m4a[] = {
	0x00, 0x00, 0x00, 0x1c, 0x66, 0x74, 0x79, 0x70, 0x4d, 0x34, 0x41, 0x20, 0x00, 0x00,
	0x02, 0x00, 0x4d, 0x34, 0x41, 0x20, 0x69, 0x73, 0x6f, 0x6d, 0x6d, 0x70, 0x34, 0x32,
	0x00, 0x00, 0x00, 0x10, 0x6d, 0x64, 0x61, 0x74, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00,
};
static const unsigned char smp_ogg[] = {
	0x4f, 0x67, 0x67, 0x53, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x45, 0x50, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x67, 0x54, 0x6d, 0x98, 0x01, 0x13,
	0x4f, 0x70, 0x75, 0x73, 0x48, 0x65, 0x61, 0x64, 0x01, 0x01, 0x38, 0x01, 0x80, 0xbb,
	0x00, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_wav[] = {
	0x52, 0x49, 0x46, 0x46, 0x44, 0x00, 0x00, 0x00, 0x57, 0x41, 0x56, 0x45, 0x66, 0x6d,
	0x74, 0x20, 0x10, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x40, 0x1f, 0x00, 0x00,
	0x80, 0x3e, 0x00, 0x00, 0x02, 0x00, 0x10, 0x00, 0x64, 0x61, 0x74, 0x61, 0x20, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_docx[] = {
	0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a,
	0x9a, 0xc6, 0x98, 0x71, 0xca, 0x00, 0x00, 0x00, 0x3a, 0x01, 0x00, 0x00, 0x13, 0x00,
	0x00, 0x00, 0x5b, 0x43, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x5f, 0x54, 0x79, 0x70,
	0x65, 0x73, 0x5d, 0x2e, 0x78, 0x6d, 0x6c, 0x7d, 0x50, 0xcd, 0x4e, 0xc3, 0x30, 0x0c,
	0x7e, 0x95, 0x28, 0x57, 0xd4, 0xba, 0xe3, 0x80, 0x10, 0x6a, 0xbb, 0x03, 0x83, 0x23,
	0x70, 0x18, 0x0f, 0x60, 0x25, 0x6e, 0x17, 0xd1, 0xd8, 0x51, 0x92, 0x8d, 0xf1, 0xf6,
	0xb8, 0x0c, 0xed, 0xc0, 0x81, 0xa3, 0xfd, 0xfd, 0xda, 0xfd, 0xf6, 0x1c, 0x17, 0x73,
	0xa2, 0x5c, 0x82, 0xf0, 0x60, 0x37, 0x6d, 0x67, 0x0d, 0xb1, 0x13, 0x1f, 0x78, 0x1e,
	0xec, 0xfb, 0xfe, 0xb9, 0xb9, 0xb7, 0xdb, 0xb1, 0xdf, 0x7f, 0x25, 0x2a, 0x46, 0xa9,
	0x5c, 0x06, 0x7b, 0xa8, 0x35, 0x3d, 0x00, 0x14, 0x77, 0xa0, 0x88, 0xa5, 0x95, 0x44,
	0xac, 0xc8, 0x24, 0x39, 0x62, 0xd5, 0x31, 0xcf, 0x90, 0xd0, 0x7d, 0xe0, 0x4c, 0x70,
	0xdb, 0x75, 0x77, 0xe0, 0x84, 0x2b, 0x71, 0x6d, 0xea, 0xea, 0x61, 0xc7, 0x7e, 0x47,
	0x13, 0x1e, 0x97, 0x6a, 0x9e, 0xce, 0xba, 0xbe, 0xc4, 0xaa, 0xdc, 0x9a, 0xc7, 0x0b,
	0x6f, 0x8d, 0x1a, 0x2c, 0xa6, 0xb4, 0x04, 0x87, 0x55, 0x61, 0x58, 0x51, 0x18, 0xfb,
	0x57, 0x6d, 0x99, 0x83, 0x27, 0xf3, 0x86, 0xb9, 0xbe, 0x60, 0x54, 0x16, 0x7c, 0x4a,
	0xf6, 0xe0, 0xc5, 0x1d, 0xa3, 0x2a, 0xdb, 0xff, 0x6d, 0x4e, 0xec, 0xff, 0x74, 0x6d,
	0x64, 0x9a, 0x82, 0xa3, 0xab, 0x7e, 0x75, 0x4b, 0x59, 0x1c, 0x95, 0xa2, 0xe7, 0xc7,
	0xa5, 0xbd, 0x22, 0x11, 0x03, 0xdf, 0xfc, 0xf6, 0x80, 0x9f, 0x67, 0x8c, 0xdf, 0x50,
	0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0xe4,
	0xa8, 0x1a, 0x4f, 0x73, 0x00, 0x00, 0x00, 0x97, 0x00, 0x00, 0x00, 0x11, 0x00, 0x00,
	0x00, 0x77, 0x6f, 0x72, 0x64, 0x2f, 0x64, 0x6f, 0x63, 0x75, 0x6d, 0x65, 0x6e, 0x74,
	0x2e, 0x78, 0x6d, 0x6c, 0x45, 0xce, 0x31, 0x0e, 0xc2, 0x30, 0x0c, 0x05, 0xd0, 0xab,
	0xa0, 0x1e, 0x00, 0x57, 0x0c, 0x0c, 0x51, 0xc8, 0xc0, 0x4d, 0x42, 0x12, 0xda, 0x88,
	0x3a, 0xb6, 0x1c, 0x57, 0x81, 0xdb, 0xd3, 0xb4, 0x43, 0x97, 0xf7, 0x6d, 0xf9, 0x0f,
	0xb6, 0xcd, 0x44, 0x0a, 0x2b, 0xa6, 0xa2, 0x97, 0x2f, 0x2e, 0xa5, 0x9a, 0xf6, 0x18,
	0x66, 0x55, 0x36, 0x00, 0x35, 0xcc, 0x09, 0x7d, 0xbd, 0x12, 0xa7, 0xb2, 0xdd, 0xde,
	0x24, 0xe8, 0x75, 0x5b, 0x65, 0x82, 0x46, 0x12, 0x59, 0x28, 0xa4, 0x5a, 0x73, 0x99,
	0x70, 0x81, 0xdb, 0x38, 0xde, 0x01, 0x7d, 0x2e, 0x83, 0xb3, 0xcd, 0xbc, 0x28, 0xfe,
	0x7a, 0x72, 0x47, 0x3a, 0xea, 0x9e, 0xeb, 0x47, 0xb3, 0x85, 0x3e, 0x76, 0x65, 0x97,
	0x77, 0x8f, 0x3a, 0x9c, 0xaf, 0xb8, 0x3f, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14,
	0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0x9a, 0xc6, 0x98, 0x71, 0xca,
	0x00, 0x00, 0x00, 0x3a, 0x01, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x5b, 0x43, 0x6f,
	0x6e, 0x74, 0x65, 0x6e, 0x74, 0x5f, 0x54, 0x79, 0x70, 0x65, 0x73, 0x5d, 0x2e, 0x78,
	0x6d, 0x6c, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00,
	0xe0, 0x49, 0x6c, 0x5a, 0xe4, 0xa8, 0x1a, 0x4f, 0x73, 0x00, 0x00, 0x00, 0x97, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x80, 0x01, 0xfb, 0x00, 0x00, 0x00, 0x77, 0x6f, 0x72, 0x64, 0x2f, 0x64, 0x6f, 0x63,
	0x75, 0x6d, 0x65, 0x6e, 0x74, 0x2e, 0x78, 0x6d, 0x6c, 0x50, 0x4b, 0x05, 0x06, 0x00,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00, 0x80, 0x00, 0x00, 0x00, 0x9d, 0x01, 0x00,
	0x00, 0x00, 0x00,
};
static const unsigned char smp_xlsx[] = {
	0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a,
	0x21, 0x13, 0x44, 0xd4, 0xcd, 0x00, 0x00, 0x00, 0x32, 0x01, 0x00, 0x00, 0x13, 0x00,
	0x00, 0x00, 0x5b, 0x43, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x5f, 0x54, 0x79, 0x70,
	0x65, 0x73, 0x5d, 0x2e, 0x78, 0x6d, 0x6c, 0x7d, 0x50, 0xbd, 0x4e, 0xc3, 0x30, 0x10,
	0x7e, 0x15, 0xcb, 0x2b, 0x8a, 0x2f, 0x74, 0x40, 0x08, 0x25, 0xe9, 0x50, 0xca, 0x08,
	0x0c, 0xe5, 0x01, 0x0e, 0xfb, 0x92, 0x58, 0xf1, 0x9f, 0xec, 0x6b, 0x09, 0x6f, 0x8f,
	0xd3, 0x32, 0x31, 0x30, 0x9d, 0xee, 0xbe, 0x5f, 0x5d, 0xb7, 0x5f, 0xbd, 0x13, 0x17,
	0xca, 0xc5, 0xc6, 0xd0, 0xcb, 0x7b, 0xd5, 0x4a, 0x41, 0x41, 0x47, 0x63, 0xc3, 0xd4,
	0xcb, 0x8f, 0xd3, 0x4b, 0xf3, 0x28, 0xf7, 0x43, 0x77, 0xfa, 0x4e, 0x54, 0x44, 0xa5,
	0x86, 0xd2, 0xcb, 0x99, 0x39, 0x3d, 0x01, 0x14, 0x3d, 0x93, 0xc7, 0xa2, 0x62, 0xa2,
	0x50, 0x91, 0x31, 0x66, 0x8f, 0x5c, 0xd7, 0x3c, 0x41, 0x42, 0xbd, 0xe0, 0x44, 0xb0,
	0x6b, 0xdb, 0x07, 0xd0, 0x31, 0x30, 0x05, 0x6e, 0x78, 0xf3, 0x90, 0x43, 0xf7, 0x4c,
	0x23, 0x9e, 0x1d, 0x8b, 0xe3, 0x5a, 0xcf, 0xb7, 0xd8, 0x2a, 0x97, 0xe2, 0x70, 0xe3,
	0x6d, 0x51, 0xbd, 0xc4, 0x94, 0x9c, 0xd5, 0xc8, 0x15, 0x86, 0x0d, 0x85, 0xa1, 0x7b,
	0xab, 0x2d, 0xb3, 0x35, 0x24, 0xde, 0x31, 0xf3, 0x2b, 0xfa, 0xca, 0x82, 0xd5, 0xc1,
	0x57, 0xcc, 0xcb, 0x67, 0x8c, 0x8b, 0xfa, 0xdf, 0xe4, 0x12, 0xcc, 0x9f, 0xa6, 0x4d,
	0x1c, 0x47, 0xab, 0xc9, 0x44, 0x7d, 0xf6, 0x55, 0xa2, 0x4a, 0xca, 0x84, 0xa6, 0xcc,
	0x44, 0xec, 0x9d, 0xba, 0x4e, 0xe5, 0xd1, 0x86, 0xbb, 0xdf, 0x7c, 0xb8, 0x3e, 0x61,
	0xf8, 0x01, 0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49,
	0x6c, 0x5a, 0x85, 0xa0, 0x37, 0xe4, 0x54, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	0x0f, 0x00, 0x00, 0x00, 0x78, 0x6c, 0x2f, 0x77, 0x6f, 0x72, 0x6b, 0x62, 0x6f, 0x6f,
	0x6b, 0x2e, 0x78, 0x6d, 0x6c, 0x35, 0x8c, 0x41, 0x0a, 0x80, 0x20, 0x10, 0x00, 0xbf,
	0x12, 0x3e, 0xa0, 0x95, 0x0e, 0x1d, 0xc2, 0xfc, 0x8b, 0xd5, 0x96, 0xa1, 0xeb, 0x8a,
	0xbb, 0x50, 0xcf, 0x2f, 0x82, 0x8e, 0x33, 0x03, 0xe3, 0x2e, 0x6e, 0x69, 0x61, 0x4e,
	0xdd, 0x4d, 0xb9, 0xc8, 0x6c, 0xa2, 0x6a, 0x9d, 0x00, 0x64, 0x8d, 0x48, 0x41, 0x7a,
	0xae, 0x58, 0xde, 0xb2, 0x73, 0xa3, 0xa0, 0x2f, 0xb6, 0x03, 0xa4, 0x36, 0x0c, 0x9b,
	0x44, 0x44, 0xa5, 0x0c, 0x83, 0xb5, 0x23, 0x50, 0x38, 0x8b, 0xf1, 0xee, 0x73, 0x02,
	0xde, 0xc1, 0x7f, 0xf5, 0x0f, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00,
	0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0x21, 0x13, 0x44, 0xd4, 0xcd, 0x00, 0x00,
	0x00, 0x32, 0x01, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x5b, 0x43, 0x6f, 0x6e, 0x74,
	0x65, 0x6e, 0x74, 0x5f, 0x54, 0x79, 0x70, 0x65, 0x73, 0x5d, 0x2e, 0x78, 0x6d, 0x6c,
	0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49,
	0x6c, 0x5a, 0x85, 0xa0, 0x37, 0xe4, 0x54, 0x00, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	0x0f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01,
	0xfe, 0x00, 0x00, 0x00, 0x78, 0x6c, 0x2f, 0x77, 0x6f, 0x72, 0x6b, 0x62, 0x6f, 0x6f,
	0x6b, 0x2e, 0x78, 0x6d, 0x6c, 0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x02, 0x00, 0x7e, 0x00, 0x00, 0x00, 0x7f, 0x01, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_pptx[] = {
	0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a,
	0x95, 0xf6, 0xf1, 0x96, 0xc8, 0x00, 0x00, 0x00, 0x3f, 0x01, 0x00, 0x00, 0x13, 0x00,
	0x00, 0x00, 0x5b, 0x43, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x5f, 0x54, 0x79, 0x70,
	0x65, 0x73, 0x5d, 0x2e, 0x78, 0x6d, 0x6c, 0x7d, 0x50, 0xbd, 0x4e, 0xc3, 0x30, 0x10,
	0x7e, 0x15, 0xcb, 0x2b, 0x8a, 0x2f, 0x65, 0x40, 0x08, 0x25, 0xe9, 0x40, 0x61, 0x04,
	0x86, 0xf2, 0x00, 0x27, 0xe7, 0x92, 0x5a, 0xc4, 0x67, 0xcb, 0xbe, 0x56, 0xe5, 0xed,
	0xb9, 0xb4, 0x0c, 0xc0, 0xc0, 0xf8, 0xdd, 0xf7, 0xab, 0xeb, 0xb6, 0xe7, 0xb8, 0x98,
	0x13, 0x95, 0x1a, 0x12, 0xf7, 0x76, 0xe3, 0x5a, 0x6b, 0x88, 0x7d, 0x1a, 0x03, 0xcf,
	0xbd, 0x7d, 0xdf, 0x3f, 0x37, 0xf7, 0x76, 0x3b, 0x74, 0xfb, 0xcf, 0x4c, 0xd5, 0xa8,
	0x94, 0x6b, 0x6f, 0x0f, 0x22, 0xf9, 0x01, 0xa0, 0xfa, 0x03, 0x45, 0xac, 0x2e, 0x65,
	0x62, 0x65, 0xa6, 0x54, 0x22, 0x8a, 0xc2, 0x32, 0x43, 0x46, 0xff, 0x81, 0x33, 0xc1,
	0x6d, 0xdb, 0xde, 0x81, 0x4f, 0x2c, 0xc4, 0xd2, 0xc8, 0x9a, 0x61, 0x87, 0x6e, 0x47,
	0x13, 0x1e, 0x17, 0x31, 0x4f, 0x67, 0x3d, 0x5f, 0x6b, 0xd5, 0x6e, 0xcd, 0xe3, 0x55,
	0xb7, 0x56, 0xf5, 0x16, 0x73, 0x5e, 0x82, 0x47, 0x51, 0x1a, 0x56, 0x16, 0x86, 0xee,
	0x55, 0x57, 0x96, 0x30, 0x92, 0x79, 0xc3, 0x22, 0x2f, 0x18, 0x55, 0x05, 0x39, 0x0b,
	0xe4, 0x42, 0x55, 0x7d, 0x17, 0xad, 0xfb, 0x3f, 0xe9, 0xc4, 0xe3, 0x9f, 0xb9, 0x4d,
	0x9a, 0xa6, 0xe0, 0x69, 0x4c, 0xfe, 0x18, 0xd5, 0xe2, 0x7e, 0x86, 0xc5, 0xe5, 0x17,
	0x74, 0x11, 0x03, 0xdf, 0x7c, 0x8f, 0x81, 0xcb, 0x47, 0x86, 0x2f, 0x50, 0x4b, 0x03,
	0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0xc5, 0xa8, 0xbe,
	0x27, 0x4b, 0x00, 0x00, 0x00, 0x56, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x70,
	0x70, 0x74, 0x2f, 0x70, 0x72, 0x65, 0x73, 0x65, 0x6e, 0x74, 0x61, 0x74, 0x69, 0x6f,
	0x6e, 0x2e, 0x78, 0x6d, 0x6c, 0xb3, 0x29, 0xb0, 0x2a, 0x28, 0x4a, 0x2d, 0x4e, 0xcd,
	0x2b, 0x49, 0x2c, 0xc9, 0xcc, 0xcf, 0x53, 0xa8, 0xc8, 0xcd, 0xc9, 0x2b, 0xb6, 0x2a,
	0xb0, 0x55, 0xca, 0x28, 0x29, 0x29, 0xb0, 0xd2, 0xd7, 0x2f, 0x4e, 0xce, 0x48, 0xcd,
	0x4d, 0x2c, 0xd6, 0xcb, 0x2f, 0x48, 0xcd, 0x03, 0xca, 0xa5, 0xe5, 0x17, 0xe5, 0x26,
	0x96, 0x00, 0xb9, 0x45, 0xe9, 0xfa, 0xc8, 0xfa, 0x72, 0x73, 0xf4, 0x8d, 0x0c, 0x0c,
	0xcc, 0xf4, 0x73, 0x13, 0x33, 0xf3, 0x94, 0xf4, 0xed, 0x00, 0x50, 0x4b, 0x01, 0x02,
	0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0x95, 0xf6,
	0xf1, 0x96, 0xc8, 0x00, 0x00, 0x00, 0x3f, 0x01, 0x00, 0x00, 0x13, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x5b, 0x43, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x5f, 0x54, 0x79, 0x70, 0x65, 0x73,
	0x5d, 0x2e, 0x78, 0x6d, 0x6c, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00,
	0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0xc5, 0xa8, 0xbe, 0x27, 0x4b, 0x00, 0x00,
	0x00, 0x56, 0x00, 0x00, 0x00, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x80, 0x01, 0xf9, 0x00, 0x00, 0x00, 0x70, 0x70, 0x74, 0x2f, 0x70,
	0x72, 0x65, 0x73, 0x65, 0x6e, 0x74, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2e, 0x78, 0x6d,
	0x6c, 0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00, 0x83,
	0x00, 0x00, 0x00, 0x76, 0x01, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_odt[] = {
	0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x49, 0x6c, 0x5a,
	0x5e, 0xc6, 0x32, 0x0c, 0x27, 0x00, 0x00, 0x00, 0x27, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x6d, 0x69, 0x6d, 0x65, 0x74, 0x79, 0x70, 0x65, 0x61, 0x70, 0x70, 0x6c,
	0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2f, 0x76, 0x6e, 0x64, 0x2e, 0x6f, 0x61,
	0x73, 0x69, 0x73, 0x2e, 0x6f, 0x70, 0x65, 0x6e, 0x64, 0x6f, 0x63, 0x75, 0x6d, 0x65,
	0x6e, 0x74, 0x2e, 0x74, 0x65, 0x78, 0x74, 0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00,
	0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0x71, 0xe0, 0xc6, 0xd6, 0x46, 0x00, 0x00,
	0x00, 0x5a, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x63, 0x6f, 0x6e, 0x74, 0x65,
	0x6e, 0x74, 0x2e, 0x78, 0x6d, 0x6c, 0xb3, 0xc9, 0x4f, 0x4b, 0xcb, 0x4c, 0x4e, 0xb5,
	0x4a, 0xc9, 0x4f, 0x2e, 0xcd, 0x4d, 0xcd, 0x2b, 0xd1, 0x4d, 0xce, 0xcf, 0x2b, 0x01,
	0xd2, 0x0a, 0x15, 0xb9, 0x39, 0x79, 0xc5, 0x56, 0x10, 0x59, 0x5b, 0xa5, 0xd2, 0xa2,
	0x3c, 0xab, 0xfc, 0xc4, 0xe2, 0xcc, 0x62, 0xab, 0xbc, 0xc4, 0xdc, 0xd4, 0x62, 0xab,
	0x92, 0x64, 0xab, 0xfc, 0x82, 0xd4, 0x3c, 0x98, 0x2e, 0x2b, 0x64, 0xd5, 0x56, 0x86,
	0x7a, 0x06, 0x4a, 0xfa, 0x76, 0x00, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00,
	0x00, 0x00, 0x00, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0x5e, 0xc6, 0x32, 0x0c, 0x27, 0x00,
	0x00, 0x00, 0x27, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6d, 0x69, 0x6d, 0x65,
	0x74, 0x79, 0x70, 0x65, 0x50, 0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00,
	0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0x71, 0xe0, 0xc6, 0xd6, 0x46, 0x00, 0x00, 0x00,
	0x5a, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x80, 0x01, 0x4d, 0x00, 0x00, 0x00, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e,
	0x74, 0x2e, 0x78, 0x6d, 0x6c, 0x50, 0x4b, 0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x00, 0x02, 0x00, 0x6f, 0x00, 0x00, 0x00, 0xbc, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const unsigned char smp_ods[] = {
	0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x49, 0x6c, 0x5a,
	0x85, 0x6c, 0x39, 0x8a, 0x2e, 0x00, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x08, 0x00,
	0x00, 0x00, 0x6d, 0x69, 0x6d, 0x65, 0x74, 0x79, 0x70, 0x65, 0x61, 0x70, 0x70, 0x6c,
	0x69, 0x63, 0x61, 0x74, 0x69, 0x6f, 0x6e, 0x2f, 0x76, 0x6e, 0x64, 0x2e, 0x6f, 0x61,
	0x73, 0x69, 0x73, 0x2e, 0x6f, 0x70, 0x65, 0x6e, 0x64, 0x6f, 0x63, 0x75, 0x6d, 0x65,
	0x6e, 0x74, 0x2e, 0x73, 0x70, 0x72, 0x65, 0x61, 0x64, 0x73, 0x68, 0x65, 0x65, 0x74,
	0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a,
	0x71, 0xe0, 0xc6, 0xd6, 0x46, 0x00, 0x00, 0x00, 0x5a, 0x00, 0x00, 0x00, 0x0b, 0x00,
	0x00, 0x00, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2e, 0x78, 0x6d, 0x6c, 0xb3,
	0xc9, 0x4f, 0x4b, 0xcb, 0x4c, 0x4e, 0xb5, 0x4a, 0xc9, 0x4f, 0x2e, 0xcd, 0x4d, 0xcd,
	0x2b, 0xd1, 0x4d, 0xce, 0xcf, 0x2b, 0x01, 0xd2, 0x0a, 0x15, 0xb9, 0x39, 0x79, 0xc5,
	0x56, 0x10, 0x59, 0x5b, 0xa5, 0xd2, 0xa2, 0x3c, 0xab, 0xfc, 0xc4, 0xe2, 0xcc, 0x62,
	0xab, 0xbc, 0xc4, 0xdc, 0xd4, 0x62, 0xab, 0x92, 0x64, 0xab, 0xfc, 0x82, 0xd4, 0x3c,
	0x98, 0x2e, 0x2b, 0x64, 0xd5, 0x56, 0x86, 0x7a, 0x06, 0x4a, 0xfa, 0x76, 0x00, 0x50,
	0x4b, 0x01, 0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe0, 0x49, 0x6c,
	0x5a, 0x85, 0x6c, 0x39, 0x8a, 0x2e, 0x00, 0x00, 0x00, 0x2e, 0x00, 0x00, 0x00, 0x08,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x00,
	0x00, 0x00, 0x00, 0x6d, 0x69, 0x6d, 0x65, 0x74, 0x79, 0x70, 0x65, 0x50, 0x4b, 0x01,
	0x02, 0x14, 0x03, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0xe0, 0x49, 0x6c, 0x5a, 0x71,
	0xe0, 0xc6, 0xd6, 0x46, 0x00, 0x00, 0x00, 0x5a, 0x00, 0x00, 0x00, 0x0b, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x80, 0x01, 0x54, 0x00, 0x00,
	0x00, 0x63, 0x6f, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x2e, 0x78, 0x6d, 0x6c, 0x50, 0x4b,
	0x05, 0x06, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x02, 0x00, 0x6f, 0x00, 0x00, 0x00,
	0xc3, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* MPEG-1 Layer III: an empty ID3v2.4 tag, then two 128 kbit/s 44.1 kHz frames of 417 bytes. */
static unsigned char smp_mp3[10 + 2 * 417];

static void make_mp3(void)
{
	memset(smp_mp3, 0, sizeof smp_mp3);
	memcpy(smp_mp3, "ID3\x04\x00\x00\x00\x00\x00\x00", 10);
	for (int i = 0; i < 2; i++)
		memcpy(smp_mp3 + 10 + 417 * i, "\xff\xfb\x90\x64", 4);
}

#define FIELD(n, v) { .name = (n), .data = (v), .len = MPART_STRLEN }
#define FILEPART(n, fname, ctype, d, l) { .name = (n), .filename = (fname), .type = (ctype), \
                                          .data = (d), .len = (l) }

/* ---- submitting ---- */

/* POST /api/v1/reports as JSON, ?lang= when lang is not NULL. */
static void submit_json(const char *lang, const char *body, struct response *r)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/reports%s%s", lang ? "?lang=" : "", lang ? lang : "");
	call(&srv, "POST", path, NULL, body, r);
}

static void submit_multipart_on(const struct server *s, const struct mpart *parts, size_t n,
                                struct response *r)
{
	http_post_multipart(s, "/api/v1/reports", NULL, parts, n, 60000, r);
}

/* Checks a 201 of POST /reports made between unix times t0 and t1 with nfiles files, and fills
 * rep (optional) from it. */
static void check_created(const struct response *r, long long t0, long long t1, size_t nfiles,
                          struct rep *rep)
{
	assert_status(r, 201);
	const char *ct = response_header(r, "Content-Type");
	assert_non_null(ct);
	assert_non_null(strstr(ct, "application/json"));
	if (!has_no_store(r))
		print_error("the receipt's response may be cached: Cache-Control %s\n",
		            response_header(r, "Cache-Control") ? response_header(r, "Cache-Control")
		                                                 : "(none)");
	assert_true(has_no_store(r));
	json_t *j = r->json;
	assert_true(json_is_object(j));
	if (json_object_size(j) != 4)
		print_error("201 body: %.600s\n", r->body);
	assert_int_equal(json_object_size(j), 4);
	const char *rc = json_string_value(json_object_get(j, "receipt"));
	const char *rd = json_string_value(json_object_get(j, "receipt_display"));
	const char *on = json_string_value(json_object_get(j, "submitted_on"));
	if (!all_digits(rc, 20))
		print_error("receipt: %s\n", rc ? rc : "(none)");
	assert_true(all_digits(rc, 20));
	assert_non_null(rd);
	char want[32];
	snprintf(want, sizeof want, "%.5s %.5s %.5s %.5s", rc, rc + 5, rc + 10, rc + 15);
	assert_string_equal(rd, want);
	char d0[16], d1[16];
	wib_date(t0, d0);
	wib_date(t1, d1);
	assert_non_null(on);
	if (strcmp(on, d0) != 0 && strcmp(on, d1) != 0)
		print_error("submitted_on %s, WIB today is %s\n", on, d1);
	assert_true(strcmp(on, d0) == 0 || strcmp(on, d1) == 0);
	json_t *files = json_object_get(j, "files");
	assert_true(json_is_array(files));
	assert_int_equal(json_array_size(files), nfiles);
	if (rep) {
		snprintf(rep->receipt, sizeof rep->receipt, "%s", rc);
		snprintf(rep->display, sizeof rep->display, "%s", rd);
		snprintf(rep->submitted_on, sizeof rep->submitted_on, "%s", on);
	}
}

/* Submits a JSON body that must be accepted; fills rep (optional). */
static void submit_ok(const char *lang, const char *body, struct rep *rep)
{
	struct response r;
	long long t0 = (long long)time(NULL);
	submit_json(lang, body, &r);
	check_created(&r, t0, (long long)time(NULL), 0, rep);
	response_free(&r);
}

/* A file entry of a 201 or of the report view. */
static void check_file(const json_t *f, const char *name, const char *type, size_t size,
                       bool with_id)
{
	assert_true(json_is_object(f));
	if (strcmp(str_or(json_string_value(json_object_get(f, "name")), ""), name) != 0 ||
	    strcmp(str_or(json_string_value(json_object_get(f, "type")), ""), type) != 0)
		print_error("file entry %s, expected name %s type %s\n", json_dumps(f, JSON_COMPACT),
		            name, type);
	assert_string_equal(json_string_value(json_object_get(f, "name")), name);
	assert_string_equal(json_string_value(json_object_get(f, "type")), type);
	assert_true(json_is_integer(json_object_get(f, "size")));
	assert_int_equal(json_integer_value(json_object_get(f, "size")), (json_int_t)size);
	assert_true(json_is_boolean(json_object_get(f, "cleaned")));
	assert_true(json_is_array(json_object_get(f, "removed")));
	if (with_id) {
		const char *id = json_string_value(json_object_get(f, "id"));
		assert_non_null(id);
		assert_true(strlen(id) >= 8);
	}
}

/* The entry of a view's files with this name (the spec gives no order), NULL if none. */
static json_t *file_named(const json_t *files, const char *name)
{
	size_t i;
	json_t *f, *found = NULL;
	json_array_foreach(files, i, f) {
		if (strcmp(str_or(json_string_value(json_object_get(f, "name")), ""), name) == 0) {
			assert_null(found); /* names are unique in these tests */
			found = f;
		}
	}
	if (!found)
		print_error("no file named %s in %s\n", name, json_dumps(files, JSON_COMPACT));
	return found;
}

/* A file kept as uploaded (keep_metadata, or nothing to remove): cleaned false, removed []. */
static void check_uncleaned(const json_t *f)
{
	assert_true(json_is_false(json_object_get(f, "cleaned")));
	assert_int_equal(json_array_size(json_object_get(f, "removed")), 0);
}

/* ---- the reporter ---- */

static void reporter_login_raw(const char *receipt, struct response *r)
{
	char *b = J("{s:s}", "receipt", receipt);
	call(&srv, "POST", "/api/v1/reporter/login", NULL, b, r);
	free(b);
}

/* Signs in with a receipt (asserts 200); the token, and *csrf (optional), malloc'd. */
static char *reporter_login(const char *receipt, char **csrf)
{
	struct response r;
	reporter_login_raw(receipt, &r);
	assert_status(&r, 200);
	const char *t = json_string_value(json_object_get(r.json, "token"));
	const char *c = json_string_value(json_object_get(r.json, "csrf"));
	assert_non_null(t);
	assert_non_null(c);
	assert_true(strlen(t) >= 32);
	assert_true(strlen(c) >= 16);
	char *tk = strdup(t);
	if (csrf)
		*csrf = strdup(c);
	response_free(&r);
	return tk;
}

static void need(const struct rep *rep)
{
	if (!rep->receipt[0])
		fail_msg("%s was not submitted (an earlier test failed)", rep->label);
}

/* The cached reporter session of rep. */
static const char *rtok(struct rep *rep)
{
	need(rep);
	if (!rep->token)
		rep->token = reporter_login(rep->receipt, &rep->csrf);
	return rep->token;
}

/* GET /reporter/report with a token (and ?lang=); the body in *out (caller decrefs) on 200. */
static long get_report(const char *token, const char *lang, json_t **out)
{
	char path[64];
	snprintf(path, sizeof path, "/api/v1/reporter/report%s%s", lang ? "?lang=" : "",
	         lang ? lang : "");
	struct response r;
	http_get_as(&srv, token, path, &r);
	long st = r.status;
	if (st != 200)
		print_error("GET %s: HTTP %ld %.400s\n", path, st, r.body);
	else if (!has_no_store(&r))
		print_error("GET %s: Cache-Control %s\n", path,
		            response_header(&r, "Cache-Control") ? response_header(&r, "Cache-Control")
		                                                  : "(none)");
	bool ns = has_no_store(&r);
	if (out)
		*out = st == 200 ? json_incref(r.json) : NULL;
	response_free(&r);
	if (st == 200)
		assert_true(ns);
	return st;
}

static json_t *report_of(struct rep *rep, const char *lang)
{
	json_t *v = NULL;
	assert_int_equal(get_report(rtok(rep), lang, &v), 200);
	assert_true(json_is_object(v));
	return v;
}

/* The view's shape: the nine keys of the spec, with their types. */
static void check_view_shape(const json_t *v)
{
	static const char *const keys[] = { "category", "status", "status_label", "submitted_on",
	                                    "content", "identity", "files", "messages", "timeline" };
	for (size_t i = 0; i < 9; i++) {
		if (!json_object_get(v, keys[i]))
			print_error("no \"%s\" in %s\n", keys[i], json_dumps(v, JSON_COMPACT));
		assert_non_null(json_object_get(v, keys[i]));
	}
	if (json_object_size(v) != 9)
		print_error("report view: %.800s\n", json_dumps(v, JSON_COMPACT));
	assert_int_equal(json_object_size(v), 9);
	assert_true(json_is_string(json_object_get(v, "category")));
	assert_string_equal(json_string_value(json_object_get(v, "status")), "received");
	const char *label = json_string_value(json_object_get(v, "status_label"));
	assert_non_null(label);
	assert_true(strlen(label) > 0);
	assert_true(json_is_object(json_object_get(v, "content")));
	json_t *idn = json_object_get(v, "identity");
	assert_true(json_is_null(idn) || json_is_object(idn));
	assert_true(json_is_array(json_object_get(v, "files")));
	assert_true(json_is_array(json_object_get(v, "messages")));
	assert_true(json_is_array(json_object_get(v, "timeline")));
}

/* content equals `want` (an object of the eight keys; numbers compared as numbers). */
static void check_content(const json_t *content, const json_t *want)
{
	static const char *const keys[] = { "message", "involved", "occurred", "kecamatan",
	                                    "kelurahan", "address", "lat", "lon" };
	if (json_object_size(content) != 8)
		print_error("content: %.800s\n", json_dumps(content, JSON_COMPACT));
	assert_int_equal(json_object_size(content), 8);
	for (size_t i = 0; i < 8; i++) {
		json_t *g = json_object_get(content, keys[i]), *w = json_object_get(want, keys[i]);
		assert_non_null(w);
		if (!g)
			fail_msg("content has no \"%s\" (absent values are null)", keys[i]);
		bool ok;
		if (json_is_number(w))
			ok = json_is_number(g) && fabs(json_number_value(g) - json_number_value(w)) < 1e-9;
		else
			ok = json_equal(g, w);
		if (!ok) {
			char *gs = json_dumps(g, JSON_ENCODE_ANY), *ws = json_dumps(w, JSON_ENCODE_ANY);
			print_error("content.%s: got %.300s, sent %.300s\n", keys[i], gs, ws);
			free(gs);
			free(ws);
		}
		assert_true(ok);
	}
}

static void check_identity(const json_t *idn, const char *phone, const char *name,
                           const char *email)
{
	assert_true(json_is_object(idn));
	assert_int_equal(json_object_size(idn), 3);
	const char *k[] = { "phone", "name", "email" }, *w[] = { phone, name, email };
	for (size_t i = 0; i < 3; i++) {
		json_t *g = json_object_get(idn, k[i]);
		assert_non_null(g);
		if (!w[i]) {
			assert_true(json_is_null(g));
		} else {
			if (!json_is_string(g) || strcmp(json_string_value(g), w[i]) != 0)
				print_error("identity.%s: got %s, expected %s\n", k[i],
				            json_is_string(g) ? json_string_value(g) : "(not a string)", w[i]);
			assert_string_equal(json_string_value(g), w[i]);
		}
	}
}

/* A message's "at": RFC 3339 UTC, rounded down to the hour, at most an hour old. */
static void check_hour_rounded(const char *at)
{
	long long t, now = (long long)time(NULL);
	if (!parse_utc(at, &t))
		fail_msg("\"at\" %s is not an RFC 3339 UTC time", at ? at : "(none)");
	if (t % 3600 != 0)
		print_error("\"at\" %s is not rounded down to the hour\n", at);
	assert_int_equal(t % 3600, 0);
	assert_true(t <= now);
	assert_true(t > now - 2 * 3600);
}

/* The system acknowledgement first and only once; it names the verification and the answer
 * dates (submitted_on + ack_days, + resolve_days). Returns its body. */
static const char *check_system_message(const json_t *v, int ack_days, int resolve_days)
{
	json_t *msgs = json_object_get(v, "messages");
	assert_true(json_array_size(msgs) >= 1);
	json_t *m0 = json_array_get(msgs, 0);
	if (strcmp(str_or(json_string_value(json_object_get(m0, "from")), ""), "system") != 0)
		print_error("messages: %.600s\n", json_dumps(msgs, JSON_COMPACT));
	assert_string_equal(json_string_value(json_object_get(m0, "from")), "system");
	assert_non_null(json_string_value(json_object_get(m0, "id")));
	const char *body = json_string_value(json_object_get(m0, "body"));
	assert_non_null(body);
	assert_true(strlen(body) >= 20);
	/* no exact time of a submission is kept (SECURITY.md threat 7) */
	check_hour_rounded(json_string_value(json_object_get(m0, "at")));
	size_t i, systems = 0;
	json_t *m;
	json_array_foreach(msgs, i, m)
		systems += strcmp(str_or(json_string_value(json_object_get(m, "from")), ""), "system") == 0;
	assert_int_equal(systems, 1);
	const char *on = json_string_value(json_object_get(v, "submitted_on"));
	int y, mo, d;
	date_plus(on, ack_days, &y, &mo, &d);
	if (!mentions_date(body, y, mo, d))
		print_error("the acknowledgement does not name %04d-%02d-%02d (submitted %s + %d days): "
		            "%s\n", y, mo, d, on, ack_days, body);
	assert_true(mentions_date(body, y, mo, d));
	date_plus(on, resolve_days, &y, &mo, &d);
	if (!mentions_date(body, y, mo, d))
		print_error("the acknowledgement does not name %04d-%02d-%02d (submitted %s + %d days): "
		            "%s\n", y, mo, d, on, resolve_days, body);
	assert_true(mentions_date(body, y, mo, d));
	return body;
}

/* One "received" entry whose "at" is the submission date (the date itself, or 00:00 WIB of it). */
static void check_timeline(const json_t *v)
{
	json_t *tl = json_object_get(v, "timeline");
	if (json_array_size(tl) != 1)
		print_error("timeline: %.600s\n", json_dumps(tl, JSON_COMPACT));
	assert_int_equal(json_array_size(tl), 1);
	json_t *e = json_array_get(tl, 0);
	assert_string_equal(json_string_value(json_object_get(e, "status")), "received");
	assert_non_null(json_object_get(e, "reason"));
	assert_true(json_is_null(json_object_get(e, "reason")));
	const char *at = json_string_value(json_object_get(e, "at"));
	const char *on = json_string_value(json_object_get(v, "submitted_on"));
	assert_non_null(at);
	long long t;
	bool ok = strcmp(at, on) == 0 || (parse_utc(at, &t) && t == wib_midnight(on));
	if (!ok)
		print_error("timeline \"at\" %s is not the submission date %s\n", at, on);
	assert_true(ok);
}

/* ---- set-up ---- */

static int add_user(const char *username, const char *role, const char *name, const char *pwfile,
                    const char *confirm_as, const char *confirm_file)
{
	char *out = NULL, *err = NULL;
	int rc = confirm_as
	                 ? peluit_run(&srv, &out, &err, "user", "add", "--username", username, "--role",
	                              role, "--name", name, "--password-file", pwfile, "--confirm-as",
	                              confirm_as, "--confirm-password-file", confirm_file, NULL)
	                 : peluit_run(&srv, &out, &err, "user", "add", "--username", username, "--role",
	                              role, "--name", name, "--password-file", pwfile, NULL);
	if (rc != 0)
		fprintf(stderr, "user add %s: exit %d\n%s%s\n", username, rc, out ? out : "",
		        err ? err : "");
	free(out);
	free(err);
	return rc;
}

static int group_setup(void **state)
{
	(void)state;
	http_global_init();
	if (server_prepare(&srv) != 0)
		return -1;
	char f_root[160], f_admin[160], f_inv1[160], f_lead1[160], f_pend1[160];
	if (server_write_file(&srv, "pw-root", PW_ROOT, f_root, sizeof f_root) ||
	    server_write_file(&srv, "pw-admin", PW_ADMIN, f_admin, sizeof f_admin) ||
	    server_write_file(&srv, "pw-inv1", PW_INV1, f_inv1, sizeof f_inv1) ||
	    server_write_file(&srv, "pw-lead1", PW_LEAD1, f_lead1, sizeof f_lead1) ||
	    server_write_file(&srv, "pw-pend1", PW_PEND1, f_pend1, sizeof f_pend1) ||
	    add_user("root1", "supervisor", NAME_ROOT, f_root, NULL, NULL) ||
	    add_user("admin1", "admin", NAME_ADMIN, f_admin, NULL, NULL) ||
	    add_user("inv1", "investigator", NAME_INV1, f_inv1, "root1", f_root) ||
	    add_user("lead1", "leader", NAME_LEAD1, f_lead1, "root1", f_root) ||
	    add_user("pend1", "investigator", NAME_PEND1, f_pend1, NULL, NULL) ||
	    server_serve(&srv) != 0) {
		server_stop(&srv);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = 0;
	if (nsrv.root[0] && server_stop(&nsrv) != 0)
		rc = -1;
	if (rsrv.root[0] && server_stop(&rsrv) != 0)
		rc = -1;
	if (srv_halted)
		server_cleanup(&srv);
	else if (server_stop(&srv) != 0)
		rc = -1;
	for (size_t i = 0; i < sizeof staff / sizeof *staff; i++) {
		free(staff[i].token);
		free(staff[i].csrf);
	}
	struct rep *reps[] = { &r_min, &r_full, &r_files };
	for (size_t i = 0; i < 3; i++) {
		free(reps[i]->token);
		free(reps[i]->csrf);
	}
	json_decref(meta_types);
	http_global_cleanup();
	return rc;
}

/* ---- meta ---- */

static void test_meta_accepting_and_recipients(void **state)
{
	(void)state;
	json_t *m = get_meta(&srv, NULL);
	assert_true(json_is_true(json_object_get(m, "accepting")));
	static const char *const codes[] = { "korupsi", "gratifikasi", "penyalahgunaan_wewenang",
	                                     "pengadaan", "benturan_kepentingan",
	                                     "pelanggaran_disiplin", "lainnya" };
	json_t *cats = json_object_get(m, "categories");
	assert_int_equal(json_array_size(cats), 7);
	for (size_t i = 0; i < 7; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(cats, i), "code")),
		                    codes[i]);
	json_t *lim = json_object_get(m, "limits");
	assert_int_equal(json_integer_value(json_object_get(lim, "max_files")), 10);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_file_bytes")), 104857600);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_message_chars")), 20000);
	json_t *types = json_object_get(lim, "accepted_types");
	assert_true(json_array_size(types) >= 10);
	json_decref(meta_types);
	meta_types = json_incref(types);
	/* the three confirmed readers; neither the admin nor the pending investigator */
	assert_int_equal(json_array_size(json_object_get(m, "recipients")), 3);
	assert_true(recipient_id(m, NAME_ROOT, id_root, sizeof id_root));
	assert_true(recipient_id(m, NAME_INV1, id_inv1, sizeof id_inv1));
	assert_true(recipient_id(m, NAME_LEAD1, id_lead1, sizeof id_lead1));
	char unused[80];
	assert_false(recipient_id(m, NAME_PEND1, unused, sizeof unused));
	assert_false(recipient_id(m, NAME_ADMIN, unused, sizeof unused));
	json_decref(m);
	user_id("pend1", id_pend1, sizeof id_pend1);
	user_id("admin1", id_admin, sizeof id_admin);
}

/* ---- JSON submissions ---- */

#define MSG_OK "Ada pungutan liar di loket pelayanan KTP setiap pagi."

static void test_submit_json_minimal(void **state)
{
	(void)state;
	long long before = reports_in_db(&srv);
	char *b = J("{s:s, s:s}", "category", "korupsi", "message", MSG_OK);
	submit_ok(NULL, b, &r_min);
	free(b);
	assert_int_equal(reports_in_db(&srv), before + 1);
}

/* Every field rule of the spec over JSON: each row has exactly one fault. */
struct field_case {
	const char *patch;   /* a JSON object merged into the valid base body */
	const char *drop;    /* a key removed from it */
	const char *lf;      /* a field set to lc repeated ln times, then lsuf */
	const char *lc;
	size_t ln;
	const char *lsuf;
	long status;
	const char *code;
	const char *field;
};

static void test_json_field_rules(void **state)
{
	(void)state;
	const struct field_case cases[] = {
		/* category */
		{ .drop = "category", .status = 400, .code = "missing_field", .field = "category" },
		{ "{\"category\":\"unknown\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "category" },
		{ "{\"category\":\"KORUPSI\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "category" },
		{ "{\"category\":7}", 0, 0, 0, 0, 0, 400, "invalid_field", "category" },
		/* message: 20..20000 code points after trimming */
		{ .drop = "message", .status = 400, .code = "missing_field", .field = "message" },
		{ .lf = "message", .lc = "a", .ln = 19, .status = 400, .code = "invalid_field",
		  .field = "message" },
		{ .lf = "message", .lc = "\xc3\xa9", .ln = 19, .status = 400, .code = "invalid_field",
		  .field = "message" }, /* 38 bytes, 19 code points */
		{ "{\"message\":\"          abcdefghijklmnopqrs          \"}", 0, 0, 0, 0, 0, 400,
		  "invalid_field", "message" },
		{ "{\"message\":\"\\n\\t   abcdefghijklmnopqrs \\r\\n \"}", 0, 0, 0, 0, 0, 400,
		  "invalid_field", "message" },
		{ .lf = "message", .lc = "a", .ln = 20001, .status = 400, .code = "invalid_field",
		  .field = "message" },
		{ "{\"message\":123456789012345678}", 0, 0, 0, 0, 0, 400, "invalid_field",
		  "message" },
		/* optional strings */
		{ .lf = "involved", .lc = "a", .ln = 1001, .status = 400, .code = "invalid_field",
		  .field = "involved" },
		{ .lf = "occurred", .lc = "a", .ln = 201, .status = 400, .code = "invalid_field",
		  .field = "occurred" },
		{ .lf = "address", .lc = "a", .ln = 501, .status = 400, .code = "invalid_field",
		  .field = "address" },
		{ "{\"involved\":5}", 0, 0, 0, 0, 0, 400, "invalid_field", "involved" },
		{ "{\"address\":[\"Jl. Merdeka\"]}", 0, 0, 0, 0, 0, 400, "invalid_field", "address" },
		/* kecamatan, kelurahan */
		{ "{\"kecamatan\":\"atlantis\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "kecamatan" },
		{ "{\"kecamatan\":\"tangerang\",\"kelurahan\":\"tangerang/atlantis\"}", 0, 0, 0, 0, 0,
		  400, "invalid_field", "kelurahan" },
		{ "{\"kecamatan\":\"tangerang\",\"kelurahan\":\"jatiuwung/jatake\"}", 0, 0, 0, 0, 0, 400,
		  "invalid_field", "kelurahan" },
		{ "{\"kelurahan\":\"tangerang/sukarasa\"}", 0, 0, 0, 0, 0, 400, "missing_field",
		  "kecamatan" },
		/* lat, lon */
		{ "{\"lat\":-6.17}", 0, 0, 0, 0, 0, 400, "missing_field", "lon" },
		{ "{\"lon\":106.63}", 0, 0, 0, 0, 0, 400, "missing_field", "lat" },
		{ "{\"lat\":90.0001,\"lon\":106.6}", 0, 0, 0, 0, 0, 400, "invalid_field", "lat" },
		{ "{\"lat\":-90.5,\"lon\":106.6}", 0, 0, 0, 0, 0, 400, "invalid_field", "lat" },
		{ "{\"lat\":-6.2,\"lon\":180.5}", 0, 0, 0, 0, 0, 400, "invalid_field", "lon" },
		{ "{\"lat\":-6.2,\"lon\":-181}", 0, 0, 0, 0, 0, 400, "invalid_field", "lon" },
		{ "{\"lat\":\"-6.2\",\"lon\":106.6}", 0, 0, 0, 0, 0, 400, "invalid_field", "lat" },
		{ "{\"lat\":-6.2,\"lon\":\"106.6\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "lon" },
		/* phone: 8..15 digits after the plus once normalized */
		{ "{\"phone\":\"12345\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		{ "{\"phone\":\"0812\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		{ "{\"phone\":\"0812-3456-7890-1234\"}", 0, 0, 0, 0, 0, 400, "invalid_field",
		  "phone" }, /* +62812345678901234: 17 digits */
		{ "{\"phone\":\"+1 234 567\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		{ "{\"phone\":\"+1234567890123456\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		{ "{\"phone\":\"0812 3456 789x\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		/* with +, the national rules too: no country code starts with 0, no second trunk 0 */
		{ "{\"phone\":\"+0812345678\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		{ "{\"phone\":\"+62 00812 3456 789\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		{ "{\"phone\":\"+62 812\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "phone" },
		{ "{\"phone\":\"+62 812 3456 7890 ext 5\"}", 0, 0, 0, 0, 0, 400, "invalid_field",
		  "phone" },
		/* name, email */
		{ .lf = "name", .lc = "a", .ln = 201, .status = 400, .code = "invalid_field",
		  .field = "name" },
		{ "{\"email\":\"not-an-email\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "email" },
		{ "{\"email\":\"budi santoso@example.com\"}", 0, 0, 0, 0, 0, 400, "invalid_field",
		  "email" },
		{ "{\"email\":\"budi@localhost\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "email" },
		{ "{\"email\":\"@example.com\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "email" },
		{ .lf = "email", .lc = "a", .ln = 189, .lsuf = "@example.com", .status = 400,
		  .code = "invalid_field", .field = "email" }, /* 201 characters */
		/* exclude */
		{ "{\"exclude\":[\"no-such-reader-id-0000\"]}", 0, 0, 0, 0, 0, 400, "invalid_field",
		  "exclude" },
		{ "{\"exclude\":\"no-such-reader-id-0000\"}", 0, 0, 0, 0, 0, 400, "invalid_field",
		  "exclude" },
		/* keep_metadata: a JSON boolean */
		{ "{\"keep_metadata\":\"true\"}", 0, 0, 0, 0, 0, 400, "invalid_field", "keep_metadata" },
		{ "{\"keep_metadata\":1}", 0, 0, 0, 0, 0, 400, "invalid_field", "keep_metadata" },
	};
	long long before = reports_in_db(&srv), audit_before = audit_in_db(&srv);
	int bad = 0;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		const struct field_case *c = &cases[i];
		json_t *body = json_pack("{s:s, s:s}", "category", "korupsi", "message", MSG_OK);
		if (c->patch) {
			json_t *p = json_loads(c->patch, 0, NULL);
			assert_non_null(p);
			json_object_update(body, p);
			json_decref(p);
		}
		if (c->drop)
			json_object_del(body, c->drop);
		if (c->lf) {
			char *v = repeat(c->lc, c->ln, c->lsuf);
			json_object_set_new(body, c->lf, json_string(v));
			free(v);
		}
		char *text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
		struct response r;
		submit_json(NULL, text, &r);
		const char *code = response_error_code(&r), *field = error_field(&r);
		const char *msg = error_message(&r);
		bool ok = r.status == c->status && code && strcmp(code, c->code) == 0 && field &&
		          strcmp(field, c->field) == 0 && msg && *msg;
		if (!ok) {
			print_error("case %zu: %.200s\n  expected %ld %s field %s; got HTTP %ld %.300s\n", i,
			            text, c->status, c->code, c->field, r.status, r.body);
			bad++;
		}
		free(text);
		response_free(&r);
	}
	/* not JSON at all */
	struct response r;
	submit_json(NULL, "{\"category\":\"korupsi\",\"message\":", &r);
	expect_error(&r, 400, "invalid_json", NULL);
	response_free(&r);
	submit_json(NULL, "[\"korupsi\"]", &r);
	assert_status(&r, 400);
	response_free(&r);
	assert_int_equal(bad, 0);
	/* nothing of a refused submission is stored, not even an audit entry */
	assert_int_equal(reports_in_db(&srv), before);
	assert_int_equal(audit_in_db(&srv), audit_before);
}

static void test_errors_localized(void **state)
{
	(void)state;
	char *b = J("{s:s}", "message", MSG_OK);
	struct response rid, ren;
	submit_json("id", b, &rid);
	submit_json("en", b, &ren);
	const char *mid = expect_error(&rid, 400, "missing_field", "category");
	char men[512];
	snprintf(men, sizeof men, "%s", expect_error(&ren, 400, "missing_field", "category"));
	if (strcmp(mid, men) == 0)
		print_error("the same message in both languages: %s\n", mid);
	assert_string_not_equal(mid, men);
	response_free(&rid);
	response_free(&ren);
	/* Accept-Language when there is no ?lang= */
	const char *hv[] = { "Content-Type: application/json", "Accept-Language: en-US,en;q=0.9",
	                     NULL };
	http_post(&srv, "/api/v1/reports", hv, b, &ren);
	assert_string_equal(expect_error(&ren, 400, "missing_field", "category"), men);
	response_free(&ren);
	free(b);
}

/* ---- the report view ---- */

#define FULL_MESSAGE                                                                             \
	"Tender pengadaan laptop dinas diatur:\npemenang sudah ditentukan sebelum lelang.\n\n"     \
	"\"Harga\" naik 40% \xe2\x80\x94 <b>bukti</b> & kuitansi ada. \xc3\x9cn\xc3\xaf" "c\xc3\xb6" \
	"d\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x99\x82 \\ tanda"

static void test_submit_full_and_view(void **state)
{
	(void)state;
	json_t *sent = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:s, s:s, s:s, s:b}",
	                         "category", "pengadaan", "message", FULL_MESSAGE, "involved",
	                         "Dinas Komunikasi dan Informatika (OPD) \xe2\x80\x94 Bidang TIK",
	                         "occurred", "Maret 2025, minggu kedua", "kecamatan", "tangerang",
	                         "kelurahan", "tangerang/sukarasa", "address",
	                         "Jl. Daan Mogot No. 1, lantai 2", "lat", -6.178306, "lon",
	                         106.631889, "phone", "+62 812-1111-2222", "name", "Siti Rahmawati",
	                         "email", "siti.rahma@example.co.id", "keep_metadata", 1);
	char *b = json_dumps(sent, JSON_COMPACT);
	submit_ok("en", b, &r_full);
	free(b);
	need(&r_min);
	assert_string_not_equal(r_full.receipt, r_min.receipt);

	json_t *v = report_of(&r_full, "en");
	check_view_shape(v);
	assert_string_equal(json_string_value(json_object_get(v, "category")), "pengadaan");
	assert_string_equal(json_string_value(json_object_get(v, "submitted_on")), r_full.submitted_on);
	check_content(json_object_get(v, "content"), sent);
	check_identity(json_object_get(v, "identity"), "+6281211112222", "Siti Rahmawati",
	               "siti.rahma@example.co.id");
	assert_int_equal(json_array_size(json_object_get(v, "files")), 0);
	const char *sys = check_system_message(v, 7, 90);
	print_message("acknowledgement (en): %s\n", sys);
	snprintf(sysmsg_full, sizeof sysmsg_full, "%s", sys);
	check_timeline(v);
	/* the receipt is not echoed */
	char *text = json_dumps(v, JSON_COMPACT);
	assert_null(strstr(text, r_full.receipt));
	free(text);
	/* the status label follows the request's language */
	const char *label_en = json_string_value(json_object_get(v, "status_label"));
	json_t *vid = report_of(&r_full, "id");
	const char *label_id = json_string_value(json_object_get(vid, "status_label"));
	if (!label_id || strcmp(label_en, label_id) == 0)
		print_error("status_label en %s, id %s\n", label_en, label_id ? label_id : "(none)");
	assert_non_null(label_id);
	assert_string_not_equal(label_en, label_id);
	json_decref(vid);
	json_decref(v);
	json_decref(sent);
}

static void test_minimal_view_nulls(void **state)
{
	(void)state;
	json_t *v = report_of(&r_min, NULL);
	check_view_shape(v);
	assert_string_equal(json_string_value(json_object_get(v, "category")), "korupsi");
	assert_string_equal(json_string_value(json_object_get(v, "submitted_on")), r_min.submitted_on);
	json_t *want = json_pack("{s:s, s:n, s:n, s:n, s:n, s:n, s:n, s:n}", "message", MSG_OK,
	                         "involved", "occurred", "kecamatan", "kelurahan", "address", "lat",
	                         "lon");
	check_content(json_object_get(v, "content"), want);
	json_decref(want);
	/* no identity given: null, not an object of nulls */
	json_t *idn = json_object_get(v, "identity");
	assert_non_null(idn);
	if (!json_is_null(idn))
		print_error("identity: %s\n", json_dumps(idn, JSON_COMPACT));
	assert_true(json_is_null(idn));
	const char *sys = check_system_message(v, 7, 90);
	print_message("acknowledgement (id): %s\n", sys);
	/* submitted in Indonesian (the default) vs English, the same day: the text differs */
	if (!sysmsg_full[0])
		fail_msg("no English acknowledgement to compare with (the full report failed)");
	if (strcmp(sys, sysmsg_full) == 0)
		print_error("the acknowledgement ignores the request's language: %s\n", sys);
	assert_string_not_equal(sys, sysmsg_full);
	check_timeline(v);
	json_decref(v);
}

/* The longest values, counted in code points (multi-byte ones), and the edges of lat and lon. */
static void test_json_boundaries_accepted(void **state)
{
	(void)state;
	char *message = repeat("a\xc3\xa9\xf0\x9f\x99\x82-", 5000, NULL); /* 20000 code points */
	char *involved = repeat("\xc3\xa9", 1000, NULL);
	char *occurred = repeat("\xf0\x9f\x99\x82", 200, NULL);
	char *address = repeat("\xc3\xa9", 500, NULL);
	char *name = repeat("\xc3\xa9", 200, NULL);
	char *email = repeat("a", 188, "@example.com"); /* 200 characters */
	json_t *sent = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:s, s:s, s:s}",
	                         "category", "lainnya", "message", message, "involved", involved,
	                         "occurred", occurred, "kecamatan", "jatiuwung", "kelurahan",
	                         "jatiuwung/alam-jaya", "address", address, "lat", 90.0, "lon", -180.0,
	                         "phone", "+62 812 3456 789 012", "name", name, "email", email);
	char *b = json_dumps(sent, JSON_COMPACT);
	struct rep rep = { .label = "the longest report" };
	submit_ok(NULL, b, &rep);
	free(b);
	json_t *v = report_of(&rep, NULL);
	check_content(json_object_get(v, "content"), sent);
	check_identity(json_object_get(v, "identity"), "+628123456789012", name, email);
	json_decref(v);
	/* the shortest message: 20 code points, 40 bytes */
	char *shortest = repeat("\xc3\xa9", 20, NULL);
	char *b2 = J("{s:s, s:s, s:f, s:f}", "category", "gratifikasi", "message", shortest, "lat",
	             -90.0, "lon", 180.0);
	submit_ok(NULL, b2, NULL);
	free(b2);
	free(shortest);
	free(rep.token);
	free(rep.csrf);
	json_decref(sent);
	free(message);
	free(involved);
	free(occurred);
	free(address);
	free(name);
	free(email);
}

/* A message of max_message_chars code points of 4-byte UTF-8 (80000 bytes with the default
 * 20000) fits, in JSON (raw or as \\u escapes, 12 bytes a character) and as a multipart field;
 * the 413 comes only from real excess, and one character too many is a 400. */
static void test_long_messages_fit(void **state)
{
	(void)state;
	char *emoji = repeat("\xf0\x9f\x99\x82", 20000, NULL); /* 20000 code points */
	json_t *sent = json_pack("{s:s, s:s, s:s}", "category", "lainnya", "message", emoji,
	                         "involved", "Dinas Pekerjaan Umum");
	char *raw = json_dumps(sent, JSON_COMPACT);
	char *escaped = json_dumps(sent, JSON_COMPACT | JSON_ENSURE_ASCII);
	assert_true(strlen(escaped) > 240000);
	struct rep rep = { .label = "20000 emoji in JSON" };
	submit_ok(NULL, raw, &rep);
	json_t *v = report_of(&rep, NULL);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "content"),
	                                                      "message")), emoji);
	json_decref(v);
	free(rep.token);
	free(rep.csrf);
	submit_ok(NULL, escaped, NULL);
	const struct mpart parts[] = {
		FIELD("category", "lainnya"),
		FIELD("message", emoji),
		FIELD("involved", "Dinas Pekerjaan Umum"),
	};
	struct response r;
	submit_multipart_on(&srv, parts, 3, &r);
	assert_status(&r, 201);
	response_free(&r);
	/* one more is the message's own 400, not a 413 */
	char *over = repeat("\xf0\x9f\x99\x82", 20001, NULL);
	char *b = J("{s:s, s:s}", "category", "lainnya", "message", over);
	call(&srv, "POST", "/api/v1/reports", NULL, b, &r);
	expect_error(&r, 400, "invalid_field", "message");
	response_free(&r);
	free(b);
	const struct mpart over_parts[] = { FIELD("category", "lainnya"), FIELD("message", over) };
	submit_multipart_on(&srv, over_parts, 2, &r);
	expect_error(&r, 400, "invalid_field", "message");
	response_free(&r);
	free(over);
	free(raw);
	free(escaped);
	json_decref(sent);
	free(emoji);
}

static void test_phone_normalization(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{ "0812-3456.7890", "+6281234567890" },
		{ "62 (812) 3456-789", "+628123456789" },
		{ "+1 (415) 555-0100", "+14155550100" },
		{ "+1234 5678", "+12345678" }, /* 8 digits: the fewest */
		/* +62 takes the subscriber number without the trunk 0; a stray 0 is dropped */
		{ "+62 812-3456-789", "+628123456789" },
		{ "+62 0812 3456 789", "+628123456789" },
		{ "+62 (0)812 3456 789", "+628123456789" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *b = J("{s:s, s:s, s:s}", "category", "lainnya", "message", MSG_OK, "phone",
		            cases[i][0]);
		struct rep rep = { .label = "a phone report" };
		submit_ok(NULL, b, &rep);
		free(b);
		json_t *v = report_of(&rep, NULL);
		print_message("phone %s\n", cases[i][0]);
		check_identity(json_object_get(v, "identity"), cases[i][1], NULL, NULL);
		json_decref(v);
		free(rep.token);
		free(rep.csrf);
	}
}

/* ---- receipt login ---- */

static void test_receipt_login(void **state)
{
	(void)state;
	need(&r_min);
	const char *rc = r_min.receipt;
	char dashed[40], messy[64];
	snprintf(dashed, sizeof dashed, "%.5s-%.5s-%.5s-%.5s", rc, rc + 5, rc + 10, rc + 15);
	snprintf(messy, sizeof messy, "  %.4s-%.4s %.4s - %.4s-%.4s  ", rc, rc + 4, rc + 8, rc + 12,
	         rc + 16);
	const char *right[] = { rc, r_min.display, dashed, messy };
	double ok_time = 1e9;
	char *tokens[4];
	for (size_t i = 0; i < 4; i++) {
		struct response r;
		reporter_login_raw(right[i], &r);
		if (r.status != 200)
			print_error("receipt \"%s\": HTTP %ld %.300s\n", right[i], r.status, r.body);
		assert_status(&r, 200);
		const char *t = json_string_value(json_object_get(r.json, "token"));
		assert_non_null(t);
		assert_true(json_is_string(json_object_get(r.json, "csrf")));
		tokens[i] = strdup(t);
		/* the cookie for the HTML pages */
		bool cookie = false;
		for (size_t k = 0; response_header_n(&r, "Set-Cookie", k); k++) {
			const char *c = response_header_n(&r, "Set-Cookie", k);
			char want[256];
			snprintf(want, sizeof want, "peluit_reporter=%s", t);
			if (strncmp(c, want, strlen(want)) == 0) {
				cookie = true;
				assert_non_null(strcasestr(c, "HttpOnly"));
				assert_non_null(strcasestr(c, "SameSite=Strict"));
				assert_non_null(strcasestr(c, "Path=/"));
				/* a session cookie: the 20-minute idle rule is the server's, so no fixed
				 * lifetime may end an active session */
				assert_null(strcasestr(c, "Max-Age"));
				assert_null(strcasestr(c, "Expires"));
			}
		}
		if (!cookie)
			print_error("no Set-Cookie peluit_reporter=<token>\n");
		assert_true(cookie);
		if (r.seconds < ok_time)
			ok_time = r.seconds;
		response_free(&r);
	}
	for (size_t i = 0; i < 4; i++) {
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(tokens[i], tokens[k]);
		assert_int_equal(get_report(tokens[i], NULL, NULL), 200);
	}
	for (size_t i = 0; i < 4; i++)
		free(tokens[i]);
	/* wrong or malformed: one answer, after the same work */
	char wrong[32];
	snprintf(wrong, sizeof wrong, "%s", rc);
	wrong[19] = wrong[19] == '9' ? '0' : (char)(wrong[19] + 1);
	const char *bad[] = { wrong, "abc", "1234", "123456789012345678901", "1234567890123456789a",
	                      "-- --" };
	char first_msg[512] = "";
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct response r;
		reporter_login_raw(bad[i], &r);
		const char *m = expect_error(&r, 401, "unauthenticated", NULL);
		if (!first_msg[0])
			snprintf(first_msg, sizeof first_msg, "%s", m);
		assert_string_equal(m, first_msg);
		assert_null(json_object_get(r.json, "token"));
		print_message("receipt \"%s\": 401 after %.3f s (a right one: %.3f s)\n", bad[i],
		              r.seconds, ok_time);
		if (r.seconds < 0.3 * ok_time)
			print_error("receipt \"%s\" was refused in %.3f s, a right one takes %.3f s: "
			            "not the same Argon2id work\n", bad[i], r.seconds, ok_time);
		assert_true(r.seconds >= 0.3 * ok_time);
		response_free(&r);
	}
}

/* ---- multipart ---- */

static void test_multipart_submit_with_files(void **state)
{
	(void)state;
	const struct mpart parts[] = {
		FIELD("category", "penyalahgunaan_wewenang"),
		FIELD("message", "Kepala seksi memakai mobil dinas untuk usaha pribadi setiap akhir pekan."),
		FIELD("involved", "Seksi Pelayanan Umum"),
		FIELD("kecamatan", "jatiuwung"),
		FIELD("kelurahan", "jatiuwung/jatake"),
		FIELD("lat", "-6.2"),
		FIELD("lon", "106.6"),
		FIELD("name", "Budi"),
		FIELD("keep_metadata", "on"),
		FILEPART("evidence", "foto.png", "image/png", png_1x1, sizeof png_1x1),
		FILEPART("evidence", "surat.pdf", "application/octet-stream", pdf_min,
		         sizeof pdf_min - 1),
		FILEPART("evidence", "catatan.txt", "text/plain", text_utf8, sizeof text_utf8 - 1),
		/* the declared type and the name's extension count for nothing: the bytes are a PNG */
		FILEPART("evidence", "notes.txt", "text/plain", png_1x1, sizeof png_1x1),
	};
	struct response r;
	long long t0 = (long long)time(NULL);
	submit_multipart_on(&srv, parts, sizeof parts / sizeof *parts, &r);
	check_created(&r, t0, (long long)time(NULL), 4, &r_files);
	static const char *const names[] = { "foto.png", "surat.pdf", "catatan.txt", "notes.txt" };
	static const char *const types[] = { "image/png", "application/pdf", "text/plain",
	                                     "image/png" };
	const size_t sizes[] = { sizeof png_1x1, sizeof pdf_min - 1, sizeof text_utf8 - 1,
	                         sizeof png_1x1 };
	json_t *files = json_object_get(r.json, "files");
	for (size_t i = 0; i < 4; i++) {
		json_t *f = json_array_get(files, i);
		check_file(f, names[i], types[i], sizes[i], false);
		check_uncleaned(f); /* keep_metadata=on */
	}
	response_free(&r);

	json_t *v = report_of(&r_files, NULL);
	json_t *want = json_pack("{s:s, s:s, s:n, s:s, s:s, s:n, s:f, s:f}", "message",
	                         "Kepala seksi memakai mobil dinas untuk usaha pribadi setiap akhir "
	                         "pekan.", "involved", "Seksi Pelayanan Umum", "occurred", "kecamatan",
	                         "jatiuwung", "kelurahan", "jatiuwung/jatake", "address", "lat", -6.2,
	                         "lon", 106.6);
	check_content(json_object_get(v, "content"), want);
	json_decref(want);
	check_identity(json_object_get(v, "identity"), NULL, "Budi", NULL);
	json_t *vf = json_object_get(v, "files");
	assert_int_equal(json_array_size(vf), 4);
	for (size_t i = 0; i < 4; i++) {
		check_file(file_named(vf, names[i]), names[i], types[i], sizes[i], true);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(
			        json_string_value(json_object_get(json_array_get(vf, i), "id")),
			        json_string_value(json_object_get(json_array_get(vf, k), "id")));
	}
	check_system_message(v, 7, 90);
	json_decref(v);
}

/* Multipart-specific field rules: form values of lat/lon and keep_metadata, repeated exclude. */
static void test_multipart_field_rules(void **state)
{
	(void)state;
	struct {
		const char *name, *value; /* one field added to a valid form; value NULL: drop it */
		const char *code, *field;
	} cases[] = {
		{ "keep_metadata", "yes", "invalid_field", "keep_metadata" },
		{ "lat", "abc", "invalid_field", "lat" },
		{ "lat", "91", "invalid_field", "lat" },
		{ "lon", "-180.5", "invalid_field", "lon" },
		{ "kelurahan", "tangerang/sukarasa", "missing_field", "kecamatan" },
		{ "exclude", "no-such-reader-id-0000", "invalid_field", "exclude" },
		{ "category", NULL, "missing_field", "category" },
		{ "message", "terlalu pendek", "invalid_field", "message" },
	};
	long long before = reports_in_db(&srv);
	int bad = 0;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		struct mpart p[8];
		size_t n = 0;
		bool is_cat = strcmp(cases[i].name, "category") == 0;
		bool is_msg = strcmp(cases[i].name, "message") == 0;
		if (!is_cat)
			p[n++] = (struct mpart)FIELD("category", "korupsi");
		p[n++] = (struct mpart)FIELD("message", is_msg ? cases[i].value : MSG_OK);
		if (strcmp(cases[i].name, "lat") == 0)
			p[n++] = (struct mpart)FIELD("lon", "106.6");
		if (strcmp(cases[i].name, "lon") == 0)
			p[n++] = (struct mpart)FIELD("lat", "-6.2");
		if (!is_cat && !is_msg && cases[i].value)
			p[n++] = (struct mpart)FIELD(cases[i].name, cases[i].value);
		p[n++] = (struct mpart)FILEPART("evidence", "catatan.txt", "text/plain", text_utf8,
		                                sizeof text_utf8 - 1);
		struct response r;
		submit_multipart_on(&srv, p, n, &r);
		const char *code = response_error_code(&r), *field = error_field(&r);
		if (r.status != 400 || !code || strcmp(code, cases[i].code) != 0 || !field ||
		    strcmp(field, cases[i].field) != 0) {
			print_error("form with %s=%s: expected 400 %s field %s; got HTTP %ld %.300s\n",
			            cases[i].name, cases[i].value ? cases[i].value : "(none)",
			            cases[i].code, cases[i].field, r.status, r.body);
			bad++;
		}
		response_free(&r);
	}
	assert_int_equal(bad, 0);
	assert_int_equal(reports_in_db(&srv), before);
}

static void test_multipart_field_after_file(void **state)
{
	(void)state;
	const struct mpart parts[] = {
		FIELD("category", "korupsi"),
		FIELD("message", MSG_OK),
		FILEPART("evidence", "catatan.txt", "text/plain", text_utf8, sizeof text_utf8 - 1),
		FIELD("address", "Jl. Merdeka No. 9"),
	};
	long long before = reports_in_db(&srv);
	struct response r;
	submit_multipart_on(&srv, parts, 4, &r);
	expect_error(&r, 400, "bad_request", "address");
	response_free(&r);
	assert_int_equal(reports_in_db(&srv), before);
}

static void expect_unsupported(const struct response *r)
{
	expect_error(r, 415, "unsupported_type", NULL);
	json_t *acc = json_object_get(json_object_get(r->json, "error"), "accepted");
	if (!meta_types)
		fail_msg("no accepted types from meta (the meta test failed)");
	if (!json_equal(acc, meta_types))
		print_error("accepted %s, meta says %s\n", json_dumps(acc, JSON_COMPACT),
		            json_dumps(meta_types, JSON_COMPACT));
	assert_true(json_equal(acc, meta_types));
}

static void test_unsupported_type(void **state)
{
	(void)state;
	long long before = reports_in_db(&srv);
	long long files_before =
	        db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NOT NULL");
	const struct mpart parts[] = {
		FIELD("category", "korupsi"),
		FIELD("message", MSG_OK),
		FILEPART("evidence", "foto.png", "image/png", png_1x1, sizeof png_1x1),
		/* an executable that claims to be a JPEG */
		FILEPART("evidence", "evil.jpg", "image/jpeg", elf_bin, sizeof elf_bin),
	};
	struct response r;
	submit_multipart_on(&srv, parts, 4, &r);
	expect_unsupported(&r);
	response_free(&r);
	assert_int_equal(reports_in_db(&srv), before);
	assert_int_equal(db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NOT NULL"),
	                 files_before);
}

static void test_empty_file(void **state)
{
	(void)state;
	long long before = reports_in_db(&srv);
	const struct mpart parts[] = {
		FIELD("category", "korupsi"),
		FIELD("message", MSG_OK),
		FILEPART("evidence", "kosong.txt", "text/plain", "", 0),
	};
	struct response r;
	submit_multipart_on(&srv, parts, 3, &r);
	expect_error(&r, 400, "invalid_field", "evidence");
	response_free(&r);
	assert_int_equal(reports_in_db(&srv), before);
}

/* An HTML form whose file input was left empty sends a part with filename="" and no bytes
 * (WHATWG multipart/form-data): no file was chosen, which is not an empty file. Without this,
 * the no-JavaScript form (API.md: multipart is what the HTML form sends) could never be sent
 * without evidence. */
static void test_form_without_file_chosen(void **state)
{
	(void)state;
	const struct mpart parts[] = {
		FIELD("category", "korupsi"),
		FIELD("message", MSG_OK),
		FIELD("keep_metadata", "0"),
		FILEPART("evidence", "", "application/octet-stream", "", 0),
	};
	struct response r;
	long long t0 = (long long)time(NULL);
	submit_multipart_on(&srv, parts, 4, &r);
	check_created(&r, t0, (long long)time(NULL), 0, NULL);
	response_free(&r);
}

/* ---- small limits ---- */

#define SMALL_BYTES 1048576

static int restore_limits(void **state)
{
	(void)state;
	struct response r;
	call(&srv, "PATCH", "/api/v1/staff/settings", tok("admin1"),
	     "{\"limits\":{\"max_files\":10,\"max_file_bytes\":104857600}}", &r);
	int rc = r.status == 200 ? 0 : -1;
	response_free(&r);
	return rc;
}

static void test_small_limits(void **state)
{
	(void)state;
	settings_patch("admin1", "{\"limits\":{\"max_files\":2,\"max_file_bytes\":1048576}}");
	json_t *m = get_meta(&srv, NULL);
	json_t *lim = json_object_get(m, "limits");
	assert_int_equal(json_integer_value(json_object_get(lim, "max_files")), 2);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_file_bytes")), SMALL_BYTES);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_message_chars")), 20000);
	json_decref(m);
	long long before = reports_in_db(&srv);

	/* one file too many */
	const struct mpart three[] = {
		FIELD("category", "korupsi"),
		FIELD("message", MSG_OK),
		FILEPART("evidence", "a.txt", "text/plain", "satu satu satu", MPART_STRLEN),
		FILEPART("evidence", "b.txt", "text/plain", "dua dua dua", MPART_STRLEN),
		FILEPART("evidence", "c.txt", "text/plain", "tiga tiga tiga", MPART_STRLEN),
	};
	struct response r;
	submit_multipart_on(&srv, three, 5, &r);
	expect_error(&r, 413, "too_large", "evidence");
	response_free(&r);

	/* one byte over the limit; then far over it, drained: the whole body is read, a clean 413 */
	size_t sizes[] = { SMALL_BYTES + 1, 5 * SMALL_BYTES / 2 };
	for (size_t i = 0; i < 2; i++) {
		char *big = repeat("a", sizes[i], NULL);
		const struct mpart over[] = {
			FIELD("category", "korupsi"),
			FIELD("message", MSG_OK),
			FILEPART("evidence", "kecil.txt", "text/plain", "kecil", MPART_STRLEN),
			FILEPART("evidence", "besar.txt", "text/plain", big, sizes[i]),
		};
		submit_multipart_on(&srv, over, 4, &r);
		print_message("a file of %zu bytes: HTTP %ld, curl %d (%s)\n", sizes[i], r.status,
		              r.curl_code, r.curl_error);
		expect_error(&r, 413, "too_large", "evidence");
		assert_int_equal(r.curl_code, 0);
		response_free(&r);
		free(big);
	}
	assert_int_equal(reports_in_db(&srv), before);

	/* exactly at the limit, and as many files as allowed */
	char *edge = repeat("b", SMALL_BYTES, NULL);
	const struct mpart at_limit[] = {
		FIELD("category", "korupsi"),
		FIELD("message", MSG_OK),
		FIELD("keep_metadata", "false"),
		FILEPART("evidence", "pas.txt", "text/plain", edge, SMALL_BYTES),
		FILEPART("evidence", "foto.png", "image/png", png_1x1, sizeof png_1x1),
	};
	long long t0 = (long long)time(NULL);
	submit_multipart_on(&srv, at_limit, 5, &r);
	check_created(&r, t0, (long long)time(NULL), 2, NULL);
	check_file(json_array_get(json_object_get(r.json, "files"), 0), "pas.txt", "text/plain",
	           SMALL_BYTES, false);
	response_free(&r);
	free(edge);
	assert_int_equal(reports_in_db(&srv), before + 1);

	/* a declared length above 2 x 1 MiB + 1 MiB: 413 before any body is sent */
	long total = 2L * SMALL_BYTES + SMALL_BYTES;
	for (int over = 1; over >= 0; over--) {
		char req[512];
		int n = snprintf(req, sizeof req,
		                 "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
		                 MPART_CONTENT_TYPE "\r\nContent-Length: %ld\r\n\r\n",
		                 srv.port, total + over);
		char *text = NULL;
		double secs = -1;
		int code = raw_request(&srv, req, (size_t)n, over ? 5000 : 1500, &text, &secs);
		print_message("declared %ld bytes: %d after %.2f s\n", total + over, code, secs);
		if (over) {
			if (code != 413)
				print_error("got %d: %.300s\n", code, text ? text : "");
			assert_int_equal(code, 413);
			assert_true(secs >= 0 && secs < 2.0);
			const char *b = text ? strstr(text, "\r\n\r\n") : NULL;
			json_t *j = b ? json_loads(b + 4, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
			assert_string_equal(
			        json_string_value(json_object_get(json_object_get(j, "error"), "code")),
			        "too_large");
			json_decref(j);
		} else {
			/* at the total: the server waits for the body */
			if (code != -1)
				print_error("declared exactly the total, got %d: %.300s\n", code,
				            text ? text : "");
			assert_int_equal(code, -1);
		}
		free(text);
	}

	/* the reporter's uploads obey the same limits */
	const char *t = rtok(&r_min);
	char *auth = bearer_header(t);
	const char *hv[] = { auth, NULL };
	const struct mpart rthree[] = {
		FIELD("keep_metadata", "0"),
		FILEPART("evidence", "a.txt", "text/plain", "satu satu satu", MPART_STRLEN),
		FILEPART("evidence", "b.txt", "text/plain", "dua dua dua", MPART_STRLEN),
		FILEPART("evidence", "c.txt", "text/plain", "tiga tiga tiga", MPART_STRLEN),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, rthree, 4, 30000, &r);
	expect_error(&r, 413, "too_large", "evidence");
	response_free(&r);
	char *big = repeat("c", SMALL_BYTES + 1, NULL);
	const struct mpart rover[] = {
		FILEPART("evidence", "besar.txt", "text/plain", big, SMALL_BYTES + 1),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, rover, 1, 30000, &r);
	expect_error(&r, 413, "too_large", "evidence");
	response_free(&r);
	free(big);
	free(auth);
	json_t *v = report_of(&r_min, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "files")), 0);
	json_decref(v);
}

/* ---- exclusions ---- */

static int restore_exclusion(void **state)
{
	(void)state;
	struct response r;
	call(&srv, "PATCH", "/api/v1/staff/settings", tok("root1"), "{\"exclusion_enabled\":true}", &r);
	int rc = r.status == 200 ? 0 : -1;
	response_free(&r);
	return rc;
}

static void test_exclusions(void **state)
{
	(void)state;
	if (!id_root[0] || !id_pend1[0])
		fail_msg("no reader ids (the meta test failed)");
	long long before = reports_in_db(&srv);
	struct {
		json_t *ex;
		const char *code;
	} refused[] = {
		{ json_pack("[s]", id_pend1), "invalid_field" },   /* pending: not a recipient */
		{ json_pack("[s]", id_admin), "invalid_field" },   /* an admin is never one */
		{ json_pack("[s,s]", id_inv1, "no-such-reader-id-0000"), "invalid_field" },
		{ json_pack("[s,s,s]", id_root, id_inv1, id_lead1), "no_reader" },
	};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		char *b = J("{s:s, s:s, s:o}", "category", "benturan_kepentingan", "message", MSG_OK,
		            "exclude", refused[i].ex);
		struct response r;
		submit_json(NULL, b, &r);
		print_message("%s\n", b);
		expect_error(&r, 400, refused[i].code, "exclude");
		response_free(&r);
		free(b);
	}
	assert_int_equal(reports_in_db(&srv), before);
	/* exclusions that leave a reader: the leader alone, or the supervisor alone */
	char *b = J("{s:s, s:s, s:[s,s]}", "category", "benturan_kepentingan", "message", MSG_OK,
	            "exclude", id_root, id_inv1);
	submit_ok(NULL, b, NULL);
	free(b);
	/* repeated form fields */
	const struct mpart all3[] = {
		FIELD("category", "benturan_kepentingan"), FIELD("message", MSG_OK),
		FIELD("exclude", id_root), FIELD("exclude", id_inv1), FIELD("exclude", id_lead1),
	};
	struct response r;
	submit_multipart_on(&srv, all3, 5, &r);
	expect_error(&r, 400, "no_reader", "exclude");
	response_free(&r);
	const struct mpart two[] = {
		FIELD("category", "benturan_kepentingan"), FIELD("message", MSG_OK),
		FIELD("keep_metadata", "true"), FIELD("exclude", id_inv1), FIELD("exclude", id_lead1),
	};
	long long t0 = (long long)time(NULL);
	submit_multipart_on(&srv, two, 5, &r);
	check_created(&r, t0, (long long)time(NULL), 0, NULL);
	response_free(&r);
	assert_int_equal(reports_in_db(&srv), before + 2);

	/* exclusion switched off: no recipients, and any exclude is refused */
	settings_patch("root1", "{\"exclusion_enabled\":false}");
	json_t *m = get_meta(&srv, NULL);
	assert_int_equal(json_array_size(json_object_get(m, "recipients")), 0);
	assert_true(json_is_true(json_object_get(m, "accepting")));
	json_decref(m);
	b = J("{s:s, s:s, s:[s]}", "category", "benturan_kepentingan", "message", MSG_OK, "exclude",
	      id_inv1);
	submit_json(NULL, b, &r);
	expect_error(&r, 400, "invalid_field", "exclude");
	response_free(&r);
	free(b);
	const struct mpart one[] = {
		FIELD("category", "benturan_kepentingan"), FIELD("message", MSG_OK),
		FIELD("exclude", id_inv1),
	};
	submit_multipart_on(&srv, one, 3, &r);
	expect_error(&r, 400, "invalid_field", "exclude");
	response_free(&r);
	assert_int_equal(reports_in_db(&srv), before + 2);
	settings_patch("root1", "{\"exclusion_enabled\":true}");
	m = get_meta(&srv, NULL);
	assert_int_equal(json_array_size(json_object_get(m, "recipients")), 3);
	json_decref(m);
}

/* ---- the reporter's messages and files ---- */

static void post_message(const char *token, const char *body_json, const char *h1,
                         struct response *r)
{
	call_h(&srv, "POST", "/api/v1/reporter/messages", token, body_json, h1, NULL, r);
}

static void test_reporter_messages(void **state)
{
	(void)state;
	const char *t = rtok(&r_full);
	struct response r;
	/* 1..5000 code points after trimming */
	char *too_long = repeat("a", 5001, NULL);
	struct {
		json_t *body;
		const char *code, *or_code; /* empty after trimming: "missing" or "invalid" alike */
	} bad[] = {
		{ json_pack("{s:s}", "body", ""), "invalid_field", "missing_field" },
		{ json_pack("{s:s}", "body", " \n\t "), "invalid_field", "missing_field" },
		{ json_pack("{s:s}", "body", too_long), "invalid_field", NULL },
		{ json_pack("{s:i}", "body", 42), "invalid_field", NULL },
		{ json_pack("{s:s}", "text", "halo"), "missing_field", NULL },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *b = json_dumps(bad[i].body, JSON_COMPACT);
		json_decref(bad[i].body);
		post_message(t, b, NULL, &r);
		print_message("%.60s\n", b);
		const char *code = response_error_code(&r);
		expect_error(&r, 400,
		             bad[i].or_code && code && strcmp(code, bad[i].or_code) == 0 ? bad[i].or_code
		                                                                          : bad[i].code,
		             "body");
		response_free(&r);
		free(b);
	}
	free(too_long);
	post_message(t, "{\"body\":", NULL, &r);
	expect_error(&r, 400, "invalid_json", NULL);
	response_free(&r);

	char *longest = repeat("\xc3\xa9", 4999, "!"); /* 5000 code points */
	const char *texts[] = { "Terima kasih. Saya punya bukti tambahan:\nfoto kuitansi \"asli\".",
	                        "x", longest };
	char ids[3][128];
	for (size_t i = 0; i < 3; i++) {
		char *b = J("{s:s}", "body", texts[i]);
		post_message(t, b, NULL, &r);
		assert_status(&r, 201);
		const char *id = json_string_value(json_object_get(r.json, "id"));
		assert_non_null(id);
		assert_true(strlen(id) >= 8);
		snprintf(ids[i], sizeof ids[i], "%s", id);
		response_free(&r);
		free(b);
	}
	/* by cookie, the CSRF header is needed */
	char cookie[256], csrf[256];
	snprintf(cookie, sizeof cookie, "Cookie: peluit_reporter=%s", t);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", r_full.csrf);
	call_h(&srv, "POST", "/api/v1/reporter/messages", NULL, "{\"body\":\"lewat cookie\"}", cookie,
	       NULL, &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	call_h(&srv, "POST", "/api/v1/reporter/messages", NULL, "{\"body\":\"lewat cookie\"}", cookie,
	       "X-CSRF-Token: not-the-right-token-000000", &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	call_h(&srv, "POST", "/api/v1/reporter/messages", NULL, "{\"body\":\"lewat cookie\"}", cookie,
	       csrf, &r);
	assert_status(&r, 201);
	response_free(&r);

	json_t *v = report_of(&r_full, NULL);
	json_t *msgs = json_object_get(v, "messages");
	if (json_array_size(msgs) != 5)
		print_error("messages: %.1000s\n", json_dumps(msgs, JSON_COMPACT));
	assert_int_equal(json_array_size(msgs), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(msgs, 0), "from")),
	                    "system");
	const char *all[] = { texts[0], texts[1], texts[2], "lewat cookie" };
	for (size_t i = 0; i < 4; i++) {
		json_t *m = json_array_get(msgs, i + 1);
		assert_string_equal(json_string_value(json_object_get(m, "from")), "reporter");
		assert_string_equal(json_string_value(json_object_get(m, "body")), all[i]);
		if (i < 3)
			assert_string_equal(json_string_value(json_object_get(m, "id")), ids[i]);
		check_hour_rounded(json_string_value(json_object_get(m, "at")));
	}
	json_decref(v);
	free(longest);
}

static void test_reporter_files(void **state)
{
	(void)state;
	const char *t = rtok(&r_full);
	char *auth = bearer_header(t);
	const char *hv[] = { auth, NULL };
	struct response r;
	json_t *v = report_of(&r_full, NULL);
	size_t had = json_array_size(json_object_get(v, "files"));
	json_decref(v);

	const struct mpart add2[] = {
		FIELD("keep_metadata", "1"),
		FILEPART("evidence", "kuitansi.png", "image/png", png_1x1, sizeof png_1x1),
		FILEPART("evidence", "kronologi.txt", "text/plain", text_utf8, sizeof text_utf8 - 1),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, add2, 3, 30000, &r);
	assert_status(&r, 201);
	json_t *files = json_object_get(r.json, "files");
	assert_int_equal(json_object_size(r.json), 1);
	assert_int_equal(json_array_size(files), 2);
	check_file(json_array_get(files, 0), "kuitansi.png", "image/png", sizeof png_1x1, false);
	check_file(json_array_get(files, 1), "kronologi.txt", "text/plain", sizeof text_utf8 - 1,
	           false);
	check_uncleaned(json_array_get(files, 0));
	check_uncleaned(json_array_get(files, 1));
	response_free(&r);
	const struct mpart add1[] = {
		FIELD("keep_metadata", "0"),
		FILEPART("evidence", "laporan.pdf", "application/pdf", pdf_min, sizeof pdf_min - 1),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, add1, 2, 30000, &r);
	assert_status(&r, 201);
	assert_int_equal(json_array_size(json_object_get(r.json, "files")), 1);
	check_file(json_array_get(json_object_get(r.json, "files"), 0), "laporan.pdf",
	           "application/pdf", sizeof pdf_min - 1, false);
	response_free(&r);

	/* refused: a field after a file, an unsupported type, an empty file */
	const struct mpart late[] = {
		FILEPART("evidence", "kronologi.txt", "text/plain", text_utf8, sizeof text_utf8 - 1),
		FIELD("keep_metadata", "1"),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, late, 2, 30000, &r);
	expect_error(&r, 400, "bad_request", "keep_metadata");
	response_free(&r);
	const struct mpart exe[] = {
		FILEPART("evidence", "evil.pdf", "application/pdf", elf_bin, sizeof elf_bin),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, exe, 1, 30000, &r);
	expect_unsupported(&r);
	response_free(&r);
	const struct mpart empty[] = {
		FILEPART("evidence", "kosong.pdf", "application/pdf", "", 0),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, empty, 1, 30000, &r);
	expect_error(&r, 400, "invalid_field", "evidence");
	response_free(&r);
	/* multipart only: a JSON body can carry no file, so its 415 lists multipart alone */
	static const char *const json_types[] = { "application/json",
	                                          "application/json; charset=utf-8", NULL };
	for (size_t i = 0; json_types[i]; i++) {
		char ctype[80];
		snprintf(ctype, sizeof ctype, "Content-Type: %s", json_types[i]);
		const char *hj[] = { auth, ctype, NULL };
		http_post(&srv, "/api/v1/reporter/files", hj, "{\"keep_metadata\":true}", &r);
		expect_error(&r, 415, "unsupported_type", NULL);
		json_t *acc = json_object_get(json_object_get(r.json, "error"), "accepted");
		json_t *want = json_pack("[s]", "multipart/form-data");
		if (!json_equal(acc, want))
			print_error("accepted: %s\n", r.body);
		assert_true(json_equal(acc, want));
		json_decref(want);
		response_free(&r);
	}
	/* by cookie without the CSRF header */
	char cookie[256];
	snprintf(cookie, sizeof cookie, "Cookie: peluit_reporter=%s", t);
	const char *hc[] = { cookie, NULL };
	http_post_multipart(&srv, "/api/v1/reporter/files", hc, add1, 2, 30000, &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);

	v = report_of(&r_full, NULL);
	json_t *vf = json_object_get(v, "files");
	assert_int_equal(json_array_size(vf), had + 3);
	check_file(file_named(vf, "kuitansi.png"), "kuitansi.png", "image/png", sizeof png_1x1, true);
	check_file(file_named(vf, "kronologi.txt"), "kronologi.txt", "text/plain",
	           sizeof text_utf8 - 1, true);
	check_file(file_named(vf, "laporan.pdf"), "laporan.pdf", "application/pdf",
	           sizeof pdf_min - 1, true);
	json_decref(v);
	free(auth);
}

/* Every accepted type of the spec, told from the bytes (the declared type says nothing). */
static void test_evidence_types(void **state)
{
	(void)state;
	make_mp3();
	static const struct {
		const char *name, *type;
		const unsigned char *data;
		size_t len;
	} samples[] = {
		{ "a.jpg", "image/jpeg", smp_jpg, sizeof smp_jpg },
		{ "a.gif", "image/gif", smp_gif, sizeof smp_gif },
		{ "a.webp", "image/webp", smp_webp, sizeof smp_webp },
		{ "a.heic", "image/heic", smp_heic, sizeof smp_heic },
		{ "a.heif", "image/heif", smp_heif, sizeof smp_heif },
		{ "a.mp4", "video/mp4", smp_mp4, sizeof smp_mp4 },
		{ "a.mov", "video/quicktime", smp_mov, sizeof smp_mov },
		{ "a.3gp", "video/3gpp", smp_3gpp, sizeof smp_3gpp },
		{ "a.m4a", "audio/mp4", smp_m4a, sizeof smp_m4a },
		{ "a.mp3", "audio/mpeg", smp_mp3, sizeof smp_mp3 },
		{ "a.opus", "audio/ogg", smp_ogg, sizeof smp_ogg },
		{ "a.wav", "audio/wav", smp_wav, sizeof smp_wav },
		{ "a.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		  smp_docx, sizeof smp_docx },
		{ "a.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		  smp_xlsx, sizeof smp_xlsx },
		{ "a.pptx",
		  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
		  smp_pptx, sizeof smp_pptx },
		{ "a.odt", "application/vnd.oasis.opendocument.text", smp_odt, sizeof smp_odt },
		{ "a.ods", "application/vnd.oasis.opendocument.spreadsheet", smp_ods, sizeof smp_ods },
	};
	const size_t n = sizeof samples / sizeof *samples;
	if (!meta_types)
		fail_msg("no accepted types from meta (the meta test failed)");
	for (size_t i = 0; i < n; i++) {
		bool listed = false;
		size_t k;
		json_t *t;
		json_array_foreach(meta_types, k, t)
			listed |= strcmp(json_string_value(t), samples[i].type) == 0;
		if (!listed)
			print_error("meta.limits.accepted_types lacks %s\n", samples[i].type);
		assert_true(listed);
	}
	char *auth = bearer_header(rtok(&r_files));
	const char *hv[] = { auth, NULL };
	int bad = 0;
	for (size_t from = 0; from < n; from += 9) {
		struct mpart p[10];
		size_t m = 0;
		p[m++] = (struct mpart)FIELD("keep_metadata", "1");
		for (size_t i = from; i < n && i < from + 9; i++)
			p[m++] = (struct mpart)FILEPART("evidence", samples[i].name,
			                                "application/octet-stream", samples[i].data,
			                                samples[i].len);
		struct response r;
		http_post_multipart(&srv, "/api/v1/reporter/files", hv, p, m, 30000, &r);
		assert_status(&r, 201);
		json_t *files = json_object_get(r.json, "files");
		assert_int_equal(json_array_size(files), m - 1);
		for (size_t i = from; i < from + m - 1; i++) {
			json_t *f = json_array_get(files, i - from);
			const char *got = str_or(json_string_value(json_object_get(f, "type")), "(none)");
			if (strcmp(got, samples[i].type) != 0) {
				print_error("%s: type %s, expected %s\n", samples[i].name, got,
				            samples[i].type);
				bad++;
			}
			assert_string_equal(json_string_value(json_object_get(f, "name")), samples[i].name);
			assert_int_equal(json_integer_value(json_object_get(f, "size")),
			                 (json_int_t)samples[i].len);
		}
		response_free(&r);
	}
	free(auth);
	assert_int_equal(bad, 0);
}

/* ---- the acknowledgement follows the deadlines in the settings ---- */

static int restore_deadlines(void **state)
{
	(void)state;
	struct response r;
	call(&srv, "PATCH", "/api/v1/staff/settings", tok("root1"),
	     "{\"ack_days\":7,\"resolve_days\":90}", &r);
	int rc = r.status == 200 ? 0 : -1;
	response_free(&r);
	return rc;
}

static void test_ack_dates_follow_settings(void **state)
{
	(void)state;
	settings_patch("root1", "{\"ack_days\":5,\"resolve_days\":60}");
	char *b = J("{s:s, s:s}", "category", "pelanggaran_disiplin", "message", MSG_OK);
	struct rep rep = { .label = "a report under other deadlines" };
	submit_ok("en", b, &rep);
	free(b);
	json_t *v = report_of(&rep, "en");
	check_system_message(v, 5, 60);
	json_decref(v);
	free(rep.token);
	free(rep.csrf);
}

/* ---- who holds a report's keys (SECURITY.md threats 2 and 5) ---- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Joins n strings with sep after sorting them (the array is sorted in place); malloc'd. */
static char *sorted_join(char **v, size_t n, const char *sep)
{
	qsort(v, n, sizeof *v, cmp_str);
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(v[i]) + strlen(sep);
	char *out = malloc(len);
	assert_non_null(out);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strcat(out, sep);
		strcat(out, v[i]);
	}
	return out;
}

struct holders {
	char *ids[64], *labels[64][16];
	size_t nrep, nlab[64];
};

static void holder_row(void *arg, const char *rid, const char *lab)
{
	struct holders *h = arg;
	size_t k = 0;
	while (k < h->nrep && strcmp(h->ids[k], rid) != 0)
		k++;
	if (k == h->nrep) {
		assert_true(h->nrep < 64);
		h->ids[h->nrep++] = strdup(rid);
	}
	assert_true(h->nlab[k] < 16);
	h->labels[k][h->nlab[k]++] = strdup(lab);
}

/* For each report of a category, the holders of its keys ("org" for the organisation key, else
 * "user:ID") sorted and joined by spaces; those lines sorted and joined by newlines. */
static char *holders_by_report(const char *category)
{
	struct holders h = { .nrep = 0 };
	db_rows(&srv, "SELECT report_id, CASE WHEN holder_kind = 'org' THEN 'org' ELSE 'user:' || "
	        "holder END FROM report_keys WHERE report_id IN (SELECT id FROM reports WHERE "
	        "category = $1)", category, holder_row, &h);
	char *lines[64];
	for (size_t k = 0; k < h.nrep; k++) {
		lines[k] = sorted_join(h.labels[k], h.nlab[k], " ");
		for (size_t i = 0; i < h.nlab[k]; i++)
			free(h.labels[k][i]);
		free(h.ids[k]);
	}
	char *all = sorted_join(lines, h.nrep, "\n");
	for (size_t k = 0; k < h.nrep; k++)
		free(lines[k]);
	return all;
}

/* The holders line of one report: the labels given, sorted. */
static char *holders_line(const char *a, const char *b, const char *c, const char *d)
{
	char buf[4][128];
	char *v[4];
	size_t n = 0;
	const char *in[] = { a, b, c, d };
	for (size_t i = 0; i < 4; i++) {
		if (!in[i])
			continue;
		if (strcmp(in[i], "org") == 0)
			snprintf(buf[n], sizeof buf[n], "org");
		else
			snprintf(buf[n], sizeof buf[n], "user:%s", in[i]);
		v[n] = buf[n];
		n++;
	}
	return sorted_join(v, n, " ");
}

static void test_readers_hold_the_keys(void **state)
{
	(void)state;
	if (!id_root[0])
		fail_msg("no reader ids (the meta test failed)");
	/* no exclusion (the report of test_ack_dates_follow_settings): every confirmed reader and
	 * the organisation key; never the pending investigator or the admin */
	char *want = holders_line("org", id_root, id_inv1, id_lead1);
	char *got = holders_by_report("pelanggaran_disiplin");
	if (strcmp(got, want) != 0)
		print_error("key holders:\n%s\nexpected:\n%s\n(root %s, inv1 %s, lead1 %s, pend1 %s, "
		            "admin %s)\n", got, want, id_root, id_inv1, id_lead1, id_pend1, id_admin);
	assert_string_equal(got, want);
	free(want);
	free(got);
	/* the exclusions of test_exclusions: the supervisor and the investigator excluded (so not
	 * the organisation key either: threat 5), and the investigator and the leader excluded */
	char *l1 = holders_line(id_lead1, NULL, NULL, NULL);
	char *l2 = holders_line("org", id_root, NULL, NULL);
	char *v[] = { l1, l2 };
	want = sorted_join(v, 2, "\n");
	got = holders_by_report("benturan_kepentingan");
	if (strcmp(got, want) != 0)
		print_error("key holders:\n%s\nexpected:\n%s\n(root %s, inv1 %s, lead1 %s)\n", got, want,
		            id_root, id_inv1, id_lead1);
	assert_string_equal(got, want);
	free(want);
	free(got);
	free(l1);
	free(l2);
}

/* ---- sessions ---- */

static void test_tokens_do_not_cross(void **state)
{
	(void)state;
	const char *staff_tok = tok("inv1");
	const char *rep_tok = rtok(&r_full);
	struct response r;
	/* a staff token on reporter routes */
	http_get_as(&srv, staff_tok, "/api/v1/reporter/report", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	call(&srv, "POST", "/api/v1/reporter/messages", staff_tok, "{\"body\":\"dari staf\"}", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	call(&srv, "POST", "/api/v1/reporter/logout", staff_tok, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	char cookie[256];
	snprintf(cookie, sizeof cookie, "Cookie: peluit_reporter=%s", staff_tok);
	const char *hv[] = { cookie, NULL };
	http_get(&srv, "/api/v1/reporter/report", hv, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	/* a reporter token on staff routes */
	static const char *const staff_paths[] = { "/api/v1/staff/me", "/api/v1/staff/settings",
	                                           "/api/v1/staff/audit" };
	for (size_t i = 0; i < 3; i++) {
		http_get_as(&srv, rep_tok, staff_paths[i], &r);
		expect_error(&r, 401, "unauthenticated", NULL);
		/* the staff message (errors.def), not the reporter's */
		assert_string_equal(error_message(&r), STAFF_401_ID);
		response_free(&r);
		char en[128];
		snprintf(en, sizeof en, "%s?lang=en", staff_paths[i]);
		http_get_as(&srv, rep_tok, en, &r);
		expect_error(&r, 401, "unauthenticated", NULL);
		assert_string_equal(error_message(&r), STAFF_401_EN);
		response_free(&r);
	}
	/* a staff session that was logged out: the staff message too */
	char *gone = staff_login(&srv, "inv1", PW_INV1, NULL);
	assert_non_null(gone);
	call(&srv, "POST", "/api/v1/staff/logout", gone, NULL, &r);
	assert_int_equal(r.status, 204);
	response_free(&r);
	http_get_as(&srv, gone, "/api/v1/staff/me?lang=en", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	assert_string_equal(error_message(&r), STAFF_401_EN);
	response_free(&r);
	free(gone);
	/* reporter routes keep the reporter's message */
	http_get_as(&srv, staff_tok, "/api/v1/reporter/report?lang=en", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	assert_non_null(strstr(error_message(&r), "receipt code"));
	response_free(&r);
	call(&srv, "POST", "/api/v1/staff/logout", rep_tok, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	snprintf(cookie, sizeof cookie, "Cookie: peluit_staff=%s", rep_tok);
	http_get(&srv, "/api/v1/staff/me", hv, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	/* no token at all */
	http_get(&srv, "/api/v1/reporter/report", NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	/* both still work where they belong */
	assert_int_equal(get_report(rep_tok, NULL, NULL), 200);
	http_get_as(&srv, staff_tok, "/api/v1/staff/me", &r);
	assert_status(&r, 200);
	response_free(&r);
}

static void test_reporter_logout(void **state)
{
	(void)state;
	need(&r_min);
	/* by bearer */
	char *t = reporter_login(r_min.receipt, NULL);
	struct response r;
	call(&srv, "POST", "/api/v1/reporter/logout", t, NULL, &r);
	assert_status(&r, 204);
	response_free(&r);
	http_get_as(&srv, t, "/api/v1/reporter/report", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	call(&srv, "POST", "/api/v1/reporter/logout", t, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	free(t);
	/* by cookie: the CSRF header is needed */
	const char *ct = rtok(&r_min);
	char cookie[256], csrf[256];
	snprintf(cookie, sizeof cookie, "Cookie: peluit_reporter=%s", ct);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", r_min.csrf);
	call_h(&srv, "POST", "/api/v1/reporter/logout", NULL, NULL, cookie, NULL, &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	assert_int_equal(get_report(ct, NULL, NULL), 200);
	call_h(&srv, "POST", "/api/v1/reporter/logout", NULL, NULL, cookie, csrf, &r);
	assert_status(&r, 204);
	response_free(&r);
	http_get_as(&srv, ct, "/api/v1/reporter/report", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	free(r_min.token);
	free(r_min.csrf);
	r_min.token = r_min.csrf = NULL;
}

/* ---- an interrupted upload ---- */

/* Does a log line record a reporter's request, or a request without a route? */
static bool reporter_line(const char *l)
{
	return strstr(l, "/api/v1/report") || strstr(l, "/lapor") || strstr(l, "/cek") ||
	       strstr(l, "(no route)") || strstr(l, "POST");
}

/* Sends all n bytes on fd; false when the connection failed. */
static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* Sends the next piece bytes of body every interval seconds for about `seconds`; returns the
 * new offset. */
static size_t send_slowly(int fd, const char *body, size_t off, size_t len, size_t piece,
                          double interval, double seconds)
{
	double end = now_seconds() + seconds;
	while (now_seconds() < end && off + piece < len) {
		assert_true(send_all(fd, body + off, piece));
		off += piece;
		sleep_s(interval);
	}
	return off;
}

/* An upload still arriving is not abandoned: the sweep of abandoned uploads (staged files
 * older than 10 minutes) counts from the upload's last activity, for every file it staged,
 * also one finished earlier in the same body. Ages are moved back in the database twice by
 * 8 minutes, a minute apart: only a file that was marked active in between survives. */
static void test_slow_upload_not_swept(void **state)
{
	(void)state;
	/* Two minutes of waiting for the upkeep's sweep; what it tests (evidence.c and the
	 * upkeep) does not depend on the backend, so the PostgreSQL pass leaves it out. */
	if (getenv("PELUIT_TEST_PG")) {
		print_message("skipped on PostgreSQL (backend-independent, two minutes long)\n");
		return;
	}
	char *first = repeat("Kronologi kejadian, bagian pertama. ", 3000, NULL); /* 108 KB */
	char *second = repeat("Rekaman percakapan yang diketik ulang. ", 56000, NULL); /* 2.2 MB */
	const struct mpart parts[] = {
		FIELD("category", "pengadaan"),
		FIELD("message", "Unggahan lambat dari jaringan seluler yang tetap harus diterima."),
		FILEPART("evidence", "bagian1.txt", "text/plain", first, strlen(first)),
		FILEPART("evidence", "bagian2.txt", "text/plain", second, strlen(second)),
	};
	size_t blen;
	char *body = multipart_body(parts, 4, &blen);
	assert_non_null(body);
	const char *at2 = strstr(body, "bagian2.txt");
	assert_non_null(at2);
	long long staged0 = db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NULL");

	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)srv.port) };
	inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
	assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
	char head[512];
	int hn = snprintf(head, sizeof head,
	                  "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	                  MPART_CONTENT_TYPE "\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n",
	                  srv.port, blen);
	assert_true(send_all(fd, head, (size_t)hn));
	/* the fields, the whole first file and three chunks of the second */
	size_t off = (size_t)(at2 - body) + 3 * 65536;
	assert_true(send_all(fd, body, off));
	double until = now_seconds() + 20;
	while (db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NULL") < staged0 + 2 &&
	       now_seconds() < until)
		sleep_s(0.2);
	assert_int_equal(db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NULL"),
	                 staged0 + 2);

	db_exec(&srv, "UPDATE files SET staged_at = staged_at - 480 WHERE report_id IS NULL");
	off = send_slowly(fd, body, off, blen, 16384, 2.0, 66);
	db_exec(&srv, "UPDATE files SET staged_at = staged_at - 480 WHERE report_id IS NULL");
	/* a sweep runs meanwhile (once a minute) */
	off = send_slowly(fd, body, off, blen, 16384, 2.0, 66);
	assert_true(send_all(fd, body + off, blen - off));

	char resp[8192];
	size_t got = 0;
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	until = now_seconds() + 60;
	while (got < sizeof resp - 1 && now_seconds() < until && poll(&pf, 1, 1000) >= 0) {
		if (!(pf.revents & (POLLIN | POLLHUP)))
			continue;
		ssize_t n = recv(fd, resp + got, sizeof resp - 1 - got, 0);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	resp[got] = '\0';
	close(fd);
	if (strncmp(resp, "HTTP/1.1 201", 12) != 0)
		print_error("slow upload: %.600s\n", resp);
	assert_int_equal(strncmp(resp, "HTTP/1.1 201", 12), 0);
	assert_non_null(strstr(resp, "bagian1.txt"));
	assert_non_null(strstr(resp, "bagian2.txt"));
	free(body);
	free(first);
	free(second);
}

static void test_interrupted_upload(void **state)
{
	(void)state;
	const char *root = tok("root1");
	json_int_t audit_before = audit_total(root);
	long long audit_rows_before = audit_in_db(&srv);
	long long reports_before = reports_in_db(&srv);
	long long files_before =
	        db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NOT NULL");
	size_t off = server_log_size(&srv);

	char marker[40];
	rand_hex(marker, 12);
	char message[128];
	snprintf(message, sizeof message, "Unggahan terputus %s: laporan ini tidak boleh ada.", marker);
	char *file = repeat("Isi bukti yang terputus. ", 24000, NULL); /* 600 KB */
	const struct mpart parts[] = {
		FIELD("category", "korupsi"),
		FIELD("message", message),
		FILEPART("evidence", "terputus.txt", "text/plain", file, strlen(file)),
	};
	size_t blen;
	char *body = multipart_body(parts, 3, &blen);
	assert_non_null(body);
	char head[512];
	int hn = snprintf(head, sizeof head,
	                  "POST /api/v1/reports HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
	                  MPART_CONTENT_TYPE "\r\nContent-Length: %zu\r\n\r\n", srv.port, blen);
	size_t send_len = (size_t)hn + blen / 2; /* the fields and half the file */
	char *req = malloc(send_len);
	memcpy(req, head, (size_t)hn);
	memcpy(req + hn, body, send_len - (size_t)hn);
	int code = raw_send_close(&srv, req, send_len, 300);
	if (code != 0)
		print_error("the server answered %d to half an upload\n", code);
	assert_int_equal(code, 0);
	free(req);
	free(body);
	free(file);
	sleep_s(1.5);

	struct response r;
	http_get(&srv, "/healthz", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	/* nothing became visible: no report, no stored file, no audit entry */
	assert_int_equal(reports_in_db(&srv), reports_before);
	assert_int_equal(db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NOT NULL"),
	                 files_before);
	assert_int_equal(audit_total(root), audit_before);
	assert_int_equal(audit_in_db(&srv), audit_rows_before); /* nor one waiting for the batch */
	http_get_as(&srv, root, "/api/v1/staff/audit/verify", &r);
	assert_status(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "ok")));
	response_free(&r);
	/* and the log has no line for it: only the lines of the staff requests above */
	char *log = server_log_since(&srv, off);
	assert_non_null(log);
	assert_null(strstr(log, marker));
	char *save = NULL;
	int foreign = 0;
	for (char *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		bool mine = !reporter_line(l) && (strstr(l, "GET /healthz ") ||
		                                  strstr(l, "GET /api/v1/staff/audit") ||
		                                  strstr(l, "reporter requests since the last count"));
		if (!mine) {
			print_error("a log line after an interrupted upload (its time tells when a reporter "
			            "was sending): %s\n", l);
			foreign++;
		}
	}
	free(log);
	assert_int_equal(foreign, 0);
}

/* ---- readiness ---- */

static void test_not_accepting_without_reader(void **state)
{
	(void)state;
	/* an admin and a pending investigator: no confirmed reader */
	assert_int_equal(server_prepare(&nsrv), 0);
	char f[160];
	assert_int_equal(server_write_file(&nsrv, "pw", PW_ADMIN, f, sizeof f), 0);
	assert_int_equal(peluit_run(&nsrv, NULL, NULL, "user", "add", "--username", "admin9", "--role",
	                            "admin", "--name", "Admin Sembilan", "--password-file", f, NULL),
	                 0);
	assert_int_equal(peluit_run(&nsrv, NULL, NULL, "user", "add", "--username", "pend9", "--role",
	                            "investigator", "--name", "Pending Sembilan", "--password-file", f,
	                            NULL),
	                 0);
	assert_int_equal(server_serve(&nsrv), 0);
	json_t *m = get_meta(&nsrv, NULL);
	assert_true(json_is_false(json_object_get(m, "accepting")));
	assert_int_equal(json_array_size(json_object_get(m, "recipients")), 0);
	json_decref(m);
	/* JSON: at once */
	char *b = J("{s:s, s:s}", "category", "korupsi", "message", MSG_OK);
	struct response r;
	call(&nsrv, "POST", "/api/v1/reports", NULL, b, &r);
	expect_error(&r, 503, "unavailable", NULL);
	assert_true(r.seconds < 1.0);
	response_free(&r);
	free(b);
	/* multipart: the body is drained, then 503 */
	char *big = repeat("d", 2 * 1048576, NULL);
	const struct mpart parts[] = {
		FIELD("category", "korupsi"),
		FIELD("message", MSG_OK),
		FILEPART("evidence", "besar.txt", "text/plain", big, 2 * 1048576),
	};
	submit_multipart_on(&nsrv, parts, 3, &r);
	print_message("multipart without a reader: HTTP %ld, curl %d (%s)\n", r.status, r.curl_code,
	              r.curl_error);
	expect_error(&r, 503, "unavailable", NULL);
	assert_int_equal(r.curl_code, 0);
	response_free(&r);
	free(big);
	assert_int_equal(reports_in_db(&nsrv), 0);
	assert_int_equal(server_stop(&nsrv), 0);
}

/* ---- abuse limits ---- */

struct sub_job {
	const struct server *s;
	int n; /* pairs: a submission, then a receipt login with its receipt */
	int created, signed_in, other;
	long last_other;
	char receipt[32];
};

static void *submit_thread(void *arg)
{
	struct sub_job *j = arg;
	char body[] = "{\"category\":\"lainnya\",\"message\":\"" MSG_OK "\"}";
	for (int i = 0; i < j->n; i++) {
		struct response r;
		http_post(j->s, "/api/v1/reports", NULL, body, &r);
		const char *rc = json_string_value(json_object_get(r.json, "receipt"));
		if (r.status == 201 && rc) {
			j->created++;
			snprintf(j->receipt, sizeof j->receipt, "%s", rc);
		} else {
			j->other++;
			j->last_other = r.status;
		}
		response_free(&r);
		char login[64];
		snprintf(login, sizeof login, "{\"receipt\":\"%s\"}", j->receipt);
		http_post(j->s, "/api/v1/reporter/login", NULL, login, &r);
		if (r.status == 200) {
			j->signed_in++;
		} else {
			j->other++;
			j->last_other = r.status;
		}
		response_free(&r);
	}
	return NULL;
}

static void expect_rate_limited(const struct response *r)
{
	expect_error(r, 429, "rate_limited", NULL);
	const char *ra = response_header(r, "Retry-After");
	if (!ra)
		print_error("429 without Retry-After\n");
	assert_non_null(ra);
	char *end;
	long secs = strtol(ra, &end, 10);
	if (*end || secs < 1 || secs > 3600)
		print_error("Retry-After: %s\n", ra);
	assert_true(*end == '\0' && secs >= 1 && secs <= 3600);
}

static void test_rate_limits(void **state)
{
	(void)state;
	assert_int_equal(server_prepare(&rsrv), 0);
	char f[160];
	assert_int_equal(server_write_file(&rsrv, "pw", PW_ROOT, f, sizeof f), 0);
	assert_int_equal(peluit_run(&rsrv, NULL, NULL, "user", "add", "--username", "root9", "--role",
	                            "supervisor", "--name", "Root Sembilan", "--password-file", f,
	                            NULL),
	                 0);
	assert_int_equal(server_serve_rate_limited(&rsrv), 0);
	char *log = server_log(&rsrv);
	assert_non_null(log);
	assert_null(strstr(log, "PELUIT_RATE_LIMITS=off"));
	free(log);
	json_t *m = get_meta(&rsrv, NULL);
	assert_true(json_is_true(json_object_get(m, "accepting")));
	json_decref(m);

	/* 30 submissions and 30 receipt logins from 127.0.0.1, four clients at a time */
	struct sub_job jobs[4];
	pthread_t th[4];
	double t0 = now_seconds();
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct sub_job){ .s = &rsrv, .n = i < 2 ? 8 : 7 };
		assert_int_equal(pthread_create(&th[i], NULL, submit_thread, &jobs[i]), 0);
	}
	int created = 0, signed_in = 0, other = 0;
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		created += jobs[i].created;
		signed_in += jobs[i].signed_in;
		other += jobs[i].other;
		if (jobs[i].other)
			print_error("a request within the limit got HTTP %ld\n", jobs[i].last_other);
	}
	print_message("30 submissions, 30 logins: %d created, %d signed in, in %.1f s\n", created,
	              signed_in, now_seconds() - t0);
	assert_int_equal(created, 30);
	assert_int_equal(signed_in, 30);
	assert_int_equal(other, 0);

	/* the 61st: a submission */
	char body[] = "{\"category\":\"lainnya\",\"message\":\"" MSG_OK "\"}";
	struct response r;
	http_post(&rsrv, "/api/v1/reports", NULL, body, &r);
	expect_rate_limited(&r);
	response_free(&r);
	/* receipt logins share the budget */
	char *lb = J("{s:s}", "receipt", jobs[0].receipt);
	http_post(&rsrv, "/api/v1/reporter/login", NULL, lb, &r);
	expect_rate_limited(&r);
	response_free(&r);
	free(lb);
	/* other routes are not limited */
	http_get(&rsrv, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	/* the limit is per client address: another loopback address may still submit */
	const char *hv[] = { "Content-Type: application/json", NULL };
	struct request rq = { .method = "POST", .path = "/api/v1/reports", .headers = hv,
	                      .body = body, .body_len = strlen(body), .local_addr = "127.0.0.2" };
	http_do(&rsrv, &rq, &r);
	if (r.status == 0)
		print_error("from 127.0.0.2: %s\n", r.curl_error);
	assert_status(&r, 201);
	response_free(&r);
	assert_int_equal(reports_in_db(&rsrv), 31);
	/* the counters live in memory only: no client address in the data or the log */
	const struct byte_needle addr[] = { { "127.0.0.2", 9, "the client address 127.0.0.2" } };
	assert_int_equal(tree_search(rsrv.data, addr, 1), 0);
	log = server_log(&rsrv);
	assert_non_null(log);
	assert_int_equal(buf_search("the server's log", log, strlen(log), addr, 1), 0);
	free(log);
	assert_int_equal(server_stop(&rsrv), 0);
}

/* ---- sessions end when idle ---- */

static void test_reporter_idle_timeout(void **state)
{
	(void)state;
	const char *t = rtok(&r_files);
	assert_int_equal(get_report(t, NULL, NULL), 200);
	/* idle 19 minutes: still signed in (and the request counts as activity) */
	db_exec(&srv, "UPDATE reporter_sessions SET last_seen = last_seen - 1140");
	assert_int_equal(get_report(t, NULL, NULL), 200);
	/* idle 21 minutes: ended */
	db_exec(&srv, "UPDATE reporter_sessions SET last_seen = last_seen - 1260");
	struct response r;
	http_get_as(&srv, t, "/api/v1/reporter/report", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	/* every cached reporter session aged with it */
	struct rep *reps[] = { &r_min, &r_full, &r_files };
	for (size_t i = 0; i < 3; i++) {
		free(reps[i]->token);
		free(reps[i]->csrf);
		reps[i]->token = reps[i]->csrf = NULL;
	}
	/* the receipt still opens it */
	assert_int_equal(get_report(rtok(&r_files), NULL, NULL), 200);
}

/* ---- no exact time of a reporter's action is stored (SECURITY.md threat 7) ---- */

static void test_no_exact_times_stored(void **state)
{
	(void)state;
	/* the suite has submitted reports with files, added files and sent messages by now */
	assert_true(db_count(&srv, "SELECT count(*) FROM files WHERE report_id IS NOT NULL") >= 5);
	struct {
		const char *sql, *what;
	} checks[] = {
		{ "SELECT count(*) FROM files WHERE report_id IS NOT NULL AND "
		  "(staged_at % 3600 != 0 OR added_at % 3600 != 0)",
		  "stored evidence files keep the exact second of their upload (files.staged_at)" },
		{ "SELECT count(*) FROM messages WHERE author != 'staff' AND at % 3600 != 0",
		  "reporter or system messages keep an exact time" },
		{ "SELECT count(*) FROM report_events WHERE status = 'received' AND at != 0 AND "
		  "(at + 25200) % 86400 != 0",
		  "the submission event keeps a time (submissions are stored with their date)" },
		{ "SELECT count(*) FROM audit WHERE action LIKE 'report%' AND at != 0",
		  "reporter-originated audit entries keep their time" },
	};
	int bad = 0;
	for (size_t i = 0; i < sizeof checks / sizeof *checks; i++) {
		long long n = db_count(&srv, checks[i].sql);
		if (n != 0) {
			print_error("%lld row(s): %s\n", n, checks[i].what);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

/* ---- the request log ---- */

static void test_reporter_requests_not_logged(void **state)
{
	(void)state;
	/* a public request is logged (so the log works) ... */
	size_t off = server_log_size(&srv);
	struct response r;
	http_get(&srv, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	bool logged = false;
	for (double end = now_seconds() + 3.0; !logged && now_seconds() < end; sleep_s(0.05)) {
		char *l = server_log_since(&srv, off);
		logged = l && strstr(l, "/api/v1/meta");
		free(l);
	}
	assert_true(logged);
	/* ... and after every reporter request of this suite, not one of them is */
	char *log = server_log(&srv);
	assert_non_null(log);
	struct rep *reps[] = { &r_min, &r_full, &r_files };
	for (size_t i = 0; i < 3; i++) {
		if (reps[i]->receipt[0]) {
			assert_null(strstr(log, reps[i]->receipt));
			assert_null(strstr(log, reps[i]->display));
		}
	}
	char *save = NULL;
	for (char *l = strtok_r(log, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		bool rep = strstr(l, "/api/v1/report") || strstr(l, "/lapor") || strstr(l, "/cek");
		if (rep)
			print_error("a reporter request in the log: %s\n", l);
		assert_false(rep);
	}
	free(log);
}

/* ---- privacy: the canary ---- */

/* Everything s wrote on its stdout since it was ready, malloc'd (the harness reads only up to the
 * ready line). */
static char *drain_stdout(const struct server *s, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		struct pollfd p = { .fd = s->out_fd, .events = POLLIN };
		if (s->out_fd < 0 || poll(&p, 1, 0) <= 0)
			break;
		if (cap - n < 4096) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		ssize_t k = read(s->out_fd, buf + n, cap - n);
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	*len = n;
	return buf;
}

static int search_everything(const struct server *s, const struct byte_needle *nd, size_t n,
                             char **out_acc, size_t *out_len)
{
	int hits = tree_search(s->data, nd, n);
	if (s->db[0])
		hits += tree_search(db_dir(s), nd, n);
	assert_true(hits >= 0);
	char *log = server_log(s);
	assert_non_null(log);
	hits += buf_search("the server's log (stderr)", log, strlen(log), nd, n);
	free(log);
	size_t k;
	char *more = drain_stdout(s, &k);
	*out_acc = realloc(*out_acc, *out_len + k + 1);
	memcpy(*out_acc + *out_len, more, k);
	*out_len += k;
	free(more);
	hits += buf_search("the server's stdout", *out_acc, *out_len, nd, n);
	return hits;
}

static void test_canary_nowhere(void **state)
{
	(void)state;
	char hx[8][40];
	for (int i = 0; i < 8; i++)
		rand_hex(hx[i], 12);
	char message[160], address[96], name[96], email[96], fname[96], content[2048], nsn[16],
		phone[32], rmsg[128], rfname[96], rcontent[256];
	snprintf(message, sizeof message, "Pesan kanari %s tentang pungutan liar di kantor.", hx[0]);
	snprintf(address, sizeof address, "Jl. Kanari %s No. 7", hx[1]);
	snprintf(name, sizeof name, "Nama Kanari %s", hx[2]);
	snprintf(email, sizeof email, "k%s@example.org", hx[3]);
	snprintf(fname, sizeof fname, "bukti-%s.txt", hx[4]);
	snprintf(content, sizeof content, "Isi bukti kanari %s.\n", hx[5]);
	for (int i = 0; i < 40; i++)
		strncat(content, "Baris tambahan bukti untuk mengisi berkas.\n",
		        sizeof content - strlen(content) - 1);
	nsn[0] = '8';
	rand_digits(nsn + 1, 10); /* national number 8xxxxxxxxxx */
	snprintf(phone, sizeof phone, "0%.3s-%.4s-%.4s", nsn, nsn + 3, nsn + 7);
	snprintf(rmsg, sizeof rmsg, "Pesan lanjutan kanari %s.", hx[6]);
	snprintf(rfname, sizeof rfname, "tambahan-%s.txt", hx[7]);
	snprintf(rcontent, sizeof rcontent, "Isi tambahan kanari %s%s.\n", hx[7], hx[6]);

	const struct mpart parts[] = {
		FIELD("category", "korupsi"),
		FIELD("message", message),
		FIELD("address", address),
		FIELD("phone", phone),
		FIELD("name", name),
		FIELD("email", email),
		FILEPART("evidence", fname, "text/plain", content, strlen(content)),
	};
	struct response r;
	struct rep rep = { .label = "the canary report" };
	long long t0 = (long long)time(NULL);
	submit_multipart_on(&srv, parts, 7, &r);
	check_created(&r, t0, (long long)time(NULL), 1, &rep);
	response_free(&r);
	/* it is stored (so its absence below means encrypted, not dropped) */
	const char *t = rtok(&rep);
	char *b = J("{s:s}", "body", rmsg);
	call(&srv, "POST", "/api/v1/reporter/messages", t, b, &r);
	assert_status(&r, 201);
	response_free(&r);
	free(b);
	char *auth = bearer_header(t);
	const char *hv[] = { auth, NULL };
	const struct mpart more[] = {
		FILEPART("evidence", rfname, "text/plain", rcontent, strlen(rcontent)),
	};
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, more, 1, 30000, &r);
	assert_status(&r, 201);
	response_free(&r);
	free(auth);
	json_t *v = report_of(&rep, NULL);
	json_t *c = json_object_get(v, "content");
	assert_string_equal(json_string_value(json_object_get(c, "message")), message);
	assert_string_equal(json_string_value(json_object_get(c, "address")), address);
	char normalized[32];
	snprintf(normalized, sizeof normalized, "+62%s", nsn);
	check_identity(json_object_get(v, "identity"), normalized, name, email);
	json_t *files = json_object_get(v, "files");
	assert_int_equal(json_array_size(files), 2);
	check_file(file_named(files, fname), fname, "text/plain", strlen(content), true);
	check_file(file_named(files, rfname), rfname, "text/plain", strlen(rcontent), true);
	json_t *msgs = json_object_get(v, "messages");
	assert_string_equal(
	        json_string_value(json_object_get(json_array_get(msgs, json_array_size(msgs) - 1),
	                                          "body")),
	        rmsg);
	json_decref(v);

	char dashed[40];
	snprintf(dashed, sizeof dashed, "%.5s-%.5s-%.5s-%.5s", rep.receipt, rep.receipt + 5,
	         rep.receipt + 10, rep.receipt + 15);
	const struct byte_needle nd[] = {
		{ hx[0], strlen(hx[0]), "the message canary" },
		{ hx[1], strlen(hx[1]), "the address canary" },
		{ hx[2], strlen(hx[2]), "the name canary" },
		{ hx[3], strlen(hx[3]), "the e-mail canary" },
		{ email, strlen(email), "the e-mail address" },
		{ hx[4], strlen(hx[4]), "the file name canary" },
		{ hx[5], strlen(hx[5]), "the file content canary" },
		{ nsn, strlen(nsn), "the phone number" },
		{ hx[6], strlen(hx[6]), "the reporter message canary" },
		{ hx[7], strlen(hx[7]), "the added file's name/content canary" },
		{ rep.receipt, strlen(rep.receipt), "the receipt" },
		{ rep.display, strlen(rep.display), "the receipt (display form)" },
		{ dashed, strlen(dashed), "the receipt (dashed)" },
		{ t, strlen(t), "the reporter's session token" },
	};
	size_t nn = sizeof nd / sizeof *nd;
	char *out_acc = NULL;
	size_t out_len = 0;
	/* the search does find what is stored in plain, such as a username */
	const struct byte_needle control[] = {
		{ "pend1", 5, "a username (the search's control: expected, not a failure)" }
	};
	int seen = tree_search(db_dir(&srv), control, 1);
	if (seen < 1)
		print_error("the search does not even find a username in the data directory\n");
	assert_true(seen >= 1);
	/* while it runs: the database, its WAL and everything else */
	int hits = search_everything(&srv, nd, nn, &out_acc, &out_len);
	print_message("while running: %d hit(s)\n", hits);
	/* after a clean shutdown */
	int st = server_halt(&srv);
	srv_halted = true;
	assert_int_equal(st, 0);
	hits += search_everything(&srv, nd, nn, &out_acc, &out_len);
	free(out_acc);
	free(rep.token);
	free(rep.csrf);
	assert_int_equal(hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_accepting_and_recipients),
		cmocka_unit_test(test_submit_json_minimal),
		cmocka_unit_test(test_json_field_rules),
		cmocka_unit_test(test_errors_localized),
		cmocka_unit_test(test_submit_full_and_view),
		cmocka_unit_test(test_minimal_view_nulls),
		cmocka_unit_test(test_json_boundaries_accepted),
		cmocka_unit_test(test_long_messages_fit),
		cmocka_unit_test(test_phone_normalization),
		cmocka_unit_test(test_receipt_login),
		cmocka_unit_test(test_multipart_submit_with_files),
		cmocka_unit_test(test_multipart_field_rules),
		cmocka_unit_test(test_multipart_field_after_file),
		cmocka_unit_test(test_unsupported_type),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_form_without_file_chosen),
		cmocka_unit_test_teardown(test_small_limits, restore_limits),
		cmocka_unit_test_teardown(test_exclusions, restore_exclusion),
		cmocka_unit_test(test_reporter_messages),
		cmocka_unit_test(test_reporter_files),
		cmocka_unit_test(test_evidence_types),
		cmocka_unit_test_teardown(test_ack_dates_follow_settings, restore_deadlines),
		cmocka_unit_test(test_readers_hold_the_keys),
		cmocka_unit_test(test_tokens_do_not_cross),
		cmocka_unit_test(test_reporter_logout),
		cmocka_unit_test(test_reporter_idle_timeout),
		cmocka_unit_test(test_interrupted_upload),
		cmocka_unit_test(test_slow_upload_not_swept),
		cmocka_unit_test(test_not_accepting_without_reader),
		cmocka_unit_test(test_rate_limits),
		cmocka_unit_test(test_no_exact_times_stored),
		cmocka_unit_test(test_reporter_requests_not_logged),
		cmocka_unit_test(test_canary_nowhere),
	};
	return cmocka_run_group_tests_name("api_reports", tests, group_setup, group_teardown);
}
