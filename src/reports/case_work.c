/* case_work.c: what staff do on a case (cases.h): status changes with their two reasons,
 * assignment, messages to the reporter, internal notes, grants and identity requests. Each
 * act and its audit entry are written in one transaction, after re-reading the report inside
 * it, so two people acting at once cannot both win. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts/trust.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/status.h"
#include "core/timeutil.h"
#include "crypto/keys.h"
#include "reports/cases.h"
#include "reports/internal.h"

static bool is_supervisor(const struct request *r)
{
	return !strcmp(r->user.role, "supervisor");
}

static struct audit_event audit_of(struct request *r, enum audit_action a, const char *subject,
                                   const char *detail)
{
	return (struct audit_event){ a, r->user.id, r->user.username, subject, detail };
}

static struct outcome stored(int rc)
{
	return rc == STORE_OK ? OUTCOME_OK : OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
}

/* ---- status and assignment ---- */

struct update_tx {
	struct request *r;
	struct case_ctx *c;
	const struct case_patch *p;
	struct store_user assignee;
	struct store_event e;
	struct outcome o;
};

static int update_tx(struct store *st, void *arg)
{
	struct update_tx *t = arg;
	struct store_report rep;
	int rc = st->report_by_id(st->cls, t->c->rep.id, &rep);
	if (rc != STORE_OK)
		return rc;
	store_report_release(&rep); /* only the plain columns are needed */
	t->o = OUTCOME_OK;
	char day[11];
	time_wib_date((int64_t)time(NULL), day);
	if (t->p->status) {
		if (!status_transition_ok(rep.status, t->p->status, is_supervisor(t->r))) {
			t->o = OUTCOME(ERR_INVALID_TRANSITION, "status", NULL);
			return STORE_NONE;
		}
		if (!strcmp(rep.status, "received") && !rep.acked_on[0])
			memcpy(rep.acked_on, day, sizeof day);
		if (status_final(t->p->status))
			memcpy(rep.closed_on, day, sizeof day);
		else
			rep.closed_on[0] = '\0'; /* reopened */
		char detail[80];
		snprintf(detail, sizeof detail, "%s -> %s", rep.status, t->p->status);
		snprintf(rep.status, sizeof rep.status, "%s", t->p->status);
		struct audit_event ev = audit_of(t->r, AUDIT_STATUS_CHANGED, rep.number, detail);
		if ((rc = st->event_insert(st->cls, &t->e)) != STORE_OK ||
		    (rc = audit_append(st, &ev)) != STORE_OK)
			return rc;
	}
	if (t->p->set_assignee) {
		snprintf(rep.assignee, sizeof rep.assignee, "%s", t->p->assignee ? t->assignee.id : "");
		struct audit_event ev = audit_of(t->r, AUDIT_REPORT_ASSIGNED, rep.number,
		                                 t->p->assignee ? t->assignee.username : "(none)");
		if ((rc = audit_append(st, &ev)) != STORE_OK)
			return rc;
	}
	return st->report_update(st->cls, &rep);
}

/* Whether u may be assigned the case: an investigator or supervisor who reads it. */
static bool assignable(struct request *r, struct case_ctx *c, const struct store_user *u)
{
	struct store_report_key k;
	return (!strcmp(u->role, "investigator") || !strcmp(u->role, "supervisor")) &&
	       trust_is_reader(r->ctx->trust, r->ctx->store, u) &&
	       r->ctx->store->report_key_get(r->ctx->store->cls, c->rep.id, u->id, &k) == STORE_OK;
}

struct outcome case_update(struct request *r, struct case_ctx *c, const struct case_patch *p)
{
	struct store *st = r->ctx->store;
	struct update_tx t = { .r = r, .c = c, .p = p };
	if (!p->status && !p->set_assignee)
		return OUTCOME(ERR_MISSING_FIELD, "status", NULL);
	if (p->set_assignee && !is_supervisor(r))
		return OUTCOME(ERR_FORBIDDEN, "assignee", NULL);
	if (p->status && !status_valid(p->status))
		return OUTCOME(ERR_INVALID_FIELD, "status", NULL);
	if (p->status && (!p->reason || !*p->reason))
		return OUTCOME(ERR_MISSING_FIELD, "reason", NULL);
	if (p->set_assignee && p->assignee &&
	    (st->user_by_id(st->cls, p->assignee, &t.assignee) != STORE_OK ||
	     !assignable(r, c, &t.assignee)))
		return OUTCOME(ERR_INVALID_FIELD, "assignee", NULL);
	if (p->status) {
		/* The reporter reads the reason (under K_report); the note stays internal (K_notes). */
		crypto_random_id(t.e.id);
		memcpy(t.e.report_id, c->rep.id, sizeof t.e.report_id);
		t.e.at = (int64_t)time(NULL);
		snprintf(t.e.status, sizeof t.e.status, "%s", p->status);
		memcpy(t.e.actor_id, r->user.id, sizeof t.e.actor_id);
		t.e.reason = box_seal_text(p->reason, CASE_K_REPORT(c), c->rep.id, t.e.id, "staff",
		                           BOX_REASON, &t.e.reason_len);
		if (p->internal_note && *p->internal_note)
			t.e.internal = box_seal_text(p->internal_note, CASE_K_NOTES(c), c->rep.id, t.e.id,
			                             "staff", BOX_NOTE, &t.e.internal_len);
	}
	int rc = p->status && !t.e.reason ? STORE_ERR : store_tx(st, update_tx, &t);
	free(t.e.reason);
	free(t.e.internal);
	if (rc == STORE_NONE && t.o.failed)
		return t.o;
	if (rc == STORE_OK) { /* the case as it is now */
		char id[ID_CHARS + 1];
		memcpy(id, c->rep.id, sizeof id);
		store_report_release(&c->rep);
		rc = st->report_by_id(st->cls, id, &c->rep);
	}
	return stored(rc);
}

/* ---- messages and notes ---- */

struct message_tx {
	struct request *r;
	struct case_ctx *c;
	struct store_message m;
	struct store_note n;
	bool note;
};

static int message_tx(struct store *st, void *arg)
{
	struct message_tx *t = arg;
	struct audit_event ev = audit_of(t->r, t->note ? AUDIT_NOTE_ADDED : AUDIT_MESSAGE_SENT,
	                                 t->c->rep.number, NULL);
	int rc = t->note ? st->note_insert(st->cls, &t->n) : st->message_insert(st->cls, &t->m);
	return rc == STORE_OK ? audit_append(st, &ev) : rc;
}

struct outcome case_message(struct request *r, struct case_ctx *c, const char *body,
                            char id[ID_CHARS + 1])
{
	struct message_tx t = { .r = r, .c = c, .m = { .at = (int64_t)time(NULL) } };
	crypto_random_id(t.m.id);
	memcpy(t.m.report_id, c->rep.id, sizeof t.m.report_id);
	strcpy(t.m.author, "staff");
	memcpy(t.m.author_id, r->user.id, sizeof t.m.author_id);
	t.m.body = box_seal_text(body, CASE_K_REPORT(c), c->rep.id, t.m.id, "staff", BOX_MESSAGE,
	                         &t.m.body_len);
	int rc = t.m.body ? store_tx(r->ctx->store, message_tx, &t) : STORE_ERR;
	free(t.m.body);
	memcpy(id, t.m.id, ID_CHARS + 1);
	return stored(rc);
}

struct outcome case_note(struct request *r, struct case_ctx *c, const char *body,
                         char id[ID_CHARS + 1])
{
	struct message_tx t = { .r = r, .c = c, .n = { .at = (int64_t)time(NULL) }, .note = true };
	crypto_random_id(t.n.id);
	memcpy(t.n.report_id, c->rep.id, sizeof t.n.report_id);
	memcpy(t.n.author_id, r->user.id, sizeof t.n.author_id);
	unsigned char *box = box_seal_text(body, CASE_K_NOTES(c), c->rep.id, t.n.id, "staff",
	                                   BOX_NOTE, &t.n.body_len);
	t.n.body = box;
	int rc = box ? store_tx(r->ctx->store, message_tx, &t) : STORE_ERR;
	free(box);
	memcpy(id, t.n.id, ID_CHARS + 1);
	return stored(rc);
}

/* ---- grants ---- */

/* Who the reporter excluded (the list is under K_report), or NULL when it does not open. */
static json_t *exclusions(struct case_ctx *c)
{
	return box_open_json(c->rep.exclusions, c->rep.exclusions_len, CASE_K_REPORT(c), c->rep.id,
	                     "", "reporter", BOX_EXCLUSIONS);
}

/* Whether `id` is in the list; an unreadable list (NULL) counts everyone as excluded. */
static bool listed(const json_t *list, const char *id)
{
	size_t i;
	json_t *e;
	json_array_foreach(list, i, e)
		if (json_is_string(e) && !strcmp(json_string_value(e), id))
			return true;
	return list == NULL;
}

static bool excluded(struct case_ctx *c, const char *id)
{
	json_t *list = exclusions(c);
	bool found = listed(list, id);
	json_decref(list);
	return found;
}

struct grant_tx {
	struct request *r;
	struct case_ctx *c;
	struct store_report_key k;
	const struct store_user *to;
	bool revoke;
};

static int grant_tx(struct store *st, void *arg)
{
	struct grant_tx *t = arg;
	struct store_report_key have;
	int rc = st->report_key_get(st->cls, t->c->rep.id, t->to->id, &have);
	if (rc != STORE_OK && rc != STORE_NONE)
		return rc;
	if ((rc == STORE_OK) != t->revoke)
		return STORE_DUP; /* already a reader / no access to revoke */
	if (t->revoke && strcmp(have.how, "grant") != 0)
		return STORE_DUP; /* only grants are revoked; routing follows the reporter's choice */
	struct audit_event ev = audit_of(t->r, t->revoke ? AUDIT_ACCESS_REVOKED : AUDIT_ACCESS_GRANTED,
	                                 t->c->rep.number, t->to->username);
	if (!t->revoke) {
		rc = st->report_key_put(st->cls, &t->k);
	} else {
		rc = st->report_key_delete(st->cls, t->c->rep.id, t->to->id);
		struct store_report rep;
		if (rc == STORE_OK && (rc = st->report_by_id(st->cls, t->c->rep.id, &rep)) == STORE_OK) {
			store_report_release(&rep);
			if (!strcmp(rep.assignee, t->to->id)) { /* no longer a reader: unassigned */
				rep.assignee[0] = '\0';
				rc = st->report_update(st->cls, &rep);
			}
		}
	}
	return rc == STORE_OK ? audit_append(st, &ev) : rc;
}

struct outcome case_grant(struct request *r, struct case_ctx *c, const char *user_id)
{
	struct store *st = r->ctx->store;
	struct store_user to;
	const struct outcome refused = OUTCOME(ERR_GRANT_REFUSED, "user", NULL);
	int rc = st->user_by_id(st->cls, user_id, &to);
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	/* Confirmed (a certificate chain to the root), active, not excluded by the reporter. */
	if (rc != STORE_OK || !trust_is_reader(r->ctx->trust, st, &to) || excluded(c, to.id))
		return refused;
	struct grant_tx t = { .r = r, .c = c, .k = { .since = (int64_t)time(NULL) }, .to = &to };
	memcpy(t.k.report_id, c->rep.id, sizeof t.k.report_id);
	memcpy(t.k.holder, to.id, sizeof t.k.holder);
	strcpy(t.k.holder_kind, "user");
	strcpy(t.k.how, "grant");
	crypto_box_seal(t.k.k_report, CASE_K_REPORT(c), RKEY_BYTES, to.enc_pk);
	crypto_box_seal(t.k.k_notes, CASE_K_NOTES(c), RKEY_BYTES, to.enc_pk);
	rc = store_tx(st, grant_tx, &t);
	return rc == STORE_DUP ? refused : stored(rc);
}

struct outcome case_revoke(struct request *r, struct case_ctx *c, const char *user_id)
{
	struct store *st = r->ctx->store;
	struct store_user to;
	int rc = st->user_by_id(st->cls, user_id, &to);
	if (rc == STORE_NONE)
		return OUTCOME(ERR_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	struct grant_tx t = { .r = r, .c = c, .to = &to, .revoke = true };
	rc = store_tx(st, grant_tx, &t);
	return rc == STORE_DUP ? OUTCOME(ERR_NOT_FOUND, NULL, NULL) : stored(rc);
}

/* ---- identity requests ---- */

struct idreq_tx {
	struct request *r;
	struct case_ctx *c;
	struct store_idreq q;
	bool approve;
	struct store_report_key requester_key; /* approval: K_identity sealed to the requester */
};

static int has_open_request(void *arg, const struct store_idreq *q)
{
	struct idreq_tx *t = arg;
	if (!strcmp(q->requester_id, t->r->user.id) && strcmp(q->state, "denied") != 0)
		t->q.state[0] = 'x'; /* pending or approved already */
	return 0;
}

static int request_tx(struct store *st, void *arg)
{
	struct idreq_tx *t = arg;
	t->q.state[0] = '\0';
	int rc = st->idreqs_each(st->cls, t->c->rep.id, NULL, has_open_request, t);
	if (rc != STORE_OK)
		return rc;
	if (t->q.state[0])
		return STORE_DUP;
	strcpy(t->q.state, "pending");
	struct audit_event ev = audit_of(t->r, AUDIT_IDENTITY_REQUESTED, t->c->rep.number, NULL);
	if ((rc = st->idreq_insert(st->cls, &t->q)) != STORE_OK)
		return rc;
	return audit_append(st, &ev);
}

struct outcome case_identity_request(struct request *r, struct case_ctx *c, const char *reason,
                                     char id[ID_CHARS + 1])
{
	if (!c->rep.has_identity)
		return OUTCOME(ERR_CONFLICT, NULL, r->lang == LANG_EN
		               ? "The reporter gave no identity with this report."
		               : "Pelapor tidak memberikan identitas pada laporan ini.");
	struct idreq_tx t = { .r = r, .c = c, .q = { .at = (int64_t)time(NULL) } };
	crypto_random_id(t.q.id);
	memcpy(t.q.report_id, c->rep.id, sizeof t.q.report_id);
	memcpy(t.q.requester_id, r->user.id, sizeof t.q.requester_id);
	unsigned char *box = box_seal_text(reason, CASE_K_NOTES(c), c->rep.id, t.q.id, "staff",
	                                   BOX_NOTE, &t.q.reason_len);
	t.q.reason = box;
	int rc = box ? store_tx(r->ctx->store, request_tx, &t) : STORE_ERR;
	free(box);
	if (rc == STORE_DUP)
		return OUTCOME(ERR_CONFLICT, NULL, r->lang == LANG_EN
		               ? "You already have a pending or approved request for this report."
		               : "Anda sudah memiliki permintaan yang menunggu atau disetujui untuk "
		                 "laporan ini.");
	memcpy(id, t.q.id, ID_CHARS + 1);
	return stored(rc);
}

/* A request as listed, its reasons opened with the case's K_notes. */
static json_t *idreq_json(struct request *r, struct case_ctx *c, const struct store_idreq *q)
{
	struct store *st = r->ctx->store;
	struct store_user u;
	char at[21];
	time_rfc3339(q->at, at);
	char *reason = box_open_text(q->reason, q->reason_len, CASE_K_NOTES(c), c->rep.id, q->id,
	                             "staff", BOX_NOTE);
	char *decision = q->decision ? box_open_text(q->decision, q->decision_len, CASE_K_NOTES(c),
	                                             c->rep.id, q->id, "decision", BOX_NOTE)
	                             : NULL;
	json_t *requester = st->user_by_id(st->cls, q->requester_id, &u) == STORE_OK
		? json_pack("{s:s,s:s}", "id", u.id, "name", u.name) : json_null();
	json_t *decided_by = q->decided_by[0] && st->user_by_id(st->cls, q->decided_by, &u) == STORE_OK
		? json_pack("{s:s,s:s}", "id", u.id, "name", u.name) : json_null();
	json_t *item = json_pack("{s:s,s:{s:s,s:s},s:o,s:s?,s:s,s:o,s:s?,s:s}", "id", q->id,
	                         "report", "id", c->rep.id, "number", c->rep.number, "requester",
	                         requester, "reason", reason, "state", q->state, "decided_by",
	                         decided_by, "decision_reason", decision, "at", at);
	text_free(reason);
	text_free(decision);
	return item;
}

struct listing {
	struct request *r;
	json_t *items;
	struct case_ctx c; /* the last report opened, reused for its next requests */
	bool open;
};

static int list_idreq(void *arg, const struct store_idreq *q)
{
	struct listing *l = arg;
	if (!l->open || strcmp(l->c.rep.id, q->report_id) != 0) {
		if (l->open)
			case_close(&l->c);
		/* A supervisor the reporter excluded cannot open the report: not listed. */
		l->open = !case_open(l->r, q->report_id, CASE_ORG, &l->c).failed;
	}
	if (l->open)
		json_array_append_new(l->items, idreq_json(l->r, &l->c, q));
	return 0;
}

json_t *case_identity_requests(struct request *r)
{
	struct store *st = r->ctx->store;
	const char *state = req_query(r, "state");
	if (state && *state && strcmp(state, "pending") && strcmp(state, "approved") &&
	    strcmp(state, "denied")) {
		reply_error(r, ERR_INVALID_FIELD, "state");
		return NULL;
	}
	int64_t page, per_page;
	if (req_pagination(r, &page, &per_page) != 0)
		return NULL;
	struct listing l = { r, json_array() };
	int rc = st->idreqs_each(st->cls, NULL, state && *state ? state : NULL, list_idreq, &l);
	if (l.open)
		case_close(&l.c);
	if (rc != STORE_OK) {
		json_decref(l.items);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return NULL;
	}
	/* Only the requests this supervisor can open are listed, so the page is cut here (the
	 * queue is short: requests are rare and decided). */
	size_t total = json_array_size(l.items), from = (size_t)((page - 1) * per_page);
	json_t *items = json_array();
	for (size_t i = from; i < total && i < from + (size_t)per_page; i++)
		json_array_append(items, json_array_get(l.items, i));
	json_decref(l.items);
	return json_pack("{s:I,s:I,s:I,s:o}", "total", (json_int_t)total, "page", (json_int_t)page,
	                 "per_page", (json_int_t)per_page, "items", items);
}

int64_t case_identity_pending(struct request *r)
{
	struct store *st = r->ctx->store;
	struct listing l = { r, json_array() };
	int rc = st->idreqs_each(st->cls, NULL, "pending", list_idreq, &l);
	if (l.open)
		case_close(&l.c);
	int64_t n = rc == STORE_OK ? (int64_t)json_array_size(l.items) : 0;
	json_decref(l.items);
	return n;
}

/* Supervisors other than the requester who could decide (trusted, not excluded). */
struct deciders {
	struct request *r;
	json_t *excluded; /* opened once, not per supervisor */
	const char *requester;
	int n;
};

static int count_decider(void *arg, const struct store_user *u)
{
	struct deciders *d = arg;
	if (!strcmp(u->role, "supervisor") && strcmp(u->id, d->requester) != 0 &&
	    trust_is_reader(d->r->ctx->trust, d->r->ctx->store, u) && !listed(d->excluded, u->id))
		d->n++;
	return 0;
}

static int decide_tx(struct store *st, void *arg)
{
	struct idreq_tx *t = arg;
	struct store_idreq now;
	int rc = st->idreq_get(st->cls, t->q.id, &now);
	if (rc != STORE_OK)
		return rc;
	if (strcmp(now.state, "pending") != 0)
		return STORE_DUP;
	if (t->approve) {
		struct store_report_key k;
		if ((rc = st->report_key_get(st->cls, t->c->rep.id, t->q.requester_id, &k)) != STORE_OK)
			return rc == STORE_NONE ? STORE_DUP : rc; /* no longer a reader */
		k.has_identity = true;
		memcpy(k.k_identity, t->requester_key.k_identity, sizeof k.k_identity);
		if ((rc = st->report_key_put(st->cls, &k)) != STORE_OK)
			return rc;
	}
	struct audit_event ev = audit_of(t->r, AUDIT_IDENTITY_DECIDED, t->c->rep.number,
	                                 t->approve ? "approved" : "denied");
	if ((rc = st->idreq_update(st->cls, &t->q)) != STORE_OK)
		return rc;
	return audit_append(st, &ev);
}

struct outcome case_identity_decide(struct request *r, const char *rid, bool approve,
                                    const char *reason, json_t **item)
{
	struct store *st = r->ctx->store;
	struct idreq_tx t = { .r = r, .approve = approve };
	struct case_ctx c;
	int rc = st->idreq_get(st->cls, rid, &t.q);
	if (rc == STORE_NONE)
		return OUTCOME(ERR_NOT_FOUND, NULL, NULL);
	if (rc != STORE_OK)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	struct outcome o = case_open(r, t.q.report_id, CASE_ORG, &c);
	if (o.failed)
		return o;
	t.c = &c;
	if (!strcmp(t.q.requester_id, r->user.id)) {
		struct deciders d = { r, exclusions(&c), r->user.id, 0 };
		int rc_readers = st->readers(st->cls, count_decider, &d);
		json_decref(d.excluded);
		if (rc_readers != STORE_OK) {
			case_close(&c);
			return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
		}
		if (d.n > 0) {
			case_close(&c);
			return OUTCOME(ERR_FORBIDDEN, NULL, r->lang == LANG_EN
			               ? "Another supervisor must decide your own request."
			               : "Permintaan Anda sendiri harus diputuskan oleh supervisor lain.");
		}
	}
	struct store_user requester;
	if (approve) {
		if (!c.has_identity_key || st->user_by_id(st->cls, t.q.requester_id, &requester) !=
		                               STORE_OK || !trust_is_reader(r->ctx->trust, st, &requester)) {
			case_close(&c);
			return OUTCOME(ERR_CONFLICT, NULL, NULL);
		}
		/* K_identity to the requester alone. */
		crypto_box_seal(t.requester_key.k_identity, CASE_K_IDENTITY(&c), RKEY_BYTES,
		                requester.enc_pk);
	}
	strcpy(t.q.state, approve ? "approved" : "denied");
	memcpy(t.q.decided_by, r->user.id, sizeof t.q.decided_by);
	t.q.decided_at = (int64_t)time(NULL);
	unsigned char *box = reason && *reason
		? box_seal_text(reason, CASE_K_NOTES(&c), c.rep.id, t.q.id, "decision", BOX_NOTE,
		                &t.q.decision_len)
		: NULL;
	t.q.decision = box;
	rc = store_tx(st, decide_tx, &t);
	free(box);
	if (rc == STORE_OK) {
		struct store_idreq now;
		if (st->idreq_get(st->cls, rid, &now) == STORE_OK) {
			/* The listing's shape, with the reasons (read back with their boxes). */
			*item = NULL;
			struct listing l = { r, json_array() };
			st->idreqs_each(st->cls, c.rep.id, NULL, list_idreq, &l);
			size_t i;
			json_t *v;
			json_array_foreach(l.items, i, v)
				if (!strcmp(json_string_value(json_object_get(v, "id")), rid))
					*item = json_incref(v);
			if (l.open)
				case_close(&l.c);
			json_decref(l.items);
		}
	}
	case_close(&c);
	if (rc == STORE_DUP)
		return OUTCOME(ERR_CONFLICT, NULL, NULL);
	return stored(rc);
}
