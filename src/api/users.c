/* users.c: staff accounts for the admin (GET, POST /api/v1/staff/users, PATCH …/{id}) and the
 * supervisors' pending queue (GET …/users/pending, POST …/users/{id}/confirm). */
#include <string.h>

#include "accounts/accounts.h"
#include "api/api.h"

struct page {
	const struct trust *t;
	struct store *st;
	json_t *items;
	int64_t skip, take, total;
	bool pending_view;
};

static int add_item(void *arg, const struct store_user *u)
{
	struct page *p = arg;
	if (p->total++ < p->skip || (int64_t)json_array_size(p->items) >= p->take)
		return 0;
	json_t *item;
	if (p->pending_view) {
		char fp[FINGERPRINT_CHARS + 1];
		key_fingerprint(u, fp);
		item = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "id", u->id, "username", u->username,
		                 "name", u->name, "role", u->role, "key_fingerprint", fp, "created_by",
		                 u->created_by);
	} else {
		item = account_item_json(p->t, p->st, u);
	}
	return json_array_append_new(p->items, item);
}

/* A paginated listing of users from `list`. */
static void list_users(struct request *r, int (*list)(void *, store_user_cb, void *), bool pending)
{
	int64_t page, per_page;
	if (req_pagination(r, &page, &per_page) != 0)
		return;
	struct page p = { r->ctx->trust, r->ctx->store, json_array(), (page - 1) * per_page, per_page,
	                  0, pending };
	if (list(r->ctx->store->cls, add_item, &p) != STORE_OK) {
		json_decref(p.items);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)p.total, "page",
	                             (json_int_t)page, "per_page", (json_int_t)per_page, "items",
	                             p.items));
}

void api_users_list(struct request *r)
{
	list_users(r, r->ctx->store->user_list, false);
}

void api_users_pending(struct request *r)
{
	list_users(r, r->ctx->store->users_pending, true);
}

enum { C_USERNAME, C_NAME, C_ROLE };
const struct jfield api_user_create_fields[] = {
	[C_USERNAME] = { "username", J_STRING, true, 1, USERNAME_MAX, false },
	[C_NAME] = { "name", J_STRING, true, 1, 200, false },
	[C_ROLE] = { "role", J_STRING, true, 1, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void api_users_create(struct request *r)
{
	struct store_user u;
	char code[ACTIVATION_CHARS + 1];
	struct outcome o = account_create(r->ctx->store, &r->user, r->in[C_USERNAME].s,
	                                  r->in[C_NAME].s, r->in[C_ROLE].s, &u, code);
	if (o.failed) {
		reply_outcome(r, &o);
		return;
	}
	reply_json(r, 201, json_pack("{s:s,s:s}", "id", u.id, "activation_code", code));
}

enum { U_DISABLED, U_RESET };
const struct jfield api_user_patch_fields[] = {
	[U_DISABLED] = { "disabled", J_BOOL, false, 0, 0, false },
	[U_RESET] = { "reset", J_BOOL, false, 0, 0, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void api_users_patch(struct request *r)
{
	const char *id = r->params[0];
	struct outcome o;
	if (r->present[U_RESET] && r->in[U_RESET].b) {
		char code[ACTIVATION_CHARS + 1];
		o = account_reset(r->ctx->store, r->ctx->trust, &r->user, id, code);
		if (!o.failed)
			reply_json(r, 200, json_pack("{s:s}", "activation_code", code));
	} else if (r->present[U_DISABLED]) {
		struct store_user u;
		o = account_set_disabled(r->ctx->store, r->ctx->trust, &r->user, id,
		                         r->in[U_DISABLED].b, &u);
		if (!o.failed)
			reply_json(r, 200, account_item_json(r->ctx->trust, r->ctx->store, &u));
	} else {
		o = OUTCOME(ERR_MISSING_FIELD, "disabled", NULL);
	}
	if (o.failed)
		reply_outcome(r, &o);
}

const struct jfield api_user_confirm_fields[] = {
	{ "decision", J_STRING, true, 1, 16, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void api_users_confirm(struct request *r)
{
	const char *d = r->in[0].s;
	if (strcmp(d, "confirm") != 0 && strcmp(d, "refuse") != 0) {
		reply_error(r, ERR_INVALID_FIELD, "decision");
		return;
	}
	struct store_user u;
	struct outcome o = account_confirm(r->ctx->store, r->ctx->trust, &r->user, r->sk,
	                                   r->params[0], !strcmp(d, "confirm"), &u);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_json(r, 200, account_item_json(r->ctx->trust, r->ctx->store, &u));
}
