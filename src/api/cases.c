/* cases.c: the staff's case API (API.md "Staff"): GET /api/v1/staff/reports, the case, its
 * files, PATCH (status, assignment), messages, notes, grants and identity requests. The work
 * is in src/reports/case*.c; these handlers read the input and shape the replies. */
#include <string.h>

#include "api/api.h"
#include "reports/cases.h"

void api_cases_list(struct request *r)
{
	json_t *page = case_inbox(r);
	if (page)
		reply_json(r, 200, page);
}

/* Opens the case of the path's {id} for the handler, or replies 404. */
static bool open_case(struct request *r, unsigned flags, struct case_ctx *c)
{
	struct outcome o = case_open(r, r->params[0], flags, c);
	if (o.failed)
		reply_outcome(r, &o);
	return !o.failed;
}

/* Replies with the case (opened: a GET), or the outcome that failed. */
static void reply_case(struct request *r, struct case_ctx *c, struct outcome o, bool opened)
{
	if (o.failed) {
		reply_outcome(r, &o);
		return;
	}
	json_t *view = case_view(r, c, opened);
	if (view)
		reply_json(r, 200, view);
}

void api_cases_get(struct request *r)
{
	struct case_ctx c;
	if (!open_case(r, CASE_READER, &c))
		return;
	reply_case(r, &c, OUTCOME_OK, true);
	case_close(&c);
}

void api_cases_file(struct request *r)
{
	struct case_ctx c;
	if (!open_case(r, CASE_READER, &c))
		return;
	case_file_reply(r, &c, r->params[1]);
	case_close(&c);
}

const struct jfield api_case_patch_fields[] = {
	{ "status", J_STRING, false, 1, 40 },
	{ "reason", J_STRING, false, 0, 2000 },
	{ "internal_note", J_STRING, false, 0, 5000 },
	{ "assignee", J_STRING, false, 1, 64 },
	{ NULL },
};

void api_cases_patch(struct request *r)
{
	struct case_ctx c;
	struct case_patch p = {
		.status = r->present[0] ? r->in[0].s : NULL,
		.reason = r->present[1] ? r->in[1].s : NULL,
		.internal_note = r->present[2] ? r->in[2].s : NULL,
		/* "assignee": null unassigns; absent leaves the assignment alone. */
		.set_assignee = json_object_get(r->json, "assignee") != NULL,
		.assignee = r->present[3] ? r->in[3].s : NULL,
	};
	/* Assignment is the supervisor's (403 for anyone else, before the report is looked at). */
	if (p.set_assignee && strcmp(r->user.role, "supervisor") != 0) {
		reply_error(r, ERR_FORBIDDEN, "assignee");
		return;
	}
	if (!open_case(r, CASE_READER, &c))
		return;
	reply_case(r, &c, case_update(r, &c, &p), false);
	case_close(&c);
}

const struct jfield api_case_body_fields[] = {
	{ "body", J_STRING, true, 1, 5000 },
	{ NULL },
};

/* POST …/messages and …/notes: 201 {"id"}. */
static void add_text(struct request *r,
                     struct outcome (*add)(struct request *, struct case_ctx *, const char *,
                                           char[ID_CHARS + 1]))
{
	struct case_ctx c;
	char id[ID_CHARS + 1];
	if (!open_case(r, CASE_READER, &c))
		return;
	struct outcome o = add(r, &c, r->in[0].s, id);
	case_close(&c);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_json(r, 201, json_pack("{s:s}", "id", id));
}

void api_cases_message(struct request *r)
{
	add_text(r, case_message);
}

void api_cases_note(struct request *r)
{
	add_text(r, case_note);
}

const struct jfield api_case_grant_fields[] = {
	{ "user", J_STRING, true, 1, 64 },
	{ NULL },
};

void api_cases_grant(struct request *r)
{
	struct case_ctx c;
	if (!open_case(r, CASE_ORG, &c))
		return;
	struct outcome o = case_grant(r, &c, r->in[0].s);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_json(r, 201, json_pack("{s:s,s:s}", "report", c.rep.id, "user", r->in[0].s));
	case_close(&c);
}

void api_cases_revoke(struct request *r)
{
	struct case_ctx c;
	if (!open_case(r, CASE_ORG, &c))
		return;
	struct outcome o = case_revoke(r, &c, r->params[1]);
	case_close(&c);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_empty(r, 204);
}

const struct jfield api_case_reason_fields[] = {
	{ "reason", J_STRING, true, 1, 2000 },
	{ NULL },
};

void api_cases_identity_request(struct request *r)
{
	add_text(r, case_identity_request);
}

void api_identity_requests(struct request *r)
{
	json_t *list = case_identity_requests(r);
	if (list)
		reply_json(r, 200, list);
}

const struct jfield api_identity_decide_fields[] = {
	{ "decision", J_STRING, true, 1, 10 },
	{ "reason", J_STRING, true, 1, 2000 },
	{ NULL },
};

void api_identity_decide(struct request *r)
{
	const char *d = r->in[0].s;
	if (strcmp(d, "approve") != 0 && strcmp(d, "deny") != 0) {
		reply_error(r, ERR_INVALID_FIELD, "decision");
		return;
	}
	json_t *item = NULL;
	struct outcome o = case_identity_decide(r, r->params[0], !strcmp(d, "approve"), r->in[1].s,
	                                        &item);
	if (o.failed)
		reply_outcome(r, &o);
	else
		reply_json(r, 200, item ? item : json_object());
}
