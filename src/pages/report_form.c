/* report_form.c: GET /lapor (the report form) and POST /lapor (multipart: the fields, then
 * the evidence), on reports_submit_upload and reports_submit_finish like POST
 * /api/v1/reports. The answer is the receipt page, shown once. A refused submission, at any
 * step (a field, a file too large or of a type not accepted, the final transaction), shows
 * the form again with everything typed and the problem next to its field; only the chosen
 * files are lost, which the page says. */
#include <stdio.h>
#include <string.h>

#include "accounts/settings.h"
#include "accounts/trust.h"
#include "core/refdata.h"
#include "pages/pages.h"
#include "reports/reports.h"

/* A field as typed: "" when absent (the first value of a repeated one). */
static const char *typed(const json_t *in, const char *name)
{
	const json_t *v = json_object_get(in, name);
	if (json_is_array(v))
		v = json_array_get(v, 0);
	return json_is_string(v) ? json_string_value(v) : "";
}

/* Whether `value` is among the values of field `name` (a checkbox or a select). */
static bool chosen(const json_t *in, const char *name, const char *value)
{
	const json_t *v = json_object_get(in, name);
	if (json_is_string(v))
		return !strcmp(json_string_value(v), value);
	size_t i;
	const json_t *item;
	json_array_foreach(v, i, item)
		if (json_is_string(item) && !strcmp(json_string_value(item), value))
			return true;
	return false;
}

/* The recipients a reporter may exclude: the readers api_meta lists. */
struct readers {
	struct request *r;
	const json_t *in;
	json_t *list;
	size_t n;
};

static int add_reader(void *arg, const struct store_user *u)
{
	struct readers *rd = arg;
	if (!trust_is_reader(rd->r->ctx->trust, rd->r->ctx->store, u))
		return 0;
	rd->n++;
	char path[48];
	snprintf(path, sizeof path, "staff.roles.%s", u->role);
	return json_array_append_new(rd->list, json_pack("{s:s,s:s,s:s,s:b}", "id", u->id, "name",
	                                                 u->name, "role_label",
	                                                 staff_t(rd->r, path, u->role), "checked",
	                                                 chosen(rd->in, "exclude", u->id)));
}

/* Where a field's problem is shown: the id of its part of the form. */
static const char *slot_of(const char *field)
{
	static const char *const fields[] = { "category", "message", "involved", "occurred",
	                                      "kecamatan", "kelurahan", "address", "phone", "name",
	                                      "email", "exclude", "evidence", NULL };
	if (!strcmp(field, "lat") || !strcmp(field, "lon"))
		return "location";
	if (!strcmp(field, "keep_metadata"))
		return "evidence";
	for (int i = 0; fields[i]; i++)
		if (!strcmp(field, fields[i]))
			return fields[i];
	return "";
}

/* The message for what a step refused, naming the field. */
static json_t *problem_message(struct request *r, const struct report_error *e,
                               const struct settings *s, const char *slot)
{
	char n[16], size[32], min[16], max[24], path[64];
	snprintf(n, sizeof n, "%u", s->max_files);
	report_size(r, s->max_file_bytes, size, sizeof size);
	report_number(r, 20, min, sizeof min);
	report_number(r, s->max_message_chars, max, sizeof max);
	if (!strcmp(e->code, "unsupported_type"))
		return report_fill(r, "report.errors.evidence_type",
		                   json_pack("{s:s}", "types", report_types_label()));
	if (!strcmp(e->code, "too_large"))
		return !strcmp(slot, "evidence")
		           ? report_fill(r, "report.errors.evidence_too_large",
		                         json_pack("{s:s,s:s}", "n", n, "size", size))
		           : json_string(staff_t(r, "report.errors.too_large", ""));
	if (!strcmp(e->code, "no_reader"))
		return json_string(staff_t(r, "report.errors.no_reader", ""));
	if (!strcmp(e->code, "unavailable"))
		return json_string(staff_t(r, "report.errors.unavailable", ""));
	if (!strcmp(e->code, "invalid_field") || !strcmp(e->code, "missing_field")) {
		if (!strcmp(slot, "message"))
			return report_fill(r, "report.errors.message",
			                   json_pack("{s:s,s:s}", "min", min, "max", max));
		if (!strcmp(slot, "kecamatan") && !strcmp(e->code, "missing_field"))
			return json_string(staff_t(r, "report.errors.kecamatan_missing", ""));
		if (!strcmp(slot, "evidence") && !strcmp(e->field, "evidence"))
			return json_string(staff_t(r, "report.errors.evidence_empty", ""));
		if (*slot) {
			snprintf(path, sizeof path, "report.errors.%s", slot);
			return json_string(staff_t(r, path, staff_t(r, "report.errors.generic", "")));
		}
	}
	return json_string(staff_t(r, "report.errors.generic", ""));
}

/* The form; `in` (the submission, or NULL for an empty form) fills it in again and `e` (or
 * NULL) says what was refused. */
static void form_page(struct request *r, unsigned status, const json_t *in,
                      const struct report_error *e)
{
	struct settings s;
	settings_get(&s);
	struct readers rd = { r, in, json_array(), 0 };
	bool known = rd.list && r->ctx->store->readers(r->ctx->store->cls, add_reader, &rd) == STORE_OK;
	if (!known && !e) {
		json_decref(rd.list);
		reply_error(r, ERR_UNAVAILABLE, NULL);
		return;
	}

	json_t *categories = refdata_categories(r->lang, true);
	size_t i;
	json_t *c;
	json_array_foreach(categories, i, c)
		json_object_set_new(c, "checked", json_boolean(chosen(in, "category",
		                                                 json_string_value(json_object_get(c, "code")))));

	/* The kecamatan, each with its kelurahan (one select grouped by kecamatan). */
	json_t *kec = json_array();
	const json_t *k;
	json_array_foreach(refdata_kecamatan(), i, k) {
		const char *code = json_string_value(json_object_get(k, "code"));
		json_t *kel = json_array();
		size_t j;
		const json_t *l;
		json_array_foreach(json_object_get(k, "kelurahan"), j, l) {
			const char *lc = json_string_value(json_object_get(l, "code"));
			json_array_append_new(kel, json_pack("{s:s,s:O,s:b}", "code", lc, "name",
			                                     json_object_get(l, "name"), "selected",
			                                     chosen(in, "kelurahan", lc)));
		}
		json_array_append_new(kec, json_pack("{s:s,s:O,s:b,s:o}", "code", code, "name",
		                                     json_object_get(k, "name"), "selected",
		                                     chosen(in, "kecamatan", code), "kelurahan", kel));
	}

	static const char *const kept[] = { "message", "involved", "occurred", "address", "lat",
	                                    "lon", "phone", "name", "email", NULL };
	json_t *v = json_object();
	for (int f = 0; kept[f]; f++)
		json_object_set_new(v, kept[f], json_string(typed(in, kept[f])));

	json_t *ctx = json_pack(
		"{s:s,s:b,s:o,s:o,s:o,s:b,s:b,s:o,s:o}",
		"title", staff_t(r, "report.form.title", ""),
		"accepting", !known || rd.n > 0 || e != NULL,
		"categories", categories, "kecamatan", kec, "v", v,
		"clean", in ? json_object_get(in, "remove_metadata") != NULL : true,
		"has_recipients", s.exclusion_enabled && rd.n > 0,
		"recipients", s.exclusion_enabled ? rd.list : json_array(),
		"limits", report_limits_json(r));
	if (!s.exclusion_enabled)
		json_decref(rd.list);
	if (ctx && e) {
		/* A file of a type not accepted names no field: it is the evidence. */
		const char *slot = !strcmp(e->code, "unsupported_type") || !strcmp(e->code, "too_large")
		                       ? "evidence" : slot_of(e->field);
		json_t *msg = problem_message(r, e, &s, slot);
		char href[32];
		snprintf(href, sizeof href, "#%s", *slot ? slot : "report-form");
		json_object_set_new(ctx, "problem", json_pack("{s:O,s:s}", "message", msg, "href", href));
		if (*slot)
			json_object_set_new(ctx, "errors", json_pack("{s:o}", slot, msg));
		else
			json_decref(msg);
		json_object_set_new(ctx, "again", json_true()); /* files must be chosen again */
	}
	report_page(r, status, "report_form", ctx);
}

void page_report_form(struct request *r)
{
	form_page(r, 200, NULL, NULL);
}

/* What the page's form says in its own way: the "remove hidden data" box (checked: files are
 * cleaned, so keep_metadata is false), and a kelurahan chosen without its kecamatan (a browser
 * without JavaScript cannot narrow the list, so the kecamatan is taken from the kelurahan). */
static void page_fields(struct request *r)
{
	json_t *in = r->json;
	if (!json_is_object(in))
		return;
	json_object_set_new(in, "keep_metadata",
	                    json_boolean(json_object_get(in, "remove_metadata") == NULL));
	const char *kel = typed(in, "kelurahan");
	if (!*kel || *typed(in, "kecamatan"))
		return;
	size_t i, j;
	const json_t *k, *l;
	json_array_foreach(refdata_kecamatan(), i, k)
		json_array_foreach(json_object_get(k, "kelurahan"), j, l)
			if (!strcmp(json_string_value(json_object_get(l, "code")), kel)) {
				/* A copy: the request's strings are wiped when it ends. */
				json_object_set_new(in, "kecamatan",
				                    json_string(json_string_value(json_object_get(k, "code"))));
				return;
			}
}

/* After a step of reports_submit_upload: a refusal becomes the form again. */
static int again(struct request *r, int rc)
{
	struct report_error e;
	if (report_failed(r, &e))
		form_page(r, e.status, r->json, &e);
	return rc;
}

static int form_begin(struct request *r)
{
	page_fields(r);
	report_quiet(r);
	return again(r, reports_submit_upload.begin(r));
}

static int form_file_begin(struct request *r, const char *field, const char *filename)
{
	report_quiet(r);
	return again(r, reports_submit_upload.file_begin(r, field, filename));
}

static int form_file_data(struct request *r, const unsigned char *p, size_t n)
{
	report_quiet(r);
	return again(r, reports_submit_upload.file_data(r, p, n));
}

static int form_file_end(struct request *r)
{
	report_quiet(r);
	return again(r, reports_submit_upload.file_end(r));
}

const struct upload_ops page_report_upload = {
	form_begin, form_file_begin, form_file_data, form_file_end,
};

void page_report_submit(struct request *r)
{
	struct submitted s;
	report_quiet(r);
	int rc = reports_submit_finish(r, &s);
	if (again(r, rc) != 0)
		return;
	char date[64];
	report_when(r, s.submitted_on, date, sizeof date);
	struct settings set;
	settings_get(&set);
	json_t *ctx = json_pack("{s:s,s:s,s:o,s:s,s:o,s:o,s:o}", "title",
	                        staff_t(r, "report.receipt.title", ""), "receipt", s.receipt_display,
	                        "receipt_groups", staff_groups(s.receipt_display), "submitted_on",
	                        date, "lead", report_fill(r, "report.receipt.lead",
	                                                  json_pack("{s:s}", "date", date)),
	                        "files", report_files_json(r, s.files),
	                        /* Another language would be another request: the receipt, shown
	                         * once, would be gone. */
	                        "langs", json_array());
	if (ctx)
		json_object_set_new(ctx, "save_text",
		                    report_fill(r, "report.receipt.save_text",
		                                json_pack("{s:s,s:s,s:s,s:s}", "instance",
		                                          set.instance_name, "receipt",
		                                          s.receipt_display, "date", date, "url",
		                                          "{url}")));
	if (ctx)
		json_object_set_new(ctx, "has_files", json_boolean(json_array_size(s.files) > 0));
	json_decref(s.files);
	report_page(r, 200, "report_receipt", ctx);
	sodium_memzero(s.receipt, sizeof s.receipt);
	sodium_memzero(s.receipt_display, sizeof s.receipt_display);
}
