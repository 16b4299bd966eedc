/* staff_settings.c: GET, POST /staff/settings: instance settings for administrators and
 * supervisors. Each sees every setting and edits only those its role owns; the form is
 * turned into the same settings_patch body as the API's PATCH, with only the owned fields
 * that changed. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "accounts/settings.h"
#include "pages/pages.h"

#define MIB (1024 * 1024)

enum {
	S_INSTANCE_NAME, S_MAX_FILES, S_MAX_FILE_MIB, S_MAX_MESSAGE_CHARS, S_REQUIRE_TOTP_ADMIN,
	S_ACK_DAYS, S_RESOLVE_DAYS, S_EXCLUSION_ENABLED, S_REQUIRE_TOTP_STAFF, S_COUNT
};

const struct jfield page_staff_settings_fields[] = {
	[S_INSTANCE_NAME] = { "instance_name", J_STRING, false, 0, 200, false },
	[S_MAX_FILES] = { "max_files", J_STRING, false, 0, 12, false },
	[S_MAX_FILE_MIB] = { "max_file_mib", J_STRING, false, 0, 12, false },
	[S_MAX_MESSAGE_CHARS] = { "max_message_chars", J_STRING, false, 0, 12, false },
	[S_REQUIRE_TOTP_ADMIN] = { "require_totp_admin", J_STRING, false, 0, 8, false },
	[S_ACK_DAYS] = { "ack_days", J_STRING, false, 0, 12, false },
	[S_RESOLVE_DAYS] = { "resolve_days", J_STRING, false, 0, 12, false },
	[S_EXCLUSION_ENABLED] = { "exclusion_enabled", J_STRING, false, 0, 8, false },
	[S_REQUIRE_TOTP_STAFF] = { "require_totp_staff", J_STRING, false, 0, 8, false },
	{ NULL, J_STRING, false, 0, 0, false },
};

/* Which role owns each form field (settings.c owns the rule; this is only the form's view). */
static const char *const owner[S_COUNT] = {
	"admin", "admin", "admin", "admin", "admin",
	"supervisor", "supervisor", "supervisor", "supervisor",
};

/* The current values in the form's terms. */
static json_t *values(const struct settings *s)
{
	return json_pack("{s:s,s:I,s:I,s:I,s:b,s:I,s:I,s:b,s:b}", "instance_name", s->instance_name,
	                 "max_files", (json_int_t)s->max_files, "max_file_mib",
	                 (json_int_t)(s->max_file_bytes / MIB), "max_message_chars",
	                 (json_int_t)s->max_message_chars, "require_totp_admin", s->require_totp_admin,
	                 "ack_days", (json_int_t)s->ack_days, "resolve_days",
	                 (json_int_t)s->resolve_days, "exclusion_enabled", s->exclusion_enabled,
	                 "require_totp_staff", s->require_totp_staff);
}

/* The page; `v` (taken over) are the values to show, `bad` the form field at fault. */
static void settings_page(struct request *r, unsigned status, json_t *v, const char *bad)
{
	json_t *ctx = json_pack("{s:s,s:o,s:b,s:b}", "title", staff_t(r, "staff.settings.title", ""),
	                        "v", v, "admin_owns", !strcmp(r->user.role, "admin"),
	                        "supervisor_owns", !strcmp(r->user.role, "supervisor"));
	if (bad) {
		char label[96], key[48];
		snprintf(label, sizeof label, "staff.settings.fields.%s", bad);
		json_object_set_new(ctx, "problem", json_pack("{s:o}", "message",
		                                              staff_fill(r, "staff.settings.invalid",
		                                                         staff_t(r, label, bad))));
		snprintf(key, sizeof key, "bad_%s", bad);
		json_object_set_new(ctx, key, json_true());
	} else {
		const char *done = req_query(r, "done");
		if (done && (!strcmp(done, "saved") || !strcmp(done, "unchanged"))) {
			char path[48];
			snprintf(path, sizeof path, "staff.settings.done.%s", done);
			json_object_set_new(ctx, "notice", json_string(staff_t(r, path, "")));
		}
	}
	staff_page(r, status, "staff_settings", ctx);
}

void page_staff_settings(struct request *r)
{
	struct settings s;
	settings_get(&s);
	settings_page(r, 200, values(&s), NULL);
}

/* A whole number typed into a form field. 0, or -1 when it is not one. */
static int whole(const char *s, long long *out)
{
	char *end;
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno ? -1 : 0;
}

void page_staff_settings_post(struct request *r)
{
	struct settings cur;
	settings_get(&cur);
	json_t *shown = values(&cur), *patch = json_object(), *limits = json_object();
	const char *bad = NULL;
	for (int f = 0; f < S_COUNT; f++) {
		if (strcmp(owner[f], r->user.role) != 0)
			continue;
		const char *name = page_staff_settings_fields[f].name;
		const char *typed = staff_in(r, f);
		json_t *old = json_object_get(shown, name), *value;
		if (json_is_boolean(old)) {
			value = json_boolean(*typed != '\0'); /* a checkbox is sent only when ticked */
		} else if (json_is_string(old)) {
			value = json_string(typed);
		} else {
			long long n;
			if (whole(typed, &n) != 0) {
				json_object_set_new(shown, name, json_string(typed));
				bad = bad ? bad : name;
				continue;
			}
			value = json_integer(n);
		}
		bool changed = !json_equal(old, value);
		if (changed && f >= S_MAX_FILES && f <= S_MAX_MESSAGE_CHARS) {
			json_int_t n = json_integer_value(value);
			if (f == S_MAX_FILE_MIB)
				json_object_set_new(limits, "max_file_bytes", json_integer(n * MIB));
			else
				json_object_set_new(limits, name, json_integer(n));
		} else if (changed) {
			json_object_set(patch, name, value);
		}
		json_object_set_new(shown, name, value);
	}
	if (json_object_size(limits))
		json_object_set(patch, "limits", limits);
	json_decref(limits);
	if (bad) {
		json_decref(patch);
		settings_page(r, 400, shown, bad);
		return;
	}
	if (!json_object_size(patch)) {
		json_decref(patch);
		json_decref(shown);
		staff_redirect(r, "/staff/settings", "done=unchanged");
		return;
	}
	struct outcome o = settings_patch(r->ctx->store, patch, &r->user, r->lang);
	json_decref(patch);
	if (!o.failed) {
		json_decref(shown);
		staff_redirect(r, "/staff/settings", "done=saved");
		return;
	}
	if (o.err != ERR_INVALID_FIELD || !o.field) {
		json_decref(shown);
		reply_outcome(r, &o);
		return;
	}
	/* settings.c names the field as the API does ("limits.max_file_bytes"). */
	const char *field = o.field;
	if (!strncmp(field, "limits.", 7))
		field += 7;
	if (!strcmp(field, "max_file_bytes"))
		field = "max_file_mib";
	else if (!strcmp(field, "limits"))
		field = "max_files";
	settings_page(r, 400, shown, field);
}
