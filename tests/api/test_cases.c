/* test_cases.c: case handling (issue 5) against API.md "Staff" and "Report statuses": who may call
 * each case route (one table, every mismatch printed), exclusions of a supervisor, key copies gone
 * with a disabled user, the inbox (filters, sorting, pages, unread), the case view, evidence
 * downloads (bytes, headers, a corrupted chunk), status transitions and deadlines, assignment,
 * messages and notes, grants, identity requests and the audit trail of all of it.
 *
 * One server. Users are made at the command line (test_orgkey.c): supa is the trust root; supb,
 * supc, inv1, invx, lead1 and inv2 are confirmed by supa; pend1 stays pending; invlate is
 * confirmed over the API only after the reports of the access matrix were submitted, so it reads
 * none of them. Those reports exclude invx. */
#include <ctype.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

static struct server srv;

/* ---- accounts ---- */

enum { SUPA, SUPB, SUPC, ADM, INV, INVX, INVL, LEAD, PEND, INV2, N_ACCT };
struct acct {
	const char *username, *role, *name;
	bool confirm;       /* --confirm-as supa at the command line */
	char password[64];
	char id[80];
	char *token, *csrf;
};
static struct acct acct[N_ACCT] = {
	[SUPA] = { "supa", "supervisor", "Sri Wahyuni", false },
	[SUPB] = { "supb", "supervisor", "Budi Santoso", true },
	[SUPC] = { "supc", "supervisor", "Citra Lestari", true },
	[ADM] = { "adm", "admin", "Adi Nugroho", false },
	[INV] = { "inv1", "investigator", "Indah Permata", true },
	[INVX] = { "invx", "investigator", "Eko Prasetyo", true },
	[INVL] = { "invlate", "investigator", "Lina Marlina", false },
	[LEAD] = { "lead1", "leader", "Lukman Hakim", true },
	[PEND] = { "pend1", "investigator", "Putri Ayu", false },
	[INV2] = { "inv2", "investigator", "Dedi Kurniawan", true },
};

/* The session of an account, made once. */
static const char *as(int who)
{
	struct acct *a = &acct[who];
	if (!a->token) {
		a->token = staff_login(&srv, a->username, a->password, &a->csrf);
		if (!a->token)
			fail_msg("staff login of %s failed", a->username);
	}
	return a->token;
}

/* ---- the identity every report of this suite carries, and texts that must stay internal ---- */

#define PHONE_IN "0812-3456-7890"
#define PHONE_NEEDLE "81234567890"
#define PHONE_NORM "+6281234567890"
#define IDN_NAME "Sutrisno Kanari"
#define IDN_EMAIL "saksi.kanari@example.org"
#define MSG_TEXT "Pungutan liar di loket pelayanan perizinan setiap hari Senin pagi."

/* ---- reports ---- */

struct rep {
	char receipt[32];
	char id[80], number[32], created_on[16];
	char kecamatan[32], category[48];
	char *rtoken; /* the reporter's session, made once */
};
#define MAX_REPS 64
static struct rep reps[MAX_REPS];
static size_t n_reps;

/* What to submit; NULL fields are left out. */
struct sub {
	const char *category, *message, *involved, *occurred, *kecamatan, *kelurahan, *address,
		*lat, *lon;
	bool identity, keep_metadata;
	const char *exclude[3];
	const struct mpart *files;
	size_t nfiles;
};

/* Shared reports: R (the matrix, with a file; excludes invx), E (excludes supb, with a file), a
 * pool submitted before invlate was confirmed (each with a file; excludes invx). */
static struct rep *R, *E;
#define N_POOL 12
static struct rep *pool[N_POOL];
static size_t pool_used;
static char r_file[80], e_file[80];
static char ex_invx[80], ex_supb[80]; /* ids from meta.recipients */
static json_t *meta;

#define assert_status(r, code)                                                                   \
	do {                                                                                     \
		if ((r)->status != (code))                                                       \
			print_error("%s:%d: HTTP %ld (curl: %s), expected %d; body: %.600s\n",   \
			            __FILE__, __LINE__, (r)->status, (r)->curl_error, (int)(code),\
			            (r)->body ? (r)->body : "");                                 \
		assert_int_equal((r)->status, (code));                                           \
	} while (0)

/* METHOD path with a bearer token (optional) and a JSON body (optional). */
static void req(const char *method, const char *path, const char *token, const char *body,
                struct response *r)
{
	char *auth = token ? bearer_header(token) : NULL;
	const char *hv[3] = { body ? "Content-Type: application/json" : "Content-Type:", auth, NULL };
	struct request rq = { .method = method, .path = path, .headers = hv, .body = body,
	                      .body_len = body ? strlen(body) : 0 };
	http_do(&srv, &rq, r);
	free(auth);
}

/* A 4xx/5xx of API.md: the status, error.code and (when not NULL) error.field. */
static void expect_err(const struct response *r, long status, const char *code, const char *field)
{
	json_t *e = json_object_get(r->json, "error");
	const char *c = json_string_value(json_object_get(e, "code"));
	const char *f = json_string_value(json_object_get(e, "field"));
	bool ok = r->status == status && c && !strcmp(c, code) &&
	          (!field || (f && !strcmp(f, field)));
	if (!ok)
		print_error("expected %ld %s%s%s; got HTTP %ld %.500s\n", status, code,
		            field ? " field " : "", field ? field : "", r->status, r->body);
	assert_true(ok);
}

static const char *str_or(const char *s, const char *dflt)
{
	return s ? s : dflt;
}

static const char *sget(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static char *dump(const json_t *j)
{
	static char buf[4][2048];
	static int k;
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s", s ? s : "(null)");
	free(s);
	return buf[k];
}

/* GET path as token; asserts 200; the JSON body (caller decrefs). */
static json_t *get_json(const char *token, const char *path)
{
	struct response r;
	http_get_as(&srv, token, path, &r);
	if (r.status != 200)
		print_error("GET %s\n", path);
	assert_status(&r, 200);
	json_t *j = json_incref(r.json);
	assert_non_null(j);
	response_free(&r);
	return j;
}

/* The raw response of a request on a report route: "/api/v1/staff/reports/<id><tail>". */
static void on_report(const char *method, const struct rep *p, const char *tail, int who,
                      const char *body, struct response *r)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s%s", p->id, tail ? tail : "");
	req(method, path, who >= 0 ? as(who) : NULL, body, r);
}

/* A request on a report route that must fail with status, code and (optional) field. */
static void refused(const char *method, const struct rep *p, const char *tail, int who,
                    const char *body, long status, const char *code, const char *field)
{
	struct response r;
	on_report(method, p, tail, who, body, &r);
	if (r.status != status)
		print_error("%s %s%s as %s\n", method, p->number, str_or(tail, ""),
		            who >= 0 ? acct[who].username : "nobody");
	expect_err(&r, status, code, field);
	response_free(&r);
}

/* The case view of p as who (asserts 200). */
static json_t *case_of(const struct rep *p, int who)
{
	struct response r;
	on_report("GET", p, NULL, who, NULL, &r);
	if (r.status != 200)
		print_error("the case %s as %s\n", p->number, acct[who].username);
	assert_status(&r, 200);
	json_t *j = json_incref(r.json);
	response_free(&r);
	return j;
}

/* PATCH the report as who with body; asserts the status code. */
static void patch(const struct rep *p, int who, const char *body, long want)
{
	struct response r;
	on_report("PATCH", p, NULL, who, body, &r);
	if (r.status != want)
		print_error("PATCH %s %s as %s\n", p->number, body, acct[who].username);
	assert_status(&r, want);
	response_free(&r);
}

static void set_status(const struct rep *p, int who, const char *status, const char *reason,
                       const char *note, long want)
{
	char *b = note ? J("{s:s,s:s,s:s}", "status", status, "reason", reason, "internal_note", note)
	               : J("{s:s,s:s}", "status", status, "reason", reason);
	patch(p, who, b, want);
	free(b);
}

/* POST tail of p as who with body; asserts want; the "id" of the reply, malloc'd, or NULL. */
static char *post_on(const struct rep *p, const char *tail, int who, const char *body, long want)
{
	struct response r;
	on_report("POST", p, tail, who, body, &r);
	if (r.status != want)
		print_error("POST %s%s %s as %s\n", p->number, tail, body, acct[who].username);
	assert_status(&r, want);
	const char *id = sget(r.json, "id");
	char *out = id ? strdup(id) : NULL;
	response_free(&r);
	return out;
}

static void grant(const struct rep *p, int who, int to, long want, const char *code)
{
	char *b = J("{s:s}", "user", acct[to].id);
	struct response r;
	on_report("POST", p, "/grants", who, b, &r);
	if (code)
		expect_err(&r, want, code, NULL);
	else
		assert_status(&r, want);
	response_free(&r);
	free(b);
}

/* ---- the database, read and written beside the running server ---- */

static sqlite3 *db_open(void)
{
	char path[160];
	sqlite3 *db;
	snprintf(path, sizeof path, "%s/peluit.db", srv.data);
	assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	return db;
}

/* Prepares sql with its text parameters (NULL-terminated). */
static sqlite3_stmt *db_prep(sqlite3 *db, const char *sql, va_list ap)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	const char *a;
	for (int i = 1; (a = va_arg(ap, const char *)); i++)
		sqlite3_bind_text(st, i, a, -1, SQLITE_TRANSIENT);
	return st;
}

/* The integer of a one-row query; text parameters follow, NULL-terminated. */
static long long db_int(const char *sql, ...)
{
	sqlite3 *db = db_open();
	va_list ap;
	va_start(ap, sql);
	sqlite3_stmt *st = db_prep(db, sql, ap);
	va_end(ap);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Runs a statement that must change a row; text parameters follow, NULL-terminated. */
static void db_run(const char *sql, ...)
{
	sqlite3 *db = db_open();
	va_list ap;
	va_start(ap, sql);
	sqlite3_stmt *st = db_prep(db, sql, ap);
	va_end(ap);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		print_error("%s: %s\n", sql, sqlite3_errmsg(db));
	assert_int_equal(rc, SQLITE_DONE);
	assert_true(sqlite3_changes(db) > 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The newest report row: id, number and date, into p. */
static void db_newest_report(struct rep *p)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id, number, created_on FROM reports "
	                                        "ORDER BY rowid DESC LIMIT 1", -1, &st, NULL),
	                 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(p->id, sizeof p->id, "%s", (const char *)sqlite3_column_text(st, 0));
	snprintf(p->number, sizeof p->number, "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(p->created_on, sizeof p->created_on, "%s", (const char *)sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* The id of the n-th (0-based, upload order) file of a report, from the files table. */
static void db_file_id(const struct rep *p, int n, char *out, size_t len)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT id FROM files WHERE report_id = ? "
	                                        "ORDER BY rowid LIMIT 1 OFFSET ?", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, p->id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, n);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(db);
}

/* Flips one byte in the middle of the n-th chunk of a stored file. */
static void db_corrupt_chunk(const char *file_id, int n)
{
	sqlite3 *db = db_open();
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT seq, data FROM file_chunks WHERE file_id = ? "
	                                        "ORDER BY seq LIMIT 1 OFFSET ?", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_text(st, 1, file_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, n);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	long long seq = sqlite3_column_int64(st, 0);
	int len = sqlite3_column_bytes(st, 1);
	assert_true(len > 100);
	unsigned char *data = malloc((size_t)len);
	memcpy(data, sqlite3_column_blob(st, 1), (size_t)len);
	sqlite3_finalize(st);
	data[len / 2] ^= 0x01;
	assert_int_equal(sqlite3_prepare_v2(db, "UPDATE file_chunks SET data = ? WHERE file_id = ? "
	                                        "AND seq = ?", -1, &st, NULL),
	                 SQLITE_OK);
	sqlite3_bind_blob(st, 1, data, len, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, 2, file_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, seq);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(db), 1);
	sqlite3_finalize(st);
	sqlite3_close(db);
	free(data);
}

/* ---- submitting ---- */

/* Submits s (multipart: the fields, then the files); asserts 201 and registers the report. */
static struct rep *submit(const struct sub *s)
{
	assert_true(n_reps < MAX_REPS);
	struct mpart parts[32];
	size_t n = 0;
	const char *cat = str_or(s->category, "lainnya");
#define ADD(k, v)                                                                                \
	do {                                                                                     \
		if (v)                                                                           \
			parts[n++] = (struct mpart){ .name = (k), .data = (v), .len = MPART_STRLEN };\
	} while (0)
	ADD("category", cat);
	ADD("message", str_or(s->message, MSG_TEXT));
	ADD("involved", s->involved);
	ADD("occurred", s->occurred);
	ADD("kecamatan", s->kecamatan);
	ADD("kelurahan", s->kelurahan);
	ADD("address", s->address);
	ADD("lat", s->lat);
	ADD("lon", s->lon);
	if (s->identity) {
		ADD("phone", PHONE_IN);
		ADD("name", IDN_NAME);
		ADD("email", IDN_EMAIL);
	}
	for (size_t i = 0; i < 3 && s->exclude[i]; i++)
		ADD("exclude", s->exclude[i]);
	if (s->keep_metadata)
		ADD("keep_metadata", "true");
#undef ADD
	for (size_t i = 0; i < s->nfiles; i++)
		parts[n++] = s->files[i];
	struct response r;
	http_post_multipart(&srv, "/api/v1/reports", NULL, parts, n, 60000, &r);
	assert_status(&r, 201);
	struct rep *p = &reps[n_reps++];
	snprintf(p->receipt, sizeof p->receipt, "%s", sget(r.json, "receipt"));
	response_free(&r);
	db_newest_report(p);
	snprintf(p->kecamatan, sizeof p->kecamatan, "%s", str_or(s->kecamatan, ""));
	snprintf(p->category, sizeof p->category, "%s", cat);
	return p;
}

/* A report with the identity and nothing else special. */
static struct rep *submit_plain(void)
{
	return submit(&(struct sub){ .identity = true });
}

static const char text_file[] = "Catatan saksi: pembayaran Rp 500.000 di luar loket.\n"
                                "Tanggal 12 Maret, pukul 09.15. Saksi: dua orang. \xc3\xa9\n";
#define TEXT_PART(fname)                                                                         \
	{ .name = "evidence", .filename = (fname), .type = "text/plain", .data = text_file,      \
	  .len = sizeof text_file - 1 }

static const char *rtok(struct rep *p)
{
	if (!p->rtoken) {
		char *b = J("{s:s}", "receipt", p->receipt);
		struct response r;
		req("POST", "/api/v1/reporter/login", NULL, b, &r);
		free(b);
		assert_status(&r, 200);
		p->rtoken = strdup(sget(r.json, "token"));
		response_free(&r);
	}
	return p->rtoken;
}

/* The reporter's view of p (GET /reporter/report); raw body in *raw (optional, malloc'd). */
static json_t *reporter_view(struct rep *p, char **raw)
{
	struct response r;
	http_get_as(&srv, rtok(p), "/api/v1/reporter/report", &r);
	assert_status(&r, 200);
	json_t *j = json_incref(r.json);
	if (raw)
		*raw = strdup(r.body);
	response_free(&r);
	return j;
}

static void reporter_says(struct rep *p, const char *text)
{
	char *b = J("{s:s}", "body", text);
	struct response r;
	req("POST", "/api/v1/reporter/messages", rtok(p), b, &r);
	assert_status(&r, 201);
	response_free(&r);
	free(b);
}

static struct rep *pool_take(void)
{
	if (pool_used >= N_POOL || !pool[pool_used])
		fail_msg("the pool of early reports is used up");
	return pool[pool_used++];
}

/* ---- PNG, built here: IHDR, one IDAT of `idat` bytes, IEND; no metadata to remove ---- */

static uint32_t crc32_png(const unsigned char *p, size_t n)
{
	uint32_t c = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		c ^= p[i];
		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
	}
	return c ^ 0xFFFFFFFFu;
}

static void put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

static size_t png_chunk(unsigned char *out, const char *type, const unsigned char *d, size_t n)
{
	put32(out, (uint32_t)n);
	memcpy(out + 4, type, 4);
	if (n)
		memcpy(out + 8, d, n);
	put32(out + 8 + n, crc32_png(out + 4, n + 4));
	return n + 12;
}

/* A PNG whose IDAT holds `idat` random bytes (decoders would reject it; Peluit keeps it as is);
 * malloc'd, length in *len. */
static unsigned char *make_png(size_t idat, size_t *len)
{
	unsigned char *p = malloc(8 + 25 + idat + 12 + 12);
	unsigned char ihdr[13] = { 0 }, *data = malloc(idat ? idat : 1);
	assert_non_null(p);
	put32(ihdr, 64);
	put32(ihdr + 4, 64);
	ihdr[8] = 8; /* bit depth */
	ihdr[9] = 2; /* RGB */
	for (size_t off = 0; off < idat; off += 256)
		assert_true(getrandom(data + off, idat - off < 256 ? idat - off : 256, 0) > 0);
	memcpy(p, "\x89PNG\r\n\x1a\n", 8);
	size_t n = 8;
	n += png_chunk(p + n, "IHDR", ihdr, 13);
	n += png_chunk(p + n, "IDAT", data, idat);
	n += png_chunk(p + n, "IEND", NULL, 0);
	free(data);
	*len = n;
	return p;
}

/* ---- set-up ---- */

static int add_user(struct acct *a, const char *confirm_file)
{
	char f[160], *out = NULL, *err = NULL;
	if (server_write_file(&srv, a->username, a->password, f, sizeof f) != 0)
		return -1;
	int rc = a->confirm
	                 ? peluit_run(&srv, &out, &err, "user", "add", "--username", a->username,
	                              "--role", a->role, "--name", a->name, "--password-file", f,
	                              "--confirm-as", "supa", "--confirm-password-file", confirm_file,
	                              NULL)
	                 : peluit_run(&srv, &out, &err, "user", "add", "--username", a->username,
	                              "--role", a->role, "--name", a->name, "--password-file", f, NULL);
	if (rc != 0)
		fprintf(stderr, "user add %s: exit %d\n%s%s\n", a->username, rc, str_or(out, ""),
		        str_or(err, ""));
	free(out);
	free(err);
	return rc;
}

/* The ids of every account (the admin's list), and of the exclusion targets (meta). */
static void learn_ids(void)
{
	json_t *l = get_json(as(ADM), "/api/v1/staff/users?per_page=200");
	size_t i;
	json_t *u;
	json_array_foreach(json_object_get(l, "items"), i, u)
		for (int k = 0; k < N_ACCT; k++)
			if (!strcmp(str_or(sget(u, "username"), ""), acct[k].username))
				snprintf(acct[k].id, sizeof acct[k].id, "%s", sget(u, "id"));
	json_decref(l);
	for (int k = 0; k < N_ACCT; k++)
		if (!acct[k].id[0])
			fail_msg("%s is not in the admin's user list", acct[k].username);
	struct response r;
	http_get(&srv, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	meta = json_incref(r.json);
	response_free(&r);
	json_array_foreach(json_object_get(meta, "recipients"), i, u) {
		if (!strcmp(str_or(sget(u, "name"), ""), acct[INVX].name))
			snprintf(ex_invx, sizeof ex_invx, "%s", sget(u, "id"));
		if (!strcmp(str_or(sget(u, "name"), ""), acct[SUPB].name))
			snprintf(ex_supb, sizeof ex_supb, "%s", sget(u, "id"));
	}
	if (!ex_invx[0] || !ex_supb[0])
		fail_msg("invx or supb is not among meta.recipients: %s",
		         dump(json_object_get(meta, "recipients")));
}

static int group_setup(void **state)
{
	(void)state;
	http_global_init();
	if (server_prepare(&srv) != 0)
		return -1;
	char fsupa[160];
	for (int k = 0; k < N_ACCT; k++)
		snprintf(acct[k].password, sizeof acct[k].password, "cases-%s-kunci-rahasia-2026",
		         acct[k].username);
	if (server_write_file(&srv, "pw-confirm", acct[SUPA].password, fsupa, sizeof fsupa) != 0)
		goto fail;
	for (int k = 0; k < N_ACCT; k++)
		if (add_user(&acct[k], fsupa) != 0)
			goto fail;
	if (server_serve(&srv) != 0)
		goto fail;
	return 0;
fail:
	server_stop(&srv);
	return -1;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = server_stop(&srv) == 0 ? 0 : -1;
	for (int k = 0; k < N_ACCT; k++) {
		free(acct[k].token);
		free(acct[k].csrf);
	}
	for (size_t i = 0; i < n_reps; i++)
		free(reps[i].rtoken);
	json_decref(meta);
	http_global_cleanup();
	return rc;
}

/* The reports of the matrix, then invlate's confirmation (so it reads none of them). Every
 * other test needs this one. */
static void test_fixtures(void **state)
{
	(void)state;
	learn_ids();
	const struct mpart f[] = { TEXT_PART("catatan.txt") };
	R = submit(&(struct sub){ .identity = true, .exclude = { ex_invx }, .files = f, .nfiles = 1 });
	E = submit(&(struct sub){ .identity = true, .exclude = { ex_supb }, .files = f, .nfiles = 1 });
	for (size_t i = 0; i < N_POOL; i++)
		pool[i] = submit(&(struct sub){ .identity = true, .exclude = { ex_invx }, .files = f,
		                                .nfiles = 1 });
	db_file_id(R, 0, r_file, sizeof r_file);
	db_file_id(E, 0, e_file, sizeof e_file);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/staff/users/%s/confirm", acct[INVL].id);
	struct response r;
	req("POST", path, as(SUPA), "{\"decision\":\"confirm\"}", &r);
	assert_status(&r, 200);
	response_free(&r);
	/* everyone signs in now, once */
	for (int k = 0; k < N_ACCT; k++)
		as(k);
}

static void need_fixtures(void)
{
	if (!R || !pool[N_POOL - 1] || !acct[INVL].id[0])
		fail_msg("the fixtures are missing (test_fixtures failed)");
}

/* ---- 1. the access matrix ---- */

enum { C_NONE, C_REPORTER, C_ADMIN, C_INV, C_INV_NR, C_INV_EX, C_SUP, C_LEAD, N_CALLERS };
static const char *const caller_name[N_CALLERS] = {
	"no session", "reporter session", "admin", "reader investigator",
	"non-reader investigator", "excluded investigator", "supervisor", "leader",
};
static const int caller_acct[N_CALLERS] = { -1, -1, ADM, INV, INVL, INVX, SUPA, LEAD };

enum prep { P_NONE, P_FRESH, P_GRANTED, P_REQUEST };
struct row {
	const char *label, *method, *path, *body;
	int want[N_CALLERS];
	enum prep prep; /* what a caller expected to succeed gets instead of R */
};

/* {id}, {fid}, {late}, {inv} and {rid} of a template, into out. */
static void expand(const char *tpl, const char *id, const char *fid, const char *rid, char *out,
                   size_t len)
{
	static const char *keys[] = { "{id}", "{fid}", "{late}", "{inv}", "{rid}" };
	const char *vals[] = { id, fid, acct[INVL].id, acct[INV].id, rid };
	size_t n = 0;
	for (const char *p = tpl; *p && n + 1 < len;) {
		bool done = false;
		for (size_t k = 0; k < 5 && !done; k++) {
			size_t kl = strlen(keys[k]);
			if (!strncmp(p, keys[k], kl)) {
				n += (size_t)snprintf(out + n, len - n, "%s", vals[k]);
				p += kl;
				done = true;
			}
		}
		if (!done)
			out[n++] = *p++;
	}
	out[n < len ? n : len - 1] = '\0';
}

static const char *canonical_code(long status)
{
	switch (status) {
	case 401: return "unauthenticated";
	case 403: return "forbidden";
	case 404: return "not_found";
	default: return NULL;
	}
}

/* A new identity request on p by who; its id into rid ("" when refused). */
static void request_identity(const struct rep *p, int who, char *rid, size_t len)
{
	struct response r;
	on_report("POST", p, "/identity-requests", who, "{\"reason\":\"Perlu konfirmasi saksi.\"}",
	          &r);
	snprintf(rid, len, "%s", r.status == 201 ? str_or(sget(r.json, "id"), "") : "");
	response_free(&r);
}

static void test_access_matrix(void **state)
{
	(void)state;
	need_fixtures();
	static const struct row rows[] = {
		{ "list", "GET", "/api/v1/staff/reports", NULL,
		  { 401, 401, 403, 200, 200, 200, 200, 200 }, P_NONE },
		{ "case", "GET", "/api/v1/staff/reports/{id}", NULL,
		  { 401, 401, 403, 200, 404, 404, 200, 200 }, P_NONE },
		{ "file", "GET", "/api/v1/staff/reports/{id}/files/{fid}", NULL,
		  { 401, 401, 403, 200, 404, 404, 200, 200 }, P_NONE },
		{ "status change", "PATCH", "/api/v1/staff/reports/{id}",
		  "{\"status\":\"verifying\",\"reason\":\"Laporan sedang diverifikasi.\"}",
		  { 401, 401, 403, 200, 404, 404, 200, 403 }, P_FRESH },
		{ "assignment", "PATCH", "/api/v1/staff/reports/{id}", "{\"assignee\":\"{inv}\"}",
		  { 401, 401, 403, 403, 403, 403, 200, 403 }, P_NONE },
		{ "message", "POST", "/api/v1/staff/reports/{id}/messages",
		  "{\"body\":\"Terima kasih, laporan Anda kami terima.\"}",
		  { 401, 401, 403, 201, 404, 404, 201, 403 }, P_NONE },
		{ "note", "POST", "/api/v1/staff/reports/{id}/notes",
		  "{\"body\":\"Catatan internal matriks.\"}",
		  { 401, 401, 403, 201, 404, 404, 201, 201 }, P_NONE },
		{ "identity request", "POST", "/api/v1/staff/reports/{id}/identity-requests",
		  "{\"reason\":\"Perlu menghubungi pelapor.\"}",
		  { 401, 401, 403, 201, 404, 404, 201, 403 }, P_NONE },
		{ "identity-request list", "GET", "/api/v1/staff/identity-requests", NULL,
		  { 401, 401, 403, 403, 403, 403, 200, 403 }, P_NONE },
		{ "identity decision", "POST", "/api/v1/staff/identity-requests/{rid}",
		  "{\"decision\":\"deny\",\"reason\":\"Belum diperlukan.\"}",
		  { 401, 401, 403, 403, 403, 403, 200, 403 }, P_REQUEST },
		{ "grant", "POST", "/api/v1/staff/reports/{id}/grants", "{\"user\":\"{late}\"}",
		  { 401, 401, 403, 403, 403, 403, 201, 403 }, P_FRESH },
		{ "revoke", "DELETE", "/api/v1/staff/reports/{id}/grants/{late}", NULL,
		  { 401, 401, 403, 403, 403, 403, 204, 403 }, P_GRANTED },
	};
	int mismatches = 0;
	for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
		const struct row *w = &rows[i];
		char rid[80] = "no-such-request";
		if (w->prep == P_REQUEST) {
			/* a report of its own: one pending request per requester and report */
			request_identity(pool_take(), INV, rid, sizeof rid);
			if (!rid[0]) {
				print_error("row %s: inv1 could not make an identity request\n", w->label);
				mismatches++;
				snprintf(rid, sizeof rid, "no-such-request");
			}
		}
		for (int c = 0; c < N_CALLERS; c++) {
			const struct rep *p = R;
			bool success = w->want[c] < 300;
			if (success && (w->prep == P_FRESH || w->prep == P_GRANTED)) {
				p = pool_take();
				if (w->prep == P_GRANTED) {
					char *g = J("{s:s}", "user", acct[INVL].id);
					struct response gr;
					on_report("POST", p, "/grants", SUPA, g, &gr);
					if (gr.status != 201)
						print_error("row %s: the grant it needs got %ld\n",
						            w->label, gr.status);
					response_free(&gr);
					free(g);
				}
			}
			char path[320], body[320];
			expand(w->path, p->id, r_file, rid, path, sizeof path);
			if (w->body)
				expand(w->body, p->id, r_file, rid, body, sizeof body);
			const char *token = c == C_NONE ? NULL
			                    : c == C_REPORTER ? rtok(R)
			                                      : as(caller_acct[c]);
			struct response r;
			req(w->method, path, token, w->body ? body : NULL, &r);
			const char *code = canonical_code(w->want[c]);
			const char *got = str_or(sget(json_object_get(r.json, "error"), "code"), "");
			if (r.status != w->want[c] || (code && strcmp(code, got) != 0)) {
				print_error("MISMATCH row %-22s caller %-24s expected %d%s%s, got %ld %s\n",
				            w->label, caller_name[c], w->want[c], code ? " " : "",
				            code ? code : "", r.status,
				            r.status >= 400 ? got : "(success)");
				mismatches++;
			}
			response_free(&r);
		}
	}
	if (mismatches)
		print_error("%d mismatches in the access matrix\n", mismatches);
	assert_int_equal(mismatches, 0);
}

/* ---- 2. a supervisor the reporter excluded ---- */

/* Is a report among the items of a list body? */
static json_t *item_of(const json_t *list, const char *id)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(list, "items"), i, v)
		if (!strcmp(str_or(sget(v, "id"), ""), id))
			return v;
	return NULL;
}

/* The inbox of who with a query ("" for none; per_page=200 is added). */
static json_t *inbox(int who, const char *query)
{
	char path[512];
	snprintf(path, sizeof path, "/api/v1/staff/reports?per_page=200%s%s", *query ? "&" : "",
	         query);
	return get_json(as(who), path);
}

/* The identity-request list of a supervisor: the item of rid, or NULL. */
static json_t *id_request_item(int who, const char *rid)
{
	json_t *l = get_json(as(who), "/api/v1/staff/identity-requests?per_page=200");
	json_t *it = json_incref(item_of(l, rid));
	json_decref(l);
	return it;
}

static void test_excluded_supervisor(void **state)
{
	(void)state;
	need_fixtures();
	struct response r;
	/* not sealed to the organisation key, and no key for supb */
	assert_int_equal(db_int("SELECT count(*) FROM report_keys WHERE report_id = ? AND "
	                        "(holder_kind = 'org' OR holder = ?)", E->id, acct[SUPB].id, NULL),
	                 0);
	/* nor a key of R for the excluded, the late, the pending or the admin */
	const int none[] = { INVX, INVL, PEND, ADM };
	for (size_t i = 0; i < 4; i++)
		if (db_int("SELECT count(*) FROM report_keys WHERE report_id = ? AND holder = ?", R->id,
		           acct[none[i]].id, NULL) != 0)
			fail_msg("%s holds a key of %s", acct[none[i]].username, R->number);
	assert_int_equal(db_int("SELECT count(*) FROM report_keys WHERE holder IN (?, ?)",
	                        acct[PEND].id, acct[ADM].id, NULL),
	                 0);
	json_t *l = inbox(SUPB, "");
	assert_null(item_of(l, E->id));
	json_decref(l);
	/* the excluded and the late investigator do not list R */
	l = inbox(INVX, "");
	assert_null(item_of(l, R->id));
	json_decref(l);
	l = inbox(INVL, "");
	assert_null(item_of(l, R->id));
	json_decref(l);
	char q[64];
	snprintf(q, sizeof q, "q=%s", E->number);
	l = inbox(SUPB, q);
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 0);
	json_decref(l);
	/* supa reads it */
	json_decref(case_of(E, SUPA));
	refused("GET", E, NULL, SUPB, NULL, 404, "not_found", NULL);
	char tail[128];
	snprintf(tail, sizeof tail, "/files/%s", e_file);
	refused("GET", E, tail, SUPB, NULL, 404, "not_found", NULL);
	grant(E, SUPB, INVL, 404, "not_found");
	grant(E, SUPA, SUPB, 409, "grant_refused");
	/* ids reveal nothing: the same answer as for an id that does not exist */
	struct response n;
	on_report("GET", E, NULL, SUPB, NULL, &r);
	req("GET", "/api/v1/staff/reports/AAAAAAAAAAAAAAAAAAAAAA", as(SUPB), NULL, &n);
	if (r.status != n.status || strcmp(r.body, n.body) != 0)
		print_error("an excluded report: %ld %s; no report: %ld %s\n", r.status, r.body,
		            n.status, n.body);
	assert_int_equal(r.status, n.status);
	assert_string_equal(r.body, n.body);
	response_free(&r);
	response_free(&n);
	/* an identity request of it: supb neither sees nor decides it; supa does */
	char rid[80];
	request_identity(E, INV, rid, sizeof rid);
	assert_true(rid[0] != '\0');
	json_t *it = id_request_item(SUPB, rid);
	if (it)
		print_error("supb lists a request of a report that excludes supb: %s\n", dump(it));
	assert_null(it);
	char path[160];
	snprintf(path, sizeof path, "/api/v1/staff/identity-requests/%s", rid);
	req("POST", path, as(SUPB), "{\"decision\":\"approve\",\"reason\":\"Disetujui.\"}", &r);
	expect_err(&r, 404, "not_found", NULL);
	response_free(&r);
	it = id_request_item(SUPA, rid);
	assert_non_null(it);
	assert_string_equal(sget(it, "state"), "pending");
	json_decref(it);
	req("POST", path, as(SUPA), "{\"decision\":\"deny\",\"reason\":\"Tidak perlu.\"}", &r);
	assert_status(&r, 200);
	response_free(&r);
	/* nor can a message, note or status change reach it through supb */
	refused("POST", E, "/notes", SUPB, "{\"body\":\"catatan\"}", 404, "not_found", NULL);
	refused("PATCH", E, NULL, SUPB, "{\"status\":\"verifying\",\"reason\":\"x\"}",
	        404, "not_found", NULL);
}

/* ---- 4. the inbox ---- */

static const char *const item_keys[] = { "id", "number", "category", "status", "created_on",
	                                 "ack_due", "due", "overdue", "assignee", "files",
	                                 "unread" };

static int shape_bad; /* inbox items not of API.md's shape, asserted at the end of a test */

/* API.md's 11 keys, plus the one documented addition (docs/api.md, differences 34):
 * status_label, the status in the request's language. */
static void check_item_shape(const json_t *it)
{
	bool ok = json_object_size(it) == 12 && json_is_string(json_object_get(it, "status_label"));
	for (size_t k = 0; k < 11; k++)
		ok = ok && json_object_get(it, item_keys[k]);
	ok = ok && json_is_string(json_object_get(it, "id")) &&
	     json_is_string(json_object_get(it, "number")) &&
	     json_is_string(json_object_get(it, "category")) &&
	     json_is_string(json_object_get(it, "status")) &&
	     json_is_string(json_object_get(it, "created_on")) &&
	     json_is_string(json_object_get(it, "ack_due")) &&
	     json_is_string(json_object_get(it, "due")) &&
	     json_is_boolean(json_object_get(it, "overdue")) &&
	     json_is_integer(json_object_get(it, "files")) &&
	     json_is_integer(json_object_get(it, "unread"));
	json_t *a = json_object_get(it, "assignee");
	ok = ok && (json_is_null(a) || (json_is_object(a) && json_object_size(a) == 2 &&
	                                json_is_string(json_object_get(a, "id")) &&
	                                json_is_string(json_object_get(a, "name"))));
	const char *num = sget(it, "number");
	int y = 0, seq = 0, n = 0;
	ok = ok && num && sscanf(num, "WBS-%4d-%6d%n", &y, &seq, &n) == 2 && n == 15 && !num[15];
	if (!ok && shape_bad++ < 3)
		print_error("inbox item not of API.md's shape: %s\n", dump(it));
}

static struct rep *rep_by_id(const char *id)
{
	for (size_t i = 0; i < n_reps; i++)
		if (!strcmp(reps[i].id, id))
			return &reps[i];
	return NULL;
}

typedef bool (*item_pred)(const json_t *item, const void *arg);

/* The filtered inbox of who (query) holds exactly the items of the unfiltered one that pred
 * accepts, and at least `must` (id, optional). */
static void check_filter(int who, const char *query, item_pred pred, const void *arg,
                         const char *must)
{
	json_t *all = inbox(who, ""), *got = inbox(who, query);
	size_t i, want = 0, bad = 0;
	json_t *v;
	json_array_foreach(json_object_get(all, "items"), i, v) {
		if (!pred(v, arg))
			continue;
		want++;
		if (!item_of(got, sget(v, "id"))) {
			print_error("?%s lacks %s %s\n", query, sget(v, "number"), dump(v));
			bad++;
		}
	}
	json_array_foreach(json_object_get(got, "items"), i, v) {
		check_item_shape(v);
		if (!pred(v, arg)) {
			print_error("?%s holds %s %s\n", query, sget(v, "number"), dump(v));
			bad++;
		}
	}
	if (json_integer_value(json_object_get(got, "total")) != (json_int_t)want) {
		print_error("?%s: total %s, expected %zu\n", query, dump(json_object_get(got, "total")),
		            want);
		bad++;
	}
	if (must && !item_of(got, must)) {
		print_error("?%s lacks report %s\n", query, must);
		bad++;
	}
	json_decref(all);
	json_decref(got);
	assert_int_equal(bad, 0);
}

/* arg: key, value, key, value, …, NULL: every key has its value */
static bool field_is(const json_t *it, const void *arg)
{
	for (const char *const *kv = arg; *kv; kv += 2)
		if (strcmp(str_or(sget(it, kv[0]), ""), kv[1]) != 0)
			return false;
	return true;
}

static bool assignee_is(const json_t *it, const void *arg)
{
	return !strcmp(str_or(sget(json_object_get(it, "assignee"), "id"), ""), (const char *)arg);
}

static bool kecamatan_is(const json_t *it, const void *arg)
{
	const struct rep *p = rep_by_id(sget(it, "id"));
	return p && !strcmp(p->kecamatan, (const char *)arg);
}

static bool is_overdue(const json_t *it, const void *arg)
{
	(void)arg;
	return json_is_true(json_object_get(it, "overdue"));
}

static json_int_t unread_of(int who, const struct rep *p)
{
	json_t *l = inbox(who, "");
	json_t *it = item_of(l, p->id);
	if (!it)
		fail_msg("%s is not in the inbox of %s", p->number, acct[who].username);
	json_int_t n = json_integer_value(json_object_get(it, "unread"));
	json_decref(l);
	return n;
}

/* Are the items ordered by key (numbers or due dates), ascending or descending? */
static bool ordered(const json_t *list, const char *key, bool desc)
{
	size_t i;
	json_t *v;
	const char *prev = NULL;
	json_array_foreach(json_object_get(list, "items"), i, v) {
		const char *cur = str_or(sget(v, key), "");
		if (prev) {
			int c = strcmp(prev, cur);
			bool strict = !strcmp(key, "number");
			if (desc ? (strict ? c <= 0 : c < 0) : (strict ? c >= 0 : c > 0)) {
				print_error("%s %s after %s\n", key, cur, prev);
				return false;
			}
		}
		prev = cur;
	}
	return true;
}

static void test_inbox(void **state)
{
	(void)state;
	need_fixtures();
	shape_bad = 0;
	/* a kecamatan and category of their own, an assigned one, a verifying one */
	json_t *kec = json_array_get(json_object_get(meta, "kecamatan"), 0);
	const char *k0 = sget(kec, "code");
	assert_non_null(k0);
	struct rep *pk = submit(&(struct sub){ .kecamatan = k0, .category = "pengadaan" });
	struct rep *pc = submit(&(struct sub){ .category = "benturan_kepentingan" });
	struct rep *pa = submit_plain(), *pv = submit_plain();
	char *b = J("{s:s}", "assignee", acct[INV].id);
	patch(pa, SUPA, b, 200);
	free(b);
	set_status(pv, INV, "verifying", "Diverifikasi.", NULL, 200);

	json_t *l = inbox(SUPA, "");
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(l, "items"), i, v)
		check_item_shape(v);
	json_t *it = item_of(l, pk->id);
	assert_non_null(it);
	assert_string_equal(sget(it, "number"), pk->number);
	assert_string_equal(sget(it, "category"), "pengadaan");
	assert_string_equal(sget(it, "status"), "received");
	assert_string_equal(sget(it, "created_on"), pk->created_on);
	assert_true(json_is_false(json_object_get(it, "overdue")));
	assert_true(json_is_null(json_object_get(it, "assignee")));
	assert_int_equal(json_integer_value(json_object_get(it, "files")), 0);
	assert_int_equal(json_integer_value(json_object_get(it, "unread")), 0);
	it = item_of(l, R->id);
	assert_non_null(it);
	assert_int_equal(json_integer_value(json_object_get(it, "files")), 1);
	json_int_t total = json_integer_value(json_object_get(l, "total"));
	assert_int_equal(total, (json_int_t)json_array_size(json_object_get(l, "items")));
	assert_int_equal(json_integer_value(json_object_get(l, "page")), 1);
	assert_int_equal(json_integer_value(json_object_get(l, "per_page")), 200);
	json_decref(l);

	/* filters */
	const char *st[] = { "status", "verifying", NULL },
		   *ca[] = { "category", "benturan_kepentingan", NULL },
		   *both[] = { "status", "received", "category", "pengadaan", NULL };
	check_filter(SUPA, "status=verifying", field_is, st, pv->id);
	check_filter(SUPA, "category=benturan_kepentingan", field_is, ca, pc->id);
	char q[160];
	snprintf(q, sizeof q, "kecamatan=%s", k0);
	check_filter(SUPA, q, kecamatan_is, k0, pk->id);
	check_filter(INV, "assignee=me", assignee_is, acct[INV].id, pa->id);
	snprintf(q, sizeof q, "assignee=%s", acct[INV].id);
	check_filter(SUPA, q, assignee_is, acct[INV].id, pa->id);
	check_filter(SUPA, "status=received&category=pengadaan", field_is, both, pk->id);

	/* q: the case number, exactly */
	snprintf(q, sizeof q, "q=%s", pk->number);
	l = inbox(INV, q);
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 1);
	assert_non_null(item_of(l, pk->id));
	json_decref(l);
	snprintf(q, sizeof q, "q=%.*s", (int)strlen(pk->number) - 1, pk->number);
	l = inbox(INV, q);
	if (json_integer_value(json_object_get(l, "total")) != 0)
		print_error("?%s (a prefix of a number) matched %s\n", q, dump(l));
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 0);
	json_decref(l);
	l = inbox(INV, "q=WBS-1999-000001");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 0);
	json_decref(l);

	/* sorting */
	l = inbox(SUPA, "sort=created");
	assert_true(ordered(l, "number", false));
	json_t *asc = l;
	l = inbox(SUPA, "sort=-created");
	assert_true(ordered(l, "number", true));
	assert_int_equal(json_array_size(json_object_get(l, "items")), (size_t)total);
	json_decref(l);
	l = inbox(SUPA, "sort=due");
	assert_true(ordered(l, "due", false));
	json_decref(l);

	/* pages */
	l = get_json(as(SUPA), "/api/v1/staff/reports?sort=created&per_page=2&page=2");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), total);
	assert_int_equal(json_integer_value(json_object_get(l, "page")), 2);
	assert_int_equal(json_integer_value(json_object_get(l, "per_page")), 2);
	json_t *items = json_object_get(l, "items");
	assert_int_equal(json_array_size(items), 2);
	for (size_t k = 0; k < 2; k++)
		assert_string_equal(sget(json_array_get(items, k), "id"),
		                    sget(json_array_get(json_object_get(asc, "items"), 2 + k), "id"));
	json_decref(l);
	json_decref(asc);
	struct response r;
	http_get_as(&srv, as(SUPA), "/api/v1/staff/reports?per_page=201", &r);
	expect_err(&r, 400, "invalid_field", "per_page");
	response_free(&r);
	http_get_as(&srv, as(SUPA), "/api/v1/staff/reports?status=nonsense", &r);
	expect_err(&r, 400, "invalid_field", "status");
	response_free(&r);
	http_get_as(&srv, as(SUPA), "/api/v1/staff/reports?sort=name", &r);
	expect_err(&r, 400, "invalid_field", "sort");
	response_free(&r);
	l = get_json(as(SUPA), "/api/v1/staff/reports?per_page=50&page=1000");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), total);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);

	/* a pending account signs in and sees nothing */
	l = inbox(PEND, "");
	assert_int_equal(json_integer_value(json_object_get(l, "total")), 0);
	assert_int_equal(json_array_size(json_object_get(l, "items")), 0);
	json_decref(l);
	if (shape_bad)
		print_error("%d inbox items not of API.md's shape (its 11 keys and status_label)\n",
		            shape_bad);
	assert_int_equal(shape_bad, 0);
}

/* overdue: deadlines moved into the past in the database */
static void test_inbox_overdue(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *o1 = submit_plain(), *o2 = submit_plain(), *o3 = submit_plain(),
		   *o4 = submit_plain();
	set_status(o2, INV, "verifying", "Diverifikasi.", NULL, 200);
	set_status(o3, INV, "rejected", "Di luar kewenangan.", NULL, 200);
	set_status(o4, INV, "verifying", "Diverifikasi.", NULL, 200);
	/* o1: received, both deadlines passed; o2: acknowledged, answer due later; o3: final;
	 * o4: acknowledged, answer overdue */
	db_run("UPDATE reports SET ack_due = '2020-01-08', due = '2020-03-31' WHERE id = ?", o1->id,
	       NULL);
	db_run("UPDATE reports SET ack_due = '2020-01-08' WHERE id = ?", o2->id, NULL);
	db_run("UPDATE reports SET ack_due = '2020-01-08', due = '2020-03-31' WHERE id = ?", o3->id,
	       NULL);
	db_run("UPDATE reports SET due = '2020-03-31' WHERE id = ?", o4->id, NULL);
	json_t *l = inbox(SUPA, "");
	const struct {
		struct rep *p;
		bool overdue;
	} want[] = { { o1, true }, { o2, false }, { o3, false }, { o4, true } };
	int bad = 0;
	for (size_t i = 0; i < 4; i++) {
		json_t *it = item_of(l, want[i].p->id);
		assert_non_null(it);
		if (json_is_true(json_object_get(it, "overdue")) != want[i].overdue) {
			print_error("overdue of %s should be %s: %s\n", want[i].p->number,
			            want[i].overdue ? "true" : "false", dump(it));
			bad++;
		}
	}
	json_decref(l);
	assert_int_equal(bad, 0);
	check_filter(SUPA, "overdue=true", is_overdue, NULL, o1->id);
	check_filter(INV, "overdue=true", is_overdue, NULL, o4->id);
}

/* unread: new reporter messages, per reader, until they open the case */
static void test_inbox_unread(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *u = submit_plain();
	assert_int_equal(unread_of(INV, u), 0);
	reporter_says(u, "Saya ingin menambahkan keterangan pertama.");
	reporter_says(u, "Dan keterangan kedua tentang kejadian itu.");
	assert_int_equal(unread_of(INV, u), 2);
	assert_int_equal(unread_of(SUPA, u), 2);
	json_decref(case_of(u, INV));
	assert_int_equal(unread_of(INV, u), 0);
	json_int_t sup = unread_of(SUPA, u);
	if (sup != 2)
		print_error("supa has not opened %s, yet its unread is %lld (unread is per reader)\n",
		            u->number, (long long)sup);
	assert_int_equal(sup, 2);
	/* a staff message is not unread for anyone */
	free(post_on(u, "/messages", SUPA, "{\"body\":\"Mohon ditunggu.\"}", 201));
	assert_int_equal(unread_of(INV, u), 0);
	reporter_says(u, "Satu lagi.");
	assert_int_equal(unread_of(INV, u), 1);
	assert_int_equal(unread_of(SUPA, u), 3);
}

/* ---- 5. the case view ---- */

/* Does the raw body hold any part of the identity? Prints what it found. */
static bool holds_identity(const char *where, const char *body)
{
	const struct byte_needle nd[] = {
		{ PHONE_NEEDLE, strlen(PHONE_NEEDLE), "the phone number" },
		{ IDN_NAME, strlen(IDN_NAME), "the reporter's name" },
		{ IDN_EMAIL, strlen(IDN_EMAIL), "the reporter's email" },
	};
	return buf_search(where, body, strlen(body), nd, 3) > 0;
}

/* The case view as raw text and JSON. */
static json_t *case_raw(const struct rep *p, int who, char **raw)
{
	struct response r;
	on_report("GET", p, NULL, who, NULL, &r);
	assert_status(&r, 200);
	json_t *j = json_incref(r.json);
	*raw = strdup(r.body);
	response_free(&r);
	return j;
}

/* The entry of an array whose `key` is `value`, or NULL. */
static json_t *entry(const json_t *arr, const char *key, const char *value)
{
	size_t i;
	json_t *v;
	json_array_foreach(arr, i, v)
		if (!strcmp(str_or(sget(v, key), ""), value))
			return v;
	return NULL;
}

/* The access entry of a user, or NULL. */
static json_t *access_of(const json_t *c, int who)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(c, "access"), i, v)
		if (!strcmp(str_or(sget(json_object_get(v, "user"), "id"), ""), acct[who].id))
			return v;
	return NULL;
}

static void check_access_entry(const json_t *c, int who, const char *how)
{
	json_t *a = access_of(c, who);
	if (!a)
		print_error("%s is not in access: %s\n", acct[who].username,
		            dump(json_object_get(c, "access")));
	assert_non_null(a);
	json_t *u = json_object_get(a, "user");
	bool ok = json_object_size(u) == 3 && !strcmp(str_or(sget(u, "name"), ""), acct[who].name) &&
	          !strcmp(str_or(sget(u, "role"), ""), acct[who].role) && sget(a, "since") &&
	          !strcmp(str_or(sget(a, "how"), ""), how);
	if (!ok)
		print_error("access entry of %s (%s expected): %s\n", acct[who].username, how, dump(a));
	assert_true(ok);
}

static void test_case_view(void **state)
{
	(void)state;
	need_fixtures();
	json_t *kec = json_array_get(json_object_get(meta, "kecamatan"), 0);
	json_t *kel = json_array_get(json_object_get(kec, "kelurahan"), 0);
	const struct mpart f[] = { TEXT_PART("saksi.txt") };
	struct rep *p = submit(&(struct sub){
		.category = "korupsi", .message = "Kepala seksi meminta uang pelicin untuk izin.",
		.involved = "Dinas Perizinan", .occurred = "Maret 2026", .kecamatan = sget(kec, "code"),
		.kelurahan = sget(kel, "code"), .address = "Jl. Merdeka No. 1", .lat = "-6.2",
		.lon = "106.8", .identity = true, .exclude = { ex_invx }, .files = f, .nfiles = 1 });
	reporter_says(p, "Pesan dari pelapor untuk petugas.");
	free(post_on(p, "/messages", SUPA, "{\"body\":\"Pesan dari petugas untuk pelapor.\"}", 201));
	free(post_on(p, "/notes", INV, "{\"body\":\"Catatan internal penyidik.\"}", 201));
	set_status(p, INV, "verifying", "Alasan untuk pelapor.", "Catatan internal perubahan.", 200);

	char *raw;
	json_t *c = case_raw(p, INV, &raw);
	static const char *const keys[] = { "id", "number", "category", "status", "created_on",
		"ack_due", "due", "assignee", "content", "identity", "files", "messages", "notes",
		"history", "access" };
	for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
		if (!json_object_get(c, keys[k]))
			fail_msg("the case view has no \"%s\": %s", keys[k], dump(c));
	assert_string_equal(sget(c, "id"), p->id);
	assert_string_equal(sget(c, "number"), p->number);
	assert_string_equal(sget(c, "category"), "korupsi");
	assert_string_equal(sget(c, "status"), "verifying");
	assert_string_equal(sget(c, "created_on"), p->created_on);
	assert_true(json_is_null(json_object_get(c, "assignee")));
	/* the content, as the reporter sees it */
	json_t *rv = reporter_view(p, NULL);
	if (!json_equal(json_object_get(c, "content"), json_object_get(rv, "content")))
		print_error("content: staff %s, reporter %s\n", dump(json_object_get(c, "content")),
		            dump(json_object_get(rv, "content")));
	assert_true(json_equal(json_object_get(c, "content"), json_object_get(rv, "content")));
	json_t *ct = json_object_get(c, "content");
	assert_string_equal(sget(ct, "message"), "Kepala seksi meminta uang pelicin untuk izin.");
	assert_string_equal(sget(ct, "involved"), "Dinas Perizinan");
	assert_string_equal(sget(ct, "address"), "Jl. Merdeka No. 1");
	assert_string_equal(sget(ct, "kelurahan"), sget(kel, "code"));
	/* the files */
	json_t *files = json_object_get(c, "files");
	assert_int_equal(json_array_size(files), 1);
	json_t *fe = json_array_get(files, 0);
	assert_non_null(sget(fe, "id"));
	assert_string_equal(sget(fe, "name"), "saksi.txt");
	assert_string_equal(sget(fe, "type"), "text/plain");
	assert_int_equal(json_integer_value(json_object_get(fe, "size")), sizeof text_file - 1);
	assert_true(json_is_boolean(json_object_get(fe, "cleaned")));
	assert_true(json_is_array(json_object_get(fe, "removed")));
	json_decref(rv);
	/* messages: the acknowledgement, the reporter's, the staff's */
	json_t *msgs = json_object_get(c, "messages");
	assert_int_equal(json_array_size(msgs), 3);
	const char *from[] = { "system", "reporter", "staff" };
	for (size_t k = 0; k < 3; k++) {
		json_t *m = json_array_get(msgs, k);
		if (strcmp(str_or(sget(m, "from"), ""), from[k]) != 0)
			print_error("messages: %s\n", dump(msgs));
		assert_string_equal(sget(m, "from"), from[k]);
		assert_non_null(sget(m, "id"));
		assert_non_null(sget(m, "at"));
	}
	assert_string_equal(sget(json_array_get(msgs, 1), "body"), "Pesan dari pelapor untuk petugas.");
	assert_string_equal(sget(json_array_get(msgs, 2), "body"), "Pesan dari petugas untuk pelapor.");
	/* notes */
	json_t *notes = json_object_get(c, "notes");
	assert_int_equal(json_array_size(notes), 1);
	json_t *n0 = json_array_get(notes, 0);
	assert_string_equal(sget(n0, "body"), "Catatan internal penyidik.");
	assert_non_null(sget(n0, "id"));
	assert_non_null(sget(n0, "at"));
	char *author = json_dumps(json_object_get(n0, "author"), JSON_ENCODE_ANY);
	assert_non_null(author);
	if (!strstr(author, acct[INV].name) && !strstr(author, acct[INV].id))
		print_error("note author %s names neither inv1's name nor id\n", author);
	assert_true(strstr(author, acct[INV].name) || strstr(author, acct[INV].id));
	free(author);
	/* history: the change, with both reasons */
	json_t *h = entry(json_object_get(c, "history"), "status", "verifying");
	if (!h)
		print_error("history: %s\n", dump(json_object_get(c, "history")));
	assert_non_null(h);
	assert_string_equal(sget(h, "reason"), "Alasan untuk pelapor.");
	assert_non_null(sget(h, "at"));
	assert_non_null(sget(h, "action"));
	assert_non_null(json_object_get(h, "actor"));
	char *hs = json_dumps(h, 0);
	if (!strstr(hs, "Catatan internal perubahan."))
		print_error("the staff history does not show the internal note: %s\n", hs);
	assert_non_null(strstr(hs, "Catatan internal perubahan."));
	free(hs);
	/* access: the readers by routing; nobody else */
	check_access_entry(c, INV, "routing");
	check_access_entry(c, SUPA, "routing");
	check_access_entry(c, SUPB, "routing");
	check_access_entry(c, LEAD, "routing");
	const int never[] = { INVX, ADM, PEND };
	for (size_t k = 0; k < 3; k++) {
		if (access_of(c, never[k]))
			print_error("%s is in access\n", acct[never[k]].username);
		assert_null(access_of(c, never[k]));
	}
	/* the identity: present, not disclosed, nowhere in the body */
	json_t *idn = json_object_get(c, "identity");
	if (json_object_size(idn) != 2 || !json_is_true(json_object_get(idn, "present")) ||
	    !json_is_false(json_object_get(idn, "disclosed")))
		print_error("identity: %s\n", dump(idn));
	assert_int_equal(json_object_size(idn), 2);
	assert_true(json_is_true(json_object_get(idn, "present")));
	assert_true(json_is_false(json_object_get(idn, "disclosed")));
	assert_false(holds_identity("inv1's case view", raw));
	free(raw);
	json_decref(c);
	/* nor for a supervisor, who holds the identity key */
	c = case_raw(p, SUPA, &raw);
	assert_false(holds_identity("supa's case view", raw));
	assert_true(json_is_false(json_object_get(json_object_get(c, "identity"), "disclosed")));
	free(raw);
	json_decref(c);
	/* a report without identity */
	struct rep *q = submit(&(struct sub){ 0 });
	c = case_of(q, LEAD);
	idn = json_object_get(c, "identity");
	assert_true(json_is_false(json_object_get(idn, "present")));
	assert_true(json_is_false(json_object_get(idn, "disclosed")));
	json_decref(c);
}

/* ---- 6. evidence downloads ---- */

/* GET a file of p as who. */
static void download(const struct rep *p, const char *fid, int who, struct response *r)
{
	char tail[160];
	snprintf(tail, sizeof tail, "/files/%s", fid);
	on_report("GET", p, tail, who, NULL, r);
}

static bool attr_char(int c)
{
	return isalnum(c) || strchr("!#$&+-.^_`|~", c);
}

/* Content-Disposition: attachment, an ASCII-only filename="…" without quotes or controls (if
 * any), and filename*=UTF-8''… whose decoding is `name`. */
static void check_disposition(const struct response *r, const char *name)
{
	const char *cd = response_header(r, "Content-Disposition");
	if (!cd)
		fail_msg("no Content-Disposition for %s", name);
	bool ok = !strncasecmp(cd, "attachment", 10);
	for (const unsigned char *s = (const unsigned char *)cd; *s; s++)
		ok = ok && *s >= 0x20 && *s < 0x7F;
	const char *q = strcasestr(cd, "filename=\"");
	if (q) {
		const char *end = strchr(q + 10, '"');
		ok = ok && end;
		for (const char *s = q + 10; ok && s < end; s++)
			ok = *s != '\\';
		const char *after = end ? end + 1 : "";
		ok = ok && (!*after || *after == ';' || *after == ' ');
	}
	const char *x = strcasestr(cd, "filename*=utf-8''");
	char dec[512];
	size_t n = 0;
	ok = ok && x;
	for (const char *s = x ? x + 17 : ""; ok && *s && *s != ';' && n + 1 < sizeof dec; s++) {
		if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			unsigned v;
			sscanf(s + 1, "%2x", &v);
			dec[n++] = (char)v;
			s += 2;
		} else if (attr_char((unsigned char)*s)) {
			dec[n++] = *s;
		} else {
			ok = false;
		}
	}
	dec[n] = '\0';
	ok = ok && !strcmp(dec, name);
	if (!ok)
		print_error("Content-Disposition for \"%s\": %s (decoded filename*: \"%s\")\n", name, cd,
		            dec);
	assert_true(ok);
}

/* A download: 200, the bytes, the type, the disposition and the sandbox. */
static void check_download(const struct rep *p, const json_t *file, int who, const void *bytes,
                           size_t len)
{
	struct response r;
	download(p, sget(file, "id"), who, &r);
	assert_status(&r, 200);
	assert_int_equal(r.curl_code, 0);
	if (r.body_len != len || memcmp(r.body, bytes, len) != 0)
		print_error("%s: %zu bytes back, %zu sent, %s\n", sget(file, "name"), r.body_len, len,
		            r.body_len == len ? "different" : "");
	assert_int_equal(r.body_len, len);
	assert_memory_equal(r.body, bytes, len);
	const char *ct = str_or(response_header(&r, "Content-Type"), "");
	const char *type = sget(file, "type");
	if (strncasecmp(ct, type, strlen(type)) || (ct[strlen(type)] && ct[strlen(type)] != ';'))
		print_error("Content-Type %s for a file of type %s\n", ct, type);
	assert_true(!strncasecmp(ct, type, strlen(type)) &&
	            (!ct[strlen(type)] || ct[strlen(type)] == ';'));
	check_disposition(&r, sget(file, "name"));
	const char *csp = response_header(&r, "Content-Security-Policy");
	if (!csp || !strstr(csp, "sandbox"))
		print_error("download CSP: %s\n", str_or(csp, "(none)"));
	assert_true(csp && strstr(csp, "sandbox"));
	assert_string_equal(str_or(response_header(&r, "X-Content-Type-Options"), ""), "nosniff");
	const char *cc = response_header(&r, "Cache-Control");
	if (!cc || !strcasestr(cc, "no-store"))
		print_error("download Cache-Control: %s\n", str_or(cc, "(none)"));
	assert_true(cc && strcasestr(cc, "no-store"));
	response_free(&r);
}

#define HOSTILE_NAME "Bukti 'rahasia'; x=1 100% \xc3\xbc\xe2\x98\x83 na\xc3\xafve,(2).txt"

static void test_evidence_download(void **state)
{
	(void)state;
	need_fixtures();
	size_t small_len, big_len;
	unsigned char *small = make_png(200, &small_len), *big = make_png(300 * 1024, &big_len);
	const struct mpart f[] = {
		TEXT_PART("catatan.txt"),
		{ .name = "evidence", .filename = "foto.png", .type = "image/png", .data = small,
		  .len = small_len },
		{ .name = "evidence", .filename = "besar.png", .type = "image/png", .data = big,
		  .len = big_len },
		TEXT_PART(HOSTILE_NAME),
	};
	struct rep *p = submit(&(struct sub){ .files = f, .nfiles = 4 });
	json_t *c = case_of(p, INV);
	json_t *files = json_object_get(c, "files");
	assert_int_equal(json_array_size(files), 4);
	const char *names[] = { "catatan.txt", "foto.png", "besar.png", HOSTILE_NAME };
	const void *data[] = { text_file, small, big, text_file };
	size_t lens[] = { sizeof text_file - 1, small_len, big_len, sizeof text_file - 1 };
	const char *types[] = { "text/plain", "image/png", "image/png", "text/plain" };
	for (size_t i = 0; i < 4; i++) {
		json_t *fe = entry(files, "name", names[i]);
		if (!fe)
			fail_msg("no file %s in %s", names[i], dump(files));
		/* nothing to remove (cleaned may still say the filter ran): the bytes as sent */
		json_t *removed = json_object_get(fe, "removed");
		if (strcmp(str_or(sget(fe, "type"), ""), types[i]) || !json_is_array(removed) ||
		    json_array_size(removed) != 0)
			print_error("%s should be %s with nothing removed: %s\n", names[i], types[i],
			            dump(fe));
		assert_string_equal(sget(fe, "type"), types[i]);
		assert_int_equal(json_array_size(removed), 0);
		assert_true(json_is_boolean(json_object_get(fe, "cleaned")));
		assert_int_equal(json_integer_value(json_object_get(fe, "size")), (json_int_t)lens[i]);
		check_download(p, fe, i % 2 ? SUPA : INV, data[i], lens[i]);
	}
	/* the leader reads them too; the staff-facing file id of another report is not this one */
	check_download(p, entry(files, "name", "foto.png"), LEAD, small, small_len);
	struct response r;
	download(R, sget(entry(files, "name", "foto.png"), "id"), INV, &r);
	expect_err(&r, 404, "not_found", NULL);
	response_free(&r);
	download(p, "no-such-file", INV, &r);
	expect_err(&r, 404, "not_found", NULL);
	response_free(&r);

	/* a corrupted chunk: never a clean 200 with the whole length */
	const char *big_id = sget(entry(files, "name", "besar.png"), "id");
	assert_true(db_int("SELECT count(*) FROM file_chunks WHERE file_id = ?", big_id, NULL) >= 4);
	db_corrupt_chunk(big_id, 2);
	download(p, big_id, INV, &r);
	bool clean = r.status == 200 && r.curl_code == 0 && r.body_len == big_len;
	if (clean)
		print_error("a corrupted chunk came back as a clean 200 of %zu bytes (%s)\n",
		            r.body_len, memcmp(r.body, big, big_len) ? "altered" : "identical");
	assert_false(clean);
	if (r.status == 200 && r.body_len >= 2 * 65536)
		assert_memory_equal(r.body, big, 2 * 65536); /* what came first was right */
	response_free(&r);
	/* the server goes on serving */
	http_get(&srv, "/healthz", NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	check_download(p, entry(files, "name", "catatan.txt"), INV, text_file, sizeof text_file - 1);
	json_decref(c);
	free(small);
	free(big);
}

/* Evidence the reporter adds later: in the case, counted in the inbox, downloadable. */
static void test_evidence_added_later(void **state)
{
	(void)state;
	need_fixtures();
	const struct mpart f[] = { TEXT_PART("awal.txt") };
	struct rep *p = submit(&(struct sub){ .files = f, .nfiles = 1 });
	size_t len;
	unsigned char *png = make_png(70 * 1024, &len);
	const struct mpart more[] = {
		{ .name = "keep_metadata", .data = "false", .len = MPART_STRLEN },
		{ .name = "evidence", .filename = "susulan.png", .type = "image/png", .data = png,
		  .len = len },
	};
	char *auth = bearer_header(rtok(p));
	const char *hv[] = { auth, NULL };
	struct response r;
	http_post_multipart(&srv, "/api/v1/reporter/files", hv, more, 2, 60000, &r);
	assert_status(&r, 201);
	response_free(&r);
	free(auth);
	json_t *l = inbox(INV, "");
	json_t *it = item_of(l, p->id);
	assert_non_null(it);
	assert_int_equal(json_integer_value(json_object_get(it, "files")), 2);
	json_decref(l);
	json_t *c = case_of(p, INV);
	json_t *files = json_object_get(c, "files");
	assert_int_equal(json_array_size(files), 2);
	json_t *fe = entry(files, "name", "susulan.png");
	assert_non_null(fe);
	check_download(p, fe, INV, png, len);
	check_download(p, entry(files, "name", "awal.txt"), LEAD, text_file, sizeof text_file - 1);
	json_decref(c);
	free(png);
}

/* A database writer who drops the last chunk and shortens the file's row to match: the
 * stream's final tag is missing, so the download must fail (SECURITY.md "Files"; threat 3). */
static void test_evidence_truncated(void **state)
{
	(void)state;
	need_fixtures();
	size_t len;
	unsigned char *png = make_png(200 * 1024, &len);
	const struct mpart f[] = { { .name = "evidence", .filename = "potong.png",
	                             .type = "image/png", .data = png, .len = len } };
	struct rep *p = submit(&(struct sub){ .files = f, .nfiles = 1 });
	char fid[80];
	db_file_id(p, 0, fid, sizeof fid);
	long long chunks = db_int("SELECT chunks FROM files WHERE id = ?", fid, NULL);
	assert_true(chunks >= 3);
	assert_int_equal(db_int("SELECT count(*) FROM file_chunks WHERE file_id = ?", fid, NULL),
	                 chunks);
	db_run("DELETE FROM file_chunks WHERE file_id = ? AND seq = (SELECT max(seq) FROM "
	       "file_chunks WHERE file_id = ?1)", fid, NULL);
	db_run("UPDATE files SET chunks = chunks - 1, size = (chunks - 1) * 65536 WHERE id = ?", fid,
	       NULL);
	size_t cut = (size_t)(chunks - 1) * 65536;
	struct response r;
	download(p, fid, INV, &r);
	bool clean = r.status == 200 && r.curl_code == 0;
	if (clean)
		print_error("a file without its final chunk came back as a clean 200 of %zu bytes "
		            "(%zu sent at submission; %s)\n", r.body_len, len,
		            r.body_len == cut && !memcmp(r.body, png, cut) ? "its first bytes, truncated"
		                                                         : "other bytes");
	assert_false(clean);
	response_free(&r);
	free(png);
}

/* JPEG kept as uploaded (keep_metadata) comes back byte for byte. A baseline 8x8 grey JPEG
 * written by hand: SOI, DQT, SOF0, DHT (DC, AC), SOS with one all-zero block, EOI. */
static void test_evidence_jpeg(void **state)
{
	(void)state;
	need_fixtures();
	unsigned char jpg[512];
	size_t n = 0;
#define B(...)                                                                                   \
	do {                                                                                     \
		const unsigned char b_[] = { __VA_ARGS__ };                                      \
		memcpy(jpg + n, b_, sizeof b_);                                                  \
		n += sizeof b_;                                                                  \
	} while (0)
	B(0xFF, 0xD8);
	B(0xFF, 0xDB, 0x00, 0x43, 0x00);
	for (int i = 0; i < 64; i++)
		B(0x01);
	B(0xFF, 0xC0, 0x00, 0x0B, 0x08, 0x00, 0x08, 0x00, 0x08, 0x01, 0x01, 0x11, 0x00);
	/* DC table 0: one code of length 1 for category 0 */
	B(0xFF, 0xC4, 0x00, 0x14, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00);
	/* AC table 0: one code of length 1 for EOB */
	B(0xFF, 0xC4, 0x00, 0x14, 0x10, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00);
	B(0xFF, 0xDA, 0x00, 0x08, 0x01, 0x01, 0x00, 0x00, 0x3F, 0x00);
	B(0x3F); /* DC 0 (bit 0), EOB (bit 0), padded with ones */
	B(0xFF, 0xD9);
#undef B
	const struct mpart f[] = { { .name = "evidence", .filename = "foto.jpg", .type = "image/jpeg",
	                             .data = jpg, .len = n } };
	struct rep *p = submit(&(struct sub){ .keep_metadata = true, .files = f, .nfiles = 1 });
	json_t *c = case_of(p, SUPB);
	json_t *fe = json_array_get(json_object_get(c, "files"), 0);
	assert_non_null(fe);
	assert_string_equal(sget(fe, "type"), "image/jpeg");
	check_download(p, fe, SUPB, jpg, n);
	json_decref(c);
}

/* ---- 7. statuses and deadlines ---- */

/* A transition of p as who: want 200 (then the status is `to`) or an error code. */
static void transition(struct rep *p, int who, const char *to, const char *code)
{
	char reason[160], note[160];
	snprintf(reason, sizeof reason, "Alasan %s untuk pelapor.", to);
	snprintf(note, sizeof note, "RAHASIA-INTERNAL %s %s", p->number, to);
	char *b = J("{s:s,s:s,s:s}", "status", to, "reason", reason, "internal_note", note);
	struct response r;
	on_report("PATCH", p, NULL, who, b, &r);
	if (code) {
		if (r.status != 409)
			print_error("%s -> %s as %s\n", p->number, to, acct[who].username);
		expect_err(&r, 409, code, NULL);
	} else {
		if (r.status != 200)
			print_error("%s -> %s as %s\n", p->number, to, acct[who].username);
		assert_status(&r, 200);
		if (strcmp(str_or(sget(r.json, "status"), ""), to) != 0)
			print_error("the PATCH reply should be the report, now %s: %.400s\n", to, r.body);
		assert_string_equal(str_or(sget(r.json, "status"), ""), to);
	}
	response_free(&r);
	free(b);
}

static const char *const all_status[] = { "received", "verifying", "investigating", "forwarded",
	"closed_substantiated", "closed_unsubstantiated", "rejected" };

/* Every status not in `ok` (space-separated) is refused from the current status of p. */
static void refuse_others(struct rep *p, int who, const char *ok)
{
	for (size_t i = 0; i < 7; i++) {
		char w[64];
		snprintf(w, sizeof w, " %s ", all_status[i]);
		char o[256];
		snprintf(o, sizeof o, " %s ", ok);
		if (!strstr(o, w))
			transition(p, who, all_status[i], "invalid_transition");
	}
}

/* The reporter sees status, label and reasons, never an internal note; the staff history shows
 * both. `changes` is how many status changes p went through. */
static void check_both_views(struct rep *p, size_t changes)
{
	char *raw;
	json_t *v = reporter_view(p, &raw);
	json_t *c = case_of(p, SUPA);
	assert_string_equal(sget(v, "status"), sget(c, "status"));
	assert_true(strlen(str_or(sget(v, "status_label"), "")) > 0);
	if (strstr(raw, "RAHASIA-INTERNAL"))
		print_error("the reporter's view shows an internal note: %s\n", raw);
	assert_null(strstr(raw, "RAHASIA-INTERNAL"));
	for (int k = 0; k < N_ACCT; k++) {
		if (strstr(raw, acct[k].name) || strstr(raw, acct[k].id))
			print_error("the reporter's view names %s: %s\n", acct[k].username, raw);
		assert_null(strstr(raw, acct[k].name));
		assert_null(strstr(raw, acct[k].id));
	}
	json_t *tl = json_object_get(v, "timeline");
	if (json_array_size(tl) != changes + 1)
		print_error("timeline after %zu changes: %s\n", changes, dump(tl));
	assert_int_equal(json_array_size(tl), changes + 1);
	json_t *last = json_array_get(tl, changes);
	char reason[160];
	snprintf(reason, sizeof reason, "Alasan %s untuk pelapor.", sget(v, "status"));
	assert_string_equal(sget(last, "status"), sget(v, "status"));
	assert_string_equal(str_or(sget(last, "reason"), ""), reason);
	char *hist = json_dumps(json_object_get(c, "history"), 0);
	char note[160];
	snprintf(note, sizeof note, "RAHASIA-INTERNAL %s %s", p->number, sget(v, "status"));
	if (!strstr(hist, note) || !strstr(hist, reason))
		print_error("the staff history lacks \"%s\" or \"%s\": %s\n", reason, note, hist);
	assert_non_null(strstr(hist, note));
	assert_non_null(strstr(hist, reason));
	free(hist);
	free(raw);
	json_decref(v);
	json_decref(c);
}

static void test_status_transitions(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *a = submit_plain(), *b = submit_plain(), *c = submit_plain();
	/* a: the long way, each final status and a reopen after it */
	refuse_others(a, INV, "verifying rejected");
	transition(a, INV, "verifying", NULL);
	check_both_views(a, 1);
	refuse_others(a, INV, "investigating rejected");
	transition(a, INV, "investigating", NULL);
	refuse_others(a, SUPA, "forwarded closed_substantiated closed_unsubstantiated");
	transition(a, INV, "forwarded", NULL);
	check_both_views(a, 3);
	refuse_others(a, INV, "");
	refuse_others(a, SUPA, "investigating");
	transition(a, SUPA, "investigating", NULL);
	check_both_views(a, 4);
	transition(a, SUPA, "closed_substantiated", NULL);
	transition(a, INV, "investigating", "invalid_transition");
	transition(a, SUPB, "investigating", NULL);
	transition(a, INV, "closed_unsubstantiated", NULL);
	refuse_others(a, SUPA, "investigating");
	transition(a, SUPA, "investigating", NULL);
	check_both_views(a, 8);
	/* b: received -> rejected, reopened */
	transition(b, INV, "rejected", NULL);
	refuse_others(b, INV, "");
	refuse_others(b, SUPA, "investigating");
	transition(b, SUPA, "investigating", NULL);
	check_both_views(b, 2);
	/* c: verifying -> rejected */
	transition(c, SUPA, "verifying", NULL);
	transition(c, INV, "rejected", NULL);
	transition(c, INV, "investigating", "invalid_transition");
	check_both_views(c, 2);

	/* errors */
	struct rep *d = pool_take();
	refused("PATCH", d, NULL, INV, "{\"status\":\"verifying\"}",
	        400, "missing_field", "reason");
	struct response r;
	on_report("PATCH", d, NULL, INV, "{\"status\":\"verifying\",\"reason\":\"  \"}", &r);
	const char *code = str_or(sget(json_object_get(r.json, "error"), "code"), "");
	if (strcmp(code, "missing_field") != 0)
		expect_err(&r, 400, "invalid_field", "reason"); /* a blank reason: either code */
	else
		expect_err(&r, 400, "missing_field", "reason");
	response_free(&r);
	refused("PATCH", d, NULL, INV, "{\"status\":\"closed\",\"reason\":\"Selesai.\"}",
	        400, "invalid_field", "status");
	refused("PATCH", d, NULL, INV, "{\"status\":7,\"reason\":\"Selesai.\"}",
	        400, "invalid_field", "status");
	refused("PATCH", d, NULL, INV, "{\"status\":\"verifying\",", 400, "invalid_json", NULL);
	json_t *v = case_of(d, INV);
	assert_string_equal(sget(v, "status"), "received");
	json_decref(v);
}

/* YYYY-MM-DD plus days. */
static void add_days(const char *ymd, int days, char out[16])
{
	struct tm tm = { 0 };
	assert_int_equal(sscanf(ymd, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday), 3);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	time_t t = timegm(&tm) + (time_t)days * 86400;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static void check_deadlines(const struct rep *p, int ack_days, int resolve_days)
{
	char ack[16], due[16];
	add_days(p->created_on, ack_days, ack);
	add_days(p->created_on, resolve_days, due);
	json_t *c = case_of(p, INV);
	assert_string_equal(sget(c, "created_on"), p->created_on);
	assert_string_equal(sget(c, "ack_due"), ack);
	assert_string_equal(sget(c, "due"), due);
	json_decref(c);
	json_t *l = inbox(INV, "");
	json_t *it = item_of(l, p->id);
	assert_non_null(it);
	assert_string_equal(sget(it, "ack_due"), ack);
	assert_string_equal(sget(it, "due"), due);
	assert_true(json_is_false(json_object_get(it, "overdue")));
	json_decref(l);
}

static int restore_deadlines(void **state)
{
	(void)state;
	struct response r;
	req("PATCH", "/api/v1/staff/settings", as(SUPA), "{\"ack_days\":7,\"resolve_days\":90}", &r);
	response_free(&r);
	return 0;
}

static void test_deadlines(void **state)
{
	(void)state;
	need_fixtures();
	check_deadlines(submit_plain(), 7, 90);
	struct response r;
	req("PATCH", "/api/v1/staff/settings", as(SUPA), "{\"ack_days\":2,\"resolve_days\":30}", &r);
	assert_status(&r, 200);
	response_free(&r);
	check_deadlines(submit_plain(), 2, 30);
	/* the old ones keep theirs */
	check_deadlines(R, 7, 90);
}

/* ---- 8. assignment ---- */

static void test_assignment(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *p = pool_take(); /* invlate does not read it */
	char *b = J("{s:s}", "assignee", acct[INV].id);
	struct response r;
	on_report("PATCH", p, NULL, SUPA, b, &r);
	assert_status(&r, 200);
	json_t *a = json_object_get(r.json, "assignee");
	if (json_object_size(a) != 2 || strcmp(str_or(sget(a, "id"), ""), acct[INV].id) ||
	    strcmp(str_or(sget(a, "name"), ""), acct[INV].name))
		print_error("assignee in the reply: %s\n", dump(a));
	assert_int_equal(json_object_size(a), 2);
	assert_string_equal(sget(a, "id"), acct[INV].id);
	assert_string_equal(sget(a, "name"), acct[INV].name);
	response_free(&r);
	json_t *l = inbox(INV, "assignee=me");
	assert_non_null(item_of(l, p->id));
	json_decref(l);
	/* the investigator may not (re)assign, even to themselves */
	refused("PATCH", p, NULL, INV, b, 403, "forbidden", NULL);
	refused("PATCH", p, NULL, LEAD, b, 403, "forbidden", NULL);
	free(b);
	/* only a reader of it */
	const int bad[] = { INVL, ADM, PEND, INVX };
	for (size_t i = 0; i < 4; i++) {
		b = J("{s:s}", "assignee", acct[bad[i]].id);
		on_report("PATCH", p, NULL, SUPA, b, &r);
		if (r.status != 400)
			print_error("assigning to %s\n", acct[bad[i]].username);
		expect_err(&r, 400, "invalid_field", "assignee");
		response_free(&r);
		free(b);
	}
	refused("PATCH", p, NULL, SUPA, "{\"assignee\":\"no-such-user\"}",
	        400, "invalid_field", "assignee");
	refused("PATCH", p, NULL, SUPA, "{\"assignee\":42}", 400, "invalid_field", "assignee");
	json_t *c = case_of(p, SUPA);
	assert_string_equal(sget(json_object_get(c, "assignee"), "id"), acct[INV].id);
	json_decref(c);
	/* null unassigns */
	on_report("PATCH", p, NULL, SUPA, "{\"assignee\":null}", &r);
	assert_status(&r, 200);
	assert_true(json_is_null(json_object_get(r.json, "assignee")));
	response_free(&r);
	c = case_of(p, INV);
	assert_true(json_is_null(json_object_get(c, "assignee")));
	json_decref(c);
	/* a status change and an assignment in one PATCH, by the supervisor */
	b = J("{s:s,s:s,s:s}", "status", "verifying", "reason", "Diverifikasi.", "assignee",
	      acct[SUPB].id);
	on_report("PATCH", p, NULL, SUPA, b, &r);
	assert_status(&r, 200);
	assert_string_equal(sget(r.json, "status"), "verifying");
	assert_string_equal(sget(json_object_get(r.json, "assignee"), "id"), acct[SUPB].id);
	response_free(&r);
	free(b);
	/* an investigator's PATCH with an assignee is refused whole */
	b = J("{s:s,s:s,s:s}", "status", "investigating", "reason", "Diselidiki.", "assignee",
	      acct[INV].id);
	refused("PATCH", p, NULL, INV, b, 403, "forbidden", NULL);
	free(b);
	c = case_of(p, INV);
	assert_string_equal(sget(c, "status"), "verifying");
	json_decref(c);
}

/* ---- 9. messages and notes ---- */

static void test_messages_and_notes(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *p = submit_plain();
	char *id1 = post_on(p, "/messages", INV, "{\"body\":\"Kami butuh dokumen tambahan.\"}", 201);
	char *id2 = post_on(p, "/messages", SUPA, "{\"body\":\"Terima kasih atas laporannya.\"}", 201);
	char *n1 = post_on(p, "/notes", LEAD, "{\"body\":\"CATATAN-PIMPINAN jangan bocor.\"}", 201);
	char *n2 = post_on(p, "/notes", INV, "{\"body\":\"CATATAN-PENYIDIK jangan bocor.\"}", 201);
	assert_non_null(id1);
	assert_non_null(id2);
	assert_non_null(n1);
	assert_non_null(n2);
	char *raw;
	json_t *v = reporter_view(p, &raw);
	json_t *msgs = json_object_get(v, "messages");
	json_t *m1 = entry(msgs, "id", id1), *m2 = entry(msgs, "id", id2);
	if (!m1 || !m2)
		print_error("the reporter's messages: %s\n", dump(msgs));
	assert_non_null(m1);
	assert_non_null(m2);
	assert_string_equal(sget(m1, "from"), "staff");
	assert_string_equal(sget(m1, "body"), "Kami butuh dokumen tambahan.");
	assert_string_equal(sget(m2, "from"), "staff");
	/* no staff name reaches the reporter */
	for (int k = 0; k < N_ACCT; k++)
		if (strstr(raw, acct[k].name))
			fail_msg("the reporter's view names %s: %s", acct[k].name, raw);
	if (strstr(raw, "CATATAN-"))
		print_error("a note reached the reporter: %s\n", raw);
	assert_null(strstr(raw, "CATATAN-"));
	free(raw);
	json_decref(v);
	json_t *c = case_of(p, LEAD);
	json_t *notes = json_object_get(c, "notes");
	assert_int_equal(json_array_size(notes), 2);
	assert_string_equal(sget(entry(notes, "id", n1), "body"), "CATATAN-PIMPINAN jangan bocor.");
	assert_string_equal(sget(entry(notes, "id", n2), "body"), "CATATAN-PENYIDIK jangan bocor.");
	assert_string_equal(sget(entry(json_object_get(c, "messages"), "id", id2), "from"), "staff");
	json_decref(c);
	/* bodies */
	refused("POST", p, "/messages", INV, "{}", 400, "missing_field", "body");
	refused("POST", p, "/notes", INV, "{}", 400, "missing_field", "body");
	refused("POST", p, "/messages", INV, "{\"body\":5}", 400, "invalid_field", "body");
	free(id1);
	free(id2);
	free(n1);
	free(n2);
}

/* ---- 10. grants ---- */

static bool in_inbox(int who, const struct rep *p)
{
	json_t *l = inbox(who, "");
	bool in = item_of(l, p->id) != NULL;
	json_decref(l);
	return in;
}

static void test_grants(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *g = pool_take();
	struct response r;
	refused("GET", g, NULL, INVL, NULL, 404, "not_found", NULL);
	assert_false(in_inbox(INVL, g));
	grant(g, SUPA, INVL, 201, NULL);
	json_t *c = case_of(g, INVL);
	assert_string_equal(sget(c, "number"), g->number);
	json_decref(c);
	assert_true(in_inbox(INVL, g));
	c = case_of(g, SUPA);
	check_access_entry(c, INVL, "grant");
	check_access_entry(c, INV, "routing");
	json_decref(c);
	/* one refusal for every reason, so exclusions are not revealed */
	grant(g, SUPA, INVL, 409, "grant_refused");  /* already a reader (by grant) */
	grant(g, SUPA, INV, 409, "grant_refused");   /* already a reader (by routing) */
	grant(g, SUPA, INVX, 409, "grant_refused");  /* excluded */
	grant(g, SUPB, INVX, 409, "grant_refused");
	grant(g, SUPA, PEND, 409, "grant_refused");  /* unconfirmed */
	/* the grantee has what a reader has: notes, the file */
	free(post_on(g, "/notes", INVL, "{\"body\":\"Catatan dari penerima akses.\"}", 201));
	char fid[80], tail[128];
	db_file_id(g, 0, fid, sizeof fid);
	snprintf(tail, sizeof tail, "/files/%s", fid);
	on_report("GET", g, tail, INVL, NULL, &r);
	assert_status(&r, 200);
	assert_int_equal(r.body_len, sizeof text_file - 1);
	response_free(&r);
	/* a grantee may be assigned; the grantee's inbox filters like anyone's */
	char *ab = J("{s:s}", "assignee", acct[INVL].id);
	patch(g, SUPA, ab, 200);
	free(ab);
	const char *recv[] = { "status", "received", NULL };
	check_filter(INVL, "status=received", field_is, recv, g->id);
	check_filter(INVL, "assignee=me", assignee_is, acct[INVL].id, g->id);
	/* routing access is no grant: nothing to revoke, and the reader keeps it */
	char rpath[256];
	snprintf(rpath, sizeof rpath, "/api/v1/staff/reports/%s/grants/%s", g->id, acct[INV].id);
	req("DELETE", rpath, as(SUPA), NULL, &r);
	if (r.status != 404)
		print_error("DELETE of inv1's routing access (no grant) answered %ld %s\n", r.status,
		            r.body);
	long routing_delete = r.status;
	response_free(&r);
	on_report("GET", g, NULL, INV, NULL, &r);
	if (r.status != 200)
		print_error("inv1, a reader by routing, lost %s to DELETE …/grants/inv1: %ld\n",
		            g->number, r.status);
	long routing_after = r.status;
	response_free(&r);
	/* revoked, by case number */
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s/grants/%s", g->number, acct[INVL].id);
	req("DELETE", path, as(SUPB), NULL, &r);
	assert_status(&r, 204);
	response_free(&r);
	refused("GET", g, NULL, INVL, NULL, 404, "not_found", NULL);
	refused("GET", g, tail, INVL, NULL, 404, "not_found", NULL);
	assert_false(in_inbox(INVL, g));
	assert_int_equal(db_int("SELECT count(*) FROM report_keys WHERE report_id = ? AND holder = ?",
	                        g->id, acct[INVL].id, NULL),
	                 0);
	req("DELETE", path, as(SUPB), NULL, &r);
	expect_err(&r, 404, "not_found", NULL);
	response_free(&r);
	c = case_of(g, SUPA);
	assert_null(access_of(c, INVL));
	if (!json_is_null(json_object_get(c, "assignee")))
		print_error("the revoked grantee is still the assignee: %s\n",
		            dump(json_object_get(c, "assignee")));
	assert_true(json_is_null(json_object_get(c, "assignee")));
	json_decref(c);
	/* granted again, by case number, after the revocation */
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s/grants", g->number);
	char *b = J("{s:s}", "user", acct[INVL].id);
	req("POST", path, as(SUPA), b, &r);
	assert_status(&r, 201);
	response_free(&r);
	free(b);
	json_decref(case_of(g, INVL));
	/* a body without a user */
	refused("POST", g, "/grants", SUPA, "{}", 400, "missing_field", "user");
	assert_int_equal(routing_delete, 404);
	assert_int_equal(routing_after, 200);
}

/* ---- 11. identity requests ---- */

static json_t *decide(const char *rid, int who, const char *decision, long want)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/staff/identity-requests/%s", rid);
	char *b = J("{s:s,s:s}", "decision", decision, "reason", "KEPUTUSAN-RAHASIA alasan.");
	struct response r;
	req("POST", path, as(who), b, &r);
	free(b);
	if (r.status != want)
		print_error("%s of %s by %s\n", decision, rid, acct[who].username);
	assert_status(&r, want);
	json_t *j = json_incref(r.json);
	response_free(&r);
	return j;
}

/* A request item of API.md. */
static void check_request_item(const json_t *it, const char *rid, const struct rep *p, int by,
                               const char *state)
{
	bool ok = it && !strcmp(str_or(sget(it, "id"), ""), rid) &&
	          !strcmp(str_or(sget(json_object_get(it, "report"), "id"), ""), p->id) &&
	          !strcmp(str_or(sget(json_object_get(it, "report"), "number"), ""), p->number) &&
	          !strcmp(str_or(sget(json_object_get(it, "requester"), "id"), ""), acct[by].id) &&
	          !strcmp(str_or(sget(json_object_get(it, "requester"), "name"), ""), acct[by].name) &&
	          sget(it, "reason") && sget(it, "at") &&
	          !strcmp(str_or(sget(it, "state"), ""), state);
	if (!ok)
		print_error("request item (%s, %s by %s expected): %s\n", rid, state, acct[by].username,
		            it ? dump(it) : "(none)");
	assert_true(ok);
}

/* p's case view as who discloses the identity (or shows none of it). */
static void check_disclosed(const struct rep *p, int who, bool disclosed)
{
	char *raw;
	json_t *c = case_raw(p, who, &raw);
	json_t *idn = json_object_get(c, "identity");
	if (json_is_true(json_object_get(idn, "disclosed")) != disclosed)
		print_error("identity of %s for %s: %s\n", p->number, acct[who].username, dump(idn));
	assert_true(json_is_true(json_object_get(idn, "present")));
	assert_int_equal(json_is_true(json_object_get(idn, "disclosed")), disclosed);
	if (disclosed) {
		assert_string_equal(str_or(sget(idn, "phone"), ""), PHONE_NORM);
		assert_string_equal(str_or(sget(idn, "name"), ""), IDN_NAME);
		assert_string_equal(str_or(sget(idn, "email"), ""), IDN_EMAIL);
	} else {
		assert_false(holds_identity(acct[who].username, raw));
	}
	free(raw);
	json_decref(c);
}

static void test_identity_requests(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *a = submit_plain(), *d = submit_plain(), *s = submit_plain();
	/* approved */
	char *rid = post_on(a, "/identity-requests", INV,
	                    "{\"reason\":\"Saksi kunci perlu dihubungi.\"}", 201);
	assert_non_null(rid);
	json_t *it = id_request_item(SUPA, rid);
	check_request_item(it, rid, a, INV, "pending");
	assert_string_equal(sget(it, "reason"), "Saksi kunci perlu dihubungi.");
	json_decref(it);
	it = id_request_item(SUPB, rid);
	check_request_item(it, rid, a, INV, "pending");
	json_decref(it);
	check_disclosed(a, INV, false);
	it = decide(rid, SUPA, "approve", 200);
	check_request_item(it, rid, a, INV, "approved");
	assert_non_null(json_object_get(it, "decided_by"));
	json_decref(it);
	it = id_request_item(SUPB, rid);
	check_request_item(it, rid, a, INV, "approved");
	json_decref(it);
	check_disclosed(a, INV, true);
	/* only to the requester */
	check_disclosed(a, LEAD, false);
	check_disclosed(a, SUPB, false);
	/* decided once: a second decision changes nothing */
	char path[160];
	snprintf(path, sizeof path, "/api/v1/staff/identity-requests/%s", rid);
	struct response r;
	req("POST", path, as(SUPB), "{\"decision\":\"deny\",\"reason\":\"Berubah pikiran.\"}", &r);
	if (r.status < 400 || r.status >= 500)
		print_error("a second decision on %s: HTTP %ld %s\n", rid, r.status, r.body);
	assert_true(r.status >= 400 && r.status < 500);
	response_free(&r);
	it = id_request_item(SUPA, rid);
	check_request_item(it, rid, a, INV, "approved");
	json_decref(it);
	check_disclosed(a, INV, true);
	free(rid);

	/* denied */
	rid = post_on(d, "/identity-requests", INV, "{\"reason\":\"Ingin tahu saja.\"}", 201);
	it = decide(rid, SUPB, "deny", 200);
	check_request_item(it, rid, d, INV, "denied");
	json_decref(it);
	check_disclosed(d, INV, false);
	free(rid);

	/* a supervisor's own request is decided by another supervisor */
	rid = post_on(s, "/identity-requests", SUPA, "{\"reason\":\"Perlu verifikasi langsung.\"}",
	              201);
	check_disclosed(s, SUPA, false);
	snprintf(path, sizeof path, "/api/v1/staff/identity-requests/%s", rid);
	req("POST", path, as(SUPA), "{\"decision\":\"approve\",\"reason\":\"Sendiri.\"}", &r);
	expect_err(&r, 403, "forbidden", NULL);
	response_free(&r);
	check_disclosed(s, SUPA, false);
	json_decref(decide(rid, SUPC, "approve", 200));
	check_disclosed(s, SUPA, true);
	check_disclosed(s, SUPB, false);
	free(rid);

	/* errors */
	struct rep *none = submit(&(struct sub){ 0 });
	refused("POST", none, "/identity-requests", INV, "{\"reason\":\"Tidak ada identitas.\"}",
	        409, "conflict", NULL);
	refused("POST", a, "/identity-requests", INV, "{}", 400, "missing_field", "reason");
	rid = post_on(d, "/identity-requests", INV, "{\"reason\":\"Sekali lagi.\"}", 201);
	snprintf(path, sizeof path, "/api/v1/staff/identity-requests/%s", rid);
	req("POST", path, as(SUPA), "{\"decision\":\"maybe\",\"reason\":\"x\"}", &r);
	expect_err(&r, 400, "invalid_field", "decision");
	response_free(&r);
	req("POST", "/api/v1/staff/identity-requests/no-such-request", as(SUPA),
	    "{\"decision\":\"deny\",\"reason\":\"x\"}", &r);
	expect_err(&r, 404, "not_found", NULL);
	response_free(&r);
	check_disclosed(d, INV, false);
	/* the list pages like every list (API.md "Pagination") */
	json_t *all = get_json(as(SUPA), "/api/v1/staff/identity-requests?per_page=200");
	json_int_t total = json_integer_value(json_object_get(all, "total"));
	assert_true(total >= 5);
	assert_int_equal(json_array_size(json_object_get(all, "items")), (size_t)total);
	json_decref(all);
	json_t *pg = get_json(as(SUPA), "/api/v1/staff/identity-requests?per_page=2&page=2");
	bool paged = json_integer_value(json_object_get(pg, "total")) == total &&
	             json_integer_value(json_object_get(pg, "page")) == 2 &&
	             json_integer_value(json_object_get(pg, "per_page")) == 2 &&
	             json_array_size(json_object_get(pg, "items")) == 2;
	if (!paged)
		print_error("?per_page=2&page=2 of %lld requests: total %s, page %s, per_page %s, %zu "
		            "items\n", (long long)total, dump(json_object_get(pg, "total")),
		            dump(json_object_get(pg, "page")), dump(json_object_get(pg, "per_page")),
		            json_array_size(json_object_get(pg, "items")));
	json_decref(pg);
	http_get_as(&srv, as(SUPA), "/api/v1/staff/identity-requests?per_page=201", &r);
	long too_many = r.status;
	if (too_many != 400)
		print_error("?per_page=201 on the identity requests: HTTP %ld\n", too_many);
	response_free(&r);
	/* API.md: {"decision","reason"}, the reason not optional (optional fields carry a "?") */
	req("POST", path, as(SUPA), "{\"decision\":\"deny\"}", &r);
	json_t *e = json_object_get(r.json, "error");
	bool reason_needed = r.status == 400 &&
	                     !strcmp(str_or(sget(e, "code"), ""), "missing_field") &&
	                     !strcmp(str_or(sget(e, "field"), ""), "reason");
	if (!reason_needed)
		print_error("a decision without a reason: HTTP %ld %.300s\n", r.status, r.body);
	response_free(&r);
	free(rid);
	assert_true(paged);
	assert_int_equal(too_many, 400);
	assert_true(reason_needed);
}

/* What reporters and staff typed in this suite: never in the audit trail, the data directory
 * or the server's log. */
#define NEEDLE(s, what) { s, sizeof s - 1, what }
static const struct byte_needle secret_texts[] = {
	NEEDLE(PHONE_NEEDLE, "the reporter's phone"),
	NEEDLE(IDN_NAME, "the reporter's name"),
	NEEDLE(IDN_EMAIL, "the reporter's email"),
	NEEDLE("Pungutan liar", "a report's message"),
	NEEDLE("Kepala seksi meminta", "a report's content"),
	NEEDLE("Pesan dari pelapor", "a reporter's message"),
	NEEDLE("Catatan saksi", "a file's content"),
	NEEDLE("catatan.txt", "a file's name"),
	NEEDLE("Catatan internal", "a note"),
	NEEDLE("CATATAN-", "a note"),
	NEEDLE("RAHASIA-INTERNAL", "an internal note of a status change"),
	NEEDLE("untuk pelapor", "a reason or message to the reporter"),
	NEEDLE("Pesan dari petugas", "a staff message"),
	NEEDLE("Kami butuh dokumen", "a staff message"),
	NEEDLE("AUDIT-", "a staff text of the audit test"),
	NEEDLE("KEPUTUSAN-RAHASIA", "an identity decision's reason"),
	NEEDLE("Saksi kunci perlu", "an identity request's reason"),
	NEEDLE("Perlu verifikasi langsung", "an identity request's reason"),
};
#define N_SECRET_TEXTS (sizeof secret_texts / sizeof *secret_texts)

/* ---- 12. the audit trail ---- */

static void test_audit(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *p = pool_take();
	char fid[80], tail[128];
	db_file_id(p, 0, fid, sizeof fid);
	snprintf(tail, sizeof tail, "/files/%s", fid);
	json_decref(case_of(p, INV));                                      /* report.opened */
	struct response r;
	on_report("GET", p, tail, INV, NULL, &r);                          /* evidence.downloaded */
	assert_status(&r, 200);
	response_free(&r);
	set_status(p, INV, "verifying", "AUDIT-ALASAN untuk pelapor",
	           "AUDIT-CATATAN-STATUS internal", 200);               /* report.status_changed */
	char *b = J("{s:s}", "assignee", acct[INV].id);
	patch(p, SUPA, b, 200);                                            /* report.assigned */
	free(b);
	free(post_on(p, "/messages", SUPA, "{\"body\":\"AUDIT-PESAN untuk pelapor\"}", 201));
	free(post_on(p, "/notes", INV, "{\"body\":\"AUDIT-CATATAN internal\"}", 201));
	grant(p, SUPA, INVL, 201, NULL);                                   /* report.access_granted */
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s/grants/%s", p->id, acct[INVL].id);
	req("DELETE", path, as(SUPA), NULL, &r);                           /* report.access_revoked */
	assert_status(&r, 204);
	response_free(&r);
	char *rid = post_on(p, "/identity-requests", INV, "{\"reason\":\"AUDIT-PERMINTAAN alasan\"}",
	                    201);                                          /* identity.requested */
	json_decref(decide(rid, SUPB, "approve", 200));                    /* identity.decided */
	free(rid);
	json_decref(case_of(p, INV));                                      /* identity.viewed */

	/* the whole trail, page by page, as a supervisor */
	static const char *const actions[] = { "report.opened", "evidence.downloaded",
		"report.status_changed", "report.assigned", "report.message_sent",
		"report.note_added", "report.access_granted", "report.access_revoked",
		"identity.requested", "identity.decided", "identity.viewed" };
	const size_t n_actions = sizeof actions / sizeof *actions;
	bool seen[16] = { false };
	int leaks = 0;
	for (int page = 1; page < 100; page++) {
		char q[96];
		snprintf(q, sizeof q, "/api/v1/staff/audit?per_page=200&page=%d", page);
		struct response a;
		http_get_as(&srv, as(SUPA), q, &a);
		assert_status(&a, 200);
		leaks += buf_search("the audit trail", a.body, a.body_len, secret_texts, N_SECRET_TEXTS);
		json_t *items = json_object_get(a.json, "items");
		size_t i;
		json_t *v;
		json_array_foreach(items, i, v) {
			if (strcmp(str_or(sget(v, "subject"), ""), p->number) != 0)
				continue;
			for (size_t k = 0; k < n_actions; k++)
				if (!strcmp(str_or(sget(v, "action"), ""), actions[k]))
					seen[k] = true;
		}
		bool last = json_array_size(items) < 200;
		response_free(&a);
		if (last)
			break;
	}
	int missing = 0;
	for (size_t k = 0; k < n_actions; k++)
		if (!seen[k]) {
			print_error("no %s entry with subject %s\n", actions[k], p->number);
			missing++;
		}
	assert_int_equal(missing, 0);
	assert_int_equal(leaks, 0);
	/* and the chain still verifies */
	json_t *v = get_json(as(SUPA), "/api/v1/staff/audit/verify");
	assert_true(json_is_true(json_object_get(v, "ok")));
	json_decref(v);
}

/* Everyone's inbox is exactly the reports they hold a key of, whatever plan the store picks
 * (a reader of every report, of few, of most). */
static void test_inbox_is_the_keys(void **state)
{
	(void)state;
	need_fixtures();
	const int who[] = { SUPA, SUPB, INV, INVX, INVL, LEAD, PEND };
	int bad = 0;
	for (size_t i = 0; i < sizeof who / sizeof *who; i++) {
		json_t *l = inbox(who[i], "");
		long long keys = db_int("SELECT count(*) FROM report_keys WHERE holder = ?",
		                        acct[who[i]].id, NULL);
		json_int_t total = json_integer_value(json_object_get(l, "total"));
		if (total != keys || json_array_size(json_object_get(l, "items")) != (size_t)keys) {
			print_error("%s: inbox total %lld, %zu items; %lld key rows\n",
			            acct[who[i]].username, (long long)total,
			            json_array_size(json_object_get(l, "items")), keys);
			bad++;
		}
		size_t k;
		json_t *v;
		json_array_foreach(json_object_get(l, "items"), k, v)
			if (db_int("SELECT count(*) FROM report_keys WHERE report_id = ? AND holder = ?",
			           str_or(sget(v, "id"), ""), acct[who[i]].id, NULL) != 1) {
				print_error("%s lists %s without a key of it\n", acct[who[i]].username,
				            sget(v, "number"));
				bad++;
			}
		json_decref(l);
	}
	assert_int_equal(bad, 0);
}

/* ---- two people acting at once: one wins ---- */

#define RACERS 6
struct racer {
	const char *method, *path, *body, *token;
	pthread_barrier_t *start;
	long status;
};

static void *race(void *arg)
{
	struct racer *x = arg;
	struct response r;
	char *auth = bearer_header(x->token);
	const char *hv[3] = { "Content-Type: application/json", auth, NULL };
	struct request rq = { .method = x->method, .path = x->path, .headers = hv, .body = x->body,
	                      .body_len = strlen(x->body) };
	pthread_barrier_wait(x->start);
	http_do(&srv, &rq, &r);
	x->status = r.status;
	response_free(&r);
	free(auth);
	return NULL;
}

/* RACERS requests at once (alternating the two tokens); how many answered `ok`. */
static int race_all(const char *method, const char *path, const char *body, int who1, int who2,
                    long ok, long lose)
{
	pthread_t th[RACERS];
	struct racer x[RACERS];
	pthread_barrier_t start;
	pthread_barrier_init(&start, NULL, RACERS);
	for (int i = 0; i < RACERS; i++) {
		x[i] = (struct racer){ method, path, body, as(i % 2 ? who2 : who1), &start, 0 };
		assert_int_equal(pthread_create(&th[i], NULL, race, &x[i]), 0);
	}
	int wins = 0, other = 0;
	for (int i = 0; i < RACERS; i++) {
		pthread_join(th[i], NULL);
		wins += x[i].status == ok;
		if (x[i].status != ok && x[i].status != lose) {
			print_error("%s %s: HTTP %ld\n", method, path, x[i].status);
			other++;
		}
	}
	pthread_barrier_destroy(&start);
	assert_int_equal(other, 0);
	return wins;
}

static void test_concurrent_acts(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *p = submit_plain();
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s", p->id);
	int wins = race_all("PATCH", path, "{\"status\":\"verifying\",\"reason\":\"Bersamaan.\"}",
	                    INV, SUPA, 200, 409);
	if (wins != 1)
		print_error("%d of %d simultaneous received -> verifying won\n", wins, RACERS);
	assert_int_equal(wins, 1);
	json_t *v = reporter_view(p, NULL);
	assert_int_equal(json_array_size(json_object_get(v, "timeline")), 2);
	json_decref(v);
	/* grants */
	struct rep *g = pool_take();
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s/grants", g->id);
	char *b = J("{s:s}", "user", acct[INVL].id);
	wins = race_all("POST", path, b, SUPA, SUPB, 201, 409);
	free(b);
	if (wins != 1)
		print_error("%d of %d simultaneous grants succeeded\n", wins, RACERS);
	assert_int_equal(wins, 1);
	/* identity decisions */
	char rid[80];
	request_identity(p, INV, rid, sizeof rid);
	assert_true(rid[0] != '\0');
	snprintf(path, sizeof path, "/api/v1/staff/identity-requests/%s", rid);
	wins = race_all("POST", path, "{\"decision\":\"approve\",\"reason\":\"Bersamaan.\"}", SUPA,
	                SUPB, 200, 409);
	if (wins != 1)
		print_error("%d of %d simultaneous decisions succeeded\n", wins, RACERS);
	assert_int_equal(wins, 1);
}

/* ---- what staff write is encrypted at rest, and never logged ---- */

static void test_staff_texts_at_rest(void **state)
{
	(void)state;
	need_fixtures();
	const struct byte_needle *nd = secret_texts;
	const size_t n = N_SECRET_TEXTS;
	int hits = tree_search(srv.data, nd, n);
	char *log = server_log(&srv);
	assert_non_null(log);
	hits += buf_search("the server's log", log, strlen(log), nd, n);
	free(log);
	assert_int_equal(hits, 0);
}

/* ---- HTTP conventions on the new routes ---- */

static void test_http_conventions(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *p = submit_plain();
	/* a cookie session must carry the CSRF token on a state change */
	char cookie[256], csrf[256], path[160];
	snprintf(cookie, sizeof cookie, "Cookie: peluit_staff=%s", as(SUPB));
	assert_non_null(acct[SUPB].csrf);
	snprintf(csrf, sizeof csrf, "X-CSRF-Token: %s", acct[SUPB].csrf);
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s/notes", p->id);
	const char *h1[] = { cookie, "Content-Type: application/json", NULL };
	struct request rq = { .method = "POST", .path = path, .headers = h1,
	                      .body = "{\"body\":\"lewat cookie\"}", .body_len = 23 };
	struct response r;
	http_do(&srv, &rq, &r);
	expect_err(&r, 403, "csrf", NULL);
	response_free(&r);
	const char *h2[] = { cookie, csrf, "Content-Type: application/json", NULL };
	rq.headers = h2;
	http_do(&srv, &rq, &r);
	assert_status(&r, 201);
	response_free(&r);
	/* a GET by cookie needs none */
	snprintf(path, sizeof path, "/api/v1/staff/reports/%s", p->id);
	http_get(&srv, path, h1, &r);
	assert_status(&r, 200);
	response_free(&r);
	/* a wrong method: 405 with Allow */
	req("PUT", path, as(SUPB), "{}", &r);
	expect_err(&r, 405, "method_not_allowed", NULL);
	const char *allow = str_or(response_header(&r, "Allow"), "");
	if (!strstr(allow, "GET") || !strstr(allow, "PATCH"))
		print_error("Allow: %s\n", allow);
	assert_non_null(strstr(allow, "GET"));
	assert_non_null(strstr(allow, "PATCH"));
	response_free(&r);
	/* no-store on the case and the inbox */
	http_get_as(&srv, as(SUPB), path, &r);
	assert_non_null(strcasestr(str_or(response_header(&r, "Cache-Control"), ""), "no-store"));
	response_free(&r);
	http_get_as(&srv, as(SUPB), "/api/v1/staff/reports", &r);
	assert_non_null(strcasestr(str_or(response_header(&r, "Cache-Control"), ""), "no-store"));
	response_free(&r);
}

/* ---- 3. a disabled user keeps no key copy (last: it rotates the organisation key) ---- */

static void disable(int who)
{
	char path[160];
	snprintf(path, sizeof path, "/api/v1/staff/users/%s", acct[who].id);
	struct response r;
	req("PATCH", path, as(ADM), "{\"disabled\":true}", &r);
	assert_status(&r, 200);
	response_free(&r);
}

static void test_disabled_users(void **state)
{
	(void)state;
	need_fixtures();
	struct rep *p = submit_plain();
	const char *q = "SELECT count(*) FROM report_keys WHERE holder = ?";
	assert_true(db_int(q, acct[INV2].id, NULL) > 0);
	assert_true(db_int(q, acct[SUPC].id, NULL) > 0);
	assert_true(db_int("SELECT count(*) FROM org_key_copies WHERE user_id = ?", acct[SUPC].id,
	                   NULL) > 0);
	json_decref(case_of(p, INV2));
	char rid[80];
	struct response r;
	request_identity(p, INV2, rid, sizeof rid);
	assert_true(rid[0] != '\0');
	disable(INV2);
	assert_int_equal(db_int(q, acct[INV2].id, NULL), 0);
	refused("GET", p, NULL, INV2, NULL, 401, "unauthenticated", NULL);
	disable(SUPC);
	assert_int_equal(db_int(q, acct[SUPC].id, NULL), 0);
	assert_int_equal(db_int("SELECT count(*) FROM org_key_copies WHERE user_id = ?",
	                        acct[SUPC].id, NULL),
	                 0);
	/* disabled users are no longer readers: not in access, not assignable, not grantable */
	json_t *c = case_of(p, SUPA);
	assert_null(access_of(c, INV2));
	assert_null(access_of(c, SUPC));
	json_decref(c);
	char *b = J("{s:s}", "assignee", acct[INV2].id);
	refused("PATCH", p, NULL, SUPA, b, 400, "invalid_field", "assignee");
	free(b);
	grant(p, SUPA, INV2, 409, "grant_refused");
	/* approving the request of a disabled user seals nothing to them */
	char path[160];
	snprintf(path, sizeof path, "/api/v1/staff/identity-requests/%s", rid);
	req("POST", path, as(SUPA), "{\"decision\":\"approve\",\"reason\":\"Terlambat.\"}", &r);
	if (r.status == 200)
		print_error("the request of a disabled user was approved: %s\n", r.body);
	assert_true(r.status >= 400 && r.status < 500);
	response_free(&r);
	assert_int_equal(db_int(q, acct[INV2].id, NULL), 0);
	/* the organisation key was rotated; the sessions of supa and supb re-seal the old reports
	 * to the new one, never the report that excludes supb, and nothing reaches supb */
	json_decref(get_json(as(SUPA), "/api/v1/staff/me"));
	json_decref(get_json(as(SUPB), "/api/v1/staff/me"));
	json_decref(get_json(as(SUPA), "/api/v1/staff/me"));
	assert_int_equal(db_int("SELECT count(*) FROM report_keys WHERE report_id = ? AND "
	                        "(holder_kind = 'org' OR holder = ?)", E->id, acct[SUPB].id, NULL),
	                 0);
	assert_int_equal(db_int("SELECT count(*) FROM reports WHERE id = ? AND org_key_id IS NOT NULL "
	                        "AND org_key_id <> ''", E->id, NULL),
	                 0);
	refused("GET", E, NULL, SUPB, NULL, 404, "not_found", NULL);
	json_decref(case_of(E, SUPA));
	/* the rest still read */
	json_decref(case_of(p, SUPB));
	json_decref(case_of(p, INV));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_access_matrix),
		cmocka_unit_test(test_excluded_supervisor),
		cmocka_unit_test(test_inbox),
		cmocka_unit_test(test_inbox_overdue),
		cmocka_unit_test(test_inbox_unread),
		cmocka_unit_test(test_case_view),
		cmocka_unit_test(test_evidence_download),
		cmocka_unit_test(test_evidence_jpeg),
		cmocka_unit_test(test_evidence_added_later),
		cmocka_unit_test(test_evidence_truncated),
		cmocka_unit_test(test_status_transitions),
		cmocka_unit_test_teardown(test_deadlines, restore_deadlines),
		cmocka_unit_test(test_assignment),
		cmocka_unit_test(test_messages_and_notes),
		cmocka_unit_test(test_grants),
		cmocka_unit_test(test_identity_requests),
		cmocka_unit_test(test_audit),
		cmocka_unit_test(test_concurrent_acts),
		cmocka_unit_test(test_inbox_is_the_keys),
		cmocka_unit_test(test_http_conventions),
		cmocka_unit_test(test_staff_texts_at_rest),
		cmocka_unit_test(test_disabled_users),
	};
	return cmocka_run_group_tests_name("api_cases", tests, group_setup, group_teardown);
}
