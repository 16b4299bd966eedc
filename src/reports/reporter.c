/* reporter.c: what a reporter does with their receipt: sign in, read their report, its
 * status and messages, and reply. The report's keys come from the receipt (and then from the
 * session): the server alone can open none of this. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit/audit.h"
#include "core/log.h"
#include "core/status.h"
#include "core/timeutil.h"
#include "reports/internal.h"

static unsigned char receipt_salt[RECEIPT_SALTBYTES];

const unsigned char *reports_receipt_salt(void)
{
	return receipt_salt;
}

static int salt_tx(struct store *st, void *arg)
{
	char hex[2 * RECEIPT_SALTBYTES + 3];
	(void)arg;
	int rc = st->setting_get(st->cls, "receipt_salt", hex, sizeof hex);
	if (rc != STORE_NONE)
		return rc; /* another server made it first */
	unsigned char salt[RECEIPT_SALTBYTES];
	randombytes_buf(salt, sizeof salt);
	hex[0] = '"';
	sodium_bin2hex(hex + 1, sizeof hex - 1, salt, sizeof salt);
	strcat(hex, "\"");
	return st->setting_put(st->cls, "receipt_salt", hex);
}

int reports_init(struct store *st)
{
	char hex[2 * RECEIPT_SALTBYTES + 3];
	int rc = store_tx(st, salt_tx, NULL);
	if (rc == STORE_OK)
		rc = st->setting_get(st->cls, "receipt_salt", hex, sizeof hex);
	if (rc != STORE_OK || strlen(hex) != 2 * RECEIPT_SALTBYTES + 2 ||
	    sodium_hex2bin(receipt_salt, sizeof receipt_salt, hex + 1, 2 * RECEIPT_SALTBYTES, NULL,
	                   NULL, NULL) != 0)
		return rc == STORE_OK ? STORE_ERR : rc;
	return STORE_OK;
}

struct outcome reports_receipt_login(struct request *r, const char *typed,
                                     char report_id[ID_CHARS + 1], unsigned char *keys)
{
	char receipt[RECEIPT_DIGITS + 1];
	unsigned char lookup[32], wrap[32];
	/* A malformed receipt still costs one Argon2id, so timing says nothing. */
	bool well_formed = receipt_normalize(typed, receipt) == 0;
	if (!well_formed)
		memcpy(receipt, "00000000000000000000", sizeof receipt);
	if (receipt_derive(receipt, receipt_salt, r->ctx->keys->receipt_pepper, lookup, wrap) != 0)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	sodium_memzero(receipt, sizeof receipt);
	struct store_report rep;
	int rc = r->ctx->store->report_by_lookup(r->ctx->store->cls, lookup, &rep);
	bool ok = well_formed && rc == STORE_OK &&
	          box_open(keys, rep.reporter_keys, sizeof rep.reporter_keys, wrap, rep.id, "",
	                   "reporter", BOX_REPORTER) == 0;
	sodium_memzero(wrap, sizeof wrap);
	if (rc == STORE_OK) {
		if (ok)
			memcpy(report_id, rep.id, ID_CHARS + 1);
		store_report_release(&rep);
	}
	if (rc == STORE_ERR || rc == STORE_RETRY)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	return ok ? OUTCOME_OK
	          : OUTCOME(ERR_UNAUTHENTICATED, NULL, r->lang == LANG_EN
	                    ? "This receipt code is not known. Check the 20 digits and try again."
	                    : "Kode resi tidak dikenal. Periksa ke-20 angka lalu coba lagi.");
}

/* ---- the reporter's view ---- */

struct view {
	const unsigned char *k_report;
	const char *report_id;
	json_t *list;
	enum lang lang;
};

static int add_message(void *arg, const struct store_message *m)
{
	struct view *v = arg;
	char *body = box_open_text(m->body, m->body_len, v->k_report, v->report_id, m->id, m->author,
	                       BOX_MESSAGE);
	char at[21];
	time_rfc3339(m->at, at);
	json_t *item = json_pack("{s:s,s:s,s:s?,s:s}", "id", m->id, "from", m->author, "body", body,
	                         "at", at);
	if (body)
		sodium_memzero(body, strlen(body));
	free(body);
	return json_array_append_new(v->list, item);
}

static int add_file(void *arg, const struct store_file *f)
{
	struct view *v = arg;
	json_t *meta = box_open_json(f->meta, f->meta_len, v->k_report, v->report_id, f->id,
	                         f->added_by, BOX_FILE_META);
	json_t *item = json_pack("{s:s,s:O?,s:O?,s:I,s:O?,s:O?}", "id", f->id, "name",
	                         json_object_get(meta, "name"), "type", json_object_get(meta, "type"),
	                         "size", (json_int_t)f->size, "cleaned",
	                         json_object_get(meta, "cleaned"), "removed",
	                         json_object_get(meta, "removed"));
	json_decref(meta);
	return json_array_append_new(v->list, item);
}

struct timeline {
	struct view v;
	const char *created_on;
};

static int add_event(void *arg, const struct store_event *e)
{
	struct timeline *t = arg;
	char at[21];
	char *reason = e->reason ? box_open_text(e->reason, e->reason_len, t->v.k_report, t->v.report_id,
	                                     e->id, "staff", BOX_REASON) : NULL;
	if (e->at)
		time_rfc3339(e->at, at);
	json_t *item = json_pack("{s:s,s:s,s:s,s:s?}", "status", e->status, "status_label",
	                         status_label(e->status, t->v.lang), "at", e->at ? at : t->created_on,
	                         "reason", reason);
	free(reason);
	return json_array_append_new(t->v.list, item);
}

json_t *reports_reporter_view(struct request *r)
{
	struct store *st = r->ctx->store;
	struct store_report rep;
	const unsigned char *k_report = r->sk, *k_identity = r->sk + RKEY_BYTES;
	if (st->report_by_id(st->cls, r->report_id, &rep) != STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return NULL;
	}
	json_t *content = box_open_json(rep.content, rep.content_len, k_report, rep.id, "", "reporter",
	                            BOX_CONTENT);
	json_t *identity = json_null();
	if (rep.has_identity) {
		unsigned char padded[IDENTITY_PADDED + 1];
		if (box_open(padded, rep.identity, sizeof rep.identity, k_identity, rep.id, "",
		             "reporter", BOX_IDENTITY) == 0) {
			long n = identity_unpad(padded);
			if (n >= 0) {
				padded[n] = '\0';
				json_decref(identity);
				identity = json_loads((char *)padded, 0, NULL);
			}
		}
		sodium_memzero(padded, sizeof padded);
	}
	struct view files = { k_report, rep.id, json_array(), r->lang };
	struct view messages = { k_report, rep.id, json_array(), r->lang };
	struct timeline events = { { k_report, rep.id, json_array(), r->lang }, rep.created_on };
	int rc = st->files_each(st->cls, rep.id, add_file, &files);
	if (rc == STORE_OK)
		rc = st->messages_each(st->cls, rep.id, add_message, &messages);
	if (rc == STORE_OK)
		rc = st->events_each(st->cls, rep.id, add_event, &events);
	json_t *view = NULL;
	if (rc == STORE_OK && content)
		view = json_pack("{s:s,s:s,s:s,s:s,s:O,s:o,s:o,s:o,s:o}", "category", rep.category,
		                 "status", rep.status, "status_label", status_label(rep.status, r->lang),
		                 "submitted_on", rep.created_on, "content", content, "identity",
		                 identity ? identity : json_null(), "files", files.list, "messages",
		                 messages.list, "timeline", events.v.list);
	else {
		json_decref(identity);
		json_decref(files.list);
		json_decref(messages.list);
		json_decref(events.v.list);
	}
	json_decref(content);
	store_report_release(&rep);
	if (!view)
		reply_error(r, ERR_UNAVAILABLE, NULL);
	return view;
}

/* ---- replies ---- */

struct reply_tx {
	struct store_message m;
};

static int reply_tx(struct store *st, void *arg)
{
	struct reply_tx *t = arg;
	struct store_report rep;
	int rc = st->message_insert(st->cls, &t->m);
	if (rc == STORE_OK)
		rc = st->report_count(st->cls, t->m.report_id, 0, 1);
	if (rc == STORE_OK && (rc = st->report_by_id(st->cls, t->m.report_id, &rep)) == STORE_OK) {
		rc = audit_append_reporter(st, AUDIT_REPORTER_REPLIED, rep.number);
		store_report_release(&rep);
	}
	return rc;
}

struct outcome reports_reporter_message(struct request *r, const char *body, char id[ID_CHARS + 1])
{
	size_t n = strlen(body);
	struct reply_tx t = { .m = { .at = hour_of((int64_t)time(NULL)), .body_len = n + BOX_OVERHEAD } };
	crypto_random_id(t.m.id);
	memcpy(t.m.report_id, r->report_id, sizeof t.m.report_id);
	strcpy(t.m.author, "reporter");
	t.m.body = malloc(t.m.body_len);
	if (!t.m.body)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	box_seal(t.m.body, (const unsigned char *)body, n, r->sk, r->report_id, t.m.id, "reporter",
	         BOX_MESSAGE);
	int rc = store_tx(r->ctx->store, reply_tx, &t);
	free(t.m.body);
	if (rc != STORE_OK)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	memcpy(id, t.m.id, ID_CHARS + 1);
	return OUTCOME_OK;
}
