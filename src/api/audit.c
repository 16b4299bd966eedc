/* audit.c: GET /api/v1/staff/audit (the trail, newest first) and
 * GET /api/v1/staff/audit/verify, for admins and supervisors. */
#include <string.h>

#include "accounts/trust.h"
#include "api/api.h"
#include "audit/audit.h"
#include "core/timeutil.h"

static int add_entry(void *arg, const struct store_audit *e)
{
	char at[21], hash[65];
	time_rfc3339(e->at, at);
	sodium_bin2hex(hash, sizeof hash, e->hash, sizeof e->hash);
	json_t *actor = e->actor_id[0] ? json_pack("{s:s,s:s}", "id", e->actor_id, "username", e->actor)
	                               : json_null();
	return json_array_append_new(
		arg, json_pack("{s:I,s:o,s:o,s:s,s:s,s:s,s:s}", "seq", (json_int_t)e->seq, "at",
		               e->at ? json_string(at) : json_null(), "actor", actor, "action", e->action,
		               "subject", e->subject, "detail", e->detail, "hash", hash));
}

/* Reads ?from= / ?to= as WIB dates into the filter. Returns 0, or -1 after replying 400. */
static int date_filter(struct request *r, const char *name, bool end, int64_t *out)
{
	const char *v = req_query(r, name);
	if (!v)
		return 0;
	if (time_parse_wib_date(v, out) != 0) {
		reply_error(r, ERR_INVALID_FIELD, name);
		return -1;
	}
	if (end)
		*out += 24 * 3600 - 1;
	return 0;
}

void api_audit_list(struct request *r)
{
	const struct store *st = r->ctx->store;
	int64_t page, per_page, total;
	struct store_audit_filter f = { .actor = req_query(r, "actor"),
	                                .action = req_query(r, "action"),
	                                .subject = req_query(r, "case") };
	if (req_pagination(r, &page, &per_page) != 0 || date_filter(r, "from", false, &f.from) != 0 ||
	    date_filter(r, "to", true, &f.to) != 0)
		return;
	if (f.action && !audit_action_valid(f.action)) {
		reply_error(r, ERR_INVALID_FIELD, "action");
		return;
	}
	json_t *items = json_array();
	if (st->audit_page(st->cls, &f, (page - 1) * per_page, per_page, add_entry, items, &total) !=
	    STORE_OK) {
		json_decref(items);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	reply_json(r, 200, json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)total, "page",
	                             (json_int_t)page, "per_page", (json_int_t)per_page, "items",
	                             items));
}

void api_audit_verify(struct request *r)
{
	struct audit_verdict v;
	if (trust_audit_verify(r->ctx->trust, r->ctx->store, r->ctx->keys, &v) != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	reply_json(r, 200, audit_verdict_json(&v));
}
