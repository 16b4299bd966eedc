/* staff_session.c: POST /api/v1/staff/login, POST /api/v1/staff/logout, GET /api/v1/staff/me. */
#include <string.h>

#include "api/api.h"
#include "audit/audit.h"
#include "core/log.h"
#include "http/session.h"

enum { F_USERNAME, F_PASSWORD, F_TOTP };
const struct jfield api_login_fields[] = {
	[F_USERNAME] = { "username", J_STRING, true, 1, USERNAME_MAX },
	[F_PASSWORD] = { "password", J_STRING, true, 1, 1024, .raw = true },
	[F_TOTP] = { "totp", J_STRING, false, 0, 16 },
	{ NULL, J_STRING, false, 0, 0 },
};

json_t *api_me_json(const struct store_user *u)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:b,s:n,s:b}", "id", u->id, "username", u->username,
	                 "name", u->name, "role", u->role, "confirmed", u->confirmed,
	                 "key_fingerprint", "totp_enabled", 0);
}

/* The salt for a username that does not exist: stable per name, so that a failed login
 * costs the same Argon2id work as a real one and reveals nothing. */
static void decoy_salt(const char *username, unsigned char salt[PW_SALTBYTES])
{
	static const unsigned char key[crypto_generichash_KEYBYTES] = "peluit-decoy-salt-for-unknown";
	crypto_generichash(salt, PW_SALTBYTES, (const unsigned char *)username, strlen(username),
	                   key, sizeof key);
}

static int failure_tx(struct store *st, void *arg)
{
	const struct audit_event *ev = arg;
	return audit_append(st, ev);
}

/* Records a failed login under the account's username only when the account exists: what
 * was typed into the username field may be a password. */
static void audit_failure(struct request *r, bool known)
{
	struct audit_event ev = { AUDIT_STAFF_LOGIN_FAILED, NULL, NULL,
	                          known ? r->user.username : "", known ? NULL : "unknown username" };
	if (store_tx(r->ctx->store, failure_tx, &ev) != STORE_OK)
		log_error("login: could not record a failed login in the audit trail");
}

void api_staff_login(struct request *r)
{
	const struct store *st = r->ctx->store;
	const char *username = r->in[F_USERNAME].s;
	const char *password = r->in[F_PASSWORD].s;
	unsigned char verifier[PW_KEYBYTES], kek[PW_KEYBYTES];

	int rc = st->user_by_username(st->cls, username, &r->user);
	if (rc == STORE_ERR || rc == STORE_RETRY) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	bool known = rc == STORE_OK;
	if (!known) {
		decoy_salt(username, r->user.pw_salt);
		r->user.pw_version = PW_CURRENT;
	}
	if (password_derive(password, r->user.pw_salt, r->user.pw_version, verifier, kek) != 0) {
		log_error("login: Argon2id failed (out of memory?)");
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	bool ok = known && sodium_memcmp(verifier, r->user.pw_verifier, PW_KEYBYTES) == 0 &&
	          !r->user.disabled;
	sodium_memzero(verifier, sizeof verifier);
	sodium_memzero(kek, sizeof kek);
	if (!ok) {
		audit_failure(r, known);
		reply_error(r, ERR_UNAUTHENTICATED, NULL);
		return;
	}
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	if (session_begin(r, token, csrf) != 0)
		return;
	reply_json(r, 200, json_pack("{s:s,s:s,s:o}", "token", token, "csrf", csrf, "user",
	                             api_me_json(&r->user)));
	sodium_memzero(token, sizeof token);
}

void api_staff_logout(struct request *r)
{
	if (session_end(r) == 0)
		reply_empty(r, 204);
}

void api_staff_me(struct request *r)
{
	reply_json(r, 200, api_me_json(&r->user));
}
