/* session.c: staff session tokens: creation, lookup, idle and absolute expiry, CSRF. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "audit/audit.h"
#include "core/log.h"
#include "crypto/keys.h"
#include "crypto/report.h"
#include "http/session.h"

static const char *bearer(struct request *r)
{
	const char *h = req_header(r, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return h;
}

int session_authenticate(struct request *r)
{
	const struct store *st = r->ctx->store;
	const char *tok = bearer(r);
	r->via_cookie = tok == NULL;
	if (!tok)
		tok = req_cookie(r, STAFF_COOKIE);
	unsigned char token[SESSION_TOKEN_BYTES];
	struct store_session s;
	int64_t now = time(NULL);
	if (!tok || crypto_unb64(token, sizeof token, tok) != 0) {
		reply_error(r, ERR_UNAUTHENTICATED, NULL);
		return -1;
	}
	session_subkey(r->session_lookup, SESSION_LOOKUP, token);
	int rc = st->session_get(st->cls, r->session_lookup, &s);
	if (rc == STORE_OK && (s.expires_at <= now || s.last_seen + STAFF_IDLE_SECONDS <= now)) {
		st->session_delete(st->cls, r->session_lookup);
		rc = STORE_NONE;
	}
	if (rc == STORE_OK)
		rc = st->user_by_id(st->cls, s.user_id, &r->user);
	if (rc == STORE_OK && r->user.disabled)
		rc = STORE_NONE;
	if (rc == STORE_OK && s.has_secrets) {
		unsigned char wrap[32];
		session_subkey(wrap, SESSION_WRAP, token);
		r->sk = sk_alloc();
		if (!r->sk)
			rc = STORE_ERR;
		else if (userkeys_unwrap(r->sk, s.secrets, wrap, WRAP_SESSION, r->user.id) != 0)
			rc = STORE_NONE; /* the account's keys changed since this session began */
		sodium_memzero(wrap, sizeof wrap);
	}
	if (rc != STORE_OK) {
		sodium_memzero(token, sizeof token);
		reply_error(r, rc == STORE_NONE ? ERR_UNAUTHENTICATED : ERR_UNAVAILABLE, NULL);
		return -1;
	}
	session_csrf(r->csrf, token);
	if (r->via_cookie && !(r->method & (M_GET | M_HEAD))) {
		const char *want = r->csrf;
		const char *got = req_header(r, "X-CSRF-Token");
		if (!got) /* HTML forms send it as a field */
			got = json_string_value(json_object_get(r->json, "csrf"));
		if (!got || !crypto_str_equal(got, want)) {
			sodium_memzero(token, sizeof token);
			reply_error(r, ERR_CSRF, NULL);
			return -1;
		}
	}
	sodium_memzero(token, sizeof token);
	if (s.last_seen + SESSION_TOUCH_SECONDS <= now)
		st->session_touch(st->cls, r->session_lookup, now); /* the idle clock, once a minute */
	r->authed = true;
	return 0;
}

static void set_cookie(struct request *r, const char *value, int max_age)
{
	char cookie[256];
	snprintf(cookie, sizeof cookie, "%s=%s; HttpOnly; SameSite=Strict; Path=/; Max-Age=%d%s",
	         STAFF_COOKIE, value, max_age, r->ctx->cfg->https ? "; Secure" : "");
	reply_header(r, "Set-Cookie", cookie);
}

struct begin_tx {
	const struct store_session *s;
	const struct store_user *u;
};

/* The session and its audit entry, in one transaction. */
static int begin_tx(struct store *st, void *arg)
{
	struct begin_tx *b = arg;
	int rc = st->session_insert(st->cls, b->s);
	if (rc == STORE_OK)
		rc = audit_append(st, &(struct audit_event){ AUDIT_STAFF_LOGIN, b->u->id,
		                                             b->u->username, b->u->username, NULL });
	return rc;
}

int session_begin(struct request *r, const unsigned char *sk, char token_b64[TOKEN_CHARS + 1],
                  char csrf[TOKEN_CHARS + 1])
{
	unsigned char token[SESSION_TOKEN_BYTES], wrap[32];
	struct store_session s = { 0 };
	randombytes_buf(token, sizeof token);
	session_subkey(s.lookup, SESSION_LOOKUP, token);
	if (sk) {
		session_subkey(wrap, SESSION_WRAP, token);
		userkeys_wrap(s.secrets, sk, wrap, WRAP_SESSION, r->user.id);
		s.has_secrets = true;
		sodium_memzero(wrap, sizeof wrap);
	}
	snprintf(s.user_id, sizeof s.user_id, "%s", r->user.id);
	s.created_at = s.last_seen = time(NULL);
	s.expires_at = s.created_at + STAFF_MAX_SECONDS;
	int rc = store_tx(r->ctx->store, begin_tx, &(struct begin_tx){ &s, &r->user });
	crypto_b64(token_b64, TOKEN_CHARS + 1, token, sizeof token);
	session_csrf(csrf, token);
	sodium_memzero(token, sizeof token);
	if (rc != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	set_cookie(r, token_b64, STAFF_MAX_SECONDS);
	return 0;
}

static int end_tx(struct store *st, void *arg)
{
	struct request *r = arg;
	int rc = st->session_delete(st->cls, r->session_lookup);
	if (rc == STORE_OK)
		rc = audit_append(st, &(struct audit_event){ AUDIT_STAFF_LOGOUT, r->user.id,
		                                             r->user.username, r->user.username, NULL });
	return rc;
}

int session_end(struct request *r)
{
	if (store_tx(r->ctx->store, end_tx, r) != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	set_cookie(r, "", 0);
	return 0;
}

/* ---- reporters: a receipt session holds the report's keys, never the receipt ---- */

#define REPORTER_SECRETS (2 * RKEY_BYTES)

int session_reporter_authenticate(struct request *r)
{
	const struct store *st = r->ctx->store;
	const char *tok = bearer(r);
	r->via_cookie = tok == NULL;
	if (!tok)
		tok = req_cookie(r, REPORTER_COOKIE);
	unsigned char token[SESSION_TOKEN_BYTES], wrap[32], sealed[REPORTER_SECRETS + BOX_OVERHEAD];
	int64_t now = time(NULL), last_seen = 0;
	int rc = STORE_NONE;
	if (tok && crypto_unb64(token, sizeof token, tok) == 0) {
		session_subkey(r->session_lookup, SESSION_LOOKUP, token);
		rc = st->reporter_session_get(st->cls, r->session_lookup, r->report_id, &last_seen,
		                              sealed, sizeof sealed);
		if (rc == STORE_OK && last_seen + REPORTER_IDLE_SECONDS <= now) {
			st->reporter_session_delete(st->cls, r->session_lookup);
			rc = STORE_NONE;
		}
	}
	if (rc == STORE_OK) {
		session_subkey(wrap, SESSION_WRAP, token);
		r->sk = sodium_malloc(SK_BYTES); /* room for the two report keys */
		if (!r->sk)
			rc = STORE_ERR;
		else if (box_open(r->sk, sealed, sizeof sealed, wrap, r->report_id, "", "reporter",
		                  BOX_REPORTER) != 0)
			rc = STORE_NONE;
		sodium_memzero(wrap, sizeof wrap);
	}
	if (rc != STORE_OK) {
		sodium_memzero(token, sizeof token);
		if (rc == STORE_NONE)
			reply_outcome(r, &OUTCOME(ERR_UNAUTHENTICATED, NULL, r->lang == LANG_EN
			              ? "Your session has ended. Sign in again with your receipt code."
			              : "Sesi Anda telah berakhir. Masuk lagi dengan kode resi Anda."));
		else
			reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	session_csrf(r->csrf, token);
	sodium_memzero(token, sizeof token);
	if (r->via_cookie && !(r->method & (M_GET | M_HEAD))) {
		const char *got = req_header(r, "X-CSRF-Token");
		if (!got)
			got = json_string_value(json_object_get(r->json, "csrf"));
		if (!got || !crypto_str_equal(got, r->csrf)) {
			reply_error(r, ERR_CSRF, NULL);
			return -1;
		}
	}
	if (last_seen + SESSION_TOUCH_SECONDS <= now)
		st->reporter_session_touch(st->cls, r->session_lookup, now);
	r->authed = true;
	return 0;
}

static void set_reporter_cookie(struct request *r, const char *value, int max_age)
{
	char cookie[256], age[32] = "";
	if (max_age >= 0) /* no Max-Age: gone when the browser closes */
		snprintf(age, sizeof age, "; Max-Age=%d", max_age);
	snprintf(cookie, sizeof cookie, "%s=%s; HttpOnly; SameSite=Strict; Path=/%s%s",
	         REPORTER_COOKIE, value, age, r->ctx->cfg->https ? "; Secure" : "");
	reply_header(r, "Set-Cookie", cookie);
}

int session_reporter_begin(struct request *r, const char *report_id, const unsigned char *keys,
                           char token_b64[TOKEN_CHARS + 1], char csrf[TOKEN_CHARS + 1])
{
	unsigned char token[SESSION_TOKEN_BYTES], lookup[32], wrap[32];
	unsigned char sealed[REPORTER_SECRETS + BOX_OVERHEAD];
	randombytes_buf(token, sizeof token);
	session_subkey(lookup, SESSION_LOOKUP, token);
	session_subkey(wrap, SESSION_WRAP, token);
	box_seal(sealed, keys, REPORTER_SECRETS, wrap, report_id, "", "reporter", BOX_REPORTER);
	sodium_memzero(wrap, sizeof wrap);
	int rc = r->ctx->store->reporter_session_insert(r->ctx->store->cls, lookup, report_id,
	                                                (int64_t)time(NULL), sealed, sizeof sealed);
	crypto_b64(token_b64, TOKEN_CHARS + 1, token, sizeof token);
	session_csrf(csrf, token);
	sodium_memzero(token, sizeof token);
	if (rc != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	set_reporter_cookie(r, token_b64, -1); /* lives with the browser; the server keeps the idle clock */
	return 0;
}

int session_reporter_end(struct request *r)
{
	if (r->ctx->store->reporter_session_delete(r->ctx->store->cls, r->session_lookup) != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	set_reporter_cookie(r, "", 0);
	return 0;
}
