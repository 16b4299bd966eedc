/* submit.c: a citizen's submission: validated fields, evidence streamed through type
 * sniffing and encryption into staged chunks, then one short transaction that makes the
 * whole report visible (report row, sealed keys, content, files, case number, the system's
 * acknowledgement and the reporter-originated audit entry). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts/settings.h"
#include "accounts/trust.h"
#include "audit/audit.h"
#include "core/log.h"
#include "core/refdata.h"
#include "core/timeutil.h"
#include "crypto/keys.h"
#include "media/sniff.h"
#include "reports/reports.h"
#include "reports/internal.h"

/* ---- field validation ---- */

/* A trimmed string field: NULL when absent or empty; *bad set when not a string. */
static const char *text(const json_t *body, const char *name, bool *bad)
{
	const json_t *v = json_object_get(body, name);
	*bad = false;
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

static size_t chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Copies `s` trimmed into a fresh string (NULL when empty after trimming). */
static char *trimmed(const char *s)
{
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		n--;
	return n ? strndup(s, n) : NULL;
}

/* One optional text field with a length limit in code points. */
static struct outcome take_text(const json_t *body, const char *name, size_t max, bool required,
                                char **out)
{
	bool bad;
	*out = trimmed(text(body, name, &bad));
	if (bad)
		return OUTCOME(ERR_INVALID_FIELD, name, NULL);
	if (!*out)
		return required ? OUTCOME(ERR_MISSING_FIELD, name, NULL) : OUTCOME_OK;
	if (chars(*out) > max || memchr(*out, '\0', strlen(*out)) != NULL)
		return OUTCOME(ERR_INVALID_FIELD, name, NULL);
	return OUTCOME_OK;
}

/* A coordinate: a JSON number or a decimal string. */
static struct outcome take_coord(const json_t *body, const char *name, double lim, bool form,
                                 bool *present, double *out)
{
	const json_t *v = json_object_get(body, name);
	*present = false;
	if (!v || json_is_null(v) || (json_is_string(v) && !*json_string_value(v)))
		return OUTCOME_OK;
	char *end = NULL;
	if (json_is_number(v)) {
		*out = json_number_value(v);
	} else if (json_is_string(v) && form) {
		*out = strtod(json_string_value(v), &end);
		if (end == json_string_value(v) || *end)
			return OUTCOME(ERR_INVALID_FIELD, name, NULL);
	} else {
		return OUTCOME(ERR_INVALID_FIELD, name, NULL);
	}
	if (!isfinite(*out) || *out < -lim || *out > lim)
		return OUTCOME(ERR_INVALID_FIELD, name, NULL);
	*present = true;
	return OUTCOME_OK;
}

/* Indonesian numbers become +62…; others keep their +country; 8 to 15 digits. */
static bool normalize_phone(const char *in, char out[20])
{
	char digits[32];
	size_t n = 0;
	bool plus = false;
	for (const char *p = in; *p; p++) {
		if (strchr(" -.()", *p))
			continue;
		if (*p == '+' && n == 0 && !plus) {
			plus = true;
			continue;
		}
		if (*p < '0' || *p > '9' || n >= sizeof digits - 1)
			return false;
		digits[n++] = *p;
	}
	digits[n] = '\0';
	const char *rest = digits;
	char cc[4] = "";
	if (!plus && digits[0] == '0') {
		strcpy(cc, "62");
		rest = digits + 1;
	} else if (!plus && !strncmp(digits, "62", 2)) {
		strcpy(cc, "62");
		rest = digits + 2;
	} else if (!plus) {
		return false;
	} else if (digits[0] == '0') {
		return false; /* no country code starts with 0 */
	} else if (!strncmp(digits, "620", 3)) {
		strcpy(cc, "62"); /* "+62 0812…": the trunk zero does not belong after the country code */
		rest = digits + 3;
	}
	int len = snprintf(out, 20, "+%s%s", cc, rest);
	return len >= 9 && len <= 16 && (rest[0] != '0' || !cc[0]);
}

static bool email_valid(const char *e)
{
	const char *at = strchr(e, '@');
	if (!at || at == e || strchr(at + 1, '@') || strpbrk(e, " \t<>()[],;:\\\""))
		return false;
	const char *dot = strrchr(at + 1, '.');
	return dot && dot > at + 1 && dot[1] != '\0' && strlen(dot + 1) >= 2;
}

static bool truthy(const json_t *v, bool form, bool *out)
{
	if (!v || json_is_null(v)) {
		*out = false;
		return true;
	}
	if (json_is_boolean(v)) {
		*out = json_is_true(v);
		return true;
	}
	const char *s = form ? json_string_value(v) : NULL;
	if (!s)
		return false;
	if (!strcmp(s, "true") || !strcmp(s, "on") || !strcmp(s, "1")) {
		*out = true;
		return true;
	}
	if (!strcmp(s, "false") || !strcmp(s, "off") || !strcmp(s, "0") || !*s) {
		*out = false;
		return true;
	}
	return false;
}

/* The kelurahan list of a kecamatan code, or NULL. */
static const json_t *kecamatan_find(const char *code)
{
	size_t i;
	const json_t *k;
	json_array_foreach(refdata_kecamatan(), i, k)
		if (!strcmp(json_string_value(json_object_get(k, "code")), code))
			return k;
	return NULL;
}

static bool kelurahan_in(const json_t *kec, const char *code)
{
	size_t i;
	const json_t *k;
	json_array_foreach(json_object_get(kec, "kelurahan"), i, k)
		if (!strcmp(json_string_value(json_object_get(k, "code")), code))
			return true;
	return false;
}

void sub_fields_release(struct sub_fields *f)
{
	char **all[] = { &f->category, &f->message, &f->involved, &f->occurred, &f->kecamatan,
	                 &f->kelurahan, &f->address, &f->phone, &f->name, &f->email };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++) {
		if (*all[i])
			sodium_memzero(*all[i], strlen(*all[i]));
		free(*all[i]);
		*all[i] = NULL;
	}
	json_decref(f->exclude);
	f->exclude = NULL;
}

struct outcome sub_fields_parse(const json_t *body, const struct settings *s, bool form,
                                struct sub_fields *f)
{
	struct outcome o;
	memset(f, 0, sizeof *f);
	if (!json_is_object(body))
		return OUTCOME(ERR_INVALID_JSON, NULL, NULL);
	if ((o = take_text(body, "category", 64, true, &f->category)).failed)
		return o;
	if (!refdata_category_valid(f->category))
		return OUTCOME(ERR_INVALID_FIELD, "category", NULL);
	if ((o = take_text(body, "message", s->max_message_chars, true, &f->message)).failed)
		return o;
	if (chars(f->message) < 20)
		return OUTCOME(ERR_INVALID_FIELD, "message", NULL);
	if ((o = take_text(body, "involved", 1000, false, &f->involved)).failed ||
	    (o = take_text(body, "occurred", 200, false, &f->occurred)).failed ||
	    (o = take_text(body, "kecamatan", 64, false, &f->kecamatan)).failed ||
	    (o = take_text(body, "kelurahan", 128, false, &f->kelurahan)).failed ||
	    (o = take_text(body, "address", 500, false, &f->address)).failed ||
	    (o = take_text(body, "phone", 40, false, &f->phone)).failed ||
	    (o = take_text(body, "name", 200, false, &f->name)).failed ||
	    (o = take_text(body, "email", 200, false, &f->email)).failed)
		return o;
	const json_t *kec = NULL;
	if (f->kecamatan && !(kec = kecamatan_find(f->kecamatan)))
		return OUTCOME(ERR_INVALID_FIELD, "kecamatan", NULL);
	if (f->kelurahan && !kec)
		return OUTCOME(ERR_MISSING_FIELD, "kecamatan", NULL);
	if (f->kelurahan && !kelurahan_in(kec, f->kelurahan))
		return OUTCOME(ERR_INVALID_FIELD, "kelurahan", NULL);
	if ((o = take_coord(body, "lat", 90, form, &f->has_lat, &f->lat)).failed ||
	    (o = take_coord(body, "lon", 180, form, &f->has_lon, &f->lon)).failed)
		return o;
	if (f->has_lat != f->has_lon)
		return OUTCOME(ERR_MISSING_FIELD, f->has_lat ? "lon" : "lat", NULL);
	if (f->phone) {
		char norm[20];
		if (!normalize_phone(f->phone, norm))
			return OUTCOME(ERR_INVALID_FIELD, "phone", NULL);
		free(f->phone);
		f->phone = strdup(norm);
	}
	if (f->email && !email_valid(f->email))
		return OUTCOME(ERR_INVALID_FIELD, "email", NULL);
	const json_t *ex = json_object_get(body, "exclude");
	f->exclude = json_array();
	if (ex && json_is_string(ex) && *json_string_value(ex)) {
		json_array_append(f->exclude, (json_t *)ex);
	} else if (json_is_array(ex)) {
		size_t i;
		const json_t *id;
		json_array_foreach(ex, i, id) {
			if (!json_is_string(id))
				return OUTCOME(ERR_INVALID_FIELD, "exclude", NULL);
			if (*json_string_value(id))
				json_array_append(f->exclude, (json_t *)id);
		}
	} else if (ex && !json_is_null(ex) && !(json_is_string(ex))) {
		return OUTCOME(ERR_INVALID_FIELD, "exclude", NULL);
	}
	if (json_array_size(f->exclude) > 0 && !s->exclusion_enabled)
		return OUTCOME(ERR_INVALID_FIELD, "exclude", NULL);
	if (!truthy(json_object_get(body, "keep_metadata"), form, &f->keep_metadata))
		return OUTCOME(ERR_INVALID_FIELD, "keep_metadata", NULL);
	return OUTCOME_OK;
}

/* ---- who receives the keys ---- */

struct routing {
	const struct trust *t;
	struct store *st;
	const json_t *exclude;
	struct store_user *readers; /* trusted readers, not excluded */
	int n, cap;
	int all;                    /* trusted readers before exclusions */
	bool supervisor_excluded;
	bool unknown_exclusion;
};

static bool excluded(const json_t *exclude, const char *id)
{
	size_t i;
	const json_t *e;
	json_array_foreach(exclude, i, e)
		if (!strcmp(json_string_value(e), id))
			return true;
	return false;
}

static int route_reader(void *arg, const struct store_user *u)
{
	struct routing *r = arg;
	if (!trust_is_reader(r->t, r->st, u))
		return 0;
	r->all++;
	if (excluded(r->exclude, u->id)) {
		if (!strcmp(u->role, "supervisor"))
			r->supervisor_excluded = true;
		return 0;
	}
	if (r->n == r->cap) {
		int cap = r->cap ? r->cap * 2 : 16;
		struct store_user *p = realloc(r->readers, (size_t)cap * sizeof *p);
		if (!p)
			return -1;
		r->readers = p;
		r->cap = cap;
	}
	r->readers[r->n++] = *u;
	return 0;
}

/* The readers of a new report. OUTCOME 503 when nobody can read reports at all; 400 when an
 * exclusion names nobody who may be excluded, or leaves no reader. */
static struct outcome route(const struct trust *t, struct store *st, const json_t *exclude,
                            struct routing *out)
{
	memset(out, 0, sizeof *out);
	out->t = t;
	out->st = st;
	out->exclude = exclude;
	if (st->readers(st->cls, route_reader, out) != STORE_OK)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	if (out->all == 0)
		return OUTCOME(ERR_UNAVAILABLE, NULL, NULL);
	/* Every excluded id must be a current recipient. */
	size_t i;
	const json_t *e;
	json_array_foreach(exclude, i, e) {
		struct store_user u;
		if (st->user_by_id(st->cls, json_string_value(e), &u) != STORE_OK ||
		    !trust_is_reader(t, st, &u))
			return OUTCOME(ERR_INVALID_FIELD, "exclude", NULL);
	}
	if (out->n == 0)
		return OUTCOME(ERR_NO_READER, "exclude", NULL);
	return OUTCOME_OK;
}

/* ---- the upload steps of a new submission ---- */

static int submit_begin(struct request *r)
{
	if (upload_state_new(r) != 0)
		return -1;
	struct upload_state *u = r->upload_state;
	struct outcome o = sub_fields_parse(r->json, &u->settings, r->up != NULL, &u->fields);
	struct routing rt = { 0 };
	if (!o.failed)
		o = route(r->ctx->trust, r->ctx->store, u->fields.exclude, &rt);
	free(rt.readers);
	if (o.failed) {
		reply_outcome(r, &o);
		return -1;
	}
	u->keep_metadata = u->fields.keep_metadata;
	crypto_random_id(u->report_id);
	randombytes_buf(u->keys, 3 * RKEY_BYTES);
	return 0;
}

const struct upload_ops reports_submit_upload = {
	submit_begin, evidence_file_begin, evidence_file_data, evidence_file_end,
};

static int add_files_begin(struct request *r)
{
	if (upload_state_new(r) != 0)
		return -1;
	struct upload_state *u = r->upload_state;
	bool keep;
	if (!truthy(json_object_get(r->json, "keep_metadata"), true, &keep)) {
		reply_error(r, ERR_INVALID_FIELD, "keep_metadata");
		return -1;
	}
	u->keep_metadata = keep;
	u->add_files = true;
	memcpy(u->report_id, r->report_id, sizeof u->report_id);
	memcpy(K_REPORT(u), r->sk, RKEY_BYTES); /* the session's K_report */
	return 0;
}

const struct upload_ops reports_add_files_upload = {
	add_files_begin, evidence_file_begin, evidence_file_data, evidence_file_end,
};

/* ---- the final transaction ---- */

/* Reads a date "YYYY-MM-DD" + days, in WIB, into out. */
static void date_plus(int64_t now, unsigned days, char out[11])
{
	time_wib_date(now + (int64_t)days * 86400, out);
}

/* "11 Desember 2026" / "11 December 2026". */
static void long_date(const char *ymd, enum lang lang, char *out, size_t len)
{
	static const char *const months[2][12] = {
		{ "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
		  "Oktober", "November", "Desember" },
		{ "January", "February", "March", "April", "May", "June", "July", "August", "September",
		  "October", "November", "December" },
	};
	int y = 0, m = 1, d = 1;
	sscanf(ymd, "%d-%d-%d", &y, &m, &d);
	snprintf(out, len, "%d %s %d", d, months[lang][(m - 1) % 12], y);
}

static json_t *opt(const char *s)
{
	return s ? json_string(s) : json_null();
}

struct final {
	struct request *r;
	struct upload_state *u;
	struct store_report rep;
	struct routing routing;
	struct store_org_key org;
	bool seal_org;
	unsigned char *ack;   /* the system's acknowledgement, sealed */
	size_t ack_len;
	char ack_id[ID_CHARS + 1];
	int64_t now;
};

static void seal_key(unsigned char out[SEALED_RKEY_BYTES], const unsigned char *k,
                     const unsigned char pk[crypto_box_PUBLICKEYBYTES])
{
	crypto_box_seal(out, k, RKEY_BYTES, pk);
}

static int final_tx(struct store *st, void *arg)
{
	struct final *f = arg;
	struct upload_state *u = f->u;
	int64_t n;
	int year = atoi(f->rep.created_on);
	int rc = st->case_number_next(st->cls, year, &n);
	if (rc != STORE_OK)
		return rc;
	snprintf(f->rep.number, sizeof f->rep.number, "WBS-%04d-%06lld", year, (long long)n);
	if ((rc = st->report_insert(st->cls, &f->rep)) != STORE_OK)
		return rc;
	/* Access "since" the submission day: a report keeps only its date. */
	int64_t day = f->now - (f->now + WIB_OFFSET) % 86400;
	for (int i = 0; rc == STORE_OK && i < f->routing.n; i++) {
		const struct store_user *reader = &f->routing.readers[i];
		struct store_report_key k = { .since = day };
		memcpy(k.report_id, f->rep.id, sizeof k.report_id);
		memcpy(k.holder, reader->id, sizeof k.holder);
		strcpy(k.holder_kind, "user");
		strcpy(k.how, "routing");
		seal_key(k.k_report, K_REPORT(u), reader->enc_pk);
		seal_key(k.k_notes, K_NOTES(u), reader->enc_pk);
		/* Identity only to supervisors at submission (SECURITY.md threat 4). */
		k.has_identity = !strcmp(reader->role, "supervisor");
		if (k.has_identity)
			seal_key(k.k_identity, K_IDENTITY(u), reader->enc_pk);
		rc = st->report_key_put(st->cls, &k);
	}
	if (rc == STORE_OK && f->seal_org) {
		struct store_report_key k = { .since = day, .has_identity = true };
		memcpy(k.report_id, f->rep.id, sizeof k.report_id);
		memcpy(k.holder, f->org.id, sizeof k.holder);
		strcpy(k.holder_kind, "org");
		strcpy(k.how, "routing");
		seal_key(k.k_report, K_REPORT(u), f->org.pk);
		seal_key(k.k_notes, K_NOTES(u), f->org.pk);
		seal_key(k.k_identity, K_IDENTITY(u), f->org.pk);
		rc = st->report_key_put(st->cls, &k);
	}
	if (rc == STORE_OK)
		rc = evidence_attach(st, u, f->rep.id, hour_of(f->now));
	if (rc == STORE_OK) {
		struct store_event e = { .at = 0 };
		crypto_random_id(e.id);
		memcpy(e.report_id, f->rep.id, sizeof e.report_id);
		strcpy(e.status, "received");
		rc = st->event_insert(st->cls, &e);
	}
	if (rc == STORE_OK) {
		struct store_message m = { .at = hour_of(f->now), .body = f->ack, .body_len = f->ack_len };
		memcpy(m.id, f->ack_id, sizeof m.id);
		memcpy(m.report_id, f->rep.id, sizeof m.report_id);
		strcpy(m.author, "system");
		rc = st->message_insert(st->cls, &m);
	}
	if (rc == STORE_OK) /* joins the next hourly batch, without its time */
		rc = audit_append_reporter(st, AUDIT_REPORT_RECEIVED, f->rep.number);
	return rc;
}

/* The system's acknowledgement in the reporter's language. */
static char *ack_text(enum lang lang, const char *ack_due, const char *due)
{
	char a[40], d[40], *out = NULL;
	long_date(ack_due, lang, a, sizeof a);
	long_date(due, lang, d, sizeof d);
	int n = lang == LANG_EN
		? asprintf(&out, "Thank you. Your report has been received and will be handled in "
		                 "confidence by the Inspectorate. Verification will begin no later than "
		                 "%s, and you can expect a final answer by %s. Keep your receipt code "
		                 "secret: it is the only way to follow this report and reply to us.", a, d)
		: asprintf(&out, "Terima kasih. Laporan Anda telah kami terima dan akan ditangani secara "
		                 "rahasia oleh Inspektorat. Verifikasi dimulai paling lambat %s, dan jawaban "
		                 "akhir dapat Anda harapkan paling lambat %s. Rahasiakan kode resi Anda: "
		                 "hanya dengan kode itu Anda dapat memantau laporan ini dan membalas pesan "
		                 "kami.", a, d);
	return n < 0 ? NULL : out;
}

int reports_submit_finish(struct request *r, struct submitted *out)
{
	struct upload_state *u = r->upload_state;
	struct sub_fields *in = &u->fields;
	struct final f = { .r = r, .u = u, .now = (int64_t)time(NULL) };
	unsigned char lookup[32], wrap[32];
	memset(out, 0, sizeof *out);

	/* Argon2id first, outside any transaction. */
	receipt_new(out->receipt);
	receipt_display(out->receipt, out->receipt_display);
	if (receipt_derive(out->receipt, reports_receipt_salt(), r->ctx->keys->receipt_pepper, lookup,
	                   wrap) != 0) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	struct outcome o = route(r->ctx->trust, r->ctx->store, in->exclude, &f.routing);
	if (o.failed) {
		free(f.routing.readers);
		reply_outcome(r, &o);
		return -1;
	}
	/* The organisation key, unless the reporter excluded a supervisor (threat 5). */
	f.seal_org = !f.routing.supervisor_excluded &&
	             r->ctx->store->org_key_current(r->ctx->store->cls, &f.org) == STORE_OK;

	struct store_report *rep = &f.rep;
	memcpy(rep->id, u->report_id, sizeof rep->id);
	snprintf(rep->category, sizeof rep->category, "%s", in->category);
	snprintf(rep->kecamatan, sizeof rep->kecamatan, "%s", in->kecamatan ? in->kecamatan : "");
	strcpy(rep->status, "received");
	time_wib_date(f.now, rep->created_on);
	date_plus(f.now, u->settings.ack_days, rep->ack_due);
	date_plus(f.now, u->settings.resolve_days, rep->due);
	memcpy(rep->receipt_lookup, lookup, sizeof lookup);
	if (f.seal_org)
		memcpy(rep->org_key_id, f.org.id, sizeof rep->org_key_id);
	rep->files = u->nfiles;
	unsigned char both[2 * RKEY_BYTES];
	memcpy(both, K_REPORT(u), RKEY_BYTES);
	memcpy(both + RKEY_BYTES, K_IDENTITY(u), RKEY_BYTES);
	box_seal(rep->reporter_keys, both, sizeof both, wrap, rep->id, "", "reporter", BOX_REPORTER);
	sodium_memzero(both, sizeof both);
	sodium_memzero(wrap, sizeof wrap);

	json_t *content = json_pack("{s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "message", in->message,
	                            "involved", opt(in->involved), "occurred", opt(in->occurred),
	                            "kecamatan", opt(in->kecamatan), "kelurahan", opt(in->kelurahan),
	                            "address", opt(in->address),
	                            "lat", in->has_lat ? json_real(in->lat) : json_null(),
	                            "lon", in->has_lon ? json_real(in->lon) : json_null());
	rep->content = box_seal_json(content, K_REPORT(u), rep->id, "", "reporter", BOX_CONTENT,
	                         &rep->content_len);
	rep->exclusions = box_seal_json(json_incref(in->exclude), K_REPORT(u), rep->id, "", "reporter",
	                            BOX_EXCLUSIONS, &rep->exclusions_len);
	bool ok = rep->content && rep->exclusions;
	if (ok && (in->phone || in->name || in->email)) {
		json_t *id = json_pack("{s:o,s:o,s:o}", "phone", opt(in->phone), "name", opt(in->name),
		                       "email", opt(in->email));
		char *text = id ? json_dumps(id, JSON_COMPACT) : NULL;
		json_decref(id);
		unsigned char padded[IDENTITY_PADDED];
		ok = text && identity_pad(padded, (unsigned char *)text, strlen(text)) == 0;
		if (ok) {
			box_seal(rep->identity, padded, sizeof padded, K_IDENTITY(u), rep->id, "",
			         "reporter", BOX_IDENTITY);
			rep->has_identity = true;
		}
		if (text)
			sodium_memzero(text, strlen(text));
		free(text);
		sodium_memzero(padded, sizeof padded);
	}
	crypto_random_id(f.ack_id);
	char *ack = ok ? ack_text(r->lang, rep->ack_due, rep->due) : NULL;
	if (ack) {
		f.ack_len = strlen(ack) + BOX_OVERHEAD;
		f.ack = malloc(f.ack_len);
		if (f.ack)
			box_seal(f.ack, (unsigned char *)ack, strlen(ack), K_REPORT(u), rep->id, f.ack_id,
			         "system", BOX_MESSAGE);
	}
	free(ack);
	int rc = ok && f.ack ? store_tx(r->ctx->store, final_tx, &f) : STORE_ERR;
	free(f.ack);
	free(f.routing.readers);
	store_report_release(rep);
	if (rc != STORE_OK) {
		sodium_memzero(out->receipt, sizeof out->receipt);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return -1;
	}
	memcpy(out->submitted_on, rep->created_on, sizeof out->submitted_on);
	out->files = evidence_files_json(u);
	return 0;
}

struct add_tx {
	struct upload_state *u;
	int64_t now;
};

static int add_files_tx(struct store *st, void *arg)
{
	struct add_tx *a = arg;
	int rc = evidence_attach(st, a->u, a->u->report_id, hour_of(a->now));
	if (rc == STORE_OK)
		rc = st->report_count(st->cls, a->u->report_id, a->u->nfiles, 0);
	struct store_report rep;
	if (rc == STORE_OK && (rc = st->report_by_id(st->cls, a->u->report_id, &rep)) == STORE_OK) {
		rc = audit_append_reporter(st, AUDIT_EVIDENCE_ADDED, rep.number);
		store_report_release(&rep);
	}
	return rc;
}

json_t *reports_add_files_finish(struct request *r)
{
	struct upload_state *u = r->upload_state;
	if (u->nfiles == 0) {
		reply_error(r, ERR_MISSING_FIELD, "evidence");
		return NULL;
	}
	if (store_tx(r->ctx->store, add_files_tx, &(struct add_tx){ u, (int64_t)time(NULL) }) !=
	    STORE_OK) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return NULL;
	}
	return evidence_files_json(u);
}
