/* report_common.c: what the reporter pages share: reading the error a step of reports/
 * replied (so the page can show the form again instead), the language in links, dates in
 * WIB, sizes and numbers as people read them, accepted evidence types, and the reporter's
 * session. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "accounts/settings.h"
#include "core/refdata.h"
#include "core/timeutil.h"
#include "http/session.h"
#include "pages/pages.h"

void report_quiet(struct request *r)
{
	r->html_errors = false;
}

bool report_failed(struct request *r, struct report_error *e)
{
	r->html_errors = true;
	if (!r->replied)
		return false;
	memset(e, 0, sizeof *e);
	e->status = r->status;
	json_t *body = r->reply ? json_loadb(r->reply, r->reply_len, 0, NULL) : NULL;
	const json_t *err = json_object_get(body, "error");
	const char *code = json_string_value(json_object_get(err, "code"));
	const char *field = json_string_value(json_object_get(err, "field"));
	snprintf(e->code, sizeof e->code, "%s", code ? code : "internal");
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	json_decref(body);
	return true;
}

void report_page(struct request *r, unsigned status, const char *name, json_t *ctx)
{
	const char *lq = staff_lang_query(r);
	char la[16] = "";
	if (*lq)
		snprintf(la, sizeof la, "&%s", lq + 1);
	json_t *full = json_pack("{s:s,s:s}", "lq", lq, "la", la);
	if (full && ctx)
		json_object_update(full, ctx);
	json_decref(ctx);
	reply_page(r, status, name, full);
}

void report_when(struct request *r, const char *s, char *out, size_t len)
{
	int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
	out[0] = '\0';
	if (!s)
		return;
	const json_t *months = json_object_get(json_object_get(refdata_strings(r->lang), "report"),
	                                       "months");
	bool has_time = strlen(s) > 10;
	if (has_time) {
		if (sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &sec) != 6) {
			snprintf(out, len, "%s", s);
			return;
		}
		struct tm tm = { .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h,
		                 .tm_min = mi, .tm_sec = sec };
		time_t t = timegm(&tm) + WIB_OFFSET;
		gmtime_r(&t, &tm);
		y = tm.tm_year + 1900;
		mo = tm.tm_mon + 1;
		d = tm.tm_mday;
		h = tm.tm_hour;
		mi = tm.tm_min;
	} else if (sscanf(s, "%d-%d-%d", &y, &mo, &d) != 3) {
		snprintf(out, len, "%s", s);
		return;
	}
	const char *month = json_string_value(json_array_get(months, (size_t)(mo - 1)));
	if (!month || mo < 1 || mo > 12) {
		snprintf(out, len, "%s", s);
		return;
	}
	if (has_time)
		snprintf(out, len, "%d %s %d, %02d%c%02d WIB", d, month, y, h,
		         r->lang == LANG_EN ? ':' : '.', mi);
	else
		snprintf(out, len, "%d %s %d", d, month, y);
}

void report_number(struct request *r, uint64_t n, char *out, size_t len)
{
	char digits[32];
	int nd = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n);
	size_t o = 0;
	for (int i = 0; i < nd && o + 2 < len; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[o++] = r->lang == LANG_EN ? ',' : '.';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

void report_size(struct request *r, uint64_t bytes, char *out, size_t len)
{
	static const char *const units[] = { "KB", "MB", "GB" };
	if (bytes < 1024) {
		snprintf(out, len, "%llu B", (unsigned long long)bytes);
		return;
	}
	double v = (double)bytes / 1024;
	int u = 0;
	while (v >= 1024 && u < 2) {
		v /= 1024;
		u++;
	}
	if (v >= 10 || v == (double)(long long)v)
		snprintf(out, len, "%.0f %s", v, units[u]);
	else
		snprintf(out, len, "%.1f %s", v, units[u]);
	if (r->lang != LANG_EN) {
		char *dot = strchr(out, '.');
		if (dot)
			*dot = ',';
	}
}

json_t *report_fill(struct request *r, const char *path, json_t *vars)
{
	const char *fmt = staff_t(r, path, "");
	char buf[2048];
	size_t o = 0;
	for (const char *p = fmt; *p && o + 1 < sizeof buf;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (close && close - p < 32) {
			char key[32];
			snprintf(key, sizeof key, "%.*s", (int)(close - p - 1), p + 1);
			const char *v = json_string_value(json_object_get(vars, key));
			if (v) {
				int n = snprintf(buf + o, sizeof buf - o, "%s", v);
				o = n < 0 ? o : (size_t)n >= sizeof buf - o ? sizeof buf - 1 : o + (size_t)n;
				p = close + 1;
				continue;
			}
		}
		buf[o++] = *p++;
	}
	buf[o] = '\0';
	json_decref(vars);
	return json_string(buf);
}

/* The accepted types as people know them, and the file name extensions a file picker uses. */
static const struct {
	const char *mime, *label, *ext;
} kinds[] = {
	{ "image/jpeg", "JPEG", ".jpg,.jpeg" },
	{ "image/png", "PNG", ".png" },
	{ "image/webp", "WebP", ".webp" },
	{ "image/gif", "GIF", ".gif" },
	{ "image/heic", "HEIC", ".heic" },
	{ "image/heif", "HEIF", ".heif" },
	{ "video/mp4", "MP4", ".mp4" },
	{ "video/quicktime", "MOV", ".mov" },
	{ "video/3gpp", "3GP", ".3gp" },
	{ "audio/mp4", "M4A", ".m4a" },
	{ "audio/mpeg", "MP3", ".mp3" },
	{ "audio/ogg", "OGG/Opus", ".ogg,.oga,.opus" },
	{ "audio/wav", "WAV", ".wav" },
	{ "application/pdf", "PDF", ".pdf" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", ".docx" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", ".xlsx" },
	{ "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX",
	  ".pptx" },
	{ "application/vnd.oasis.opendocument.text", "ODT", ".odt" },
	{ "application/vnd.oasis.opendocument.spreadsheet", "ODS", ".ods" },
	{ "text/plain", "TXT", ".txt" },
};

static const char *kind_label(const char *mime)
{
	for (size_t i = 0; mime && i < sizeof kinds / sizeof *kinds; i++)
		if (!strcmp(kinds[i].mime, mime))
			return kinds[i].label;
	return mime ? mime : "";
}

/* Built once from refdata_evidence_types (the list the server enforces). */
static char types_label[512], types_accept[2048];
static pthread_once_t types_once = PTHREAD_ONCE_INIT;

static void build_types(void)
{
	size_t nl = 0, na = 0;
	for (int i = 0; refdata_evidence_types[i]; i++) {
		const char *mime = refdata_evidence_types[i];
		const char *ext = "";
		for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
			if (!strcmp(kinds[k].mime, mime))
				ext = kinds[k].ext;
		int n = snprintf(types_label + nl, sizeof types_label - nl, "%s%s", i ? ", " : "",
		                 kind_label(mime));
		if (n > 0 && (size_t)n < sizeof types_label - nl)
			nl += (size_t)n;
		n = snprintf(types_accept + na, sizeof types_accept - na, "%s%s%s%s", i ? "," : "", mime,
		             *ext ? "," : "", ext);
		if (n > 0 && (size_t)n < sizeof types_accept - na)
			na += (size_t)n;
	}
}

const char *report_types_label(void)
{
	pthread_once(&types_once, build_types);
	return types_label;
}

const char *report_types_accept(void)
{
	pthread_once(&types_once, build_types);
	return types_accept;
}

json_t *report_limits_json(struct request *r)
{
	struct settings s;
	settings_get(&s);
	char files[16], size[32], min[16], max[24], bytes[32], maxraw[16];
	snprintf(files, sizeof files, "%u", s.max_files);
	snprintf(bytes, sizeof bytes, "%llu", (unsigned long long)s.max_file_bytes);
	snprintf(maxraw, sizeof maxraw, "%u", s.max_message_chars);
	report_size(r, s.max_file_bytes, size, sizeof size);
	report_number(r, 20, min, sizeof min);
	report_number(r, s.max_message_chars, max, sizeof max);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:s}", "max_files", files, "max_file_bytes",
	                 bytes, "max_file_size", size, "max_message", maxraw, "types",
	                 report_types_label(), "message_hint",
	                 report_fill(r, "report.form.message_hint",
	                             json_pack("{s:s,s:s}", "min", min, "max", max)),
	                 "evidence_hint",
	                 report_fill(r, "report.form.evidence_hint",
	                             json_pack("{s:s,s:s}", "n", files, "size", size)),
	                 "accept", report_types_accept());
}

json_t *report_files_json(struct request *r, const json_t *files)
{
	json_t *out = json_array();
	size_t i;
	const json_t *f;
	json_array_foreach(files, i, f) {
		char size[32], path[96];
		report_size(r, (uint64_t)json_integer_value(json_object_get(f, "size")), size,
		            sizeof size);
		bool cleaned = json_is_true(json_object_get(f, "cleaned"));
		/* What was removed, in words ("lokasi GPS, jenis perangkat"). */
		char removed[512] = "";
		size_t used = 0, k;
		const json_t *what;
		json_array_foreach(json_object_get(f, "removed"), k, what) {
			const char *key = json_string_value(what);
			if (!key)
				continue;
			snprintf(path, sizeof path, "report.removed.%s", key);
			int n = snprintf(removed + used, sizeof removed - used, "%s%s", used ? ", " : "",
			                 staff_t(r, path, key));
			if (n > 0 && (size_t)n < sizeof removed - used)
				used += (size_t)n;
		}
		json_t *item = json_pack("{s:s,s:s,s:s,s:b,s:b}", "name",
		                         json_string_value(json_object_get(f, "name"))
		                             ? json_string_value(json_object_get(f, "name")) : "",
		                         "type_label",
		                         kind_label(json_string_value(json_object_get(f, "type"))),
		                         "size_label", size, "cleaned", cleaned, "not_cleaned", !cleaned);
		if (item && cleaned)
			json_object_set_new(item, "cleaned_label",
			                    used ? report_fill(r, "report.files.cleaned",
			                                       json_pack("{s:s}", "list", removed))
			                         : json_string(staff_t(r, "report.files.cleaned_nothing", "")));
		json_array_append_new(out, item);
	}
	return out;
}

const char *report_name_of(const json_t *list, const char *code, const char *key)
{
	size_t i;
	const json_t *item;
	json_array_foreach(list, i, item)
		if (code && !strcmp(json_string_value(json_object_get(item, "code")), code))
			return json_string_value(json_object_get(item, key));
	return NULL;
}

static json_t *opt_string(const char *s)
{
	return s && *s ? json_string(s) : json_null();
}

json_t *report_content_json(const json_t *content)
{
	const char *kec = json_string_value(json_object_get(content, "kecamatan"));
	const char *kel = json_string_value(json_object_get(content, "kelurahan"));
	const json_t *kecamatan = NULL;
	size_t i;
	const json_t *k;
	json_array_foreach(refdata_kecamatan(), i, k)
		if (kec && !strcmp(json_string_value(json_object_get(k, "code")), kec))
			kecamatan = k;
	const char *kel_name = kel ? report_name_of(json_object_get(kecamatan, "kelurahan"), kel, "name")
	                           : NULL;
	char location[64] = "";
	const json_t *lat = json_object_get(content, "lat"), *lon = json_object_get(content, "lon");
	if (json_is_number(lat) && json_is_number(lon))
		snprintf(location, sizeof location, "%.5f, %.5f", json_number_value(lat),
		         json_number_value(lon));
	json_t *out = json_pack(
		"{s:o,s:o,s:o,s:o,s:o,s:o,s:o}",
		"message", opt_string(json_string_value(json_object_get(content, "message"))),
		"involved", opt_string(json_string_value(json_object_get(content, "involved"))),
		"occurred", opt_string(json_string_value(json_object_get(content, "occurred"))),
		"kecamatan", opt_string(kecamatan ? json_string_value(json_object_get(kecamatan, "name"))
		                                  : kec),
		"kelurahan", opt_string(kel_name ? kel_name : kel),
		"address", opt_string(json_string_value(json_object_get(content, "address"))),
		"location", opt_string(location));
	return out;
}

size_t report_chars(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

int report_session(struct request *r)
{
	if (r->authed) /* the route table already authenticated the reporter */
		return 0;
	report_quiet(r);
	int rc = session_reporter_authenticate(r);
	struct report_error e;
	if (!report_failed(r, &e))
		return rc;
	if (e.status == 401) /* no session, or it ended: sign in again */
		staff_redirect(r, "/cek", "ended=1");
	else {
		json_t *ctx = json_pack("{s:{s:i,s:s}}", "error", "status", (int)e.status, "message",
		                        e.status == 403
		                            ? staff_t(r, "report.case.csrf", "")
		                            : staff_t(r, "report.case.unavailable", ""));
		reply_page(r, e.status, "error", ctx);
	}
	return -1;
}
