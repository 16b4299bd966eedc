/* staff_activate.c: GET, POST /staff/activate: a new account chooses its password with the
 * activation code an administrator gave it, and sees its recovery key once. */
#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "pages/pages.h"

enum { A_USERNAME, A_CODE, A_PASSWORD, A_PASSWORD2 };
const struct jfield page_staff_activate_fields[] = {
	[A_USERNAME] = { "username", J_STRING, false, 0, USERNAME_MAX, false },
	[A_CODE] = { "activation_code", J_STRING, false, 0, 64, false },
	[A_PASSWORD] = { "password", J_STRING, false, 0, 1024, true },
	[A_PASSWORD2] = { "password2", J_STRING, false, 0, 1024, true },
	{ NULL, J_STRING, false, 0, 0, false },
};

/* The form, with what was typed (never the passwords) and the problem, if any, at `field`. */
static void form(struct request *r, unsigned status, const char *message, const char *field)
{
	json_t *ctx = json_pack("{s:s,s:s,s:s}", "title", staff_t(r, "staff.activate.title", ""),
	                        "username", staff_in(r, A_USERNAME), "activation_code",
	                        staff_in(r, A_CODE));
	if (message) {
		json_object_set_new(ctx, "problem", json_pack("{s:s}", "message", message));
		if (field) {
			char key[32];
			snprintf(key, sizeof key, "bad_%s", field);
			json_object_set_new(ctx, key, json_true());
		}
	}
	staff_page(r, status, "staff_activate", ctx);
}

void page_staff_activate(struct request *r)
{
	form(r, 200, NULL, NULL);
}

void page_staff_activate_post(struct request *r)
{
	const char *username = staff_in(r, A_USERNAME), *code = staff_in(r, A_CODE),
	           *pw = staff_in(r, A_PASSWORD), *pw2 = staff_in(r, A_PASSWORD2);
	const char *missing = !*username ? "username" : !*code ? "activation_code"
	                    : !*pw ? "password" : !*pw2 ? "password2" : NULL;
	if (missing) {
		form(r, 400, staff_t(r, "staff.activate.missing", ""), missing);
		return;
	}
	if (strcmp(pw, pw2) != 0) {
		form(r, 400, staff_t(r, "staff.activate.mismatch", ""), "password2");
		return;
	}
	char recovery[RECOVERY_CHARS + 1];
	struct outcome o = account_activate(r->ctx->store, username, code, pw, r->lang, recovery);
	if (o.failed) {
		if (o.err == ERR_ACTIVATION_INVALID)
			form(r, 400, staff_t(r, "staff.activate.invalid", ""), "activation_code");
		else if (o.err == ERR_INVALID_FIELD)
			form(r, 400, o.message ? o.message : err_message(o.err, r->lang), "password");
		else
			reply_outcome(r, &o);
		return;
	}
	json_t *ctx = json_pack("{s:s,s:s,s:o}", "title", staff_t(r, "staff.activated.title", ""),
	                        "recovery_key", recovery, "recovery_groups", staff_groups(recovery));
	sodium_memzero(recovery, sizeof recovery);
	staff_page(r, 200, "staff_activated", ctx);
}
