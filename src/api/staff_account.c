/* staff_account.c: activation, recovery, own password and second factor:
 * POST /api/v1/staff/activate, /recover, /me/password, /me/totp, /me/totp/confirm and
 * DELETE /api/v1/staff/me/totp. */
#include <stdio.h>

#include "accounts/accounts.h"
#include "accounts/settings.h"
#include "api/api.h"

enum { A_USERNAME, A_CODE, A_PASSWORD };
const struct jfield api_activate_fields[] = {
	[A_USERNAME] = { "username", J_STRING, true, 1, USERNAME_MAX, false },
	[A_CODE] = { "activation_code", J_STRING, true, 1, 64, false },
	[A_PASSWORD] = { "password", J_STRING, true, 1, 1024, true },
	{ NULL, J_STRING, false, 0, 0, false },
};

void api_staff_activate(struct request *r)
{
	char recovery[RECOVERY_CHARS + 1];
	struct outcome o = account_activate(r->ctx->store, r->in[A_USERNAME].s, r->in[A_CODE].s,
	                                    r->in[A_PASSWORD].s, r->lang, recovery);
	if (o.failed) {
		reply_outcome(r, &o);
		return;
	}
	reply_json(r, 200, json_pack("{s:s}", "recovery_key", recovery));
	sodium_memzero(recovery, sizeof recovery);
}

enum { R_USERNAME, R_KEY, R_PASSWORD, R_TOTP };
const struct jfield api_recover_fields[] = {
	[R_USERNAME] = { "username", J_STRING, true, 1, USERNAME_MAX, false },
	[R_KEY] = { "recovery_key", J_STRING, true, 1, 128, false },
	[R_PASSWORD] = { "password", J_STRING, true, 1, 1024, true },
	[R_TOTP] = { "totp", J_STRING, false, 0, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void api_staff_recover(struct request *r)
{
	unsigned retry;
	struct outcome o = account_recover(r->ctx->store, r->in[R_USERNAME].s, r->in[R_KEY].s,
	                                   r->in[R_PASSWORD].s,
	                                   r->present[R_TOTP] ? r->in[R_TOTP].s : NULL, r->lang,
	                                   &retry);
	if (!o.failed) {
		reply_empty(r, 204);
		return;
	}
	reply_outcome(r, &o);
	if (o.err == ERR_RATE_LIMITED) {
		char s[16];
		snprintf(s, sizeof s, "%u", retry);
		reply_header(r, "Retry-After", s);
	}
}

enum { P_OLD, P_NEW };
const struct jfield api_password_fields[] = {
	[P_OLD] = { "old", J_STRING, true, 1, 1024, true },
	[P_NEW] = { "new", J_STRING, true, 1, 1024, true },
	{ NULL, J_STRING, false, 0, 0, false },
};

void api_staff_password(struct request *r)
{
	struct outcome o = account_change_password(r->ctx->store, &r->user, r->sk, r->in[P_OLD].s,
	                                           r->in[P_NEW].s, r->lang);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_empty(r, 204);
}

void api_staff_totp_begin(struct request *r)
{
	char secret[33], uri[512];
	struct settings s;
	settings_get(&s);
	struct outcome o = account_totp_begin(r->ctx->store, &r->user, s.instance_name, secret, uri);
	if (o.failed) {
		reply_outcome(r, &o);
		return;
	}
	char *svg = qr_svg(uri);
	json_t *body = json_pack("{s:s,s:s,s:s?}", "secret", secret, "uri", uri, "qr_svg", svg);
	free(svg);
	reply_json(r, 200, body);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(uri, sizeof uri);
}

const struct jfield api_totp_code_fields[] = {
	{ "code", J_STRING, true, 1, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void api_staff_totp_confirm(struct request *r)
{
	struct outcome o = account_totp_confirm(r->ctx->store, &r->user, r->sk, r->in[0].s);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_empty(r, 204);
}

void api_staff_totp_disable(struct request *r)
{
	struct outcome o = account_totp_disable(r->ctx->store, &r->user, r->sk, r->in[0].s);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_empty(r, 204);
}
