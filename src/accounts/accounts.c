/* accounts.c: staff account operations (see accounts.h). Argon2id always runs before a
 * transaction; a transaction re-reads the account it changes, so nothing acts on a stale copy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts/accounts.h"
#include "accounts/throttle.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/policy.h"

#define UNAVAILABLE OUTCOME(ERR_UNAVAILABLE, NULL, NULL)

struct outcome account_password_rules(const char *password, const char *username, enum lang lang,
                                      const char *field)
{
	const char *why = policy_password_problem(password, username, lang);
	return why ? OUTCOME(ERR_INVALID_FIELD, field, why) : OUTCOME_OK;
}

/* A new salt and verifier for `password`, and its key-encryption key in kek. 0 or -1. */
static int new_password(struct store_user *u, const char *password, unsigned char kek[32])
{
	u->pw_version = PW_CURRENT;
	randombytes_buf(u->pw_salt, sizeof u->pw_salt);
	return password_derive(password, u->pw_salt, u->pw_version, u->pw_verifier, kek);
}

int account_new_keys(struct store_user *u, const char *password, unsigned char *sk,
                     char recovery[RECOVERY_CHARS + 1])
{
	unsigned char kek[32], rkey[32];
	if (new_password(u, password, kek) != 0)
		return -1;
	userkeys_generate(u, sk);
	userkeys_wrap(u->sk_pw, sk, kek, WRAP_PASSWORD, u->id);
	recovery_new(recovery, rkey, u->id);
	userkeys_wrap(u->sk_rec, sk, rkey, WRAP_RECOVERY, u->id);
	sodium_memzero(kek, sizeof kek);
	sodium_memzero(rkey, sizeof rkey);
	return 0;
}

/* ---- one generic change of an account, inside a transaction ---- */

struct change {
	const char *user_id;
	/* Changes u; returns STORE_OK, or another store_rc to roll back (*why set for refusals). */
	int (*apply)(struct change *c, struct store *st, struct store_user *u);
	void *arg;
	const struct trust *t;
	const struct store_user *actor;      /* NULL: the user themselves */
	enum audit_action action;
	const char *detail;
	bool end_sessions, drop_copies;
	struct outcome why;                  /* a refusal decided inside apply */
	struct store_user result;
};

static int change_tx(struct store *st, void *arg)
{
	struct change *c = arg;
	struct store_user *u = &c->result;
	int rc = st->user_by_id(st->cls, c->user_id, u);
	if (rc != STORE_OK)
		return rc;
	bool was_supervisor_holder = !strcmp(u->role, "supervisor") && u->has_cert;
	if ((rc = c->apply(c, st, u)) != STORE_OK)
		return rc;
	if ((rc = st->user_update(st->cls, u)) != STORE_OK)
		return rc;
	if (c->end_sessions && (rc = st->sessions_delete_user(st->cls, u->id)) != STORE_OK)
		return rc;
	if (c->drop_copies) {
		if ((rc = st->key_copies_delete_user(st->cls, u->id)) != STORE_OK)
			return rc;
		if (was_supervisor_holder) {
			if ((rc = orgkey_rotate(c->t, st)) != STORE_OK)
				return rc;
			rc = audit_append(st, &(struct audit_event){ AUDIT_ORG_KEY_ROTATED,
			                                             c->actor ? c->actor->id : NULL,
			                                             c->actor ? c->actor->username : NULL,
			                                             u->username, "a supervisor left" });
			if (rc != STORE_OK)
				return rc;
		}
	}
	if (c->action == AUDIT_ACTION_COUNT) /* not an audited act */
		return STORE_OK;
	const struct store_user *who = c->actor ? c->actor : u;
	return audit_append(st, &(struct audit_event){ c->action, who->id, who->username,
	                                               u->username, c->detail });
}

/* Runs a change; maps the store's answer onto an outcome. */
static struct outcome run_change(struct store *st, struct change *c)
{
	c->why = OUTCOME_OK;
	int rc = store_tx(st, change_tx, c);
	if (rc == STORE_OK)
		return OUTCOME_OK;
	if (c->why.failed)
		return c->why;
	if (rc == STORE_NONE)
		return OUTCOME(ERR_NOT_FOUND, NULL, NULL);
	return UNAVAILABLE;
}

/* Refuses a change from inside apply: rolls back with this outcome. */
static int refuse(struct change *c, struct outcome o)
{
	c->why = o;
	return STORE_ERR;
}

/* ---- login ---- */

static void decoy_salt(const char *username, unsigned char salt[PW_SALTBYTES])
{
	static const unsigned char key[crypto_generichash_KEYBYTES] = "peluit-decoy-salt-for-unknown";
	crypto_generichash(salt, PW_SALTBYTES, (const unsigned char *)username, strlen(username), key,
	                   sizeof key);
}

static int failure_tx(struct store *st, void *arg)
{
	return audit_append(st, arg);
}

/* Audits a failed login under the account's username only when the account exists: what was
 * typed into the username field may be a password. */
static void audit_failure(struct store *st, const struct store_user *u, bool exists,
                          const char *detail)
{
	struct audit_event ev = { AUDIT_STAFF_LOGIN_FAILED, NULL, NULL, exists ? u->username : "",
	                          exists ? detail : "unknown username" };
	if (store_tx(st, failure_tx, &ev) != STORE_OK)
		log_error("login: could not record a failed login in the audit trail");
}

/* Opens a sealed TOTP secret with the user's secret keys. 0 or -1. */
static int totp_open(const struct store_user *u, const unsigned char *sk,
                     const unsigned char sealed[SEALED_TOTP_BYTES],
                     unsigned char secret[TOTP_SECRET_BYTES])
{
	return crypto_box_seal_open(secret, sealed, SEALED_TOTP_BYTES, u->enc_pk, SK_ENC(sk));
}

/* Checks a code against the user's enabled second factor. */
static struct outcome second_factor(const struct store_user *u, const unsigned char *sk,
                                    const char *code, enum err missing, enum err wrong,
                                    const char *field)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	if (!code || !*code)
		return OUTCOME(missing, field, NULL);
	if (totp_open(u, sk, u->totp_sealed, secret) != 0)
		return UNAVAILABLE;
	int rc = totp_check(secret, code, (int64_t)time(NULL));
	sodium_memzero(secret, sizeof secret);
	return rc == 0 ? OUTCOME_OK : OUTCOME(wrong, field, NULL);
}

struct outcome account_login(struct store *st, const char *username, const char *password,
                             const char *totp, struct store_user *u, unsigned char *sk,
                             unsigned *retry_after)
{
	int64_t now = (int64_t)time(NULL);
	*retry_after = throttle_wait(username, now);
	if (*retry_after)
		return OUTCOME(ERR_RATE_LIMITED, NULL, NULL);
	int rc = st->user_by_username(st->cls, username, u);
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return UNAVAILABLE;
	bool exists = rc == STORE_OK;
	bool known = exists && u->pw_version != 0 && u->has_keys;
	if (!known) {
		decoy_salt(username, u->pw_salt);
		u->pw_version = PW_CURRENT;
	}
	unsigned char verifier[PW_KEYBYTES], kek[PW_KEYBYTES];
	if (password_derive(password, u->pw_salt, u->pw_version, verifier, kek) != 0)
		return UNAVAILABLE;
	bool ok = known && sodium_memcmp(verifier, u->pw_verifier, PW_KEYBYTES) == 0 && !u->disabled;
	if (ok && userkeys_unwrap(sk, u->sk_pw, kek, WRAP_PASSWORD, u->id) != 0) {
		log_error("login: the secret keys of an account do not open with its password's key");
		ok = false;
	}
	sodium_memzero(verifier, sizeof verifier);
	sodium_memzero(kek, sizeof kek);
	if (!ok) {
		/* The wait runs from the refusal, not from the request: Argon2id may take seconds. */
		throttle_failed(username, (int64_t)time(NULL));
		audit_failure(st, u, exists, NULL);
		return OUTCOME(ERR_UNAUTHENTICATED, NULL, NULL);
	}
	if (u->totp_enabled) {
		struct outcome o = second_factor(u, sk, totp, ERR_TOTP_REQUIRED, ERR_TOTP_INVALID, NULL);
		if (o.failed) {
			if (o.err == ERR_TOTP_INVALID) {
				throttle_failed(username, (int64_t)time(NULL));
				audit_failure(st, u, true, "wrong second factor");
			}
			return o;
		}
	}
	throttle_succeeded(username);
	return OUTCOME_OK;
}

/* ---- activation ---- */

struct activation {
	unsigned char hash[32];
	struct store_user keyed; /* the new password and keys */
};

static int apply_activation(struct change *c, struct store *st, struct store_user *u)
{
	struct activation *a = c->arg;
	(void)st;
	/* Checked again inside the transaction: a code works once, even when two race. */
	if (!u->has_activation || sodium_memcmp(u->activation_hash, a->hash, 32) != 0 ||
	    u->activation_expires < (int64_t)time(NULL) || u->disabled)
		return refuse(c, OUTCOME(ERR_ACTIVATION_INVALID, NULL, NULL));
	memcpy(u->pw_salt, a->keyed.pw_salt, sizeof u->pw_salt);
	u->pw_version = a->keyed.pw_version;
	memcpy(u->pw_verifier, a->keyed.pw_verifier, sizeof u->pw_verifier);
	u->has_keys = true;
	memcpy(u->enc_pk, a->keyed.enc_pk, sizeof u->enc_pk);
	memcpy(u->sign_pk, a->keyed.sign_pk, sizeof u->sign_pk);
	memcpy(u->sk_pw, a->keyed.sk_pw, sizeof u->sk_pw);
	memcpy(u->sk_rec, a->keyed.sk_rec, sizeof u->sk_rec);
	u->has_activation = false;
	u->confirmed = !strcmp(u->role, "admin"); /* readers wait for a supervisor */
	return STORE_OK;
}

struct outcome account_activate(struct store *st, const char *username, const char *code,
                                const char *password, enum lang lang,
                                char recovery[RECOVERY_CHARS + 1])
{
	struct activation a;
	struct store_user u;
	memset(&a, 0, sizeof a);
	if (activation_hash(code, a.hash) != 0 || st->user_by_username(st->cls, username, &u) != STORE_OK ||
	    !u.has_activation || sodium_memcmp(u.activation_hash, a.hash, 32) != 0 ||
	    u.activation_expires < (int64_t)time(NULL) || u.disabled)
		return OUTCOME(ERR_ACTIVATION_INVALID, NULL, NULL);
	struct outcome o = account_password_rules(password, username, lang, "password");
	if (o.failed)
		return o;
	unsigned char *sk = sk_alloc();
	snprintf(a.keyed.id, sizeof a.keyed.id, "%s", u.id);
	if (!sk || account_new_keys(&a.keyed, password, sk, recovery) != 0) {
		sodium_free(sk);
		return UNAVAILABLE;
	}
	sodium_free(sk); /* the wrapped copies are all that is kept */
	struct change c = { .user_id = u.id, .apply = apply_activation, .arg = &a,
	                    .action = AUDIT_USER_ACTIVATED };
	o = run_change(st, &c);
	sodium_memzero(&a, sizeof a);
	if (o.failed)
		sodium_memzero(recovery, RECOVERY_CHARS + 1);
	return o;
}

/* ---- recovery and password change ---- */

struct new_password {
	struct store_user keyed; /* salt, version, verifier, sk_pw */
};

static int apply_password(struct change *c, struct store *st, struct store_user *u)
{
	struct new_password *p = c->arg;
	(void)st;
	memcpy(u->pw_salt, p->keyed.pw_salt, sizeof u->pw_salt);
	u->pw_version = p->keyed.pw_version;
	memcpy(u->pw_verifier, p->keyed.pw_verifier, sizeof u->pw_verifier);
	memcpy(u->sk_pw, p->keyed.sk_pw, sizeof u->sk_pw);
	return STORE_OK;
}

/* Prepares the new password's verifier and wraps sk under its key. 0 or -1. */
static int prepare_password(struct new_password *p, const struct store_user *u, const char *pw,
                            const unsigned char *sk)
{
	unsigned char kek[32];
	memset(p, 0, sizeof *p);
	if (new_password(&p->keyed, pw, kek) != 0)
		return -1;
	userkeys_wrap(p->keyed.sk_pw, sk, kek, WRAP_PASSWORD, u->id);
	sodium_memzero(kek, sizeof kek);
	return 0;
}

struct outcome account_recover(struct store *st, const char *username, const char *recovery,
                               const char *password, const char *totp, enum lang lang,
                               unsigned *retry_after)
{
	struct store_user u;
	unsigned char key[32];
	int64_t now = (int64_t)time(NULL);
	*retry_after = throttle_wait(username, now);
	if (*retry_after)
		return OUTCOME(ERR_RATE_LIMITED, NULL, NULL);
	unsigned char *sk = sk_alloc();
	if (!sk)
		return UNAVAILABLE;
	bool ok = st->user_by_username(st->cls, username, &u) == STORE_OK && u.has_keys &&
	          !u.disabled && recovery_key(recovery, u.id, key) == 0 &&
	          userkeys_unwrap(sk, u.sk_rec, key, WRAP_RECOVERY, u.id) == 0;
	sodium_memzero(key, sizeof key);
	struct outcome o = ok ? OUTCOME_OK : OUTCOME(ERR_UNAUTHENTICATED, NULL, NULL);
	if (!ok)
		throttle_failed(username, (int64_t)time(NULL));
	if (!o.failed && u.totp_enabled)
		o = second_factor(&u, sk, totp, ERR_TOTP_REQUIRED, ERR_TOTP_INVALID, NULL);
	if (!o.failed)
		o = account_password_rules(password, username, lang, "password");
	struct new_password p;
	if (!o.failed && prepare_password(&p, &u, password, sk) != 0)
		o = UNAVAILABLE;
	sodium_free(sk);
	if (o.failed)
		return o;
	struct change c = { .user_id = u.id, .apply = apply_password, .arg = &p,
	                    .action = AUDIT_ACCOUNT_RECOVERED, .end_sessions = true };
	o = run_change(st, &c);
	throttle_succeeded(username);
	sodium_memzero(&p, sizeof p);
	return o;
}

struct outcome account_change_password(struct store *st, struct store_user *u,
                                       const unsigned char *sk, const char *old_pw,
                                       const char *new_pw, enum lang lang)
{
	unsigned char verifier[PW_KEYBYTES], kek[PW_KEYBYTES];
	if (password_derive(old_pw, u->pw_salt, u->pw_version, verifier, kek) != 0)
		return UNAVAILABLE;
	bool ok = sodium_memcmp(verifier, u->pw_verifier, PW_KEYBYTES) == 0;
	sodium_memzero(kek, sizeof kek);
	if (!ok)
		return OUTCOME(ERR_INVALID_FIELD, "old", lang == LANG_EN
		               ? "The current password is wrong." : "Kata sandi saat ini salah.");
	struct outcome o = account_password_rules(new_pw, u->username, lang, "new");
	if (o.failed)
		return o;
	struct new_password p;
	if (prepare_password(&p, u, new_pw, sk) != 0)
		return UNAVAILABLE;
	struct change c = { .user_id = u->id, .apply = apply_password, .arg = &p,
	                    .action = AUDIT_PASSWORD_CHANGED };
	o = run_change(st, &c);
	sodium_memzero(&p, sizeof p);
	if (!o.failed)
		*u = c.result;
	return o;
}

/* ---- second factor ---- */

struct totp_change {
	unsigned char sealed[SEALED_TOTP_BYTES];
	const unsigned char *sk;
	const char *code;
	int op; /* 0 begin, 1 confirm, 2 disable */
};

static int apply_totp(struct change *c, struct store *st, struct store_user *u)
{
	struct totp_change *t = c->arg;
	unsigned char secret[TOTP_SECRET_BYTES];
	(void)st;
	switch (t->op) {
	case 0:
		if (u->totp_enabled)
			return refuse(c, OUTCOME(ERR_CONFLICT, NULL, NULL));
		memcpy(u->totp_pending, t->sealed, sizeof u->totp_pending);
		u->totp_pending_set = true;
		return STORE_OK;
	case 1:
		if (!u->totp_pending_set || u->totp_enabled)
			return refuse(c, OUTCOME(ERR_CONFLICT, NULL, NULL));
		if (totp_open(u, t->sk, u->totp_pending, secret) != 0)
			return STORE_ERR;
		if (totp_check(secret, t->code, (int64_t)time(NULL)) != 0) {
			sodium_memzero(secret, sizeof secret);
			return refuse(c, OUTCOME(ERR_INVALID_FIELD, "code", NULL));
		}
		sodium_memzero(secret, sizeof secret);
		memcpy(u->totp_sealed, u->totp_pending, sizeof u->totp_sealed);
		u->totp_enabled = true;
		u->totp_pending_set = false;
		return STORE_OK;
	default: {
		if (!u->totp_enabled)
			return refuse(c, OUTCOME(ERR_CONFLICT, NULL, NULL));
		struct outcome o = second_factor(u, t->sk, t->code, ERR_INVALID_FIELD, ERR_INVALID_FIELD,
		                                 "code");
		if (o.failed)
			return refuse(c, o);
		u->totp_enabled = false;
		u->totp_pending_set = false;
		return STORE_OK;
	}
	}
}

/* Percent-encodes `s` for an otpauth URI. */
static void uri_escape(const char *s, char *out, size_t len)
{
	size_t n = 0;
	for (; *s && n + 4 < len; s++) {
		unsigned char ch = (unsigned char)*s;
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		    strchr("-._~", ch))
			out[n++] = (char)ch;
		else
			n += (size_t)snprintf(out + n, len - n, "%%%02X", ch);
	}
	out[n] = '\0';
}

struct outcome account_totp_begin(struct store *st, struct store_user *u, const char *issuer,
                                  char secret_b32[33], char uri[512])
{
	unsigned char secret[TOTP_SECRET_BYTES];
	struct totp_change t = { .op = 0 };
	if (u->totp_enabled)
		return OUTCOME(ERR_CONFLICT, NULL, NULL);
	totp_new(secret);
	crypto_box_seal(t.sealed, secret, sizeof secret, u->enc_pk);
	totp_base32(secret, secret_b32);
	sodium_memzero(secret, sizeof secret);
	char iss[128], user[128];
	uri_escape(issuer, iss, sizeof iss);
	uri_escape(u->username, user, sizeof user);
	snprintf(uri, 512, "otpauth://totp/%s:%s?secret=%s&issuer=%s&algorithm=SHA1&digits=6&period=30",
	         iss, user, secret_b32, iss);
	/* Beginning is not an audited act; confirming is. */
	struct change c = { .user_id = u->id, .apply = apply_totp, .arg = &t,
	                    .action = AUDIT_ACTION_COUNT };
	return run_change(st, &c);
}

struct outcome account_totp_confirm(struct store *st, struct store_user *u,
                                    const unsigned char *sk, const char *code)
{
	struct totp_change t = { .op = 1, .sk = sk, .code = code };
	struct change c = { .user_id = u->id, .apply = apply_totp, .arg = &t,
	                    .action = AUDIT_TOTP_ENABLED };
	return run_change(st, &c);
}

struct outcome account_totp_disable(struct store *st, struct store_user *u,
                                    const unsigned char *sk, const char *code)
{
	struct totp_change t = { .op = 2, .sk = sk, .code = code };
	struct change c = { .user_id = u->id, .apply = apply_totp, .arg = &t,
	                    .action = AUDIT_TOTP_DISABLED };
	return run_change(st, &c);
}

/* ---- creation, disabling, reset ---- */

struct create {
	const struct store_user *u;
	const struct store_user *actor;
};

static int create_tx(struct store *st, void *arg)
{
	struct create *c = arg;
	int rc = st->user_insert(st->cls, c->u);
	if (rc == STORE_OK)
		rc = audit_append(st, &(struct audit_event){ AUDIT_USER_CREATED,
		                                             c->actor ? c->actor->id : NULL,
		                                             c->actor ? c->actor->username : NULL,
		                                             c->u->username, c->u->role });
	return rc;
}

struct outcome account_create(struct store *st, const struct store_user *actor,
                              const char *username, const char *name, const char *role,
                              struct store_user *u, char code[ACTIVATION_CHARS + 1])
{
	if (!policy_username_valid(username))
		return OUTCOME(ERR_INVALID_FIELD, "username", NULL);
	if (!policy_role_valid(role))
		return OUTCOME(ERR_INVALID_FIELD, "role", NULL);
	if (!policy_name_valid(name))
		return OUTCOME(ERR_INVALID_FIELD, "name", NULL);
	memset(u, 0, sizeof *u);
	crypto_random_id(u->id);
	snprintf(u->username, sizeof u->username, "%s", username);
	snprintf(u->name, sizeof u->name, "%s", name);
	snprintf(u->role, sizeof u->role, "%s", role);
	snprintf(u->created_by, sizeof u->created_by, "%s", actor ? actor->username : "");
	u->created_at = (int64_t)time(NULL);
	activation_new(code, u->activation_hash);
	u->has_activation = true;
	u->activation_expires = u->created_at + ACTIVATION_SECONDS;
	int rc = store_tx(st, create_tx, &(struct create){ u, actor });
	if (rc == STORE_DUP)
		return OUTCOME(ERR_CONFLICT, "username", NULL);
	return rc == STORE_OK ? OUTCOME_OK : UNAVAILABLE;
}

/* Refuses to take away the last supervisor who holds the organisation key: nobody could
 * confirm anyone, or open reports sealed to that key, ever again. */
static int keep_last_holder(struct change *c, struct store *st, const struct store_user *u)
{
	struct store_org_key key;
	unsigned char sealed[SEALED_ORG_SK_BYTES];
	int holders;
	if (strcmp(u->role, "supervisor") != 0 || st->org_key_current(st->cls, &key) != STORE_OK ||
	    st->org_copy_get(st->cls, key.id, u->id, sealed) != STORE_OK)
		return STORE_OK;
	int rc = orgkey_holders(c->t, st, &holders);
	if (rc == STORE_OK && holders <= 1)
		return refuse(c, OUTCOME(ERR_CONFLICT, NULL,
		                         "This is the only supervisor holding the organisation key: a "
		                         "supervisor must confirm another supervisor first. / Ini satu-"
		                         "satunya supervisor pemegang kunci organisasi: konfirmasi "
		                         "supervisor lain terlebih dahulu."));
	return rc;
}

static int apply_disabled(struct change *c, struct store *st, struct store_user *u)
{
	bool disable = *(bool *)c->arg;
	if (disable == u->disabled)
		return refuse(c, OUTCOME(ERR_CONFLICT, "disabled", NULL));
	if (disable) {
		int rc = keep_last_holder(c, st, u);
		if (rc != STORE_OK)
			return rc;
	}
	u->disabled = disable;
	/* An admin cannot make a reader: a re-enabled reader waits for a supervisor. Its
	 * certificate stays, so the accounts it confirmed keep theirs; the trust root cannot be
	 * certified by anyone else and comes back as it was. */
	if (!disable && strcmp(u->role, "admin") != 0 && strcmp(u->id, c->t->root_id) != 0) {
		u->confirmed = false;
		u->refused = false;
	}
	return STORE_OK;
}

struct outcome account_set_disabled(struct store *st, const struct trust *t,
                                    const struct store_user *actor, const char *id, bool disabled,
                                    struct store_user *out)
{
	if (!strcmp(actor->id, id))
		return OUTCOME(ERR_CONFLICT, NULL, NULL);
	struct change c = { .user_id = id, .apply = apply_disabled, .arg = &disabled, .t = t,
	                    .actor = actor, .action = disabled ? AUDIT_USER_DISABLED : AUDIT_USER_ENABLED,
	                    .end_sessions = disabled, .drop_copies = disabled };
	struct outcome o = run_change(st, &c);
	if (!o.failed)
		*out = c.result;
	return o;
}

static int apply_reset(struct change *c, struct store *st, struct store_user *u)
{
	const unsigned char *hash = c->arg;
	if (!strcmp(u->id, c->t->root_id))
		return refuse(c, OUTCOME(ERR_CONFLICT, NULL,
		                         "The trust root cannot be reset: its key anchors every "
		                         "certificate. / Akar kepercayaan tidak dapat direset."));
	int rc = keep_last_holder(c, st, u);
	/* New keys break the certificates this account signed: those accounts go back to the
	 * pending queue for another supervisor to confirm. */
	if (rc == STORE_OK && !strcmp(u->role, "supervisor"))
		rc = st->users_unconfirm_signed_by(st->cls, u->id);
	if (rc != STORE_OK)
		return rc;
	struct store_user keep = *u;
	memset(u, 0, sizeof *u);
	/* Keep who the account is; wipe everything it could open or prove. */
	memcpy(u->id, keep.id, sizeof u->id);
	memcpy(u->username, keep.username, sizeof u->username);
	memcpy(u->name, keep.name, sizeof u->name);
	memcpy(u->role, keep.role, sizeof u->role);
	memcpy(u->created_by, keep.created_by, sizeof u->created_by);
	u->created_at = keep.created_at;
	u->disabled = keep.disabled;
	u->has_activation = true;
	memcpy(u->activation_hash, hash, 32);
	u->activation_expires = (int64_t)time(NULL) + ACTIVATION_SECONDS;
	sodium_memzero(&keep, sizeof keep);
	return STORE_OK;
}

struct outcome account_reset(struct store *st, const struct trust *t, const struct store_user *actor,
                             const char *id, char code[ACTIVATION_CHARS + 1])
{
	if (!strcmp(actor->id, id))
		return OUTCOME(ERR_CONFLICT, NULL, NULL);
	unsigned char hash[32];
	activation_new(code, hash);
	struct change c = { .user_id = id, .apply = apply_reset, .arg = hash, .t = t, .actor = actor,
	                    .action = AUDIT_USER_RESET, .end_sessions = true, .drop_copies = true };
	return run_change(st, &c);
}

/* ---- confirmation ---- */

struct confirm {
	const struct trust *t;
	const struct store_user *actor;
	const unsigned char *actor_sk;
	bool confirm;
};

static int apply_confirm(struct change *c, struct store *st, struct store_user *u)
{
	struct confirm *k = c->arg;
	bool reader_role = strcmp(u->role, "admin") != 0;
	if (!reader_role || !u->has_keys || u->disabled || u->refused || u->pw_version == 0 ||
	    (u->confirmed && trust_chain_ok(k->t, st, u)) || !strcmp(u->id, k->t->root_id))
		return refuse(c, OUTCOME(ERR_CONFLICT, NULL, NULL));
	if (!k->confirm) {
		u->refused = true;
		return STORE_OK;
	}
	cert_sign(u, k->actor->id, SK_SIGN(k->actor_sk), (int64_t)time(NULL));
	u->confirmed = true;
	if (!strcmp(u->role, "supervisor")) {
		/* Write the certificate first: sharing seals only to a verified reader. */
		int rc = st->user_update(st->cls, u);
		if (rc == STORE_OK && !trust_is_reader(k->t, st, u))
			rc = STORE_ERR;
		if (rc == STORE_OK)
			rc = orgkey_share(st, k->actor, k->actor_sk, u);
		return rc;
	}
	return STORE_OK;
}

struct outcome account_confirm(struct store *st, const struct trust *t,
                               const struct store_user *actor, const unsigned char *actor_sk,
                               const char *id, bool confirm, struct store_user *out)
{
	unsigned char sealed[SEALED_ORG_SK_BYTES];
	struct store_org_key key;
	if (!strcmp(actor->id, id))
		return OUTCOME(ERR_FORBIDDEN, NULL, NULL);
	/* Only a confirmed supervisor holding the organisation key may confirm. */
	if (strcmp(actor->role, "supervisor") != 0 || !trust_is_reader(t, st, actor) ||
	    st->org_key_current(st->cls, &key) != STORE_OK ||
	    st->org_copy_get(st->cls, key.id, actor->id, sealed) != STORE_OK)
		return OUTCOME(ERR_FORBIDDEN, NULL, NULL);
	struct confirm k = { t, actor, actor_sk, confirm };
	struct change c = { .user_id = id, .apply = apply_confirm, .arg = &k, .t = t, .actor = actor,
	                    .action = confirm ? AUDIT_USER_CONFIRMED : AUDIT_USER_REFUSED };
	struct outcome o = run_change(st, &c);
	if (!o.failed)
		*out = c.result;
	return o;
}

/* ---- views ---- */

const char *account_state(const struct trust *t, struct store *st, const struct store_user *u)
{
	if (u->disabled)
		return "disabled";
	if (u->pw_version == 0 || !u->has_keys)
		return "activation";
	if (!strcmp(u->role, "admin"))
		return "confirmed";
	if (u->refused)
		return "refused";
	return trust_is_reader(t, st, u) ? "confirmed" : "pending";
}

static json_t *fingerprint_json(const struct store_user *u)
{
	char fp[FINGERPRINT_CHARS + 1];
	if (!u->has_keys)
		return json_null();
	key_fingerprint(u, fp);
	return json_string(fp);
}

json_t *account_item_json(const struct trust *t, struct store *st, const struct store_user *u)
{
	const char *state = account_state(t, st, u);
	char at[32];
	time_t tt = (time_t)u->created_at;
	struct tm tm;
	strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:b,s:o,s:s,s:s}", "id", u->id, "username",
	                 u->username, "name", u->name, "role", u->role, "state", state, "confirmed",
	                 !strcmp(state, "confirmed"), "disabled", u->disabled, "totp_enabled",
	                 u->totp_enabled, "key_fingerprint", fingerprint_json(u), "created_at", at,
	                 "created_by", u->created_by);
}

json_t *account_me_json(const struct trust *t, struct store *st, const struct store_user *u,
                        bool totp_setup_required)
{
	json_t *warnings = json_array();
	bool confirmed = !strcmp(account_state(t, st, u), "confirmed");
	int64_t reseal = 0;
	if (confirmed && !strcmp(u->role, "supervisor")) {
		int holders;
		struct store_org_key old;
		if (orgkey_holders(t, st, &holders) == STORE_OK && holders <= 1)
			json_array_append_new(warnings, json_string("single_org_key_holder"));
		if (st->org_key_retired_in_use(st->cls, &old, &reseal) == STORE_OK && reseal > 0)
			json_array_append_new(warnings, json_string("org_key_reseal_pending"));
	}
	json_t *me = json_pack("{s:s,s:s,s:s,s:s,s:b,s:o,s:b,s:b,s:o}", "id", u->id, "username",
	                       u->username, "name", u->name, "role", u->role, "confirmed", confirmed,
	                       "key_fingerprint", fingerprint_json(u), "totp_enabled",
	                       u->totp_enabled, "totp_setup_required", totp_setup_required,
	                       "warnings", warnings);
	if (me && reseal > 0) /* the progress of re-sealing after an organisation-key rotation */
		json_object_set_new(me, "reseal_remaining", json_integer(reseal));
	return me;
}
