/* staff_audit.c: GET /staff/audit: the audit trail, newest first, with filters and pages, and
 * the verdict of verifying the whole chain (the same calls as api/audit.c). */
#include <stdio.h>
#include <string.h>

#include "accounts/trust.h"
#include "audit/audit.h"
#include "core/refdata.h"
#include "core/timeutil.h"
#include "pages/pages.h"

struct rows {
	struct request *r;
	json_t *items;
	const json_t *labels;
};

static int add_row(void *arg, const struct store_audit *e)
{
	struct rows *w = arg;
	char at[17];
	staff_time_wib(e->at, at);
	const json_t *label = json_object_get(w->labels, e->action);
	return json_array_append_new(
		w->items, json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s}", "seq", (json_int_t)e->seq, "at", at,
		                    "actor", e->actor, "action", e->action, "action_label",
		                    json_is_string(label) ? json_string_value(label) : e->action,
		                    "subject", e->subject, "detail", e->detail));
}

/* A filter from the query: NULL when absent or empty. */
static const char *filter(struct request *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

/* The verifier's reason in the page's language (audit.c words it in English). */
static const char *reason(struct request *r, const char *why)
{
	static const struct {
		const char *start, *key;
	} known[] = {
		{ "entry missing", "gap" },        { "entry out of order", "order" },
		{ "does not link", "link" },       { "content does not match", "edited" },
		{ "a signed entry is missing", "cut" }, { "signed by someone", "untrusted" },
		{ "the server's signature", "server_sig" },
		{ "a supervisor's signature", "supervisor_sig" },
	};
	if (!why)
		return "";
	for (size_t i = 0; i < sizeof known / sizeof *known; i++)
		if (!strncmp(why, known[i].start, strlen(known[i].start))) {
			char path[64];
			snprintf(path, sizeof path, "staff.audit.why.%s", known[i].key);
			return staff_t(r, path, why);
		}
	return why;
}

static json_t *verdict(struct request *r)
{
	struct audit_verdict v;
	if (trust_audit_verify(r->ctx->trust, r->ctx->store, r->ctx->keys, &v) != STORE_OK)
		return json_pack("{s:b}", "unavailable", true);
	char n[24];
	snprintf(n, sizeof n, "%lld", (long long)v.first_bad);
	return json_pack("{s:b,s:I,s:o,s:s,s:I,s:I,s:b}", "ok", v.ok, "entries",
	                 (json_int_t)v.entries, "broken_at", staff_fill(r, "staff.audit.broken", n),
	                 "why", reason(r, v.why), "supervisor_through",
	                 (json_int_t)v.supervisor_signed_through, "server_through",
	                 (json_int_t)v.server_signed_through, "no_supervisor",
	                 v.supervisor_signed_through == 0);
}

void page_staff_audit(struct request *r)
{
	const struct store *st = r->ctx->store;
	int64_t page, per_page, total = 0;
	if (req_pagination(r, &page, &per_page) != 0)
		return;
	if (!req_query(r, "per_page"))
		per_page = STAFF_PER_PAGE;
	struct store_audit_filter f = { .actor = filter(r, "actor"), .action = filter(r, "action"),
	                                .subject = filter(r, "case") };
	const char *from = filter(r, "from"), *to = filter(r, "to"), *bad = NULL;
	if (from && time_parse_wib_date(from, &f.from) != 0)
		bad = "from";
	else if (to && time_parse_wib_date(to, &f.to) != 0)
		bad = "to";
	else if (f.action && !audit_action_valid(f.action))
		bad = "action";
	if (to && !bad)
		f.to += 24 * 3600 - 1; /* the whole day */
	const json_t *labels = json_object_get(
		json_object_get(json_object_get(refdata_strings(r->lang), "staff"), "audit"), "actions");
	struct rows w = { r, json_array(), labels };
	if (!bad && st->audit_page(st->cls, &f, (page - 1) * per_page, per_page, add_row, &w,
	                           &total) != STORE_OK) {
		json_decref(w.items);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	json_t *actions = json_array();
	for (int a = 0; a < AUDIT_ACTION_COUNT; a++) {
		const char *code = audit_action_name((enum audit_action)a);
		const json_t *label = json_object_get(labels, code);
		json_array_append_new(actions, json_pack("{s:s,s:s,s:b}", "value", code, "label",
		                                         json_is_string(label) ? json_string_value(label)
		                                                               : code,
		                                         "selected", f.action && !strcmp(f.action, code)));
	}
	json_t *ctx = json_pack("{s:s,s:o,s:I,s:o,s:{s:s,s:s,s:s,s:s},s:o,s:b}", "title",
	                        staff_t(r, "staff.audit.title", ""), "entries", w.items, "total",
	                        (json_int_t)total, "actions", actions, "filter", "actor",
	                        f.actor ? f.actor : "", "case", f.subject ? f.subject : "", "from",
	                        from ? from : "", "to", to ? to : "", "verify", verdict(r),
	                        "filtered", f.actor || f.action || f.subject || from || to);
	char base[1200] = "/staff/audit?";
	staff_query_add(base, sizeof base, "actor", f.actor);
	staff_query_add(base, sizeof base, "action", f.action);
	staff_query_add(base, sizeof base, "case", f.subject);
	staff_query_add(base, sizeof base, "from", from);
	staff_query_add(base, sizeof base, "to", to);
	json_t *pager = bad ? NULL : staff_pager(r, base, page, per_page, total);
	if (pager)
		json_object_set_new(ctx, "pager", pager);
	if (bad) {
		char label[64], key[16];
		snprintf(label, sizeof label, "staff.audit.filters.%s", bad);
		json_object_set_new(ctx, "problem", json_pack("{s:o}", "message",
		                                              staff_fill(r, "staff.audit.invalid",
		                                                         staff_t(r, label, bad))));
		snprintf(key, sizeof key, "bad_%s", bad);
		json_object_set_new(ctx, key, json_true());
	}
	staff_page(r, bad ? 400 : 200, "staff_audit", ctx);
}
