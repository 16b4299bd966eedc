/* staff_session.c: POST /api/v1/staff/login, POST /api/v1/staff/logout, GET /api/v1/staff/me. */
#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "accounts/settings.h"
#include "api/api.h"
#include "audit/audit.h"
#include "core/log.h"
#include "http/session.h"

enum { F_USERNAME, F_PASSWORD, F_TOTP };
const struct jfield api_login_fields[] = {
	[F_USERNAME] = { "username", J_STRING, true, 1, USERNAME_MAX, false },
	[F_PASSWORD] = { "password", J_STRING, true, 1, 1024, true },
	[F_TOTP] = { "totp", J_STRING, false, 0, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

/* A supervisor's session re-seals, a batch at a time, what a rotation left on a retired
 * organisation key (SECURITY.md threat 6); <me> shows how much is left. */
#define RESEAL_BATCH 500

static void reseal_batch(struct request *r, const unsigned char *sk)
{
	int64_t left;
	if (sk && !strcmp(r->user.role, "supervisor") &&
	    orgkey_reseal(r->ctx->store, &r->user, sk, RESEAL_BATCH, &left) != STORE_OK)
		log_error("could not re-seal report keys to the new organisation key");
}

void api_staff_login(struct request *r)
{
	struct store *st = r->ctx->store;
	unsigned retry;
	unsigned char *sk = sk_alloc();
	if (!sk) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	struct outcome o = account_login(st, r->in[F_USERNAME].s, r->in[F_PASSWORD].s,
	                                 r->present[F_TOTP] ? r->in[F_TOTP].s : NULL, &r->user, sk,
	                                 &retry);
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	if (o.failed) {
		reply_outcome(r, &o);
		if (o.err == ERR_RATE_LIMITED) {
			char s[16];
			snprintf(s, sizeof s, "%u", retry);
			reply_header(r, "Retry-After", s);
		}
	} else if (session_begin(r, sk, token, csrf) == 0) {
		/* Each supervisor sign-in co-signs the audit trail's head with their own key. */
		if (!strcmp(r->user.role, "supervisor") && trust_chain_ok(r->ctx->trust, st, &r->user) &&
		    audit_sign_supervisor(st, r->user.id, SK_SIGN(sk)) != STORE_OK)
			log_error("login: could not co-sign the audit trail");
		reseal_batch(r, sk);
		struct settings s;
		settings_get(&s);
		bool setup = settings_totp_required(&s, r->user.role) && !r->user.totp_enabled;
		reply_json(r, 200, json_pack("{s:s,s:s,s:o}", "token", token, "csrf", csrf, "user",
		                             account_me_json(r->ctx->trust, st, &r->user, setup)));
		sodium_memzero(token, sizeof token);
	}
	sodium_free(sk);
}

void api_staff_logout(struct request *r)
{
	if (session_end(r) == 0)
		reply_empty(r, 204);
}

void api_staff_me(struct request *r)
{
	reseal_batch(r, r->sk);
	reply_json(r, 200, account_me_json(r->ctx->trust, r->ctx->store, &r->user,
	                                   r->totp_setup_required));
}
