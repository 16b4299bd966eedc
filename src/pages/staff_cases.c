/* staff_cases.c: the inbox (GET /staff/reports), the case page (GET /staff/reports/{id}) and
 * its evidence downloads (GET /staff/reports/{id}/files/{fid}), for readers of reports, on the
 * calls of reports/cases.h that api/cases.c uses. The case page's forms are in
 * staff_case_forms.c. A caller who cannot read a report gets the 404 page. */
#include <stdio.h>
#include <string.h>

#include "accounts/trust.h"
#include "core/refdata.h"
#include "core/status.h"
#include "pages/pages.h"
#include "reports/cases.h"

static const char *const statuses[] = { "received", "verifying", "investigating", "forwarded",
                                        "closed_substantiated", "closed_unsubstantiated",
                                        "rejected", NULL };

static bool role_is(const struct request *r, const char *role)
{
	return !strcmp(r->user.role, role);
}

/* A query argument, NULL when absent or empty. */
static const char *query(struct request *r, const char *name)
{
	const char *v = req_query(r, name);
	return v && *v ? v : NULL;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* A date or time of the API as a person reads it, as a new JSON string. */
static json_t *when(struct request *r, const char *s)
{
	char out[64];
	report_when(r, s, out, sizeof out);
	return json_string(out);
}

/* The i18n string "staff.<group>.<code>", or code. */
static const char *label(struct request *r, const char *group, const char *code)
{
	char path[96];
	snprintf(path, sizeof path, "staff.%s.%s", group, code ? code : "");
	return staff_t(r, path, code ? code : "");
}

/* {value, label, selected} options of a select. */
static json_t *option(const char *value, const char *text, const char *chosen)
{
	return json_pack("{s:s,s:s,s:b}", "value", value, "label", text ? text : value, "selected",
	                 chosen && !strcmp(chosen, value));
}

/* ---- GET /staff/reports ---- */

static json_t *inbox_rows(struct request *r, const json_t *items, const json_t *categories)
{
	json_t *rows = json_array();
	const char *lq = staff_lang_query(r);
	size_t i;
	const json_t *it;
	json_array_foreach(items, i, it) {
		char href[128];
		const char *cat = str(it, "category");
		const char *cat_label = report_name_of(categories, cat, "label");
		char unread[24];
		snprintf(href, sizeof href, "/staff/reports/%s%s", str(it, "id"), lq);
		snprintf(unread, sizeof unread, "%lld",
		         (long long)json_integer_value(json_object_get(it, "unread")));
		json_array_append_new(
			rows, json_pack("{s:O,s:O,s:O,s:O,s:s,s:o,s:o,s:s,s:O,s:O,s:o,s:O,s:O}", "id",
			                json_object_get(it, "id"), "number", json_object_get(it, "number"),
			                "status", json_object_get(it, "status"), "status_label",
			                json_object_get(it, "status_label"), "category_label",
			                cat_label ? cat_label : cat, "created", when(r, str(it, "created_on")),
			                "due", when(r, str(it, "due")), "href", href, "overdue",
			                json_object_get(it, "overdue"), "unread", json_object_get(it, "unread"),
			                "unread_label", staff_fill(r, "staff.inbox.unread", unread),
			                "files", json_object_get(it, "files"), "assignee",
			                json_object_get(it, "assignee")));
	}
	return rows;
}

/* The filter form's choices (the query's marked) and the counts by status as links, from
 * `counts` (taken over; NULL when unknown: no counts shown). */
static void inbox_choices(struct request *r, json_t *ctx, const json_t *categories,
                          json_t *counts)
{
	const char *status = query(r, "status"), *category = query(r, "category"),
	           *kecamatan = query(r, "kecamatan"), *sort = query(r, "sort");
	const char *la = *staff_lang_query(r) ? staff_lang_query(r) + 1 : "";
	json_t *status_opts = json_array(), *chips = json_array();
	for (int i = 0; statuses[i]; i++) {
		const char *text = status_label(statuses[i], r->lang);
		json_array_append_new(status_opts, option(statuses[i], text, status));
		char href[128];
		snprintf(href, sizeof href, "/staff/reports?status=%s%s%s", statuses[i], *la ? "&" : "",
		         la);
		json_array_append_new(chips, json_pack("{s:s,s:s,s:s,s:I,s:b}", "status", statuses[i],
		                                       "label", text, "href", href, "count",
		                                       (json_int_t)json_integer_value(
		                                           json_object_get(counts, statuses[i])),
		                                       "current", status && !strcmp(status, statuses[i])));
	}
	json_object_set_new(ctx, "statuses", status_opts);
	if (counts) {
		char href[64];
		snprintf(href, sizeof href, "/staff/reports?overdue=true%s%s", *la ? "&" : "", la);
		json_object_set_new(ctx, "counts", json_pack("{s:o,s:I,s:s}", "chips", chips,
		                                             "overdue", (json_int_t)json_integer_value(
		                                                 json_object_get(counts, "overdue")),
		                                             "overdue_href", href));
	} else {
		json_decref(chips);
	}
	json_t *cat_opts = json_array(), *kec_opts = json_array();
	size_t i;
	const json_t *v;
	json_array_foreach(categories, i, v)
		json_array_append_new(cat_opts, option(str(v, "code"), str(v, "label"), category));
	json_array_foreach(refdata_kecamatan(), i, v)
		json_array_append_new(kec_opts, option(str(v, "code"), str(v, "name"), kecamatan));
	json_object_set_new(ctx, "categories", cat_opts);
	json_object_set_new(ctx, "kecamatan", kec_opts);
	json_t *sorts = json_array();
	static const char *const sort_keys[][2] = { { "-created", "newest" }, { "created", "oldest" },
	                                            { "due", "due" } };
	for (size_t k = 0; k < 3; k++)
		json_array_append_new(sorts, option(sort_keys[k][0], label(r, "inbox.sorts",
		                                                           sort_keys[k][1]),
		                                    sort ? sort : "-created"));
	json_object_set_new(ctx, "sorts", sorts);
	json_decref(counts);
}

void page_staff_inbox(struct request *r)
{
	const char *status = query(r, "status"), *category = query(r, "category"),
	           *kecamatan = query(r, "kecamatan"), *assignee = query(r, "assignee"),
	           *overdue = query(r, "overdue"), *q = query(r, "q"), *sort = query(r, "sort");
	char bad[32];
	json_t *page = staff_listing(r, case_inbox, bad);
	if (!page && !*bad)
		return;
	bool refused = !page;
	json_t *categories = refdata_categories(r->lang, false);
	json_t *ctx = json_pack(
		"{s:s,s:o,s:I,s:{s:s,s:b,s:b},s:b}", "title", staff_t(r, "staff.inbox.title", ""),
		"items", inbox_rows(r, json_object_get(page, "items"), categories), "total",
		(json_int_t)json_integer_value(json_object_get(page, "total")), "filter", "q",
		q ? q : "", "mine", assignee && !strcmp(assignee, "me"), "overdue",
		overdue && !strcmp(overdue, "true"), "filtered",
		status || category || kecamatan || assignee || overdue || q || sort);

	inbox_choices(r, ctx, categories, case_inbox_counts(r));
	json_decref(categories);

	if (refused) {
		char path[64], key[40];
		snprintf(path, sizeof path, "staff.inbox.filters.%s", bad);
		json_object_set_new(ctx, "problem",
		                    json_pack("{s:o}", "message",
		                              staff_fill(r, "staff.inbox.invalid",
		                                         staff_t(r, path, bad))));
		snprintf(key, sizeof key, "bad_%s", bad);
		json_object_set_new(ctx, key, json_true());
	} else {
		char base[1200] = "/staff/reports?";
		staff_query_add(base, sizeof base, "status", status);
		staff_query_add(base, sizeof base, "category", category);
		staff_query_add(base, sizeof base, "kecamatan", kecamatan);
		staff_query_add(base, sizeof base, "assignee", assignee);
		staff_query_add(base, sizeof base, "overdue", overdue);
		staff_query_add(base, sizeof base, "q", q);
		staff_query_add(base, sizeof base, "sort", sort);
		json_t *pager = staff_pager(r, base, json_integer_value(json_object_get(page, "page")),
		                            json_integer_value(json_object_get(page, "per_page")),
		                            json_integer_value(json_object_get(page, "total")));
		if (pager)
			json_object_set_new(ctx, "pager", pager);
	}
	json_decref(page);
	staff_page(r, refused ? 400 : 200, "staff_inbox", ctx);
}

/* ---- GET /staff/reports/{id} ---- */

static json_t *files_json(struct request *r, const char *id, const json_t *files)
{
	static const char *const inline_types[] = { "image/jpeg", "image/png", "image/gif",
	                                            "image/webp", NULL };
	json_t *out = report_files_json(r, files);
	size_t i;
	json_t *f;
	json_array_foreach(out, i, f) {
		const json_t *src = json_array_get(files, i);
		const char *type = str(src, "type");
		char href[128];
		snprintf(href, sizeof href, "/staff/reports/%s/files/%s", id, str(src, "id"));
		bool image = false;
		for (int k = 0; type && inline_types[k]; k++)
			image |= !strcmp(type, inline_types[k]);
		json_object_set_new(f, "href", json_string(href));
		json_object_set_new(f, "image", json_boolean(image));
	}
	return out;
}

/* Whether an entry of the history only records that someone looked (opened the case,
 * downloaded a file, saw the identity): listed apart, so that the acts stay readable. */
static bool is_view(const char *action)
{
	return action && (!strcmp(action, "report.opened") || !strcmp(action, "evidence.downloaded") ||
	                  !strcmp(action, "identity.viewed"));
}

/* The history as the page shows it: ctx.history (the acts) and ctx.views (the looks). */
static void history_json(struct request *r, const json_t *history, json_t *ctx)
{
	const json_t *labels = json_object_get(
		json_object_get(json_object_get(refdata_strings(r->lang), "staff"), "audit"), "actions");
	json_t *acts = json_array(), *views = json_array();
	size_t i;
	const json_t *h;
	json_array_foreach(history, i, h) {
		const char *action = str(h, "action");
		const char *text = str(labels, action ? action : "");
		json_t *item = json_pack("{s:o,s:s,s:O?,s:s,s:O?,s:O?,s:O?,s:O?}", "at",
		                         when(r, str(h, "at")), "action", nz(action), "actor",
		                         json_object_get(json_object_get(h, "actor"), "name"),
		                         "action_label", text ? text : nz(action), "status_label",
		                         json_object_get(h, "status_label"), "reason",
		                         json_object_get(h, "reason"), "internal_note",
		                         json_object_get(h, "internal_note"), "detail",
		                         json_object_get(h, "detail"));
		json_array_append_new(is_view(action) ? views : acts, item);
	}
	json_object_set_new(ctx, "history", acts);
	json_object_set_new(ctx, "views_count", json_integer((json_int_t)json_array_size(views)));
	json_object_set_new(ctx, "views", views);
}

/* Messages as thread items: {from, from_label, body, at_label}. */
static json_t *messages_json(struct request *r, const json_t *messages)
{
	json_t *out = json_array();
	size_t i;
	const json_t *m;
	json_array_foreach(messages, i, m) {
		const char *from = str(m, "from");
		const char *author = str(json_object_get(m, "author"), "name");
		json_array_append_new(
			out, json_pack("{s:s,s:s,s:O?,s:o}", "from", from ? from : "system", "from_label",
			               from && !strcmp(from, "staff") && author ? author
			                                                       : label(r, "case.from", from),
			               "body", json_object_get(m, "body"), "at_label",
			               when(r, str(m, "at"))));
	}
	return out;
}

/* Internal notes as thread items, from "note". */
static json_t *notes_json(struct request *r, const json_t *notes)
{
	json_t *out = json_array();
	size_t i;
	const json_t *n;
	json_array_foreach(notes, i, n) {
		const char *author = str(json_object_get(n, "author"), "name");
		json_array_append_new(out, json_pack("{s:s,s:s,s:O?,s:o}", "from", "note", "from_label",
		                                     nz(author), "body", json_object_get(n, "body"),
		                                     "at_label", when(r, str(n, "at"))));
	}
	return out;
}

/* The access list; `assignees` gets the readers who may be assigned the case. */
static json_t *access_json(struct request *r, const json_t *access, const char *assignee,
                           json_t *assignees)
{
	json_t *out = json_array();
	bool supervisor = role_is(r, "supervisor");
	size_t i;
	const json_t *a;
	json_array_foreach(access, i, a) {
		const json_t *u = json_object_get(a, "user");
		const char *id = str(u, "id"), *role = str(u, "role"), *name = str(u, "name");
		if (!id)
			continue;
		json_array_append_new(
			out, json_pack("{s:s,s:s,s:s,s:o,s:s,s:b}", "id", id, "name", name ? name : id,
			               "role_label", label(r, "roles", role), "since",
			               when(r, str(a, "since")), "how_label", label(r, "case.how", str(a, "how")),
			               "revocable", supervisor && strcmp(id, r->user.id) != 0 &&
			                            str(a, "how") && !strcmp(str(a, "how"), "grant")));
		if (role && (!strcmp(role, "investigator") || !strcmp(role, "supervisor")))
			json_array_append_new(assignees, option(id, name, assignee));
	}
	return out;
}

struct grantable {
	struct request *r;
	const json_t *access;
	json_t *users;
};

static int add_grantable(void *arg, const struct store_user *u)
{
	struct grantable *g = arg;
	size_t i;
	const json_t *a;
	json_array_foreach(g->access, i, a)
		if (!strcmp(u->id, nz(str(json_object_get(a, "user"), "id"))))
			return 0;
	if (!trust_is_reader(g->r->ctx->trust, g->r->ctx->store, u))
		return 0;
	char text[1024];
	snprintf(text, sizeof text, "%s (%s, %s)", u->name, u->username,
	         label(g->r, "roles", u->role));
	return json_array_append_new(g->users, option(u->id, text, NULL));
}

/* Confirmed readers who do not read the case yet: whom a supervisor may grant it to. The
 * reporter's exclusions are not applied here: a grant to an excluded user is refused with the
 * same answer as any other refusal, so the list does not reveal them. */
static json_t *grantable_json(struct request *r, const json_t *access)
{
	struct grantable g = { r, access, json_array() };
	if (r->ctx->store->readers(r->ctx->store->cls, add_grantable, &g) != STORE_OK)
		json_array_clear(g.users);
	return g.users;
}

/* The identity section: what is shown, and the caller's own request. */
static json_t *identity_json(struct request *r, const json_t *view, bool handler)
{
	const json_t *id = json_object_get(view, "identity");
	const char *mine = NULL; /* approved > pending > denied */
	json_t *requests = json_array();
	size_t i;
	const json_t *q;
	json_array_foreach(json_object_get(view, "identity_requests"), i, q) {
		const char *state = str(q, "state");
		if (!state)
			continue;
		if (!strcmp(nz(str(json_object_get(q, "requester"), "id")), r->user.id) &&
		    (!mine || !strcmp(state, "approved") ||
		     (!strcmp(state, "pending") && strcmp(mine, "approved") != 0)))
			mine = state;
		json_array_append_new(
			requests, json_pack("{s:O?,s:s,s:s,s:O?,s:o}", "requester",
			                    json_object_get(json_object_get(q, "requester"), "name"), "state",
			                    state, "state_label", label(r, "case.identity.states", state),
			                    "decided_by",
			                    json_object_get(json_object_get(q, "decided_by"), "name"), "at",
			                    when(r, str(q, "at"))));
	}
	bool present = json_is_true(json_object_get(id, "present"));
	bool disclosed = json_is_true(json_object_get(id, "disclosed"));
	json_t *out = json_pack("{s:b,s:b,s:O?,s:O?,s:O?,s:o,s:b,s:b,s:b,s:b}", "present", present,
	                        "disclosed", disclosed, "phone", json_object_get(id, "phone"), "name",
	                        json_object_get(id, "name"), "email", json_object_get(id, "email"),
	                        "requests", requests, "pending", mine && !strcmp(mine, "pending"),
	                        "denied", mine && !strcmp(mine, "denied"), "approved",
	                        mine && !strcmp(mine, "approved") && !disclosed, "can_request",
	                        handler && present && !disclosed &&
	                            (!mine || !strcmp(mine, "denied")));
	return out;
}

/* The deadline `state` ("met", "open", "overdue") with its label. */
static json_t *deadline(struct request *r, const char *date, const char *state)
{
	return json_pack("{s:o,s:s,s:s}", "date", when(r, date), "state", state ? state : "open",
	                 "state_label", label(r, "case.deadline", state ? state : "open"));
}

/* The page's context from the case view. */
static json_t *case_json(struct request *r, const json_t *view)
{
	bool supervisor = role_is(r, "supervisor");
	bool handler = supervisor || role_is(r, "investigator");
	const char *id = str(view, "id");
	json_t *categories = refdata_categories(r->lang, false);
	const char *cat = str(view, "category");
	const char *cat_label = report_name_of(categories, cat, "label");
	const json_t *assignee = json_object_get(view, "assignee");
	const json_t *deadlines = json_object_get(view, "deadlines");
	json_t *assignees = json_array();
	json_t *access = access_json(r, json_object_get(view, "access"), str(assignee, "id"),
	                             assignees);
	json_t *ctx = json_pack(
		"{s:s,s:{s:s,s:O,s:O,s:O,s:s,s:o,s:o,s:o,s:O,s:O?},s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b,s:b}",
		"title", nz(str(view, "number")),
		"case", "id", id, "number", json_object_get(view, "number"), "status",
		json_object_get(view, "status"), "status_label", json_object_get(view, "status_label"),
		"category_label", cat_label ? cat_label : cat ? cat : "", "created",
		when(r, str(view, "created_on")), "ack",
		deadline(r, str(view, "ack_due"), str(deadlines, "ack")), "due",
		deadline(r, str(view, "due"), str(deadlines, "due")), "overdue",
		json_object_get(view, "overdue"), "assignee", json_object_get(assignee, "name"),
		"content", report_content_json(json_object_get(view, "content")),
		"files", files_json(r, id, json_object_get(view, "files")),
		"messages", messages_json(r, json_object_get(view, "messages")),
		"notes", notes_json(r, json_object_get(view, "notes")),
		"access", access,
		"identity", identity_json(r, view, handler),
		"can_handle", handler, "is_supervisor", supervisor, "is_leader", role_is(r, "leader"));
	json_decref(categories);
	if (!ctx) {
		json_decref(assignees);
		return NULL;
	}
	history_json(r, json_object_get(view, "history"), ctx);
	json_object_set_new(ctx, "has_files",
	                    json_boolean(json_array_size(json_object_get(ctx, "files")) > 0));
	json_object_set_new(ctx, "has_requests",
	                    json_boolean(json_array_size(json_object_get(
	                                     json_object_get(ctx, "identity"), "requests")) > 0));
	if (supervisor) {
		json_t *grantable = grantable_json(r, json_object_get(view, "access"));
		json_object_set_new(ctx, "has_grantable", json_boolean(json_array_size(grantable) > 0));
		json_object_set_new(ctx, "assignees", assignees);
		json_object_set_new(ctx, "grantable", grantable);
	} else {
		json_decref(assignees);
	}
	return ctx;
}

/* The statuses the caller may move the case to, `chosen` marked. */
static json_t *next_statuses(struct request *r, const char *from, const char *chosen)
{
	json_t *out = json_array();
	for (int i = 0; from && statuses[i]; i++)
		if (status_transition_ok(from, statuses[i], role_is(r, "supervisor")))
			json_array_append_new(out, option(statuses[i], status_label(statuses[i], r->lang),
			                                  chosen));
	return out;
}

void staff_case_page(struct request *r, unsigned status, json_t *extra)
{
	struct case_ctx c;
	struct outcome o = case_open(r, r->params[0], CASE_READER, &c);
	if (o.failed) {
		json_decref(extra);
		reply_outcome(r, &o);
		return;
	}
	/* Shown again after a refused form, the case is not opened anew (nor audited as such). */
	json_t *view = case_view(r, &c, (r->method & (M_GET | M_HEAD)) != 0);
	case_close(&c);
	if (!view) {
		json_decref(extra);
		return;
	}
	json_t *ctx = case_json(r, view);
	json_decref(view);
	if (!ctx) {
		json_decref(extra);
		reply_error(r, ERR_INTERNAL, NULL);
		return;
	}
	const char *done = req_query(r, "done");
	static const char *const dones[] = { "status", "assigned", "message", "note", "granted",
	                                     "revoked", "identity", NULL };
	for (int i = 0; !extra && done && dones[i]; i++)
		if (!strcmp(done, dones[i]))
			json_object_set_new(ctx, "notice", json_string(label(r, "case.done", done)));
	if (extra)
		json_object_update(ctx, extra);
	json_decref(extra);
	const json_t *kept = json_object_get(ctx, "status_form");
	json_t *next = next_statuses(r, str(json_object_get(ctx, "case"), "status"),
	                             str(kept, "status"));
	json_object_set_new(ctx, "has_next", json_boolean(json_array_size(next) > 0));
	json_object_set_new(ctx, "next_statuses", next);
	staff_page(r, status, "staff_case", ctx);
}

void page_staff_case(struct request *r)
{
	staff_case_page(r, 200, NULL);
}

void page_staff_case_file(struct request *r)
{
	struct case_ctx c;
	struct outcome o = case_open(r, r->params[0], CASE_READER, &c);
	if (o.failed) {
		reply_outcome(r, &o);
		return;
	}
	case_file_reply(r, &c, r->params[1]);
	case_close(&c);
}
