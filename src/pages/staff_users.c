/* staff_users.c: the administrator's accounts page (GET, POST /staff/users, POST
 * /staff/users/{id}) and the supervisors' confirmation queue (GET /staff/pending, POST
 * /staff/pending/{id}), on the account calls that api/users.c uses. */
#include <stdio.h>
#include <string.h>

#include "accounts/accounts.h"
#include "core/policy.h"
#include "pages/pages.h"

/* One account as a row of the table. */
static json_t *row(struct request *r, const struct store_user *u)
{
	char fp[FINGERPRINT_CHARS + 1] = "", created[17], role[64];
	if (u->has_keys)
		key_fingerprint(u, fp);
	staff_time_wib(u->created_at, created);
	snprintf(role, sizeof role, "staff.roles.%s", u->role);
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s,s:s,s:b,s:b}", "id", u->id, "username",
	                      u->username, "name", u->name, "role_label", staff_t(r, role, u->role),
	                      "created_by", u->created_by, "totp", u->totp_enabled, "fingerprint", fp,
	                      "created", created, "self", !strcmp(u->id, r->user.id), "disabled",
	                      u->disabled);
	json_object_update_new(j, staff_state_json(r, u));
	return j;
}

struct listing {
	struct request *r;
	json_t *items;
	int64_t skip, take, total;
};

static int add_row(void *arg, const struct store_user *u)
{
	struct listing *l = arg;
	if (l->total++ < l->skip || (int64_t)json_array_size(l->items) >= l->take)
		return 0;
	return json_array_append_new(l->items, row(l->r, u));
}

/* The accounts page; `extra` (taken over) adds the create form's values or a problem. */
static void users_page(struct request *r, unsigned status, json_t *extra)
{
	struct store *st = r->ctx->store;
	int64_t page, per_page;
	if (req_pagination(r, &page, &per_page) != 0) {
		json_decref(extra);
		return;
	}
	if (!req_query(r, "per_page"))
		per_page = STAFF_PER_PAGE;
	struct listing l = { r, json_array(), (page - 1) * per_page, per_page, 0 };
	if (st->user_list(st->cls, add_row, &l) != STORE_OK) {
		json_decref(l.items);
		json_decref(extra);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *ctx = json_pack("{s:s,s:o,s:I,s:{s:s,s:s,s:s}}", "title",
	                        staff_t(r, "staff.users.title", ""), "users", l.items, "total",
	                        (json_int_t)l.total, "form", "username", "", "name", "", "role",
	                        "investigator");
	json_t *pager = staff_pager(r, "/staff/users?", page, per_page, l.total);
	if (pager)
		json_object_set_new(ctx, "pager", pager);
	const char *done = req_query(r, "done"), *who = req_query(r, "user");
	if (!extra && done && who && policy_username_valid(who) &&
	    (!strcmp(done, "disabled") || !strcmp(done, "enabled"))) {
		char path[64];
		snprintf(path, sizeof path, "staff.users.done.%s", done);
		json_object_set_new(ctx, "notice", staff_fill(r, path, who));
	}
	if (extra)
		json_object_update(ctx, extra);
	json_decref(extra);
	/* The role select, with the chosen role marked. */
	const char *chosen = json_string_value(json_object_get(json_object_get(ctx, "form"), "role"));
	json_t *roles = json_array();
	static const char *const names[] = { "investigator", "supervisor", "leader", "admin" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		char path[64], hint[64];
		snprintf(path, sizeof path, "staff.roles.%s", names[i]);
		snprintf(hint, sizeof hint, "staff.role_hints.%s", names[i]);
		json_array_append_new(roles, json_pack("{s:s,s:s,s:s,s:b}", "value", names[i], "label",
		                                       staff_t(r, path, names[i]), "hint",
		                                       staff_t(r, hint, ""), "selected",
		                                       chosen && !strcmp(chosen, names[i])));
	}
	json_object_set_new(ctx, "roles", roles);
	staff_page(r, status, "staff_users", ctx);
}

void page_staff_users(struct request *r)
{
	users_page(r, 200, NULL);
}

/* A problem above the table or the create form: {problem: {message, bad_<field>}}. */
static json_t *problem(struct request *r, const char *key, const char *field)
{
	json_t *p = json_pack("{s:s}", "message", staff_t(r, key, ""));
	if (field) {
		char bad[32];
		snprintf(bad, sizeof bad, "bad_%s", field);
		json_object_set_new(p, bad, json_true());
	}
	return p;
}

enum { C_USERNAME, C_NAME, C_ROLE };
const struct jfield page_staff_user_create_fields[] = {
	[C_USERNAME] = { "username", J_STRING, false, 0, USERNAME_MAX, false },
	[C_NAME] = { "name", J_STRING, false, 0, 200, false },
	[C_ROLE] = { "role", J_STRING, false, 0, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

/* The activation code, shown once, for a new or reset account. */
static void code_page(struct request *r, const struct store_user *u, const char *code, bool reset)
{
	char role[64];
	snprintf(role, sizeof role, "staff.roles.%s", u->role);
	json_t *ctx = json_pack("{s:s,s:s,s:o,s:s,s:s,s:s,s:b,s:b}", "title",
	                        staff_t(r, reset ? "staff.code.title_reset" : "staff.code.title", ""),
	                        "code", code, "code_groups", staff_groups(code), "for_username",
	                        u->username, "for_name", u->name, "for_role",
	                        staff_t(r, role, u->role), "reset", reset, "reader",
	                        strcmp(u->role, "admin") != 0);
	staff_page(r, 200, "staff_code", ctx);
}

void page_staff_users_create(struct request *r)
{
	const char *username = staff_in(r, C_USERNAME), *name = staff_in(r, C_NAME),
	           *role = staff_in(r, C_ROLE);
	json_t *form = json_pack("{s:s,s:s,s:s}", "username", username, "name", name, "role", role);
	const char *missing = !*username ? "username" : !*name ? "name" : !*role ? "role" : NULL;
	if (missing) {
		users_page(r, 400, json_pack("{s:o,s:o}", "form", form, "create_problem",
		                             problem(r, "staff.users.errors.missing", missing)));
		return;
	}
	struct store_user u;
	char code[ACTIVATION_CHARS + 1];
	struct outcome o = account_create(r->ctx->store, &r->user, username, name, role, &u, code);
	if (!o.failed) {
		json_decref(form);
		code_page(r, &u, code, false);
		sodium_memzero(code, sizeof code);
		return;
	}
	const char *key = o.err == ERR_CONFLICT ? "staff.users.errors.taken"
	                : o.err != ERR_INVALID_FIELD ? NULL
	                : !o.field || !strcmp(o.field, "username") ? "staff.users.errors.username"
	                : !strcmp(o.field, "name") ? "staff.users.errors.name" : "staff.users.errors.role";
	if (!key) {
		json_decref(form);
		reply_outcome(r, &o);
		return;
	}
	users_page(r, err_status(o.err), json_pack("{s:o,s:o}", "form", form, "create_problem",
	                                           problem(r, key, o.field ? o.field : "username")));
}

const struct jfield page_staff_user_action_fields[] = {
	{ "action", J_STRING, false, 0, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void page_staff_users_action(struct request *r)
{
	struct store *st = r->ctx->store;
	const char *action = staff_in(r, 0), *id = r->params[0];
	struct store_user u;
	struct outcome o;
	if (!strcmp(action, "reset")) {
		char code[ACTIVATION_CHARS + 1];
		int rc = st->user_by_id(st->cls, id, &u);
		if (rc != STORE_OK) {
			reply_error(r, rc == STORE_NONE ? ERR_NOT_FOUND : ERR_UNAVAILABLE, NULL);
			return;
		}
		o = account_reset(st, r->ctx->trust, &r->user, id, code);
		if (!o.failed) {
			code_page(r, &u, code, true);
			sodium_memzero(code, sizeof code);
			return;
		}
	} else if (!strcmp(action, "disable") || !strcmp(action, "enable")) {
		bool disable = !strcmp(action, "disable");
		o = account_set_disabled(st, r->ctx->trust, &r->user, id, disable, &u);
		if (!o.failed) {
			char q[128];
			snprintf(q, sizeof q, "done=%s&user=%s", disable ? "disabled" : "enabled",
			         policy_username_valid(u.username) ? u.username : "");
			staff_redirect(r, "/staff/users", q);
			return;
		}
	} else {
		o = OUTCOME(ERR_INVALID_FIELD, "action", NULL);
	}
	if (o.err == ERR_CONFLICT || o.err == ERR_INVALID_FIELD)
		users_page(r, err_status(o.err), json_pack("{s:o}", "problem",
		                                           problem(r, "staff.users.errors.action", NULL)));
	else
		reply_outcome(r, &o);
}

/* ---- the confirmation queue ---- */

static int add_pending(void *arg, const struct store_user *u)
{
	struct listing *l = arg;
	l->total++;
	return json_array_append_new(l->items, row(l->r, u));
}

/* Whether the signed-in supervisor may confirm: confirmed and holding the organisation key. */
static bool can_decide(struct request *r)
{
	struct store *st = r->ctx->store;
	struct store_org_key key;
	unsigned char sealed[SEALED_ORG_SK_BYTES];
	return trust_is_reader(r->ctx->trust, st, &r->user) &&
	       st->org_key_current(st->cls, &key) == STORE_OK &&
	       st->org_copy_get(st->cls, key.id, r->user.id, sealed) == STORE_OK;
}

static void pending_page(struct request *r, unsigned status, json_t *extra)
{
	struct store *st = r->ctx->store;
	struct listing l = { r, json_array(), 0, 0, 0 };
	if (st->users_pending(st->cls, add_pending, &l) != STORE_OK) {
		json_decref(l.items);
		json_decref(extra);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	char fp[FINGERPRINT_CHARS + 1] = "";
	if (r->user.has_keys)
		key_fingerprint(&r->user, fp);
	json_t *ctx = json_pack("{s:s,s:o,s:I,s:b,s:s}", "title",
	                        staff_t(r, "staff.pending.title", ""), "accounts", l.items, "total",
	                        (json_int_t)l.total, "can_decide", can_decide(r), "my_fingerprint", fp);
	const char *done = req_query(r, "done"), *who = req_query(r, "user");
	if (!extra && done && who && policy_username_valid(who) &&
	    (!strcmp(done, "confirmed") || !strcmp(done, "refused"))) {
		char path[64];
		snprintf(path, sizeof path, "staff.pending.done.%s", done);
		json_object_set_new(ctx, "notice", staff_fill(r, path, who));
	}
	if (extra)
		json_object_update(ctx, extra);
	json_decref(extra);
	staff_page(r, status, "staff_pending", ctx);
}

void page_staff_pending(struct request *r)
{
	pending_page(r, 200, NULL);
}

const struct jfield page_staff_pending_fields[] = {
	{ "decision", J_STRING, false, 0, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void page_staff_pending_decide(struct request *r)
{
	const char *d = staff_in(r, 0);
	struct store_user u;
	struct outcome o;
	if (strcmp(d, "confirm") != 0 && strcmp(d, "refuse") != 0)
		o = OUTCOME(ERR_INVALID_FIELD, "decision", NULL);
	else
		o = account_confirm(r->ctx->store, r->ctx->trust, &r->user, r->sk, r->params[0],
		                    !strcmp(d, "confirm"), &u);
	if (!o.failed) {
		char q[128];
		snprintf(q, sizeof q, "done=%s&user=%s", !strcmp(d, "confirm") ? "confirmed" : "refused",
		         policy_username_valid(u.username) ? u.username : "");
		staff_redirect(r, "/staff/pending", q);
		return;
	}
	const char *key = o.err == ERR_FORBIDDEN ? "staff.pending.errors.forbidden"
	                : o.err == ERR_CONFLICT || o.err == ERR_NOT_FOUND
	                ? "staff.pending.errors.conflict"
	                : o.err == ERR_INVALID_FIELD ? "staff.pending.errors.decision" : NULL;
	if (!key)
		reply_outcome(r, &o);
	else
		pending_page(r, err_status(o.err), json_pack("{s:o}", "problem", problem(r, key, NULL)));
}
