/* pages.h: server-rendered HTML pages, built on the same core and store calls as api/. */
#ifndef PELUIT_PAGES_H
#define PELUIT_PAGES_H

#include "http/http.h"

/* Compiles every template under web/templates into a set. NULL with err set. */
struct tmpl_set *pages_load_templates(char *err, size_t errlen);

/* The hash of the static files that pages put in their URLs (?v=…). */
const char *pages_asset_version(void);

/* Renders template `name` with the common page context plus `ctx` (taken over). Returns the
 * malloc'd HTML (its length in *len), or NULL (logged). */
char *pages_render(struct request *r, const char *name, json_t *ctx, size_t *len);

/* landing.c */
void page_landing(struct request *r);
/* static.c */
void page_static(struct request *r);

/* ---- staff pages (staff_*.c) ----
 * Built on the same account, settings, audit and store calls as api/. Every staff page gets,
 * besides the common context: `me` (the signed-in user: name, username, role, role_label),
 * `csrf` (for the hidden field of every form), `nav` (links by role), `lq` ("?lang=xx" when
 * the language must be carried in links, else ""), `la` (the same for a link that already has
 * a query: "&lang=xx") and `lang_param` (for a hidden field of GET forms). */

/* staff_common.c */
#define STAFF_PER_PAGE 50
/* Previous and next links of a listing: {label, prev, next} (a link is "" when there is none),
 * or NULL when one page holds everything. `base` is the path and query so far, ending in "?"
 * or "&" ("/staff/users?", "/staff/audit?actor=x&"). */
json_t *staff_pager(struct request *r, const char *base, int64_t page, int64_t per_page,
                    int64_t total);
/* Appends "name=value&" (value percent-encoded) to the query being built in q (len bytes);
 * nothing when value is NULL. */
void staff_query_add(char *q, size_t len, const char *name, const char *value);
/* Runs a listing of reports/ that replies 400 to a query it refuses (case_inbox,
 * case_identity_requests), so that the page can say what was wrong: the listing; or NULL with
 * the field at fault in bad; or NULL with bad "" after replying the error page. */
json_t *staff_listing(struct request *r, json_t *(*list)(struct request *r), char bad[32]);
/* The language to carry in links: "?lang=en" / "?lang=id", or "" (Indonesian by default). */
const char *staff_lang_query(struct request *r);
/* Renders a staff page: the common page context, the staff context above (`me`, `csrf` and
 * `nav` only when r is signed in), plus `ctx` (taken over). */
void staff_page(struct request *r, unsigned status, const char *name, json_t *ctx);
/* 303 to `path` (a local path without a query), adding `query` ("done=x", may be NULL) and
 * the request's language. */
void staff_redirect(struct request *r, const char *path, const char *query);
/* A string of web/i18n by its dotted path ("staff.roles.admin"), or `fallback`. */
const char *staff_t(struct request *r, const char *path, const char *fallback);
/* The i18n string at `path` with "{n}" replaced by `value`, as a new JSON string. */
json_t *staff_fill(struct request *r, const char *path, const char *value);
/* "2026-12-04 13:05" in WIB (UTC+7), or "" for 0. */
void staff_time_wib(int64_t t, char out[17]);
/* Splits `s` at spaces and dashes into a JSON array of groups (keys and codes shown large). */
json_t *staff_groups(const char *s);
/* The state of an account as shown: {state, state_label}. */
json_t *staff_state_json(struct request *r, const struct store_user *u);
/* A declared form field's value: "" when absent. */
const char *staff_in(struct request *r, int field);
/* A TOTP code as typed ("123 456", "123-456") reduced to its digits in out[8]; "" when it is
 * not six digits. */
void staff_totp_code(const char *typed, char out[8]);

/* staff_session.c */
extern const struct jfield page_staff_login_fields[];
void page_staff_login(struct request *r);
void page_staff_login_post(struct request *r);
void page_staff_logout(struct request *r);
void page_staff_home(struct request *r);
/* staff_activate.c */
extern const struct jfield page_staff_activate_fields[];
void page_staff_activate(struct request *r);
void page_staff_activate_post(struct request *r);
/* staff_account.c */
extern const struct jfield page_staff_password_fields[], page_staff_code_fields[];
void page_staff_account(struct request *r);
void page_staff_password_post(struct request *r);
void page_staff_totp_begin(struct request *r);
void page_staff_totp_confirm(struct request *r);
void page_staff_totp_disable(struct request *r);
/* staff_users.c */
extern const struct jfield page_staff_user_create_fields[], page_staff_user_action_fields[],
	page_staff_pending_fields[];
void page_staff_users(struct request *r);
void page_staff_users_create(struct request *r);
void page_staff_users_action(struct request *r);
void page_staff_pending(struct request *r);
void page_staff_pending_decide(struct request *r);
/* staff_settings.c */
extern const struct jfield page_staff_settings_fields[];
void page_staff_settings(struct request *r);
void page_staff_settings_post(struct request *r);
/* staff_audit.c */
void page_staff_audit(struct request *r);
/* staff_cases.c: the inbox and the case page (readers); staff_case_forms.c: its forms;
 * staff_identity.c: the supervisors' identity-request queue. */
void page_staff_inbox(struct request *r);
void page_staff_case(struct request *r);
void page_staff_case_file(struct request *r);
/* The case page of r->params[0] for the caller (404 when they cannot read it); `extra` (taken
 * over) adds a refused form's problem and what was typed. */
void staff_case_page(struct request *r, unsigned status, json_t *extra);
extern const struct jfield page_staff_case_status_fields[], page_staff_case_assign_fields[],
	page_staff_case_text_fields[], page_staff_case_user_fields[],
	page_staff_identity_decide_fields[];
void page_staff_case_status(struct request *r);
void page_staff_case_assign(struct request *r);
void page_staff_case_message(struct request *r);
void page_staff_case_note(struct request *r);
void page_staff_case_grant(struct request *r);
void page_staff_case_revoke(struct request *r);
void page_staff_case_identity(struct request *r);
void page_staff_identity(struct request *r);
void page_staff_identity_decide(struct request *r);

/* ---- reporter pages (report_*.c) ----
 * /lapor (the report form and the receipt) and /cek (a reporter's own report, by receipt),
 * for citizens: every page works without JavaScript. Built on the same calls of reports/ as
 * api/reports.c and api/reporter.c. A step of reports/ that fails replies with an error; the
 * pages read that error (report_failed) and show the form again instead, with everything
 * typed kept. Pages get `lq`/`la` as staff pages do (the language carried in links). */

/* report_common.c */
/* What a failed step of reports/ replied: its status, error code and field ("" when none). */
struct report_error {
	unsigned status;
	char code[32];
	char field[32];
};
/* Before a step that may reply an error: the error is replied as JSON, so that report_failed
 * can read it. */
void report_quiet(struct request *r);
/* After the step: false when it did not reply; else true with *e filled, the reply being left
 * for the page to replace. Undoes report_quiet. */
bool report_failed(struct request *r, struct report_error *e);
/* Renders a reporter page: the common context plus `lq`, `la` and `ctx` (taken over). */
void report_page(struct request *r, unsigned status, const char *name, json_t *ctx);
/* A date "YYYY-MM-DD" or an RFC 3339 UTC time as a reporter reads it, in WIB:
 * "4 Desember 2026" / "4 Desember 2026, 13.05 WIB". */
void report_when(struct request *r, const char *s, char *out, size_t len);
/* "2,5 MB", "340 KB", "12 B" (decimal comma in Indonesian). */
void report_size(struct request *r, uint64_t bytes, char *out, size_t len);
/* "20.000" / "20,000". */
void report_number(struct request *r, uint64_t n, char *out, size_t len);
/* The i18n string at `path` with each "{name}" replaced by vars.name (a string), as a new
 * JSON string. `vars` is taken over. */
json_t *report_fill(struct request *r, const char *path, json_t *vars);
/* The value of `key` of the item of a list of {code, …} whose code is `code`, or NULL. */
const char *report_name_of(const json_t *list, const char *code, const char *key);
/* What the reporter sent, as a page shows it (codes become names, absent fields null):
 * {message, involved, occurred, kecamatan, kelurahan, address, location}. */
json_t *report_content_json(const json_t *content);
/* The length of a UTF-8 string in code points (the limits of API.md count those). */
size_t report_chars(const char *s);
/* The accepted evidence types as people know them ("JPEG, PNG, …, PDF, DOCX, …"), and as
 * the accept attribute of a file input (MIME types and file name extensions). */
const char *report_types_label(void);
const char *report_types_accept(void);
/* The limits of evidence and of the message as a form shows them: {max_files,
 * max_file_bytes, max_file_size, max_message, types, message_hint, evidence_hint, accept}. */
json_t *report_limits_json(struct request *r);
/* The files of a reply or of the reporter's view, decorated for a page:
 * [{name, type_label, size_label, cleaned, removed_label, not_cleaned}]. */
json_t *report_files_json(struct request *r, const json_t *files);
/* The reporter's session (the peluit_reporter cookie, and the csrf form field on a POST):
 * 0, or -1 after replying: an ended or missing session goes back to /cek with a message. */
int report_session(struct request *r);

/* report_form.c: GET, POST /lapor */
extern const struct upload_ops page_report_upload;
void page_report_form(struct request *r);
void page_report_submit(struct request *r);

/* report_case.c: GET, POST /cek; GET /cek/laporan and its forms */
extern const struct jfield page_report_check_fields[], page_report_message_fields[];
extern const struct upload_ops page_report_files_upload;
void page_report_check(struct request *r);
void page_report_check_post(struct request *r);
void page_report_case(struct request *r);
void page_report_message(struct request *r);
void page_report_files(struct request *r);
void page_report_logout(struct request *r);

#endif
