/* case.c: opening a report as a staff member, the inbox and the case view (cases.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts/trust.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/refdata.h"
#include "core/status.h"
#include "core/timeutil.h"
#include "crypto/keys.h"
#include "reports/cases.h"
#include "reports/internal.h"

/* ---- opening ---- */

/* Opens a key row sealed to (pk, sk) into c->k. */
static int open_row(struct case_ctx *c, const struct store_report_key *k, const unsigned char *pk,
                    const unsigned char *sk)
{
	if (crypto_box_seal_open(CASE_K_REPORT(c), k->k_report, SEALED_RKEY_BYTES, pk, sk) != 0 ||
	    crypto_box_seal_open(CASE_K_NOTES(c), k->k_notes, SEALED_RKEY_BYTES, pk, sk) != 0) {
		log_error("cases: a report key does not open with its holder's key");
		return -1;
	}
	c->has_identity_key = k->has_identity &&
	                      crypto_box_seal_open(CASE_K_IDENTITY(c), k->k_identity,
	                                           SEALED_RKEY_BYTES, pk, sk) == 0;
	return 0;
}

/* Through the organisation key, for a supervisor who holds it. */
static int open_via_org(struct request *r, struct case_ctx *c)
{
	struct store *st = r->ctx->store;
	struct store_org_key org;
	struct store_report_key k;
	if (!c->rep.org_key_id[0] || strcmp(r->user.role, "supervisor") != 0)
		return -1;
	unsigned char *org_sk = sodium_malloc(crypto_box_SECRETKEYBYTES);
	if (!org_sk)
		return -1;
	int ok = orgkey_open(st, &r->user, r->sk, org_sk, &org) == STORE_OK &&
	         !strcmp(org.id, c->rep.org_key_id) &&
	         st->report_key_get(st->cls, c->rep.id, org.id, &k) == STORE_OK &&
	         open_row(c, &k, org.pk, org_sk) == 0;
	sodium_free(org_sk);
	return ok ? 0 : -1;
}

struct outcome case_open(struct request *r, const char *id, unsigned flags, struct case_ctx *c)
{
	struct store *st = r->ctx->store;
	memset(c, 0, sizeof *c);
	int rc = st->report_by_id(st->cls, id, &c->rep);
	if (rc == STORE_NONE && (flags & CASE_ORG))
		rc = st->report_by_number(st->cls, id, &c->rep);
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	if (rc != STORE_OK)
		return OUTCOME(ERR_NOT_FOUND, NULL, NULL);
	c->k = sodium_malloc(3 * RKEY_BYTES);
	if (!c->k) {
		store_report_release(&c->rep);
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	}
	struct store_report_key k;
	bool trusted = trust_is_reader(r->ctx->trust, st, &r->user);
	if (trusted && st->report_key_get(st->cls, c->rep.id, r->user.id, &k) == STORE_OK &&
	    open_row(c, &k, r->user.enc_pk, SK_ENC(r->sk)) == 0) {
		c->reader = true;
		/* A supervisor granted access later may still need the identity key (decisions). */
		if (!c->has_identity_key && (flags & CASE_ORG)) {
			struct case_ctx o = { .rep = c->rep, .k = sodium_malloc(3 * RKEY_BYTES) };
			if (o.k && open_via_org(r, &o) == 0 && o.has_identity_key) {
				memcpy(CASE_K_IDENTITY(c), CASE_K_IDENTITY(&o), RKEY_BYTES);
				c->has_identity_key = true;
			}
			sodium_free(o.k);
		}
		return OUTCOME_OK;
	}
	if (trusted && (flags & CASE_ORG) && open_via_org(r, c) == 0)
		return OUTCOME_OK;
	case_close(c);
	return OUTCOME(ERR_NOT_FOUND, NULL, NULL);
}

void case_close(struct case_ctx *c)
{
	sodium_free(c->k);
	c->k = NULL;
	store_report_release(&c->rep);
}

/* ---- small pieces ---- */

static void today(char out[11])
{
	time_wib_date((int64_t)time(NULL), out);
}

static json_t *rfc3339(int64_t t)
{
	char at[21];
	time_rfc3339(t, at);
	return json_string(at);
}

/* Past a deadline not met (API.md "Deadlines"). */
static bool overdue(const char *status, const char *ack_due, const char *due, const char *day)
{
	return (!strcmp(status, "received") && strcmp(ack_due, day) < 0) ||
	       (!status_final(status) && strcmp(due, day) < 0);
}

/* "met", "overdue" or "open". */
static const char *deadline_state(bool met, const char *date, const char *day)
{
	return met ? "met" : strcmp(date, day) < 0 ? "overdue" : "open";
}

/* {id, name} (and role) of staff members, looked up once per request. */
struct people {
	struct store *st;
	json_t *seen; /* id -> {id, name, role} */
};

static json_t *person(struct people *p, const char *id, bool with_role)
{
	if (!id || !id[0])
		return json_null();
	json_t *v = json_object_get(p->seen, id);
	if (!v) {
		struct store_user u;
		if (p->st->user_by_id(p->st->cls, id, &u) != STORE_OK)
			return json_pack("{s:s,s:n}", "id", id, "name");
		v = json_pack("{s:s,s:s,s:s}", "id", u.id, "name", u.name, "role", u.role);
		json_object_set_new(p->seen, id, v);
	}
	return with_role ? json_deep_copy(v)
	                 : json_pack("{s:O,s:O}", "id", json_object_get(v, "id"), "name",
	                             json_object_get(v, "name"));
}

/* ---- the inbox ---- */

static int inbox_item(void *arg, const struct store_inbox_item *it)
{
	json_t **a = arg;
	char day[11];
	today(day);
	json_t *assignee = it->assignee[0]
		? json_pack("{s:s,s:s}", "id", it->assignee, "name", it->assignee_name) : json_null();
	return json_array_append_new(
		a[0], json_pack("{s:s,s:s,s:s,s:s,s:O,s:s,s:s,s:s,s:b,s:o,s:I,s:I}", "id", it->id,
		                "number", it->number, "category", it->category, "status", it->status,
		                "status_label", json_object_get(a[1], it->status), "created_on",
		                it->created_on, "ack_due", it->ack_due, "due", it->due, "overdue",
		                overdue(it->status, it->ack_due, it->due, day), "assignee", assignee,
		                "files", (json_int_t)it->files, "unread", (json_int_t)it->unread));
}

static const char *const all_statuses[] = { "received", "verifying", "investigating",
                                            "forwarded", "closed_substantiated",
                                            "closed_unsubstantiated", "rejected", NULL };

json_t *case_inbox(struct request *r)
{
	struct store *st = r->ctx->store;
	char day[11];
	today(day);
	struct store_inbox_filter f = { .user_id = r->user.id, .today = day };
	int64_t page, per_page, total;
	if (req_pagination(r, &page, &per_page) != 0)
		return NULL;
	const char *bad = NULL;
	f.status = req_query(r, "status");
	f.category = req_query(r, "category");
	f.kecamatan = req_query(r, "kecamatan");
	f.assignee = req_query(r, "assignee");
	f.number = req_query(r, "q");
	const char *ov = req_query(r, "overdue"), *sort = req_query(r, "sort");
	if (f.status && !*f.status)
		f.status = NULL;
	if (f.category && !*f.category)
		f.category = NULL;
	if (f.kecamatan && !*f.kecamatan)
		f.kecamatan = NULL;
	if (f.assignee && !*f.assignee)
		f.assignee = NULL;
	if (f.number && !*f.number)
		f.number = NULL;
	if (f.status && !status_valid(f.status))
		bad = "status";
	else if (f.category && !refdata_category_valid(f.category))
		bad = "category";
	else if (ov && strcmp(ov, "true") && strcmp(ov, "false") && *ov)
		bad = "overdue";
	else if (sort && *sort && strcmp(sort, "created") && strcmp(sort, "-created") &&
	         strcmp(sort, "due"))
		bad = "sort";
	if (bad) {
		reply_error(r, ERR_INVALID_FIELD, bad);
		return NULL;
	}
	if (f.assignee && !strcmp(f.assignee, "me"))
		f.assignee = r->user.id;
	f.overdue = ov && !strcmp(ov, "true");
	f.sort = !sort || !*sort || !strcmp(sort, "-created") ? INBOX_NEWEST
	       : !strcmp(sort, "created") ? INBOX_OLDEST : INBOX_DUE;
	/* The case number as typed: spaces around it and lower case forgiven. */
	char number[20];
	if (f.number) {
		size_t n = 0;
		for (const char *p = f.number; *p && n + 1 < sizeof number; p++)
			if (*p != ' ')
				number[n++] = (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		number[n] = '\0';
		f.number = number;
	}
	json_t *labels = json_object();
	for (int i = 0; all_statuses[i]; i++)
		json_object_set_new(labels, all_statuses[i],
		                    json_string(status_label(all_statuses[i], r->lang)));
	json_t *a[2] = { json_array(), labels };
	/* Someone who is not a reader now (pending, or whose certificate no longer verifies)
	 * sees an empty inbox, whatever key rows remain. */
	int rc = STORE_OK;
	total = 0;
	if (trust_is_reader(r->ctx->trust, st, &r->user))
		rc = st->inbox_page(st->cls, &f, (page - 1) * per_page, per_page, inbox_item, a, &total);
	json_decref(labels);
	if (rc != STORE_OK) {
		json_decref(a[0]);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return NULL;
	}
	return json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)total, "page", (json_int_t)page,
	                 "per_page", (json_int_t)per_page, "items", a[0]);
}

static int add_count(void *arg, const char *key, int64_t n)
{
	return json_object_set_new(arg, key, json_integer(n));
}

json_t *case_inbox_counts(struct request *r)
{
	char day[11];
	today(day);
	json_t *counts = json_object();
	for (int i = 0; all_statuses[i]; i++)
		json_object_set_new(counts, all_statuses[i], json_integer(0));
	if (r->ctx->store->inbox_counts(r->ctx->store->cls, r->user.id, day, add_count, counts) !=
	    STORE_OK) {
		json_decref(counts);
		return NULL;
	}
	return counts;
}

/* ---- the case ---- */

struct view {
	struct case_ctx *c;
	struct people *people;
	json_t *list;
	enum lang lang;
	bool failed;
};

static int view_file(void *arg, const struct store_file *f)
{
	struct view *v = arg;
	json_t *meta = box_open_json(f->meta, f->meta_len, CASE_K_REPORT(v->c), v->c->rep.id, f->id,
	                             f->added_by, BOX_FILE_META);
	json_t *item = json_pack("{s:s,s:O?,s:O?,s:I,s:O?,s:O?,s:s,s:o}", "id", f->id, "name",
	                         json_object_get(meta, "name"), "type", json_object_get(meta, "type"),
	                         "size", (json_int_t)f->size, "cleaned",
	                         json_object_get(meta, "cleaned"), "removed",
	                         json_object_get(meta, "removed"), "added_by", f->added_by,
	                         "added_at", f->added_at ? rfc3339(f->added_at) : json_null());
	json_decref(meta);
	return json_array_append_new(v->list, item);
}

static int view_message(void *arg, const struct store_message *m)
{
	struct view *v = arg;
	char *body = box_open_text(m->body, m->body_len, CASE_K_REPORT(v->c), v->c->rep.id, m->id,
	                           m->author, BOX_MESSAGE);
	json_t *item = json_pack("{s:s,s:s,s:s?,s:o}", "id", m->id, "from", m->author, "body", body,
	                         "at", rfc3339(m->at));
	if (!strcmp(m->author, "staff"))
		json_object_set_new(item, "author", person(v->people, m->author_id, false));
	text_free(body);
	return json_array_append_new(v->list, item);
}

static int view_note(void *arg, const struct store_note *n)
{
	struct view *v = arg;
	char *body = box_open_text(n->body, n->body_len, CASE_K_NOTES(v->c), v->c->rep.id, n->id,
	                           "staff", BOX_NOTE);
	json_t *item = json_pack("{s:s,s:o,s:s?,s:o}", "id", n->id, "author",
	                         person(v->people, n->author_id, false), "body", body, "at",
	                         rfc3339(n->at));
	text_free(body);
	return json_array_append_new(v->list, item);
}

/* Status changes, with both reasons (the reporter's and the internal one). */
static int view_event(void *arg, const struct store_event *e)
{
	struct view *v = arg;
	struct case_ctx *c = v->c;
	char *reason = e->reason ? box_open_text(e->reason, e->reason_len, CASE_K_REPORT(c),
	                                         c->rep.id, e->id, "staff", BOX_REASON) : NULL;
	char *note = e->internal ? box_open_text(e->internal, e->internal_len, CASE_K_NOTES(c),
	                                         c->rep.id, e->id, "staff", BOX_NOTE) : NULL;
	char at[21];
	int64_t t = e->at;
	if (!t) /* the submission keeps only its date: the start of that day in WIB */
		time_parse_wib_date(c->rep.created_on, &t);
	time_rfc3339(t, at);
	json_t *item = json_pack("{s:s,s:o,s:s,s:s,s:s,s:s*,s:s*}", "at", at, "actor",
	                         person(v->people, e->actor_id, false), "action",
	                         e->at ? audit_action_name(AUDIT_STATUS_CHANGED)
	                               : audit_action_name(AUDIT_REPORT_RECEIVED),
	                         "status", e->status, "status_label",
	                         status_label(e->status, v->lang), "reason", reason,
	                         "internal_note", note);
	text_free(reason);
	text_free(note);
	return json_array_append_new(v->list, item);
}

/* Every other recorded act on the case (the audit trail's entries about its number), except
 * the reporter's, which the trail keeps without times. */
static int view_audit(void *arg, const struct store_audit *e)
{
	struct view *v = arg;
	if (!e->at || !strcmp(e->action, audit_action_name(AUDIT_STATUS_CHANGED)))
		return 0;
	return json_array_append_new(
		v->list, json_pack("{s:o,s:o,s:s,s:s}", "at", rfc3339(e->at), "actor",
		                   person(v->people, e->actor_id, false), "action", e->action, "detail",
		                   e->detail));
}

static int by_time(const void *a, const void *b)
{
	const char *x = json_string_value(json_object_get(*(json_t *const *)a, "at"));
	const char *y = json_string_value(json_object_get(*(json_t *const *)b, "at"));
	/* RFC 3339 UTC strings of one length sort as times; the sort is stable enough for
	 * entries of the same second (qsort may swap them; both are shown). */
	return strcmp(x ? x : "", y ? y : "");
}

static json_t *sorted_by_time(json_t *list)
{
	size_t n = json_array_size(list);
	json_t **items = malloc((n ? n : 1) * sizeof *items);
	json_t *out = json_array();
	if (!items)
		return list;
	for (size_t i = 0; i < n; i++)
		items[i] = json_array_get(list, i);
	qsort(items, n, sizeof *items, by_time);
	for (size_t i = 0; i < n; i++)
		json_array_append(out, items[i]);
	free(items);
	json_decref(list);
	return out;
}

static int view_access(void *arg, const struct store_report_key *k)
{
	struct view *v = arg;
	if (strcmp(k->holder_kind, "user") != 0)
		return 0;
	return json_array_append_new(v->list, json_pack("{s:o,s:o,s:s}", "user",
	                                                person(v->people, k->holder, true), "since",
	                                                rfc3339(k->since), "how", k->how));
}

struct idreqs {
	struct view v;
	const char *user_id;
	bool approved_for_user;
};

static int view_idreq(void *arg, const struct store_idreq *q)
{
	struct idreqs *s = arg;
	if (!strcmp(q->requester_id, s->user_id) && !strcmp(q->state, "approved"))
		s->approved_for_user = true;
	return json_array_append_new(
		s->v.list, json_pack("{s:s,s:o,s:s,s:o,s:o}", "id", q->id, "requester",
		                     person(s->v.people, q->requester_id, false), "state", q->state,
		                     "decided_by", person(s->v.people, q->decided_by, false), "at",
		                     rfc3339(q->at)));
}

/* The reporter's identity, when the caller's request was approved and they hold its key. */
static json_t *identity_of(struct case_ctx *c, bool approved)
{
	json_t *id = json_pack("{s:b,s:b}", "present", c->rep.has_identity, "disclosed", false);
	if (!c->rep.has_identity || !approved || !c->has_identity_key)
		return id;
	unsigned char *padded = sodium_malloc(IDENTITY_PADDED + 1);
	if (padded && box_open(padded, c->rep.identity, sizeof c->rep.identity, CASE_K_IDENTITY(c),
	                       c->rep.id, "", "reporter", BOX_IDENTITY) == 0) {
		long n = identity_unpad(padded);
		json_t *fields = NULL;
		if (n >= 0) {
			padded[n] = '\0';
			fields = json_loads((char *)padded, 0, NULL);
		}
		if (fields) {
			json_object_update(id, fields);
			json_object_set_new(id, "disclosed", json_true());
			json_decref(fields);
		}
	}
	sodium_free(padded);
	return id;
}

struct opened {
	struct request *r;
	struct case_ctx *c;
	bool disclosed;
};

static int opened_tx(struct store *st, void *arg)
{
	struct opened *o = arg;
	struct audit_event ev = { AUDIT_REPORT_OPENED, o->r->user.id, o->r->user.username,
	                          o->c->rep.number, NULL };
	int rc = audit_append(st, &ev);
	if (rc == STORE_OK && o->disclosed) {
		ev.action = AUDIT_IDENTITY_VIEWED;
		rc = audit_append(st, &ev);
	}
	if (rc == STORE_OK)
		rc = st->report_seen(st->cls, o->c->rep.id, o->r->user.id, o->c->rep.reporter_messages);
	return rc;
}

json_t *case_view(struct request *r, struct case_ctx *c, bool opened)
{
	struct store *st = r->ctx->store;
	struct store_report *rep = &c->rep;
	struct people people = { st, json_object() };
	json_t *content = box_open_json(rep->content, rep->content_len, CASE_K_REPORT(c), rep->id, "",
	                                "reporter", BOX_CONTENT);
	struct view files = { c, &people, json_array(), r->lang, false };
	struct view messages = files, notes = files, history = files, access = files;
	messages.list = json_array();
	notes.list = json_array();
	history.list = json_array();
	access.list = json_array();
	struct idreqs reqs = { { c, &people, json_array(), r->lang, false }, r->user.id, false };
	int rc = st->files_each(st->cls, rep->id, view_file, &files);
	if (rc == STORE_OK)
		rc = st->messages_each(st->cls, rep->id, view_message, &messages);
	if (rc == STORE_OK)
		rc = st->notes_each(st->cls, rep->id, view_note, &notes);
	if (rc == STORE_OK)
		rc = st->events_each(st->cls, rep->id, view_event, &history);
	if (rc == STORE_OK)
		rc = st->audit_subject_each(st->cls, rep->number, view_audit, &history);
	if (rc == STORE_OK)
		rc = st->report_keys_each(st->cls, rep->id, view_access, &access);
	if (rc == STORE_OK)
		rc = st->idreqs_each(st->cls, rep->id, NULL, view_idreq, &reqs);
	json_t *identity = identity_of(c, reqs.approved_for_user);
	struct opened o = { r, c, json_is_true(json_object_get(identity, "disclosed")) };
	if (rc == STORE_OK && !content)
		rc = STORE_ERR;
	if (rc == STORE_OK && opened && r->method != M_HEAD)
		rc = store_tx(st, opened_tx, &o);
	if (rc != STORE_OK) {
		json_decref(content);
		json_decref(identity);
		json_decref(files.list);
		json_decref(messages.list);
		json_decref(notes.list);
		json_decref(history.list);
		json_decref(access.list);
		json_decref(reqs.v.list);
		json_decref(people.seen);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return NULL;
	}
	char day[11];
	today(day);
	json_t *view = json_pack(
		"{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:{s:s,s:s},s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
		"s:b}",
		"id", rep->id, "number", rep->number, "category", rep->category, "status", rep->status,
		"status_label", status_label(rep->status, r->lang), "created_on", rep->created_on,
		"ack_due", rep->ack_due, "due", rep->due, "overdue",
		overdue(rep->status, rep->ack_due, rep->due, day), "deadlines", "ack",
		deadline_state(rep->acked_on[0] != '\0', rep->ack_due, day), "due",
		deadline_state(rep->closed_on[0] != '\0', rep->due, day), "assignee",
		person(&people, rep->assignee, false), "content", content, "identity", identity,
		"files", files.list, "messages", messages.list, "notes", notes.list, "history",
		sorted_by_time(history.list), "access", access.list, "identity_requests", reqs.v.list,
		"reader", c->reader);
	json_decref(people.seen);
	return view;
}
