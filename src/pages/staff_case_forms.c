/* staff_case_forms.c: the forms of the case page (POST /staff/reports/{id}/…): status,
 * assignment, a message to the reporter, an internal note, grants and revocations, and an
 * identity request; on the calls of reports/cases.h that api/cases.c uses. Each redirects (303)
 * back to the case after success, or shows the case page again with the problem at the form
 * and what was typed kept. */
#include <stdio.h>
#include <string.h>

#include "pages/pages.h"
#include "reports/cases.h"

#define REASON_MAX 2000 /* API.md: a status reason or an identity request's reason */
#define TEXT_MAX 5000   /* a message, a note, an internal note */

/* What a form sends, as the acts below read it. */
struct form {
	const char *a, *b, *c;
};

/* The problem shown at a form, in the page's language. */
static const char *problem_text(struct request *r, const struct outcome *o)
{
	if (o->message)
		return o->message;
	const char *key = o->err == ERR_INVALID_TRANSITION ? "staff.case.errors.transition"
	                : o->err == ERR_GRANT_REFUSED ? "staff.case.errors.grant_refused"
	                : o->err == ERR_FORBIDDEN ? "staff.case.errors.forbidden"
	                : o->err == ERR_NOT_FOUND ? "staff.case.errors.not_found"
	                : o->err == ERR_CONFLICT ? "staff.case.errors.conflict"
	                : o->err == ERR_MISSING_FIELD ? "staff.case.errors.missing"
	                : o->err == ERR_INVALID_FIELD ? "staff.case.errors.invalid"
	                                              : "staff.case.errors.unavailable";
	return staff_t(r, key, err_message(o->err, r->lang));
}

/* The case page again, with `form`'s problem and `kept` (taken over) merged in. */
static void again(struct request *r, const struct outcome *o, const char *form, json_t *kept)
{
	char key[32];
	snprintf(key, sizeof key, "%s_problem", form);
	json_t *extra = json_pack("{s:{s:s}}", key, "message", problem_text(r, o));
	if (kept)
		json_object_update(extra, kept);
	json_decref(kept);
	staff_case_page(r, err_status(o->err), extra);
}

/* A typed text checked as API.md bounds it (REASON_MAX or TEXT_MAX): OUTCOME_OK, or the
 * problem in words. */
static struct outcome text_ok(struct request *r, const char *s, size_t max)
{
	if (!*s)
		return OUTCOME(ERR_MISSING_FIELD, NULL, staff_t(r, "staff.case.errors.empty", ""));
	if (report_chars(s) > max)
		return OUTCOME(ERR_INVALID_FIELD, NULL,
		               staff_t(r, max == REASON_MAX ? "staff.case.errors.long_reason"
		                                            : "staff.case.errors.long_text", ""));
	return OUTCOME_OK;
}

typedef struct outcome (*act_fn)(struct request *r, struct case_ctx *c, const struct form *f);

/* Opens the case (404 when the caller cannot read it), acts, then redirects to the case with
 * done=`what` at #`form`, or shows it again with the problem. `kept` is taken over. */
static void act(struct request *r, unsigned flags, act_fn fn, const struct form *f,
                const char *what, const char *form, json_t *kept)
{
	struct case_ctx c;
	struct outcome o = case_open(r, r->params[0], flags, &c);
	if (o.failed) {
		json_decref(kept);
		reply_outcome(r, &o);
		return;
	}
	char id[ID_CHARS + 1];
	memcpy(id, c.rep.id, sizeof id);
	o = fn(r, &c, f);
	case_close(&c);
	if (o.failed) {
		again(r, &o, form, kept);
		return;
	}
	json_decref(kept);
	const char *lq = staff_lang_query(r);
	char url[256];
	snprintf(url, sizeof url, "/staff/reports/%s?done=%s%s%s#%s", id, what, *lq ? "&" : "",
	         *lq ? lq + 1 : "", form);
	reply_redirect(r, url);
}

/* ---- status and assignment ---- */

const struct jfield page_staff_case_status_fields[] = {
	/* Checked here, so that a refused form keeps what was typed. */
	{ "status", J_STRING, false, 0, 40, false },
	{ "reason", J_STRING, false, 0, 1 << 20, false },
	{ "internal_note", J_STRING, false, 0, 1 << 20, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

static struct outcome set_status(struct request *r, struct case_ctx *c, const struct form *f)
{
	struct case_patch p = { .status = f->a, .reason = f->b, .internal_note = f->c };
	return case_update(r, c, &p);
}

void page_staff_case_status(struct request *r)
{
	struct form f = { staff_in(r, 0), staff_in(r, 1), staff_in(r, 2) };
	json_t *kept = json_pack("{s:{s:s,s:s,s:s}}", "status_form", "status", f.a, "reason", f.b,
	                         "internal_note", f.c);
	struct outcome o = OUTCOME_OK;
	if (!*f.a)
		o = OUTCOME(ERR_MISSING_FIELD, "status", staff_t(r, "staff.case.errors.status", ""));
	else if ((o = text_ok(r, f.b, REASON_MAX)).failed)
		;
	else if (*f.c && report_chars(f.c) > TEXT_MAX)
		o = text_ok(r, f.c, TEXT_MAX);
	if (o.failed)
		again(r, &o, "status", kept);
	else
		act(r, CASE_READER, set_status, &f, "status", "status", kept);
}

const struct jfield page_staff_case_assign_fields[] = {
	{ "assignee", J_STRING, false, 0, 64, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

static struct outcome assign(struct request *r, struct case_ctx *c, const struct form *f)
{
	struct case_patch p = { .set_assignee = true, .assignee = *f->a ? f->a : NULL };
	return case_update(r, c, &p);
}

void page_staff_case_assign(struct request *r)
{
	struct form f = { staff_in(r, 0), NULL, NULL };
	act(r, CASE_READER, assign, &f, "assigned", "assign", NULL);
}

/* ---- messages, notes and identity requests ---- */

const struct jfield page_staff_case_text_fields[] = {
	{ "body", J_STRING, false, 0, 1 << 20, false },
	{ "reason", J_STRING, false, 0, 1 << 20, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

static struct outcome message(struct request *r, struct case_ctx *c, const struct form *f)
{
	char id[ID_CHARS + 1];
	return case_message(r, c, f->a, id);
}

static struct outcome note(struct request *r, struct case_ctx *c, const struct form *f)
{
	char id[ID_CHARS + 1];
	return case_note(r, c, f->a, id);
}

static struct outcome identity(struct request *r, struct case_ctx *c, const struct form *f)
{
	char id[ID_CHARS + 1];
	return case_identity_request(r, c, f->a, id);
}

/* A form of one text: `field` of the form, kept as `kept_key` on a refusal. */
static void text_form(struct request *r, int field, size_t max, act_fn fn, const char *what,
                      const char *form, const char *kept_key)
{
	struct form f = { staff_in(r, field), NULL, NULL };
	json_t *kept = json_pack("{s:s}", kept_key, f.a);
	struct outcome o = text_ok(r, f.a, max);
	if (o.failed)
		again(r, &o, form, kept);
	else
		act(r, CASE_READER, fn, &f, what, form, kept);
}

void page_staff_case_message(struct request *r)
{
	text_form(r, 0, TEXT_MAX, message, "message", "messages", "message_body");
}

void page_staff_case_note(struct request *r)
{
	text_form(r, 0, TEXT_MAX, note, "note", "notes", "note_body");
}

void page_staff_case_identity(struct request *r)
{
	text_form(r, 1, REASON_MAX, identity, "identity", "identity", "identity_reason");
}

/* ---- access ---- */

const struct jfield page_staff_case_user_fields[] = {
	{ "user", J_STRING, false, 0, 64, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

static struct outcome grant(struct request *r, struct case_ctx *c, const struct form *f)
{
	return case_grant(r, c, f->a);
}

static struct outcome revoke(struct request *r, struct case_ctx *c, const struct form *f)
{
	return case_revoke(r, c, f->a);
}

void page_staff_case_grant(struct request *r)
{
	struct form f = { staff_in(r, 0), NULL, NULL };
	if (!*f.a) {
		struct outcome o = OUTCOME(ERR_MISSING_FIELD, "user",
		                           staff_t(r, "staff.case.errors.user", ""));
		again(r, &o, "access", NULL);
		return;
	}
	act(r, CASE_ORG, grant, &f, "granted", "access", NULL);
}

void page_staff_case_revoke(struct request *r)
{
	struct form f = { staff_in(r, 0), NULL, NULL };
	act(r, CASE_ORG, revoke, &f, "revoked", "access", NULL);
}
