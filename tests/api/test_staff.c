/* test_staff.c: staff accounts end to end (issue 3): the trust root and --confirm-as at the command
 * line, activation, login with and without TOTP, throttling, recovery, password change, TOTP
 * enrolment, the admin's user management, confirmation by supervisors (and every way it must be
 * refused), forged database rows, settings and their owners, sessions shared by two servers, and
 * no secret in plaintext anywhere in the data directory. */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* Passwords: long, distinctive (the plaintext scan looks for each). */
#define PW_ROOT "Ratna-trust-root-pass-71"
#define PW_ADMIN "Admin-orchid-lantern-52"
#define PW_INV1 "Inv1-copper-meadow-38"
#define PW_LEAD1 "Lead1-silent-harbor-64"
#define PW_LEAD1_NEW "Lead1-changed-meadow-29"
#define PW_SUP2 "Sup2-granite-willow-19"
#define PW_FORGE "Forged-amber-thistle-27"
#define PW_THR "Throttle-velvet-canyon-83"
#define PW_ACT1 "Act1-saffron-beacon-46"
#define PW_APIINV "Apiinv-lotus-ember-58"
#define PW_APIINV_NEW "Apiinv-renewed-prism-77"
#define PW_APIINV_3 "Apiinv-third-lantern-88"
#define PW_TOT1 "Tot1-marble-falcon-22"
#define PW_TOT1_NEW "Tot1-renewed-glacier-66"
#define PW_APIADM "Apiadm-cedar-ripple-35"
#define PW_REF1 "Ref1-indigo-summit-91"
#define PW_GONE1 "Gone1-harbor-quartz-14"
#define PW_BAD_INV "Badinv-coral-spindle-43"
#define PW_FADMIN "Fadmin-pewter-orchard-61"
#define PW_FINV "Finv-sable-horizon-75"
#define PW_WRONG "Wrong-password-entirely-00"

static const char *const all_passwords[] = {
	PW_ROOT, PW_ADMIN, PW_INV1, PW_LEAD1, PW_LEAD1_NEW, PW_SUP2, PW_FORGE, PW_THR, PW_ACT1,
	PW_APIINV, PW_APIINV_NEW, PW_APIINV_3, PW_TOT1, PW_TOT1_NEW, PW_APIADM, PW_REF1, PW_GONE1,
	PW_BAD_INV,
};

/* A staff account this suite uses; token and csrf are cached so each user signs in once. */
struct acct {
	const char *username;
	const char *role;
	const char *name;
	const char *password;   /* current password; "" before activation */
	char totp[128];         /* base32 TOTP secret while TOTP is enabled */
	char activation[64];    /* the last activation code issued */
	char recovery[80];      /* the recovery key of the last activation */
	char id[80];
	char *token, *csrf;
};

#define ACCT(u, r, n, p) { .username = u, .role = r, .name = n, .password = p }
static struct acct accts[] = {
	/* made at the command line before `serve` */
	ACCT("root1", "supervisor", "Ratna Dewi", PW_ROOT),
	ACCT("admin1", "admin", "Agus Salim", PW_ADMIN),
	ACCT("inv1", "investigator", "Indah Permata", PW_INV1),
	ACCT("lead1", "leader", "Lukman Hakim", PW_LEAD1),
	ACCT("sup2", "supervisor", "Sri Mulyani", PW_SUP2),
	ACCT("act1", "investigator", "Arif Budiman", ""),
	ACCT("forge1", "investigator", "Fajar Nugroho", PW_FORGE),
	ACCT("thr1", "admin", "Tono Wijaya", PW_THR),
	/* made by admin1 over HTTP */
	ACCT("apiinv", "investigator", "Putri Ayu", ""),
	ACCT("tot1", "investigator", "Teguh Santoso", ""),
	ACCT("apiadm", "admin", "Dian Lestari", ""),
	ACCT("ref1", "investigator", "Rudi Hartono", ""),
	ACCT("gone1", "leader", "Gita Savitri", ""),
	ACCT("idle1", "investigator", "Iwan Setiawan", ""),
	ACCT("exp1", "leader", "Eko Prasetyo", ""),
};
#define N_ACCTS (sizeof accts / sizeof accts[0])

/* Command-line results of the setup, checked by the tests. */
struct cli_result {
	int rc;
	char *out, *err;
};
enum {
	C_ROOT, C_ADMIN, C_INV1, C_BAD_PW, C_BY_ADMIN, C_BY_PENDING, C_LEAD1, C_SUP2, C_ACT1, C_FORGE,
	C_THR, C_WEAK1, C_WEAK2, C_WEAK3, C_WEAK_SHORT, C_WEAK_NAME, C_COUNT
};
static struct cli_result cli[C_COUNT];

static struct server srv;   /* the main server */
static struct server srv2;  /* a second `serve` on srv's data directory */
static struct server fsrv;  /* another instance: only an admin and a (forged) investigator */

/* Secrets seen during the run, for the plaintext scan. */
static char seen_totp[8][128];
static size_t n_seen_totp;
static char seen_recovery[32][80];
static size_t n_seen_recovery;

/* ---- small helpers ---- */

#define assert_status(r, code)                                                                   \
	do {                                                                                     \
		if ((r)->status != (code))                                                       \
			print_error("HTTP %ld (curl: %s), body: %.600s\n", (r)->status,          \
			            (r)->curl_error, (r)->body ? (r)->body : "");                \
		assert_int_equal((r)->status, (code));                                           \
	} while (0)

static struct acct *A(const char *username)
{
	for (size_t i = 0; i < N_ACCTS; i++)
		if (strcmp(accts[i].username, username) == 0)
			return &accts[i];
	fail_msg("no account %s in the table", username);
	return NULL;
}

/* One request: METHOD path on s, with a bearer token (optional), a JSON body (optional) and up to
 * two extra headers (optional). */
static void call_h(const struct server *s, const char *method, const char *path, const char *token,
                   const char *body, const char *h1, const char *h2, struct response *r)
{
	const char *hv[6];
	size_t n = 0;
	char *auth = token ? bearer_header(token) : NULL;
	if (auth)
		hv[n++] = auth;
	if (body)
		hv[n++] = "Content-Type: application/json";
	else
		hv[n++] = "Content-Type:";
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
	assert_non_null(c);
	if (strcmp(c, code) != 0)
		print_error("error body: %.400s\n", r->body);
	assert_string_equal(c, code);
	const char *m = json_string_value(json_object_get(e, "message"));
	assert_non_null(m);
	assert_true(strlen(m) > 0);
	if (field) {
		const char *f = error_field(r);
		if (!f || strcmp(f, field) != 0)
			print_error("error body: %.400s\n", r->body);
		assert_non_null(f);
		assert_string_equal(f, field);
	}
	return m;
}

/* Does `s` match a pattern where 'X' is one of `alphabet`, and other characters are literal? */
static bool matches(const char *s, const char *pattern, const char *alphabet)
{
	if (!s || strlen(s) != strlen(pattern))
		return false;
	for (size_t i = 0; pattern[i]; i++) {
		if (pattern[i] == 'X') {
			if (!s[i] || !strchr(alphabet, s[i]))
				return false;
		} else if (s[i] != pattern[i]) {
			return false;
		}
	}
	return true;
}

#define ACT_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ23456789"
#define REC_ALPHABET "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

static bool is_activation_code(const char *s)
{
	return matches(s, "XXXX-XXXX-XXXX-XXXX", ACT_ALPHABET);
}

static bool is_recovery_key(const char *s)
{
	return matches(s, "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX", REC_ALPHABET);
}

/* "ABCD EF01 …": groups of 4 upper-case hex digits separated by single spaces, at least 4. */
static bool is_fingerprint(const char *s)
{
	if (!s)
		return false;
	size_t len = strlen(s), groups = 0;
	if (len < 19 || (len + 1) % 5 != 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (i % 5 == 4) {
			if (s[i] != ' ')
				return false;
			groups++;
		} else if (!strchr("0123456789ABCDEF", s[i])) {
			return false;
		}
	}
	return groups + 1 >= 4;
}

/* Unix time now, moved past the end of the current 30 s step when it is about to end, so a code
 * computed now is still the server's current step when it arrives. */
static long long totp_time(void)
{
	long long t = (long long)time(NULL);
	if (t % 30 >= 26) {
		sleep_s((double)(30 - t % 30) + 0.3);
		t = (long long)time(NULL);
	}
	return t;
}

static void totp_at(const char *secret, long long t, char code[7])
{
	assert_int_equal(totp_code(secret, t, code), 0);
}

/* A 6-digit code that is not the right one for any step from t-90 to t+90. */
static void wrong_code(const char *secret, long long t, char code[7])
{
	for (unsigned v = 123456;; v = (v + 111111) % 1000000) {
		snprintf(code, 7, "%06u", v);
		bool clash = false;
		for (int k = -3; k <= 3; k++) {
			char c[7];
			totp_at(secret, t + 30LL * k, c);
			clash |= strcmp(c, code) == 0;
		}
		if (!clash)
			return;
	}
}

/* POST /staff/login; totp NULL: no "totp" field. */
static void login_raw(const struct server *s, const char *user, const char *pw, const char *totp,
                      struct response *r)
{
	char *b = totp ? J("{s:s, s:s, s:s}", "username", user, "password", pw, "totp", totp)
	               : J("{s:s, s:s}", "username", user, "password", pw);
	call(s, "POST", "/api/v1/staff/login", NULL, b, r);
	free(b);
}

/* Signs a in on s (with a TOTP code when a has TOTP on); asserts 200; returns the token and
 * *csrf (optional), malloc'd. */
static char *login_on(const struct server *s, struct acct *a, char **csrf)
{
	char code[7];
	if (a->totp[0])
		totp_at(a->totp, totp_time(), code);
	struct response r;
	login_raw(s, a->username, a->password, a->totp[0] ? code : NULL, &r);
	if (r.status != 200)
		print_error("login %s: HTTP %ld %.400s\n", a->username, r.status, r.body);
	assert_status(&r, 200);
	const char *t = json_string_value(json_object_get(r.json, "token"));
	const char *c = json_string_value(json_object_get(r.json, "csrf"));
	assert_non_null(t);
	assert_non_null(c);
	char *tok = strdup(t);
	if (csrf)
		*csrf = strdup(c);
	response_free(&r);
	return tok;
}

/* The cached token of a user on srv (signs in once). */
static const char *tok(const char *username)
{
	struct acct *a = A(username);
	if (!a->token)
		a->token = login_on(&srv, a, &a->csrf);
	return a->token;
}

static void forget_token(const char *username)
{
	struct acct *a = A(username);
	free(a->token);
	free(a->csrf);
	a->token = a->csrf = NULL;
}

/* GET /staff/me with a token: the status, and the body in *me (caller decrefs) on 200. */
static long get_me_on(const struct server *s, const char *token, json_t **me)
{
	struct response r;
	http_get_as(s, token, "/api/v1/staff/me", &r);
	long st = r.status;
	if (me)
		*me = st == 200 ? json_incref(r.json) : NULL;
	response_free(&r);
	return st;
}

static json_t *me_of(const char *username)
{
	json_t *me;
	long st = get_me_on(&srv, tok(username), &me);
	if (st != 200)
		print_error("GET /staff/me as %s: HTTP %ld\n", username, st);
	assert_int_equal(st, 200);
	return me;
}

static bool has_warning(const json_t *me, const char *w)
{
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(me, "warnings"), i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), w) == 0)
			return true;
	return false;
}

/* <me> of the spec, for account a. */
static void assert_me(const json_t *me, const struct acct *a)
{
	assert_true(json_is_object(me));
	assert_true(json_is_string(json_object_get(me, "id")));
	assert_true(strlen(json_string_value(json_object_get(me, "id"))) >= 8);
	assert_string_equal(json_string_value(json_object_get(me, "username")), a->username);
	assert_string_equal(json_string_value(json_object_get(me, "name")), a->name);
	assert_string_equal(json_string_value(json_object_get(me, "role")), a->role);
	assert_true(json_is_boolean(json_object_get(me, "confirmed")));
	json_t *fp = json_object_get(me, "key_fingerprint");
	assert_non_null(fp);
	if (!json_is_null(fp) && !is_fingerprint(json_string_value(fp)))
		print_error("key_fingerprint: %s\n", json_string_value(fp));
	assert_true(json_is_null(fp) || is_fingerprint(json_string_value(fp)));
	assert_true(json_is_boolean(json_object_get(me, "totp_enabled")));
	assert_true(json_is_boolean(json_object_get(me, "totp_setup_required")));
	json_t *w = json_object_get(me, "warnings");
	assert_true(json_is_array(w));
	size_t i;
	json_t *v;
	json_array_foreach(w, i, v)
		assert_true(json_is_string(v));
	const char *k;
	json_object_foreach((json_t *)me, k, v) {
		assert_null(strcasestr(k, "password"));
		assert_null(strcasestr(k, "secret"));
		assert_null(strcasestr(k, "hash"));
		assert_null(strcasestr(k, "salt"));
	}
}

/* GET /staff/users?per_page=200 as admin1: the items (caller decrefs). */
static json_t *users_list(void)
{
	struct response r;
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users?per_page=200", &r);
	assert_status(&r, 200);
	json_t *items = json_incref(json_object_get(r.json, "items"));
	assert_true(json_is_array(items));
	response_free(&r);
	return items;
}

/* The admin's list item of a user (caller decrefs), NULL if absent. */
static json_t *user_item(const char *username)
{
	json_t *items = users_list(), *found = NULL, *v;
	size_t i;
	json_array_foreach(items, i, v)
		if (strcmp(json_string_value(json_object_get(v, "username")), username) == 0)
			found = json_incref(v);
	json_decref(items);
	return found;
}

static const char *uid(const char *username)
{
	struct acct *a = A(username);
	if (!a->id[0]) {
		json_t *it = user_item(username);
		if (!it)
			fail_msg("%s is not in GET /staff/users", username);
		snprintf(a->id, sizeof a->id, "%s", json_string_value(json_object_get(it, "id")));
		json_decref(it);
	}
	return a->id;
}

static const char *item_state(const json_t *item)
{
	return json_string_value(json_object_get(item, "state"));
}

/* Asserts the admin's item of a user has this state. */
static void assert_state(const char *username, const char *state)
{
	json_t *it = user_item(username);
	assert_non_null(it);
	if (!item_state(it) || strcmp(item_state(it), state) != 0)
		print_error("%s: %s\n", username, json_dumps(it, JSON_COMPACT));
	assert_string_equal(item_state(it), state);
	json_decref(it);
}

/* The state column of `peluit user list` for a username, NULL when not listed (static buffer). */
static const char *cli_state(const char *username)
{
	static char state[32];
	char *out = NULL;
	int rc = peluit_run(&srv, &out, NULL, "user", "list", NULL);
	assert_int_equal(rc, 0);
	const char *res = NULL;
	char *save = NULL;
	for (char *l = strtok_r(out, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char u[80], role[32], st[32];
		if (sscanf(l, "%79s %31s %31s", u, role, st) == 3 && strcmp(u, username) == 0) {
			snprintf(state, sizeof state, "%s", st);
			res = state;
		}
	}
	free(out);
	return res;
}

/* Is a user (by name) in GET /api/v1/meta recipients on s? Also returns "accepting". */
static bool meta_recipient(const struct server *s, const char *name, const char *id, bool *accepting)
{
	struct response r;
	http_get(s, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	json_t *rec = json_object_get(r.json, "recipients");
	assert_true(json_is_array(rec));
	if (accepting)
		*accepting = json_is_true(json_object_get(r.json, "accepting"));
	bool found = false;
	size_t i;
	json_t *v;
	json_array_foreach(rec, i, v) {
		if (name && strcmp(json_string_value(json_object_get(v, "name")), name) == 0) {
			found = true;
			if (id)
				assert_string_equal(json_string_value(json_object_get(v, "id")), id);
		}
	}
	response_free(&r);
	return found;
}

static size_t meta_recipient_count(const struct server *s)
{
	struct response r;
	http_get(s, "/api/v1/meta", NULL, &r);
	assert_status(&r, 200);
	size_t n = json_array_size(json_object_get(r.json, "recipients"));
	response_free(&r);
	return n;
}

/* GET /staff/users/pending as root1: is username in it? (with its item in *item, optional) */
static bool in_pending(const char *username, json_t **item)
{
	struct response r;
	http_get_as(&srv, tok("root1"), "/api/v1/staff/users/pending?per_page=200", &r);
	assert_status(&r, 200);
	bool found = false;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(r.json, "items"), i, v) {
		if (strcmp(json_string_value(json_object_get(v, "username")), username) == 0) {
			found = true;
			if (item)
				*item = json_incref(v);
		}
	}
	response_free(&r);
	return found;
}

/* POST /staff/users/{id}/confirm as `as` with a decision; response in r. */
static void confirm_as(const char *as, const char *target_id, const char *decision,
                       struct response *r)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/users/%s/confirm", target_id);
	char *b = J("{s:s}", "decision", decision);
	call(&srv, "POST", path, tok(as), b, r);
	free(b);
}

static void patch_user(const char *as, const char *target_id, const char *body, struct response *r)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/users/%s", target_id);
	call(&srv, "PATCH", path, tok(as), body, r);
}

/* Number of audit entries with this action (and subject, when not NULL), read as root1. */
static json_int_t audit_count(const char *action, const char *subject)
{
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/audit?action=%s&per_page=200", action);
	struct response r;
	http_get_as(&srv, tok("root1"), path, &r);
	assert_status(&r, 200);
	json_int_t n = 0;
	if (!subject) {
		n = json_integer_value(json_object_get(r.json, "total"));
	} else {
		size_t i;
		json_t *v;
		json_array_foreach(json_object_get(r.json, "items"), i, v) {
			const char *sub = json_string_value(json_object_get(v, "subject"));
			n += sub && strcmp(sub, subject) == 0;
		}
	}
	response_free(&r);
	return n;
}

static void db_exec(const struct server *s, const char *sql)
{
	assert_true(db_run(s, sql) > 0);
}

/* POST /staff/activate; returns the status, with the recovery key stored in a on 200. */
static void activate_raw(const char *username, const char *code, const char *pw, struct response *r)
{
	char *b = J("{s:s, s:s, s:s}", "username", username, "activation_code", code, "password", pw);
	call(&srv, "POST", "/api/v1/staff/activate", NULL, b, r);
	free(b);
}

static void activate_ok(struct acct *a, const char *code, const char *pw)
{
	struct response r;
	activate_raw(a->username, code, pw, &r);
	assert_status(&r, 200);
	const char *k = json_string_value(json_object_get(r.json, "recovery_key"));
	if (!is_recovery_key(k))
		print_error("recovery_key: %s\n", k ? k : "(none)");
	assert_true(is_recovery_key(k));
	snprintf(a->recovery, sizeof a->recovery, "%s", k);
	if (n_seen_recovery < 32)
		snprintf(seen_recovery[n_seen_recovery++], sizeof seen_recovery[0], "%s", k);
	a->password = pw;
	response_free(&r);
}

/* The text after "prefix" on the first line of out that starts with it, trimmed (static). */
static const char *line_value(const char *out, const char *prefix)
{
	static char v[256];
	for (const char *l = out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, prefix, strlen(prefix)) == 0) {
			const char *p = l + strlen(prefix);
			while (*p == ' ' || *p == '\t')
				p++;
			size_t n = strcspn(p, "\r\n");
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			snprintf(v, sizeof v, "%.*s", (int)n, p);
			return v;
		}
	}
	return NULL;
}

/* ---- setup ---- */

static void add_user(int slot, const char *username, const char *role, const char *name,
                     const char *pwfile, const char *confirm_as, const char *confirm_file)
{
	struct cli_result *c = &cli[slot];
	if (confirm_as)
		c->rc = peluit_run(&srv, &c->out, &c->err, "user", "add", "--username", username,
		                   "--role", role, "--name", name, "--password-file", pwfile,
		                   "--confirm-as", confirm_as, "--confirm-password-file", confirm_file,
		                   NULL);
	else if (pwfile)
		c->rc = peluit_run(&srv, &c->out, &c->err, "user", "add", "--username", username,
		                   "--role", role, "--name", name, "--password-file", pwfile, NULL);
	else
		c->rc = peluit_run(&srv, &c->out, &c->err, "user", "add", "--username", username,
		                   "--role", role, "--name", name, NULL);
	if (!c->out)
		c->out = strdup("");
	if (!c->err)
		c->err = strdup("");
}

static int group_setup(void **state)
{
	(void)state;
	http_global_init();
	if (server_prepare(&srv) != 0)
		return -1;
	char f_root[160], f_admin[160], f_inv1[160], f_lead1[160], f_sup2[160], f_forge[160],
		f_thr[160], f_bad[160], f_wrong[160], f_w1[160], f_w2[160], f_w3[160], f_ws[160],
		f_wn[160];
	if (server_write_file(&srv, "pw-root", PW_ROOT, f_root, sizeof f_root) ||
	    server_write_file(&srv, "pw-admin", PW_ADMIN, f_admin, sizeof f_admin) ||
	    server_write_file(&srv, "pw-inv1", PW_INV1, f_inv1, sizeof f_inv1) ||
	    server_write_file(&srv, "pw-lead1", PW_LEAD1, f_lead1, sizeof f_lead1) ||
	    server_write_file(&srv, "pw-sup2", PW_SUP2, f_sup2, sizeof f_sup2) ||
	    server_write_file(&srv, "pw-forge", PW_FORGE, f_forge, sizeof f_forge) ||
	    server_write_file(&srv, "pw-thr", PW_THR, f_thr, sizeof f_thr) ||
	    server_write_file(&srv, "pw-bad", PW_BAD_INV, f_bad, sizeof f_bad) ||
	    server_write_file(&srv, "pw-wrong", PW_WRONG, f_wrong, sizeof f_wrong) ||
	    server_write_file(&srv, "pw-w1", "password1234", f_w1, sizeof f_w1) ||
	    server_write_file(&srv, "pw-w2", "123456789012", f_w2, sizeof f_w2) ||
	    server_write_file(&srv, "pw-w3", "qwertyuiop123", f_w3, sizeof f_w3) ||
	    server_write_file(&srv, "pw-ws", "Sh0rt-pass", f_ws, sizeof f_ws) ||
	    server_write_file(&srv, "pw-wn", "weakling.user1", f_wn, sizeof f_wn)) {
		server_stop(&srv);
		return -1;
	}
	/* the first supervisor: the trust root */
	add_user(C_ROOT, "root1", "supervisor", "Ratna Dewi", f_root, NULL, NULL);
	add_user(C_ADMIN, "admin1", "admin", "Agus Salim", f_admin, NULL, NULL);
	add_user(C_INV1, "inv1", "investigator", "Indah Permata", f_inv1, "root1", f_root);
	/* the wrong supervisor password; an admin; a supervisor who is not confirmed */
	add_user(C_BAD_PW, "badinv1", "investigator", "Bad Satu", f_bad, "root1", f_wrong);
	add_user(C_BY_ADMIN, "badinv2", "investigator", "Bad Dua", f_bad, "admin1", f_admin);
	add_user(C_LEAD1, "lead1", "leader", "Lukman Hakim", f_lead1, NULL, NULL);
	add_user(C_SUP2, "sup2", "supervisor", "Sri Mulyani", f_sup2, NULL, NULL);
	add_user(C_BY_PENDING, "badinv3", "investigator", "Bad Tiga", f_bad, "sup2", f_sup2);
	add_user(C_ACT1, "act1", "investigator", "Arif Budiman", NULL, NULL, NULL);
	add_user(C_FORGE, "forge1", "investigator", "Fajar Nugroho", f_forge, NULL, NULL);
	add_user(C_THR, "thr1", "admin", "Tono Wijaya", f_thr, NULL, NULL);
	add_user(C_WEAK1, "weak1", "investigator", "Weak Satu", f_w1, NULL, NULL);
	add_user(C_WEAK2, "weak2", "investigator", "Weak Dua", f_w2, NULL, NULL);
	add_user(C_WEAK3, "weak3", "investigator", "Weak Tiga", f_w3, NULL, NULL);
	add_user(C_WEAK_SHORT, "weak4", "investigator", "Weak Empat", f_ws, NULL, NULL);
	add_user(C_WEAK_NAME, "weakling.user1", "investigator", "Weak Lima", f_wn, NULL, NULL);
	/* recovery keys the command line printed, for the plaintext scan */
	for (size_t i = 0; i < C_COUNT; i++) {
		char *copy = strdup(cli[i].out), *save = NULL;
		for (char *w = strtok_r(copy, " \t\r\n", &save); w; w = strtok_r(NULL, " \t\r\n", &save))
			if (is_recovery_key(w) && n_seen_recovery < 32)
				snprintf(seen_recovery[n_seen_recovery++], sizeof seen_recovery[0], "%s", w);
		free(copy);
	}
	if (server_serve(&srv) != 0) {
		server_stop(&srv);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	int rc = 0;
	if (srv2.pid > 0 && server_stop(&srv2) != 0)
		rc = -1;
	if (fsrv.root[0] && server_stop(&fsrv) != 0)
		rc = -1;
	if (server_stop(&srv) != 0)
		rc = -1;
	for (size_t i = 0; i < C_COUNT; i++) {
		free(cli[i].out);
		free(cli[i].err);
	}
	for (size_t i = 0; i < N_ACCTS; i++) {
		free(accts[i].token);
		free(accts[i].csrf);
	}
	http_global_cleanup();
	return rc;
}

static void show_cli(int slot)
{
	print_message("exit %d\nstdout: %s\nstderr: %s\n", cli[slot].rc, cli[slot].out, cli[slot].err);
}

/* ---- the command line ---- */

/* Only the hex digits of s, upper-cased (static). */
static const char *hex_only(const char *s, char *buf, size_t len)
{
	size_t n = 0;
	for (; s && *s && n + 1 < len; s++)
		if (strchr("0123456789abcdefABCDEF", *s))
			buf[n++] = (char)(*s >= 'a' ? *s - 'a' + 'A' : *s);
	buf[n] = '\0';
	return buf;
}

static void test_cli_trust_root(void **state)
{
	(void)state;
	show_cli(C_ROOT);
	assert_int_equal(cli[C_ROOT].rc, 0);
	const char *line = line_value(cli[C_ROOT].out, "Trust root fingerprint:");
	assert_non_null(line);
	char fp[256];
	snprintf(fp, sizeof fp, "%s", line);
	if (!is_fingerprint(fp))
		print_error("fingerprint: '%s'\n", fp);
	assert_true(is_fingerprint(fp));
	assert_null(strstr(cli[C_ROOT].out, "pending confirmation"));

	/* DATA/trust-root exists */
	char path[160];
	struct stat st;
	snprintf(path, sizeof path, "%s/trust-root", srv.data);
	if (stat(path, &st) != 0)
		print_error("%s does not exist\n", path);
	assert_int_equal(stat(path, &st), 0);
	assert_true(st.st_size > 0);

	/* the trust root is a confirmed supervisor, and the only organisation key holder */
	json_t *me = me_of("root1");
	assert_me(me, A("root1"));
	assert_true(json_is_true(json_object_get(me, "confirmed")));
	assert_true(is_fingerprint(json_string_value(json_object_get(me, "key_fingerprint"))));
	assert_true(json_is_false(json_object_get(me, "totp_enabled")));
	assert_true(json_is_false(json_object_get(me, "totp_setup_required")));
	assert_true(has_warning(me, "single_org_key_holder"));
	/* the fingerprint on paper is the one the trust root is shown */
	assert_string_equal(json_string_value(json_object_get(me, "key_fingerprint")), fp);
	json_decref(me);
	assert_string_equal(cli_state("root1"), "confirmed");

	/* an admin made with a password needs no confirmation and is no key holder */
	assert_int_equal(cli[C_ADMIN].rc, 0);
	assert_null(strstr(cli[C_ADMIN].out, "Trust root fingerprint"));
	assert_null(strstr(cli[C_ADMIN].out, "pending confirmation"));
	me = me_of("admin1");
	assert_me(me, A("admin1"));
	assert_true(json_is_true(json_object_get(me, "confirmed")));
	assert_false(has_warning(me, "single_org_key_holder"));
	json_decref(me);
	assert_string_equal(cli_state("admin1"), "confirmed");
	assert_string_equal(cli_state("thr1"), "confirmed");
}

/* SECURITY.md: "Their signing public key's fingerprint is written to DATA/trust-root and printed
 * at creation, for the supervisors to keep on paper": the file shows the printed fingerprint. */
static void test_trust_root_file_holds_fingerprint(void **state)
{
	(void)state;
	const char *fp = line_value(cli[C_ROOT].out, "Trust root fingerprint:");
	assert_non_null(fp);
	char want[256], have[1024];
	hex_only(fp, want, sizeof want);
	char path[160];
	snprintf(path, sizeof path, "%s/trust-root", srv.data);
	FILE *f = fopen(path, "r");
	if (!f)
		print_error("%s does not exist\n", path);
	assert_non_null(f);
	char text[1024];
	size_t n = fread(text, 1, sizeof text - 1, f);
	text[n] = '\0';
	fclose(f);
	hex_only(text, have, sizeof have);
	if (!strstr(have, want))
		print_error("trust-root: %s\nprinted: %s\n", text, fp);
	assert_non_null(strstr(have, want));
}

static void test_cli_confirm_as(void **state)
{
	(void)state;
	/* the right supervisor password: confirmed at once */
	show_cli(C_INV1);
	assert_int_equal(cli[C_INV1].rc, 0);
	assert_null(strstr(cli[C_INV1].out, "pending confirmation"));
	assert_null(strstr(cli[C_INV1].out, "Trust root fingerprint"));
	json_t *me = me_of("inv1");
	assert_me(me, A("inv1"));
	assert_true(json_is_true(json_object_get(me, "confirmed")));
	assert_false(has_warning(me, "single_org_key_holder"));
	json_decref(me);
	assert_string_equal(cli_state("inv1"), "confirmed");

	/* a wrong supervisor password, an admin, a supervisor not confirmed: exit 1, no reader */
	static const int bad[] = { C_BAD_PW, C_BY_ADMIN, C_BY_PENDING };
	static const char *const names[] = { "badinv1", "badinv2", "badinv3" };
	for (size_t i = 0; i < 3; i++) {
		show_cli(bad[i]);
		assert_int_equal(cli[bad[i]].rc, 1);
		const char *st = cli_state(names[i]);
		assert_true(st == NULL || strcmp(st, "confirmed") != 0);
		assert_false(meta_recipient(&srv, i == 0 ? "Bad Satu" : i == 1 ? "Bad Dua" : "Bad Tiga",
		                            NULL, NULL));
	}

	/* readers without --confirm-as wait; so does a second supervisor */
	static const int pend[] = { C_LEAD1, C_SUP2, C_FORGE };
	static const char *const pnames[] = { "lead1", "sup2", "forge1" };
	for (size_t i = 0; i < 3; i++) {
		show_cli(pend[i]);
		assert_int_equal(cli[pend[i]].rc, 0);
		assert_non_null(strstr(cli[pend[i]].out, "pending confirmation"));
		assert_null(strstr(cli[pend[i]].out, "Trust root fingerprint"));
		assert_string_equal(cli_state(pnames[i]), "pending");
		me = me_of(pnames[i]); /* a pending account can sign in */
		assert_me(me, A(pnames[i]));
		assert_true(json_is_false(json_object_get(me, "confirmed")));
		assert_true(is_fingerprint(json_string_value(json_object_get(me, "key_fingerprint"))));
		assert_false(has_warning(me, "single_org_key_holder"));
		json_decref(me);
	}

	/* the list's header */
	char *out = NULL;
	assert_int_equal(peluit_run(&srv, &out, NULL, "user", "list", NULL), 0);
	char h[5][16];
	assert_int_equal(sscanf(out, "%15s %15s %15s %15s %15s", h[0], h[1], h[2], h[3], h[4]), 5);
	assert_string_equal(h[0], "USERNAME");
	assert_string_equal(h[1], "ROLE");
	assert_string_equal(h[2], "STATE");
	assert_string_equal(h[3], "CREATED");
	assert_string_equal(h[4], "NAME");
	assert_non_null(strstr(out, "Ratna Dewi"));
	free(out);
}

static void test_cli_weak_passwords(void **state)
{
	(void)state;
	static const int weak[] = { C_WEAK1, C_WEAK2, C_WEAK3, C_WEAK_SHORT, C_WEAK_NAME };
	static const char *const names[] = { "weak1", "weak2", "weak3", "weak4", "weakling.user1" };
	for (size_t i = 0; i < 5; i++) {
		show_cli(weak[i]);
		assert_int_equal(cli[weak[i]].rc, 1);
		assert_null(cli_state(names[i]));
	}
}

static void test_cli_activation_code(void **state)
{
	(void)state;
	show_cli(C_ACT1);
	assert_int_equal(cli[C_ACT1].rc, 0);
	const char *line = line_value(cli[C_ACT1].out, "Activation code:");
	assert_non_null(line);
	char code[64]; /* the code, then perhaps advice: "(valid 7 days; …)" */
	assert_int_equal(sscanf(line, "%63s", code), 1);
	if (!is_activation_code(code))
		print_error("activation code: '%s'\n", code);
	assert_true(is_activation_code(code));
	struct acct *a = A("act1");
	snprintf(a->activation, sizeof a->activation, "%s", code);
	assert_null(strstr(cli[C_ACT1].out, "Password (shown once"));
	assert_string_equal(cli_state("act1"), "activation");

	/* not activated yet: no login, with the one message */
	struct response r;
	login_raw(&srv, "act1", PW_ACT1, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);

	/* typed in lower case with spaces for dashes; a weak password first does not use it up */
	char typed[64];
	size_t n = 0;
	for (const char *p = code; *p; p++)
		typed[n++] = *p == '-' ? ' ' : (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	typed[n] = '\0';
	activate_raw("act1", typed, "password1234", &r);
	expect_error(&r, 400, "invalid_field", "password");
	response_free(&r);
	activate_raw("act1", typed, "act1", &r);
	expect_error(&r, 400, "invalid_field", "password");
	response_free(&r);
	activate_ok(a, typed, PW_ACT1);

	/* a code works once */
	activate_raw("act1", code, "Act1-another-beacon-47", &r);
	expect_error(&r, 400, "activation_invalid", NULL);
	response_free(&r);

	assert_string_equal(cli_state("act1"), "pending");
	json_t *me = me_of("act1");
	assert_me(me, a);
	assert_true(json_is_false(json_object_get(me, "confirmed")));
	assert_true(is_fingerprint(json_string_value(json_object_get(me, "key_fingerprint"))));
	json_decref(me);
}

/* ---- meta ---- */

static void test_meta_recipients_only_confirmed(void **state)
{
	(void)state;
	bool accepting = false;
	assert_true(meta_recipient(&srv, "Ratna Dewi", uid("root1"), &accepting));
	assert_true(accepting);
	assert_true(meta_recipient(&srv, "Indah Permata", uid("inv1"), NULL));
	/* pending, activation and admin accounts are not readers */
	static const char *const not[] = { "Lukman Hakim", "Sri Mulyani", "Arif Budiman",
	                                   "Fajar Nugroho", "Agus Salim", "Tono Wijaya" };
	for (size_t i = 0; i < sizeof not / sizeof *not; i++)
		assert_false(meta_recipient(&srv, not[i], NULL, NULL));
	assert_int_equal(meta_recipient_count(&srv), 2);
}

/* ---- the admin's user management ---- */

static void test_users_list(void **state)
{
	(void)state;
	struct response r;
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users?per_page=200", &r);
	assert_status(&r, 200);
	json_t *items = json_object_get(r.json, "items");
	assert_int_equal(json_integer_value(json_object_get(r.json, "total")), json_array_size(items));
	assert_int_equal(json_integer_value(json_object_get(r.json, "page")), 1);
	assert_int_equal(json_integer_value(json_object_get(r.json, "per_page")), 200);
	static const char *const keys[] = { "id", "username", "name", "role", "state", "confirmed",
	                                    "disabled", "totp_enabled", "key_fingerprint",
	                                    "created_at", "created_by" };
	size_t i;
	json_t *v;
	json_array_foreach(items, i, v) {
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
			if (!json_object_get(v, keys[k]))
				print_error("no %s in %s\n", keys[k], json_dumps(v, JSON_COMPACT));
			assert_non_null(json_object_get(v, keys[k]));
		}
		const char *st = item_state(v);
		assert_non_null(st);
		assert_true(!strcmp(st, "activation") || !strcmp(st, "pending") ||
		            !strcmp(st, "confirmed") || !strcmp(st, "refused") || !strcmp(st, "disabled"));
		assert_true(json_is_boolean(json_object_get(v, "confirmed")));
		assert_true(json_is_boolean(json_object_get(v, "disabled")));
		assert_true(json_is_boolean(json_object_get(v, "totp_enabled")));
		assert_true(json_is_string(json_object_get(v, "created_at")));
		const char *un = json_string_value(json_object_get(v, "username"));
		if (!strcmp(un, "act1") || !strcmp(un, "lead1") || !strcmp(un, "sup2"))
			assert_string_equal(st, "pending");
		if (!strcmp(un, "root1") || !strcmp(un, "inv1") || !strcmp(un, "admin1"))
			assert_string_equal(st, "confirmed");
		if (!strcmp(un, "root1"))
			assert_string_equal(json_string_value(json_object_get(v, "name")), "Ratna Dewi");
	}
	assert_true(json_array_size(items) >= 8);
	response_free(&r);

	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users?per_page=2&page=2", &r);
	assert_status(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "page")), 2);
	assert_int_equal(json_integer_value(json_object_get(r.json, "per_page")), 2);
	assert_int_equal(json_array_size(json_object_get(r.json, "items")), 2);
	response_free(&r);
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users?per_page=500", &r);
	expect_error(&r, 400, "invalid_field", "per_page");
	response_free(&r);

	/* admin only */
	static const char *const others[] = { "root1", "inv1", "lead1" };
	for (size_t k = 0; k < 3; k++) {
		http_get_as(&srv, tok(others[k]), "/api/v1/staff/users", &r);
		expect_error(&r, 403, "forbidden", NULL);
		response_free(&r);
	}
	http_get(&srv, "/api/v1/staff/users", NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
}

static void create_user(struct acct *a)
{
	char *b = J("{s:s, s:s, s:s}", "username", a->username, "name", a->name, "role", a->role);
	struct response r;
	call(&srv, "POST", "/api/v1/staff/users", tok("admin1"), b, &r);
	free(b);
	assert_status(&r, 201);
	const char *id = json_string_value(json_object_get(r.json, "id"));
	const char *code = json_string_value(json_object_get(r.json, "activation_code"));
	assert_non_null(id);
	assert_true(strlen(id) >= 8);
	if (!is_activation_code(code))
		print_error("activation_code: %s\n", code ? code : "(none)");
	assert_true(is_activation_code(code));
	snprintf(a->id, sizeof a->id, "%s", id);
	snprintf(a->activation, sizeof a->activation, "%s", code);
	response_free(&r);
}

static void test_users_create(void **state)
{
	(void)state;
	static const char *const made[] = { "apiinv", "tot1", "apiadm", "ref1", "gone1", "idle1",
	                                    "exp1" };
	for (size_t i = 0; i < sizeof made / sizeof *made; i++)
		create_user(A(made[i]));
	json_t *it = user_item("apiinv");
	assert_non_null(it);
	assert_string_equal(item_state(it), "activation");
	assert_string_equal(json_string_value(json_object_get(it, "id")), A("apiinv")->id);
	assert_string_equal(json_string_value(json_object_get(it, "name")), "Putri Ayu");
	assert_string_equal(json_string_value(json_object_get(it, "role")), "investigator");
	assert_true(json_is_false(json_object_get(it, "confirmed")));
	assert_true(json_is_false(json_object_get(it, "disabled")));
	assert_true(json_is_null(json_object_get(it, "key_fingerprint")));
	assert_false(json_is_null(json_object_get(it, "created_by")));
	json_decref(it);
	assert_string_equal(cli_state("apiadm"), "activation");

	struct response r;
	/* existing username */
	char *b = J("{s:s, s:s, s:s}", "username", "root1", "name", "Another", "role", "leader");
	call(&srv, "POST", "/api/v1/staff/users", tok("admin1"), b, &r);
	free(b);
	expect_error(&r, 409, "conflict", "username");
	response_free(&r);
	/* bad role, bad username, missing username */
	b = J("{s:s, s:s, s:s}", "username", "newbie1", "name", "Newbie", "role", "root");
	call(&srv, "POST", "/api/v1/staff/users", tok("admin1"), b, &r);
	free(b);
	expect_error(&r, 400, "invalid_field", "role");
	response_free(&r);
	b = J("{s:s, s:s, s:s}", "username", "Bad Name", "name", "Newbie", "role", "leader");
	call(&srv, "POST", "/api/v1/staff/users", tok("admin1"), b, &r);
	free(b);
	expect_error(&r, 400, "invalid_field", "username");
	response_free(&r);
	b = J("{s:s, s:s}", "name", "Newbie", "role", "leader");
	call(&srv, "POST", "/api/v1/staff/users", tok("admin1"), b, &r);
	free(b);
	expect_error(&r, 400, "missing_field", "username");
	response_free(&r);
	/* admin only */
	b = J("{s:s, s:s, s:s}", "username", "newbie2", "name", "Newbie", "role", "leader");
	call(&srv, "POST", "/api/v1/staff/users", tok("root1"), b, &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	free(b);
	assert_null(user_item("newbie1"));
	assert_null(user_item("newbie2"));
}

static void test_activate(void **state)
{
	(void)state;
	struct response r;
	struct acct *inv = A("apiinv"), *tot = A("tot1");
	/* wrong code; someone else's code; unknown user */
	activate_raw("apiinv", "AAAA-BBBB-CCCC-DDDD", PW_APIINV, &r);
	expect_error(&r, 400, "activation_invalid", NULL);
	response_free(&r);
	activate_raw("apiinv", tot->activation, PW_APIINV, &r);
	expect_error(&r, 400, "activation_invalid", NULL);
	response_free(&r);
	activate_raw("nobody-at-all", inv->activation, PW_APIINV, &r);
	expect_error(&r, 400, "activation_invalid", NULL);
	response_free(&r);
	/* weak passwords: a clear message naming the rule */
	static const char *const weak[] = { "short-pw1", "qwertyuiop123", "123456789012" };
	for (size_t i = 0; i < 3; i++) {
		activate_raw("apiinv", inv->activation, weak[i], &r);
		const char *m = expect_error(&r, 400, "invalid_field", "password");
		assert_true(strlen(m) > 10);
		response_free(&r);
	}
	/* a code older than 7 days */
	db_exec(&srv, "UPDATE users SET activation_expires = activation_expires - 8 * 86400 "
	              "WHERE username = 'exp1'");
	activate_raw("exp1", A("exp1")->activation, "Exp1-expired-lantern-12", &r);
	expect_error(&r, 400, "activation_invalid", NULL);
	response_free(&r);
	/* none of that used the codes up */
	activate_ok(inv, inv->activation, PW_APIINV);
	activate_ok(tot, tot->activation, PW_TOT1);
	activate_ok(A("ref1"), A("ref1")->activation, PW_REF1);
	activate_ok(A("gone1"), A("gone1")->activation, PW_GONE1);
	activate_raw("apiinv", inv->activation, PW_APIINV_NEW, &r);
	expect_error(&r, 400, "activation_invalid", NULL);
	response_free(&r);

	/* a reader is pending once activated; an admin is confirmed */
	assert_state("apiinv", "pending");
	json_t *me = me_of("apiinv");
	assert_me(me, inv);
	assert_true(json_is_false(json_object_get(me, "confirmed")));
	json_decref(me);
	activate_ok(A("apiadm"), A("apiadm")->activation, PW_APIADM);
	assert_state("apiadm", "confirmed");
	assert_string_equal(cli_state("apiadm"), "confirmed");
	me = me_of("apiadm");
	assert_me(me, A("apiadm"));
	assert_true(json_is_true(json_object_get(me, "confirmed")));
	json_decref(me);
	assert_false(in_pending("apiadm", NULL));
	json_t *it = user_item("apiadm");
	assert_true(json_is_true(json_object_get(it, "confirmed")));
	json_decref(it);
}

/* ---- confirmation ---- */

static void test_pending_queue(void **state)
{
	(void)state;
	static const char *const yes[] = { "lead1", "sup2", "act1", "apiinv", "tot1", "ref1",
	                                   "gone1", "forge1" };
	static const char *const no[] = { "root1", "inv1", "admin1", "apiadm", "idle1", "thr1" };
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) {
		if (!in_pending(yes[i], NULL))
			print_error("%s is not in the pending queue\n", yes[i]);
		assert_true(in_pending(yes[i], NULL));
	}
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_false(in_pending(no[i], NULL));
	json_t *it = NULL;
	assert_true(in_pending("apiinv", &it));
	assert_string_equal(json_string_value(json_object_get(it, "id")), uid("apiinv"));
	assert_string_equal(json_string_value(json_object_get(it, "name")), "Putri Ayu");
	assert_string_equal(json_string_value(json_object_get(it, "role")), "investigator");
	assert_non_null(json_object_get(it, "created_by"));
	json_t *me = me_of("apiinv");
	assert_string_equal(json_string_value(json_object_get(it, "key_fingerprint")),
	                    json_string_value(json_object_get(me, "key_fingerprint")));
	json_decref(me);
	json_decref(it);

	struct response r;
	http_get_as(&srv, tok("root1"), "/api/v1/staff/users/pending", &r);
	assert_status(&r, 200);
	assert_non_null(json_object_get(r.json, "total"));
	assert_non_null(json_object_get(r.json, "page"));
	assert_non_null(json_object_get(r.json, "per_page"));
	response_free(&r);
	/* supervisors only */
	static const char *const others[] = { "admin1", "inv1" };
	for (size_t i = 0; i < 2; i++) {
		http_get_as(&srv, tok(others[i]), "/api/v1/staff/users/pending", &r);
		expect_error(&r, 403, "forbidden", NULL);
		response_free(&r);
	}
}

static void test_confirm_refused_cases(void **state)
{
	(void)state;
	struct response r;
	/* by an admin, an investigator, a leader-to-be, an unconfirmed supervisor */
	static const char *const who[] = { "admin1", "inv1", "sup2" };
	for (size_t i = 0; i < 3; i++) {
		confirm_as(who[i], uid("act1"), "confirm", &r);
		expect_error(&r, 403, "forbidden", NULL);
		response_free(&r);
	}
	/* self-confirmation: a pending supervisor, and the trust root */
	confirm_as("sup2", uid("sup2"), "confirm", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	confirm_as("root1", uid("root1"), "confirm", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	/* not pending: confirmed already, an admin, not activated */
	confirm_as("root1", uid("inv1"), "confirm", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);
	confirm_as("root1", uid("admin1"), "confirm", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);
	confirm_as("root1", uid("idle1"), "confirm", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);
	/* unknown id; bad and missing decision */
	confirm_as("root1", "nO5uChUs3rId0000", "confirm", &r);
	expect_error(&r, 404, "not_found", NULL);
	response_free(&r);
	confirm_as("root1", uid("act1"), "maybe", &r);
	expect_error(&r, 400, "invalid_field", "decision");
	response_free(&r);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/users/%s/confirm", uid("act1"));
	call(&srv, "POST", path, tok("root1"), "{}", &r);
	expect_error(&r, 400, "missing_field", "decision");
	response_free(&r);
	/* nothing of that confirmed anyone */
	assert_state("act1", "pending");
	assert_false(meta_recipient(&srv, "Arif Budiman", NULL, NULL));
	assert_state("sup2", "pending");
}

static void test_confirm_and_refuse(void **state)
{
	(void)state;
	struct response r;
	assert_false(meta_recipient(&srv, "Lukman Hakim", NULL, NULL));
	confirm_as("root1", uid("lead1"), "confirm", &r);
	assert_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "username")), "lead1");
	assert_string_equal(json_string_value(json_object_get(r.json, "id")), uid("lead1"));
	assert_string_equal(item_state(r.json), "confirmed");
	assert_true(json_is_true(json_object_get(r.json, "confirmed")));
	response_free(&r);
	json_t *me = me_of("lead1");
	assert_true(json_is_true(json_object_get(me, "confirmed")));
	json_decref(me);
	assert_true(meta_recipient(&srv, "Lukman Hakim", uid("lead1"), NULL));
	assert_false(in_pending("lead1", NULL));
	assert_string_equal(cli_state("lead1"), "confirmed");
	confirm_as("root1", uid("lead1"), "confirm", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);

	confirm_as("root1", uid("ref1"), "refuse", &r);
	assert_status(&r, 200);
	assert_string_equal(item_state(r.json), "refused");
	assert_true(json_is_false(json_object_get(r.json, "confirmed")));
	response_free(&r);
	assert_false(in_pending("ref1", NULL));
	assert_state("ref1", "refused");
	assert_string_equal(cli_state("ref1"), "refused");
	assert_false(meta_recipient(&srv, "Rudi Hartono", NULL, NULL));
	confirm_as("root1", uid("ref1"), "confirm", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);
}

static void test_single_holder_warning(void **state)
{
	(void)state;
	json_t *me = me_of("root1");
	assert_true(has_warning(me, "single_org_key_holder"));
	json_decref(me);
	struct response r;
	confirm_as("root1", uid("sup2"), "confirm", &r);
	assert_status(&r, 200);
	assert_string_equal(item_state(r.json), "confirmed");
	response_free(&r);
	me = me_of("root1");
	assert_false(has_warning(me, "single_org_key_holder"));
	json_decref(me);
	me = me_of("sup2");
	assert_true(json_is_true(json_object_get(me, "confirmed")));
	assert_false(has_warning(me, "single_org_key_holder"));
	json_decref(me);
	assert_true(meta_recipient(&srv, "Sri Mulyani", uid("sup2"), NULL));
	/* the new supervisor holds the organisation key: they can confirm */
	confirm_as("sup2", uid("apiinv"), "confirm", &r);
	assert_status(&r, 200);
	assert_string_equal(item_state(r.json), "confirmed");
	response_free(&r);
	assert_true(meta_recipient(&srv, "Putri Ayu", uid("apiinv"), NULL));
}

/* ---- forged rows ---- */

static void test_forged_confirmed_row(void **state)
{
	(void)state;
	/* on the running server */
	db_exec(&srv, "UPDATE users SET confirmed = 1 WHERE username = 'forge1'");
	assert_false(meta_recipient(&srv, "Fajar Nugroho", NULL, NULL));

	/* an instance whose only reader is forged, written before `serve` ever ran */
	assert_int_equal(server_prepare(&fsrv), 0);
	char fa[160], fi[160], *out = NULL;
	assert_int_equal(server_write_file(&fsrv, "pw-a", PW_FADMIN, fa, sizeof fa), 0);
	assert_int_equal(server_write_file(&fsrv, "pw-i", PW_FINV, fi, sizeof fi), 0);
	assert_int_equal(peluit_run(&fsrv, NULL, NULL, "user", "add", "--username", "fadmin",
	                            "--role", "admin", "--password-file", fa, NULL), 0);
	assert_int_equal(peluit_run(&fsrv, &out, NULL, "user", "add", "--username", "finv", "--role",
	                            "investigator", "--name", "Forged Reader", "--password-file", fi,
	                            NULL), 0);
	assert_non_null(strstr(out, "pending confirmation"));
	free(out);
	db_exec(&fsrv, "UPDATE users SET confirmed = 1 WHERE username = 'finv'");
	assert_int_equal(server_serve(&fsrv), 0);
	bool accepting = true;
	assert_false(meta_recipient(&fsrv, "Forged Reader", NULL, &accepting));
	assert_false(accepting);
	assert_int_equal(meta_recipient_count(&fsrv), 0);
	/* the forged reader signs in as what they are: not confirmed */
	struct acct finv = ACCT("finv", "investigator", "Forged Reader", PW_FINV);
	char *t = login_on(&fsrv, &finv, NULL);
	json_t *me;
	assert_int_equal(get_me_on(&fsrv, t, &me), 200);
	assert_true(json_is_false(json_object_get(me, "confirmed")));
	json_decref(me);
	free(t);
}

/* ---- login ---- */

static void test_login_failures_one_message(void **state)
{
	(void)state;
	struct response r;
	patch_user("admin1", uid("gone1"), "{\"disabled\":true}", &r);
	assert_status(&r, 200);
	response_free(&r);
	struct {
		const char *user, *pw;
	} cases[] = {
		{ "nobody-here", PW_WRONG },   /* unknown user */
		{ "inv1", PW_WRONG },          /* wrong password */
		{ "gone1", PW_GONE1 },         /* disabled, right password */
		{ "idle1", "Idle1-anything-at-all-1" }, /* never activated */
		{ "badinv1", PW_BAD_INV },     /* failed at creation, if it exists */
	};
	char *first = NULL;
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		login_raw(&srv, cases[i].user, cases[i].pw, NULL, &r);
		print_message("%s\n", cases[i].user);
		const char *m = expect_error(&r, 401, "unauthenticated", NULL);
		assert_null(json_object_get(r.json, "token"));
		if (!first)
			first = strdup(m);
		else
			assert_string_equal(m, first);
		/* no session cookie either */
		const char *sc;
		for (size_t n = 0; (sc = response_header_n(&r, "Set-Cookie", n)) != NULL; n++)
			assert_true(strncmp(sc, "peluit_staff=", 13) != 0 || sc[13] == ';' || !sc[13]);
		response_free(&r);
	}
	free(first);
}

static void test_login_throttle(void **state)
{
	(void)state;
	struct response r;
	for (int i = 0; i < 5; i++) {
		login_raw(&srv, "thr1", PW_WRONG, NULL, &r);
		expect_error(&r, 401, "unauthenticated", NULL);
		response_free(&r);
	}
	/* the sixth attempt is refused even with the right password */
	login_raw(&srv, "thr1", PW_THR, NULL, &r);
	expect_error(&r, 429, "rate_limited", NULL);
	const char *ra = response_header(&r, "Retry-After");
	assert_non_null(ra);
	long wait = strtol(ra, NULL, 10);
	print_message("Retry-After: %s\n", ra);
	assert_true(wait >= 1 && wait <= 2);
	response_free(&r);
	/* another username is not throttled */
	char *t = login_on(&srv, A("apiadm"), NULL);
	free(t);

	sleep_s((double)wait + 0.3);
	double t0 = now_seconds();
	login_raw(&srv, "thr1", PW_WRONG, NULL, &r); /* allowed again, and fails */
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	login_raw(&srv, "thr1", PW_THR, NULL, &r); /* the wait doubled: 4 s from that failure */
	double elapsed = now_seconds() - t0;
	expect_error(&r, 429, "rate_limited", NULL);
	ra = response_header(&r, "Retry-After");
	assert_non_null(ra);
	wait = strtol(ra, NULL, 10);
	print_message("Retry-After: %s, %.2f s after the failure began\n", ra, elapsed);
	/* whole seconds: allow one for rounding */
	assert_true(wait >= 1 && wait <= 4);
	assert_true((double)wait + elapsed >= 3.0);
	response_free(&r);

	sleep_s((double)wait + 0.3);
	t = login_on(&srv, A("thr1"), NULL);
	free(t);
	/* a success resets the count */
	for (int i = 0; i < 2; i++) {
		login_raw(&srv, "thr1", PW_WRONG, NULL, &r);
		expect_error(&r, 401, "unauthenticated", NULL);
		response_free(&r);
	}
	t = login_on(&srv, A("thr1"), NULL);
	free(t);
}

/* ---- TOTP ---- */

static void test_totp_enrol_and_login(void **state)
{
	(void)state;
	struct acct *a = A("tot1");
	const char *t = tok("tot1");
	struct response r;
	/* nothing begun, nothing enabled */
	call(&srv, "POST", "/api/v1/staff/me/totp/confirm", t, "{\"code\":\"123456\"}", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);
	call(&srv, "DELETE", "/api/v1/staff/me/totp", t, "{\"code\":\"123456\"}", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);

	call(&srv, "POST", "/api/v1/staff/me/totp", t, "{}", &r);
	assert_status(&r, 200);
	const char *secret = json_string_value(json_object_get(r.json, "secret"));
	const char *uri = json_string_value(json_object_get(r.json, "uri"));
	const char *svg = json_string_value(json_object_get(r.json, "qr_svg"));
	assert_non_null(secret);
	assert_non_null(uri);
	assert_non_null(svg);
	assert_true(strlen(secret) >= 16);
	assert_int_equal(strspn(secret, REC_ALPHABET), strlen(secret)); /* base32, no padding */
	unsigned char raw[128];
	assert_true(base32_decode(secret, raw, sizeof raw) >= 10);
	assert_int_equal(strncmp(uri, "otpauth://totp/", 15), 0);
	char want[160];
	snprintf(want, sizeof want, "secret=%s", secret);
	assert_non_null(strstr(uri, want));
	assert_non_null(strchr(uri, '?'));
	assert_non_null(strstr(uri, "issuer="));
	assert_int_equal(strncmp(svg, "<svg", 4), 0);
	char sec[128];
	snprintf(sec, sizeof sec, "%s", secret);
	response_free(&r);
	/* an empty body begins it too */
	call(&srv, "POST", "/api/v1/staff/me/totp", t, NULL, &r);
	assert_status(&r, 200);
	snprintf(sec, sizeof sec, "%s", json_string_value(json_object_get(r.json, "secret")));
	response_free(&r);

	long long now = totp_time();
	char code[7], bad[7];
	wrong_code(sec, now, bad);
	char *b = J("{s:s}", "code", bad);
	call(&srv, "POST", "/api/v1/staff/me/totp/confirm", t, b, &r);
	free(b);
	expect_error(&r, 400, "invalid_field", "code");
	response_free(&r);
	json_t *me = me_of("tot1");
	assert_true(json_is_false(json_object_get(me, "totp_enabled")));
	json_decref(me);
	totp_at(sec, now, code);
	b = J("{s:s}", "code", code);
	call(&srv, "POST", "/api/v1/staff/me/totp/confirm", t, b, &r);
	free(b);
	assert_status(&r, 204);
	response_free(&r);
	snprintf(a->totp, sizeof a->totp, "%s", sec);
	snprintf(seen_totp[n_seen_totp++], sizeof seen_totp[0], "%s", sec);
	me = me_of("tot1");
	assert_true(json_is_true(json_object_get(me, "totp_enabled")));
	json_decref(me);
	json_t *it = user_item("tot1");
	assert_true(json_is_true(json_object_get(it, "totp_enabled")));
	json_decref(it);
	/* already enabled */
	call(&srv, "POST", "/api/v1/staff/me/totp", t, "{}", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);

	/* login: wrong password says nothing about TOTP; then missing, wrong, too old, one step old */
	login_raw(&srv, "tot1", PW_WRONG, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	login_raw(&srv, "tot1", PW_TOT1, NULL, &r);
	expect_error(&r, 401, "totp_required", NULL);
	assert_null(json_object_get(r.json, "token"));
	response_free(&r);
	now = totp_time();
	wrong_code(sec, now, bad);
	login_raw(&srv, "tot1", PW_TOT1, bad, &r);
	expect_error(&r, 401, "totp_invalid", NULL);
	response_free(&r);
	totp_at(sec, now - 120, code);
	login_raw(&srv, "tot1", PW_TOT1, code, &r);
	expect_error(&r, 401, "totp_invalid", NULL);
	response_free(&r);
	now = totp_time();
	totp_at(sec, now - 30, code);
	login_raw(&srv, "tot1", PW_TOT1, code, &r);
	assert_status(&r, 200);
	assert_me(json_object_get(r.json, "user"), a);
	assert_true(json_is_true(json_object_get(json_object_get(r.json, "user"), "totp_enabled")));
	response_free(&r);

	/* turning it off needs a right code */
	now = totp_time();
	wrong_code(sec, now, bad);
	b = J("{s:s}", "code", bad);
	call(&srv, "DELETE", "/api/v1/staff/me/totp", t, b, &r);
	free(b);
	expect_error(&r, 400, "invalid_field", "code");
	response_free(&r);
	me = me_of("tot1");
	assert_true(json_is_true(json_object_get(me, "totp_enabled")));
	json_decref(me);
}

/* ---- recovery and password change ---- */

static void recover_raw(const char *user, const char *key, const char *pw, const char *totp,
                        struct response *r)
{
	char *b = totp ? J("{s:s, s:s, s:s, s:s}", "username", user, "recovery_key", key, "password",
	                   pw, "totp", totp)
	               : J("{s:s, s:s, s:s}", "username", user, "recovery_key", key, "password", pw);
	call(&srv, "POST", "/api/v1/staff/recover", NULL, b, r);
	free(b);
}

static void test_recover(void **state)
{
	(void)state;
	struct acct *a = A("apiinv");
	const char *old_token = tok("apiinv");
	json_t *me = me_of("apiinv");
	char fp[256];
	snprintf(fp, sizeof fp, "%s", json_string_value(json_object_get(me, "key_fingerprint")));
	json_decref(me);
	struct response r;
	recover_raw("apiinv", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", PW_APIINV_NEW, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	recover_raw("inv1", a->recovery, PW_APIINV_NEW, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	recover_raw("apiinv", a->recovery, "password1234", NULL, &r);
	expect_error(&r, 400, "invalid_field", "password");
	response_free(&r);
	assert_int_equal(get_me_on(&srv, old_token, NULL), 200);

	recover_raw("apiinv", a->recovery, PW_APIINV_NEW, NULL, &r);
	assert_status(&r, 204);
	response_free(&r);
	/* every session ended; the old password is gone; the key pair stayed */
	assert_int_equal(get_me_on(&srv, old_token, NULL), 401);
	forget_token("apiinv");
	login_raw(&srv, "apiinv", PW_APIINV, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	a->password = PW_APIINV_NEW;
	me = me_of("apiinv");
	assert_string_equal(json_string_value(json_object_get(me, "key_fingerprint")), fp);
	assert_true(json_is_true(json_object_get(me, "confirmed")));
	json_decref(me);

	/* with TOTP on, recovery asks for the code, and keeps the second factor */
	struct acct *t = A("tot1");
	const char *tt = tok("tot1");
	recover_raw("tot1", t->recovery, PW_TOT1_NEW, NULL, &r);
	expect_error(&r, 401, "totp_required", NULL);
	response_free(&r);
	char code[7], bad[7];
	long long now = totp_time();
	wrong_code(t->totp, now, bad);
	recover_raw("tot1", t->recovery, PW_TOT1_NEW, bad, &r);
	expect_error(&r, 401, "totp_invalid", NULL);
	response_free(&r);
	assert_int_equal(get_me_on(&srv, tt, NULL), 200);
	totp_at(t->totp, now, code);
	recover_raw("tot1", t->recovery, PW_TOT1_NEW, code, &r);
	assert_status(&r, 204);
	response_free(&r);
	assert_int_equal(get_me_on(&srv, tt, NULL), 401);
	forget_token("tot1");
	t->password = PW_TOT1_NEW;
	login_raw(&srv, "tot1", PW_TOT1_NEW, NULL, &r);
	expect_error(&r, 401, "totp_required", NULL);
	response_free(&r);
	me = me_of("tot1"); /* signs in with a code */
	assert_true(json_is_true(json_object_get(me, "totp_enabled")));
	json_decref(me);

	/* and now TOTP off, with a right code */
	now = totp_time();
	totp_at(t->totp, now, code);
	char *b = J("{s:s}", "code", code);
	call(&srv, "DELETE", "/api/v1/staff/me/totp", tok("tot1"), b, &r);
	free(b);
	assert_status(&r, 204);
	response_free(&r);
	t->totp[0] = '\0';
	me = me_of("tot1");
	assert_true(json_is_false(json_object_get(me, "totp_enabled")));
	json_decref(me);
	char *tk = login_on(&srv, t, NULL);
	free(tk);
}

/* /staff/recover is throttled like /staff/login, and its 429 says when to try again. */
static void test_recover_throttle(void **state)
{
	(void)state;
	struct response r;
	for (int i = 0; i < 5; i++) {
		recover_raw("rec-nobody", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", PW_APIINV_3, NULL,
		            &r);
		expect_error(&r, 401, "unauthenticated", NULL);
		response_free(&r);
	}
	recover_raw("rec-nobody", "AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH", PW_APIINV_3, NULL, &r);
	expect_error(&r, 429, "rate_limited", NULL);
	const char *ra = response_header(&r, "Retry-After");
	assert_non_null(ra);
	print_message("Retry-After: %s\n", ra);
	long wait = strtol(ra, NULL, 10);
	assert_true(wait >= 1 && wait <= 900);
	response_free(&r);
}

static void test_password_change(void **state)
{
	(void)state;
	struct acct *a = A("lead1");
	const char *t1 = tok("lead1");
	char *t2 = login_on(&srv, a, NULL);
	struct response r;
	char *b = J("{s:s, s:s}", "old", PW_WRONG, "new", PW_LEAD1_NEW);
	call(&srv, "POST", "/api/v1/staff/me/password", t2, b, &r);
	free(b);
	expect_error(&r, 400, "invalid_field", "old");
	response_free(&r);
	static const char *const weak[] = { "password1234", "lead1", "Short-pw-1" };
	for (size_t i = 0; i < 3; i++) {
		b = J("{s:s, s:s}", "old", PW_LEAD1, "new", weak[i]);
		call(&srv, "POST", "/api/v1/staff/me/password", t2, b, &r);
		free(b);
		expect_error(&r, 400, "invalid_field", "new");
		response_free(&r);
	}
	call(&srv, "POST", "/api/v1/staff/me/password", t2, "{\"old\":\"" PW_LEAD1 "\"}", &r);
	expect_error(&r, 400, "missing_field", "new");
	response_free(&r);
	b = J("{s:s, s:s}", "old", PW_LEAD1, "new", PW_LEAD1_NEW);
	call(&srv, "POST", "/api/v1/staff/me/password", t2, b, &r);
	free(b);
	assert_status(&r, 204);
	response_free(&r);
	/* other sessions stay */
	assert_int_equal(get_me_on(&srv, t1, NULL), 200);
	assert_int_equal(get_me_on(&srv, t2, NULL), 200);
	login_raw(&srv, "lead1", PW_LEAD1, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	a->password = PW_LEAD1_NEW;
	char *t3 = login_on(&srv, a, NULL);
	free(t3);
	free(t2);
}

/* ---- sessions ---- */

static void test_csrf_with_cookie(void **state)
{
	(void)state;
	char *csrf = NULL;
	char *t = login_on(&srv, A("admin1"), &csrf);
	char cookie[512], hdr[300];
	snprintf(cookie, sizeof cookie, "Cookie: peluit_staff=%s", t);
	snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", csrf);
	struct response r;
	const char *body = "{\"username\":\"csrf1\",\"name\":\"Csrf Satu\",\"role\":\"leader\"}";
	/* a GET by cookie needs no token */
	call_h(&srv, "GET", "/api/v1/staff/users", NULL, NULL, cookie, NULL, &r);
	assert_status(&r, 200);
	response_free(&r);
	/* a state change by cookie does */
	call_h(&srv, "POST", "/api/v1/staff/users", NULL, body, cookie, NULL, &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	call_h(&srv, "POST", "/api/v1/staff/users", NULL, body, cookie,
	       "X-CSRF-Token: 0123456789abcdef0123456789abcdef", &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	char path[256];
	snprintf(path, sizeof path, "/api/v1/staff/users/%s", uid("idle1"));
	call_h(&srv, "PATCH", path, NULL, "{\"disabled\":true}", cookie, NULL, &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	call_h(&srv, "PATCH", "/api/v1/staff/settings", NULL, "{\"instance_name\":\"Csrf\"}", cookie,
	       NULL, &r);
	expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	assert_null(user_item("csrf1"));
	assert_state("idle1", "activation");
	/* another session's CSRF value is no good either */
	tok("admin1");
	snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", A("admin1")->csrf);
	call_h(&srv, "POST", "/api/v1/staff/users", NULL, body, cookie, hdr, &r);
	if (strcmp(A("admin1")->csrf, csrf) != 0)
		expect_error(&r, 403, "csrf", NULL);
	response_free(&r);
	snprintf(hdr, sizeof hdr, "X-CSRF-Token: %s", csrf);
	call_h(&srv, "POST", "/api/v1/staff/users", NULL, body, cookie, hdr, &r);
	assert_status(&r, 201);
	response_free(&r);
	/* a bearer token needs none */
	call(&srv, "POST", "/api/v1/staff/users", t,
	     "{\"username\":\"csrf2\",\"name\":\"Csrf Dua\",\"role\":\"leader\"}", &r);
	assert_status(&r, 201);
	response_free(&r);
	free(t);
	free(csrf);
}

static void test_sessions_expired_and_foreign(void **state)
{
	(void)state;
	/* an idle session (aged in the database) ends */
	const char *t = tok("act1");
	assert_int_equal(get_me_on(&srv, t, NULL), 200);
	db_exec(&srv, "UPDATE sessions SET last_seen = last_seen - 3600 WHERE user_id = "
	              "(SELECT id FROM users WHERE username = 'act1')");
	struct response r;
	http_get_as(&srv, t, "/api/v1/staff/me?lang=en", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	/* the staff message, not the reporter's */
	assert_string_equal(json_string_value(json_object_get(json_object_get(r.json, "error"),
	                                                      "message")),
	                    "Wrong username or password, or the session has ended.");
	response_free(&r);
	forget_token("act1");
	assert_int_equal(get_me_on(&srv, tok("act1"), NULL), 200);
	/* other users' sessions were not touched */
	assert_int_equal(get_me_on(&srv, tok("root1"), NULL), 200);

	/* a session of another instance means nothing here */
	assert_true(fsrv.pid > 0);
	struct acct fadmin = ACCT("fadmin", "admin", "fadmin", PW_FADMIN);
	char *ft = login_on(&fsrv, &fadmin, NULL);
	assert_int_equal(get_me_on(&fsrv, ft, NULL), 200);
	http_get_as(&srv, ft, "/api/v1/staff/me", &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	free(ft);
	/* nor a reporter's cookie name */
	char cookie[512];
	snprintf(cookie, sizeof cookie, "Cookie: peluit_reporter=%s", tok("root1"));
	call_h(&srv, "GET", "/api/v1/staff/me", NULL, NULL, cookie, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
}

static void test_two_processes_share_sessions(void **state)
{
	(void)state;
	assert_int_equal(server_start_second(&srv2, &srv), 0);
	/* signed in on one, used on the other, both ways */
	char *t1 = login_on(&srv, A("inv1"), NULL);
	json_t *me1, *me2;
	assert_int_equal(get_me_on(&srv2, t1, &me2), 200);
	assert_int_equal(get_me_on(&srv, t1, &me1), 200);
	assert_string_equal(json_string_value(json_object_get(me1, "id")),
	                    json_string_value(json_object_get(me2, "id")));
	assert_string_equal(json_string_value(json_object_get(me2, "username")), "inv1");
	json_decref(me1);
	json_decref(me2);
	char *t2 = login_on(&srv2, A("inv1"), NULL);
	assert_int_equal(get_me_on(&srv, t2, NULL), 200);
	/* logout on the second ends it on the first */
	struct response r;
	call(&srv2, "POST", "/api/v1/staff/logout", t2, NULL, &r);
	assert_status(&r, 204);
	response_free(&r);
	assert_int_equal(get_me_on(&srv, t2, NULL), 401);
	assert_int_equal(get_me_on(&srv2, t2, NULL), 401);
	assert_int_equal(get_me_on(&srv2, t1, NULL), 200);
	/* an expired session ends on both */
	char *t3 = login_on(&srv2, A("thr1"), NULL);
	assert_int_equal(get_me_on(&srv, t3, NULL), 200);
	db_exec(&srv, "UPDATE sessions SET last_seen = last_seen - 3600 WHERE user_id = "
	              "(SELECT id FROM users WHERE username = 'thr1')");
	assert_int_equal(get_me_on(&srv2, t3, NULL), 401);
	assert_int_equal(get_me_on(&srv, t3, NULL), 401);
	free(t1);
	free(t2);
	free(t3);
}

/* ---- disabling, enabling, resetting ---- */

static void test_admin_cannot_touch_self(void **state)
{
	(void)state;
	struct response r;
	patch_user("admin1", uid("admin1"), "{\"disabled\":true}", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);
	patch_user("admin1", uid("admin1"), "{\"reset\":true}", &r);
	expect_error(&r, 409, "conflict", NULL);
	response_free(&r);
	assert_int_equal(get_me_on(&srv, tok("admin1"), NULL), 200);
	patch_user("admin1", "nO5uChUs3rId0000", "{\"disabled\":true}", &r);
	expect_error(&r, 404, "not_found", NULL);
	response_free(&r);
	patch_user("root1", uid("lead1"), "{\"disabled\":true}", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	patch_user("inv1", uid("lead1"), "{\"reset\":true}", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	assert_state("lead1", "confirmed");
}

static void test_disable_and_enable(void **state)
{
	(void)state;
	/* inv1 has sessions on both servers */
	const char *t1 = tok("inv1");
	assert_true(srv2.pid > 0);
	char *t2 = login_on(&srv2, A("inv1"), NULL);
	json_int_t before = audit_count("user.disabled", "inv1");
	struct response r;
	patch_user("admin1", uid("inv1"), "{\"disabled\":true}", &r);
	assert_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "username")), "inv1");
	assert_true(json_is_true(json_object_get(r.json, "disabled")));
	assert_string_equal(item_state(r.json), "disabled");
	response_free(&r);
	assert_int_equal(get_me_on(&srv, t1, NULL), 401);
	assert_int_equal(get_me_on(&srv2, t2, NULL), 401);
	forget_token("inv1");
	free(t2);
	login_raw(&srv, "inv1", PW_INV1, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	assert_false(meta_recipient(&srv, "Indah Permata", NULL, NULL));
	assert_false(in_pending("inv1", NULL));
	assert_string_equal(cli_state("inv1"), "disabled");
	assert_int_equal(audit_count("user.disabled", "inv1"), before + 1);

	/* enabled again: pending, not a reader until a supervisor confirms */
	patch_user("admin1", uid("inv1"), "{\"disabled\":false}", &r);
	assert_status(&r, 200);
	assert_true(json_is_false(json_object_get(r.json, "disabled")));
	assert_true(json_is_false(json_object_get(r.json, "confirmed")));
	assert_string_equal(item_state(r.json), "pending");
	response_free(&r);
	assert_true(in_pending("inv1", NULL));
	assert_false(meta_recipient(&srv, "Indah Permata", NULL, NULL));
	json_t *me = me_of("inv1");
	assert_true(json_is_false(json_object_get(me, "confirmed")));
	json_decref(me);
	assert_string_equal(cli_state("inv1"), "pending");
	confirm_as("root1", uid("inv1"), "confirm", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_true(meta_recipient(&srv, "Indah Permata", uid("inv1"), NULL));
}

static void test_disable_supervisor_rotates_org_key(void **state)
{
	(void)state;
	json_int_t before = audit_count("org_key.rotated", NULL);
	const char *t = tok("sup2");
	json_t *me = me_of("root1");
	assert_false(has_warning(me, "single_org_key_holder"));
	json_decref(me);
	struct response r;
	/* disabling a non-supervisor rotates nothing */
	patch_user("admin1", uid("act1"), "{\"disabled\":true}", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_int_equal(audit_count("org_key.rotated", NULL), before);

	patch_user("admin1", uid("sup2"), "{\"disabled\":true}", &r);
	assert_status(&r, 200);
	assert_string_equal(item_state(r.json), "disabled");
	response_free(&r);
	assert_int_equal(get_me_on(&srv, t, NULL), 401);
	forget_token("sup2");
	forget_token("act1");
	assert_int_equal(audit_count("org_key.rotated", NULL), before + 1);
	assert_false(meta_recipient(&srv, "Sri Mulyani", NULL, NULL));
	/* root1 is the only holder again */
	me = me_of("root1");
	assert_true(has_warning(me, "single_org_key_holder"));
	json_decref(me);
	/* the remaining holder can still confirm */
	patch_user("admin1", uid("act1"), "{\"disabled\":false}", &r);
	assert_status(&r, 200);
	response_free(&r);
	confirm_as("root1", uid("act1"), "confirm", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_true(meta_recipient(&srv, "Arif Budiman", uid("act1"), NULL));
}

static void test_reset(void **state)
{
	(void)state;
	struct acct *a = A("apiinv");
	const char *t = tok("apiinv");
	json_t *me = me_of("apiinv");
	char fp[256];
	snprintf(fp, sizeof fp, "%s", json_string_value(json_object_get(me, "key_fingerprint")));
	json_decref(me);
	char old_recovery[80];
	snprintf(old_recovery, sizeof old_recovery, "%s", a->recovery);

	struct response r;
	patch_user("admin1", uid("apiinv"), "{\"reset\":true}", &r);
	assert_status(&r, 200);
	const char *code = json_string_value(json_object_get(r.json, "activation_code"));
	assert_true(is_activation_code(code));
	snprintf(a->activation, sizeof a->activation, "%s", code);
	response_free(&r);
	assert_int_equal(get_me_on(&srv, t, NULL), 401);
	forget_token("apiinv");
	assert_state("apiinv", "activation");
	json_t *it = user_item("apiinv");
	assert_true(json_is_null(json_object_get(it, "key_fingerprint")));
	json_decref(it);
	assert_false(meta_recipient(&srv, "Putri Ayu", NULL, NULL));
	login_raw(&srv, "apiinv", PW_APIINV_NEW, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
	/* the old recovery key opened keys that are gone */
	recover_raw("apiinv", old_recovery, PW_APIINV_3, NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);

	activate_ok(a, a->activation, PW_APIINV_3);
	me = me_of("apiinv");
	const char *nfp = json_string_value(json_object_get(me, "key_fingerprint"));
	assert_true(is_fingerprint(nfp));
	assert_string_not_equal(nfp, fp);
	assert_true(json_is_false(json_object_get(me, "confirmed")));
	json_decref(me);
	assert_state("apiinv", "pending");
	assert_true(in_pending("apiinv", NULL));
	assert_false(meta_recipient(&srv, "Putri Ayu", NULL, NULL));
}

/* ---- settings ---- */

static void settings_patch(const char *as, const char *body, struct response *r)
{
	call(&srv, "PATCH", "/api/v1/staff/settings", tok(as), body, r);
}

static void test_settings_read(void **state)
{
	(void)state;
	struct response r;
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/settings", &r);
	assert_status(&r, 200);
	json_t *s = r.json;
	if (json_object_size(s) != 7)
		print_error("settings: %.600s\n", r.body);
	assert_int_equal(json_object_size(s), 7);
	const char *name = json_string_value(json_object_get(s, "instance_name"));
	assert_non_null(name);
	assert_true(strlen(name) > 0);
	json_t *lim = json_object_get(s, "limits");
	assert_int_equal(json_object_size(lim), 3);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_files")), 10);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_file_bytes")), 104857600);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_message_chars")), 20000);
	assert_true(json_is_false(json_object_get(s, "require_totp_admin")));
	assert_true(json_is_integer(json_object_get(s, "ack_days")));
	assert_int_equal(json_integer_value(json_object_get(s, "ack_days")), 7);
	assert_int_equal(json_integer_value(json_object_get(s, "resolve_days")), 90);
	assert_true(json_is_true(json_object_get(s, "exclusion_enabled")));
	assert_true(json_is_false(json_object_get(s, "require_totp_staff")));
	char *admin_view = json_dumps(s, JSON_SORT_KEYS | JSON_COMPACT);
	response_free(&r);
	http_get_as(&srv, tok("root1"), "/api/v1/staff/settings", &r);
	assert_status(&r, 200);
	char *sup_view = json_dumps(r.json, JSON_SORT_KEYS | JSON_COMPACT);
	assert_string_equal(admin_view, sup_view);
	free(admin_view);
	free(sup_view);
	response_free(&r);
	static const char *const others[] = { "inv1", "lead1" };
	for (size_t i = 0; i < 2; i++) {
		http_get_as(&srv, tok(others[i]), "/api/v1/staff/settings", &r);
		expect_error(&r, 403, "forbidden", NULL);
		response_free(&r);
		call(&srv, "PATCH", "/api/v1/staff/settings", tok(others[i]), "{\"ack_days\":8}", &r);
		expect_error(&r, 403, "forbidden", NULL);
		response_free(&r);
	}
	http_get(&srv, "/api/v1/staff/settings", NULL, &r);
	expect_error(&r, 401, "unauthenticated", NULL);
	response_free(&r);
}

static void test_settings_owners_and_values(void **state)
{
	(void)state;
	json_int_t changes = audit_count("settings.changed", NULL);
	struct response r;
	/* a field owned by the other role */
	static const char *const sup_owned[][2] = {
		{ "{\"ack_days\":5}", "ack_days" },
		{ "{\"resolve_days\":60}", "resolve_days" },
		{ "{\"exclusion_enabled\":false}", "exclusion_enabled" },
		{ "{\"require_totp_staff\":true}", "require_totp_staff" },
		{ "{\"instance_name\":\"Mixed\",\"ack_days\":5}", "ack_days" },
	};
	for (size_t i = 0; i < sizeof sup_owned / sizeof *sup_owned; i++) {
		settings_patch("admin1", sup_owned[i][0], &r);
		expect_error(&r, 403, "forbidden", sup_owned[i][1]);
		response_free(&r);
	}
	static const char *const admin_owned[][2] = {
		{ "{\"instance_name\":\"Mine\"}", "instance_name" },
		{ "{\"limits\":{\"max_files\":3,\"max_file_bytes\":1000,\"max_message_chars\":100}}",
		  "limits" },
		{ "{\"require_totp_admin\":true}", "require_totp_admin" },
	};
	for (size_t i = 0; i < sizeof admin_owned / sizeof *admin_owned; i++) {
		settings_patch("root1", admin_owned[i][0], &r);
		expect_error(&r, 403, "forbidden", admin_owned[i][1]);
		response_free(&r);
	}
	/* bad values */
	char long_name[260];
	memset(long_name, 'n', 201);
	long_name[201] = '\0';
	char *long_body = J("{s:s}", "instance_name", long_name);
	struct {
		const char *as, *body, *field;
	} bad[] = {
		{ "root1", "{\"ack_days\":0}", "ack_days" },
		{ "root1", "{\"ack_days\":366}", "ack_days" },
		{ "root1", "{\"ack_days\":\"7\"}", "ack_days" },
		{ "root1", "{\"resolve_days\":6}", "resolve_days" },
		{ "root1", "{\"resolve_days\":3651}", "resolve_days" },
		{ "root1", "{\"ack_days\":30,\"resolve_days\":29}", "resolve_days" },
		{ "root1", "{\"exclusion_enabled\":\"no\"}", "exclusion_enabled" },
		{ "root1", "{\"require_totp_staff\":1}", "require_totp_staff" },
		{ "admin1", "{\"instance_name\":\"\"}", "instance_name" },
		{ "admin1", long_body, "instance_name" },
		{ "admin1", "{\"require_totp_admin\":\"yes\"}", "require_totp_admin" },
		{ "admin1", "{\"limits\":{\"max_files\":101,\"max_file_bytes\":1000,"
		            "\"max_message_chars\":100}}", NULL },
		{ "admin1", "{\"limits\":{\"max_files\":-1,\"max_file_bytes\":1000,"
		            "\"max_message_chars\":100}}", NULL },
		{ "admin1", "{\"limits\":{\"max_files\":3,\"max_file_bytes\":0,"
		            "\"max_message_chars\":100}}", NULL },
		{ "admin1", "{\"limits\":{\"max_files\":3,\"max_file_bytes\":1073741825,"
		            "\"max_message_chars\":100}}", NULL },
		{ "admin1", "{\"limits\":{\"max_files\":3,\"max_file_bytes\":1000,"
		            "\"max_message_chars\":19}}", NULL },
		{ "admin1", "{\"limits\":{\"max_files\":3,\"max_file_bytes\":1000,"
		            "\"max_message_chars\":100001}}", NULL },
		/* lengths count after trimming (API.md): blank is empty */
		{ "admin1", "{\"instance_name\":\"   \"}", "instance_name" },
	};
	static const char *const limit_fields[] = { "max_files", "max_files", "max_file_bytes",
	                                            "max_file_bytes", "max_message_chars",
	                                            "max_message_chars" };
	size_t li = 0;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		settings_patch(bad[i].as, bad[i].body, &r);
		print_message("%s\n", bad[i].body);
		expect_error(&r, 400, "invalid_field", bad[i].field);
		if (!bad[i].field) { /* "max_files" or "limits.max_files": name the sub-field */
			const char *f = error_field(&r);
			assert_non_null(f);
			assert_non_null(strstr(f, limit_fields[li]));
			li++;
		}
		response_free(&r);
	}
	free(long_body);
	/* nothing refused changed anything */
	assert_int_equal(audit_count("settings.changed", NULL), changes);
	http_get_as(&srv, tok("root1"), "/api/v1/staff/settings", &r);
	assert_int_equal(json_integer_value(json_object_get(r.json, "ack_days")), 7);
	assert_int_equal(json_integer_value(json_object_get(r.json, "resolve_days")), 90);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "limits"),
	                                                    "max_files")), 10);
	response_free(&r);
}

static void test_settings_changes_show(void **state)
{
	(void)state;
	json_int_t changes = audit_count("settings.changed", NULL);
	struct response r;
	/* admin: the name in page titles, limits in meta, at once */
	settings_patch("admin1", "{\"instance_name\":\"WBS Kota Uji\"}", &r);
	assert_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "instance_name")), "WBS Kota Uji");
	assert_int_equal(json_integer_value(json_object_get(r.json, "ack_days")), 7);
	response_free(&r);
	http_get(&srv, "/", NULL, &r);
	assert_status(&r, 200);
	const char *ts = strstr(r.body, "<title>"), *te = ts ? strstr(ts, "</title>") : NULL;
	assert_non_null(te);
	char *title = strndup(ts, (size_t)(te - ts));
	if (!strstr(title, "WBS Kota Uji"))
		print_error("title: %s\n", title);
	assert_non_null(strstr(title, "WBS Kota Uji"));
	free(title);
	response_free(&r);
	settings_patch("admin1", "{\"limits\":{\"max_files\":0,\"max_file_bytes\":1048576,"
	                         "\"max_message_chars\":5000}}", &r);
	assert_status(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(r.json, "limits"),
	                                                    "max_files")), 0);
	response_free(&r);
	http_get(&srv, "/api/v1/meta", NULL, &r);
	json_t *lim = json_object_get(r.json, "limits");
	assert_int_equal(json_integer_value(json_object_get(lim, "max_files")), 0);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_file_bytes")), 1048576);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_message_chars")), 5000);
	response_free(&r);
	/* the edges are accepted */
	settings_patch("admin1", "{\"limits\":{\"max_files\":100,\"max_file_bytes\":1073741824,"
	                         "\"max_message_chars\":100000}}", &r);
	assert_status(&r, 200);
	response_free(&r);
	settings_patch("admin1", "{\"limits\":{\"max_files\":10,\"max_file_bytes\":104857600,"
	                         "\"max_message_chars\":20000}}", &r);
	assert_status(&r, 200);
	response_free(&r);

	/* supervisor: deadlines and exclusion */
	settings_patch("root1", "{\"ack_days\":5,\"resolve_days\":60}", &r);
	assert_status(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "ack_days")), 5);
	assert_int_equal(json_integer_value(json_object_get(r.json, "resolve_days")), 60);
	assert_string_equal(json_string_value(json_object_get(r.json, "instance_name")), "WBS Kota Uji");
	response_free(&r);
	settings_patch("root1", "{\"ack_days\":365,\"resolve_days\":3650}", &r);
	assert_status(&r, 200);
	response_free(&r);
	settings_patch("root1", "{\"ack_days\":7,\"resolve_days\":90}", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_true(meta_recipient_count(&srv) > 0);
	settings_patch("root1", "{\"exclusion_enabled\":false}", &r);
	assert_status(&r, 200);
	assert_true(json_is_false(json_object_get(r.json, "exclusion_enabled")));
	response_free(&r);
	bool accepting = false;
	assert_false(meta_recipient(&srv, "Ratna Dewi", NULL, &accepting));
	assert_int_equal(meta_recipient_count(&srv), 0);
	assert_true(accepting);
	settings_patch("root1", "{\"exclusion_enabled\":true}", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_true(meta_recipient(&srv, "Ratna Dewi", uid("root1"), NULL));
	/* the admin sees the supervisor's change */
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/settings", &r);
	assert_true(json_is_true(json_object_get(r.json, "exclusion_enabled")));
	assert_string_equal(json_string_value(json_object_get(r.json, "instance_name")), "WBS Kota Uji");
	response_free(&r);
	assert_true(audit_count("settings.changed", NULL) >= changes + 9);
}

/* The JSON conventions hold for settings too: an unknown member is ignored, a null one counts
 * as absent (even one owned by the other role), and instance_name is trimmed first. */
static void test_settings_json_conventions(void **state)
{
	(void)state;
	struct response r;
	settings_patch("admin1", "{\"instance_name\":\" \\t Kota Trim  \",\"colour\":\"red\","
	                         "\"require_totp_admin\":null,\"ack_days\":null}", &r);
	assert_status(&r, 200);
	assert_string_equal(json_string_value(json_object_get(r.json, "instance_name")), "Kota Trim");
	assert_true(json_is_false(json_object_get(r.json, "require_totp_admin")));
	assert_int_equal(json_integer_value(json_object_get(r.json, "ack_days")), 7);
	assert_null(json_object_get(r.json, "colour"));
	response_free(&r);
	settings_patch("admin1", "{\"limits\":{\"max_files\":null,\"max_message_chars\":5000,"
	                         "\"extra\":1}}", &r);
	assert_status(&r, 200);
	json_t *lim = json_object_get(r.json, "limits");
	assert_int_equal(json_integer_value(json_object_get(lim, "max_files")), 10);
	assert_int_equal(json_integer_value(json_object_get(lim, "max_message_chars")), 5000);
	assert_null(json_object_get(lim, "extra"));
	response_free(&r);
	settings_patch("root1", "{\"instance_name\":null,\"unknown\":[1],\"resolve_days\":91}", &r);
	assert_status(&r, 200);
	assert_int_equal(json_integer_value(json_object_get(r.json, "resolve_days")), 91);
	assert_string_equal(json_string_value(json_object_get(r.json, "instance_name")), "Kota Trim");
	response_free(&r);
	/* spaces only is empty after trimming */
	settings_patch("admin1", "{\"instance_name\":\" \\t \",\"colour\":\"red\"}", &r);
	expect_error(&r, 400, "invalid_field", "instance_name");
	response_free(&r);
	/* back as the later tests expect */
	settings_patch("admin1", "{\"instance_name\":\"WBS Kota Uji\",\"limits\":{\"max_message_chars\":20000}}",
	               &r);
	assert_status(&r, 200);
	response_free(&r);
	settings_patch("root1", "{\"resolve_days\":90}", &r);
	assert_status(&r, 200);
	response_free(&r);
}

/* Enrols TOTP for a signed-in account (with its cached token). */
static void enrol_totp(const char *username)
{
	struct acct *a = A(username);
	struct response r;
	call(&srv, "POST", "/api/v1/staff/me/totp", tok(username), "{}", &r);
	assert_status(&r, 200);
	char sec[128];
	snprintf(sec, sizeof sec, "%s", json_string_value(json_object_get(r.json, "secret")));
	response_free(&r);
	char code[7];
	totp_at(sec, totp_time(), code);
	char *b = J("{s:s}", "code", code);
	call(&srv, "POST", "/api/v1/staff/me/totp/confirm", tok(username), b, &r);
	free(b);
	assert_status(&r, 204);
	response_free(&r);
	snprintf(a->totp, sizeof a->totp, "%s", sec);
	if (n_seen_totp < 8)
		snprintf(seen_totp[n_seen_totp++], sizeof seen_totp[0], "%s", sec);
}

static bool setup_required(const char *username)
{
	json_t *me = me_of(username);
	bool req = json_is_true(json_object_get(me, "totp_setup_required"));
	json_decref(me);
	return req;
}

static void test_require_totp(void **state)
{
	(void)state;
	struct response r;
	/* staff */
	settings_patch("root1", "{\"require_totp_staff\":true}", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_true(setup_required("inv1"));
	assert_true(setup_required("lead1"));
	assert_true(setup_required("root1"));
	assert_false(setup_required("admin1"));
	http_get_as(&srv, tok("root1"), "/api/v1/staff/settings", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	http_get_as(&srv, tok("root1"), "/api/v1/staff/users/pending", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	/* the login answer says so too */
	char *t2 = NULL;
	{
		login_raw(&srv, "inv1", PW_INV1, NULL, &r);
		assert_status(&r, 200);
		assert_true(json_is_true(json_object_get(json_object_get(r.json, "user"),
		                                         "totp_setup_required")));
		t2 = strdup(json_string_value(json_object_get(r.json, "token")));
		response_free(&r);
	}
	/* what stays open: me, password, logout */
	call(&srv, "POST", "/api/v1/staff/me/password", tok("inv1"),
	     "{\"old\":\"" PW_WRONG "\",\"new\":\"Inv1-never-applied-55\"}", &r);
	expect_error(&r, 400, "invalid_field", "old");
	response_free(&r);
	call(&srv, "POST", "/api/v1/staff/logout", t2, NULL, &r);
	assert_status(&r, 204);
	response_free(&r);
	free(t2);
	/* admins are not concerned by the staff setting */
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users", &r);
	assert_status(&r, 200);
	response_free(&r);
	/* enrolling opens the rest */
	enrol_totp("root1");
	assert_false(setup_required("root1"));
	http_get_as(&srv, tok("root1"), "/api/v1/staff/settings", &r);
	assert_status(&r, 200);
	response_free(&r);

	/* admins */
	settings_patch("admin1", "{\"require_totp_admin\":true}", &r);
	assert_status(&r, 200);
	assert_true(json_is_true(json_object_get(r.json, "require_totp_admin")));
	response_free(&r);
	assert_true(setup_required("admin1"));
	assert_true(setup_required("apiadm"));
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	http_get_as(&srv, tok("apiadm"), "/api/v1/staff/settings", &r);
	expect_error(&r, 403, "forbidden", NULL);
	response_free(&r);
	enrol_totp("admin1");
	assert_false(setup_required("admin1"));
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/users", &r);
	assert_status(&r, 200);
	response_free(&r);
	settings_patch("admin1", "{\"require_totp_admin\":false}", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_false(setup_required("apiadm"));
	http_get_as(&srv, tok("apiadm"), "/api/v1/staff/settings", &r);
	assert_status(&r, 200);
	response_free(&r);

	settings_patch("root1", "{\"require_totp_staff\":false}", &r);
	assert_status(&r, 200);
	response_free(&r);
	assert_false(setup_required("inv1"));
	/* root1 signs in with TOTP from now on */
	login_raw(&srv, "root1", PW_ROOT, NULL, &r);
	expect_error(&r, 401, "totp_required", NULL);
	response_free(&r);
}

/* ---- the trail and the data directory ---- */

static void test_audit_actions(void **state)
{
	(void)state;
	static const char *const acts[][2] = {
		{ "staff.login", "root1" },
		{ "staff.login_failed", "thr1" },
		{ "staff.logout", "inv1" },
		{ "user.created", "apiinv" },
		{ "user.created", "root1" },
		{ "user.activated", "act1" },
		{ "user.disabled", "sup2" },
		{ "user.enabled", "inv1" },
		{ "user.reset", "apiinv" },
		{ "user.confirmed", "lead1" },
		{ "user.confirmed", "inv1" },
		{ "user.refused", "ref1" },
		{ "user.password_changed", "lead1" },
		{ "user.recovered", "apiinv" },
		{ "user.recovered", "tot1" },
		{ "user.totp_enabled", "tot1" },
		{ "user.totp_disabled", "tot1" },
		{ "org_key.rotated", NULL },
		{ "settings.changed", NULL },
	};
	for (size_t i = 0; i < sizeof acts / sizeof *acts; i++) {
		json_int_t n = audit_count(acts[i][0], acts[i][1]);
		if (n < 1)
			print_error("no audit entry %s for %s\n", acts[i][0], acts[i][1] ? acts[i][1] : "-");
		assert_true(n >= 1);
	}
	/* no secret in the trail */
	struct response r;
	http_get_as(&srv, tok("admin1"), "/api/v1/staff/audit?per_page=200", &r);
	assert_status(&r, 200);
	for (size_t i = 0; i < sizeof all_passwords / sizeof *all_passwords; i++)
		assert_null(strstr(r.body, all_passwords[i]));
	response_free(&r);
}

struct needle {
	const unsigned char *p;
	size_t len;
	const char *what;
};
static struct needle needles[128];
static size_t n_needles;
static unsigned char raw_secrets[16][128];
static char variants[64][128];
static size_t n_variants;
static int scan_hits;

static void add_needle(const void *p, size_t len, const char *what)
{
	if (n_needles < 128 && len >= 8)
		needles[n_needles++] = (struct needle){ p, len, what };
}

static const char *variant(const char *s, bool lower, bool strip_dashes)
{
	char *v = variants[n_variants++ % 64];
	size_t n = 0;
	for (; *s && n + 1 < 128; s++) {
		if (strip_dashes && *s == '-')
			continue;
		v[n++] = lower && *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
	}
	v[n] = '\0';
	return v;
}

static int scan_file(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return 0;
	size_t cap = (size_t)sb->st_size + 1, len;
	unsigned char *buf = malloc(cap);
	len = fread(buf, 1, cap, f);
	fclose(f);
	for (size_t i = 0; i < n_needles; i++) {
		if (memmem(buf, len, needles[i].p, needles[i].len)) {
			print_error("%s holds %s in plaintext\n", path, needles[i].what);
			scan_hits++;
		}
	}
	free(buf);
	return 0;
}

static void test_no_plaintext_secrets(void **state)
{
	(void)state;
	n_needles = 0;
	n_variants = 0;
	scan_hits = 0;
	for (size_t i = 0; i < sizeof all_passwords / sizeof *all_passwords; i++)
		add_needle(all_passwords[i], strlen(all_passwords[i]), all_passwords[i]);
	assert_true(n_seen_totp >= 1);
	for (size_t i = 0; i < n_seen_totp; i++) {
		const char *up = variant(seen_totp[i], false, false);
		const char *lo = variant(seen_totp[i], true, false);
		add_needle(up, strlen(up), "a TOTP secret (base32)");
		add_needle(lo, strlen(lo), "a TOTP secret (base32, lower case)");
		int n = base32_decode(seen_totp[i], raw_secrets[i], sizeof raw_secrets[i]);
		assert_true(n >= 10);
		add_needle(raw_secrets[i], (size_t)n, "a TOTP secret (raw bytes)");
	}
	assert_true(n_seen_recovery >= 3);
	for (size_t i = 0; i < n_seen_recovery; i++) {
		const char *a = variant(seen_recovery[i], false, false);
		const char *b = variant(seen_recovery[i], false, true);
		const char *c = variant(seen_recovery[i], true, true);
		add_needle(a, strlen(a), "a recovery key");
		add_needle(b, strlen(b), "a recovery key (no dashes)");
		add_needle(c, strlen(c), "a recovery key (lower case)");
	}
	/* sessions of every kind are live: the WAL is part of the directory */
	assert_int_equal(nftw(srv.data, scan_file, 16, FTW_PHYS), 0);
	assert_int_equal(scan_hits, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cli_trust_root),
		cmocka_unit_test(test_trust_root_file_holds_fingerprint),
		cmocka_unit_test(test_cli_confirm_as),
		cmocka_unit_test(test_cli_weak_passwords),
		cmocka_unit_test(test_cli_activation_code),
		cmocka_unit_test(test_meta_recipients_only_confirmed),
		cmocka_unit_test(test_users_list),
		cmocka_unit_test(test_users_create),
		cmocka_unit_test(test_activate),
		cmocka_unit_test(test_pending_queue),
		cmocka_unit_test(test_confirm_refused_cases),
		cmocka_unit_test(test_confirm_and_refuse),
		cmocka_unit_test(test_single_holder_warning),
		cmocka_unit_test(test_forged_confirmed_row),
		cmocka_unit_test(test_login_failures_one_message),
		cmocka_unit_test(test_login_throttle),
		cmocka_unit_test(test_totp_enrol_and_login),
		cmocka_unit_test(test_recover),
		cmocka_unit_test(test_recover_throttle),
		cmocka_unit_test(test_password_change),
		cmocka_unit_test(test_csrf_with_cookie),
		cmocka_unit_test(test_sessions_expired_and_foreign),
		cmocka_unit_test(test_two_processes_share_sessions),
		cmocka_unit_test(test_admin_cannot_touch_self),
		cmocka_unit_test(test_disable_and_enable),
		cmocka_unit_test(test_disable_supervisor_rotates_org_key),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_settings_read),
		cmocka_unit_test(test_settings_owners_and_values),
		cmocka_unit_test(test_settings_changes_show),
		cmocka_unit_test(test_settings_json_conventions),
		cmocka_unit_test(test_require_totp),
		cmocka_unit_test(test_audit_actions),
		cmocka_unit_test(test_no_plaintext_secrets),
	};
	return cmocka_run_group_tests_name("api_staff", tests, group_setup, group_teardown);
}
