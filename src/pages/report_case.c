/* report_case.c: a reporter's way back to their report, by receipt: GET, POST /cek (the
 * receipt, then a reporter session), GET /cek/laporan (status, timeline, messages, what they
 * sent), POST /cek/laporan/pesan (a reply), POST /cek/laporan/bukti (more evidence, streamed
 * through reports_add_files_upload) and POST /cek/keluar. The same calls as api/reporter.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/settings.h"
#include "core/refdata.h"
#include "http/session.h"
#include "pages/pages.h"
#include "reports/reports.h"

#define MESSAGE_MAX 5000 /* API.md: a reporter's message is 1..5000 characters */

/* ---- GET, POST /cek ---- */

const struct jfield page_report_check_fields[] = {
	/* Loosely bounded: anything typed gets the same answer as a wrong receipt. */
	{ "receipt", J_STRING, false, 0, 1 << 20 },
	{ NULL, J_STRING, false, 0, 0 },
};

/* The receipt form; `problem` (a message) after a refusal, `receipt` as typed. */
static void check_page(struct request *r, unsigned status, const char *receipt,
                       const char *problem)
{
	json_t *ctx = json_pack("{s:s,s:s}", "title", staff_t(r, "report.check.title", ""),
	                        "receipt", receipt);
	if (problem)
		json_object_set_new(ctx, "problem", json_pack("{s:s}", "message", problem));
	else if (req_query(r, "ended"))
		json_object_set_new(ctx, "warning", json_string(staff_t(r, "report.check.ended", "")));
	else if (req_query(r, "out"))
		json_object_set_new(ctx, "notice", json_string(staff_t(r, "report.check.out", "")));
	report_page(r, status, "report_check", ctx);
}

void page_report_check(struct request *r)
{
	check_page(r, 200, "", NULL);
}

void page_report_check_post(struct request *r)
{
	const char *typed = staff_in(r, 0);
	if (!*typed) {
		check_page(r, 400, "", staff_t(r, "report.check.missing", ""));
		return;
	}
	char report_id[ID_CHARS + 1], token[TOKEN_CHARS + 1], csrf[TOKEN_CHARS + 1];
	unsigned char *keys = sodium_malloc(2 * RKEY_BYTES);
	if (!keys) {
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}
	struct outcome o = reports_receipt_login(r, typed, report_id, keys);
	if (o.failed && o.err == ERR_UNAUTHENTICATED)
		check_page(r, 401, typed, staff_t(r, "report.check.wrong", ""));
	else if (o.failed)
		reply_outcome(r, &o);
	else if (session_reporter_begin(r, report_id, keys, token, csrf) == 0)
		staff_redirect(r, "/cek/laporan", NULL);
	sodium_memzero(token, sizeof token);
	sodium_free(keys);
}

/* ---- GET /cek/laporan ---- */

/* The report page for the signed-in reporter; `extra` (taken over) adds a form's problem. */
static void case_page(struct request *r, unsigned status, json_t *extra)
{
	json_t *view = reports_reporter_view(r);
	if (!view) {
		json_decref(extra);
		return;
	}
	char when[64], path[64];
	json_t *categories = refdata_categories(r->lang, false);
	const char *category = json_string_value(json_object_get(view, "category"));
	const char *category_label = report_name_of(categories, category, "label");

	json_t *timeline = json_array();
	size_t i;
	const json_t *item;
	json_array_foreach(json_object_get(view, "timeline"), i, item) {
		report_when(r, json_string_value(json_object_get(item, "at")), when, sizeof when);
		json_array_append_new(timeline, json_pack(
			"{s:O,s:O,s:s,s:O?}", "status", json_object_get(item, "status"), "status_label",
			json_object_get(item, "status_label"), "at_label", when, "reason",
			json_object_get(item, "reason")));
	}
	json_t *messages = json_array();
	json_array_foreach(json_object_get(view, "messages"), i, item) {
		const char *from = json_string_value(json_object_get(item, "from"));
		report_when(r, json_string_value(json_object_get(item, "at")), when, sizeof when);
		snprintf(path, sizeof path, "report.case.from.%s", from ? from : "system");
		json_array_append_new(messages, json_pack(
			"{s:s,s:s,s:O?,s:s,s:b}", "from", from ? from : "system", "from_label",
			staff_t(r, path, from ? from : ""), "body", json_object_get(item, "body"), "at_label",
			when, "mine", from && !strcmp(from, "reporter")));
	}
	report_when(r, json_string_value(json_object_get(view, "submitted_on")), when, sizeof when);
	const json_t *identity = json_object_get(view, "identity");
	json_t *ctx = json_pack(
		"{s:s,s:s,s:O,s:O,s:s,s:s,s:o,s:o,s:o,s:O,s:o,s:b}",
		"title", staff_t(r, "report.case.title", ""),
		"csrf", r->csrf,
		"status", json_object_get(view, "status"),
		"status_label", json_object_get(view, "status_label"),
		"category_label", category_label ? category_label : category ? category : "",
		"submitted_on", when,
		"timeline", timeline,
		"messages", messages,
		"content", report_content_json(json_object_get(view, "content")),
		"identity", json_is_object(identity) ? identity : json_null(),
		"files", report_files_json(r, json_object_get(view, "files")),
		"clean", true);
	if (ctx) {
		json_object_set_new(ctx, "limits", report_limits_json(r));
		json_object_set_new(ctx, "has_files",
		                    json_boolean(json_array_size(json_object_get(view, "files")) > 0));
	}
	json_decref(categories);
	json_decref(view);
	const char *sent = req_query(r, "sent"), *added = req_query(r, "added");
	if (ctx && !extra && sent)
		json_object_set_new(ctx, "sent", json_string(staff_t(r, "report.case.sent", "")));
	if (ctx && !extra && added) {
		char n[16];
		snprintf(n, sizeof n, "%d", atoi(added));
		json_object_set_new(ctx, "added", report_fill(r, "report.case.added",
		                                              json_pack("{s:s}", "n", n)));
	}
	if (ctx && extra)
		json_object_update(ctx, extra);
	json_decref(extra);
	report_page(r, status, "report_case", ctx);
}

void page_report_case(struct request *r)
{
	if (report_session(r) != 0)
		return;
	case_page(r, 200, NULL);
}

/* 303 to the report page with `query` and the language, at `fragment`. */
static void to_case(struct request *r, const char *query, const char *fragment)
{
	const char *lq = staff_lang_query(r);
	char url[256];
	snprintf(url, sizeof url, "/cek/laporan?%s%s%s#%s", query, *lq ? "&" : "", *lq ? lq + 1 : "",
	         fragment);
	reply_redirect(r, url);
}

/* ---- POST /cek/laporan/pesan ---- */

const struct jfield page_report_message_fields[] = {
	/* Checked by the page, so that a refused message is kept in the form. */
	{ "body", J_STRING, false, 0, 1 << 20 },
	{ NULL, J_STRING, false, 0, 0 },
};

static void reply_problem(struct request *r, unsigned status, const char *body,
                          const char *message)
{
	case_page(r, status, json_pack("{s:{s:s},s:s}", "reply_problem", "message", message,
	                               "reply_body", body));
}

void page_report_message(struct request *r)
{
	if (report_session(r) != 0)
		return;
	const char *body = staff_in(r, 0);
	if (!*body) {
		reply_problem(r, 400, body, staff_t(r, "report.case.reply_empty", ""));
		return;
	}
	if (report_chars(body) > MESSAGE_MAX) {
		reply_problem(r, 400, body, staff_t(r, "report.case.reply_long", ""));
		return;
	}
	char id[ID_CHARS + 1];
	struct outcome o = reports_reporter_message(r, body, id);
	if (o.failed)
		reply_problem(r, err_status(o.err), body, staff_t(r, "report.case.unavailable", ""));
	else
		to_case(r, "sent=1", "pesan");
}

/* ---- POST /cek/laporan/bukti ---- */

/* The report page again, with what was refused at the evidence form. */
static void files_problem(struct request *r, const struct report_error *e)
{
	const char *key = !strcmp(e->code, "unsupported_type") ? NULL
	                : !strcmp(e->code, "too_large") ? NULL
	                : !strcmp(e->code, "missing_field") ? "report.case.evidence_missing"
	                : !strcmp(e->code, "invalid_field") && !strcmp(e->field, "evidence")
	                    ? "report.errors.evidence_empty"
	                : !strcmp(e->code, "unavailable") ? "report.case.unavailable"
	                                                  : "report.errors.generic";
	json_t *msg;
	if (key) {
		msg = json_string(staff_t(r, key, ""));
	} else if (!strcmp(e->code, "too_large")) {
		struct settings s;
		char n[16], size[32];
		settings_get(&s);
		snprintf(n, sizeof n, "%u", s.max_files);
		report_size(r, s.max_file_bytes, size, sizeof size);
		msg = report_fill(r, "report.errors.evidence_too_large",
		                  json_pack("{s:s,s:s}", "n", n, "size", size));
	} else {
		msg = report_fill(r, "report.errors.evidence_type",
		                  json_pack("{s:s}", "types", report_types_label()));
	}
	case_page(r, e->status, json_pack("{s:{s:o},s:b,s:b}", "evidence_problem", "message", msg,
	                                  "evidence_again", true, "clean",
	                                  json_object_get(r->json, "remove_metadata") != NULL));
}

static int files_again(struct request *r, int rc)
{
	struct report_error e;
	if (report_failed(r, &e))
		files_problem(r, &e);
	return rc;
}

static int files_begin(struct request *r)
{
	if (report_session(r) != 0) /* before any file is read */
		return -1;
	if (json_is_object(r->json)) /* the box checked: files are cleaned */
		json_object_set_new(r->json, "keep_metadata",
		                    json_boolean(json_object_get(r->json, "remove_metadata") == NULL));
	report_quiet(r);
	return files_again(r, reports_add_files_upload.begin(r));
}

static int files_file_begin(struct request *r, const char *field, const char *filename)
{
	report_quiet(r);
	return files_again(r, reports_add_files_upload.file_begin(r, field, filename));
}

static int files_file_data(struct request *r, const unsigned char *p, size_t n)
{
	report_quiet(r);
	return files_again(r, reports_add_files_upload.file_data(r, p, n));
}

static int files_file_end(struct request *r)
{
	report_quiet(r);
	return files_again(r, reports_add_files_upload.file_end(r));
}

const struct upload_ops page_report_files_upload = {
	files_begin, files_file_begin, files_file_data, files_file_end,
};

void page_report_files(struct request *r)
{
	if (report_session(r) != 0)
		return;
	report_quiet(r);
	json_t *files = reports_add_files_finish(r);
	if (files_again(r, files ? 0 : -1) != 0)
		return;
	char query[32];
	snprintf(query, sizeof query, "added=%zu", json_array_size(files));
	json_decref(files);
	to_case(r, query, "bukti");
}

/* ---- POST /cek/keluar ---- */

void page_report_logout(struct request *r)
{
	if (report_session(r) != 0)
		return;
	if (session_reporter_end(r) == 0)
		staff_redirect(r, "/cek", "out=1");
}
