/* staff_account.c: GET /staff/account (one's own account and key fingerprint) and its forms:
 * POST /staff/account/password, /totp (begin enrolment), /totp/confirm and /totp/disable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/accounts.h"
#include "accounts/settings.h"
#include "pages/pages.h"

/* The account page; `extra` (taken over) adds a form's problem or the enrolment. */
static void account_page(struct request *r, unsigned status, json_t *extra)
{
	const struct store_user *u = &r->user;
	char fp[FINGERPRINT_CHARS + 1] = "", created[17], role[64];
	if (u->has_keys)
		key_fingerprint(u, fp);
	staff_time_wib(u->created_at, created);
	snprintf(role, sizeof role, "staff.roles.%s", u->role);
	json_t *ctx = json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s},s:o,s:b,s:b,s:b}", "title",
	                        staff_t(r, "staff.account.title", ""), "profile", "name", u->name,
	                        "username", u->username, "role_label", staff_t(r, role, u->role),
	                        "fingerprint", fp, "created", created, "account",
	                        staff_state_json(r, u), "totp_enabled", u->totp_enabled,
	                        "totp_pending", u->totp_pending_set && !u->totp_enabled,
	                        "totp_setup_required", r->totp_setup_required);
	const char *done = req_query(r, "done");
	static const char *const notices[] = { "password", "totp_on", "totp_off", NULL };
	for (int i = 0; done && !extra && notices[i]; i++)
		if (!strcmp(done, notices[i])) {
			char path[64];
			snprintf(path, sizeof path, "staff.account.done.%s", done);
			json_object_set_new(ctx, "notice", json_string(staff_t(r, path, "")));
		}
	if (extra)
		json_object_update(ctx, extra);
	json_decref(extra);
	staff_page(r, status, "staff_account", ctx);
}

void page_staff_account(struct request *r)
{
	account_page(r, 200, NULL);
}

/* A form's problem: {key: {message, bad_<field>: true}}. */
static json_t *problem(const char *key, const char *message, const char *field)
{
	json_t *p = json_pack("{s:s}", "message", message);
	if (field) {
		char bad[32];
		snprintf(bad, sizeof bad, "bad_%s", field);
		json_object_set_new(p, bad, json_true());
	}
	return json_pack("{s:o}", key, p);
}

enum { P_OLD, P_NEW, P_NEW2 };
const struct jfield page_staff_password_fields[] = {
	[P_OLD] = { "old", J_STRING, false, 0, 1024, true },
	[P_NEW] = { "new", J_STRING, false, 0, 1024, true },
	[P_NEW2] = { "new2", J_STRING, false, 0, 1024, true },
	{ NULL, J_STRING, false, 0, 0, false },
};

void page_staff_password_post(struct request *r)
{
	const char *old = staff_in(r, P_OLD), *pw = staff_in(r, P_NEW), *pw2 = staff_in(r, P_NEW2);
	const char *missing = !*old ? "old" : !*pw ? "new" : !*pw2 ? "new2" : NULL;
	if (missing) {
		account_page(r, 400, problem("password_problem",
		                             staff_t(r, "staff.account.password.missing", ""), missing));
		return;
	}
	if (strcmp(pw, pw2) != 0) {
		account_page(r, 400, problem("password_problem",
		                             staff_t(r, "staff.account.password.mismatch", ""), "new2"));
		return;
	}
	struct outcome o = account_change_password(r->ctx->store, &r->user, r->sk, old, pw, r->lang);
	if (!o.failed)
		staff_redirect(r, "/staff/account", "done=password");
	else if (o.err == ERR_INVALID_FIELD)
		account_page(r, 400, problem("password_problem", o.message ? o.message
		                             : err_message(o.err, r->lang), o.field));
	else
		reply_outcome(r, &o);
}

void page_staff_totp_begin(struct request *r)
{
	char secret[33], uri[512];
	struct settings s;
	settings_get(&s);
	struct outcome o = account_totp_begin(r->ctx->store, &r->user, s.instance_name, secret, uri);
	if (o.failed) {
		if (o.err == ERR_CONFLICT) /* already on: the page shows it */
			staff_redirect(r, "/staff/account", NULL);
		else
			reply_outcome(r, &o);
		return;
	}
	char *svg = qr_svg(uri);
	char grouped[48];
	size_t n = 0;
	for (size_t i = 0; secret[i] && n + 2 < sizeof grouped; i++) {
		if (i && i % 4 == 0)
			grouped[n++] = ' ';
		grouped[n++] = secret[i];
	}
	grouped[n] = '\0';
	json_t *enrol = json_pack("{s:{s:s?,s:s,s:o}}", "enrol", "qr_svg", svg, "secret", grouped,
	                          "secret_groups", staff_groups(grouped));
	free(svg);
	sodium_memzero(secret, sizeof secret);
	sodium_memzero(grouped, sizeof grouped);
	sodium_memzero(uri, sizeof uri);
	r->user.totp_pending_set = true;
	account_page(r, 200, enrol);
}

const struct jfield page_staff_code_fields[] = {
	{ "code", J_STRING, false, 0, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

/* Confirms (enable) or turns off the second factor with a code. */
static void totp_code(struct request *r, bool enable)
{
	char code[8];
	staff_totp_code(staff_in(r, 0), code);
	struct outcome o;
	if (!*code)
		o = OUTCOME(ERR_INVALID_FIELD, "code", NULL);
	else if (enable)
		o = account_totp_confirm(r->ctx->store, &r->user, r->sk, code);
	else
		o = account_totp_disable(r->ctx->store, &r->user, r->sk, code);
	if (!o.failed) {
		staff_redirect(r, "/staff/account", enable ? "done=totp_on" : "done=totp_off");
		return;
	}
	const char *why = o.err == ERR_INVALID_FIELD ? "staff.account.totp.code_wrong"
	                : o.err == ERR_CONFLICT ? "staff.account.totp.conflict" : NULL;
	if (!why) {
		reply_outcome(r, &o);
		return;
	}
	account_page(r, o.err == ERR_CONFLICT ? 409 : 400,
	             problem("totp_problem", staff_t(r, why, ""), "code"));
}

void page_staff_totp_confirm(struct request *r)
{
	totp_code(r, true);
}

void page_staff_totp_disable(struct request *r)
{
	totp_code(r, false);
}
