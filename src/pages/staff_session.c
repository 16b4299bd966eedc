/* staff_session.c: GET, POST /staff/login, POST /staff/logout and GET /staff (the staff home):
 * the page counterparts of api/staff_session.c, on the same account calls. */
#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "accounts/settings.h"
#include "audit/audit.h"
#include "core/log.h"
#include "http/session.h"
#include "pages/pages.h"
#include "reports/cases.h"

enum { L_USERNAME, L_PASSWORD, L_TOTP };
const struct jfield page_staff_login_fields[] = {
	[L_USERNAME] = { "username", J_STRING, false, 0, USERNAME_MAX, false },
	[L_PASSWORD] = { "password", J_STRING, false, 0, 1024, true },
	[L_TOTP] = { "totp", J_STRING, false, 0, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

/* The sign-in form. After a failure: `problem` (a message, taken over), `totp` (ask for the
 * code) and `bad_code` (the code given was wrong). The password is never put back. */
static void login_form(struct request *r, unsigned status, const char *username,
                       json_t *problem, bool totp, bool bad_code)
{
	json_t *ctx = json_pack("{s:s,s:s,s:b,s:b}", "title", staff_t(r, "staff.login.title", ""),
	                        "username", username, "totp_needed", totp, "focus_username",
	                        !*username);
	if (problem) /* being asked for the code is a next step, not a mistake */
		json_object_set_new(ctx, "problem", json_pack("{s:o,s:b}", "message", problem, "soft",
		                                              totp && !bad_code));
	const char *saved = req_query(r, "saved"), *out = req_query(r, "out");
	if (!problem && saved)
		json_object_set_new(ctx, "notice", json_string(staff_t(r, "staff.login.activated", "")));
	else if (!problem && out)
		json_object_set_new(ctx, "notice", json_string(staff_t(r, "staff.login.signed_out", "")));
	staff_page(r, status, "staff_login", ctx);
}

void page_staff_login(struct request *r)
{
	login_form(r, 200, "", NULL, false, false);
}

void page_staff_login_post(struct request *r)
{
	const char *username = staff_in(r, L_USERNAME), *password = staff_in(r, L_PASSWORD);
	char code[8];
	staff_totp_code(staff_in(r, L_TOTP), code);
	if (!*username || !*password) {
		login_form(r, 400, username, json_string(staff_t(r, "staff.login.missing", "")), false,
		           false);
		return;
	}
	struct store *st = r->ctx->store;
	unsigned retry;
	unsigned char *sk = sk_alloc();
	if (!sk) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	/* A typed code that is not six digits is still sent, so it counts as a wrong one. */
	const char *typed = staff_in(r, L_TOTP);
	struct outcome o = account_login(st, username, password, *code ? code : *typed ? typed : NULL,
	                                 &r->user, sk, &retry);
	char token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	if (!o.failed && session_begin(r, sk, token, csrf) == 0) {
		sodium_memzero(token, sizeof token);
		/* Each supervisor sign-in co-signs the audit trail's head with their own key. */
		if (!strcmp(r->user.role, "supervisor") && trust_chain_ok(r->ctx->trust, st, &r->user) &&
		    audit_sign_supervisor(st, r->user.id, SK_SIGN(sk)) != STORE_OK)
			log_error("login: could not co-sign the audit trail");
		staff_redirect(r, "/staff", NULL);
	} else if (o.failed) {
		switch (o.err) {
		case ERR_TOTP_REQUIRED:
			login_form(r, 401, username, json_string(staff_t(r, "staff.login.totp_required", "")),
			           true, false);
			break;
		case ERR_TOTP_INVALID:
			login_form(r, 401, username, json_string(staff_t(r, "staff.login.totp_invalid", "")),
			           true, true);
			break;
		case ERR_UNAUTHENTICATED:
			login_form(r, 401, username, json_string(staff_t(r, "staff.login.failed", "")), false,
			           false);
			break;
		case ERR_RATE_LIMITED: {
			char s[16], n[16];
			snprintf(s, sizeof s, "%u", retry);
			bool minutes = retry > 90;
			snprintf(n, sizeof n, "%u", minutes ? (retry + 59) / 60 : retry);
			login_form(r, 429, username,
			           staff_fill(r, minutes ? "staff.login.wait_minutes" : "staff.login.wait_seconds",
			                      n), false, false);
			reply_header(r, "Retry-After", s);
			break;
		}
		default:
			reply_outcome(r, &o);
		}
	}
	sodium_free(sk);
}

void page_staff_logout(struct request *r)
{
	if (session_end(r) == 0)
		staff_redirect(r, "/staff/login", "out=1");
}

static int count_user(void *arg, const struct store_user *u)
{
	(void)u;
	++*(int *)arg;
	return 0;
}

void page_staff_home(struct request *r)
{
	struct store *st = r->ctx->store;
	const char *role = r->user.role;
	int64_t left = 0;
	if (!strcmp(role, "supervisor") && r->sk) /* this session re-seals what a rotation left */
		orgkey_reseal(st, &r->user, r->sk, 500, &left);
	json_t *me = account_me_json(r->ctx->trust, st, &r->user, r->totp_setup_required);
	json_t *state = staff_state_json(r, &r->user);
	const char *s = json_string_value(json_object_get(state, "state"));
	bool single_holder = false;
	size_t i;
	json_t *w;
	json_array_foreach(json_object_get(me, "warnings"), i, w)
		single_holder |= !strcmp(json_string_value(w), "single_org_key_holder");
	bool admin = !strcmp(role, "admin"), supervisor = !strcmp(role, "supervisor");
	json_t *ctx = json_pack("{s:s,s:o,s:O,s:b,s:b,s:b,s:b,s:b,s:b,s:b,s:b}", "title",
	                        staff_t(r, "staff.home.title", ""), "account", state, "fingerprint",
	                        json_object_get(me, "key_fingerprint"), "is_admin", admin,
	                        "is_supervisor", supervisor, "is_reader", !admin, "pending",
	                        !strcmp(s, "pending"), "refused", !strcmp(s, "refused"),
	                        "confirmed_reader", !admin && !strcmp(s, "confirmed"),
	                        "single_holder", single_holder, "totp_setup_required",
	                        r->totp_setup_required);
	json_int_t remaining = json_integer_value(json_object_get(me, "reseal_remaining"));
	if (remaining > 0)
		json_object_set_new(ctx, "reseal_remaining", json_integer(remaining));
	json_decref(me);
	if (supervisor) {
		int n = 0;
		if (st->users_pending(st->cls, count_user, &n) == STORE_OK)
			json_object_set_new(ctx, "pending_count", json_integer(n));
		json_object_set_new(ctx, "identity_count", json_integer(case_identity_pending(r)));
	}
	staff_page(r, 200, "staff_home", ctx);
}
