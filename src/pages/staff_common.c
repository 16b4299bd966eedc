/* staff_common.c: what every staff page shares: the signed-in user in the header, links by
 * role, the language carried in links and redirects, and small formatting helpers. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "accounts/accounts.h"
#include "core/refdata.h"
#include "core/timeutil.h"
#include "pages/pages.h"

const char *staff_lang_query(struct request *r)
{
	if (r->lang == LANG_EN)
		return "?lang=en";
	const char *q = req_query(r, "lang");
	return q && !strcmp(q, "id") ? "?lang=id" : "";
}

const char *staff_t(struct request *r, const char *path, const char *fallback)
{
	const json_t *v = refdata_strings(r->lang);
	char key[64];
	for (const char *p = path; v && *p;) {
		size_t n = strcspn(p, ".");
		if (n >= sizeof key)
			return fallback;
		memcpy(key, p, n);
		key[n] = '\0';
		v = json_object_get(v, key);
		p += n + (p[n] == '.');
	}
	return json_is_string(v) ? json_string_value(v) : fallback;
}

json_t *staff_fill(struct request *r, const char *path, const char *value)
{
	const char *fmt = staff_t(r, path, "{n}");
	const char *at = strstr(fmt, "{n}");
	if (!at)
		return json_string(fmt);
	char buf[1024];
	snprintf(buf, sizeof buf, "%.*s%s%s", (int)(at - fmt), fmt, value, at + 3);
	return json_string(buf);
}

void staff_time_wib(int64_t t, char out[17])
{
	if (!t) {
		out[0] = '\0';
		return;
	}
	struct tm tm;
	time_t tt = (time_t)(t + WIB_OFFSET);
	gmtime_r(&tt, &tm);
	strftime(out, 17, "%Y-%m-%d %H:%M", &tm);
}

json_t *staff_groups(const char *s)
{
	json_t *groups = json_array();
	while (groups && *s) {
		size_t n = strcspn(s, " -");
		if (n)
			json_array_append_new(groups, json_stringn(s, n));
		s += n + (s[n] != '\0');
	}
	return groups;
}

json_t *staff_state_json(struct request *r, const struct store_user *u)
{
	const char *state = account_state(r->ctx->trust, r->ctx->store, u);
	char path[64];
	snprintf(path, sizeof path, "staff.states.%s", state);
	return json_pack("{s:s,s:s}", "state", state, "state_label", staff_t(r, path, state));
}

const char *staff_in(struct request *r, int field)
{
	return r->present[field] && r->in[field].s ? r->in[field].s : "";
}

void staff_totp_code(const char *typed, char out[8])
{
	size_t n = 0;
	out[0] = '\0';
	for (const char *p = typed; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (n == 6)
				return (void)(out[0] = '\0');
			out[n++] = *p;
		} else if (*p != ' ' && *p != '-') {
			return (void)(out[0] = '\0');
		}
	}
	out[n == 6 ? n : 0] = '\0';
}

void staff_query_add(char *q, size_t len, const char *name, const char *value)
{
	if (!value)
		return;
	size_t n = strlen(q);
	n += (size_t)snprintf(q + n, len > n ? len - n : 0, "%s=", name);
	for (const unsigned char *p = (const unsigned char *)value; *p && n + 4 < len; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("-._~", *p))
			q[n++] = (char)*p;
		else
			n += (size_t)snprintf(q + n, len - n, "%%%02X", *p);
	}
	if (n + 1 < len)
		q[n++] = '&';
	q[n] = '\0';
}

json_t *staff_listing(struct request *r, json_t *(*list)(struct request *r), char bad[32])
{
	struct report_error e;
	report_quiet(r);
	json_t *out = list(r);
	bad[0] = '\0';
	if (!report_failed(r, &e))
		return out;
	json_decref(out);
	if (e.status == 400)
		snprintf(bad, 32, "%s", e.field[0] ? e.field : "query");
	else
		reply_error(r, ERR_UNAVAILABLE, NULL);
	return NULL;
}

/* Previous and next links of a listing of `total` items, or NULL when one page holds all.
 * `base` is the path with its query so far ("/staff/users?" or "/staff/audit?actor=x&"). */
json_t *staff_pager(struct request *r, const char *base, int64_t page, int64_t per_page,
                    int64_t total)
{
	int64_t pages = (total + per_page - 1) / per_page;
	if (pages <= 1 && page <= 1)
		return NULL;
	const char *lq = staff_lang_query(r);
	char prev[1400] = "", next[1400] = "", per[32] = "";
	if (per_page != STAFF_PER_PAGE)
		snprintf(per, sizeof per, "&per_page=%lld", (long long)per_page);
	if (page > 1)
		snprintf(prev, sizeof prev, "%spage=%lld%s%s%s", base, (long long)(page - 1), per,
		         *lq ? "&" : "", *lq ? lq + 1 : "");
	if (page < pages)
		snprintf(next, sizeof next, "%spage=%lld%s%s%s", base, (long long)(page + 1), per,
		         *lq ? "&" : "", *lq ? lq + 1 : "");
	char n[24], of[24];
	snprintf(n, sizeof n, "%lld", (long long)page);
	snprintf(of, sizeof of, "%lld", (long long)(pages ? pages : 1));
	json_t *label = staff_fill(r, "staff.pager.page", n);
	char text[128];
	const char *at = strstr(json_string_value(label), "{of}");
	if (at)
		snprintf(text, sizeof text, "%.*s%s%s", (int)(at - json_string_value(label)),
		         json_string_value(label), of, at + 4);
	else
		snprintf(text, sizeof text, "%s", json_string_value(label));
	json_decref(label);
	return json_pack("{s:s,s:s,s:s}", "label", text, "prev", prev, "next", next);
}

/* The staff navigation for the signed-in user's role; `page` marks the current item. */
static json_t *nav(struct request *r, const char *page)
{
	static const struct {
		const char *key, *path, *roles, *pages;
	} items[] = {
		{ "home", "/staff", "admin investigator supervisor leader", " staff_home " },
		{ "reports", "/staff/reports", "investigator supervisor leader",
		  " staff_inbox staff_case " },
		{ "identity", "/staff/identity-requests", "supervisor", " staff_identity " },
		{ "users", "/staff/users", "admin", " staff_users staff_code " },
		{ "pending", "/staff/pending", "supervisor", " staff_pending " },
		{ "settings", "/staff/settings", "admin supervisor", " staff_settings " },
		{ "audit", "/staff/audit", "admin supervisor", " staff_audit " },
		{ "account", "/staff/account", "admin investigator supervisor leader", " staff_account " },
	};
	json_t *list = json_array();
	char spaced[64];
	snprintf(spaced, sizeof spaced, " %s ", page);
	for (size_t i = 0; i < sizeof items / sizeof *items; i++) {
		if (!strstr(items[i].roles, r->user.role))
			continue;
		char href[64], label[64];
		snprintf(href, sizeof href, "%s%s", items[i].path, staff_lang_query(r));
		snprintf(label, sizeof label, "staff.nav.%s", items[i].key);
		json_array_append_new(list, json_pack("{s:s,s:s,s:b}", "href", href, "label",
		                                      staff_t(r, label, items[i].key), "current",
		                                      strstr(items[i].pages, spaced) != NULL));
	}
	return list;
}

void staff_page(struct request *r, unsigned status, const char *name, json_t *ctx)
{
	const char *lq = staff_lang_query(r);
	char la[16] = "";
	if (*lq)
		snprintf(la, sizeof la, "&%s", lq + 1);
	json_t *staff = json_pack("{s:s,s:s,s:s}", "lq", lq, "la", la, "lang_param",
	                          *lq ? lq + 6 : "");
	if (staff && r->authed) {
		char path[64];
		snprintf(path, sizeof path, "staff.roles.%s", r->user.role);
		json_object_set_new(staff, "me", json_pack("{s:s,s:s,s:s,s:s}", "name", r->user.name,
		                                           "username", r->user.username, "role",
		                                           r->user.role, "role_label",
		                                           staff_t(r, path, r->user.role)));
		json_object_set_new(staff, "csrf", json_string(r->csrf));
		json_object_set_new(staff, "nav", nav(r, name));
	}
	if (staff && ctx)
		json_object_update(staff, ctx);
	json_decref(ctx);
	reply_page(r, status, name, staff);
}

void staff_redirect(struct request *r, const char *path, const char *query)
{
	const char *lq = staff_lang_query(r);
	char url[512];
	if (query && *query)
		snprintf(url, sizeof url, "%s?%s%s%s", path, query, *lq ? "&" : "", *lq ? lq + 1 : "");
	else
		snprintf(url, sizeof url, "%s%s", path, lq);
	reply_redirect(r, url);
}
