/* staff_identity.c: the supervisors' queue of identity requests (GET /staff/identity-requests,
 * pending first) and their decisions (POST /staff/identity-requests/{rid}), on the calls of
 * reports/cases.h that api/cases.c uses. */
#include <stdio.h>
#include <string.h>

#include "pages/pages.h"
#include "reports/cases.h"

#define REASON_MAX 2000

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* A refused decision: the request it was for, the reason typed and the problem. */
struct refused {
	const char *id, *reason, *message;
	unsigned status;
};

static json_t *row(struct request *r, const json_t *q, const struct refused *no)
{
	const char *state = str(q, "state"), *id = str(q, "id");
	const json_t *report = json_object_get(q, "report");
	char href[128], path[64], at[64];
	snprintf(href, sizeof href, "/staff/reports/%s%s", str(report, "id"), staff_lang_query(r));
	snprintf(path, sizeof path, "staff.case.identity.states.%s", state ? state : "");
	report_when(r, str(q, "at"), at, sizeof at);
	const char *requester = str(json_object_get(q, "requester"), "id");
	bool mine = requester && !strcmp(requester, r->user.id);
	bool refused = no && no->id && id && !strcmp(no->id, id);
	return json_pack("{s:O,s:O,s:s,s:O?,s:O?,s:s?,s:s,s:O?,s:O?,s:s,s:b,s:b,s:s,s:b}", "id",
	                 json_object_get(q, "id"), "number", json_object_get(report, "number"),
	                 "href", href, "requester",
	                 json_object_get(json_object_get(q, "requester"), "name"), "reason",
	                 json_object_get(q, "reason"), "state", state, "state_label",
	                 staff_t(r, path, state ? state : ""), "decided_by",
	                 json_object_get(json_object_get(q, "decided_by"), "name"), "decision_reason",
	                 json_object_get(q, "decision_reason"), "at", at, "pending",
	                 state && !strcmp(state, "pending"), "mine", mine, "typed",
	                 refused ? no->reason : "", "refused", refused);
}

static void identity_page(struct request *r, unsigned status, const struct refused *no)
{
	char field[32]; /* an unknown ?state= is shown as a problem on the page */
	json_t *list = staff_listing(r, case_identity_requests, field);
	if (!list && !*field)
		return;
	bool bad = !list;
	/* Pending first, then the rest in the listing's order (within a page: the queue is short,
	 * and ?state=pending lists only those). */
	json_t *items = json_array();
	int64_t pending = 0;
	for (int pass = 0; pass < 2; pass++) {
		size_t i;
		const json_t *q;
		json_array_foreach(json_object_get(list, "items"), i, q) {
			bool p = !strcmp(str(q, "state") ? str(q, "state") : "", "pending");
			pending += pass == 0 && p;
			if (p == (pass == 0))
				json_array_append_new(items, row(r, q, no));
		}
	}
	const char *state = req_query(r, "state");
	json_t *pager = NULL;
	if (list) {
		char base[128] = "/staff/identity-requests?";
		staff_query_add(base, sizeof base, "state", state && *state ? state : NULL);
		pager = staff_pager(r, base, json_integer_value(json_object_get(list, "page")),
		                    json_integer_value(json_object_get(list, "per_page")),
		                    json_integer_value(json_object_get(list, "total")));
	}
	json_decref(list);
	const char *lang = *staff_lang_query(r) ? staff_lang_query(r) + 6 : ""; /* "?lang=" */
	json_t *tabs = json_array();
	static const char *const states[] = { "", "pending", "approved", "denied" };
	for (size_t i = 0; i < 4; i++) {
		char q[64] = "", href[128], path[64];
		staff_query_add(q, sizeof q, "state", *states[i] ? states[i] : NULL);
		staff_query_add(q, sizeof q, "lang", *lang ? lang : NULL);
		if (*q)
			q[strlen(q) - 1] = '\0'; /* the last '&' */
		snprintf(href, sizeof href, "/staff/identity-requests%s%s", *q ? "?" : "", q);
		snprintf(path, sizeof path, "staff.identity.tabs.%s", *states[i] ? states[i] : "all");
		json_array_append_new(tabs, json_pack("{s:s,s:s,s:b}", "href", href, "label",
		                                      staff_t(r, path, states[i]), "current",
		                                      !strcmp(state && !bad ? state : "", states[i])));
	}
	json_t *ctx = json_pack("{s:s,s:o,s:I,s:I,s:o}", "title",
	                        staff_t(r, "staff.identity.title", ""), "requests", items, "total",
	                        (json_int_t)json_array_size(items), "pending", (json_int_t)pending,
	                        "tabs", tabs);
	if (pager)
		json_object_set_new(ctx, "pager", pager);
	const char *done = req_query(r, "done");
	if (no && no->message)
		json_object_set_new(ctx, "problem", json_pack("{s:s}", "message", no->message));
	else if (bad)
		json_object_set_new(ctx, "problem", json_pack("{s:s}", "message",
		                                              staff_t(r, "staff.identity.invalid", "")));
	else if (done && (!strcmp(done, "approved") || !strcmp(done, "denied"))) {
		char path[64];
		snprintf(path, sizeof path, "staff.identity.done.%s", done);
		json_object_set_new(ctx, "notice", json_string(staff_t(r, path, "")));
	}
	staff_page(r, bad ? 400 : status, "staff_identity", ctx);
}

void page_staff_identity(struct request *r)
{
	identity_page(r, 200, NULL);
}

const struct jfield page_staff_identity_decide_fields[] = {
	{ "decision", J_STRING, false, 0, 16, false },
	{ "reason", J_STRING, false, 0, 1 << 20, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

void page_staff_identity_decide(struct request *r)
{
	const char *d = staff_in(r, 0), *reason = staff_in(r, 1);
	bool approve = !strcmp(d, "approve");
	struct refused no = { r->params[0], reason, NULL, 400 };
	if (!approve && strcmp(d, "deny") != 0)
		no.message = staff_t(r, "staff.identity.errors.decision", "");
	else if (!*reason)
		no.message = staff_t(r, "staff.identity.errors.reason", "");
	else if (report_chars(reason) > REASON_MAX)
		no.message = staff_t(r, "staff.case.errors.long_reason", "");
	if (no.message) {
		identity_page(r, no.status, &no);
		return;
	}
	json_t *item = NULL;
	struct outcome o = case_identity_decide(r, r->params[0], approve, reason, &item);
	json_decref(item);
	if (!o.failed) {
		staff_redirect(r, "/staff/identity-requests", approve ? "done=approved" : "done=denied");
		return;
	}
	no.status = err_status(o.err);
	no.message = o.message ? o.message
	           : o.err == ERR_CONFLICT ? staff_t(r, "staff.identity.errors.conflict", "")
	           : o.err == ERR_NOT_FOUND ? staff_t(r, "staff.identity.errors.not_found", "")
	                                    : staff_t(r, "staff.case.errors.unavailable", "");
	identity_page(r, no.status, &no);
}
